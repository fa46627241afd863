import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { createStderrLogDestination, startProgressBar } from '../../src/cli/progress-bar.ts';
import { createLogger } from '../../src/log.ts';

/** A stderr that says it is a terminal and keeps what is written to it. */
function terminalStderr(): Writable & { isTTY: boolean; columns: number; text: () => string } {
  let written = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      written += String(chunk);
      done();
    },
  }) as Writable & { isTTY: boolean; columns: number; text: () => string; cursorTo: (x: number) => void; clearLine: () => void; moveCursor: () => void };
  stream.isTTY = true;
  stream.columns = 100;
  // What cli-progress asks of a terminal stream.
  stream.cursorTo = (x: number) => void (written += `<col ${x}>`);
  stream.clearLine = () => {};
  stream.moveCursor = () => {};
  stream.text = () => written;
  return stream;
}

describe('log lines and a progress bar on one stderr', () => {
  it('a log line is written on a cleared line above the bar, and the bar is drawn again below it', () => {
    const stderr = terminalStderr();
    for (const format of ['pretty', 'json'] as const) {
      const logger = createLogger(loadConfig({}, { log: { level: 'warn', format } }), {}, createStderrLogDestination(stderr));
      const bar = startProgressBar(stderr, 'working [{bar}] {value}/{total}', 10, {})!;
      bar.update(3);
      const before = stderr.text().length;
      logger.warn({ url: 'https://news.example/a' }, 'slow host');
      const after = stderr.text().slice(before);
      bar.stop();
      // Cleared first (carriage return, erase line), then the whole log line, then the bar again.
      expect(after.startsWith('\r\x1b[K'), JSON.stringify(after)).toBe(true);
      const [line, rest] = [after.slice(4, after.indexOf('\n') + 1), after.slice(after.indexOf('\n') + 1)];
      expect(line).toContain('slow host');
      expect(line).not.toContain('working [');
      expect(rest).toContain('working [');
      expect(rest).toContain('3/10');
    }
    // Without a bar the line is written as it is.
    const plain = terminalStderr();
    createLogger(loadConfig({}, { log: { level: 'warn', format: 'json' } }), {}, createStderrLogDestination(plain)).warn('alone');
    expect(plain.text()).toMatch(/^\{"level":40,.*"msg":"alone"\}\n$/);
  });

  it('draws no bar when stderr is not a terminal', () => {
    const stderr = terminalStderr();
    stderr.isTTY = false;
    expect(startProgressBar(stderr, '{bar}', 10, {})).toBeUndefined();
    expect(stderr.text()).toBe('');
  });
});
