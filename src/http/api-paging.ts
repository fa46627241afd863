import { z } from 'zod';

/**
 * The paging every API list shares: `limit` (1–500, default 50) and `cursor` in, `{ items,
 * nextCursor }` out (nextCursor null on the last page). A cursor is opaque to clients: base64url
 * of the JSON sort key of the last row shown, so the next page is a keyset query ("rows after this
 * key"), never an offset, and rows written between pages cannot be shown twice.
 */

// A screenful; 500 bounds what one query reads and one answer carries (as /api/reports and /api/sources).
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
// A sort key is a time, a name or a place and an id. The longest is a licensee name (at most 2,000
// characters): even all JSON-escaped (6 bytes each) and in base64url it stays under this; more is not ours.
const MAX_CURSOR_CHARS = 16_384;

const CURSOR_REFUSAL = 'is not a cursor this list gave out; pass the nextCursor of the previous page as it is';

/** The `limit` query parameter of every list. */
export const limitParam = z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE).meta({ description: `Rows per page, 1 to ${MAX_PAGE_SIZE}` });

/** The opaque text that continues a list after the row whose sort key is `key`. */
export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** `key`'s decoded value, or undefined when `text` is not base64url JSON that `key` accepts. */
export function decodeCursor<T>(text: string, key: z.ZodType<T>): T | undefined {
  if (text.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = key.safeParse(payload);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The `cursor` query parameter of a list whose sort key has the shape `key`: decoded and checked,
 * so a damaged or foreign cursor is a 400 naming `cursor` (via parseOrThrow), never a 500 or a
 * silently different page.
 */
export function cursorParam<T>(key: z.ZodType<T>) {
  return z
    .string()
    .meta({ description: "The previous answer's nextCursor, as it is (opaque)" })
    .transform((text, ctx) => {
      const decoded = decodeCursor(text, key);
      if (decoded !== undefined) return decoded;
      ctx.addIssue({ code: 'custom', message: CURSOR_REFUSAL });
      return z.NEVER;
    })
    .optional();
}

/** A cursor that continues after an id (lists in id order). */
export const idKey = z.strictObject({ i: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });

/**
 * One page out of `rows`, which the query read with `limit + 1` rows: the extra row only tells
 * that there is a next page, whose cursor is the key of the last row shown.
 */
export function pageOf<R>(rows: R[], limit: number, keyOf: (row: R) => Record<string, unknown>): { items: R[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(keyOf(items[items.length - 1])) : null };
}

/** Refuses `cursor` together with a non-zero `offset`: a page is found one way or the other. */
export const cursorOrOffset = { check: (q: { cursor?: unknown; offset?: number }) => q.cursor === undefined || !q.offset, message: 'give cursor or offset, not both', path: ['cursor'] };

/** What every list's route doc says about paging. */
export const PAGING_DESCRIPTION = "Page with the answer's nextCursor as cursor (null: no more); limit 1–500, default 50.";
