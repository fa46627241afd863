import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCaptureRecords } from '../../src/evidence/warc-records.ts';
import type { CaptureInput } from '../../src/evidence/index.ts';
import { inclusionPathOf, leafHashOf, treeHashOf } from './merkle-reference.ts';

/*
 * Builds evidence packages exactly as the evidence package format v1 describes, without the verifier's
 * help: its own canonical JSON, pointer lookup, Merkle tree (merkle-reference.ts) and signing.
 */

export const VERIFIER_SOURCE = join(dirname(fileURLToPath(import.meta.url)), '../../src/evidence-verify/verify-package.mjs');
const TREE_HEAD_TIME = '2026-12-01T12:00:00.000Z';
const LEAF_TIME = '2026-11-30T09:15:00.000Z';

export interface PackageFileSpec {
  path: string;
  bytes: Buffer;
  /** When set, a custody entry of this type vouches for the file (files[].logIndex). */
  leafType?: 'capture' | 'render';
}

export interface PackageRecordSpec {
  file: string;
  pointer: string;
}

export interface BuiltPackage {
  dir: string;
  manifest: Manifest;
  privateKey: KeyObject;
  publicKeyPem: string;
  keyId: string;
}

// The manifest is edited freely by tamper tests, so it stays loosely typed.
export type Manifest = any;

export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((key) => record[key] !== undefined).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function valueAt(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((value: unknown, token) => (value as Record<string, unknown>)[token], document);
}

