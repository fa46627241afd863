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
};
