import { splitAddress, formatDay, flattenLine, nameRecipient, showSetting } from './notice-text.ts';
import type { NoticeReportInput, NoticeSettings } from './types.ts';
import { groupNoticeReports, validateNow } from './validate-input.ts';

/**
 * A notice in the shape the Lumen Database accepts (POST https://lumendatabase.org/notices with
 * `{ authentication_token, notice }`), so it can be submitted as is or archived as a record.
 *
 * Source: the "Create notice" section of the Lumen API documentation (berkmancenter/lumendatabase,
 * doc/api_documentation.mkd, now the repository wiki page "Lumen API Documentation"), checked
 * against the fields NoticesController#notice_params permits (anything else is dropped):
 * - notice: `title` (required), `type` (required, exactly "DMCA"), `subject`, `date_sent`
 *   ("2013-05-21" style), `language` (two-letter code), `works_attributes`,
 *   `entity_notice_roles_attributes`. `date_received` is left out: it is the recipient's date,
 *   unknown when the notice is drafted. `body` is left out: Lumen publishes it and asks for no PII.
 * - Work: `kind` (free text), `description`, `copyrighted_urls_attributes: [{ url }]`,
 *   `infringing_urls_attributes: [{ url }]`. These are the ingestion names; Lumen's read API shows
 *   the same lists as `works[].copyrighted_urls` / `infringing_urls` (the "Request a notice"
 *   section), which is why the `_attributes` suffix matters only on submission.
 * - EntityNoticeRole: `name` ("sender", "principal", "recipient", ...) and `entity_attributes`.
 * - Entity: `name` (required), `kind` ("organization" | "individual"), `address_line_1`,
 *   `address_line_2`, `phone`, `email` (optional ones only when configured; Lumen's city/state/zip
 *   are not filled because the configured address is one free-text value).
 * Names that are not configured appear as "[FILL IN: …]", as in the text notice.
 */

export interface LumenEntity {
  name: string;
  kind: 'organization' | 'individual';
  address_line_1?: string;
  address_line_2?: string;
  phone?: string;
  email?: string;
}

export interface LumenEntityNoticeRole {
  name: 'sender' | 'principal' | 'recipient';
  entity_attributes: LumenEntity;
}

export interface LumenWork {
  kind: string;
  description: string;
  copyrighted_urls_attributes: { url: string }[];
  infringing_urls_attributes: { url: string }[];
}

export interface LumenNotice {
  notice: {
    title: string;
    type: 'DMCA';
    subject: string;
    date_sent: string;
    language: 'en';
    works_attributes: LumenWork[];
    entity_notice_roles_attributes: LumenEntityNoticeRole[];
  };
}

// Lumen's Work kind is free text ("Book, movie, video, etc."); this names what Copyhound protects.
const WORK_KIND = 'news article';
// Notices are drafted in English only (noticeSettings.language admits nothing else).
const LANGUAGE = 'en';

/** A Lumen notice for one report, or for several reports on the same host (one provider). */
export function draftLumenNotice(input: NoticeReportInput | readonly NoticeReportInput[], settings: NoticeSettings, now: Date): LumenNotice {
  validateNow(now);
  const { host, works } = groupNoticeReports(Array.isArray(input) ? input : [input as NoticeReportInput]);
  const holder = showSetting(settings, 'rightsHolder');
  const recipient = nameRecipient(settings, host);
  return {
    notice: {
      title: `DMCA (Copyright) Complaint to ${recipient}`,
      type: 'DMCA',
      subject: `Unauthorized copies of ${holder} news article${works.length > 1 ? 's' : ''} on ${flattenLine(host)}`,
      date_sent: formatDay(now),
      language: LANGUAGE,
      works_attributes: works.map(({ article, reports }) => ({
        kind: WORK_KIND,
        description: describeWork(article, holder),
        copyrighted_urls_attributes: [{ url: flattenLine(article.url) }],
        infringing_urls_attributes: [...new Set(reports.map((r) => flattenLine(r.page.url)))].map((url) => ({ url })),
      })),
      entity_notice_roles_attributes: [
        { name: 'sender', entity_attributes: buildSenderEntity(settings) },
        { name: 'principal', entity_attributes: { name: holder, kind: 'organization' } },
        { name: 'recipient', entity_attributes: { name: recipient, kind: 'organization' } },
      ],
    },
  };
}

function describeWork(article: NoticeReportInput['article'], holder: string): string {
  const parts = [`"${flattenLine(article.title)}"`];
  if (article.publishedAt) parts.push(`published ${flattenLine(article.publishedAt)}`);
  if (article.credit) parts.push(`credit: ${flattenLine(article.credit)}`);
  return `${parts.join(', ')}; copyright ${holder}`;
}

/** The complaining party (the agent), with the contact details that are configured. */
function buildSenderEntity(settings: NoticeSettings): LumenEntity {
  const entity: LumenEntity = { name: showSetting(settings, 'agentName'), kind: 'individual' };
  const [line1, ...rest] = splitAddress(settings.postalAddress ?? '');
  if (line1) entity.address_line_1 = line1;
  if (rest.length > 0) entity.address_line_2 = rest.join(', ');
  const phone = flattenLine(settings.phone ?? '');
  if (phone) entity.phone = phone;
  const email = flattenLine(settings.email ?? '');
  if (email) entity.email = email;
  return entity;
}
