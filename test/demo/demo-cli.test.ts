import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/temp-dir.ts';
import { TEST_DIALECT } from '../helpers/test-database.ts';
import { pathOf, readPrintout, send, signIn, startDemoProcess, type DemoProcess, type Session } from './demo-helpers.ts';

/**
 * `copyhound demo` as a newcomer runs it: the real bin in a child process, on a free port with a
 * given data folder. Everything is checked through the HTTP API with the printed logins, then the
 * demo is stopped with SIGTERM as Ctrl-C would.
 */

// Start, four sign-ins (argon2) and a dozen requests took ~3 s here; room for a busy 2-core machine.
const DEMO_TEST_TIMEOUT_MS = 60_000;

const OUTLET = {
  owner: '/aa-demo/',
  credited: '/marmara-daily/',
  uncredited: '/riverside-courier/',
  pending: '/harbour-review/',
  pirate: '/newstime/',
  independent: '/civic-observer/',
} as const;

const STORY = {
  wire: 'aa-nato-russian-airstrikes-syria',
  ferry: 'aa-demo-izmir-electric-ferry',
  hazelnuts: 'aa-demo-hazelnut-harvest',
  port: 'aa-demo-mersin-port-record',
  seagrass: 'aa-demo-aegean-seagrass-map',
} as const;

type Row = Record<string, unknown>;

/** Outlet prefix → what matters of a row, so the expectation reads as the seven cases. */
function byOutlet(rows: Row[], pick: (r: Row) => Row): Record<string, Row> {
  return Object.fromEntries(rows.map((r) => [Object.values(OUTLET).find((o) => pathOf(String(r.pageUrl)).startsWith(o)) ?? String(r.pageUrl), pick(r)]));
}

