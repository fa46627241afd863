import { zip, type AsyncZippable } from 'fflate';
import { appendCustodyEntry, findCustodyEntry, type TreeHeadRow } from '../db/custody-log.ts';
import { appendReportEvent } from '../db/report-events.ts';
import { writeTransaction } from '../db/write-transaction.ts';
import type { App } from './app.ts';
import { custodyPublicKey, proveInclusion, signNewTreeHead } from './custody-log.ts';
import { ValidationError } from './errors.ts';
import { canonicalJson, PACKAGE_FORMAT } from './evidence-verify/verify-package.mjs';
import { gatherReportEvidence } from './evidence-gather.ts';
import { buildReportFiles, noticeInputOf, readVerifierSource, sha256Hex, type PackageFile, type PackageRecord } from './evidence-package.ts';
import { renderComparisonHtml } from './notices/index.ts';
import { createRenderer, type Renderer } from './render/index.ts';
import { getReport } from './report-admin.ts';

/**
 * `copyhound evidence export` and GET /api/reports/:id/evidence: one zip with a folder per
 * report, every file hashed in manifest.json, each capture, rendered view, decision and history
 * event proved against a freshly signed tree head of the custody log. The export itself is
 * logged: an `export` entry vouching for the package's file list (so no file can change without
 * the signed log telling), and an `evidence_exported` event in each report's history.
 */

// A package is for a case: a filtered list of a few dozen reports is typical; hundreds bound the
// zip (built in memory) to a size a browser download and a lawyer's machine handle.
export const MAX_REPORTS_PER_PACKAGE = 200;
export const SOFTWARE = { name: 'copyhound', version: '0.1.0' };

// WARC files, PNG and PDF are compressed already: stored as they are (level 0) in the zip.
const STORED = /\.(gz|png|pdf)$/;
// Text and JSON deflate well; level 6 is zlib's default balance of time and size.
const DEFLATE_LEVEL = 6;

export interface EvidenceExport {
  zip: Uint8Array;
  manifest: Record<string, unknown>;
  treeHead: TreeHeadRow;
  files: number;
}

const README = `Copyhound evidence package (format ${PACKAGE_FORMAT})

Each report-<id>/ folder holds one infringement report:
  report.json          figures, copied passages, the decision with its reasons and the consents
                       considered, the full status history
  article.txt          the owned article (text, URL, publication date, credit line)
  comparison.html/pdf  the article and the copying page side by side, copied passages numbered
  notice-dmca.txt      a DMCA notice draft (17 U.S.C. 512(c)(3)(A)(i)-(vi)); notice-lumen.json
  captures/<id>.warc.gz        each capture of the page as WARC 1.1 (request, response, metadata)
  captures/<id>-body.warc.gz   for a revisit capture, the WARC file holding the identical body
  captures/<id>.txt            the text extracted from that capture
  captures/<id>.png/.pdf       the capture rendered offline (no network, JavaScript off)

manifest.json lists every file with its SHA-256, and the custody log entries (a Merkle tree,
RFC 6962/9162) that vouch for the captures, renders, decision and history, each with its
inclusion proof against a tree head signed with the publisher's Ed25519 key.

To check it offline, with Node.js 18 or later and nothing to install:
  node verify.mjs --public-key publisher-key.pem
(without --public-key the signature is only checked against the key the package carries; obtain
the publisher's key separately, e.g. \`copyhound log public-key\` on their installation).
`;

async function checkReportIds(app: App, ids: readonly number[]): Promise<number[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) throw new ValidationError('No reports to export: name at least one report id');
  if (unique.length > MAX_REPORTS_PER_PACKAGE) throw new ValidationError(`${unique.length} reports in one package; at most ${MAX_REPORTS_PER_PACKAGE} (export a narrower filter, or several packages)`);
  for (const id of unique) await getReport(app.database.db, id);
  return unique;
}

