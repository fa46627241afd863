import type { SourceRow } from '../../../db/sources.ts';
import { changeSource as changeStoredSource, type SourceChange } from '../../../crawlers/sources-service.ts';
import type { App } from '../../app.ts';

/**
 * The edit form's save: the form shows every setting, so what it leaves blank is cleared (a
 * limit back to its default, no schedule) rather than kept. The change itself, and its checks,
 * are crawlers/sources-service.ts's, shared with the CLI and the API.
 */
export async function changeSource(app: App, source: SourceRow, request: Record<string, unknown>): Promise<SourceRow> {
  const limits = (request.limits ?? {}) as SourceChange['limits'];
  const change: SourceChange = {
    name: request.name as string | undefined,
    url: (request.url as string | undefined) ?? null,
    urls: (request.urls as string[] | undefined) ?? null,
    schedule: (request.schedule as string | null | undefined) ?? null,
    limits: { maxPages: null, maxDepth: null, revisitAfterMs: null, ...limits },
    enabled: request.enabled as boolean | undefined,
  };
  return await changeStoredSource(app, source, change);
}
