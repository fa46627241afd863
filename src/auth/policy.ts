import { ForbiddenError, NotFoundError } from '../errors.ts';
import type { Principal, Role } from './roles.ts';

/**
 * Who may call what: one row per API route (method and path as the router registers it), the
 * roles allowed, and whether a role is held to its own organisation's objects. The HTTP layer
 * looks every route up here when it registers it (a route without a row stops the server from
 * starting) and enforces the row before the handler runs. Nothing else decides access.
 *
 * - `all`: the role may call the route on any object.
 * - `own`: only objects of the principal's licensee organisation. For a route on one object
 *   (`owner` says how to find its organisation) another organisation's object answers 404, as if
 *   it did not exist; lists and creations are narrowed to the principal's organisation.
 * - `session`: any signed-in user (their own session, password, sign-out).
 * - `public`: no identity needed (sign-in, health).
 */
export type Access = 'all' | 'own';

/** How a route finds the organisation that owns its object. */
export type OwnerKind = 'licensee' | 'consent' | 'key';

export interface RoutePolicy {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** An API route (`/api/...`, JSON) or a web page (HTML; forms; a signed-out GET is sent to /login). */
  path: string;
  allow: Partial<Record<Role, Access>>;
  owner?: OwnerKind;
  public?: true;
  session?: true;
}

// Staff roles read most things; the rights manager changes them; admin may do anything.
const READ_STAFF = { admin: 'all', rights_manager: 'all', legal: 'all' } as const;
const MANAGE = { admin: 'all', rights_manager: 'all' } as const;
const ADMIN = { admin: 'all' } as const;

