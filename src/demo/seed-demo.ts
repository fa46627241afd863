import { randomBytes } from 'node:crypto';
import type { SourceRow } from '../../db/schema/sources.ts';
import { addSource } from '../../crawlers/sources-service.ts';
import { addUser } from '../accounts.ts';
import type { App } from '../app.ts';
import { saveArticles } from '../articles/article-registry.ts';
import type { Role } from '../auth/roles.ts';
import { addConsent } from '../consent-admin.ts';
import { CopyhoundError } from '../errors.ts';
import { addLicensee, addOwnerSite, type RightsDeps } from '../rights-admin.ts';
import { parseConsentRequest } from '../rights/consent-input.ts';
import type { Consent } from '../rights/types.ts';
import { listDemoStories, startOfUtcDay } from './site/owned-stories.ts';
import { outletRoot } from './site/page-layout.ts';
import { DEMO_OUTLETS, type OutletKey } from './site/scenario.ts';
import type { SampleSite } from './site/sample-site.ts';

/**
 * Everything the demo registers before its crawl, through the same modules the CLI and the API
 * use: owned articles (registry), owner sites, licensees and their consents, one user per role
 * with a generated password, and the crawl source that reads the sample web's sitemap.
 */

// The demo is set up by the person at the machine, as the CLI's commands are.
const DEMO_ACTOR = 'local';
export const DEMO_SOURCE_NAME = 'sample-web';
// The owned articles' own domain: an owner site too, as a publisher would register it.
const OWNER_DOMAIN_PLACE = '*.aa-demo.example';
// 16 characters of base64url: 96 random bits, well past the 12-character minimum.
const PASSWORD_BYTES = 12;
const DAY_MS = 86_400_000;
// Licences that began a quarter ago and run for a year: "licensed until …" reads naturally.
const LICENCE_STARTED_DAYS_AGO = 90;
const LICENCE_RUNS_DAYS = 365;
// The pending request covers excerpts of this many words: the three lifted paragraphs (~115) fit.
const PENDING_EXCERPT_MAX_WORDS = 200;

export interface DemoLogin {
  role: Role;
  email: string;
  password: string;
  /** The organisation a licensee login acts for. */
  licensee?: string;
}

export interface DemoSeed {
  logins: DemoLogin[];
  consents: { credited: Consent; uncredited: Consent; pending: Consent };
  ownerSites: string[];
  source: SourceRow;
}

function placeOf(site: SampleSite, outlet: OutletKey): string {
  return `${site.url}${outletRoot(DEMO_OUTLETS[outlet])}`;
}

async function registerStories(app: App, now: Date): Promise<void> {
  const records = listDemoStories(now).map(({ paragraphs, ...story }, ref) => ({ ref, value: { ...story, body: paragraphs.join('\n\n'), language: 'en' } }));
  const result = await saveArticles(app.registry, records);
  if (result.rejected > 0) throw new CopyhoundError('demo_seed_failed', `The demo's owned articles were rejected: ${JSON.stringify(result.rejectedRecords)}`, { rejected: result.rejectedRecords });
}

async function registerRights(app: App, site: SampleSite, now: Date): Promise<{ ownerSites: string[]; consents: DemoSeed['consents'] }> {
  const deps: RightsDeps = { db: app.database.db, config: app.config.rights };
  const ownerSites: string[] = [];
  for (const place of [placeOf(site, 'owner'), OWNER_DOMAIN_PLACE]) ownerSites.push((await addOwnerSite(deps, place, DEMO_ACTOR)).site.place);
  const day = startOfUtcDay(now);
  const validFrom = new Date(day - LICENCE_STARTED_DAYS_AGO * DAY_MS).toISOString();
  const validUntil = new Date(day + LICENCE_RUNS_DAYS * DAY_MS).toISOString();
  const licensee = async (outlet: OutletKey, contact: string, notes: string) => {
    await addLicensee(deps, { name: DEMO_OUTLETS[outlet].name, places: [placeOf(site, outlet)], contacts: [contact], notes }, DEMO_ACTOR);
  };
  await licensee('creditedLicensee', 'syndication@marmara-daily.example', 'Regional daily; full republication with credit.');
  await licensee('uncreditedLicensee', 'editor@riverside-courier.example', 'Business weekly; full republication with credit.');
  await licensee('pendingLicensee', 'desk@harbour-review.example', 'Asked for an excerpt licence after quoting our port coverage.');
  const consent = async (outlet: OutletKey, terms: Record<string, unknown>) =>
    (await addConsent(deps, parseConsentRequest({ licensee: DEMO_OUTLETS[outlet].name, places: [placeOf(site, outlet)], ...terms }), DEMO_ACTOR)).consent;
  return {
    ownerSites,
    consents: {
      credited: await consent('creditedLicensee', { use: 'full', duties: ['credit'], validFrom, validUntil, contractRef: 'DEMO-SYN-001' }),
      uncredited: await consent('uncreditedLicensee', { use: 'full', duties: ['credit'], validFrom, validUntil, contractRef: 'DEMO-SYN-002' }),
      pending: await consent('pendingLicensee', { use: 'excerpt', maxWords: PENDING_EXCERPT_MAX_WORDS, validFrom, validUntil, status: 'pending' }),
    },
  };
}

function generatePassword(): string {
  return randomBytes(PASSWORD_BYTES).toString('base64url');
}

async function registerUsers(app: App): Promise<DemoLogin[]> {
  const wanted: Omit<DemoLogin, 'password'>[] = [
    { role: 'admin', email: 'admin@aa-demo.example' },
    { role: 'rights_manager', email: 'rights@aa-demo.example' },
    { role: 'legal', email: 'legal@aa-demo.example' },
    { role: 'licensee', email: 'desk@harbour-review.example', licensee: DEMO_OUTLETS.pendingLicensee.name },
  ];
  // Hashing is deliberately slow (argon2id); the four run side by side.
  return Promise.all(
    wanted.map(async (w) => {
      const password = generatePassword();
      await addUser({ db: app.database.db }, { email: w.email, role: w.role, licensee: w.licensee ?? null, password }, DEMO_ACTOR);
      return { ...w, password };
    }),
  );
}

/** Registers the demo's whole starting state in a fresh database; dates relative to `now`. */
export async function seedDemo(app: App, site: SampleSite, now: Date): Promise<DemoSeed> {
  await registerStories(app, now);
  const { ownerSites, consents } = await registerRights(app, site, now);
  const logins = await registerUsers(app);
  const source = await addSource(app, { type: 'sitemap', url: site.sitemapUrl, name: DEMO_SOURCE_NAME });
  return { logins, consents, ownerSites, source };
}
