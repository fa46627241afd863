import type { ArticleRow, ArticleSummary } from '../../db/articles.ts';

/** An article as the API and the CLI show it: without the internal row key. */
export function presentArticle<T extends ArticleSummary | ArticleRow>(row: T): Omit<T, 'key'> {
  const { key: _key, ...rest } = row;
  return rest;
}
