import type { Router } from 'express';
import { z } from 'zod';
import { DECISION_VALUES } from '../../../db/schema/reports.ts';
import { ALERT_MODES } from '../../../db/schema/alerts.ts';
import type { App } from '../../app.ts';
import { getAlertPreferences, setAlertPreferences } from '../../alert-admin.ts';
import { ValidationError } from '../../errors.ts';
import { html } from '../../web/html.ts';
import type { PageContext } from '../../web/layout.ts';
import { renderAlertPreferences } from '../../web/views/alert-preferences-view.ts';
import { principalOf } from '../actor.ts';
import { guardedRouter, type Guard } from '../guard.ts';
import type { AccountExtras } from './auth-pages.ts';
import { parseForm, redirectWithFlash } from './page-kit.ts';

// Staff get report alerts; a licensee sees no reports, so it has no report alerts to set.
const ALERTED_ROLES: ReadonlySet<string> = new Set(['admin', 'rights_manager', 'legal']);

const alertForm = z.object({
  mode: z.enum(ALERT_MODES),
  decisions: z.union([z.string(), z.array(z.string())]).optional(),
  minCoveragePercent: z.string().trim().regex(/^\d{1,3}$/, 'must be a whole percentage from 0 to 100').transform(Number).pipe(z.number().max(100, 'must be at most 100')),
});

/** The account page's alert section, for the signed-in staff user. */
export function createAlertAccountExtras(app: App): AccountExtras {
  return {
    async render(ctx: PageContext, userId: number | null) {
      if (userId === null || !ALERTED_ROLES.has(ctx.role)) return html``;
      const prefs = await getAlertPreferences(app.database.db, userId);
      return renderAlertPreferences(ctx, { ...prefs, modes: ALERT_MODES, allDecisions: DECISION_VALUES, emailConfigured: app.config.alerts.smtpUrl !== '' });
    },
  };
}

export function createAccountAlertPages(app: App, guard: Guard): Router {
  const router = guardedRouter(guard, '', 'page');
  router.post('/account/alerts', async (req, res) => {
    const p = principalOf(req);
    if (p.kind !== 'user' || p.id === null) throw new ValidationError('Alert settings belong to a signed-in user (an API key has none)');
    const form = parseForm(alertForm, req.body, 'Alert settings');
    const decisions = form.decisions === undefined ? [] : Array.isArray(form.decisions) ? form.decisions : [form.decisions];
    try {
      await setAlertPreferences(app.database.db, p.id, { mode: form.mode, decisions: decisions as never, minCoverage: form.minCoveragePercent / 100 });
    } catch (error) {
      if (error instanceof ValidationError) return redirectWithFlash(res, '/account', 'error', error.message);
      throw error;
    }
    redirectWithFlash(res, '/account', 'ok', 'Alert settings saved');
  });
  return router;
}
