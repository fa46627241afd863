import { findSourceByName, updateSource, type SourceRow } from '../../../db/sources.ts';
import { buildSourceRow } from '../../../crawlers/source-types.ts';
import type { App } from '../../app.ts';
import { ConflictError } from '../../errors.ts';

/**
 * Changes a source's settings in place (its id, type and crawl state stay: URLs visited, their
 * validators, runs). The changed source is validated whole by the same schema as a new one
 * (crawlers/source-types.ts), so an edit can make nothing the API's POST would refuse.
 */
export function changeSource(app: App, source: SourceRow, request: Record<string, unknown>): SourceRow {
  // The type and the owner-feed mark decide what the stored crawl state means: they stay.
  const checked = buildSourceRow({ ...request, type: source.type, isOwnerFeed: source.isOwnerFeed, name: request.name ?? source.name }, new Date().toISOString());
  const db = app.database.db;
  const holder = checked.name !== source.name ? findSourceByName(db, checked.name) : undefined;
  if (holder) throw new ConflictError(`A source named "${checked.name}" exists; pick another name`, { name: checked.name });
  const { name, url, urls, schedule, limits, enabled, updatedAt } = checked;
  return updateSource(db, source.id, { name, url, urls, schedule, limits, enabled, updatedAt })!;
}
