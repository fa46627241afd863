import { recordUrlVisit, type CrawlUrlRow } from '../db/crawl-state.ts';
import { insertRecheck } from '../db/matches.ts';
import type { Db } from '../db/open-db.ts';
import type { RecheckOutcome } from '../db/schema/matches.ts';
import { recordRecheck } from '../src/decide-store.ts';
import { pageKeyOf, type PageOutcome } from '../src/pipeline.ts';

/**
 * A crawled page's bookkeeping, the same for a run in one process (run-source.ts) and a run spread
 * over the queue (queued-crawl.ts): the URL's visit and, for watched copies, each re-check.
 */

/** A flagged match on the page and what this visit says of it (undefined: nothing to record). */
export interface RecheckVerdict {
  m: { id: number; articleId: string };
  verdict: RecheckOutcome | undefined;
}

export interface VisitJudgement {
  verdicts: RecheckVerdict[];
  /** A 404/410 that proves a flagged copy gone: the answer a re-check looks for, not a failure. */
  provesRemoval: boolean;
}

export function judgeVisit(outcome: PageOutcome, verdicts: RecheckVerdict[]): VisitJudgement {
  return { verdicts, provesRemoval: outcome.status === 'failed' && verdicts.some((v) => v.verdict === 'removed') };
}

export async function recordVisit(
  tx: Db,
  visit: { sourceId: number; url: string; runId: number; at: string; outcome: PageOutcome; state: CrawlUrlRow | null | undefined; onlyFirstInRun?: boolean },
  judgement: VisitJudgement,
): Promise<boolean> {
  const { outcome, at } = visit;
  const { provesRemoval } = judgement;
  const recorded = await recordUrlVisit(tx, {
    sourceId: visit.sourceId,
    url: visit.url,
    runId: visit.runId,
    at,
    // The copy is gone and the page has no match: what "no_match" says, not a failure.
    status: provesRemoval ? 'no_match' : outcome.status,
    ok: outcome.status !== 'failed' || provesRemoval,
    ...(outcome.status !== 'failed' && outcome.status !== 'not_modified' ? { etag: outcome.etag, lastModified: outcome.lastModified, textHash: outcome.textHash } : {}),
    ...(outcome.status === 'failed' && !provesRemoval ? { failureReason: outcome.reason } : {}),
    captureId: outcome.captureId,
    ...(visit.onlyFirstInRun ? { onlyFirstInRun: true } : {}),
  }, visit.state);
  // Another try of the same job recorded this run's visit first: nothing more to record.
  if (!recorded) return false;
  for (const { m, verdict } of judgement.verdicts) {
    if (!verdict) continue;
    await insertRecheck(tx, { matchId: m.id, url: pageKeyOf(visit.url), checkedAt: at, outcome: verdict, httpStatus: outcome.httpStatus ?? null, captureId: outcome.captureId });
    await recordRecheck(tx, { matchId: m.id, verdict, captureId: outcome.captureId, httpStatus: outcome.httpStatus ?? null, at });
  }
  return true;
}
