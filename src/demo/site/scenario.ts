import { CopyhoundError } from '../../errors.ts';
import { millisOfIso } from '../../time/parse-date.ts';
import { listDemoStories, readWireRepublication, STORY_IDS, type DemoStory } from './owned-stories.ts';
import type { ArticlePage, Outlet } from './page-layout.ts';

/**
 * What the sample web shows and what Copyhound should make of it: one page per case, each on an
 * outlet that plays one part (the publisher itself, licensees, a pirate, an independent report).
 * The seed reads the outlets' roles from here (owner site, licensee places); the demo's summary
 * and its tests read the expected outcome of each case.
 */

export const DEMO_OUTLETS = {
  owner: { slug: 'aa-demo', name: 'Copyhound demo publisher', tagline: 'Fictional stories written for the demo, and one real wire story' },
  creditedLicensee: { slug: 'marmara-daily', name: 'Marmara Daily', tagline: 'Istanbul, Izmir and the Aegean' },
  uncreditedLicensee: { slug: 'riverside-courier', name: 'Riverside Courier', tagline: 'Markets, farms and the weather' },
  pendingLicensee: { slug: 'harbour-review', name: 'Harbour Business Review', tagline: 'Ports, shipping and logistics' },
  pirate: { slug: 'newstime', name: 'Newstime News', tagline: 'All the news, all the time' },
  independent: { slug: 'civic-observer', name: 'The Civic Observer', tagline: 'Foreign affairs, reported' },
} satisfies Record<string, Outlet>;

export type OutletKey = keyof typeof DEMO_OUTLETS;
export type CaseKey = 'licensedCopy' | 'creditMissing' | 'unlicensedCopy' | 'partialCopy' | 'quotation' | 'ownerPage';

export interface ExpectedOutcome {
  kind: 'reproduction' | 'excerpt' | 'quotation';
  decision: 'owner_site' | 'allowed_quotation' | 'licensed' | 'licence_breach' | 'unlicensed';
  reasons: string[];
  /** Whether the match becomes an infringement report. */
  report: boolean;
}

export interface DemoCase {
  key: CaseKey;
  outlet: OutletKey;
  storyId: string;
  /** One line for the demo's printout: what the page is. */
  what: string;
  expected: ExpectedOutcome;
  page: ArticlePage;
}

/** The case whose report the pending consent would license once approved. */
export const PENDING_CONSENT_CASE: CaseKey = 'partialCopy';

// The Harbour Business Review's own words around the three paragraphs it lifted.
const HARBOUR_OPENING =
  'Ports around the eastern Mediterranean are competing harder than ever for the largest container ships, and the latest figures from Türkiye’s south coast show who is winning the race so far.';
const HARBOUR_CLOSING = [
  'For regional ports the lesson is plain: quay time sells. Limassol, Haifa and Alexandria have all announced crane orders of their own, and terminal operators expect the competition for weekly Asia–Europe services to sharpen next year.',
  'We will follow the construction of the rail link, and what it means for trucking firms in Çukurova, in our weekly logistics newsletter.',
];

// The Civic Observer's own report: its words, two short quotes of the NATO chief.
const OBSERVER_REPORT = [
  'Foreign ministers gathering in Munich this weekend face an awkward question: can a ceasefire in Syria be negotiated while the bombing that drove the opposition away from the table goes on?',
  'In Brussels on Friday, the head of the Western military alliance left little doubt where it stands. “The intense Russian airstrikes, mainly targeting opposition groups in Syria, is undermining the efforts to find a political solution to the conflict,” Jens Stoltenberg told journalists.',
  'He also pointed to the risk for the alliance itself, saying of the repeated incursions near the Turkish border that “it is also a violation of NATO airspace”.',
  'Russian officials reject the criticism and insist their aircraft strike only terrorist groups. Diplomats in Munich expect the Russian delegation to repeat that line, and few expect a breakthrough before the envoys return to Geneva.',
  'Aid agencies, meanwhile, say tens of thousands of people have fled towards the Turkish border in the past fortnight and that the camps on the Syrian side are already full.',
];

const HOUR_MS = 3_600_000;

function hoursAfter(story: DemoStory, hours: number): string {
  // publishedAt is the demo's own UTC ISO text; read by the project's one rule, never Date.parse.
  const published = millisOfIso(story.publishedAt);
  if (published === null) throw new CopyhoundError('demo_data_damaged', `demo story ${story.id}: publishedAt "${story.publishedAt}" is not an ISO date`);
  return new Date(published + hours * HOUR_MS).toISOString();
}

/** Drops a wire dateline ("IZMIR, Türkiye (DW) – "), as copiers do. */
function withoutDateline(paragraph: string): string {
  const stripped = paragraph.replace(/^[^–]{2,40}\((AA|DW)\) – /, '');
  if (stripped === paragraph) throw new CopyhoundError('demo_data_damaged', `demo scenario: no dateline to strip in "${paragraph.slice(0, 40)}…"`);
  return stripped.charAt(0).toUpperCase() + stripped.slice(1);
}

