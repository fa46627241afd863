import { afterEach, describe, expect, it } from 'vitest';
import { crawlTestEnv } from '../crawl/crawl-helpers.ts';
import { OUTLETS, PARTNER_SITEMAP, PATHS, startLicencesWeb, type LicencesWeb } from '../fixtures/licences/licences-web.ts';
import { LICENCES_OWNED_NDJSON } from '../fixtures/licences/outlet-pages.ts';
import { runCli, runCliInProcess, type CliResult } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

/**
 * The licences feature end to end, as a publisher's rights team would use it: import the owned
 * stories, register the own site, the licensees and their consents, crawl a loopback web of
 * outlets, read the decisions and reports, then approve a pending consent and see its report
 * turn `licensed` with a history event. Everything goes through the CLI.
 */

// The whole run (three crawls, ~30 CLI calls, two of them through the bin) took 12-22 s here; room for a busy machine.
const E2E_TIMEOUT_MS = 60_000;
// Licensee B's excerpt limit: the briefing lifts 63 words, the analysis 118 (see the fixture).
const EXCERPT_MAX_WORDS = 80;

const ARTICLE = { nato: 'aa-nato-syria', strike: 'cw-rotterdam-strike', glaciers: 'cw-swiss-glaciers' } as const;

type Json = Record<string, unknown>;

function jsonLines(result: CliResult): Json[] {
  return result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Json);
}

