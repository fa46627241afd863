import { readFileSync } from 'node:fs';
import { CopyhoundError } from '../../errors.ts';

/**
 * The demo publisher's owned articles: a real Anadolu Agency wire story (as a news site
 * republished it, data/republished-wire-story.txt) and four short stories written for the demo.
 * The four are invented: their people, figures and events are made up, only the places are real.
 */

export const DEMO_PUBLISHER = 'Copyhound demo publisher';
/** The wire story's own credit line: a licensee must show it. */
export const DEMO_CREDIT = 'Anadolu Agency';
/**
 * The credit line of the four invented stories: a made-up agency, so that no invented text is
 * attributed to a real one.
 */
export const WRITTEN_CREDIT = 'Demo Wire';
const OWNER_ORIGIN = 'https://www.aa-demo.example';

export interface DemoStory {
  id: string;
  url: string;
  title: string;
  section: string;
  tags: string[];
  author: string;
  credit: string;
  publishedAt: string;
  paragraphs: string[];
}

interface StoryText {
  id: string;
  path: string;
  title: string;
  section: string;
  tags: string[];
  /** Days before the demo's day, so the demo's reports look recent whenever it runs. */
  daysAgo: number;
  /** UTC hour of publication that day. */
  hour: number;
  paragraphs: string[];
}

