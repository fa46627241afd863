import { reportLink, shortenTitle, type AlertReport } from './payload.ts';

/**
 * The e-mail digest of new reports: a plain-text part and a simple HTML part with the same
 * content. Everything that comes from the outside (titles, page URLs) is shown as text: control,
 * bidi and invisible characters are written as \uXXXX escapes and HTML is escaped.
 */

// An e-mail lists at most this many reports and points to the queue for the rest: a long list is
// not read, and a crawl that finds thousands of copies must not make a megabyte e-mail.
export const MAX_DIGEST_REPORTS = 50;

export type DigestKind = 'immediately' | 'daily';

export interface DigestInput {
  kind: DigestKind;
  /** The reports to list (at most MAX_DIGEST_REPORTS are shown). */
  reports: readonly AlertReport[];
  /** True when more reports matched than `reports` holds. */
  more: boolean;
  publicUrl: string;
}

export interface DigestEmail {
  subject: string;
  text: string;
  html: string;
}

const UNSHOWABLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/** Text from the outside, made safe to show: invisible and control characters become escapes. */
export function showable(value: string): string {
  return value.replace(UNSHOWABLE, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const DECISION_WORDS: Record<string, string> = {
  unlicensed: 'unlicensed copy',
  licence_breach: 'licensed, but a licence term is broken',
  licensed: 'licensed',
  allowed_quotation: 'allowed quotation',
  owner_site: "publisher's own site",
};

function describeDecision(decision: string): string {
  return DECISION_WORDS[decision] ?? decision;
}

function percent(coverage: number): string {
  return `${Math.round(coverage * 100)}%`;
}

export function composeDigestEmail(input: DigestInput): DigestEmail {
  const shown = input.reports.slice(0, MAX_DIGEST_REPORTS);
  const more = input.more || input.reports.length > shown.length;
  const count = `${shown.length}${more ? '+' : ''} new report${shown.length === 1 && !more ? '' : 's'}`;
  const subject = input.kind === 'daily' ? `Copyhound daily digest: ${count}` : `Copyhound: ${count}`;
  const base = input.publicUrl.replace(/\/+$/, '');
  const queue = `${base}/reports`;
  const account = `${base}/account`;
  const intro = input.kind === 'daily' ? `Copyhound found ${count} since the last daily digest.` : `Copyhound found ${count}.`;

  const textItems = shown.map((r) =>
    [
      `- ${showable(shortenTitle(r.articleTitle))} (${showable(r.articleId)})`,
      `  ${describeDecision(r.decision)}; ${r.kind}, ${percent(r.coverage)} of the article, ${r.copiedWords} words copied`,
      `  Page: ${showable(r.pageUrl)}`,
      `  Report: ${reportLink(base, r.id)}`,
    ].join('\n'),
  );
  const text = [
    intro,
    '',
    ...textItems.flatMap((item) => [item, '']),
    ...(more ? [`More new reports than fit in one e-mail: ${queue}`, ''] : []),
    `You get these e-mails because of your alert settings; change them at ${account}`,
    '',
  ].join('\n');

  const htmlItems = shown.map((r) => {
    const page = escapeHtml(showable(r.pageUrl));
    const pageCell = /^https?:\/\//i.test(r.pageUrl) ? `<a href="${page}">${page}</a>` : page;
    return (
      `<li><a href="${escapeHtml(reportLink(base, r.id))}">${escapeHtml(showable(shortenTitle(r.articleTitle)))}</a> ` +
      `(${escapeHtml(showable(r.articleId))})<br>${escapeHtml(describeDecision(r.decision))}; ${escapeHtml(r.kind)}, ` +
      `${percent(r.coverage)} of the article, ${r.copiedWords} words copied<br>Page: ${pageCell}</li>`
    );
  });
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<p>${escapeHtml(intro)}</p>`,
    `<ul>${htmlItems.join('')}</ul>`,
    more ? `<p>More new reports than fit in one e-mail: <a href="${escapeHtml(queue)}">open the review queue</a>.</p>` : '',
    `<p style="color:#555">You get these e-mails because of your alert settings; <a href="${escapeHtml(account)}">change them</a>.</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