function pathOf(outlet: OutletKey, rest: string): string {
  return `/${DEMO_OUTLETS[outlet].slug}/${rest}`;
}

/** Every case of the demo with its page, dates relative to `now`; in the order the sitemap lists them. */
export function listDemoCases(now: Date): DemoCase[] {
  const stories = new Map(listDemoStories(now).map((s) => [s.id, s]));
  const story = (id: string) => stories.get(id)!;
  const wire = readWireRepublication();
  const ferry = story(STORY_IDS.ferry);
  const hazelnuts = story(STORY_IDS.hazelnuts);
  const port = story(STORY_IDS.port);
  const seagrass = story(STORY_IDS.seagrass);
  const o = DEMO_OUTLETS;
  const page = (outlet: OutletKey, rest: string, fields: Omit<ArticlePage, 'outlet' | 'path' | 'related'>): ArticlePage => ({ outlet: o[outlet], path: pathOf(outlet, rest), related: [], ...fields });

  return [
    {
      key: 'ownerPage',
      outlet: 'owner',
      storyId: seagrass.id,
      what: 'the publisher’s own page of its seagrass story (an owner site)',
      expected: { kind: 'reproduction', decision: 'owner_site', reasons: [], report: false },
      page: page('owner', 'en/environment/divers-map-shrinking-seagrass-meadows-off-aegean-coast/900104', { headline: seagrass.title, author: seagrass.credit, publishedAt: seagrass.publishedAt, paragraphs: seagrass.paragraphs }),
    },
    {
      key: 'licensedCopy',
      outlet: 'creditedLicensee',
      storyId: ferry.id,
      what: 'Marmara Daily’s full copy of the ferry story, credit line shown as its licence requires',
      expected: { kind: 'reproduction', decision: 'licensed', reasons: [], report: false },
      page: page('creditedLicensee', 'izmir/electric-ferry-yakamoz-makes-first-crossing', {
        headline: 'Electric ferry Yakamoz makes its first crossing of Izmir Bay',
        author: 'Marmara Daily city desk',
        publishedAt: hoursAfter(ferry, 2),
        paragraphs: ferry.paragraphs,
        sourceLine: `Source: ${ferry.credit}`,
      }),
    },
    {
      key: 'creditMissing',
      outlet: 'uncreditedLicensee',
      storyId: hazelnuts.id,
      what: 'Riverside Courier’s full copy of the hazelnut story without the credit line its licence requires',
      expected: { kind: 'reproduction', decision: 'licence_breach', reasons: ['credit_missing'], report: true },
      page: page('uncreditedLicensee', 'farming/hazelnut-growers-see-bumper-crop', {
        headline: 'Hazelnut growers see bumper crop after kind spring',
        author: 'Courier staff',
        publishedAt: hoursAfter(hazelnuts, 5),
        paragraphs: [withoutDateline(hazelnuts.paragraphs[0]), ...hazelnuts.paragraphs.slice(1)],
      }),
    },
    {
      key: 'unlicensedCopy',
      outlet: 'pirate',
      storyId: STORY_IDS.wire,
      what: 'Newstime News’ full copy of the Anadolu wire story under its own copyright footer, no licence',
      expected: { kind: 'reproduction', decision: 'unlicensed', reasons: [], report: true },
      page: page('pirate', '2016/02/12/russian-airstrikes-undermining-syria-peace-talks/', {
        headline: wire.headline,
        author: 'Newstime News',
        publishedAt: '2016-02-12T14:02:37.000Z',
        caption: wire.caption,
        paragraphs: wire.paragraphs,
        notice: wire.footer,
      }),
    },
    {
      key: 'partialCopy',
      outlet: 'pendingLicensee',
      storyId: port.id,
      what: 'Harbour Business Review’s article lifting three paragraphs of the Mersin port story; its licence request is still pending',
      expected: { kind: 'excerpt', decision: 'unlicensed', reasons: [], report: true },
      page: page('pendingLicensee', 'shipping/eastern-mediterranean-ports-race-for-bigger-ships', {
        headline: 'Eastern Mediterranean ports race for the biggest ships',
        author: 'Harbour Business Review staff',
        publishedAt: hoursAfter(port, 20),
        paragraphs: [HARBOUR_OPENING, withoutDateline(port.paragraphs[0]), port.paragraphs[1], port.paragraphs[2], ...HARBOUR_CLOSING],
      }),
    },
    {
      key: 'quotation',
      outlet: 'independent',
      storyId: STORY_IDS.wire,
      what: 'The Civic Observer’s own report quoting the NATO chief in quotation marks',
      expected: { kind: 'quotation', decision: 'allowed_quotation', reasons: [], report: false },
      page: page('independent', 'world/ministers-weigh-syria-ceasefire-as-nato-warns-moscow', {
        headline: 'Ministers weigh Syria ceasefire as NATO warns Moscow',
        author: 'Lena Hartmann',
        publishedAt: '2016-02-13T08:30:00.000Z',
        paragraphs: OBSERVER_REPORT,
      }),
    },
  ];
}
