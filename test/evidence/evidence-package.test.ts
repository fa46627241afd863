import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync, zipSync } from 'fflate';
import { WARCParser } from 'warcio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRendersOfCapture } from '../../db/capture-renders.ts';
import { findCustodyEntriesFor } from '../../db/custody-log.ts';
import { listReportEvents } from '../../db/report-events.ts';
import { listReports } from '../../db/reports.ts';
import type { App } from '../../src/app.ts';
import { exportEvidencePackage } from '../../src/evidence-export.ts';
import { processPage } from '../../src/pipeline.ts';
import { setReportStatus } from '../../src/report-admin.ts';
import { addLicensee } from '../../src/rights-admin.ts';
import { addConsent } from '../../src/consent-admin.ts';
import { parseConsentRequest } from '../../src/rights/consent-input.ts';
import { verifyCustodyLog } from '../../src/custody-verify.ts';
import { treeHeadMessage } from '../../src/evidence-verify/verify-package.mjs';
import { buildNewsPage, escapeHtml, paragraphsOf, readOwnedFixtures } from '../fixtures/check/build-page.ts';
import { startNewsSite, type NewsSite } from '../fixtures/crawl/news-site.ts';
import { crawlTestEnv, openTestApp } from '../crawl/crawl-helpers.ts';
import { runCliInProcess } from '../helpers/run-cli.ts';

/**
 * A real case end to end: a copy found twice by the pipeline, confirmed by a reviewer, exported
 * as a package (chromium renders the captures offline), then checked by `copyhound evidence
 * verify` and by the package's own verify.mjs under plain node — untouched, and after each kind
 * of tampering a court expert would look for.
 */

const run = promisify(execFile);
type Files = Record<string, Uint8Array>;

function unzip(zip: Uint8Array): Files {
  return unzipSync(zip);
}

function writeZip(dir: string, name: string, files: Files): string {
  const path = join(dir, name);
  writeFileSync(path, zipSync(files));
  return path;
}

function manifestOf(files: Files) {
  return JSON.parse(Buffer.from(files['manifest.json']).toString('utf8'));
}

function withManifest(files: Files, edit: (m: ReturnType<typeof manifestOf>) => void): Files {
  const m = manifestOf(files);
  edit(m);
  return { ...files, 'manifest.json': Buffer.from(JSON.stringify(m, null, 2)) };
}

