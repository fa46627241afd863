import type { Router } from 'express';
import { countLicenseeCompliance, countMatchesPerDay, countOpenReportsByStatusAndDecision, countReportsPerDay, listSourceHealth, listTopCopyingHosts } from '../../../db/dashboard-stats.ts';
import type { Db } from '../../../db/open-db.ts';
import type { App } from '../../app.ts';
import { renderDashboard, type DashboardData } from '../../web/views/dashboard-view.ts';
import { principalOf } from '../actor.ts';
import { guardedRouter, type Guard } from '../guard.ts';
import { homeOf } from './auth-pages.ts';
import { contextOf, sendHtml } from './page-kit.ts';

// A month of days shows a trend and a weekly rhythm without crowding a laptop-wide chart.
const TREND_DAYS = 30;
// The ten domains that copy most: the ones a rights manager acts on first.
const TOP_HOSTS = 10;
// The aggregates scan the open reports; at a million reports that is a few hundred ms, so the
// figures are shared for this long (a dashboard is a glance, not a live counter).
const DASHBOARD_CACHE_MS = 30_000;
const DAY_MS = 86_400_000;

function fillDays(now: Date, matches: { day: string; count: number }[], reports: { day: string; count: number }[]): DashboardData['days'] {
  const byDay = new Map<string, { matches: number; reports: number }>();
  for (const m of matches) byDay.set(m.day, { matches: m.count, reports: 0 });
  for (const r of reports) byDay.set(r.day, { matches: byDay.get(r.day)?.matches ?? 0, reports: r.count });
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const days: DashboardData['days'] = [];
  for (let i = TREND_DAYS - 1; i >= 0; i--) {
    const day = new Date(today - i * DAY_MS).toISOString().slice(0, 10);
    days.push({ day, ...(byDay.get(day) ?? { matches: 0, reports: 0 }) });
  }
  return days;
}

export async function computeDashboard(db: Db, now: Date): Promise<DashboardData> {
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (TREND_DAYS - 1) * DAY_MS).toISOString();
  return {
    days: fillDays(now, await countMatchesPerDay(db, since), await countReportsPerDay(db, since)),
    openByStatusAndDecision: await countOpenReportsByStatusAndDecision(db),
    topHosts: await listTopCopyingHosts(db, TOP_HOSTS),
    compliance: await countLicenseeCompliance(db),
    sources: await listSourceHealth(db),
    computedAt: now.toISOString(),
  };
}

export function createDashboardPages(app: App, guard: Guard): Router {
  const router = guardedRouter(guard, '', 'page');
  let cached: { data: DashboardData; at: number } | undefined;

  router.get('/', async (req, res) => {
    const role = principalOf(req).role;
    if (role === 'licensee') return res.redirect(303, homeOf(role));
    const now = Date.now();
    if (!cached || now - cached.at > DASHBOARD_CACHE_MS) cached = { data: await computeDashboard(app.database.db, new Date(now)), at: now };
    sendHtml(res, renderDashboard(contextOf(req, res, guard), cached.data));
  });
  return router;
}
