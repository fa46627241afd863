import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';

/** Folder under the data dir holding one .warc.gz per capture, sharded by day. */
export const WARC_FOLDER = 'warc';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** A capture file's name as captureFilePath makes it; anything else in the folder is not ours. */
const CAPTURE_NAME = new RegExp(`^capture-\\d{8,17}-${UUID}\\.warc\\.gz$`);
/** `<final name>.tmp-<host>-<pid>-<uuid>`; older stores wrote `<final name>.tmp-<uuid>` (no owner). */
const TEMP_SUFFIX = new RegExp(`\\.tmp-(?:([a-z0-9]*)-(\\d+)-)?${UUID}$`);
// Host names can be long and hold dots or dashes; the tag only has to tell machines apart.
const HOST_TAG_MAX_LENGTH = 32;

/** This machine, as written into temp names: a pid is only meaningful on the host that made it. */
export const HOST_TAG = hostname().toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, HOST_TAG_MAX_LENGTH);

/** Where a capture started at `startedAt` is stored, relative to the data dir. */
export function captureFilePath(startedAt: string): string {
  const day = startedAt.slice(0, 10).split('-');
  const stamp = startedAt.replace(/[-:.TZ]/g, '').slice(0, 17);
  return join(WARC_FOLDER, ...day, `capture-${stamp}-${randomUUID()}.warc.gz`);
}

/** The temp file a write to `path` goes through; its name says which process writes it. */
export function tempPathFor(path: string): string {
  return `${path}.tmp-${HOST_TAG}-${process.pid}-${randomUUID()}`;
}

export type CaptureFileKind =
  | { kind: 'capture' }
  | { kind: 'temp'; owner: { host: string; pid: number } | undefined }
  | { kind: 'other' };

/** What a file in the warc folder is, by its name. */
export function classifyCaptureFile(name: string): CaptureFileKind {
  if (CAPTURE_NAME.test(name)) return { kind: 'capture' };
  const temp = TEMP_SUFFIX.exec(name);
  if (temp && CAPTURE_NAME.test(name.slice(0, temp.index))) {
    return { kind: 'temp', owner: temp[2] === undefined ? undefined : { host: temp[1], pid: Number(temp[2]) } };
  }
  return { kind: 'other' };
}

/**
 * True when the writer of a temp file is certainly gone: it was made on this host and its process
 * no longer exists. Unknown (another host, no owner in the name) is not "dead".
 */
export function isTempOwnerDead(owner: { host: string; pid: number } | undefined): boolean {
  if (!owner || owner.host !== HOST_TAG) return false;
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Writes to a temp file, fsyncs, renames into place, fsyncs the folder: all or nothing. */
export async function writeFileAtomic(path: string, chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  // The temp name carries host and pid: the orphan sweep removes it at once when that process is gone.
  const temp = tempPathFor(path);
  const handle = await open(temp, 'wx');
  let bytes = 0;
  try {
    for await (const chunk of chunks) {
      await handle.write(chunk);
      bytes += chunk.length;
    }
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => {});
    throw error;
  }
  await handle.close();
  await rename(temp, path);
  const folder = await open(dirname(path), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
  return bytes;
}