describe('evidence packages (export, offline verify, tampering)', () => {
  let dir: string;
  let site: NewsSite;
  let app: App;
  let sentinel: Server;
  let sentinelConnections = 0;
  let files: Files;
  let reportId: number;
  let mirrorId: number;
  let zipPath: string;

  beforeAll(async () => {
    dir = join(process.env.TMPDIR ?? '/tmp', `copyhound-evidence-${process.pid}-${Date.now()}`);
    mkdirSync(dir, { recursive: true });
    // Anything the page references points here: an offline render must never connect.
    sentinel = createServer((socket) => {
      sentinelConnections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => sentinel.listen(0, '127.0.0.1', resolve));
    const outside = `http://127.0.0.1:${(sentinel.address() as AddressInfo).port}`;
    const [nato] = readOwnedFixtures();
    site = await startNewsSite({ stories: 1 });
    const page = buildNewsPage({ site: 'Copy Daily', headline: nato.title, paragraphsHtml: paragraphsOf(nato).map(escapeHtml) })
      .replace('</head>', `<link rel="stylesheet" href="${outside}/style.css"></head>`)
      .replace('<main>', `<main><img src="${outside}/logo.png" alt="logo">`);
    site.setPage('/pirate/nato', page);
    // The same bytes at a second address: its capture is a revisit of the first (the body is
    // stored once), so its folder must carry the WARC file that holds the body.
    site.setPage('/mirror/nato', page);
    app = await openTestApp(dir);
    expect((await processPage(app, `${site.url}/pirate/nato`)).status).toBe('matched');
    expect((await processPage(app, `${site.url}/mirror/nato`)).status).toBe('matched');
    [{ id: reportId }, { id: mirrorId }] = await listReports(app.database.db, { filters: {}, sort: { field: 'id', direction: 'asc' }, limit: 10 });
    await setReportStatus(app.database.db, reportId, 'confirmed', 'copied word for word', 'alice');
    // The mirror is a licensee's, but its licence asks for a link back the page lacks: a breach.
    const rights = { db: app.database.db, config: app.config.rights };
    await addLicensee(rights, { name: 'Mirror News', places: ['http://127.0.0.1/mirror/'] }, 'alice');
    await addConsent(rights, parseConsentRequest({ licensee: 'Mirror News', places: ['http://127.0.0.1/mirror/'], duties: ['link'], contractRef: 'M-1' }), 'alice');
    const exported = await exportEvidencePackage(app, [reportId, mirrorId], 'alice');
    files = unzip(exported.zip);
    zipPath = writeZip(dir, 'package.zip', files);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await site?.close();
    await new Promise<void>((resolve) => sentinel.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds every part the issue names, and the offline render reached nothing', () => {
    const names = Object.keys(files).sort();
    const r = `report-${reportId}`;
    for (const name of ['manifest.json', 'verify.mjs', 'README.txt', `${r}/report.json`, `${r}/article.txt`, `${r}/comparison.html`, `${r}/comparison.pdf`, `${r}/notice-dmca.txt`, `${r}/notice-lumen.json`]) {
      expect(names).toContain(name);
    }
    // One folder per report; the mirror's revisit capture comes with the file holding its body.
    expect(manifestOf(files).reports).toEqual([reportId, mirrorId]);
    expect(names.filter((n) => /^report-\d+\/report\.json$/.test(n))).toEqual([`${r}/report.json`, `report-${mirrorId}/report.json`].sort());
    expect(names.filter((n) => n.endsWith('-body.warc.gz'))).toEqual([expect.stringMatching(new RegExp(`^report-${mirrorId}/captures/\\d+-body\\.warc\\.gz$`))]);
    const captures = names.filter((n) => /captures\/\d+\.warc\.gz$/.test(n));
    expect(captures).toHaveLength(2);
    for (const c of captures) {
      const base = c.replace(/\.warc\.gz$/, '');
      for (const ext of ['.txt', '.png', '.pdf']) expect(names).toContain(base + ext);
      expect(Buffer.from(files[`${base}.png`]).subarray(1, 4).toString()).toBe('PNG');
      expect(Buffer.from(files[`${base}.pdf`]).subarray(0, 5).toString()).toBe('%PDF-');
    }
    expect(sentinelConnections).toBe(0);
    const report = JSON.parse(Buffer.from(files[`${r}/report.json`]).toString());
    expect(report.decision).toMatchObject({ decision: 'unlicensed', record: expect.objectContaining({ decision: 'unlicensed' }) });
    expect(report.history.map((e: { kind: string }) => e.kind)).toEqual(['created', 'status']);
    expect(report.passages.items.length).toBeGreaterThan(0);
    // The breached licence is in the mirror's package with every term.
    const mirror = JSON.parse(Buffer.from(files[`report-${mirrorId}/report.json`]).toString());
    expect(mirror.decision).toMatchObject({ decision: 'licence_breach', licensee: 'Mirror News' });
    expect(mirror.decision.consentsConsidered).toEqual([expect.objectContaining({ contractRef: 'M-1', duties: ['link'], licenseeName: 'Mirror News' })]);
    expect(mirror.history.map((e: { kind: string }) => e.kind)).toEqual(['created', 'decision']);
    const dmca = Buffer.from(files[`${r}/notice-dmca.txt`]).toString();
    for (const element of ['(i)', '(ii)', '(iii)', '(iv)', '(v)', '(vi)']) expect(dmca).toContain(`Element ${element}`);
    expect(JSON.parse(Buffer.from(files[`${r}/notice-lumen.json`]).toString())).toMatchObject({ notice: { type: 'DMCA' } });
  });

  it('logs the renders and the export; the custody log still verifies', async () => {
    const db = app.database.db;
    const report = JSON.parse(Buffer.from(files[`report-${reportId}/report.json`]).toString());
    for (const c of report.captures) {
      const renders = await listRendersOfCapture(db, c.id);
      expect(renders.map((x) => x.format).sort()).toEqual(['pdf', 'png']);
      for (const x of renders) expect(await findCustodyEntriesFor(db, 'render', x.id)).toHaveLength(1);
    }
    expect((await listReportEvents(db, reportId, 10)).at(-1)).toMatchObject({ kind: 'evidence_exported', actor: 'alice' });
    expect(manifestOf(files).custody.entries.some((e: { leaf: string }) => JSON.parse(e.leaf).type === 'export')).toBe(true);
    expect(await verifyCustodyLog(db, app.captureFiles)).toMatchObject({ problemCount: 0 });
  });

  it('its WARC files read back with warcio, payload digests recomputed independently', async () => {
    let responses = 0;
    for (const [name, bytes] of Object.entries(files).filter(([n]) => n.endsWith('.warc.gz'))) {
      for await (const record of new WARCParser([bytes])) {
        if (record.warcType !== 'response') continue;
        const payload = await record.readFully(false);
        const digest = record.warcHeader('WARC-Payload-Digest');
        expect(digest, name).toBe(`sha256:${createHash('sha256').update(payload).digest('hex')}`);
        responses++;
      }
    }
    expect(responses).toBeGreaterThanOrEqual(1);
  });

  it('verifies untouched with `copyhound evidence verify` and with the bundled verify.mjs under plain node', async () => {
    const cli = await runCliInProcess(['evidence', 'verify', zipPath]);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/inclusion proofs against tree head/);
    const folder = join(dir, 'unzipped');
    for (const [name, bytes] of Object.entries(files)) {
      mkdirSync(dirname(join(folder, name)), { recursive: true });
      writeFileSync(join(folder, name), bytes);
    }
    const own = await run(process.execPath, ['verify.mjs'], { cwd: folder });
    expect(own.stdout).toMatch(/tree head signature \(Ed25519/);
    // With the publisher's key given out of band, the key is checked too.
    const keyFile = join(dir, 'publisher.pem');
    writeFileSync(keyFile, manifestOf(files).custody.publicKey);
    await expect(run(process.execPath, ['verify.mjs', '--public-key', keyFile], { cwd: folder })).resolves.toBeTruthy();
  });

  it('copyhound evidence export takes ids or a report filter; log verify and log head agree with it', async () => {
    const env = crawlTestEnv(dir);
    const out = join(dir, 'breaches.zip');
    const exported = await runCliInProcess(['evidence', 'export', '--decision', 'licence_breach', '-o', out, '--json'], { env });
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const summary = JSON.parse(exported.stdout);
    expect(summary).toMatchObject({ path: out, reports: [mirrorId] });
    expect(manifestOf(unzip(readFileSync(out))).custody.treeHead).toMatchObject(summary.treeHead);
    expect((await runCliInProcess(['evidence', 'verify', out, '--own-key'], { env })).code).toBe(0);
    const verified = await runCliInProcess(['log', 'verify', '--json'], { env });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, problemCount: 0 });
    const head = JSON.parse((await runCliInProcess(['log', 'head', '--json'], { env })).stdout);
    expect(head).toMatchObject({ size: summary.treeHead.size, rootHash: summary.treeHead.rootHash, reason: 'export' });
    const bad = await runCliInProcess(['evidence', 'export', '99', '-o', join(dir, 'none.zip')], { env });
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringMatching(/99/) });
  });

  it('names each tampering: a WARC byte, a removed file, report.json, a manifest hash, a proof order, another signing key', async () => {
    const verify = async (name: string, tampered: Files, extra: string[] = []) => {
      const result = await runCliInProcess(['evidence', 'verify', writeZip(dir, `${name}.zip`, tampered), '--json', ...extra]);
      expect(result.code, name).toBe(1);
      return JSON.parse(result.stdout).problems.join('\n') as string;
    };
    const warc = Object.keys(files).find((n) => /captures\/\d+\.warc\.gz$/.test(n) && !n.includes('-body'))!;
    const warcBytes = Buffer.from(files[warc]);
    warcBytes[warcBytes.length - 40] ^= 0x01;
    expect(await verify('warc-byte', { ...files, [warc]: warcBytes })).toContain(warc);

    const txt = Object.keys(files).find((n) => n.endsWith('.txt') && n.includes('captures/'))!;
    const { [txt]: _removed, ...withoutTxt } = files;
    expect(await verify('removed', withoutTxt)).toMatch(new RegExp(`${txt.replace(/[.]/g, '\\.')}.*(missing|not in the package)`));

    const reportJson = `report-${reportId}/report.json`;
    const edited = Buffer.from(Buffer.from(files[reportJson]).toString().replace('"copied word for word"', '"never copied"'));
    expect(await verify('report-json', { ...files, [reportJson]: edited })).toContain(reportJson);

    const hashEdited = withManifest(files, (m) => (m.files.find((f: { path: string }) => f.path === reportJson).sha256 = 'f'.repeat(64)));
    expect(await verify('manifest-hash', hashEdited)).toContain(reportJson);

    const longest = manifestOf(files).custody.entries.reduce((a: { proof: string[] }, b: { proof: string[] }) => (b.proof.length > a.proof.length ? b : a));
    expect(longest.proof.length).toBeGreaterThan(1);
    const reordered = withManifest(files, (m) => m.custody.entries.find((e: { index: number }) => e.index === longest.index).proof.reverse());
    expect(await verify('proof-order', reordered)).toMatch(new RegExp(`custody entry ${longest.index}: inclusion proof leads to root`));

    const other = generateKeyPairSync('ed25519');
    const resigned = withManifest(files, (m) => (m.custody.treeHead.signature = sign(null, treeHeadMessage(m.custody.treeHead), other.privateKey).toString('base64')));
    expect(await verify('resigned', resigned)).toMatch(/signature/i);
    // Key and signature both replaced: consistent on its own, caught against the publisher's key.
    const otherPem = other.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const swapped = withManifest(files, (m) => {
      m.custody.treeHead.signature = sign(null, treeHeadMessage(m.custody.treeHead), other.privateKey).toString('base64');
      m.custody.publicKey = otherPem;
      m.custody.keyId = createHash('sha256').update(other.publicKey.export({ format: 'der', type: 'spki' })).digest('hex');
    });
    const keyFile = join(dir, 'publisher.pem');
    writeFileSync(keyFile, manifestOf(files).custody.publicKey);
    expect(await verify('swapped-key', swapped, ['--public-key', keyFile])).toMatch(/is not the trusted key/);
    expect(readFileSync(keyFile, 'utf8')).toContain('BEGIN PUBLIC KEY');
  });
});