export const ROUTE_POLICIES: readonly RoutePolicy[] = [
  // Sign-in and the signed-in user's own session.
  { method: 'POST', path: '/api/auth/login', allow: {}, public: true },
  { method: 'GET', path: '/api/auth/me', allow: {}, session: true },
  { method: 'GET', path: '/api/auth/csrf', allow: {}, session: true },
  { method: 'POST', path: '/api/auth/logout', allow: {}, session: true },
  { method: 'POST', path: '/api/auth/logout-all', allow: {}, session: true },
  { method: 'POST', path: '/api/auth/password', allow: {}, session: true },

  // Owned articles: their text is the publisher's; licensees never see it.
  { method: 'GET', path: '/api/articles', allow: READ_STAFF },
  { method: 'GET', path: '/api/articles/:id', allow: READ_STAFF },
  { method: 'POST', path: '/api/articles', allow: MANAGE },
  { method: 'DELETE', path: '/api/articles/:id', allow: MANAGE },
  { method: 'POST', path: '/api/articles/:id/archive', allow: MANAGE },

  { method: 'POST', path: '/api/check', allow: MANAGE },
  { method: 'GET', path: '/api/matches', allow: READ_STAFF },
  { method: 'GET', path: '/api/matches/:id', allow: READ_STAFF },
  { method: 'POST', path: '/api/matches/:id/flag', allow: MANAGE },
  { method: 'DELETE', path: '/api/matches/:id/flag', allow: MANAGE },

  { method: 'GET', path: '/api/sources', allow: MANAGE },
  { method: 'GET', path: '/api/sources/:ref', allow: MANAGE },
  { method: 'POST', path: '/api/sources', allow: MANAGE },
  { method: 'PATCH', path: '/api/sources/:ref', allow: MANAGE },
  { method: 'POST', path: '/api/sources/:ref/run', allow: MANAGE },
  { method: 'DELETE', path: '/api/sources/:ref', allow: MANAGE },

  { method: 'GET', path: '/api/owner-sites', allow: READ_STAFF },
  { method: 'POST', path: '/api/owner-sites', allow: MANAGE },
  { method: 'DELETE', path: '/api/owner-sites/:place', allow: MANAGE },

  // Licensees: a licensee sees and edits its own organisation's record only.
  { method: 'GET', path: '/api/licensees', allow: { ...READ_STAFF, licensee: 'own' } },
  { method: 'GET', path: '/api/licensees/:id', allow: { ...READ_STAFF, licensee: 'own' }, owner: 'licensee' },
  { method: 'POST', path: '/api/licensees', allow: MANAGE },
  { method: 'PATCH', path: '/api/licensees/:id', allow: { ...MANAGE, licensee: 'own' }, owner: 'licensee' },
  { method: 'DELETE', path: '/api/licensees/:id', allow: MANAGE },

  // Consents: a licensee registers its own (they start pending) and follows them; staff approve.
  { method: 'GET', path: '/api/consents', allow: { ...READ_STAFF, licensee: 'own' } },
  { method: 'POST', path: '/api/consents', allow: { ...MANAGE, licensee: 'own' } },
  { method: 'POST', path: '/api/consents/import', allow: { ...MANAGE, licensee: 'own' } },
  { method: 'GET', path: '/api/consents/:id', allow: { ...READ_STAFF, licensee: 'own' }, owner: 'consent' },
  { method: 'GET', path: '/api/consents/:id/odrl', allow: { ...READ_STAFF, licensee: 'own' }, owner: 'consent' },
  { method: 'PATCH', path: '/api/consents/:id', allow: { ...MANAGE, licensee: 'own' }, owner: 'consent' },
  { method: 'POST', path: '/api/consents/:id/approve', allow: MANAGE },
  { method: 'POST', path: '/api/consents/:id/revoke', allow: MANAGE },

  // Reports: legal reads, exports and moves them to notice_sent/escalated (see statusTargetsOf).
  { method: 'GET', path: '/api/reports', allow: READ_STAFF },
  { method: 'GET', path: '/api/reports/export', allow: READ_STAFF },
  // Evidence packages: for legal teams and rights managers (admins see everything staff see).
  { method: 'GET', path: '/api/reports/evidence', allow: READ_STAFF },
  { method: 'GET', path: '/api/reports/:id/evidence', allow: READ_STAFF },
  { method: 'POST', path: '/api/reports/bulk-status', allow: READ_STAFF },
  { method: 'GET', path: '/api/reports/:id', allow: READ_STAFF },
  { method: 'GET', path: '/api/reports/:id/history', allow: READ_STAFF },
  { method: 'POST', path: '/api/reports/:id/status', allow: READ_STAFF },
  { method: 'PATCH', path: '/api/reports/:id', allow: MANAGE },
  { method: 'POST', path: '/api/reports/:id/notes', allow: READ_STAFF },

  // The API's own description (OpenAPI 3.1) and its readable page: routes, not data.
  { method: 'GET', path: '/api/openapi.json', allow: {}, public: true },
  { method: 'GET', path: '/api/docs', allow: {}, public: true },

  // Alerts: admins manage webhook targets and read the delivery log; staff set their own digest.
  { method: 'GET', path: '/api/alerts/targets', allow: ADMIN },
  { method: 'POST', path: '/api/alerts/targets', allow: ADMIN },
  { method: 'PATCH', path: '/api/alerts/targets/:id', allow: ADMIN },
  { method: 'DELETE', path: '/api/alerts/targets/:id', allow: ADMIN },
  { method: 'GET', path: '/api/alerts/deliveries', allow: ADMIN },
  { method: 'GET', path: '/api/alerts/preferences', allow: READ_STAFF },
  { method: 'PATCH', path: '/api/alerts/preferences', allow: READ_STAFF },

  // Accounts and keys: admins; a licensee user makes and revokes keys for its own organisation.
  { method: 'GET', path: '/api/users', allow: ADMIN },
  { method: 'POST', path: '/api/users', allow: ADMIN },
  { method: 'POST', path: '/api/users/:id/disable', allow: ADMIN },
  { method: 'POST', path: '/api/users/:id/enable', allow: ADMIN },
  { method: 'GET', path: '/api/keys', allow: { admin: 'all', licensee: 'own' } },
  { method: 'POST', path: '/api/keys', allow: { admin: 'all', licensee: 'own' } },
  { method: 'DELETE', path: '/api/keys/:id', allow: { admin: 'all', licensee: 'own' }, owner: 'key' },

  // Prometheus metrics (text format, not /api JSON): operational figures for the operator.
  { method: 'GET', path: '/metrics', allow: ADMIN },

  // Web pages (src/http/pages): the same roles as the API routes they show. A licensee's pages
  // are its portal and its own consents; reports, articles and sources are staff pages.
  { method: 'GET', path: '/login', allow: {}, public: true },
  { method: 'POST', path: '/login', allow: {}, public: true },
  { method: 'POST', path: '/logout', allow: {}, session: true },
  { method: 'POST', path: '/logout-all', allow: {}, session: true },
  { method: 'GET', path: '/account', allow: {}, session: true },
  { method: 'POST', path: '/account/password', allow: {}, session: true },
  { method: 'POST', path: '/account/alerts', allow: READ_STAFF },
  { method: 'GET', path: '/', allow: { ...READ_STAFF, licensee: 'own' } },
  { method: 'GET', path: '/reports', allow: READ_STAFF },
  { method: 'POST', path: '/reports/bulk', allow: READ_STAFF },
  { method: 'GET', path: '/reports/:id', allow: READ_STAFF },
  { method: 'POST', path: '/reports/:id/status', allow: READ_STAFF },
  { method: 'POST', path: '/reports/:id/notes', allow: READ_STAFF },
  { method: 'GET', path: '/reports/:id/notice', allow: READ_STAFF },
  { method: 'GET', path: '/captures/:id/screenshot', allow: READ_STAFF },
  // Renders a stored capture offline (as an evidence export would) so its screenshot shows on the report page.
  { method: 'POST', path: '/captures/:id/render', allow: READ_STAFF },
  { method: 'GET', path: '/articles', allow: READ_STAFF },
  { method: 'GET', path: '/articles/:id', allow: READ_STAFF },
  { method: 'GET', path: '/licensees', allow: READ_STAFF },
  { method: 'POST', path: '/licensees', allow: MANAGE },
  { method: 'GET', path: '/licensees/:id', allow: READ_STAFF },
  { method: 'GET', path: '/consents/new', allow: { ...MANAGE, licensee: 'own' } },
  { method: 'POST', path: '/consents', allow: { ...MANAGE, licensee: 'own' } },
  { method: 'POST', path: '/consents/import', allow: { ...MANAGE, licensee: 'own' } },
  { method: 'GET', path: '/consents/:id', allow: { ...READ_STAFF, licensee: 'own' }, owner: 'consent' },
  { method: 'POST', path: '/consents/:id/approve', allow: MANAGE },
  { method: 'POST', path: '/consents/:id/revoke', allow: MANAGE },
  { method: 'GET', path: '/portal', allow: { licensee: 'own' } },
  { method: 'GET', path: '/sources', allow: MANAGE },
  { method: 'POST', path: '/sources', allow: MANAGE },
  { method: 'GET', path: '/sources/:ref', allow: MANAGE },
  { method: 'POST', path: '/sources/:ref', allow: MANAGE },
  { method: 'POST', path: '/sources/:ref/run', allow: MANAGE },
  { method: 'GET', path: '/settings', allow: ADMIN },
  { method: 'POST', path: '/settings/users', allow: ADMIN },
  { method: 'POST', path: '/settings/users/:id/disable', allow: ADMIN },
  { method: 'POST', path: '/settings/users/:id/enable', allow: ADMIN },
  { method: 'POST', path: '/settings/keys', allow: ADMIN },
  { method: 'POST', path: '/settings/keys/:id/revoke', allow: ADMIN },
  { method: 'POST', path: '/settings/owner-sites', allow: ADMIN },
  { method: 'POST', path: '/settings/owner-sites/remove', allow: ADMIN },
  { method: 'POST', path: '/settings/alert-targets', allow: ADMIN },
  { method: 'POST', path: '/settings/alert-targets/:id/delete', allow: ADMIN },
];

