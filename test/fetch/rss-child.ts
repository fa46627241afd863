/**
 * Child process for the memory test: runs 20 hostile fetches at once against the server URL in
 * argv and prints peak RSS and each outcome as JSON. Not a test file (vitest does not pick it up).
 * Usage: rss-child.ts <server base URL> <deadline ms> <"mixed" | one hostile path>
 */
import { FetchError } from '../../src/errors.ts';
import { fetchPage } from '../../src/fetch/index.ts';
import { testFetchConfig } from './helpers.ts';
import { HOSTILE_CASES } from './hostile-server.ts';

/** Sample often enough to catch a short spike of a decompression bomb. */
const SAMPLE_EVERY_MS = 10;
const PARALLEL = 20;

const [base, deadline, mix] = process.argv.slice(2);
const config = testFetchConfig({ totalTimeoutMs: Number(deadline) });
const startRss = process.memoryUsage().rss;
let maxRss = startRss;
const sampler = setInterval(() => {
  maxRss = Math.max(maxRss, process.memoryUsage().rss);
}, SAMPLE_EVERY_MS);

const paths = Array.from({ length: PARALLEL }, (_, i) => (mix === 'mixed' ? HOSTILE_CASES[i % HOSTILE_CASES.length][0] : mix));
const outcomes = await Promise.all(
  paths.map(async (path) => {
    try {
      const page = await fetchPage(new URL(path, base).href, { config });
      return { path, reason: `ok ${page.status}` };
    } catch (error) {
      return { path, reason: error instanceof FetchError ? error.reason : `unexpected ${String(error)}` };
    }
  }),
);
clearInterval(sampler);
maxRss = Math.max(maxRss, process.memoryUsage().rss);
process.stdout.write(JSON.stringify({ maxRss, startRss, outcomes }));
