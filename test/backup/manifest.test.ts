import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isContainedPath } from '../../src/backup/backup-files.ts';
import { readManifest } from '../../src/backup/manifest.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const HASH = 'a'.repeat(64);

function manifestWith(files: { path: string; sha256: string; size: number }[]) {
  return {
    format: 'copyhound-backup', formatVersion: 1, createdAt: '2026-01-01T00:00:00.000Z', copyhoundVersion: '0.1.0', schemaVersion: 'x',
    database: { path: 'copyhound.db', sha256: HASH, size: 1, rowCounts: {} },
    custodyLog: { size: 0, rootHash: '' }, files, missingFiles: [],
  };
}

describe('backup manifest', () => {
  const tempDir = useTempDir();

  it('keeps paths inside their folder: no absolute path, no `..` segment even one that normalises away', () => {
    for (const ok of ['warc/2026/01/01/capture-1.warc.gz', 'data/renders/1.png']) expect(isContainedPath(ok), ok).toBe(true);
    for (const bad of ['', '/etc/passwd', '../x', 'data/../../x', 'data/../x', 'a\\..\\b', 'a\0b']) expect(isContainedPath(bad), bad).toBe(false);
  });

  it('refuses a manifest whose file would land outside the data folder, or that is not one, naming why', async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifestWith([{ path: 'data/../x', sha256: HASH, size: 1 }])));
    await expect(readManifest(dir)).rejects.toThrow(/files\.0\.path: must be a relative path inside the backup/);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifestWith([{ path: 'elsewhere/x', sha256: HASH, size: 1 }])));
    await expect(readManifest(dir)).rejects.toThrow(/must be under data\//);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifestWith([{ path: 'data/warc/x', sha256: HASH, size: 1 }])));
    await expect(readManifest(dir)).resolves.toMatchObject({ files: [{ path: 'data/warc/x' }] });
    await expect(readManifest(tempDir())).rejects.toThrow(/no manifest\.json/);
  });
});
