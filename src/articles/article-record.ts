import { createHash } from 'node:crypto';
import { z } from 'zod';
import { extractArticle } from '../extract/extract-article.ts';
import { formatUtcIso, parseIsoDate } from '../time/parse-date.ts';

// Publisher ids come from CMS exports; 200 characters is far above any real id and keeps keys indexable.
const MAX_ID_LENGTH = 200;
// A news article body over 2 MB of text is an export mistake (a whole archive in one field), not an article.
const MAX_BODY_CHARS = 2_000_000;

const nonEmpty = (field: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be a string`) })
    .trim()
    .min(1, `${field} must not be empty`);
const optionalText = z.string().trim().min(1).nullish();

const httpUrl = nonEmpty('url').refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}, 'url must be an absolute http(s) URL');

const ISO_DATE_SHAPE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;
const ISO_DATE_HINT = 'publishedAt must be an ISO 8601 date or date-time, e.g. 2016-02-12T10:30:00Z';

// A zone-less date-time is taken as UTC: the server's own zone must not change stored facts.
const isoDate = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const reading = ISO_DATE_SHAPE.test(value) ? parseIsoDate(value) : undefined;
    if (reading?.ok) return formatUtcIso(reading.date);
    // 2024-02-30 is refused by name, not rolled over to 1 March.
    const message = reading?.reason === 'impossible' ? `publishedAt ${reading.message}` : ISO_DATE_HINT;
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  });

/** An owned article as users send it (import file line, API body). Unknown fields are refused: they are usually typos. */
export const articleInputSchema = z
  .strictObject({
    id: nonEmpty('id').max(MAX_ID_LENGTH, `id must be at most ${MAX_ID_LENGTH} characters`),
    url: httpUrl,
    title: nonEmpty('title'),
    body: z.string().max(MAX_BODY_CHARS, `body must be at most ${MAX_BODY_CHARS} characters`).nullish(),
    html: z.string().max(MAX_BODY_CHARS * 5, 'html is too large').nullish(),
    publishedAt: isoDate.nullish(),
    author: optionalText,
    language: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'language must be a BCP 47 tag such as "en" or "pt-BR"')
      .nullish(),
    section: optionalText,
    tags: z.array(z.string().trim().min(1, 'tags must not contain empty strings')).nullish(),
    credit: optionalText,
    // Where the article also lives (when it differs from url): a page there is the publisher's own.
    canonicalUrl: httpUrl.nullish(),
  })
  .refine((a) => (a.body?.trim() ?? '') !== '' || (a.html?.trim() ?? '') !== '', {
    message: 'either body (plain text) or html must be given and not empty',
    path: ['body'],
  });

export type ArticleInput = z.input<typeof articleInputSchema>;

/** A validated, normalised article ready to store. */
export interface ArticleRecord {
  id: string;
  url: string;
  title: string;
  body: string;
  bodySource: 'text' | 'html';
  publishedAt: string | null;
  author: string | null;
  language: string | null;
  section: string | null;
  tags: string[] | null;
  credit: string | null;
  /** Present only when given: records without it hash as they did before the field existed. */
  canonicalUrl?: string;
  contentHash: string;
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** Paragraphs separated by exactly one blank line; lines inside a paragraph kept; whitespace tidied. */
export function normaliseBody(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t\u00a0]*\n+/)
    .map((p) =>
      p
        .split('\n')
        .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
        .filter(Boolean)
        .join('\n'),
    )
    .filter(Boolean)
    .join('\n\n');
}

function hashRecord(record: Omit<ArticleRecord, 'contentHash'>): string {
  return createHash('sha256').update(JSON.stringify(record)).digest('hex');
}

/**
 * Validates one incoming record. Returns the normalised record, or the list of field problems
 * (every problem at once, so a user fixes a record in one go).
 */
export function parseArticleRecord(value: unknown): { ok: true; record: ArticleRecord } | { ok: false; problems: FieldProblem[] } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, problems: [{ field: '(record)', message: 'an article must be a JSON object' }] };
  }
  const parsed = articleInputSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => ({
      field: issue.path.length > 0 ? issue.path.join('.') : issue.code === 'unrecognized_keys' ? (issue as { keys?: string[] }).keys?.join(', ') ?? '(record)' : '(record)',
      message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${(issue as { keys?: string[] }).keys?.join(', ')}` : issue.message,
    }));
    return { ok: false, problems };
  }
  const input = parsed.data;
  const fromText = normaliseBody(input.body ?? '');
  const body = fromText !== '' ? fromText : normaliseBody(extractArticle(input.html ?? '', { url: input.url }).text);
  if (body === '') {
    return { ok: false, problems: [{ field: 'html', message: 'no article text could be extracted from html' }] };
  }
  const withoutHash = {
    id: input.id,
    url: input.url,
    title: input.title.replace(/\s+/g, ' '),
    body,
    bodySource: fromText !== '' ? ('text' as const) : ('html' as const),
    publishedAt: input.publishedAt ?? null,
    author: input.author ?? null,
    language: input.language ?? null,
    section: input.section ?? null,
    tags: input.tags && input.tags.length > 0 ? input.tags : null,
    credit: input.credit ?? null,
    ...(input.canonicalUrl ? { canonicalUrl: input.canonicalUrl } : {}),
  };
  return { ok: true, record: { ...withoutHash, contentHash: hashRecord(withoutHash) } };
}