const byRoute = new Map(ROUTE_POLICIES.map((p) => [`${p.method} ${p.path}`, p]));

export function findRoutePolicy(method: string, path: string): RoutePolicy | undefined {
  return byRoute.get(`${method} ${path}`);
}

/** What a principal may do on a route: 'all', 'own', or null (not allowed). */
export function accessOf(policy: RoutePolicy, principal: Principal): Access | null {
  if (policy.public || policy.session) return 'all';
  return policy.allow[principal.role] ?? null;
}

// Report statuses legal may set: the notice and its escalation are theirs; the rest is review work.
const LEGAL_STATUS_TARGETS: ReadonlySet<string> = new Set(['notice_sent', 'escalated']);

/** Refuses a report status change the principal's role may not make. */
export function assertMaySetReportStatus(principal: Principal, to: string): void {
  if (principal.role === 'legal' && !LEGAL_STATUS_TARGETS.has(to)) {
    throw new ForbiddenError(`The legal role may set a report's status to ${[...LEGAL_STATUS_TARGETS].join(' or ')}, not ${to}`, { status: to });
  }
}

/** Roles a principal may give to a new API key. */
export function assertMayCreateKey(principal: Principal, role: Role, licenseeId: number | null): void {
  if (principal.role === 'admin') return;
  if (principal.role === 'licensee' && role === 'licensee' && licenseeId === principal.licenseeId) return;
  throw new ForbiddenError('A licensee may create keys only with the licensee role, for its own organisation', { role });
}

/**
 * What a licensee may send as consent records: only for its own organisation (another name
 * answers as if it did not exist), and always `pending` until the publisher approves them.
 */
export function narrowConsentInputs<T extends { licenseeName: string; status: string }>(principal: Principal, ownName: string | null, inputs: T[]): T[] {
  if (principal.role !== 'licensee') return inputs;
  return inputs.map((input) => {
    if (input.licenseeName !== ownName) throw new NotFoundError(`No licensee named "${input.licenseeName}"`, { field: 'licensee' });
    return { ...input, status: 'pending' };
  });
}

/** A licensee changes its own record's contacts and notes; its name and sites are the publisher's to set. */
export function assertMayChangeLicensee(principal: Principal, fields: string[]): void {
  if (principal.role !== 'licensee') return;
  const refused = fields.filter((f) => f !== 'contacts' && f !== 'notes');
  if (refused.length > 0) throw new ForbiddenError(`A licensee may change its contacts and notes, not ${refused.join(', ')}`, { fields: refused });
}

/** A licensee changes the terms of its own consents only while they wait for approval. */
export function assertMayChangeConsentTerms(principal: Principal, status: string): void {
  if (principal.role === 'licensee' && status !== 'pending') throw new ForbiddenError(`A licensee may change a consent only while it is pending (this one is ${status})`, { status });
}
