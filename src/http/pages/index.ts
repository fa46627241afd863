import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Request, type Response } from 'express';
import type { App } from '../../app.ts';
import type { SignIn } from '../../sign-in.ts';
import { renderErrorPage } from '../../web/layout.ts';
import type { Guard } from '../guard.ts';
import type { ErrorPageRenderer } from '../http-errors.ts';
import { createAccountAlertPages, createAlertAccountExtras } from './account-alerts.ts';
import { createArticlePages } from './article-pages.ts';
import { createAuthPages } from './auth-pages.ts';
import { createCaptureRenderPages } from './capture-render-pages.ts';
import { createDashboardPages } from './dashboard-pages.ts';
import { optionalContextOf, sendHtml } from './page-kit.ts';
import { createQueuePages } from './queue-pages.ts';
import { createReportPages } from './report-pages.ts';
import { createRightsPages } from './rights-pages.ts';
import { createSettingsPages } from './settings-pages.ts';
import { createSourcePages } from './source-pages.ts';
import type { SourceRunner } from './source-run.ts';

const ASSETS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../web/assets');
// The chart library's own build, served from the installed package (no CDN).
const UPLOT_DIST = join(dirname(createRequire(import.meta.url).resolve('uplot')), '.');
// Assets change only with a release; a day of caching keeps page loads to the HTML alone.
const ASSET_MAX_AGE = '1d';

/** The web app: static assets, then every page module (each a guarded router over the policy table). */
export function createWebPages(app: App, guard: Guard, signIn: SignIn, runner: SourceRunner): Router {
  const router = Router();
  const staticOptions = { maxAge: ASSET_MAX_AGE, index: false, fallthrough: false, dotfiles: 'deny' as const };
  router.use('/assets/uplot', express.static(UPLOT_DIST, staticOptions));
  router.use('/assets', express.static(ASSETS_DIR, staticOptions));
  router.use(createAuthPages(signIn, guard, createAlertAccountExtras(app)));
  router.use(createAccountAlertPages(app, guard));
  router.use(createDashboardPages(app, guard));
  router.use(createQueuePages(app, guard));
  router.use(createReportPages(app, guard));
  router.use(createCaptureRenderPages(app, guard));
  router.use(createArticlePages(app, guard));
  router.use(createRightsPages(app, guard));
  router.use(createSourcePages(app, guard, runner));
  router.use(createSettingsPages(app, guard));
  return router;
}

/** Errors on pages are pages too, with the signed-in navigation when there is a principal. */
export function createErrorPageRenderer(guard: Guard): ErrorPageRenderer {
  return (req: Request, res: Response, status: number, message: string) => {
    let ctx = null;
    try {
      ctx = optionalContextOf(req, res, guard);
    } catch {
      ctx = null; // An error page must render even when the context cannot be made.
    }
    sendHtml(res, renderErrorPage(ctx, status, message), status);
  };
}
