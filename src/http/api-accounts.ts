import type { Router } from 'express';
import { z } from 'zod';
import { addUser, createKey, getUser, listKeyViews, listUserViews, revokeKey, setUserDisabled, type AccountDeps } from '../accounts.ts';
import type { App } from '../app.ts';
import { ROLES } from '../auth/roles.ts';
import { principalOf, scopeOf } from './actor.ts';
import { parseOrThrow } from './api-matches.ts';
import { guardedRouter, type Guard } from './guard.ts';
import type { RouteDoc } from './openapi/route-doc.ts';
import { cursorParam, idKey, limitParam, pageOf, PAGING_DESCRIPTION } from './api-paging.ts';
import { countUsers } from '../../db/users.ts';
import { countApiKeys } from '../../db/api-keys.ts';

/**
 * /api/users (admins: list, add, disable, enable) and /api/keys (admins: all keys; a licensee:
 * its organisation's). A new key is in the creation answer once and nowhere else.
 */

const MAX_TEXT = 320;
const idSchema = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const licenseeRef = z.union([z.string().min(1).max(MAX_TEXT), z.number().int().min(1)]).nullable().optional();
const newUserSchema = z.strictObject({ email: z.string().max(MAX_TEXT), role: z.enum(ROLES), licensee: licenseeRef, password: z.string().max(1024) });
const newKeySchema = z.strictObject({ name: z.string().max(MAX_TEXT), role: z.enum(ROLES), licensee: licenseeRef, expires: z.string().max(64).nullable().optional() });

// Users and keys are listed in id order (oldest first); the cursor is the last id shown.
const listQuerySchema = z.strictObject({ limit: limitParam, cursor: cursorParam(idKey) });

function depsOf(app: App): AccountDeps {
  return { db: app.database.db };
}

export function createUsersRouter(app: App, guard: Guard): Router {
  const router = guardedRouter(guard, '/api/users');
  router.get('/', async (req, res) => {
    const q = parseOrThrow(listQuerySchema, req.query, 'query parameters');
    const rows = await listUserViews(app.database.db, { afterId: q.cursor?.i, limit: q.limit + 1 });
    res.json({ ...pageOf(rows, q.limit, (u) => ({ i: u.id })), total: await countUsers(app.database.db) });
  });
  router.post('/', async (req, res) => {
    const input = parseOrThrow(newUserSchema, req.body ?? {}, 'user');
    res.status(201).json(await addUser(depsOf(app), input, principalOf(req).actor));
  });
  for (const [path, disabled] of [['/:id/disable', true], ['/:id/enable', false]] as const) {
    router.post(path, async (req, res) => {
      const id = parseOrThrow(idSchema, req.params.id, 'user id');
      res.json(await setUserDisabled(depsOf(app), (await getUser(app.database.db, id)).id, disabled));
    });
  }
  return router;
}

export function createKeysRouter(app: App, guard: Guard): Router {
  const router = guardedRouter(guard, '/api/keys');
  router.get('/', async (req, res) => {
    const q = parseOrThrow(listQuerySchema, req.query, 'query parameters');
    const scope = scopeOf(req);
    const own = scope !== null ? { licenseeId: scope } : {};
    const rows = await listKeyViews(app.database.db, { ...own, afterId: q.cursor?.i, limit: q.limit + 1 });
    res.json({ ...pageOf(rows, q.limit, (k) => ({ i: k.id })), total: await countApiKeys(app.database.db, own) });
  });
  router.post('/', async (req, res) => {
    const input = parseOrThrow(newKeySchema, req.body ?? {}, 'API key');
    const { key, view } = await createKey(depsOf(app), principalOf(req), input);
    res.status(201).json({ ...view, key });
  });
  router.delete('/:id', async (req, res) => {
    res.json(await revokeKey(depsOf(app), parseOrThrow(idSchema, req.params.id, 'API key id')));
  });
  return router;
}

export const ACCOUNTS_ROUTE_DOCS: RouteDoc[] = [
  {
    method: 'GET', path: '/api/users', tag: 'Users and keys', summary: 'List user accounts, oldest first', query: listQuerySchema,
    description: `${PAGING_DESCRIPTION} total counts every user.`,
    response: { status: 200, description: '{items: [{id, email, role, licenseeId, disabled, ...}], total, nextCursor}' },
  },
  {
    method: 'POST', path: '/api/users', tag: 'Users and keys', summary: 'Add a user account',
    description: 'licensee names the organisation (name or id) a user with the licensee role acts for; other roles have none.',
    body: newUserSchema,
    response: { status: 201, description: 'The new user' },
    errors: { 404: 'No licensee with that name or id', 409: 'A user with that e-mail exists' },
  },
  { method: 'POST', path: '/api/users/:id/disable', tag: 'Users and keys', summary: 'Disable a user (ends their sessions)', params: { id: idSchema }, response: { status: 200, description: 'The user' }, errors: { 409: 'The last enabled admin cannot be disabled' } },
  { method: 'POST', path: '/api/users/:id/enable', tag: 'Users and keys', summary: 'Enable a user again', params: { id: idSchema }, response: { status: 200, description: 'The user' } },
  {
    method: 'GET', path: '/api/keys', tag: 'Users and keys', summary: 'List API keys, oldest first (a licensee: its organisation\'s)', query: listQuerySchema,
    description: `${PAGING_DESCRIPTION} total counts every key the caller may see.`,
    response: { status: 200, description: '{items: [{id, name, role, licenseeId, prefix, expiresAt, revokedAt, ...}], total, nextCursor}' },
  },
  {
    method: 'POST', path: '/api/keys', tag: 'Users and keys', summary: 'Create an API key',
    description: 'The key itself is in this answer once and nowhere else. A licensee creates licensee keys for its own organisation only.',
    body: newKeySchema,
    response: { status: 201, description: 'The key view and {key: "ch_..."}' },
    errors: { 404: 'No licensee with that name or id' },
  },
  { method: 'DELETE', path: '/api/keys/:id', tag: 'Users and keys', summary: 'Revoke an API key', params: { id: idSchema }, response: { status: 200, description: 'The revoked key' }, errors: { 409: 'The key was already revoked' } },
];
