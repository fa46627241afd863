import { and, count, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { matchDecisions, matches } from './schema/matches.ts';
import { reports } from './schema/reports.ts';
import { consents, licensees } from './schema/rights.ts';
import { crawlRuns } from './schema/crawl.ts';
import { sources } from './schema/sources.ts';

/**
 * Read-only aggregates for the dashboard, across reports, matches, decisions and crawl runs. They
 * are one page's figures, not a table's queries, so they live together here; each is one GROUP BY
 * over an index where one exists. The web layer caches them for a short while.
 */

/** Statuses a reviewer or a lawyer still has work on. */
export const OPEN_REPORT_STATUSES = ['new', 'confirmed', 'notice_sent', 'escalated'] as const;

export interface DayCount {
  day: string;
  count: number;
}

// ISO 8601 UTC text: its first 10 characters are the UTC day, in SQLite and PostgreSQL alike.
const dayOf = (column: typeof reports.firstSeenAt | typeof matches.firstSeenAt) => sql<string>`substr(${column}, 1, 10)`;

export async function countReportsPerDay(db: Db, sinceIso: string): Promise<DayCount[]> {
  const day = dayOf(reports.firstSeenAt);
  return (await db.select({ day, count: count() }).from(reports).where(gte(reports.firstSeenAt, sinceIso)).groupBy(day).orderBy(day));
}

export async function countMatchesPerDay(db: Db, sinceIso: string): Promise<DayCount[]> {
  const day = dayOf(matches.firstSeenAt);
  return (await db.select({ day, count: count() }).from(matches).where(gte(matches.firstSeenAt, sinceIso)).groupBy(day).orderBy(day));
}

export async function countOpenReportsByStatusAndDecision(db: Db): Promise<{ status: string; decision: string; count: number }[]> {
  return (await db
    .select({ status: reports.status, decision: reports.decision, count: count() })
    .from(reports)
    .where(inArray(reports.status, [...OPEN_REPORT_STATUSES]))
    .groupBy(reports.status, reports.decision));
}

export async function listTopCopyingHosts(db: Db, limit: number): Promise<{ host: string; count: number }[]> {
  const n = count();
  return (await db.select({ host: reports.host, count: n }).from(reports).where(inArray(reports.status, [...OPEN_REPORT_STATUSES])).groupBy(reports.host).orderBy(desc(n)).limit(limit));
}

/** Per licensee: its copies decided under one of its consents, and how many of those break a term. */
export async function countLicenseeCompliance(db: Db): Promise<{ licenseeId: number; name: string; copies: number; breaches: number }[]> {
  return (await db
    .select({
      licenseeId: licensees.id,
      name: licensees.name,
      copies: count(),
      breaches: sql<number>`sum(case when ${matchDecisions.decision} = 'licence_breach' then 1 else 0 end)`.mapWith(Number),
    })
    .from(matchDecisions)
    .innerJoin(consents, eq(consents.id, matchDecisions.consentId))
    .innerJoin(licensees, eq(licensees.id, consents.licenseeId))
    .where(inArray(matchDecisions.decision, ['licensed', 'licence_breach']))
    .groupBy(licensees.id, licensees.name)
    .orderBy(licensees.name));
}

export interface SourceHealth {
  sourceId: number;
  name: string;
  type: string;
  enabled: boolean;
  lastRun: { id: number; status: string; startedAt: string; finishedAt: string | null; pagesFetched: number; pagesFailed: number; matchesFound: number; errors: Record<string, number> } | null;
}

/** Every source with its latest run (the run ids index per source makes this one seek each). */
export async function listSourceHealth(db: Db): Promise<SourceHealth[]> {
  const latest = db.select({ sourceId: crawlRuns.sourceId, id: sql<number>`max(${crawlRuns.id})`.as('latest_id') }).from(crawlRuns).groupBy(crawlRuns.sourceId).as('latest');
  const rows = (await db
    .select({ source: sources, run: crawlRuns })
    .from(sources)
    .leftJoin(latest, eq(latest.sourceId, sources.id))
    .leftJoin(crawlRuns, and(eq(crawlRuns.sourceId, sources.id), eq(crawlRuns.id, latest.id)))
    .orderBy(sources.name));
  return rows.map(({ source, run }) => ({
    sourceId: source.id,
    name: source.name,
    type: source.type,
    enabled: source.enabled,
    lastRun: run
      ? { id: run.id, status: run.status, startedAt: run.startedAt, finishedAt: run.finishedAt, pagesFetched: run.pagesFetched, pagesFailed: run.pagesFailed, matchesFound: run.matchesFound, errors: run.errors }
      : null,
  }));
}
