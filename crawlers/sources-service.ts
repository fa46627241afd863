/** Source management shared by the CLI and the API: validation, lookup by name or id, health. */
import { deleteSource, findSourceById, findSourceByName, insertSource, readSourceHealth, updateSource, type SourceHealth, type SourceRow } from '../db/sources.ts';
import type { App } from '../src/app.ts';
import { ConflictError, NotFoundError } from '../src/errors.ts';
import { buildSourceRow } from './source-types.ts';

export function addSource(app: App, input: unknown): SourceRow {
  const row = buildSourceRow(input, new Date().toISOString());
  if (findSourceByName(app.database.db, row.name)) throw new ConflictError(`A source named "${row.name}" exists; pick another --name`, { name: row.name });
  return insertSource(app.database.db, row);
}

/** A source by id (digits) or name. */
export function findSource(app: App, ref: string | number): SourceRow | undefined {
  const db = app.database.db;
  if (typeof ref === 'number' || /^\d+$/.test(ref)) return findSourceById(db, Number(ref));
  return findSourceByName(db, ref);
}

export function getSource(app: App, ref: string | number): SourceRow {
  const source = findSource(app, ref);
  if (!source) throw new NotFoundError(`No source "${ref}"`);
  return source;
}

export function removeSource(app: App, ref: string | number): SourceRow {
  const source = getSource(app, ref);
  deleteSource(app.database.db, source.id);
  return source;
}

export function setSourceEnabled(app: App, ref: string | number, enabled: boolean): SourceRow {
  const source = getSource(app, ref);
  return updateSource(app.database.db, source.id, { enabled, updatedAt: new Date().toISOString() })!;
}

export function presentSource(app: App, source: SourceRow): SourceRow & { health: SourceHealth } {
  return { ...source, health: readSourceHealth(app.database.db, source.id) };
}
