import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { fingerprintText } from '../../src/fingerprint/index.ts';
import { CandidateIndex, matchText, type OwnedText } from '../../src/match/index.ts';

const config = loadConfig().match;

// A 38-word, two-sentence brief and a longer report with a spokesperson's quote.
const BRIEF =
  'The city council approved a new cycling plan on Tuesday that adds forty kilometres of protected lanes by 2028. ' +
  'Mayor Anna Berg said the first routes would open next spring along the river and the northern ring road.';
const QUOTE =
  'We are not going to let a handful of speculators decide how many young families can afford to live in the centre of this city';
const REPORT = [
  'Rents in the old town rose by eleven percent last year, the statistics office reported on Monday, the fastest increase since records began in 1994.',
  `Housing minister Clara Vogt announced a register of short-term lets and a cap on new permits. “${QUOTE},” she told reporters at the ministry.`,
  'Landlord associations criticised the plan as rushed and said the register would drive owners out of the market rather than lower prices for tenants.',
  'Tenant groups welcomed the cap but asked for rent controls on existing contracts, which the coalition agreement rules out until the next election.',
].join('\n\n');

const articles: OwnedText[] = [
  { key: 1, id: 'brief', title: 'Council backs cycling plan', body: BRIEF },
  { key: 2, id: 'report', title: 'Rents in the old town rise fastest in thirty years', body: REPORT },
];
const index = new CandidateIndex(config);
for (const a of articles) index.add(a.key, fingerprintText(a.body, config));
const byKey = new Map(articles.map((a) => [a.key, a]));
const deps = { index, config, loadArticles: (keys: number[]) => keys.map((k) => byKey.get(k)!) };

const OWN_REPORT =
  'Residents of the harbour district met on Wednesday evening to discuss the future of the old ferry terminal, which has stood empty since the operator moved its service to the new port. ' +
  'Several speakers proposed a market hall, others a school, and the district chair promised a public consultation before the summer break.';
const page = (...parts: string[]) => ['Home News Sport Weather Subscribe', ...parts, '© 2026 Harbour Daily. All rights reserved.'].join('\n\n');
const kindsOf = (text: string) => matchText(text, deps).map((m) => [m.articleId, m.kind, m.rule.name]);

describe('kind probes', () => {
  it('a 38-word two-sentence brief copied whole is a reproduction', () => {
    expect(BRIEF.split(' ')).toHaveLength(38);
    expect(kindsOf(page('Cycling plan approved', BRIEF, OWN_REPORT))).toEqual([['brief', 'reproduction', 'whole_article']]);
  });

  it('the same brief with 3 words changed is still a reproduction, and the changes are edits', () => {
    const edited = BRIEF.replace('approved', 'passed').replace('forty', '40').replace('spring', 'summer');
    const [m, ...rest] = matchText(page(edited, OWN_REPORT), deps);
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ articleId: 'brief', kind: 'reproduction', copiedWords: 35 });
    const text = page(edited, OWN_REPORT);
    const changes = m.passages.flatMap((p) => p.edits).map((e) => [e.op, text.slice(e.pageStart, e.pageEnd), BRIEF.slice(e.articleStart, e.articleEnd)]);
    expect(changes).toEqual([
      ['change', 'passed', 'approved'],
      ['change', '40', 'forty'],
      ['change', 'summer', 'spring'],
    ]);
  });

  it('a 25-word quote in quotation marks inside an independent report is a quotation', () => {
    expect(QUOTE.split(' ')).toHaveLength(25);
    const text = page(OWN_REPORT, `“${QUOTE},” the housing minister said on Monday, according to the ministry.`, OWN_REPORT.replace('Wednesday', 'Thursday'));
    expect(kindsOf(text)).toEqual([['report', 'quotation', 'quoted_speech']]);
    // 25 of the brief's 38 words, quoted: still a quotation (not the whole article).
    const fromBrief = BRIEF.split(' ').slice(0, 25).join(' ');
    expect(kindsOf(page(OWN_REPORT, `“${fromBrief},” the council wrote.`))).toEqual([['brief', 'quotation', 'quoted_speech']]);
  });

  it('a headline-and-lead teaser is a quotation, for a brief and for a longer article', () => {
    const lead = (body: string) => body.slice(0, body.indexOf('. ') + 1);
    expect(kindsOf(page(OWN_REPORT, 'Read more', articles[1].title, lead(REPORT)))).toEqual([['report', 'quotation', 'lead_teaser']]);
    expect(kindsOf(page(OWN_REPORT, 'Read more', articles[0].title, lead(BRIEF)))).toEqual([['brief', 'quotation', 'lead_teaser']]);
  });
});