describe('copyhound demo', () => {
  const tempDir = useTempDir();
  let demo: DemoProcess | undefined;
  afterEach(async () => {
    if (demo && demo.child.exitCode === null && demo.child.signalCode === null) {
      demo.child.kill('SIGKILL');
      await demo.exited;
    }
    demo = undefined;
  });

  it(
    'serves the seven cases with their decisions and reports, a login per role, a pending consent that licenses its report, and stops cleanly on SIGTERM',
    async () => {
      const dataDir = join(tempDir(), 'demo-data');
      demo = await startDemoProcess(['--port', '0', '--data', dataDir], { LOG_LEVEL: 'warn' });
      const printed = readPrintout(demo.output());
      const api = (path: string) => `${printed.url}/api${path}`;

      // One login per role, each signs in as that role.
      expect(printed.logins.map((l) => l.role)).toEqual(['admin', 'rights_manager', 'legal', 'licensee']);
      const sessions = new Map<string, Session>();
      for (const login of printed.logins) {
        const session = await signIn(printed.url, login);
        expect(session.role).toBe(login.role);
        expect((await send(api('/auth/me'), { session })).body).toMatchObject({ kind: 'user', role: login.role, actor: `user:${login.email}` });
        sessions.set(login.role, session);
      }
      const rights = sessions.get('rights_manager')!;

      // Every page of the sample web matched exactly one owned article, with the case's decision.
      const matches = (await send(api('/matches?limit=100'), { session: rights })).body.items as Row[];
      expect(matches).toHaveLength(6);
      expect(matches.every((m) => String(m.pageUrl).startsWith(`${printed.sampleWeb}/`))).toBe(true);
      const consents = (await send(api('/consents'), { session: rights })).body.items as Row[];
      const consentOf = (licensee: string) => consents.find((c) => c.licenseeName === licensee)!.id;
      expect(byOutlet(matches, (m) => ({ articleId: m.articleId, kind: m.kind, decision: m.decision, reasons: m.reasons, consentId: m.consentId }))).toEqual({
        [OUTLET.owner]: { articleId: STORY.seagrass, kind: 'reproduction', decision: 'owner_site', reasons: [], consentId: null },
        [OUTLET.credited]: { articleId: STORY.ferry, kind: 'reproduction', decision: 'licensed', reasons: [], consentId: consentOf('Marmara Daily') },
        [OUTLET.uncredited]: { articleId: STORY.hazelnuts, kind: 'reproduction', decision: 'licence_breach', reasons: ['credit_missing'], consentId: consentOf('Riverside Courier') },
        [OUTLET.pirate]: { articleId: STORY.wire, kind: 'reproduction', decision: 'unlicensed', reasons: [], consentId: null },
        [OUTLET.pending]: { articleId: STORY.port, kind: 'excerpt', decision: 'unlicensed', reasons: [], consentId: null },
        [OUTLET.independent]: { articleId: STORY.wire, kind: 'quotation', decision: 'allowed_quotation', reasons: [], consentId: null },
      });

      // Only the breach, the pirate copy and the partial copy are reports, each new.
      const listReports = async () => (await send(api('/reports'), { session: rights })).body.items as Row[];
      const reports = await listReports();
      const expectedReports = {
        [OUTLET.uncredited]: { articleId: STORY.hazelnuts, decision: 'licence_breach', reasons: ['credit_missing'], status: 'new' },
        [OUTLET.pirate]: { articleId: STORY.wire, decision: 'unlicensed', reasons: [], status: 'new' },
        [OUTLET.pending]: { articleId: STORY.port, decision: 'unlicensed', reasons: [], status: 'new' },
      };
      const summarise = (rows: Row[]) => byOutlet(rows, (r) => ({ articleId: r.articleId, decision: r.decision, reasons: r.reasons, status: r.status }));
      expect(summarise(reports)).toEqual(expectedReports);
      expect(reports).toHaveLength(3);

      // The pending consent exists, belongs to the partial copy's outlet, and would license the printed report.
      const pending = consents.filter((c) => c.status === 'pending');
      expect(pending).toEqual([expect.objectContaining({ id: printed.pendingConsentId, licenseeName: 'Harbour Business Review', use: 'excerpt' })]);
      const covered = reports.find((r) => r.id === printed.coveredReportId)!;
      expect(pathOf(String(covered.pageUrl))).toBe(pathOf(printed.coveredUrl));
      expect(pathOf(printed.coveredUrl).startsWith(OUTLET.pending)).toBe(true);
      const detail = (await send(api(`/reports/${printed.coveredReportId}`), { session: rights })).body;
      expect(detail.decisionDetail.pending).toEqual([expect.objectContaining({ consentId: printed.pendingConsentId, wouldLicense: true, broken: [] })]);

      // The licensee login sees its own pending consent and no report.
      const licensee = sessions.get('licensee')!;
      expect(((await send(api('/consents'), { session: licensee })).body.items as Row[]).map((c) => c.id)).toEqual([printed.pendingConsentId]);
      expect((await send(api('/reports'), { session: licensee })).status).toBe(403);
      // Legal reads the reports but may not approve consents.
      const legal = sessions.get('legal')!;
      expect((await send(api('/reports'), { session: legal })).status).toBe(200);
      expect((await send(api(`/consents/${printed.pendingConsentId}/approve`), { session: legal, body: {} })).status).toBe(403);

      // Approving it, as the printout says, turns exactly that report licensed.
      const approved = await send(api(`/consents/${printed.pendingConsentId}/approve`), { session: rights, body: {} });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      expect(approved.body.redecided).toMatchObject({ changed: 1, reportsChanged: 1 });
      expect(summarise(await listReports())).toEqual({
        ...expectedReports,
        [OUTLET.pending]: { articleId: STORY.port, decision: 'licensed', reasons: [], status: 'licensed' },
      });

      // SIGTERM: the demo closes everything and exits 0; the given data folder stays.
      demo.child.kill('SIGTERM');
      expect(await demo.exited).toBe(0);
      expect(demo.output()).toMatch(/Demo stopped\.\n$/);
      await expect(fetch(`${printed.url}/healthz`)).rejects.toThrow();
      await expect(fetch(`${printed.sampleWeb}/robots.txt`)).rejects.toThrow();
      // (On PostgreSQL the database is the suite's schema, not a file in the folder.)
      expect(existsSync(TEST_DIALECT === 'sqlite' ? join(dataDir, 'copyhound.db') : dataDir)).toBe(true);
    },
    DEMO_TEST_TIMEOUT_MS,
  );
});
