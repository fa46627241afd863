import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listApiKeys } from '../../db/api-keys.ts';
import { insertAlertDeliveries, recordAlertDeliveryFailure } from '../../db/alert-deliveries.ts';
import { findUserByEmail } from '../../db/users.ts';
import { addUser } from '../../src/accounts.ts';
import { listAlertTargets } from '../../src/alert-admin.ts';
import { addLicensee } from '../../src/rights-admin.ts';
import { startAppServer } from '../helpers/start-app-server.ts';
import { signInAs, type WebClient } from './web-client.ts';

/** Settings for admins: users, API keys (shown once), owner sites, webhook targets and their log. */

const PASSWORD = 'Granite-Otter-47-Lantern-Quiver';
const OTHER_PASSWORD = 'Copper-Heron-82-Saddle-Meadow';

let dir: string;
let server: Awaited<ReturnType<typeof startAppServer>>;
let admin: WebClient;

function flashOf(text: string): string {
  const raw = /<p class="flash (?:ok|error)"[^>]*>([^<]*)<\/p>/.exec(text)?.[1] ?? '';
  return raw.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Posts a settings form from the settings page and answers the flash shown back there. */
async function postSetting(path: string, fields: Record<string, string | string[]>): Promise<string> {
  await admin.get('/settings');
  const answer = await admin.post(path, fields);
  expect(answer.status, `${path}: ${answer.text.slice(0, 200)}`).toBe(303);
  expect(answer.location).toMatch(/^\/settings#/);
  return flashOf((await admin.get('/settings')).text);
}

async function apiStatus(path: string, key: string): Promise<number> {
  return (await fetch(`${server.server.url}${path}`, { headers: { authorization: `Bearer ${key}` } })).status;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'copyhound-web-settings-'));
  server = await startAppServer(dir, {}, { anonymous: true });
  const db = server.app.database.db;
  await addLicensee({ db, config: server.app.config.rights }, { name: 'Gamma Daily', places: ['gamma.example'] }, 'local');
  await addUser({ db }, { email: 'root@example.test', password: PASSWORD, role: 'admin' }, 'local');
  admin = await signInAs(server.server.url, 'root@example.test', PASSWORD);
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('settings: users', () => {
  it('adds a licensee user with a password the same rules check; refuses a common one', async () => {
    const weak = await postSetting('/settings/users', { email: 'weak@gamma.example', role: 'licensee', licensee: 'Gamma Daily', password: 'password' });
    expect(weak).toContain('password: must be at least');
    expect(await findUserByEmail(server.app.database.db, 'weak@gamma.example')).toBeUndefined();

    const added = await postSetting('/settings/users', { email: 'desk@gamma.example', role: 'licensee', licensee: 'Gamma Daily', password: OTHER_PASSWORD });
    expect(added).toBe('User desk@gamma.example added (licensee for Gamma Daily).');
    const desk = await signInAs(server.server.url, 'desk@gamma.example', OTHER_PASSWORD);
    expect((await desk.get('/portal')).text).toContain('Gamma Daily');

    const unbound = await postSetting('/settings/users', { email: 'nobody@gamma.example', role: 'licensee', licensee: '', password: OTHER_PASSWORD });
    expect(unbound).toContain('the licensee role needs the organisation it acts for');
  });

  it('disables a user (refused sign-in) and enables them again; the last admin cannot be disabled', async () => {
    const user = (await findUserByEmail(server.app.database.db, 'desk@gamma.example'))!;
    expect(await postSetting(`/settings/users/${user.id}/disable`, {})).toContain('disabled');
    await expect(signInAs(server.server.url, 'desk@gamma.example', OTHER_PASSWORD)).rejects.toThrow(/sign-in as desk@gamma.example failed/);
    expect(await postSetting(`/settings/users/${user.id}/enable`, {})).toContain('enabled');
    await signInAs(server.server.url, 'desk@gamma.example', OTHER_PASSWORD);

    const self = (await findUserByEmail(server.app.database.db, 'root@example.test'))!;
    expect(await postSetting(`/settings/users/${self.id}/disable`, {})).toContain('last enabled admin');
  });
});

describe('settings: API keys', () => {
  it('shows a new key once, stores only its hash, and revokes it', async () => {
    await admin.get('/settings');
    const made = await admin.post('/settings/keys', { name: 'CRM sync', role: 'rights_manager', licensee: '' });
    expect(made.status).toBe(201);
    const key = /id="secret" class="secret" readonly value="(ch_[^"]+)"/.exec(made.text)?.[1];
    expect(key).toBeDefined();
    expect(await apiStatus('/api/licensees', key!)).toBe(200);

    const settings = await admin.get('/settings');
    expect(settings.text).toContain('CRM sync');
    expect(settings.text).not.toContain(key!);
    const stored = await listApiKeys(server.app.database.db);
    expect(JSON.stringify(stored)).not.toContain(key!);

    const id = stored.find((k) => k.name === 'CRM sync')!.id;
    expect(settings.text).toContain(`action="/settings/keys/${id}/revoke"`);
    expect(await postSetting(`/settings/keys/${id}/revoke`, {})).toBe('API key "CRM sync" revoked: the next request with it is refused.');
    expect(await apiStatus('/api/licensees', key!)).toBe(401);
  });
});

