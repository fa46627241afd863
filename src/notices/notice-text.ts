import type { NoticeSettings } from './types.ts';

// One-line values (titles, credits, names) longer than this are cut: a notice line stays
// readable, and a hostile page cannot blow up the document. URLs are never cut (see validate).
export const MAX_LINE_CHARS = 1000;
// "A short quote" of the first copied passage: two or three lines of a notice.
export const QUOTE_MAX_CHARS = 240;

// C0/C1 controls (newlines included) would let a hostile value start a line of its own, e.g. a
// fake "(vi)" statement; bidi overrides and isolates reorder what a reviewer sees.
const CONTROL_OR_BIDI = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;
const SPACES = /\s+/g;

/** A value as one clean line: controls and bidi marks become spaces, runs of space one space. */
export function flattenLine(text: string, maxChars = MAX_LINE_CHARS): string {
  const flat = text.replace(CONTROL_OR_BIDI, ' ').replace(SPACES, ' ').trim();
  return flat.length > maxChars ? `${flat.slice(0, maxChars - 1).trimEnd()}…` : flat;
}

/** A short quote of a copied text, cut at a word boundary when it is too long. */
export function quoteText(text: string): string {
  const flat = flattenLine(text, Number.MAX_SAFE_INTEGER);
  if (flat.length <= QUOTE_MAX_CHARS) return flat;
  const cut = flat.slice(0, QUOTE_MAX_CHARS);
  const space = cut.lastIndexOf(' ');
  // Cutting at the last space keeps whole words unless that would drop most of the quote.
  return `${(space > QUOTE_MAX_CHARS / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** The visible marker for a value the sender must supply before the notice can go out. */
export const fillIn = (what: string) => `[FILL IN: ${what}]`;

/** A one-line value, or the fill-in marker naming it when it is empty. */
export function showValue(value: string | null | undefined, what: string): string {
  const flat = flattenLine(value ?? '');
  return flat === '' ? fillIn(what) : flat;
}

/** What each sender setting is called in a fill-in marker (and in findMissingNoticeSettings). */
export const SETTING_LABELS = {
  rightsHolder: "rights holder's name",
  agentName: "agent's name",
  postalAddress: 'postal address',
  email: 'email address',
  phone: 'telephone number',
  signature: "signature line (/s/ followed by the signer's name)",
} as const satisfies Partial<Record<keyof NoticeSettings, string>>;

export type RequiredSetting = keyof typeof SETTING_LABELS;

/** A sender setting's value, or its fill-in marker. */
export const showSetting = (settings: NoticeSettings, key: RequiredSetting) => showValue(settings[key], SETTING_LABELS[key]);

/**
 * The sender settings a notice needs that are still empty, by label: a caller can refuse to send
 * (or warn) until this is []. The recipient is not listed: empty means the designated agent.
 */
export function findMissingNoticeSettings(settings: NoticeSettings): string[] {
  return (Object.keys(SETTING_LABELS) as RequiredSetting[]).filter((k) => flattenLine(settings[k] ?? '') === '').map((k) => SETTING_LABELS[k]);
}

/** Postal address lines: newlines or ';' separate them (an env var holds ';' more easily). */
export function splitAddress(address: string): string[] {
  return address
    .split(/[\n;]/)
    .map((line) => flattenLine(line))
    .filter(Boolean);
}

/** Whom the notice is addressed to. */
export function nameRecipient(settings: NoticeSettings, host: string): string {
  const given = flattenLine(settings.recipient ?? '');
  return given !== '' ? given : `Designated agent of the service provider hosting ${flattenLine(host)}`;
}

/** Coverage 0..1 as a percentage with one decimal ("42.5%"). */
export const formatPercent = (share: number) => `${(share * 100).toFixed(1)}%`;

/** The calendar day (UTC) of `now`, YYYY-MM-DD. */
export const formatDay = (now: Date) => now.toISOString().slice(0, 10);

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside HTML text and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}