const WRITTEN_STORIES: StoryText[] = [
  {
    id: 'aa-demo-izmir-electric-ferry',
    path: '/en/turkiye/izmir-launches-first-all-electric-ferry-across-the-bay/900101',
    title: 'Izmir launches first all-electric ferry across the bay',
    section: 'turkiye',
    tags: ['transport', 'energy'],
    daysAgo: 3,
    hour: 7,
    paragraphs: [
      'IZMIR, Türkiye (DW) – The first fully electric passenger ferry on Izmir Bay made its maiden crossing on Tuesday morning, carrying 240 commuters from Karşıyaka to Konak in just under twenty minutes without burning a drop of diesel.',
      'The 45-metre vessel, named Yakamoz, was built at a shipyard in Tuzla and runs on two battery banks that are recharged at the piers during the few minutes passengers take to board and disembark, according to the city’s ferry operator.',
      '“People have been asking for years why the bay smells of exhaust every morning,” said Captain Murat Yıldız, who has steered commuter boats across the bay for more than two decades. “This morning the only sound on deck was the water.”',
      'City officials said the new ferry would save roughly 600 tonnes of fuel a year compared with the diesel boat it replaces, and that two more electric vessels were on order for delivery next spring. The operator plans to retire its oldest diesel ferries as the new boats arrive.',
      'The charging stations at Karşıyaka and Konak draw power from the city grid at night and from a bank of stored energy during the day, so that the ferries can top up in about seven minutes without straining the local network.',
      'Fares remain unchanged, and the electric ferry runs on the existing timetable, with departures every forty minutes during rush hours.',
      'Commuters who took the first crossing were mostly enthusiastic. Retired teacher Nuran Aksoy, who has taken the ferry to the city centre almost every day for thirty years, said the ride was smoother and quieter than she had expected. “I could finally hear the seagulls,” she said.',
      'Maritime engineers have pointed out that Izmir Bay is well suited to battery-powered boats because the crossings are short and the piers are close together, unlike longer routes on the Sea of Marmara where diesel-electric hybrids are still more common.',
      'The operator said it would publish the ferry’s energy use every month so that residents could follow whether the savings match the estimates.',
    ],
  },
  {
    id: 'aa-demo-hazelnut-harvest',
    path: '/en/economy/black-sea-hazelnut-growers-expect-bigger-harvest/900102',
    title: 'Black Sea hazelnut growers expect bigger harvest after mild spring',
    section: 'economy',
    tags: ['agriculture', 'commodities'],
    daysAgo: 2,
    hour: 9,
    paragraphs: [
      'GIRESUN, Türkiye (DW) – Hazelnut growers along Türkiye’s eastern Black Sea coast expect a markedly larger harvest this year after a mild spring spared the orchards the late frosts that ruined much of last season’s crop, producers and traders said on Monday.',
      'Early estimates from growers’ cooperatives in Giresun, Ordu and Trabzon put the coming harvest at around 700,000 tonnes in shell, compared with roughly 550,000 tonnes last year, when a cold snap in April killed many of the young clusters.',
      '“The trees flowered well and the nuts set evenly on the branches,” said Hasan Çelik, who farms four hectares of steep hillside orchards above the town of Tirebolu. “If the weather holds in August, this will be the best year my family has had in a long time.”',
      'Türkiye supplies around two thirds of the world’s hazelnuts, most of them sold to confectionery makers in Europe, and the size of the Black Sea harvest sets the tone for prices across the global market.',
      'Traders in Giresun said buyers were already asking about delivery dates, but warned that a larger crop could push down the price farmers receive at the start of the season. Many small growers depend on the harvest for most of their annual income and sell quickly to pay for labour.',
      'Picking usually begins in the middle of August and lasts about a month. Much of it is still done by hand on slopes too steep for machines, and seasonal workers arrive from other provinces to help with the work.',
      'Agricultural engineers in the region have encouraged growers to prune older trees and to plant new varieties that tolerate cold better, after several years in which frost, hail and drought cut yields sharply.',
      'Cooperative officials said they would publish a revised estimate at the end of July, once they have surveyed orchards at higher altitudes where the nuts ripen later.',
    ],
  },
  {
    id: 'aa-demo-mersin-port-record',
    path: '/en/economy/mersin-port-handles-record-container-volumes/900103',
    title: 'Mersin port handles record container volumes in first half',
    section: 'economy',
    tags: ['shipping', 'trade'],
    daysAgo: 2,
    hour: 13,
    paragraphs: [
      'MERSIN, Türkiye (DW) – The port of Mersin on Türkiye’s Mediterranean coast handled a record 1.2 million containers in the first six months of the year, its operator said on Thursday, as shipping lines diverted more cargo to the eastern Mediterranean.',
      'The figure, measured in twenty-foot equivalent units, is about 11 percent higher than in the same period last year, driven mainly by exports of machinery, textiles and fresh fruit to Europe and the Middle East.',
      'Port manager Selin Arslan told reporters that new cranes installed at the east quay last autumn had allowed the terminal to load and unload the largest container ships now calling at the port in about a day less than before.',
      '“Shipping lines measure everything in hours at the quay,” she said. “When a ship of fourteen thousand boxes can leave a day earlier, the whole schedule behind it improves, and that is what has brought new services here.”',
      'Exporters in the region welcomed the figures but said congestion on the roads leading to the port remained a problem during the citrus season, when hundreds of refrigerated trucks queue at the gates every evening.',
      'The operator said a rail link connecting the container yard directly to the national freight network was due to open next year and would take about a fifth of the truck traffic off the roads around the city.',
      'Analysts expect volumes to keep rising in the second half, although slower growth in European consumer demand could weigh on the autumn peak season.',
      'Mersin is one of the busiest container ports in the eastern Mediterranean and serves as a gateway for trade with Iraq and other neighbouring countries, with goods carried onward by road from the terminal.',
    ],
  },
  {
    id: 'aa-demo-aegean-seagrass-map',
    path: '/en/environment/divers-map-shrinking-seagrass-meadows-off-aegean-coast/900104',
    title: 'Divers map shrinking seagrass meadows off Aegean coast',
    section: 'environment',
    tags: ['science', 'sea'],
    daysAgo: 1,
    hour: 8,
    paragraphs: [
      'BODRUM, Türkiye (DW) – Marine scientists have completed the most detailed map yet of seagrass meadows along the Aegean coast between Bodrum and Datça, finding that the underwater plants have retreated from several bays where boats anchor most heavily in summer.',
      'The survey, carried out over two seasons by a team of divers and researchers with an underwater drone, recorded about 140 square kilometres of Posidonia oceanica, a slow-growing seagrass found only in the Mediterranean that shelters young fish and stores large amounts of carbon in its roots.',
      '“A meadow that took a thousand years to grow can be torn up by a single anchor chain in an afternoon,” said marine biologist Deniz Öztürk, who led the diving team. “In the most popular bays we found long bare scars exactly where yachts drop anchor.”',
      'The researchers compared their results with aerial photographs taken fifteen years ago and estimated that meadows in six of the busiest bays had shrunk by between a tenth and a third, while those in remote stretches of coast were largely intact.',
      'They recommend installing fixed mooring buoys in the most visited bays so that boats can tie up without dropping anchor, a measure already used in parts of Croatia, France and Spain. Local authorities have said they will study the proposal before next summer.',
      'Fishermen in the area said they had noticed fewer young fish near the shore in recent years and welcomed the attention to the problem.',
      'The full map will be published online so that skippers can see where the meadows lie before choosing where to anchor.',
    ],
  },
];

