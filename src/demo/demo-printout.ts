import type { RunSummary } from '../../crawlers/run-source.ts';
import type { CaseOutcome } from './demo-outcome.ts';
import type { DemoSeed } from './seed-demo.ts';
import { PENDING_CONSENT_CASE } from './site/scenario.ts';
import type { SampleSite } from './site/sample-site.ts';

/**
 * The lines `copyhound demo` prints once it is ready: where things are, what the crawl found per
 * case, the pending consent to approve and the report it licenses, the logins, and the URL. The
 * browser tests read the logins, the pending line and the last two lines: keep their shape.
 */

export interface ReadyDemo {
  url: string;
  dataDir: string;
  temporary: boolean;
  site: SampleSite;
  seed: DemoSeed;
  crawl: RunSummary;
  outcome: CaseOutcome[];
  seconds: number;
}

const ROLE_COLUMN = 16;
const EMAIL_COLUMN = 30;

function describeFound(o: CaseOutcome): string {
  if (!o.found) return 'no match';
  const reasons = o.found.reasons.length > 0 ? ` (${o.found.reasons.join(', ')})` : '';
  const report = o.found.reportId !== null ? `report ${o.found.reportId}` : 'no report';
  return `${report} · ${o.found.kind} · ${o.found.decision ?? 'undecided'}${reasons}`;
}

function describeCrawl(s: RunSummary): string {
  return `${s.name}: ${s.status} — fetched ${s.pagesFetched}, failed ${s.pagesFailed}, new matches ${s.matchesFound}`;
}

export function formatDemoPrintout(demo: ReadyDemo): string[] {
  const { seed, outcome } = demo;
  const pending = seed.consents.pending;
  const covered = outcome.find((o) => o.key === PENDING_CONSENT_CASE);
  const admin = seed.logins.find((l) => l.role === 'admin')!;
  const lines = [
    'Copyhound demo',
    `  data        ${demo.dataDir}${demo.temporary ? ' (a new folder, removed when the demo stops; --data DIR keeps one)' : ''}`,
    `  sample web  ${demo.site.url}/ (its outlets republish the demo publisher's stories)`,
    `  crawl       ${describeCrawl(demo.crawl)} (source "${seed.source.name}" reads ${demo.site.sitemapUrl})`,
    '',
    'What the crawl found, one page per case:',
  ];
  for (const o of outcome) {
    lines.push(`  ${describeFound(o)}`, `      ${o.what}`, `      ${o.url}`);
    if (o.differences.length > 0) lines.push(`      NOTE: not as the demo expects: ${o.differences.join('; ')}`);
  }
  lines.push('');
  if (covered?.found?.reportId != null) {
    lines.push(
      `Pending consent ${pending.id} (${pending.licenseeName}) would license report ${covered.found.reportId} (${covered.url}):`,
      `  approve it (as admin or rights_manager) and report ${covered.found.reportId} turns licensed.`,
    );
  } else {
    lines.push(`Pending consent ${pending.id} (${pending.licenseeName}) found no report to license: the partial copy was not reported.`);
  }
  lines.push('', 'Demo logins (the passwords are shown only now):');
  for (const l of seed.logins) {
    lines.push(`  ${l.role.padEnd(ROLE_COLUMN)}${l.email.padEnd(EMAIL_COLUMN)}${l.password}${l.licensee ? `  (for ${l.licensee})` : ''}`);
  }
  lines.push(
    '',
    `Copyhound demo ready in ${demo.seconds.toFixed(1)} s at ${demo.url}`,
    `Open ${demo.url}/ and sign in as ${admin.email} (or any login above). Ctrl-C stops the demo.`,
  );
  return lines;
}
