import type { Request } from 'express';
import { findLicenseeById } from '../../../db/licensees.ts';
import type { App } from '../../app.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.ts';
import type { Redecided, RightsDeps } from '../../rights-admin.ts';
import { principalOf, scopeOf } from '../actor.ts';

/** Helpers shared by the licensee, consent and portal pages. */

export function rightsDepsOf(app: App): RightsDeps {
  return { db: app.database.db, config: app.config.rights };
}

/** Admins and rights managers change rights; legal reads them. */
export function mayManageRights(req: Request): boolean {
  const role = principalOf(req).role;
  return role === 'admin' || role === 'rights_manager';
}

/** The name of the organisation a licensee's request is narrowed to (null for staff). */
export async function ownLicenseeName(app: App, req: Request): Promise<string | null> {
  const scope = scopeOf(req);
  return scope === null ? null : ((await findLicenseeById(app.database.db, scope))?.name ?? null);
}

/** Refusals a person fixes in the form they just sent: shown beside that form, not as an error page. */
export function isFormRefusal(error: unknown): error is ValidationError | ConflictError | NotFoundError {
  return error instanceof ValidationError || error instanceof ConflictError || error instanceof NotFoundError;
}

export function statusOfRefusal(error: ValidationError | ConflictError | NotFoundError): number {
  return error instanceof ConflictError ? 409 : error instanceof NotFoundError ? 404 : 400;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What a rights change re-decided, in one sentence for the flash message. */
export function describeRedecided(r: Redecided): string {
  if (r.matches === 0) return 'no stored match was affected';
  return `${plural(r.matches, 'stored match', 'stored matches')} decided again: ${plural(r.changed, 'decision')} changed, ${plural(r.reportsChanged, 'report')} changed, ${plural(r.reportsCreated, 'new report')}`;
}
