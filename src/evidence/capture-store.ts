import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { findCaptureBody, findCaptureById, findLatestCaptureForUrl, insertCapture } from '../../db/captures.ts';
import type { Db } from '../../db/open-db.ts';
import type { CaptureRow } from '../../db/schema/captures.ts';
import { NotFoundError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { CaptureIntegrityError, createFolderFileStore, type CaptureFileStore } from './capture-file-store.ts';
import { captureFilePath, writeFileAtomic } from './capture-files.ts';
import type { CaptureInput } from './types.ts';
import { buildCaptureRecords, buildExportInfoRecord, newRecordId, readResponsePayload } from './warc-records.ts';

const EXPORT_SOFTWARE = 'copyhound-evidence/0.1.0';

export interface Capture {
  id: number;
  requestedUrl: string;
  finalUrl: string;
  status: number;
  statusText: string;
  headers: [string, string][];
  requestHeaders: [string, string][];
  redirects: { url: string; status: number; location: string }[];
  remoteAddress: string;
  startedAt: string;
  endedAt: string;
  /** SHA-256 (hex) of the raw body as received. */
  sha256: string;
  bodySize: number;
  contentType: string;
  /** This capture's WARC file, relative to the data folder. */
  warcPath: string;
  warcRecordId: string;
  /** 'revisit' when the body was already stored by an earlier capture. */
  recordType: 'response' | 'revisit';
  /** WARC-Truncated reason: the body is only what arrived before the fetch failed. */
  truncated: 'length' | 'time' | 'disconnect' | 'unspecified' | null;
  fetcherVersion: string;
  settings: Record<string, unknown>;
  createdAt: string;
}

export interface CaptureStore {
  /** Writes the WARC file (whole, to the file store), then the rows in one transaction. */
  save(input: CaptureInput): Promise<{ id: number; sha256: string }>;
  get(id: number): Promise<Capture | undefined>;
  /** Newest capture whose requested or final URL is `url`. */
  latestForUrl(url: string): Promise<Capture | undefined>;
  /** Raw body bytes of a capture, verified against its SHA-256. */
  readBody(id: number): Promise<Buffer>;
  /** One self-contained .warc.gz with the captures (and the originals their revisits refer to). */
  exportWarc(ids: readonly number[], outPath: string): Promise<{ path: string; files: number; bytes: number }>;
}

export { CaptureIntegrityError };

function toCapture(row: CaptureRow): Capture {
  const { bodySha256, ...rest } = row;
  return { ...rest, sha256: bodySha256 };
}

/** Validators of a capture for a conditional re-fetch (fetchPage's `conditional` option). */
export function conditionalFor(capture: Pick<Capture, 'headers' | 'status'>): { etag?: string; lastModified?: string } {
  if (capture.status < 200 || capture.status >= 300) return {};
  const find = (name: string) => capture.headers.find(([n]) => n.toLowerCase() === name)?.[1];
  const result: { etag?: string; lastModified?: string } = {};
  const etag = find('etag');
  const lastModified = find('last-modified');
  if (etag) result.etag = etag;
  if (lastModified) result.lastModified = lastModified;
  return result;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The evidence store. Bodies are content-addressed: the first capture of a body holds it in a
 * WARC response record; later captures of identical bytes write a WARC revisit record
 * (identical-payload-digest profile) and the row points at the stored body.
 */
export function createCaptureStore(options: { db: Db; dataDir: string; files?: CaptureFileStore; logger?: Logger }): CaptureStore {
  const { db, logger } = options;
  const files = options.files ?? createFolderFileStore(options.dataDir);
  // Saves of the same body run one after another, so two identical bodies in flight are still
  // stored once; different bodies are written in parallel (their fsyncs overlap on the thread pool).
  const inFlight = new Map<string, Promise<unknown>>();

  async function saveNow(input: CaptureInput, sha256: string): Promise<{ id: number; sha256: string }> {
    const existing = await findCaptureBody(db, sha256);
    const warcPath = captureFilePath(input.startedAt);
    const warcRecordId = newRecordId();
    const warcDate = input.startedAt;
    const records = await buildCaptureRecords(
      input,
      {
        responseRecordId: warcRecordId,
        warcDate,
        revisitOf: existing ? { targetUri: existing.targetUri, warcDate: existing.warcDate, sha256 } : undefined,
      },
      basename(warcPath),
    );
    // What the custody log vouches for: the file's bytes (request, response or revisit, metadata).
    const { sha256: warcSha256 } = await files.write(warcPath, records);
    const createdAt = new Date().toISOString();
    try {
      const id = await insertCapture(
        db,
        {
          requestedUrl: input.requestedUrl,
          finalUrl: input.finalUrl,
          status: input.status,
          statusText: input.statusText,
          headers: input.headerLines,
          requestHeaders: input.requestHeaders,
          redirects: input.redirects,
          remoteAddress: input.remoteAddress,
          startedAt: input.startedAt,
          endedAt: input.endedAt,
          bodySha256: sha256,
          bodySize: input.rawBody.length,
          contentType: input.contentType,
          warcPath,
          warcRecordId,
          recordType: existing ? 'revisit' : 'response',
          truncated: input.truncated ?? null,
          fetcherVersion: input.fetcherVersion,
          settings: input.settings,
          warcSha256,
          createdAt,
        },
        existing
          ? undefined
          : { sha256, size: input.rawBody.length, warcPath, warcRecordId, targetUri: input.finalUrl, warcDate, createdAt },
      );
      logger?.debug({ captureId: id, sha256, revisit: existing !== undefined, warcPath }, 'capture saved');
      return { id, sha256 };
    } catch (error) {
      // No row refers to the file: remove it so nothing half-written remains.
      await files.remove(warcPath).catch(() => {});
      throw error;
    }
  }

  async function getRow(id: number): Promise<CaptureRow> {
    const row = await findCaptureById(db, id);
    if (!row) throw new NotFoundError(`capture ${id} does not exist`, { captureId: id });
    return row;
  }

  return {
    save(input) {
      const sha256 = sha256Hex(input.rawBody);
      const before = inFlight.get(sha256) ?? Promise.resolve();
      const result = before.then(async () => await saveNow(input, sha256));
      const settled = result.catch(() => {});
      inFlight.set(sha256, settled);
      void settled.then(() => {
        if (inFlight.get(sha256) === settled) inFlight.delete(sha256);
      });
      return result;
    },

    async get(id) {
      const row = await findCaptureById(db, id);
      return row ? toCapture(row) : undefined;
    },

    async latestForUrl(url) {
      const row = await findLatestCaptureForUrl(db, url);
      return row ? toCapture(row) : undefined;
    },

    async readBody(id) {
      const row = await getRow(id);
      let location = { warcPath: row.warcPath, recordId: row.warcRecordId };
      if (row.recordType === 'revisit') {
        const body = await findCaptureBody(db, row.bodySha256);
        if (!body) throw new CaptureIntegrityError(`body ${row.bodySha256} of capture ${id} is not stored`, { captureId: id });
        location = { warcPath: body.warcPath, recordId: body.warcRecordId };
      }
      const payload = await readResponsePayload(await files.read(location.warcPath), location.recordId);
      if (!payload) throw new CaptureIntegrityError(`record ${location.recordId} missing from ${location.warcPath}`, { captureId: id });
      if (sha256Hex(payload) !== row.bodySha256) {
        throw new CaptureIntegrityError(`body of capture ${id} does not match its SHA-256`, { captureId: id, warcPath: location.warcPath });
      }
      return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    },

    async exportWarc(ids, outPath) {
      const paths: string[] = [];
      const seen = new Set<string>();
      const include = (path: string) => {
        if (!seen.has(path)) {
          seen.add(path);
          paths.push(path);
        }
      };
      for (const id of ids) {
        const row = await getRow(id);
        if (row.recordType === 'revisit') {
          // A revisit alone has no body: ship the capture that holds it, ahead of the revisit.
          const body = await findCaptureBody(db, row.bodySha256);
          if (body) include(body.warcPath);
        }
        include(row.warcPath);
      }
      const info = await buildExportInfoRecord(basename(outPath), EXPORT_SOFTWARE, [...ids]);
      // Written file by file: an export of many captures holds one capture file in memory at a time.
      async function* exportChunks(): AsyncGenerator<Uint8Array> {
        yield info;
        for (const path of paths) yield await files.read(path);
      }
      const bytes = await writeFileAtomic(outPath, exportChunks());
      return { path: outPath, files: paths.length, bytes };
    },
  };
}
