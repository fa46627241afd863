import type { SectionValues } from '../../config/define.ts';
import { noticeSettings } from '../../config/notices.ts';
import type { NoticePassage, NoticeReportInput, NoticeSettings } from '../../src/notices/index.ts';

/** The settings as configured with nothing set: every default. */
export function buildDefaultSettings(): NoticeSettings {
  const values = Object.fromEntries(Object.entries(noticeSettings).map(([key, setting]) => [key, setting.default]));
  // tsc keeps config/notices.ts and the leaf's NoticeSettings assignable to each other.
  const typed: SectionValues<typeof noticeSettings> = values as SectionValues<typeof noticeSettings>;
  const settings: NoticeSettings = typed;
  return settings;
}

export const FULL_SETTINGS: NoticeSettings = {
  rightsHolder: 'Daily Ledger Media Ltd',
  agentName: 'Jane Doe',
  postalAddress: '1 Press Street; Springfield, IL 62701; USA',
  email: 'rights@dailyledger.example',
  phone: '+1 217 555 0100',
  signature: '/s/ Jane Doe',
  recipient: '',
  language: 'en',
};

export const NOW = new Date(Date.UTC(2025, 2, 14, 9, 30, 0));

export const ARTICLE_TEXT = [
  'City council approves the new riverside park after a long debate over costs and flooding.',
  'The plan, first proposed in 2019, adds four hectares of green space along the eastern bank.',
  'Opponents argued that the budget should first repair the ageing flood walls downstream.',
  'The mayor said construction would begin in the spring and finish within two years.',
].join('\n\n');

/** Whole sentences of ARTICLE_TEXT that a page copies, in page order. */
export const COPIED = [
  'The plan, first proposed in 2019, adds four hectares of green space along the eastern bank.',
  'The mayor said construction would begin in the spring and finish within two years.',
];

/** Passages of each copied piece: where it sits in the page and in the article. */
export function locatePassages(pageText: string, articleText: string, pieces: readonly string[]): NoticePassage[] {
  let from = 0;
  return pieces.map((piece) => {
    const pageStart = pageText.indexOf(piece, from);
    const articleStart = articleText.indexOf(piece);
    if (pageStart < 0 || articleStart < 0) throw new Error(`fixture: "${piece}" is not in both texts`);
    from = pageStart + piece.length;
    return { pageStart, pageEnd: pageStart + piece.length, articleStart, articleEnd: articleStart + piece.length };
  });
}

interface ReportOptions {
  reportId?: number;
  articleId?: string;
  articleTitle?: string;
  articleUrl?: string;
  pageUrl?: string;
  host?: string;
  pageText?: string;
  pieces?: readonly string[];
  decision?: string;
}

/** A report of a page on `host` copying COPIED from the article, with two captures. */
export function makeReport(options: ReportOptions = {}): NoticeReportInput {
  const pieces = options.pieces ?? COPIED;
  const pageText = options.pageText ?? `Menu | Home | Local\n\nRiverside park news\n\n${pieces.join('\n\nAdvertisement\n\n')}\n\nShare this story`;
  const host = options.host ?? 'copycat.example';
  return {
    reportId: options.reportId ?? 41,
    article: {
      id: options.articleId ?? 'dl-2025-0311-park',
      title: options.articleTitle ?? 'Council approves riverside park',
      url: options.articleUrl ?? 'https://dailyledger.example/news/riverside-park',
      publishedAt: '2025-03-11T08:00:00.000Z',
      credit: 'By Sam Reporter / Daily Ledger',
      text: ARTICLE_TEXT,
    },
    page: {
      url: options.pageUrl ?? `https://${host}/2025/03/park-story`,
      host,
      firstSeen: '2025-03-12T10:00:00.000Z',
      lastSeen: '2025-03-13T10:00:00.000Z',
      text: pageText,
    },
    figures: { kind: 'excerpt', coverage: 0.4412, copiedWords: 30 },
    passages: locatePassages(pageText, ARTICLE_TEXT, pieces),
    decision: { decision: options.decision ?? 'unlicensed', reasons: ['no_consent'], explanation: ['no consent covers the page'] },
    captures: [
      { id: 7, sha256: 'a'.repeat(64), capturedAt: '2025-03-12T10:00:00.000Z' },
      { id: 9, sha256: 'b'.repeat(64), capturedAt: '2025-03-13T10:00:00.000Z' },
    ],
  };
}
