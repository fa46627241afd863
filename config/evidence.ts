import { z } from 'zod';
import { defineSetting, envInt } from './define.ts';

// An http(s) URL or empty (off).
const optionalHttpUrl = z.union([z.literal(''), z.string().url('must be an http(s) URL').refine((v) => /^https?:\/\//i.test(v), 'must be an http(s) URL')]);

export const evidenceSettings = {
  chromiumPath: defineSetting('COPYHOUND_CHROMIUM_PATH', z.string().min(1), '/usr/bin/chromium', "Chromium used to render captures offline (Debian's chromium package)."),
  // A heavy news page renders in 1–3 s; a page that has not settled by then will not.
  renderTimeoutMs: defineSetting('COPYHOUND_RENDER_TIMEOUT_MS', envInt(1000, 600_000), 30_000, 'Longest one offline render of a capture may take (ms).'),
  // At least daily: a day bounds how long an entry waits for a signed head that covers it.
  treeHeadEveryHours: defineSetting('COPYHOUND_TREE_HEAD_EVERY_HOURS', envInt(1, 24), 24, 'How often `serve` signs a custody log tree head (hours); every export signs one too.'),
  tsaUrl: defineSetting('COPYHOUND_TSA_URL', optionalHttpUrl, '', 'RFC 3161 time-stamping authority that stamps each signed tree head (empty: none).'),
  // TSAs answer in well under a second; a stuck one must not hold an export for long.
  tsaTimeoutMs: defineSetting('COPYHOUND_TSA_TIMEOUT_MS', envInt(500, 120_000), 10_000, 'Longest a time-stamping authority may take to answer (ms).'),
};
