import {
  splitAddress,
  formatDay,
  fillIn,
  flattenLine,
  formatPercent,
  quoteText,
  nameRecipient,
  SETTING_LABELS,
  showSetting,
  showValue,
} from './notice-text.ts';
import type { NoticeReportInput, NoticeSettings } from './types.ts';
import { groupNoticeReports, sortPassagesInPageOrder, validateNow, type NoticeWork } from './validate-input.ts';

/**
 * Plain-text DMCA takedown notices (17 U.S.C. § 512(c)(3)). Every element the statute requires
 * has its own labelled section, "Element (ii) of 17 U.S.C. § 512(c)(3)(A): …", so a reviewer can
 * tick them off; the signature, element (i), comes last where a letter is signed. A value that is
 * not configured or not recorded shows as "[FILL IN: …]" in its place: a draft never drops an
 * element silently. Values from pages and settings are flattened to one line each, so hostile
 * text cannot start a line that looks like a section or a statement of its own.
 */

// The newest captures are cited; older ones stay in the report (the notice says how many more).
const MAX_CAPTURES_CITED = 5;
const INDENT = '    ';

const ELEMENT_TITLES = {
  i: 'Signature of a person authorized to act on behalf of the owner',
  ii: 'Identification of the copyrighted work(s) claimed to have been infringed',
  iii: 'Identification of the infringing material and information reasonably sufficient to locate it',
  iv: 'Information reasonably sufficient to contact the complaining party',
  v: 'Statement of good faith belief',
  vi: 'Statement of accuracy and authority, under penalty of perjury',
} as const;

/** The section heading of an element: reviewers (and the tests) find each section by it. */
const formatHeading = (roman: keyof typeof ELEMENT_TITLES) => `Element (${roman}) of 17 U.S.C. § 512(c)(3)(A): ${ELEMENT_TITLES[roman]}`;

/** A takedown notice for one report. */
export function draftDmcaNotice(input: NoticeReportInput, settings: NoticeSettings, now: Date): string {
  return draftDmcaNoticeForReports([input], settings, now);
}

/**
 * One takedown notice listing several reports on the same host (one provider): each owned work
 * once, then every copying page with the work it copies.
 */
export function draftDmcaNoticeForReports(inputs: readonly NoticeReportInput[], settings: NoticeSettings, now: Date): string {
  validateNow(now);
  const { host, works } = groupNoticeReports(inputs);
  const holder = showSetting(settings, 'rightsHolder');
  const agent = showSetting(settings, 'agentName');
  const reportIds = works.flatMap((w) => w.reports.map((r) => r.reportId)).sort((a, b) => a - b);
  const lines: string[] = [
    'NOTIFICATION OF CLAIMED COPYRIGHT INFRINGEMENT (DMCA, 17 U.S.C. § 512(c)(3))',
    '',
    `Date: ${formatDay(now)}`,
    `To: ${nameRecipient(settings, host)}`,
    `From: ${agent}, on behalf of ${holder}`,
    `Our reference: Copyhound report${reportIds.length > 1 ? 's' : ''} ${reportIds.join(', ')}`,
    '',
    `I write on behalf of ${holder}, the owner of the copyright in the work${works.length > 1 ? 's' : ''} identified below. ` +
      `The material identified below, hosted at ${flattenLine(host)}, reproduces ${works.length > 1 ? 'those works' : 'that work'} without authorization. ` +
      'Please remove or disable access to it expeditiously, as 17 U.S.C. § 512(c)(1)(C) provides.',
    '',
    formatHeading('ii'),
    ...works.flatMap((work, i) => describeWork(work, i + 1)),
    '',
    formatHeading('iii'),
    ...describeInfringements(works),
    '',
    formatHeading('iv'),
    ...describeContact(settings),
    '',
    formatHeading('v'),
    `${INDENT}I have a good faith belief that use of the material in the manner complained of is not authorized by the copyright owner, its agent, or the law.`,
    '',
    formatHeading('vi'),
    `${INDENT}The information in this notification is accurate, and under penalty of perjury, I am authorized to act on behalf of ${holder}, ` +
      'the owner of an exclusive right that is allegedly infringed.',
    '',
    formatHeading('i'),
    `${INDENT}${showSetting(settings, 'signature')}`,
    `${INDENT}${agent}, on behalf of ${holder}`,
    `${INDENT}Date: ${formatDay(now)}`,
    '',
  ];
  return lines.join('\n');
}

function describeWork(work: NoticeWork, n: number): string[] {
  const a = work.article;
  return [
    `${INDENT}Work ${n}: "${showValue(a.title, 'article title')}"`,
    `${INDENT}${INDENT}URL: ${flattenLine(a.url)}`,
    `${INDENT}${INDENT}Publication date: ${showValue(a.publishedAt, 'publication date')}`,
    `${INDENT}${INDENT}Credit line: ${showValue(a.credit, 'credit line')}`,
  ];
}

function describeInfringements(works: NoticeWork[]): string[] {
  const lines: string[] = [];
  let item = 0;
  works.forEach((work, w) => {
    for (const r of work.reports) {
      item++;
      const first = sortPassagesInPageOrder(r.passages)[0];
      const quote = first ? `"${quoteText(r.page.text.slice(first.pageStart, first.pageEnd))}"` : fillIn('quote of the copied text (the report holds no passage)');
      lines.push(
        `${INDENT}Item ${item} (copies work ${w + 1}): ${flattenLine(r.page.url)}`,
        `${INDENT}${INDENT}Host: ${flattenLine(r.page.host)}`,
        `${INDENT}${INDENT}Seen there from ${showValue(r.page.firstSeen, 'date first seen')} to ${showValue(r.page.lastSeen, 'date last seen')} (UTC)`,
        `${INDENT}${INDENT}Extent copied: ${r.figures.copiedWords} words of the work, ${formatPercent(r.figures.coverage)} of its text (${flattenLine(r.figures.kind)})`,
        `${INDENT}${INDENT}First copied passage: ${quote}`,
        ...describeCaptures(r),
      );
    }
  });
  return lines;
}

function describeCaptures(r: NoticeReportInput): string[] {
  if (r.captures.length === 0) return [`${INDENT}${INDENT}Evidence: ${fillIn('capture of the page (none recorded)')}`];
  // ISO 8601 UTC strings order as text; the newest are the most telling evidence of a live copy.
  const newest = [...r.captures].sort((a, b) => (a.capturedAt < b.capturedAt ? 1 : a.capturedAt > b.capturedAt ? -1 : b.id - a.id));
  const cited = newest.slice(0, MAX_CAPTURES_CITED).map(
    (c) => `${INDENT}${INDENT}Evidence: capture ${c.id} made ${showValue(c.capturedAt, 'capture time')}, body SHA-256 ${showValue(c.sha256, 'capture SHA-256')}`,
  );
  const rest = newest.length - cited.length;
  return rest > 0 ? [...cited, `${INDENT}${INDENT}(${rest} earlier capture${rest > 1 ? 's' : ''} of this page kept as well)`] : cited;
}

function describeContact(settings: NoticeSettings): string[] {
  const address = splitAddress(settings.postalAddress ?? '');
  return [
    `${INDENT}Complaining party: ${showSetting(settings, 'agentName')}, on behalf of ${showSetting(settings, 'rightsHolder')}`,
    `${INDENT}Postal address: ${address.length > 0 ? address.join(', ') : fillIn(SETTING_LABELS.postalAddress)}`,
    `${INDENT}Telephone: ${showSetting(settings, 'phone')}`,
    `${INDENT}Email: ${showSetting(settings, 'email')}`,
  ];
}
