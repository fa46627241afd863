/**
 * Text normalisation shared by tokens and fingerprints: NFKC, lower case, and one spelling for
 * typographic quotes, dashes and spaces, so a copier's (or CMS's) typography does not hide a copy.
 */

const SINGLE_QUOTES = /[\u2018\u2019\u201a\u201b\u2032\u02bc\uff07]/g;
const DOUBLE_QUOTES = /[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\uff02]/g;
const DASHES = /[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d]/g;
const SPACES = /[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]+/g;
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** One word as the dataset counts it (NFKC, lower case), with apostrophes unified. */
export function normalizeWord(raw: string): string {
  if (ASCII_ONLY.test(raw)) return raw.toLowerCase();
  return raw.normalize('NFKC').toLowerCase().replace(SINGLE_QUOTES, "'");
}

/** Whole-text form (for display and comparisons of phrases); offsets are NOT preserved. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(DASHES, '-')
    .replace(SPACES, ' ')
    .trim();
}
