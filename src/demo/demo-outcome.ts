import { listMatches } from '../../db/matches.ts';
import { findReportsForMatch } from '../../db/reports.ts';
import type { App } from '../app.ts';
import { pageKeyOf } from '../pipeline.ts';
import type { CaseKey, DemoCase, ExpectedOutcome } from './site/scenario.ts';

/**
 * What the crawl made of each case: the match on its page (kind, decision, reasons, consent)
 * and its report, read back from the database as the API would show them.
 */

// The demo's pages hold a handful of matches; anything past this is not from the demo.
const MAX_DEMO_MATCHES = 100;

export interface CaseOutcome {
  key: CaseKey;
  url: string;
  what: string;
  expected: ExpectedOutcome;
  found: { matchId: number; kind: string; decision: string | null; reasons: string[]; consentId: number | null; reportId: number | null } | null;
  /** Empty when the case came out as expected; otherwise what differs. */
  differences: string[];
}

function compare(expected: ExpectedOutcome, found: CaseOutcome['found']): string[] {
  if (!found) return ['no match was stored for the page'];
  const differences: string[] = [];
  if (found.kind !== expected.kind) differences.push(`kind ${found.kind}, expected ${expected.kind}`);
  if (found.decision !== expected.decision) differences.push(`decision ${found.decision ?? 'none'}, expected ${expected.decision}`);
  if (found.reasons.join(',') !== expected.reasons.join(',')) differences.push(`reasons [${found.reasons.join(', ')}], expected [${expected.reasons.join(', ')}]`);
  if ((found.reportId !== null) !== expected.report) differences.push(expected.report ? 'no report, expected one' : `report ${found.reportId}, expected none`);
  return differences;
}

/** One outcome per case, in the cases' order. */
export async function readDemoOutcome(app: App, cases: readonly (DemoCase & { url: string })[]): Promise<CaseOutcome[]> {
  const db = app.database.db;
  const { items } = await listMatches(db, { limit: MAX_DEMO_MATCHES, offset: 0 });
  const outcomes: CaseOutcome[] = [];
  for (const c of cases) {
    const match = items.find((m) => m.pageUrl === pageKeyOf(c.url) && m.articleId === c.storyId);
    const found = match
      ? {
          matchId: match.id,
          kind: match.kind,
          decision: match.decision,
          reasons: match.reasons ?? [],
          consentId: match.consentId,
          reportId: (await findReportsForMatch(db, match.id))[0]?.id ?? null,
        }
      : null;
    outcomes.push({ key: c.key, url: c.url, what: c.what, expected: c.expected, found, differences: compare(c.expected, found) });
  }
  return outcomes;
}