/** The republished wire story as one site printed it: headline, photo caption, body, its own footer. */
export interface WireRepublication {
  headline: string;
  caption: string;
  paragraphs: string[];
  footer: string;
}

const WIRE_FILE = new URL('./data/republished-wire-story.txt', import.meta.url);

/** Splits the republished page text into its parts; throws when the file no longer has them. */
export function readWireRepublication(): WireRepublication {
  const blocks = readFileSync(WIRE_FILE, 'utf8')
    .split(/\n\s*\n/)
    .map((b) => b.trim())
    .filter((b) => b !== '');
  const [head, ...rest] = blocks;
  const footer = rest.pop();
  const [headline, caption] = head.split('\n').map((l) => l.trim());
  if (!footer?.startsWith('©') || !caption || !rest[0]?.startsWith('BRUSSELS (AA)')) {
    throw new CopyhoundError('demo_data_damaged', `${WIRE_FILE.pathname}: expected a headline and caption, the story from its dateline, and a © footer`, { file: WIRE_FILE.pathname });
  }
  return { headline, caption, paragraphs: rest, footer };
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Midnight UTC of `now`'s day: the anchor of every relative date in the demo. */
export function startOfUtcDay(now: Date): number {
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
}

/** Every owned article of the demo, with dates relative to `now` (the wire story keeps its own). */
export function listDemoStories(now: Date): DemoStory[] {
  const day = startOfUtcDay(now);
  const wire: DemoStory = {
    id: 'aa-nato-russian-airstrikes-syria',
    url: `${OWNER_ORIGIN}/en/world/nato-russian-airstrikes-undermining-syria-peace-talks/527901`,
    title: 'NATO: Russian airstrikes undermining Syria peace talks',
    section: 'world',
    tags: ['nato', 'syria', 'russia'],
    author: DEMO_CREDIT,
    credit: DEMO_CREDIT,
    publishedAt: '2016-02-12T09:41:00.000Z',
    paragraphs: readWireRepublication().paragraphs,
  };
  const written = WRITTEN_STORIES.map((s) => ({
    id: s.id,
    url: `${OWNER_ORIGIN}${s.path}`,
    title: s.title,
    section: s.section,
    tags: s.tags,
    author: WRITTEN_CREDIT,
    credit: WRITTEN_CREDIT,
    publishedAt: new Date(day - s.daysAgo * DAY_MS + s.hour * HOUR_MS).toISOString(),
    paragraphs: s.paragraphs,
  }));
  return [wire, ...written];
}

export const STORY_IDS = {
  wire: 'aa-nato-russian-airstrikes-syria',
  ferry: 'aa-demo-izmir-electric-ferry',
  hazelnuts: 'aa-demo-hazelnut-harvest',
  port: 'aa-demo-mersin-port-record',
  seagrass: 'aa-demo-aegean-seagrass-map',
} as const;
