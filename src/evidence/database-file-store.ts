import { createHash } from 'node:crypto';
import { deleteCaptureFile, findCaptureFile, findCaptureFileSize, insertCaptureFile } from '../../db/capture-files.ts';
import type { Db } from '../../db/open-db.ts';
import { CaptureFileMissingError, CaptureIntegrityError, sha256OfParts, type CaptureFileStore } from './capture-file-store.ts';

const WHERE = 'the database (table capture_files)';

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Capture files as rows of capture_files: bytes, size and SHA-256 keyed by the path. One INSERT
 * writes a whole file (no row is ever half-written) and commits before the capture rows that
 * name it; every read checks the bytes against the SHA-256 stored beside them.
 */
export function createDatabaseFileStore(db: Db): CaptureFileStore {
  return {
    kind: 'database',
    where: WHERE,
    async write(path, parts) {
      const bytes = Buffer.concat(parts);
      const sha256 = sha256OfParts(parts);
      await insertCaptureFile(db, { path, sha256, size: bytes.length, bytes, createdAt: new Date().toISOString() });
      return { bytes: bytes.length, sha256 };
    },
    async read(path) {
      const row = await findCaptureFile(db, path);
      if (!row) throw new CaptureFileMissingError(path, WHERE);
      const bytes = Buffer.from(row.bytes);
      if (sha256Hex(bytes) !== row.sha256) {
        throw new CaptureIntegrityError(`capture file ${path} in ${WHERE} no longer matches the SHA-256 stored with it`, { path, sha256: row.sha256 });
      }
      return bytes;
    },
    async sha256Of(path) {
      const row = await findCaptureFile(db, path);
      return row ? sha256Hex(row.bytes) : null;
    },
    async sizeOf(path) {
      return (await findCaptureFileSize(db, path)) ?? null;
    },
    async remove(path) {
      return await deleteCaptureFile(db, path);
    },
  };
}
