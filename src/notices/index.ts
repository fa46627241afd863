export { draftDmcaNotice, draftDmcaNoticeForReports } from './dmca-notice.ts';
export { draftLumenNotice, type LumenNotice, type LumenWork, type LumenEntity, type LumenEntityNoticeRole } from './lumen-notice.ts';
export { renderComparisonHtml } from './comparison-html.ts';
export { findMissingNoticeSettings } from './notice-text.ts';
export { MAX_REPORTS_PER_NOTICE, NOTICE_DECISIONS } from './validate-input.ts';
export {
  NoticeInputError,
  type NoticeArticle,
  type NoticeCapture,
  type NoticeDecision,
  type NoticeFigures,
  type NoticePage,
  type NoticePassage,
  type NoticeReportInput,
  type NoticeSettings,
} from './types.ts';
