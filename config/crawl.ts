/** Settings of the crawl stage; see config/index.ts for how sections are loaded. */
export const crawlSettings = {};