describe('settings: owner sites', () => {
  it('adds and removes an owner site; a bad place is refused by name', async () => {
    expect(await postSetting('/settings/owner-sites', { place: 'own-paper.example' })).toContain('Owner site own-paper.example added');
    expect((await admin.get('/settings')).text).toContain('<code>own-paper.example</code>');
    expect(await postSetting('/settings/owner-sites', { place: 'own-paper.example' })).toContain('already registered');
    expect(await postSetting('/settings/owner-sites', { place: 'http://x.example/?q=1' })).toContain('Place');
    expect(await postSetting('/settings/owner-sites/remove', { place: 'own-paper.example' })).toContain('Owner site own-paper.example removed');
    expect((await admin.get('/settings')).text).not.toContain('<code>own-paper.example</code>');
  });
});

describe('settings: alert targets', () => {
  it('adds a webhook showing its signing secret once, lists its last delivery, and deletes it', async () => {
    await admin.get('/settings');
    const made = await admin.post('/settings/alert-targets', { name: 'Legal CRM', url: 'https://hooks.example/copyhound', decisions: ['unlicensed'], minCoverage: '0.4' });
    expect(made.status).toBe(201);
    const secret = /id="secret" class="secret" readonly value="([^"]+)"/.exec(made.text)?.[1];
    expect(secret).toBeTruthy();
    const [target] = await listAlertTargets(server.app.database.db);
    expect(target).toMatchObject({ name: 'Legal CRM', url: 'https://hooks.example/copyhound', decisions: ['unlicensed'], minCoverage: 0.4 });

    const db = server.app.database.db;
    const [delivery] = await insertAlertDeliveries(db, [{ targetId: target.id, event: 'reports.created', reportIds: [1, 2], createdAt: new Date().toISOString() }]);
    await recordAlertDeliveryFailure(db, delivery.id, { statusCode: 502, error: 'bad gateway', final: true });
    const settings = await admin.get('/settings');
    expect(settings.text).toContain('Legal CRM');
    expect(settings.text).not.toContain(secret!);
    expect(settings.text).toContain('HTTP 502');
    expect(settings.text).toContain('bad gateway');
    expect(settings.text).toMatch(/badge failed">failed/);

    expect(await postSetting('/settings/alert-targets', { url: 'ftp://hooks.example/', decisions: 'unlicensed' })).toContain('url: must be http or https');
    expect(await postSetting('/settings/alert-targets', { url: 'https://hooks.example/none' })).toContain('name at least one decision');
    expect(await postSetting(`/settings/alert-targets/${target.id}/delete`, {})).toBe(`Alert target #${target.id} deleted with its 1 logged delivery.`);
    expect(await listAlertTargets(db)).toEqual([]);
  });
});

describe('settings: access', () => {
  it('refuses a form without _csrf, and every role but admin', async () => {
    await admin.get('/settings');
    const noToken = await admin.post('/settings/owner-sites', { place: 'sneaky.example' }, { csrf: false });
    expect(noToken.status).toBe(403);
    expect((await admin.get('/settings')).text).not.toContain('sneaky.example');
    await addUser({ db: server.app.database.db }, { email: 'manager@example.test', password: PASSWORD, role: 'rights_manager' }, 'local');
    const manager = await signInAs(server.server.url, 'manager@example.test', PASSWORD);
    expect((await manager.get('/settings')).status).toBe(403);
    expect((await manager.post('/settings/owner-sites', { place: 'x.example' })).status).toBe(403);
  });
});