/** keyId = SHA-256 of the DER SPKI bytes, which are the base64 body of the PEM. */
export function keyIdFor(publicKeyPem: string): string {
  return sha256Hex(Buffer.from(publicKeyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
}

export function newSigningKey(): { privateKey: KeyObject; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export function signTreeHead(head: { size: number; rootHash: string; timestamp: string }, privateKey: KeyObject): string {
  const message = Buffer.from(`copyhound-tree-head-v1\n${head.size}\n${head.rootHash}\n${head.timestamp}\n`, 'utf8');
  return sign(null, message, privateKey).toString('base64');
}

function leafFor(type: string, sha256: string): string {
  return canonical({ at: LEAF_TIME, sha256, type, v: 1 });
}

/**
 * Writes `files` (plus verify.mjs and README.txt) and a manifest to `dir`. The custody log gets
 * `fillerBefore` unrelated decisions, then one leaf per vouched file and per record, then
 * `fillerAfter` more, so entries sit at uneven indices of a ragged tree.
 */
export function writePackage(
  dir: string,
  files: PackageFileSpec[],
  records: PackageRecordSpec[],
  options: { fillerBefore?: number; fillerAfter?: number; key?: { privateKey: KeyObject; publicKeyPem: string } } = {},
): BuiltPackage {
  const { privateKey, publicKeyPem } = options.key ?? newSigningKey();
  const all: PackageFileSpec[] = [
    { path: 'verify.mjs', bytes: readFileSync(VERIFIER_SOURCE) },
    { path: 'README.txt', bytes: Buffer.from('Copyhound evidence package. Check it with: node verify.mjs\n') },
    ...files,
  ];
  const leaves: string[] = [];
  for (let i = 0; i < (options.fillerBefore ?? 5); i++) leaves.push(leafFor('decision', sha256Hex(`decision ${i}`)));
  const fileIndex = new Map<string, number>();
  for (const file of all) {
    if (!file.leafType) continue;
    fileIndex.set(file.path, leaves.length);
    leaves.push(leafFor(file.leafType, sha256Hex(file.bytes)));
  }
  const recordIndex: number[] = [];
  for (const record of records) {
    const bytes = all.find((file) => file.path === record.file)?.bytes;
    if (!bytes) throw new Error(`record file ${record.file} is not among the package files`);
    recordIndex.push(leaves.length);
    leaves.push(leafFor('report_event', sha256Hex(canonical(valueAt(JSON.parse(bytes.toString('utf8')), record.pointer)))));
  }
  const unreferenced = leaves.length;
  leaves.push(leafFor('decision', sha256Hex('a decision the package also carries')));
  // The export entry vouches for the file list, exactly as the manifest will carry it.
  const listed = all.map((file) => ({
    path: file.path,
    sha256: sha256Hex(file.bytes),
    bytes: file.bytes.length,
    ...(fileIndex.has(file.path) ? { logIndex: fileIndex.get(file.path) } : {}),
  }));
  const exportEntry = leaves.length;
  leaves.push(leafFor('export', sha256Hex(canonical(listed))));
  for (let i = 0; i < (options.fillerAfter ?? 3); i++) leaves.push(leafFor('decision', sha256Hex(`later decision ${i}`)));

  const hashes = leaves.map((leaf) => leafHashOf(leaf));
  const treeHead = { size: leaves.length, rootHash: treeHashOf(hashes).toString('hex'), timestamp: TREE_HEAD_TIME, signature: '' };
  treeHead.signature = signTreeHead(treeHead, privateKey);
  const entryAt = (index: number) => ({ index, leaf: leaves[index], proof: inclusionPathOf(index, hashes).map((hash) => hash.toString('hex')) });
  const keyId = keyIdFor(publicKeyPem);
  const manifest: Manifest = {
    format: 'copyhound-evidence-package/1',
    createdAt: TREE_HEAD_TIME,
    software: { name: 'copyhound', version: '0.1.0' },
    reports: [12],
    files: listed,
    records: records.map((record, i) => ({ logIndex: recordIndex[i], file: record.file, pointer: record.pointer })),
    custody: {
      publicKey: publicKeyPem,
      keyId,
      treeHead,
      exportEntry,
      entries: [...fileIndex.values(), ...recordIndex, unreferenced, exportEntry].map(entryAt),
    },
  };
  for (const file of all) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.bytes);
  }
  writeManifest(dir, manifest);
  return { dir, manifest, privateKey, publicKeyPem, keyId };
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
}

export function writeManifest(dir: string, manifest: Manifest): void {
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

function captureInput(url: string, body: string): CaptureInput {
  return {
    requestedUrl: url,
    finalUrl: url,
    status: 200,
    statusText: 'OK',
    headerLines: [['content-type', 'text/html; charset=utf-8'], ['etag', '"v1"']],
    requestHeaders: [['user-agent', 'CopyhoundBot/test']],
    redirects: [],
    remoteAddress: '127.0.0.1',
    startedAt: '2026-11-30T09:14:59.000Z',
    endedAt: '2026-11-30T09:15:00.000Z',
    rawBody: Buffer.from(body),
    contentType: 'text/html; charset=utf-8',
    fetcherVersion: 'copyhound-test',
    settings: { maxBodyBytes: 10_485_760 },
  };
}

export const COPIED_TEXT = 'Wire story copied word for word: the council voted 7-2 to close the harbour.';

/** WARC files as our capture store writes them: capture 7 holds the body, capture 8 is a revisit of it. */
export async function captureWarcs(): Promise<{ original: Buffer; revisit: Buffer; bodySha256: string }> {
  const url = 'https://copy.example/story';
  const body = `<!doctype html><title>Story</title><p>${COPIED_TEXT}</p>`;
  const warcDate = '2026-11-30T09:15:00.000Z';
  const original = await buildCaptureRecords(captureInput(url, body), { responseRecordId: '<urn:uuid:00000000-0000-4000-8000-000000000007>', warcDate }, 'capture-7.warc.gz');
  const bodySha256 = sha256Hex(Buffer.from(body));
  const revisit = await buildCaptureRecords(
    captureInput(url, body),
    {
      responseRecordId: '<urn:uuid:00000000-0000-4000-8000-000000000008>',
      warcDate: '2026-11-30T10:15:00.000Z',
      revisitOf: { targetUri: url, warcDate, sha256: bodySha256 },
    },
    'capture-8.warc.gz',
  );
  return { original: Buffer.concat(original), revisit: Buffer.concat(revisit), bodySha256 };
}

export const REPORT_JSON = {
  id: 12,
  status: 'notice_sent',
  url: 'https://copy.example/story',
  history: [
    { at: '2026-11-30T09:20:00.000Z', event: 'created', by: 'editor@wire.example' },
    { at: '2026-11-30T11:00:00.000Z', event: 'notice_sent', to: 'abuse@copy.example', channel: 'email' },
  ],
  'a/b~c': { note: 'a key that needs JSON pointer escapes' },
};

/** A one-report package laid out as the format describes, with real WARC captures. */
export async function writeSamplePackage(dir: string, options: Parameters<typeof writePackage>[3] = {}): Promise<BuiltPackage> {
  const { original, revisit } = await captureWarcs();
  const files: PackageFileSpec[] = [
    { path: 'report-12/report.json', bytes: Buffer.from(`${JSON.stringify(REPORT_JSON, null, 2)}\n`) },
    { path: 'report-12/comparison.html', bytes: Buffer.from(`<!doctype html><p>${COPIED_TEXT}</p>`), leafType: 'render' },
    { path: 'report-12/comparison.pdf', bytes: Buffer.from('%PDF-1.7\n% not a real PDF, bytes are bytes\n%%EOF\n'), leafType: 'render' },
    { path: 'report-12/article.txt', bytes: Buffer.from(`${COPIED_TEXT}\n`) },
    { path: 'report-12/notice-dmca.txt', bytes: Buffer.from('DMCA notice for https://copy.example/story\n') },
    { path: 'report-12/notice-lumen.json', bytes: Buffer.from('{"notice":{"type":"DMCA"}}\n') },
    { path: 'report-12/captures/7.warc.gz', bytes: original, leafType: 'capture' },
    { path: 'report-12/captures/7.txt', bytes: Buffer.from(`${COPIED_TEXT}\n`) },
    { path: 'report-12/captures/7.png', bytes: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), leafType: 'render' },
    { path: 'report-12/captures/8.warc.gz', bytes: revisit, leafType: 'capture' },
    { path: 'report-12/captures/8-body.warc.gz', bytes: original },
  ];
  const records: PackageRecordSpec[] = [
    { file: 'report-12/report.json', pointer: '/history/0' },
    { file: 'report-12/report.json', pointer: '/history/1' },
    { file: 'report-12/report.json', pointer: '/a~1b~0c' },
  ];
  return writePackage(dir, files, records, options);
}