export async function exportEvidencePackage(app: App, reportIds: readonly number[], actor: string, options: { renderer?: Renderer; now?: Date } = {}): Promise<EvidenceExport> {
  const db = app.database.db;
  const ids = await checkReportIds(app, reportIds);
  const now = options.now ?? new Date();
  const renderer = options.renderer ?? createRenderer({ chromiumPath: app.config.evidence.chromiumPath, timeoutMs: app.config.evidence.renderTimeoutMs });
  const files: PackageFile[] = [];
  const records: PackageRecord[] = [];
  try {
    for (const id of ids) {
      const evidence = await gatherReportEvidence(app, id, renderer);
      const comparison = await renderer.render({ html: renderComparisonHtml(noticeInputOf(evidence)) });
      const built = buildReportFiles(evidence, app.config.notices, comparison.pdf, now);
      files.push(...built.files);
      records.push(...built.records);
    }
  } finally {
    if (!options.renderer) await renderer.close();
  }
  files.push({ path: 'verify.mjs', bytes: readVerifierSource() }, { path: 'README.txt', bytes: Buffer.from(README) });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const listed = files.map((f) => ({ path: f.path, sha256: sha256Hex(f.bytes), bytes: f.bytes.length, ...(f.logIndex !== undefined ? { logIndex: f.logIndex } : {}) }));
  const contentsSha256 = sha256Hex(Buffer.from(canonicalJson(listed)));
  const at = now.toISOString();
  const exportEntry = await writeTransaction(db, async (tx) => {
    const index = await appendCustodyEntry(tx, { type: 'export', refId: ids[0], at, sha256: contentsSha256, fields: { reports: ids, files: listed.length, actor } });
    for (const id of ids) {
      const { status } = await getReport(tx, id);
      await appendReportEvent(tx, {
        reportId: id, at, actor, kind: 'evidence_exported', fromStatus: status, toStatus: status,
        note: `evidence package exported by ${actor}: ${ids.length} report(s), ${listed.length} files`,
        detail: { reports: ids, files: listed.length, contentsSha256, exportEntry: index },
      });
    }
    return index;
  });
  const treeHead = await signNewTreeHead({ db, config: app.config.evidence, logger: app.logger }, 'export', at);
  const indexes = [...new Set([exportEntry, ...listed.flatMap((f) => (f.logIndex !== undefined ? [f.logIndex] : [])), ...records.map((r) => r.logIndex)])].sort((a, b) => a - b);
  const entries: { index: number; leaf: string; proof: string[] }[] = [];
  for (const index of indexes) entries.push({ index, leaf: (await findCustodyEntry(db, index))!.leaf, proof: await proveInclusion(db, index, treeHead.size) });
  const { publicKeyPem, keyId } = await custodyPublicKey(db);
  const manifest = {
    format: PACKAGE_FORMAT,
    createdAt: at,
    software: SOFTWARE,
    reports: ids,
    files: listed,
    records,
    custody: {
      publicKey: publicKeyPem,
      keyId,
      treeHead: { size: treeHead.size, rootHash: treeHead.rootHash, timestamp: treeHead.timestamp, signature: treeHead.signature },
      ...(treeHead.timestampToken ? { timestampToken: treeHead.timestampToken } : {}),
      exportEntry,
      entries,
    },
  };
  const zippable: AsyncZippable = { 'manifest.json': [Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), { level: DEFLATE_LEVEL, mtime: now }] };
  for (const f of files) zippable[f.path] = [f.bytes, { level: STORED.test(f.path) ? 0 : DEFLATE_LEVEL, mtime: now }];
  return { zip: await zipOffThread(zippable), manifest, treeHead, files: listed.length + 1 };
}

/** fflate's asynchronous zip compresses in worker threads: the server keeps answering meanwhile. */
function zipOffThread(files: AsyncZippable): Promise<Uint8Array> {
  return new Promise((resolve, reject) => zip(files, (error, data) => (error ? reject(error) : resolve(data))));
}
