import { describe, expectTypeOf, it } from 'vitest';
import * as sqliteAlerts from '../../db/schema/alerts.ts';
import * as sqliteArticles from '../../db/schema/articles.ts';
import * as sqliteAuth from '../../db/schema/auth.ts';
import * as sqliteCaptures from '../../db/schema/captures.ts';
import * as sqliteCrawl from '../../db/schema/crawl.ts';
import * as sqliteCustody from '../../db/schema/custody.ts';
import * as sqliteMatches from '../../db/schema/matches.ts';
import * as sqliteReports from '../../db/schema/reports.ts';
import * as sqliteRights from '../../db/schema/rights.ts';
import * as sqliteSources from '../../db/schema/sources.ts';
import * as pgAlerts from '../../db/schema-pg/alerts.ts';
import * as pgArticles from '../../db/schema-pg/articles.ts';
import * as pgAuth from '../../db/schema-pg/auth.ts';
import * as pgCaptures from '../../db/schema-pg/captures.ts';
import * as pgCrawl from '../../db/schema-pg/crawl.ts';
import * as pgCustody from '../../db/schema-pg/custody.ts';
import * as pgMatches from '../../db/schema-pg/matches.ts';
import * as pgReports from '../../db/schema-pg/reports.ts';
import * as pgRights from '../../db/schema-pg/rights.ts';
import * as pgSources from '../../db/schema-pg/sources.ts';

/**
 * The row types of every PostgreSQL table equal its SQLite twin's, so one set of query modules
 * serves both dialects. These are compile-time checks: `npx tsc --noEmit` (and vitest's
 * typecheck) fails on any drift; at run time the test only proves the file loads.
 */

type Tables<M> = { [K in keyof M as M[K] extends { $inferSelect: unknown; $inferInsert: unknown } ? K : never]: M[K] };
type Row<T> = T extends { $inferSelect: infer S } ? S : never;
type NewRow<T> = T extends { $inferInsert: infer I } ? I : never;

