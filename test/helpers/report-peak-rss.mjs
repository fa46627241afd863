// Preloaded into a CLI child (node --import) by run-cli-measured.ts: on exit, writes the
// process's peak resident set size in bytes (getrusage ru_maxrss, all threads) to the file named
// by COPYHOUND_TEST_PEAK_RSS_FILE. Kernel-kept peak, so no sampling can miss a short spike.
import { writeFileSync } from 'node:fs';

const out = process.env.COPYHOUND_TEST_PEAK_RSS_FILE;
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS * 1024)));
