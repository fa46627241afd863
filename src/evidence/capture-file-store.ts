import { createHash } from 'node:crypto';
import { readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256OfFile } from '../bytes/sha256-of-file.ts';
import { CopyhoundError } from '../errors.ts';
import { writeFileAtomic } from './capture-files.ts';

/** Where capture files (WARC files, rendered views) live: the data folder, or a table of the database (COPYHOUND_CAPTURE_STORE). */
export type CaptureFileStoreKind = 'folder' | 'database';

/**
 * The capture files (WARC files and rendered views), each named by the path its rows hold (relative to the data
 * folder in both stores, so rows read the same whichever holds the bytes). A write is all or
 * nothing and happens before the rows that refer to the file are written.
 */
export interface CaptureFileStore {
  readonly kind: CaptureFileStoreKind;
  /** Where the files are, for messages: "the data folder /srv/data" or "the database". */
  readonly where: string;
  /** Stores the parts, in order, as the file at `path`; answers its size and SHA-256. */
  write(path: string, parts: readonly Uint8Array[]): Promise<{ bytes: number; sha256: string }>;
  /** The file's bytes. CaptureFileMissingError when there is none; CaptureIntegrityError when a database row's bytes no longer match its SHA-256. */
  read(path: string): Promise<Buffer>;
  /** SHA-256 of the bytes as stored now (not as recorded); null when the file is gone. */
  sha256Of(path: string): Promise<string | null>;
  /** Size in bytes; null when the file is gone. */
  sizeOf(path: string): Promise<number | null>;
  /** Removes the file; false when it was not there. */
  remove(path: string): Promise<boolean>;
}

export class CaptureIntegrityError extends CopyhoundError {
  constructor(message: string, details?: unknown) {
    super('capture_integrity', message, details);
  }
}

export class CaptureFileMissingError extends CopyhoundError {
  constructor(path: string, where: string) {
    super('capture_file_missing', `capture file ${path} is missing from ${where}`, { path });
  }
}

export function sha256OfParts(parts: readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** The data folder: temp file, fsync, rename, fsync of the folder (writeFileAtomic). */
export function createFolderFileStore(dataDir: string): CaptureFileStore {
  const where = `the data folder ${dataDir}`;
  return {
    kind: 'folder',
    where,
    async write(path, parts) {
      const bytes = await writeFileAtomic(join(dataDir, path), parts);
      return { bytes, sha256: sha256OfParts(parts) };
    },
    async read(path) {
      try {
        return await readFile(join(dataDir, path));
      } catch (error) {
        if (isMissing(error)) throw new CaptureFileMissingError(path, where);
        throw error;
      }
    },
    async sha256Of(path) {
      return await sha256OfFile(join(dataDir, path));
    },
    async sizeOf(path) {
      try {
        return (await stat(join(dataDir, path))).size;
      } catch {
        return null;
      }
    },
    async remove(path) {
      try {
        await unlink(join(dataDir, path));
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },
  };
}
