/**
 * bench:evidence — export time and package size for one report with 10 captures.
 *
 * A copy of an owned article is visited 10 times on a loopback news site (its footer changes each
 * time, so each visit is a new capture linked to the report), then exported twice: the first
 * export renders the 10 captures in chromium (offline) and the comparison page; the second finds
 * the renders stored and only re-packs, re-signs and re-proves. Prints both times, the package
 * size by kind of file, and verifies the package. Run: npm run bench:evidence
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { listReports } from '../../db/reports.ts';
import { exportEvidencePackage } from '../../src/evidence-export.ts';
import { verifyPackage } from '../../src/evidence-verify/verify-package.mjs';
import { processPage } from '../../src/pipeline.ts';
import { openTestApp } from '../crawl/crawl-helpers.ts';
import { buildNewsPage, escapeHtml, paragraphsOf, readOwnedFixtures } from '../fixtures/check/build-page.ts';
import { startNewsSite } from '../fixtures/crawl/news-site.ts';

const CAPTURES = 10;

function kindOf(path: string): string {
  if (path.endsWith('.warc.gz')) return 'WARC';
  if (path.endsWith('.png')) return 'PNG';
  if (path.endsWith('.pdf')) return 'PDF';
  return 'text/JSON';
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'copyhound-bench-evidence-'));
  const site = await startNewsSite({ stories: 1 });
  const app = await openTestApp(dir);
  try {
    const [nato] = readOwnedFixtures();
    const url = `${site.url}/copy/nato`;
    for (let visit = 1; visit <= CAPTURES; visit++) {
      site.setPage('/copy/nato', buildNewsPage({ site: 'Copy Daily', headline: nato.title, paragraphsHtml: paragraphsOf(nato).map(escapeHtml), footer: `Visit ${visit}: updated ${visit} times` }));
      await processPage(app, url);
    }
    const [report] = await listReports(app.database.db, { filters: {}, sort: { field: 'id', direction: 'asc' }, limit: 1 });
    const t1 = performance.now();
    const first = await exportEvidencePackage(app, [report.id], 'bench');
    const firstMs = performance.now() - t1;
    const t2 = performance.now();
    const second = await exportEvidencePackage(app, [report.id], 'bench');
    const secondMs = performance.now() - t2;
    const files = unzipSync(second.zip);
    const captures = Object.keys(files).filter((n) => /captures\/\d+\.warc\.gz$/.test(n)).length;
    const bytesBy = new Map<string, number>();
    for (const [name, bytes] of Object.entries(files)) bytesBy.set(kindOf(name), (bytesBy.get(kindOf(name)) ?? 0) + bytes.length);
    const verified = verifyPackage({ list: () => Object.keys(files), read: (n: string) => (files[n] ? Buffer.from(files[n]) : undefined) });
    console.log(`report ${report.id}: ${captures} captures in the package (expected ${CAPTURES})`);
    console.log(`first export (renders ${captures} captures + the comparison, packs, signs): ${(firstMs / 1000).toFixed(2)} s, zip ${(first.zip.length / 1024).toFixed(0)} KiB`);
    console.log(`second export (renders stored; comparison PDF, pack, sign, prove): ${(secondMs / 1000).toFixed(2)} s, zip ${(second.zip.length / 1024).toFixed(0)} KiB`);
    console.log(`unpacked by kind: ${[...bytesBy].map(([k, b]) => `${k} ${(b / 1024).toFixed(0)} KiB`).join(', ')}`);
    console.log(`verify: ${verified.ok ? 'ok' : `FAILED: ${verified.problems.join('; ')}`} (${verified.checked.length} checks)`);
    return verified.ok && captures === CAPTURES ? 0 : 1;
  } finally {
    await app.close();
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