describe('PostgreSQL row types equal SQLite row types', () => {
  it('has the same tables in every schema file', () => {
    expectTypeOf<keyof Tables<typeof pgAlerts>>().toEqualTypeOf<keyof Tables<typeof sqliteAlerts>>();
    expectTypeOf<keyof Tables<typeof pgArticles>>().toEqualTypeOf<keyof Tables<typeof sqliteArticles>>();
    expectTypeOf<keyof Tables<typeof pgAuth>>().toEqualTypeOf<keyof Tables<typeof sqliteAuth>>();
    expectTypeOf<keyof Tables<typeof pgCaptures>>().toEqualTypeOf<keyof Tables<typeof sqliteCaptures>>();
    expectTypeOf<keyof Tables<typeof pgCrawl>>().toEqualTypeOf<keyof Tables<typeof sqliteCrawl>>();
    expectTypeOf<keyof Tables<typeof pgCustody>>().toEqualTypeOf<keyof Tables<typeof sqliteCustody>>();
    expectTypeOf<keyof Tables<typeof pgMatches>>().toEqualTypeOf<keyof Tables<typeof sqliteMatches>>();
    expectTypeOf<keyof Tables<typeof pgReports>>().toEqualTypeOf<keyof Tables<typeof sqliteReports>>();
    expectTypeOf<keyof Tables<typeof pgRights>>().toEqualTypeOf<keyof Tables<typeof sqliteRights>>();
    expectTypeOf<keyof Tables<typeof pgSources>>().toEqualTypeOf<keyof Tables<typeof sqliteSources>>();
  });

  it('alerts.ts', () => {
    expectTypeOf<Row<typeof pgAlerts.alertTargets>>().toEqualTypeOf<Row<typeof sqliteAlerts.alertTargets>>();
    expectTypeOf<NewRow<typeof pgAlerts.alertTargets>>().toEqualTypeOf<NewRow<typeof sqliteAlerts.alertTargets>>();
    expectTypeOf<Row<typeof pgAlerts.alertDeliveries>>().toEqualTypeOf<Row<typeof sqliteAlerts.alertDeliveries>>();
    expectTypeOf<NewRow<typeof pgAlerts.alertDeliveries>>().toEqualTypeOf<NewRow<typeof sqliteAlerts.alertDeliveries>>();
    expectTypeOf<Row<typeof pgAlerts.alertPreferences>>().toEqualTypeOf<Row<typeof sqliteAlerts.alertPreferences>>();
    expectTypeOf<NewRow<typeof pgAlerts.alertPreferences>>().toEqualTypeOf<NewRow<typeof sqliteAlerts.alertPreferences>>();
    expectTypeOf<Row<typeof pgAlerts.alertState>>().toEqualTypeOf<Row<typeof sqliteAlerts.alertState>>();
    expectTypeOf<NewRow<typeof pgAlerts.alertState>>().toEqualTypeOf<NewRow<typeof sqliteAlerts.alertState>>();
  });

  it('articles.ts', () => {
    expectTypeOf<Row<typeof pgArticles.articles>>().toEqualTypeOf<Row<typeof sqliteArticles.articles>>();
    expectTypeOf<NewRow<typeof pgArticles.articles>>().toEqualTypeOf<NewRow<typeof sqliteArticles.articles>>();
    expectTypeOf<Row<typeof pgArticles.articleFingerprints>>().toEqualTypeOf<Row<typeof sqliteArticles.articleFingerprints>>();
    expectTypeOf<NewRow<typeof pgArticles.articleFingerprints>>().toEqualTypeOf<NewRow<typeof sqliteArticles.articleFingerprints>>();
  });

  it('auth.ts', () => {
    expectTypeOf<Row<typeof pgAuth.users>>().toEqualTypeOf<Row<typeof sqliteAuth.users>>();
    expectTypeOf<NewRow<typeof pgAuth.users>>().toEqualTypeOf<NewRow<typeof sqliteAuth.users>>();
    expectTypeOf<Row<typeof pgAuth.sessions>>().toEqualTypeOf<Row<typeof sqliteAuth.sessions>>();
    expectTypeOf<NewRow<typeof pgAuth.sessions>>().toEqualTypeOf<NewRow<typeof sqliteAuth.sessions>>();
    expectTypeOf<Row<typeof pgAuth.apiKeys>>().toEqualTypeOf<Row<typeof sqliteAuth.apiKeys>>();
    expectTypeOf<NewRow<typeof pgAuth.apiKeys>>().toEqualTypeOf<NewRow<typeof sqliteAuth.apiKeys>>();
    expectTypeOf<Row<typeof pgAuth.serverSecrets>>().toEqualTypeOf<Row<typeof sqliteAuth.serverSecrets>>();
    expectTypeOf<NewRow<typeof pgAuth.serverSecrets>>().toEqualTypeOf<NewRow<typeof sqliteAuth.serverSecrets>>();
  });

  it('captures.ts', () => {
    expectTypeOf<Row<typeof pgCaptures.captureBodies>>().toEqualTypeOf<Row<typeof sqliteCaptures.captureBodies>>();
    expectTypeOf<NewRow<typeof pgCaptures.captureBodies>>().toEqualTypeOf<NewRow<typeof sqliteCaptures.captureBodies>>();
    expectTypeOf<Row<typeof pgCaptures.captures>>().toEqualTypeOf<Row<typeof sqliteCaptures.captures>>();
    expectTypeOf<NewRow<typeof pgCaptures.captures>>().toEqualTypeOf<NewRow<typeof sqliteCaptures.captures>>();
  });

  it('crawl.ts', () => {
    expectTypeOf<Row<typeof pgCrawl.crawlRuns>>().toEqualTypeOf<Row<typeof sqliteCrawl.crawlRuns>>();
    expectTypeOf<NewRow<typeof pgCrawl.crawlRuns>>().toEqualTypeOf<NewRow<typeof sqliteCrawl.crawlRuns>>();
    expectTypeOf<Row<typeof pgCrawl.crawlUrls>>().toEqualTypeOf<Row<typeof sqliteCrawl.crawlUrls>>();
    expectTypeOf<NewRow<typeof pgCrawl.crawlUrls>>().toEqualTypeOf<NewRow<typeof sqliteCrawl.crawlUrls>>();
    expectTypeOf<Row<typeof pgCrawl.crawlFrontier>>().toEqualTypeOf<Row<typeof sqliteCrawl.crawlFrontier>>();
    expectTypeOf<NewRow<typeof pgCrawl.crawlFrontier>>().toEqualTypeOf<NewRow<typeof sqliteCrawl.crawlFrontier>>();
  });

  it('custody.ts', () => {
    expectTypeOf<Row<typeof pgCustody.custodyEntries>>().toEqualTypeOf<Row<typeof sqliteCustody.custodyEntries>>();
    expectTypeOf<NewRow<typeof pgCustody.custodyEntries>>().toEqualTypeOf<NewRow<typeof sqliteCustody.custodyEntries>>();
    expectTypeOf<Row<typeof pgCustody.custodyTiles>>().toEqualTypeOf<Row<typeof sqliteCustody.custodyTiles>>();
    expectTypeOf<NewRow<typeof pgCustody.custodyTiles>>().toEqualTypeOf<NewRow<typeof sqliteCustody.custodyTiles>>();
    expectTypeOf<Row<typeof pgCustody.treeHeads>>().toEqualTypeOf<Row<typeof sqliteCustody.treeHeads>>();
    expectTypeOf<NewRow<typeof pgCustody.treeHeads>>().toEqualTypeOf<NewRow<typeof sqliteCustody.treeHeads>>();
    expectTypeOf<Row<typeof pgCustody.captureRenders>>().toEqualTypeOf<Row<typeof sqliteCustody.captureRenders>>();
    expectTypeOf<NewRow<typeof pgCustody.captureRenders>>().toEqualTypeOf<NewRow<typeof sqliteCustody.captureRenders>>();
  });

  it('matches.ts', () => {
    expectTypeOf<Row<typeof pgMatches.pages>>().toEqualTypeOf<Row<typeof sqliteMatches.pages>>();
    expectTypeOf<NewRow<typeof pgMatches.pages>>().toEqualTypeOf<NewRow<typeof sqliteMatches.pages>>();
    expectTypeOf<Row<typeof pgMatches.matches>>().toEqualTypeOf<Row<typeof sqliteMatches.matches>>();
    expectTypeOf<NewRow<typeof pgMatches.matches>>().toEqualTypeOf<NewRow<typeof sqliteMatches.matches>>();
    expectTypeOf<Row<typeof pgMatches.rechecks>>().toEqualTypeOf<Row<typeof sqliteMatches.rechecks>>();
    expectTypeOf<NewRow<typeof pgMatches.rechecks>>().toEqualTypeOf<NewRow<typeof sqliteMatches.rechecks>>();
    expectTypeOf<Row<typeof pgMatches.matchDecisions>>().toEqualTypeOf<Row<typeof sqliteMatches.matchDecisions>>();
    expectTypeOf<NewRow<typeof pgMatches.matchDecisions>>().toEqualTypeOf<NewRow<typeof sqliteMatches.matchDecisions>>();
  });

  it('reports.ts', () => {
    expectTypeOf<Row<typeof pgReports.reports>>().toEqualTypeOf<Row<typeof sqliteReports.reports>>();
    expectTypeOf<NewRow<typeof pgReports.reports>>().toEqualTypeOf<NewRow<typeof sqliteReports.reports>>();
    expectTypeOf<Row<typeof pgReports.reportEvents>>().toEqualTypeOf<Row<typeof sqliteReports.reportEvents>>();
    expectTypeOf<NewRow<typeof pgReports.reportEvents>>().toEqualTypeOf<NewRow<typeof sqliteReports.reportEvents>>();
    expectTypeOf<Row<typeof pgReports.reportCaptures>>().toEqualTypeOf<Row<typeof sqliteReports.reportCaptures>>();
    expectTypeOf<NewRow<typeof pgReports.reportCaptures>>().toEqualTypeOf<NewRow<typeof sqliteReports.reportCaptures>>();
  });

  it('rights.ts', () => {
    expectTypeOf<Row<typeof pgRights.ownerSites>>().toEqualTypeOf<Row<typeof sqliteRights.ownerSites>>();
    expectTypeOf<NewRow<typeof pgRights.ownerSites>>().toEqualTypeOf<NewRow<typeof sqliteRights.ownerSites>>();
    expectTypeOf<Row<typeof pgRights.licensees>>().toEqualTypeOf<Row<typeof sqliteRights.licensees>>();
    expectTypeOf<NewRow<typeof pgRights.licensees>>().toEqualTypeOf<NewRow<typeof sqliteRights.licensees>>();
    expectTypeOf<Row<typeof pgRights.consents>>().toEqualTypeOf<Row<typeof sqliteRights.consents>>();
    expectTypeOf<NewRow<typeof pgRights.consents>>().toEqualTypeOf<NewRow<typeof sqliteRights.consents>>();
  });

  it('sources.ts', () => {
    expectTypeOf<Row<typeof pgSources.sources>>().toEqualTypeOf<Row<typeof sqliteSources.sources>>();
    expectTypeOf<NewRow<typeof pgSources.sources>>().toEqualTypeOf<NewRow<typeof sqliteSources.sources>>();
  });
});
