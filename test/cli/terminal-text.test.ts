import { describe, expect, it } from 'vitest';
import { escapeTerminalText, showInline } from '../../src/cli/terminal-text.ts';

describe('escapeTerminalText', () => {
  it('shows C0/C1 controls, DEL, ESC sequences and bidi controls as visible escapes', () => {
    expect(showInline('a\u001b[31mred\u001b[0m\u0000\u0007\u007f\u009b\u0085')).toBe('a\\x1b[31mred\\x1b[0m\\x00\\x07\\x7f\\x9b\\x85');
    expect(showInline('invoice\u202efdp.exe \u2066x\u2069 \u202a\u202b\u202c\u202d')).toBe('invoice\\u202efdp.exe \\u2066x\\u2069 \\u202a\\u202b\\u202c\\u202d');
    expect(showInline('a\u2028b\u2029c\ufeffd\ufff9e\u206af')).toBe('a\\u2028b\\u2029c\\ufeffd\\ufff9e\\u206af');
    expect(showInline('lone \ud800 half')).toBe('lone \\ud800 half');
  });

  it('escapes tabs and line breaks in one-line fields but keeps them in multi-line text', () => {
    expect(showInline('a\tb\nc\rd')).toBe('a\\tb\\nc\\rd');
    expect(escapeTerminalText('a\tb\r\nc\rd\u001b', { multiline: true })).toBe('a\tb\nc\\rd\\x1b');
  });

  it('leaves ordinary text of every script alone, including marks real text needs', () => {
    const text = 'Zürich – 東京 – שלום\u200f – سلام\u061c – क्‍ष (ZWJ) – 👩‍👩‍👧 – “quotes” – C:\\path';
    expect(showInline(text)).toBe(text);
  });

  it('cuts long text without splitting a character', () => {
    expect(showInline('abcdef', 3)).toBe('abc…');
    expect(showInline('😀😀😀', 3)).toBe('😀…');
    expect(showInline('abc', 3)).toBe('abc');
    expect(showInline(null)).toBe('');
  });
});
