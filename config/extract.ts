import { defineSetting, envInt, envNumber } from './define.ts';

/** Settings of the extract stage; see config/index.ts for how sections are loaded. */
export const extractSettings = {
  minParagraphChars: defineSetting(
    'COPYHOUND_EXTRACT_MIN_PARAGRAPH_CHARS',
    envInt(1, 1000),
    25,
    'Shortest run of text (characters) that counts as a paragraph when locating the article body',
  ),
  maxBlockLinkDensity: defineSetting(
    'COPYHOUND_EXTRACT_MAX_BLOCK_LINK_DENSITY',
    envNumber(0, 1),
    0.5,
    'Share of link text above which a list/box inside the article is dropped as a link list',
  ),
  maxParagraphLinkDensity: defineSetting(
    'COPYHOUND_EXTRACT_MAX_PARAGRAPH_LINK_DENSITY',
    envNumber(0, 1),
    0.8,
    'Share of link text above which a short paragraph is dropped as a "read also" line',
  ),
  minArticleChars: defineSetting(
    'COPYHOUND_EXTRACT_MIN_ARTICLE_CHARS',
    envInt(0, 100000),
    0,
    'Extracted text shorter than this (characters) is reported as "no article" (empty text)',
  ),
  workers: defineSetting(
    'COPYHOUND_EXTRACT_WORKERS',
    envInt(1, 64),
    1,
    'Worker threads for a page\'s CPU work off the event loop: extraction, and matching of large pages (1: on a 2-core machine the main thread keeps a core for fetching, captures and matching, and each worker costs ~50 MB; raise it on bigger machines)',
  ),
  timeoutMs: defineSetting(
    'COPYHOUND_EXTRACT_TIMEOUT_MS',
    envInt(100, 600000),
    20000,
    'Time budget for one step of a page in a worker (extraction, or a large page\'s fingerprinting or verification; ms); past it the worker is stopped and the page fails with extract_timeout (real pages take well under 1 s)',
  ),
  maxHtmlBytes: defineSetting(
    'COPYHOUND_EXTRACT_MAX_HTML_BYTES',
    envInt(1024, 1073741824),
    10485760,
    'Largest page (UTF-8 bytes of HTML) extracted; larger pages fail with extract_too_large (same as the largest body fetched)',
  ),
  workerMemoryMb: defineSetting(
    'COPYHOUND_EXTRACT_WORKER_MEMORY_MB',
    envInt(64, 65536),
    1024,
    'Heap limit of one extraction worker (MB); a page that needs more fails with extract_failed instead of exhausting the machine',
  ),
};
