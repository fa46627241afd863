/** What a webhook delivery says: the JSON body and the headers that go with it. */

export const WEBHOOK_EVENT = 'reports.created' as const;
// A crawl can find thousands of copies at once; 100 reports keep one request around 100 kB even
// with long URLs and titles, well under what receivers (and their proxies) accept.
export const MAX_REPORTS_PER_DELIVERY = 100;
// Headlines longer than this are cut in payloads and e-mails: the report page has the whole one.
export const MAX_TITLE_CHARS = 300;
const USER_AGENT = 'Copyhound-Webhook/1';

/** A report as alerts describe it. */
export interface AlertReport {
  id: number;
  pageUrl: string;
  articleId: string;
  articleTitle: string;
  decision: string;
  kind: string;
  coverage: number;
  copiedWords: number;
  status: string;
}

export interface WebhookPayload {
  id: number;
  event: typeof WEBHOOK_EVENT;
  createdAt: string;
  reports: {
    id: number;
    url: string;
    article: { id: string; title: string };
    decision: string;
    kind: string;
    coverage: number;
    copiedWords: number;
    status: string;
    link: string;
  }[];
}

/** The report's page in the web app. */
export function reportLink(publicUrl: string, reportId: number): string {
  return `${publicUrl.replace(/\/+$/, '')}/reports/${reportId}`;
}

/** A headline cut to MAX_TITLE_CHARS (on a code point boundary) with an ellipsis. */
export function shortenTitle(title: string): string {
  const chars = [...title];
  return chars.length <= MAX_TITLE_CHARS ? title : `${chars.slice(0, MAX_TITLE_CHARS - 1).join('')}…`;
}

export function buildWebhookPayload(input: { deliveryId: number; createdAt: string; reports: readonly AlertReport[]; publicUrl: string }): WebhookPayload {
  if (input.reports.length > MAX_REPORTS_PER_DELIVERY) throw new RangeError(`a delivery holds at most ${MAX_REPORTS_PER_DELIVERY} reports, not ${input.reports.length}`);
  return {
    id: input.deliveryId,
    event: WEBHOOK_EVENT,
    createdAt: input.createdAt,
    reports: input.reports.map((r) => ({
      id: r.id,
      url: r.pageUrl,
      article: { id: r.articleId, title: shortenTitle(r.articleTitle) },
      decision: r.decision,
      kind: r.kind,
      coverage: r.coverage,
      copiedWords: r.copiedWords,
      status: r.status,
      link: reportLink(input.publicUrl, r.id),
    })),
  };
}

/** The headers of one attempt: `timestamp` is unix seconds, `signature` from signWebhookBody. */
export function webhookHeaders(input: { deliveryId: number; timestamp: string; signature: string }): Record<string, string> {
  return {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': USER_AGENT,
    'x-copyhound-event': WEBHOOK_EVENT,
    'x-copyhound-delivery': String(input.deliveryId),
    'x-copyhound-timestamp': input.timestamp,
    'x-copyhound-signature': input.signature,
  };
}
