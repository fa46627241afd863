import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/evidence-verify/verify-package.mjs';

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units at every depth, with no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    // Integer-like keys: objects enumerate them first in numeric order; the format wants code-unit order.
    expect(canonicalJson({ 9: 'nine', 10: 'ten', a: 'a', B: 'B' })).toBe('{"10":"ten","9":"nine","B":"B","a":"a"}');
    // U+1F600 is the surrogate pair D83D DE00, which sorts before U+FFFF by code units.
    expect(canonicalJson({ '\uffff': 1, '\u{1f600}': 2, é: 3 })).toBe('{"é":3,"😀":2,"\uffff":1}');
  });

  it("uses JSON.stringify's forms for numbers and strings", () => {
    expect(canonicalJson([0, -0, 1e21, 1e-7, 0.1 + 0.2, Number.MAX_SAFE_INTEGER, NaN, Infinity])).toBe(
      '[0,0,1e+21,1e-7,0.30000000000000004,9007199254740991,null,null]',
    );
    expect(canonicalJson('line\n"quoted" \u2028 \ud800 é')).toBe(JSON.stringify('line\n"quoted" \u2028 \ud800 é'));
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson(null)).toBe('null');
  });

  it('drops undefined members and writes undefined array items as null, as JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: () => 1, c: [undefined, () => 1] })).toBe('{"c":[null,null]}');
    expect(canonicalJson({ at: new Date(Date.UTC(2026, 11, 1, 12, 0, 0, 5)) })).toBe('{"at":"2026-12-01T12:00:00.005Z"}');
  });

  it('equals JSON.stringify for a value whose keys are already in order', () => {
    const value = { history: [{ at: '2026-12-01T12:00:00.000Z', event: 'created' }], id: 12, status: 'sent' };
    expect(canonicalJson(value)).toBe(JSON.stringify(value));
    expect(canonicalJson(JSON.parse(JSON.stringify({ z: 1, a: 2 })))).toBe('{"a":2,"z":1}');
  });

  it('refuses values with no JSON form instead of hashing something else', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cycle/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/BigInt/);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    const shared = { x: 1 };
    expect(canonicalJson([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });
});
