import type { Db } from '../../db/open-db.ts';
import { ConfigError } from '../../config/config-error.ts';
import { createFolderFileStore, type CaptureFileStore, type CaptureFileStoreKind } from './capture-file-store.ts';
import { createDatabaseFileStore } from './database-file-store.ts';

/** COPYHOUND_CAPTURE_STORE as configured: `auto` picks by the database. */
export type CaptureStoreSetting = 'auto' | CaptureFileStoreKind;

/**
 * The store the setting means on this database. `database` on SQLite is refused: the file would
 * grow by every WARC, and `backup`/`restore` copy capture files from the data folder.
 */
export function captureStoreKind(setting: CaptureStoreSetting, dialect: 'sqlite' | 'pg'): CaptureFileStoreKind {
  if (setting === 'auto') return dialect === 'pg' ? 'database' : 'folder';
  if (setting === 'database' && dialect === 'sqlite') {
    throw new ConfigError('COPYHOUND_CAPTURE_STORE=database needs PostgreSQL (COPYHOUND_DATABASE_URL); on SQLite capture files live in the data folder: set it to folder or auto, or leave it unset');
  }
  return setting;
}

/** The capture file store of `kind`: the data folder, or the database's capture_files table. */
export function createCaptureFileStore(options: { kind: CaptureFileStoreKind; db: Db; dataDir: string }): CaptureFileStore {
  return options.kind === 'database' ? createDatabaseFileStore(options.db) : createFolderFileStore(options.dataDir);
}
