import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { isContainedPath } from './backup-files.ts';

/** What a backup folder holds and how to check it: manifest.json, written last. */

export const MANIFEST_FILE = 'manifest.json';
export const BACKUP_DATABASE_FILE = 'copyhound.db';
/** Capture files sit under this folder of the backup, at their path relative to the data dir. */
export const BACKUP_DATA_FOLDER = 'data';
export const MANIFEST_FORMAT = 'copyhound-backup';
export const MANIFEST_VERSION = 1;
// ~200 bytes a file: room for a few million captures, and a bound on what restore reads.
export const MAX_MANIFEST_BYTES = 1024 * 1024 * 1024;

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256');
const relativePath = z.string().max(4096).refine(isContainedPath, 'must be a relative path inside the backup');

export const manifestSchema = z.strictObject({
  format: z.literal(MANIFEST_FORMAT),
  formatVersion: z.literal(MANIFEST_VERSION),
  createdAt: z.string(),
  copyhoundVersion: z.string(),
  schemaVersion: z.string(),
  database: z.strictObject({ path: relativePath, sha256: sha256Schema, size: z.number().int().min(0), rowCounts: z.record(z.string(), z.number().int().min(0)) }),
  custodyLog: z.strictObject({ size: z.number().int().min(0), rootHash: z.string() }),
  /** Capture files (WARC files, renders), each at `data/<path relative to the data dir>`. */
  files: z.array(z.strictObject({ path: relativePath.refine((p) => p.startsWith(`${BACKUP_DATA_FOLDER}/`), `must be under ${BACKUP_DATA_FOLDER}/`), sha256: sha256Schema, size: z.number().int().min(0) })),
  /** Paths the snapshot's rows name whose file was already missing when the backup was taken. */
  missingFiles: z.array(z.string()),
});

export type BackupManifest = z.infer<typeof manifestSchema>;

/** Reads and checks a backup's manifest; a refusal names what is wrong. */
export async function readManifest(dir: string): Promise<BackupManifest> {
  const path = join(dir, MANIFEST_FILE);
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new ValidationError(`no ${MANIFEST_FILE} in ${dir}: not a Copyhound backup, or one that did not finish`);
  if (info.size > MAX_MANIFEST_BYTES) throw new ValidationError(`${path} is ${info.size} bytes, over the ${MAX_MANIFEST_BYTES}-byte bound for a manifest`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ValidationError(`${path} is not JSON: ${(error as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw new ValidationError(`${path} is not a backup manifest: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(manifest)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
