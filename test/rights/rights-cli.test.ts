import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listReportEvents } from '../../db/report-events.ts';
import { findReportsForMatch } from '../../db/reports.ts';
import { buildNewsPage, escapeHtml, OWNED_NDJSON, paragraphsOf, readOwnedFixtures } from '../fixtures/check/build-page.ts';
import { runCli as runBin, runCliInProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openTestDatabase } from '../helpers/test-database.ts';

const FIXTURES = new URL('../fixtures/odrl/', import.meta.url);
const PARTNER_DOC = new URL('rightsml-partner-agreement.jsonld', FIXTURES).pathname;
const GRAPH_DOC = new URL('copyhound-graph.jsonld', FIXTURES).pathname;

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON lines are read loosely */
type Json = any;

function jsonLines(stdout: string): Json[] {
  return stdout.trim() === '' ? [] : stdout.trim().split('\n').map((line) => JSON.parse(line));
}

/** The history of the reports on a match, read from the database file the CLI wrote. */
async function reportHistory(dbPath: string, matchId: number) {
  const database = await openTestDatabase(dbPath, 2000);
  try {
    return await Promise.all((await findReportsForMatch(database.db, matchId)).map(async (r) => ({ status: r.status, decision: r.decision, events: await listReportEvents(database.db, r.id, 100) })));
  } finally {
    await database.close();
  }
}

/** Fields that differ between two databases holding the same consent. */
function portable(consent: Json): Json {
  const { id: _id, licenseeId: _licenseeId, createdAt: _createdAt, updatedAt: _updatedAt, ...rest } = consent;
  return rest;
}

