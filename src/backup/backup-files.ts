import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';

/**
 * File work for backups: copies that hash what they copy, and hashes of files in place. A copy
 * goes through a temp file, fsync and rename, so a file that exists is complete.
 */

export interface FileDigest {
  sha256: string;
  size: number;
}

/** SHA-256 and size of a file, streamed (captures can be large). */
export async function digestFile(path: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Copies `from` to `to` (folders made), hashing the bytes as they pass. */
export async function copyFileHashed(from: string, to: string): Promise<FileDigest> {
  await mkdir(dirname(to), { recursive: true });
  const temp = `${to}.tmp-${process.pid}`;
  const hash = createHash('sha256');
  let size = 0;
  const out = await open(temp, 'w');
  try {
    for await (const chunk of createReadStream(from)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
      await out.write(chunk as Buffer);
    }
    await out.sync();
  } catch (error) {
    await out.close();
    await unlink(temp).catch(() => {});
    throw error;
  }
  await out.close();
  await rename(temp, to);
  return { sha256: hash.digest('hex'), size };
}

/**
 * True for a relative path that stays inside its folder (no `..`, not absolute): paths come from
 * database rows and from a manifest, and neither may make a copy land outside its folder.
 */
export function isContainedPath(path: string): boolean {
  if (path === '' || isAbsolute(path) || path.includes('\0')) return false;
  // Any `..` segment is refused, even one that normalises away: what is checked is what is used.
  return !path.split(/[\\/]/).includes('..');
}
