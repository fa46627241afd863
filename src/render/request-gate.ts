import type { Request, Route } from 'playwright-core';
import type { PreparedInput } from './render-input.ts';

/** Enough URLs to see what kind of content is missing; the count says how much. */
export const MAX_LISTED_URLS = 10;
/** A URL in a warning is cut here: a hostile page can make them megabytes long. */
const MAX_URL_CHARS = 300;
/** Past this many distinct unlisted URLs the "and N more" figure stops growing (memory bound). */
const MAX_UNLISTED_TRACKED = 10_000;

/**
 * Only the captured page itself is replayed: no script ran when it was fetched and none runs
 * now, and nothing a header of the capture says (Link, Refresh) is sent again.
 */
const MAIN_DOCUMENT_CSP = "script-src 'none'; worker-src 'none'; connect-src 'none'";

/**
 * Decides every request of one render: the page's own URL once (the HTML given), a request
 * whose URL is among the resources (their body), anything else refused and noted.
 */
export interface RequestGate {
  handle(route: Route): Promise<void>;
  mainDocumentServed(): boolean;
  warnings(): string[];
}

export function createRequestGate(input: PreparedInput): RequestGate {
  let served = false;
  const refused = createTally();
  const navigations = createTally();

  async function handle(route: Route): Promise<void> {
    const request = route.request();
    const url = request.url();
    const mainFrameNavigation = request.isNavigationRequest() && isMainFrame(request);
    if (mainFrameNavigation) {
      if (!served && url === input.baseUrl) {
        served = true;
        const headers = { 'content-type': input.contentType, 'content-security-policy': MAIN_DOCUMENT_CSP };
        return settle(route.fulfill({ status: 200, headers, body: input.html }));
      }
      // A meta refresh, or a second load: the evidence is the captured page, not where it leads.
      // "aborted" keeps the current document; other codes paint Chromium's error page over it.
      navigations.note(url);
      return settle(route.abort('aborted'));
    }
    const resource = request.method() === 'GET' ? input.resources.get(url) : undefined;
    if (resource !== undefined) {
      return settle(route.fulfill({ status: 200, contentType: resource.contentType, body: resource.body }));
    }
    refused.note(url);
    // A frame's refused document stays blank rather than showing Chromium's error page.
    return settle(route.abort(request.isNavigationRequest() ? 'aborted' : 'blockedbyclient'));
  }

  function warnings(): string[] {
    const lines: string[] = [];
    if (refused.count() > 0) {
      lines.push(`refused ${plural(refused.count(), 'request')} for content not among the supplied resources (not shown)`);
      lines.push(...refused.listed().map((url) => `refused: ${url}`));
      if (refused.unlisted() > 0) lines.push(`refused: … and ${plural(refused.unlisted(), 'more URL')}`);
    }
    if (navigations.count() > 0) {
      lines.push(`refused ${plural(navigations.count(), 'navigation')} away from the page (a meta refresh or similar); the captured page is shown`);
      lines.push(...navigations.listed().map((url) => `refused navigation: ${url}`));
    }
    return lines;
  }

  return { handle, mainDocumentServed: () => served, warnings };
}

/** A request of a service worker has no frame; it is never the main frame's navigation. */
function isMainFrame(request: Request): boolean {
  try {
    return request.frame().parentFrame() === null;
  } catch {
    return false;
  }
}

/** Fulfil and abort reject once the render was closed (timeout); nothing is left to answer. */
async function settle(answer: Promise<void>): Promise<void> {
  await answer.catch(() => {});
}

interface Tally {
  note(url: string): void;
  count(): number;
  listed(): string[];
  unlisted(): number;
}

/** Counts every request; keeps the first MAX_LISTED_URLS distinct URLs, shortened. */
function createTally(): Tally {
  let count = 0;
  const listed = new Set<string>();
  const unlisted = new Set<string>();
  return {
    note(url) {
      count += 1;
      const shown = url.length > MAX_URL_CHARS ? `${url.slice(0, MAX_URL_CHARS)}…` : url;
      if (listed.has(shown)) return;
      if (listed.size < MAX_LISTED_URLS) listed.add(shown);
      // Bounded too: past the listed ones only how many distinct others there are matters.
      else if (unlisted.size < MAX_UNLISTED_TRACKED) unlisted.add(shown);
    },
    count: () => count,
    listed: () => [...listed],
    unlisted: () => unlisted.size,
  };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