describe('copyhound owner-sites, licensees, consents', () => {
  const tempDir = useTempDir();
  let servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    servers = [];
  });

  function setup(env: Record<string, string> = {}) {
    const dir = tempDir();
    const db = join(dir, 'c.db');
    const fullEnv = { COPYHOUND_DATA_DIR: join(dir, 'data'), COPYHOUND_FETCH_ALLOW: '127.0.0.1', ...env };
    const cli = (...args: string[]) => runCliInProcess(['--db', db, ...args], { env: fullEnv });
    return { dir, db, cli };
  }

  /** A stored match: an owned article republished in full on a page at 127.0.0.1, checked once. */
  async function setupWithMatch(env: Record<string, string> = {}) {
    const world = setup(env);
    expect((await world.cli('articles', 'import', OWNED_NDJSON.pathname)).code).toBe(0);
    const [nato] = readOwnedFixtures();
    const page = buildNewsPage({ site: 'Mirror', headline: 'Copied', paragraphsHtml: paragraphsOf(nato).map(escapeHtml) });
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/copy`;
    expect((await world.cli('check', url)).code).toBe(0);
    const decision = async () => jsonLines((await world.cli('matches', 'list', '--json')).stdout).map((m) => m.decision);
    expect(await decision()).toEqual(['unlicensed']);
    return { ...world, decision };
  }

  it('owner-sites add, list and remove re-decide the match on the site; a duplicate is refused', async () => {
    const { cli, decision } = await setupWithMatch({ COPYHOUND_OWNER_SITES: 'daily.example' });
    const added = await cli('owner-sites', 'add', 'http://127.0.0.1:9/');
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toBe('added owner site 127.0.0.1\n  re-decided 1 match(es): 1 decision(s) changed, 0 report(s) created, 1 report(s) changed\n');
    expect(await decision()).toEqual(['owner_site']);

    const again = await cli('owner-sites', 'add', '127.0.0.1');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('error: Owner site 127.0.0.1 is already registered\n');

    const listed = jsonLines((await cli('owner-sites', 'list', '--json')).stdout);
    expect(listed).toEqual([
      { place: 'daily.example', source: 'config' },
      { place: '127.0.0.1', source: 'database', createdBy: 'local', createdAt: expect.any(String) },
    ]);
    expect((await cli('owner-sites', 'list')).stdout).toMatch(/^daily\.example {2}from COPYHOUND_OWNER_SITES\n127\.0\.0\.1 {2}added by local at \d{4}-/);

    const removed = await cli('owner-sites', 'remove', '127.0.0.1', '--json');
    expect(jsonLines(removed.stdout)).toEqual([{ place: '127.0.0.1', redecided: { matches: 1, changed: 1, reportsCreated: 0, reportsChanged: 1 } }]);
    expect(await decision()).toEqual(['unlicensed']);
    const gone = await cli('owner-sites', 'remove', '127.0.0.1');
    expect(gone).toMatchObject({ code: 1, stderr: 'error: No owner site 127.0.0.1 is registered\n' });
    expect((await cli('owner-sites', 'add', 'ftp://example.com/')).code).toBe(2);
  });

  it('licensees add, list, show (with consents), set and remove', async () => {
    const { cli } = setup();
    const added = await cli('licensees', 'add', '--name', 'Partner Post', '--place', 'Partner-Post.example', '--place', '*.pp.example', '--contact', 'rights@pp.example', '--notes', 'since 2024', '--json');
    const [{ licensee, redecided }] = jsonLines(added.stdout);
    expect(licensee).toMatchObject({ id: 1, name: 'Partner Post', places: ['partner-post.example', '*.pp.example'], contacts: ['rights@pp.example'], notes: 'since 2024', createdBy: 'local' });
    expect(redecided).toEqual({ matches: 0, changed: 0, reportsCreated: 0, reportsChanged: 0 });
    expect((await cli('licensees', 'add', '--name', 'Partner Post')).stderr).toBe('error: A licensee named "Partner Post" already exists\n');
    expect((await cli('licensees', 'add', '--name', 'Other Gazette')).stdout).toMatch(/^added licensee #2 "Other Gazette"\n {2}re-decided 0 match/);

    expect(jsonLines((await cli('licensees', 'list', '--json')).stdout).map((l) => l.name)).toEqual(['Other Gazette', 'Partner Post']);
    expect((await cli('licensees', 'list')).stdout).toContain('#1 Partner Post  places: partner-post.example, *.pp.example  contacts: rights@pp.example\n');

    expect((await cli('consents', 'add', '--licensee', 'Partner Post', '--place', 'partner-post.example')).code).toBe(0);
    const shown = jsonLines((await cli('licensees', 'show', 'Partner Post', '--json')).stdout)[0];
    expect(shown).toMatchObject({ id: 1, name: 'Partner Post', consents: [{ id: 1, licenseeName: 'Partner Post', status: 'active' }] });
    const human = await cli('licensees', 'show', 'Partner Post');
    expect(human.stdout).toMatch(/^#1 Partner Post {2}places: .*\n {2}notes: since 2024\n {2}consents: 1\n {2}#1 active {2}Partner Post {2}full {2}partner-post\.example/);

    const set = await cli('licensees', 'set', 'Partner Post', '--rename', 'Partner Post AG', '--place', 'partner-post.example', '--clear-notes', '--json');
    expect(jsonLines(set.stdout)[0].licensee).toMatchObject({ name: 'Partner Post AG', places: ['partner-post.example'], contacts: ['rights@pp.example'], notes: null });
    expect((await cli('licensees', 'set', 'Partner Post AG')).code).toBe(2);
    expect((await cli('licensees', 'set', 'Partner Post AG', '--notes', 'x', '--clear-notes')).code).toBe(2);

    const refused = await cli('licensees', 'remove', 'Partner Post AG');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('has 1 consent record(s) and cannot be removed');
    expect(jsonLines((await cli('licensees', 'remove', 'Other Gazette', '--json')).stdout)).toEqual([{ name: 'Other Gazette', redecided: { matches: 0, changed: 0, reportsCreated: 0, reportsChanged: 0 } }]);
    const unknown = await cli('licensees', 'show', 'Other Gazette');
    expect(unknown).toMatchObject({ code: 1, stdout: '', stderr: 'error: No licensee named "Other Gazette"\n' });
  });

  it('consents add (pending), approve and revoke re-decide the match they cover', async () => {
    const { cli, decision } = await setupWithMatch();
    expect((await cli('licensees', 'add', '--name', 'Mirror', '--place', '127.0.0.1')).stdout).toContain('re-decided 1 match(es): 0 decision(s) changed');

    const pending = await cli('consents', 'add', '--licensee', 'Mirror', '--place', '127.0.0.1', '--pending', '--contract', 'K-7', '--json');
    const [{ consent, redecided }] = jsonLines(pending.stdout);
    expect(consent).toMatchObject({ id: 1, status: 'pending', licenseeName: 'Mirror', places: ['127.0.0.1'], use: 'full', contractRef: 'K-7', createdBy: 'local' });
    expect(consent.uid).toMatch(/^urn:uuid:/);
    expect(redecided).toMatchObject({ matches: 1, changed: 0 });
    expect(await decision()).toEqual(['unlicensed']);

    const approved = await cli('consents', 'approve', '1');
    expect(approved.stdout).toBe('approved consent #1 active  Mirror  full  127.0.0.1  valid open – open\n  re-decided 1 match(es): 1 decision(s) changed, 0 report(s) created, 1 report(s) changed\n');
    expect(await decision()).toEqual(['licensed']);
    const twice = await cli('consents', 'approve', '1');
    expect(twice).toMatchObject({ code: 1, stderr: 'error: Consent 1 is active; only a pending consent can be approved\n' });

    const revoked = jsonLines((await cli('consents', 'revoke', '1', '--note', 'contract ended', '--json')).stdout)[0];
    expect(revoked.consent.status).toBe('revoked');
    expect(revoked.redecided).toMatchObject({ matches: 1, changed: 1 });
    expect(await decision()).not.toContain('licensed');
  });

  it('consents add reads every flag; list filters; show prints the terms', async () => {
    const { cli } = setup();
    await cli('licensees', 'add', '--name', 'Partner Post');
    await cli('licensees', 'add', '--name', 'Other Gazette');
    const full = await cli(
      'consents', 'add', '--licensee', 'Partner Post', '--place', 'partner-post.example', '--place', 'https://other.example/partner',
      '--articles', 'a-1, a-2', '--section', 'politik', '--tag', 'Wahl', '--published-from', '2025-01-01', '--published-until', '2025-07-01T00:00:00+02:00',
      '--valid-from', '2025-02-01', '--valid-until', '2026-02-01', '--use', 'excerpt', '--max-words', '300', '--max-percent', '12.5',
      '--hold-back-hours', '24', '--duty', 'link', '--duty', 'credit', '--territory', 'DE', '--contract', 'K-2025/17', '--json',
    );
    expect(full.stderr).toBe('');
    expect(jsonLines(full.stdout)[0].consent).toMatchObject({
      scope: { all: false, ids: ['a-1', 'a-2'], sections: ['politik'], tags: ['Wahl'], publishedFrom: '2025-01-01T00:00:00.000Z', publishedUntil: '2025-06-30T22:00:00.000Z' },
      places: ['partner-post.example', 'https://other.example/partner/'],
      validFrom: '2025-02-01T00:00:00.000Z',
      validUntil: '2026-02-01T00:00:00.000Z',
      use: 'excerpt', maxWords: 300, maxPercent: 12.5, holdBackHours: 24, duties: ['credit', 'link'], territory: 'DE', contractRef: 'K-2025/17', status: 'active',
    });
    await cli('consents', 'add', '--licensee', 'Other Gazette', '--place', 'other-gazette.example', '--pending');

    const ids = async (...args: string[]) => jsonLines((await cli('consents', 'list', '--json', ...args)).stdout).map((c) => c.id);
    expect(await ids()).toEqual([1, 2]);
    expect(await ids('--licensee', 'Other Gazette')).toEqual([2]);
    expect(await ids('--status', 'active')).toEqual([1]);
    expect(await ids('--licensee', 'Partner Post', '--status', 'pending')).toEqual([]);
    expect((await cli('consents', 'list', '--licensee', 'Nobody'))).toMatchObject({ code: 1, stderr: 'error: No licensee named "Nobody"\n' });
    expect((await cli('consents', 'list', '--status', 'gone')).code).toBe(2);

    const shown = await cli('consents', 'show', '1');
    expect(shown.stdout).toContain('  articles: ids a-1, a-2; sections politik; tags Wahl; published 2025-01-01T00:00:00.000Z – 2025-06-30T22:00:00.000Z\n');
    expect(shown.stdout).toContain('  use: excerpt (at most 300 words, at most 12.5%)\n  hold back: 24 h after publication\n  duties: credit, link\n  territory: DE  contract: K-2025/17\n');
    expect(jsonLines((await cli('consents', 'show', '2', '--json')).stdout)[0]).toMatchObject({ id: 2, status: 'pending', licenseeName: 'Other Gazette' });
    expect(await cli('consents', 'show', '9')).toMatchObject({ code: 1, stderr: 'error: No consent with id 9\n' });
  });

  it('refuses bad flags as usage errors (exit 2) naming the flag, and an unknown licensee with exit 1', async () => {
    const { cli, db } = setup();
    await cli('licensees', 'add', '--name', 'Partner Post');
    const base = ['consents', 'add', '--licensee', 'Partner Post', '--place', 'partner-post.example'];

    // The real bin, as a user meets it.
    const badDate = await runBin(['--db', db, ...base, '--valid-until', '2026-02-30']);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain("option '--valid-until <date>' argument '2026-02-30' is invalid");
    expect(badDate.stderr).toContain('2026-02-30');

    const cases: [string[], string][] = [
      [['--published-from', 'yesterday'], "option '--published-from <date>' argument 'yesterday' is invalid"],
      [['--max-words', 'many'], "option '--max-words <n>' argument 'many' is invalid"],
      [['--use', 'print'], "option '--use <use>' argument 'print' is invalid"],
      [['--duty', 'pay'], "option '--duty <duty>' argument 'pay' is invalid"],
      [['--place', 'ftp://x.example/'], "option '--place <place>' argument 'ftp://x.example/' is invalid"],
      [['--max-words', '10'], 'error: Bad consent: use: excerpt limits (maxWords, maxPercent) need use "excerpt"'],
      [['--valid-from', '2026-03-01', '--valid-until', '2026-02-01'], 'error: Bad consent: validUntil: must be after validFrom (2026-03-01T00:00:00.000Z)'],
    ];
    for (const [flags, message] of cases) {
      const result = await cli(...base, ...flags);
      expect({ flags, code: result.code }).toEqual({ flags, code: 2 });
      expect(result.stderr).toContain(message);
    }
    expect((await cli('consents', 'add', '--licensee', 'Partner Post')).code).toBe(2);
    expect((await cli('consents', 'show', 'abc')).code).toBe(2);

    const unknown = await cli('consents', 'add', '--licensee', 'Nobody', '--place', 'x.example');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: No licensee named "Nobody"; add the licensee first\n');
    expect(jsonLines((await cli('consents', 'list', '--json')).stdout)).toEqual([]);
  });

  it('consents set changes only the given terms and re-decides: narrowed places turn the licensed copy into a breach, with a history event', async () => {
    const { cli, db } = await setupWithMatch();
    await cli('licensees', 'add', '--name', 'Mirror', '--place', '127.0.0.1');
    await cli('consents', 'add', '--licensee', 'Mirror', '--place', '127.0.0.1', '--contract', 'K-7', '--territory', 'DE', '--valid-until', '2099-01-01');
    const match = async () => jsonLines((await cli('matches', 'list', '--json')).stdout)[0];
    expect(await match()).toMatchObject({ decision: 'licensed', consentId: 1 });
    const before = await reportHistory(db, (await match()).id);
    expect(before).toMatchObject([{ status: 'licensed', decision: 'licensed' }]);

    // Narrowed to a path the copy is not under; it is still on the licensee's site.
    const narrowed = await cli('consents', 'set', '1', '--place', 'https://127.0.0.1/other', '--json');
    expect(narrowed).toMatchObject({ code: 0, stderr: '' });
    const [{ consent, redecided }] = jsonLines(narrowed.stdout);
    expect(consent).toMatchObject({ id: 1, status: 'active', places: ['https://127.0.0.1/other/'], contractRef: 'K-7', territory: 'DE', validUntil: '2099-01-01T00:00:00.000Z', use: 'full' });
    expect(redecided).toEqual({ matches: 1, changed: 1, reportsCreated: 0, reportsChanged: 1 });
    const breach = await match();
    expect(breach).toMatchObject({ decision: 'licence_breach', reasons: ['place_not_covered'], consentId: 1 });

    const [after] = await reportHistory(db, breach.id);
    expect(after).toMatchObject({ status: 'new', decision: 'licence_breach' });
    const added = after.events.slice(before[0].events.length);
    expect(added).toEqual([
      expect.objectContaining({
        kind: 'decision', actor: 'local', fromStatus: 'licensed', toStatus: 'new',
        // One event says both: the decision moved, and with it the status.
        note: expect.stringMatching(new RegExp(`^consent 1 \\(${consent.uid}\\) terms changed by local: places; no longer licensed: \\S`)),
        detail: expect.objectContaining({ consentId: 1, from: { decision: 'licensed', reasons: [], consentId: 1 }, to: { decision: 'licence_breach', reasons: ['place_not_covered'], consentId: 1 } }),
      }),
    ]);

    // Widened again, in human output: licensed once more.
    const widened = await cli('consents', 'set', '1', '--place', '127.0.0.1');
    expect(widened.stdout).toBe('changed consent #1 active  Mirror  full  127.0.0.1  valid open – 2099-01-01T00:00:00.000Z\n  re-decided 1 match(es): 1 decision(s) changed, 0 report(s) created, 1 report(s) changed\n');
    expect(await match()).toMatchObject({ decision: 'licensed', reasons: [], consentId: 1 });
    expect((await reportHistory(db, breach.id))[0].status).toBe('licensed');
  });

  it('consents set replaces lists, clears terms with --clear-*, and refuses bad flags (exit 2) and an unknown id (exit 1)', async () => {
    const { cli } = setup();
    await cli('licensees', 'add', '--name', 'Partner Post');
    await cli(
      'consents', 'add', '--licensee', 'Partner Post', '--place', 'partner-post.example', '--section', 'politik', '--duty', 'credit',
      '--valid-from', '2025-01-01', '--valid-until', '2026-01-01', '--contract', 'K-1', '--territory', 'DE',
    );
    const show = async () => jsonLines((await cli('consents', 'show', '1', '--json')).stdout)[0];

    const changed = jsonLines((await cli('consents', 'set', '1', '--duty', 'link', '--duty', 'canonical', '--use', 'excerpt', '--max-words', '200', '--clear-valid-until', '--clear-contract', '--json')).stdout)[0];
    expect(changed.consent).toMatchObject({
      duties: ['link', 'canonical'], use: 'excerpt', maxWords: 200, validFrom: '2025-01-01T00:00:00.000Z', validUntil: null, contractRef: null,
      places: ['partner-post.example'], scope: { all: false, sections: ['politik'] }, territory: 'DE', licenseeName: 'Partner Post', status: 'active',
    });
    expect(changed.redecided).toEqual({ matches: 0, changed: 0, reportsCreated: 0, reportsChanged: 0 });
    const cleared = jsonLines((await cli('consents', 'set', '1', '--clear-duties', '--clear-sections', '--use', 'full', '--clear-max-words', '--json')).stdout)[0].consent;
    expect(cleared).toMatchObject({ duties: [], scope: { all: true, sections: [] }, use: 'full', maxWords: null });
    const stored = await show();
    expect(stored).toEqual(cleared);

    const cases: [string[], string][] = [
      [[], 'error: nothing to change'],
      [['--valid-until', '2026-02-30'], "option '--valid-until <date>' argument '2026-02-30' is invalid"],
      [['--duty', 'pay'], "option '--duty <duty>' argument 'pay' is invalid"],
      [['--place', 'ftp://x.example/'], "option '--place <place>' argument 'ftp://x.example/' is invalid"],
      [['--max-percent', '0'], "option '--max-percent <p>' argument '0' is invalid"],
      [['--duty', 'link', '--clear-duties'], 'error: --duty and --clear-duties cannot be given together'],
      // Each reads well, but not with the stored terms: a full-use consent, valid from 2025-01-01.
      [['--max-words', '10'], 'error: Bad consent: use: excerpt limits (maxWords, maxPercent) need use "excerpt"'],
      [['--valid-until', '2024-06-01'], 'error: Bad consent: validUntil: must be after validFrom (2025-01-01T00:00:00.000Z)'],
      [['--licensee', 'Other'], "unknown option '--licensee'"],
      [['--pending'], "unknown option '--pending'"],
    ];
    for (const [flags, message] of cases) {
      const result = await cli('consents', 'set', '1', ...flags);
      expect({ flags, code: result.code }).toEqual({ flags, code: 2 });
      expect(result.stderr).toContain(message);
      expect(result.stdout).toBe('');
    }
    expect((await cli('consents', 'set', 'abc', '--place', 'x.example')).code).toBe(2);
    expect(await show()).toEqual(stored);

    const unknown = await cli('consents', 'set', '9', '--place', 'x.example');
    expect(unknown).toMatchObject({ code: 1, stdout: '', stderr: 'error: No consent with id 9\n' });
  });

  it('consents import registers every Agreement of a document (licensees created), or none of them', async () => {
    const { cli, dir } = setup();
    const imported = await cli('consents', 'import', GRAPH_DOC);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^imported 2 consent\(s\) from .*copyhound-graph\.jsonld\n {2}#1 pending {2}Wochenblatt Nord {2}excerpt .*\n {2}#2 pending {2}Küstenradio {2}full {2}https:\/\/kuestenradio\.example\/nachrichten\/ .*\n {2}re-decided 0 match/);
    const partner = jsonLines((await cli('consents', 'import', PARTNER_DOC, '--json')).stdout)[0];
    expect(partner.consents).toMatchObject([{ id: 3, uid: 'http://nordkurier.example/rights/agreement/2025-017', licenseeName: 'Nordkurier Online', contractRef: 'NK-2025-017', duties: ['credit'] }]);
    expect(jsonLines((await cli('licensees', 'show', 'Nordkurier Online', '--json')).stdout)[0].places).toEqual(['nordkurier.example', '*.nordkurier-regional.example']);

    // The same document again: its uid is taken, nothing more is stored.
    const again = await cli('consents', 'import', PARTNER_DOC);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('uid http://nordkurier.example/rights/agreement/2025-017 is already registered');

    // A new Agreement beside a taken one: refused as a whole, the new one is not stored either.
    const graph = JSON.parse(readFileSync(GRAPH_DOC, 'utf8'));
    graph['@graph'][1]['@id'] = 'urn:uuid:ffffffff-0000-4000-8000-000000000001';
    graph['@graph'][1].assignee = { name: 'Neues Blatt' };
    graph['@graph'].reverse();
    const mixed = join(dir, 'mixed.jsonld');
    writeFileSync(mixed, JSON.stringify(graph));
    expect((await cli('consents', 'import', mixed)).code).toBe(1);

    // A document the mapping cannot read: refused with the JSON path of the problem.
    const bad = JSON.parse(readFileSync(PARTNER_DOC, 'utf8'));
    bad.permission[0].constraint[1].operator = 'neq';
    const badFile = join(dir, 'bad.jsonld');
    writeFileSync(badFile, JSON.stringify(bad));
    const refused = await cli('consents', 'import', badFile);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: .*bad\.jsonld: \$\.permission\[0\]\.constraint\[1\]/);
    writeFileSync(join(dir, 'not.json'), '{"@type": ');
    expect((await cli('consents', 'import', join(dir, 'not.json'))).stderr).toMatch(/^error: .*not\.json is not JSON/);
    expect((await cli('consents', 'import', join(dir, 'missing.jsonld'))).stderr).toMatch(/^error: Cannot read .*missing\.jsonld/);

    expect(jsonLines((await cli('consents', 'list', '--json')).stdout).map((c) => c.id)).toEqual([1, 2, 3]);
    expect(jsonLines((await cli('licensees', 'list', '--json')).stdout).map((l) => l.name)).toEqual(['Küstenradio', 'Nordkurier Online', 'Wochenblatt Nord']);
  });

  it('consents export prints an ODRL Agreement that imports into another database as the same record', async () => {
    const one = setup({ COPYHOUND_PUBLISHER_NAME: 'Daily Example', COPYHOUND_PUBLISHER_UID: 'https://daily.example/' });
    // A name with a bidi override: shown escaped in the printed document, the same string when read back.
    const name = 'Wochenblatt \u202eNord';
    await one.cli('licensees', 'add', '--name', name);
    await one.cli(
      'consents', 'add', '--licensee', name, '--place', '*.wochenblatt.example', '--articles', 'a-1,a-2', '--section', 'sport', '--published-from', '2025-01-01',
      '--valid-from', '2025-02-01T08:30:00Z', '--valid-until', '2026-02-01', '--use', 'excerpt', '--max-words', '250', '--max-percent', '20',
      '--hold-back-hours', '36', '--duty', 'credit', '--duty', 'canonical', '--territory', 'DE', '--contract', 'K-9', '--pending',
    );
    const exported = await one.cli('consents', 'export', '1');
    expect(exported.code).toBe(0);
    expect(exported.stdout).not.toContain('\u202e');
    expect(exported.stdout).toContain('Wochenblatt \\u202eNord');
    const doc = JSON.parse(exported.stdout);
    expect(doc).toMatchObject({ '@type': 'Agreement', assigner: { uid: 'https://daily.example/', name: 'Daily Example' }, assignee: { name } });
    expect(jsonLines((await one.cli('consents', 'export', '1', '--json')).stdout)).toEqual([doc]);
    const file = join(one.dir, 'consent-1.jsonld');
    writeFileSync(file, exported.stdout);

    const two = setup();
    expect((await two.cli('consents', 'import', file)).code).toBe(0);
    const original = jsonLines((await one.cli('consents', 'show', '1', '--json')).stdout)[0];
    const copy = jsonLines((await two.cli('consents', 'show', '1', '--json')).stdout)[0];
    expect(copy.licenseeName).toBe(name);
    expect(portable(copy)).toEqual(portable(original));
    expect((await one.cli('consents', 'export', '7')).stderr).toBe('error: No consent with id 7\n');
  });
});