describe('licences, end to end on loopback', () => {
  const tempDir = useTempDir();
  let web: LicencesWeb | undefined;
  afterEach(async () => {
    await web?.close();
    web = undefined;
  });

  it(
    'crawled copies are decided against the consents, only infringements become reports, and approving a pending consent licenses its report',
    async () => {
      web = await startLicencesWeb();
      const env = crawlTestEnv(tempDir());
      const cli = async (...args: string[]) => {
        const result = await runCliInProcess(args, { env });
        expect(result.code, `copyhound ${args.join(' ')}\n${result.stderr}`).toBe(0);
        return result;
      };
      const at = (path: string) => web!.url + path;

      // The publisher's stories, each with the credit line licensees must show.
      expect((await cli('articles', 'import', LICENCES_OWNED_NDJSON)).stdout).toMatch(/inserted 3\b/);

      // Rights: the own site, three licensees and their consents.
      await cli('owner-sites', 'add', at(`/${OUTLETS.owner.slug}/`));
      await cli('licensees', 'add', '--name', OUTLETS.partner.name, '--place', at(`/${OUTLETS.partner.slug}/`));
      await cli('licensees', 'add', '--name', OUTLETS.excerpts.name, '--place', at(`/${OUTLETS.excerpts.slug}/`));
      await cli('licensees', 'add', '--name', OUTLETS.pending.name, '--place', at(`/${OUTLETS.pending.slug}/`));
      const addConsent = async (...flags: string[]) => (JSON.parse((await cli('consents', 'add', ...flags, '--json')).stdout) as { consent: Json }).consent;
      const partner = await addConsent('--licensee', OUTLETS.partner.name, '--place', at(`/${OUTLETS.partner.slug}/`), '--duty', 'credit');
      const excerpts = await addConsent('--licensee', OUTLETS.excerpts.name, '--place', at(`/${OUTLETS.excerpts.slug}/`), '--use', 'excerpt', '--max-words', String(EXCERPT_MAX_WORDS));
      const pending = await addConsent('--licensee', OUTLETS.pending.name, '--place', at(`/${OUTLETS.pending.slug}/`), '--pending');
      expect(partner).toMatchObject({ status: 'active', use: 'full', duties: ['credit'] });
      expect(excerpts).toMatchObject({ status: 'active', use: 'excerpt', maxWords: EXCERPT_MAX_WORDS, duties: [] });
      expect(pending).toMatchObject({ status: 'pending', use: 'full', duties: [] });
      const [partnerConsent, excerptConsent, pendingConsent] = [partner.id, excerpts.id, pending.id] as number[];
      expect(new Set([partnerConsent, excerptConsent, pendingConsent]).size).toBe(3);

      // Sources of three kinds, crawled one by one.
      await cli('sources', 'add', '--type', 'sitemap', '--url', at(PARTNER_SITEMAP), '--name', 'partner-news');
      await cli('sources', 'add', '--type', 'site', '--url', at(`/${OUTLETS.excerpts.slug}/`), '--name', 'excerpts-daily');
      const listed = [PATHS.ownerNato, PATHS.ownerGlaciers, PATHS.pendingCopy, PATHS.pirateCopy, PATHS.quotingColumn];
      await cli('sources', 'add', '--type', 'urls', ...listed.flatMap((p) => ['--url', at(p)]), '--name', 'watchlist');
      for (const name of ['partner-news', 'excerpts-daily', 'watchlist']) {
        expect((await cli('crawl', name)).stdout).toMatch(new RegExp(`${name}: completed`));
      }
      for (const path of Object.values(PATHS)) expect(web.requested, path).toContain(path);

      // Every match carries its decision: exactly these pages matched, nothing else.
      const matches = jsonLines(await cli('matches', 'list', '--json', '--limit', '1000'));
      const decided = Object.fromEntries(
        matches.map((m) => [new URL(String(m.pageUrl)).pathname, { articleId: m.articleId, kind: m.kind, decision: m.decision, reasons: m.reasons, consentId: m.consentId }]),
      );
      expect(decided).toEqual({
        [PATHS.ownerNato]: { articleId: ARTICLE.nato, kind: 'reproduction', decision: 'owner_site', reasons: [], consentId: null },
        [PATHS.ownerGlaciers]: { articleId: ARTICLE.glaciers, kind: 'reproduction', decision: 'owner_site', reasons: [], consentId: null },
        [PATHS.partnerCredited]: { articleId: ARTICLE.nato, kind: 'reproduction', decision: 'licensed', reasons: [], consentId: partnerConsent },
        [PATHS.partnerStripped]: { articleId: ARTICLE.nato, kind: 'reproduction', decision: 'licence_breach', reasons: ['credit_missing'], consentId: partnerConsent },
        [PATHS.excerptShort]: { articleId: ARTICLE.nato, kind: 'excerpt', decision: 'licensed', reasons: [], consentId: excerptConsent },
        [PATHS.excerptLong]: { articleId: ARTICLE.nato, kind: 'excerpt', decision: 'licence_breach', reasons: ['excerpt_over_limit'], consentId: excerptConsent },
        [PATHS.excerptFull]: {
          articleId: ARTICLE.nato,
          kind: 'reproduction',
          decision: 'licence_breach',
          reasons: ['excerpt_over_limit', 'reproduction_not_permitted'],
          consentId: excerptConsent,
        },
        [PATHS.pendingCopy]: { articleId: ARTICLE.strike, kind: 'reproduction', decision: 'unlicensed', reasons: [], consentId: null },
        [PATHS.pirateCopy]: { articleId: ARTICLE.nato, kind: 'reproduction', decision: 'unlicensed', reasons: [], consentId: null },
        [PATHS.quotingColumn]: { articleId: ARTICLE.nato, kind: 'quotation', decision: 'allowed_quotation', reasons: [], consentId: null },
      });
      expect(matches).toHaveLength(10);

      // Only unlicensed copies and licence breaches are reports, each new. Read through the real bin.
      const listReports = async () => {
        const result = await runCli(['reports', 'list', '--json'], { env });
        expect(result.code, result.stderr).toBe(0);
        return jsonLines(result);
      };
      const reports = await listReports();
      for (const r of reports) {
        for (const key of ['id', 'pageUrl', 'articleId', 'kind', 'coverage', 'decision', 'reasons', 'consentId', 'status', 'firstSeen', 'lastSeen']) expect(r, key).toHaveProperty(key);
      }
      const summarise = (rows: Json[]) =>
        Object.fromEntries(rows.map((r) => [new URL(String(r.pageUrl)).pathname, { articleId: r.articleId, decision: r.decision, reasons: r.reasons, consentId: r.consentId, status: r.status }]));
      const expectedReports = {
        [PATHS.partnerStripped]: { articleId: ARTICLE.nato, decision: 'licence_breach', reasons: ['credit_missing'], consentId: partnerConsent, status: 'new' },
        [PATHS.excerptLong]: { articleId: ARTICLE.nato, decision: 'licence_breach', reasons: ['excerpt_over_limit'], consentId: excerptConsent, status: 'new' },
        [PATHS.excerptFull]: { articleId: ARTICLE.nato, decision: 'licence_breach', reasons: ['excerpt_over_limit', 'reproduction_not_permitted'], consentId: excerptConsent, status: 'new' },
        [PATHS.pendingCopy]: { articleId: ARTICLE.strike, decision: 'unlicensed', reasons: [], consentId: null, status: 'new' },
        [PATHS.pirateCopy]: { articleId: ARTICLE.nato, decision: 'unlicensed', reasons: [], consentId: null, status: 'new' },
      };
      expect(summarise(reports)).toEqual(expectedReports);
      expect(reports).toHaveLength(5);

      // The pending copy's decision names the consent that would license it once approved.
      const pendingReport = reports.find((r) => String(r.pageUrl).endsWith(PATHS.pendingCopy))!;
      const shown = JSON.parse((await cli('reports', 'show', String(pendingReport.id), '--json')).stdout) as Json & {
        decisionDetail: { explanation: string[]; pending: { consentId: number; wouldLicense: boolean; broken: string[] }[] };
      };
      expect(shown.decisionDetail.pending).toEqual([expect.objectContaining({ consentId: pendingConsent, wouldLicense: true, broken: [] })]);
      expect(shown.decisionDetail.explanation.join('\n')).toMatch(new RegExp(`pending consent ${pendingConsent}\\b.*would license the copy once approved`));

      // Approving it licenses that copy; every other report stays as it was.
      const approved = JSON.parse((await cli('consents', 'approve', String(pendingConsent), '--json')).stdout) as { consent: Json; redecided: Json };
      expect(approved.consent).toMatchObject({ id: pendingConsent, status: 'active' });
      expect(approved.redecided).toMatchObject({ changed: 1, reportsCreated: 0, reportsChanged: 1 });
      const after = await listReports();
      expect(summarise(after)).toEqual({
        ...expectedReports,
        [PATHS.pendingCopy]: { articleId: ARTICLE.strike, decision: 'licensed', reasons: [], consentId: pendingConsent, status: 'licensed' },
      });
      expect(after).toHaveLength(5);
      expect(after.find((r) => r.id === pendingReport.id)).toMatchObject({ status: 'licensed', decision: 'licensed' });

      // Its history: created new by the crawl, then moved to licensed by the local user, naming the consent.
      const history = jsonLines(await cli('reports', 'history', String(pendingReport.id), '--json'));
      expect(history[0]).toMatchObject({ kind: 'created', toStatus: 'new' });
      const licensing = history.filter((e) => e.fromStatus === 'new' && e.toStatus === 'licensed');
      expect(licensing).toHaveLength(1);
      // One event: the decision changed to licensed, and with it the status.
      expect(licensing[0]).toMatchObject({ actor: 'local', kind: 'decision', detail: expect.objectContaining({ to: expect.objectContaining({ decision: 'licensed' }) }) });
      expect(String(licensing[0].note)).toMatch(new RegExp(`consent ${pendingConsent}\\b`));
      // The other reports were not touched by the approval.
      for (const r of after.filter((x) => x.id !== pendingReport.id)) {
        const events = jsonLines(await cli('reports', 'history', String(r.id), '--json'));
        expect(events.map((e) => e.kind), String(r.pageUrl)).toEqual(['created']);
      }
    },
    E2E_TIMEOUT_MS,
  );
});
