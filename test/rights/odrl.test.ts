import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import { exportConsentToOdrl } from '../../src/rights/odrl-export.ts';
import { parseOdrlDocument, type ImportedConsent } from '../../src/rights/odrl-import.ts';
import { MAX_AGREEMENTS, MAX_DEPTH, MAX_TERMS_PER_AGREEMENT, RIGHTSML_PROFILE } from '../../src/rights/odrl-vocabulary.ts';
import { CONSENT_DUTIES, CONSENT_STATUSES, type Consent } from '../../src/rights/types.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- documents are mutated freely to build refusals */
type Doc = any;

const PUBLISHER = { name: 'Daily Example', uid: 'https://daily.example/' };

function consent(overrides: Partial<Consent> = {}): Consent {
  return {
    id: 7,
    uid: 'urn:uuid:3d0c8f5e-0001-4000-8000-000000000001',
    licenseeId: 3,
    licenseeName: 'Partner Zeitung GmbH',
    scope: { all: true, ids: [], sections: [], tags: [], publishedFrom: null, publishedUntil: null },
    places: ['partner.example'],
    validFrom: null,
    validUntil: null,
    use: 'full',
    maxWords: null,
    maxPercent: null,
    holdBackHours: null,
    duties: [],
    territory: null,
    contractRef: null,
    status: 'pending',
    createdBy: 'editor@daily.example',
    createdAt: '2025-01-02T10:00:00.000Z',
    updatedAt: '2025-01-02T10:00:00.000Z',
    ...overrides,
  };
}

/** Every field set; its constraints are [0] dateTime gteq, [1] lt, [2] virtualLocation, [3] spatial, [4] count, [5] percentage, [6] elapsedTime. */
const FULL = consent({
  uid: 'urn:uuid:3d0c8f5e-0002-4000-8000-000000000002',
  licenseeName: 'Wochenblatt & Söhne / Nord',
  scope: { all: false, ids: ['a-1', 'a-2'], sections: ['politik', 'wirtschaft'], tags: ['Wahl 2025'], publishedFrom: '2025-01-01T00:00:00.000Z', publishedUntil: '2025-07-01T00:00:00.000Z' },
  places: ['partner.example', '*.partner-regional.example', 'https://other.example/partner/'],
  validFrom: '2025-02-01T08:30:00.000Z',
  validUntil: '2026-02-01T00:00:00.000Z',
  use: 'excerpt',
  maxWords: 300,
  maxPercent: 12.5,
  holdBackHours: 24,
  duties: ['link', 'credit', 'canonical'],
  territory: 'DE',
  contractRef: 'K-2025/17',
  status: 'active',
});

function inputOf(c: Consent): ImportedConsent {
  const { id: _id, licenseeId: _licenseeId, createdBy: _by, createdAt: _at, updatedAt: _updated, ...input } = c;
  return { ...input, licenseePlaces: [] };
}

/** The exported document as a partner receives it: plain JSON, free to edit. */
function exported(c: Consent = FULL): Doc {
  return JSON.parse(JSON.stringify(exportConsentToOdrl(c, PUBLISHER)));
}

function roundTrip(c: Consent): ImportedConsent[] {
  return parseOdrlDocument(exported(c));
}

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/odrl/${name}`, import.meta.url), 'utf8'));
}

function refusalOf(action: () => unknown): { message: string; details: Record<string, unknown> } {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    const e = error as ValidationError;
    return { message: e.message, details: e.details as Record<string, unknown> };
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

/** Asserts the import refuses the document at `path`, with a reason matching `reason`. */
function expectRefusal(doc: unknown, path: string, reason: RegExp): void {
  const { message, details } = refusalOf(() => parseOdrlDocument(doc));
  expect(details.path).toBe(path);
  expect(details.reason).toMatch(reason);
  expect(message).toBe(`${path}: ${details.reason}`);
}

describe('export then import gives the consent back', () => {
  const cases: [string, Consent][] = [
    ['every field', FULL],
    ['minimal (every article, one place, full use)', consent()],
    ['excerpt with a word limit only', consent({ use: 'excerpt', maxWords: 120 })],
    ['excerpt with a percent limit only', consent({ use: 'excerpt', maxPercent: 33.3 })],
    ['excerpt without limits', consent({ use: 'excerpt' })],
    ['whole-hour hold-back', consent({ holdBackHours: 48 })],
    ['fractional hold-back', consent({ holdBackHours: 1.25 })],
    ['zero hold-back', consent({ holdBackHours: 0 })],
    ['territory code', consent({ territory: 'DE-BY' })],
    ['territory IRI', consent({ territory: 'http://cvx.iptc.org/iso3166-1a3/DEU' })],
    ['start only', consent({ validFrom: '2025-05-01T00:00:00.000Z' })],
    ['end only', consent({ validUntil: '2025-05-01T00:00:00.000Z' })],
    ['article ids only', consent({ scope: { all: false, ids: ['x'], sections: [], tags: [], publishedFrom: null, publishedUntil: null } })],
    ['tags only', consent({ scope: { all: false, ids: [], sections: [], tags: ['a', 'b'], publishedFrom: null, publishedUntil: null } })],
    ['published before only', consent({ scope: { all: false, ids: [], sections: [], tags: [], publishedFrom: null, publishedUntil: '2024-12-31T23:00:00.000Z' } })],
    ['all duties reversed', consent({ duties: ['canonical', 'credit', 'link'] })],
    ['URL prefix place and a contract', consent({ places: ['https://partner.example/syndication/'], contractRef: 'ref with spaces' })],
    ...CONSENT_DUTIES.map((d): [string, Consent] => [`duty ${d}`, consent({ duties: [d] })]),
    ...CONSENT_STATUSES.map((s): [string, Consent] => [`status ${s}`, consent({ status: s })]),
  ];
  it.each(cases)('%s', (_name, c) => {
    expect(roundTrip(c)).toEqual([inputOf(c)]);
  });

  it('writes the documented shape for a minimal consent', () => {
    expect(exportConsentToOdrl(consent(), PUBLISHER)).toEqual({
      '@context': [
        'http://www.w3.org/ns/odrl.jsonld',
        { rightsml: 'http://iptc.org/std/RightsML/2011-10-07/', copyhound: 'https://copyhound.dev/ns/odrl#', name: 'vcard:fn' },
      ],
      '@type': 'Agreement',
      uid: 'urn:uuid:3d0c8f5e-0001-4000-8000-000000000001',
      profile: RIGHTSML_PROFILE,
      assigner: { '@type': 'Party', uid: 'https://daily.example/', name: 'Daily Example' },
      assignee: { '@type': 'Party', uid: 'urn:copyhound:licensee:Partner%20Zeitung%20GmbH', name: 'Partner Zeitung GmbH' },
      permission: [{ target: 'urn:copyhound:articles', action: 'reproduce', constraint: [{ leftOperand: 'virtualLocation', operator: 'isAnyOf', rightOperand: ['partner.example'] }] }],
      'copyhound:status': 'pending',
    });
  });

  it('writes excerpt limits, hold-back and duties as ODRL terms', () => {
    const permission = exported().permission[0];
    expect(permission.action).toBe('extract');
    expect(permission.constraint.slice(4)).toEqual([
      { leftOperand: 'count', operator: 'lteq', rightOperand: { '@value': '300', '@type': 'xsd:nonNegativeInteger' }, unit: 'copyhound:words' },
      { leftOperand: 'percentage', operator: 'lteq', rightOperand: { '@value': '12.5', '@type': 'xsd:decimal' } },
      { leftOperand: 'elapsedTime', operator: 'gteq', rightOperand: { '@value': 'PT24H', '@type': 'xsd:duration' } },
    ]);
    expect(permission.duty).toEqual([{ action: 'copyhound:linkBack' }, { action: 'attribute' }, { action: 'copyhound:canonicalLink' }]);
    expect(permission.target.source).toBe('urn:copyhound:articles');
    expect(exported(consent({ holdBackHours: 0.5 })).permission[0].constraint[1].rightOperand['@value']).toBe('PT1800S');
  });

  it('reads several agreements of one array in order', () => {
    const other = consent({ uid: 'urn:uuid:other', status: 'revoked' });
    expect(parseOdrlDocument([exported(), exported(other)])).toEqual([inputOf(FULL), inputOf(other)]);
  });
});

describe('export refuses consents the mapping cannot carry exactly', () => {
  const cases: [string, Partial<Consent>, string][] = [
    ['no place (an Agreement without one reads as anywhere)', { places: [] }, 'places'],
    ['an invalid place', { places: ['ftp://partner.example/'] }, 'places[0]'],
    ['all with other criteria', { scope: { all: true, ids: ['a'], sections: [], tags: [], publishedFrom: null, publishedUntil: null } }, 'scope.all'],
    ['not all without criteria', { scope: { all: false, ids: [], sections: [], tags: [], publishedFrom: null, publishedUntil: null } }, 'scope.all'],
    ['excerpt limits on full use', { use: 'full', maxWords: 10 }, 'maxWords'],
    ['a territory that reads as a web place', { territory: 'partner.example' }, 'territory'],
    ['a negative hold-back', { holdBackHours: -1 }, 'holdBackHours'],
    ['an empty window', { validFrom: '2025-02-01T00:00:00.000Z', validUntil: '2025-01-01T00:00:00.000Z' }, 'validUntil'],
    ['an unreadable date', { validFrom: 'soon' }, 'validFrom'],
    ['a duty twice', { duties: ['credit', 'credit'] }, 'duties'],
    ['a percent over 100', { use: 'excerpt', maxPercent: 150 }, 'maxPercent'],
  ];
  it.each(cases)('%s', (_name, overrides, field) => {
    const { message, details } = refusalOf(() => exportConsentToOdrl(consent(overrides), PUBLISHER));
    expect(details).toMatchObject({ uid: consent().uid, field });
    expect(message).toContain(`Consent ${consent().uid}: ${field}:`);
  });
});

describe('import of partner documents', () => {
  it('reads a RightsML-style agreement with parties on the permission, full IRIs and dates', () => {
    expect(parseOdrlDocument(fixture('rightsml-partner-agreement.jsonld'))).toEqual([
      {
        uid: 'http://nordkurier.example/rights/agreement/2025-017',
        licenseeName: 'Nordkurier Online',
        licenseePlaces: ['nordkurier.example', '*.nordkurier-regional.example'],
        scope: { all: true, ids: [], sections: [], tags: [], publishedFrom: null, publishedUntil: null },
        places: ['www.nordkurier.example', 'https://nordkurier.example/partner/'],
        validFrom: '2025-03-01T00:00:00.000Z',
        // lteq 2025-12-31 (a date) covers that whole UTC day.
        validUntil: '2026-01-01T00:00:00.000Z',
        use: 'full',
        maxWords: null,
        maxPercent: null,
        holdBackHours: 36,
        duties: ['credit'],
        territory: 'http://cvx.iptc.org/iso3166-1a3/DEU',
        contractRef: 'NK-2025-017',
        status: 'active',
      },
    ]);
  });

  it('reads an @graph document with refinements, aliases and single objects', () => {
    expect(parseOdrlDocument(fixture('copyhound-graph.jsonld'))).toEqual([
      {
        uid: 'urn:uuid:6f1c2a5e-7d55-4c4e-9a59-1f0a8e2b7c31',
        licenseeName: 'Wochenblatt Nord',
        licenseePlaces: [],
        scope: { all: false, ids: [], sections: ['sport'], tags: ['Bundesliga', 'Hansa Rostock'], publishedFrom: '2024-12-31T23:00:00.000Z', publishedUntil: '2025-07-01T00:00:00.000Z' },
        places: ['wochenblatt-nord.example'],
        validFrom: null,
        validUntil: null,
        use: 'excerpt',
        maxWords: null,
        maxPercent: 20,
        holdBackHours: null,
        duties: ['link', 'canonical'],
        territory: null,
        contractRef: null,
        status: 'pending',
      },
      {
        uid: 'urn:uuid:0c7d3b8e-2f4a-4f7b-8a43-58f0e5d1c902',
        licenseeName: 'Küstenradio',
        licenseePlaces: [],
        scope: { all: true, ids: [], sections: [], tags: [], publishedFrom: null, publishedUntil: null },
        places: ['https://kuestenradio.example/nachrichten/'],
        validFrom: null,
        validUntil: null,
        use: 'full',
        maxWords: null,
        maxPercent: null,
        holdBackHours: null,
        duties: [],
        territory: null,
        contractRef: null,
        // No copyhound:status: a partner's document waits for approval.
        status: 'pending',
      },
    ]);
  });

  it('reads full IRIs, Agreement-level target and action, numbers and dataType', () => {
    expect(parseOdrlDocument(fixture('full-iri-agreements.jsonld'))).toEqual([
      {
        uid: 'https://daily.example/licences/42',
        licenseeName: 'Bäderbote',
        licenseePlaces: [],
        scope: { all: false, ids: ['art-1001', 'art-1002', 'art-1003'], sections: [], tags: [], publishedFrom: null, publishedUntil: null },
        places: ['baederbote.example', '*.baederbote.example'],
        validFrom: null,
        validUntil: '2026-06-30T22:00:00.000Z',
        use: 'excerpt',
        maxWords: 250,
        maxPercent: null,
        holdBackHours: 1.5,
        duties: [],
        territory: null,
        contractRef: null,
        status: 'expired',
      },
    ]);
  });
});

describe('import refuses, naming the JSON path and why', () => {
  it('an unknown profile', () => {
    const doc = exported();
    doc.profile = 'https://example.org/odrl-profile/';
    expectRefusal(doc, '$.profile', /unknown profile "https:\/\/example.org\/odrl-profile\/"/);
  });

  it('two permissions, and none', () => {
    const doc = exported();
    doc.permission.push(doc.permission[0]);
    expectRefusal(doc, '$.permission', /2 permissions; a consent is exactly one permission/);
    doc.permission = [];
    expectRefusal(doc, '$.permission', /0 permissions/);
  });

  it('prohibitions and Agreement-level obligations', () => {
    expectRefusal({ ...exported(), prohibition: [{ action: 'reproduce' }] }, '$.prohibition', /prohibitions are not supported/);
    expectRefusal({ ...exported(), obligation: [{ action: 'attribute' }] }, '$.obligation', /obligations are not supported/);
  });

  it('an unknown leftOperand', () => {
    const doc = exported();
    doc.permission[0].constraint.push({ leftOperand: 'media', operator: 'eq', rightOperand: 'online' });
    expectRefusal(doc, '$.permission[0].constraint[7].leftOperand', /unknown leftOperand "media"/);
  });

  it('an unknown or refined action', () => {
    const doc = exported();
    doc.permission[0].action = 'distribute';
    expectRefusal(doc, '$.permission[0].action', /unknown action "distribute"/);
    doc.permission[0].action = [{ 'rdf:value': { '@id': 'odrl:extract' }, refinement: [] }];
    expectRefusal(doc, '$.permission[0].action[0]', /a refined action is not supported/);
  });

  it('an unknown duty action and a constraint on a duty', () => {
    const doc = exported();
    doc.permission[0].duty[1] = { action: 'compensate' };
    expectRefusal(doc, '$.permission[0].duty[1].action', /unknown duty action "compensate"/);
    doc.permission[0].duty[1] = { action: 'attribute', constraint: [{ leftOperand: 'dateTime', operator: 'lt', rightOperand: '2025-01-01' }] };
    expectRefusal(doc, '$.permission[0].duty[1].constraint', /a constraint on a duty is not supported/);
  });

  it('a date that does not exist', () => {
    const doc = exported();
    doc.permission[0].constraint[0].rightOperand['@value'] = '2025-02-30T00:00:00Z';
    expectRefusal(doc, '$.permission[0].constraint[0].rightOperand', /February 2025 has no day 30/);
  });

  it('an empty validity window', () => {
    const doc = exported();
    doc.permission[0].constraint[1].rightOperand['@value'] = '2025-01-01T00:00:00Z';
    expectRefusal(doc, '$.permission[0].constraint[1]', /window is empty/);
  });

  it('a hold-back in months (no fixed length)', () => {
    const doc = exported();
    doc.permission[0].constraint[6].rightOperand['@value'] = 'P1M';
    expectRefusal(doc, '$.permission[0].constraint[6].rightOperand', /months or years, which have no fixed length/);
  });

  it('a place that is not one', () => {
    const doc = exported();
    doc.permission[0].constraint[2].rightOperand[1] = 'ftp://partner.example/files/';
    expectRefusal(doc, '$.permission[0].constraint[2].rightOperand[1]', /only http\(s\) URL prefixes are places/);
  });

  it('a logical constraint', () => {
    const doc = exported();
    const [from, until] = doc.permission[0].constraint.splice(0, 2);
    doc.permission[0].constraint.push({ and: [from, until] });
    expectRefusal(doc, '$.permission[0].constraint[5].and', /logical constraints \(and\/or\/xone\/andSequence\) are not supported/);
    doc.permission[0].constraint[5] = { '@type': 'LogicalConstraint', xone: { '@list': [from, until] } };
    expectRefusal(doc, '$.permission[0].constraint[5].xone', /logical constraints/);
  });

  it('more than the agreement limit in one document', () => {
    const doc = Array.from({ length: MAX_AGREEMENTS + 1 }, () => exported(consent()));
    expectRefusal(doc, '$', new RegExp(`${MAX_AGREEMENTS + 1} agreements; at most ${MAX_AGREEMENTS}`));
  });

  it('more constraints than one agreement may hold', () => {
    const doc = exported();
    doc.permission[0].constraint = Array.from({ length: MAX_TERMS_PER_AGREEMENT + 1 }, () => doc.permission[0].constraint[0]);
    expectRefusal(doc, '$.permission[0].constraint', /more than 1000 constraints, refinements and duties/);
  });

  it('a document nested too deep', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < MAX_DEPTH; i++) deep = [deep];
    const doc = exported();
    doc.permission[0].constraint[3].rightOperand = deep;
    const { details } = refusalOf(() => parseOdrlDocument(doc));
    expect(details.path).toMatch(/^\$\.permission\[0\]\.constraint\[3\]\.rightOperand(\[0\])+$/);
    expect(details.reason).toBe(`nested deeper than ${MAX_DEPTH} levels`);
  });

  it('a good and a bad agreement together: nothing is returned', () => {
    const good = exported();
    const bad = exported(consent({ uid: 'urn:uuid:bad' }));
    bad.permission[0].constraint[0].operator = 'neq';
    expect(parseOdrlDocument([good])).toHaveLength(1);
    expectRefusal([good, bad], '$[1].permission[0].constraint[0].operator', /operator "neq" is not supported on virtualLocation/);
    expectRefusal({ '@graph': [good, bad] }, "$['@graph'][1].permission[0].constraint[0].operator", /operator "neq"/);
  });

  it('the same uid twice', () => {
    expectRefusal([exported(), exported()], '$[1]', /is also the uid of \$\[0\]/);
  });

  it('properties it would otherwise ignore', () => {
    expectRefusal({ ...exported(), 'dc:title': 'Rahmenvertrag' }, "$['dc:title']", /unknown property "dc:title" on the Agreement/);
    const doc = exported();
    doc.permission[0].constraint[0].rightOperandReference = 'https://example.org/places';
    expectRefusal(doc, '$.permission[0].constraint[0].rightOperandReference', /rightOperandReference is not supported/);
    const party = exported();
    party.assignee['vcard:hasEmail'] = 'rights@partner.example';
    expectRefusal(party, '$.assignee[\'vcard:hasEmail\']', /unknown property "vcard:hasEmail" on the assignee/);
  });

  it('count without the words unit, and limits on reproduce', () => {
    const doc = exported();
    delete doc.permission[0].constraint[4].unit;
    expectRefusal(doc, '$.permission[0].constraint[4]', /count needs unit copyhound:words/);
    const full = exported();
    full.permission[0].action = 'reproduce';
    expectRefusal(full, '$.permission[0].constraint[4]', /excerpt limits apply only with action extract/);
  });

  it('an agreement without a place', () => {
    const doc = exported();
    doc.permission[0].constraint.splice(2, 1);
    expectRefusal(doc, '$.permission[0].constraint', /no place \(virtualLocation\)/);
  });

  it('a spatial constraint mixing web places and a territory', () => {
    const doc = exported();
    doc.permission[0].constraint[3] = { leftOperand: 'spatial', operator: 'isAnyOf', rightOperand: ['DE', 'partner.example'] };
    expectRefusal(doc, '$.permission[0].constraint[3].rightOperand', /mixes web places and territories/);
  });

  it('an Offer, a missing ODRL context and a redefined term', () => {
    expectRefusal({ ...exported(), '@type': 'Offer' }, "$['@type']", /expected Agreement, got "Offer": only an Agreement/);
    expectRefusal({ ...exported(), '@context': { copyhound: 'https://copyhound.dev/ns/odrl#' } }, "$['@context']", /no ODRL context/);
    const doc = exported();
    doc['@context'][1].permission = 'https://example.org/grant';
    expectRefusal(doc, "$['@context'][1].permission", /redefines "permission"/);
    doc['@context'][1] = { '@vocab': 'https://example.org/' };
    expectRefusal(doc, "$['@context'][1]['@vocab']", /would change what names mean/);
  });

  it('an assignee without a name, or whose Copyhound uid names someone else', () => {
    const doc = exported();
    delete doc.assignee.name;
    expectRefusal(doc, '$.assignee', /the assignee has no name/);
    const other = exported();
    other.assignee.name = 'Someone Else';
    expectRefusal(other, '$.assignee.uid', /names licensee "Wochenblatt & Söhne \/ Nord" but the assignee's name is "Someone Else"/);
  });

  it('parties, target or action given on both the Agreement and the permission', () => {
    const doc = exported();
    doc.permission[0].assigner = doc.assigner;
    expectRefusal(doc, '$.permission[0].assigner', /assigner is given on both the Agreement and the permission/);
  });

  it('an unknown status, target and operator', () => {
    expectRefusal({ ...exported(), 'copyhound:status': 'approved' }, "$['copyhound:status']", /unknown status "approved"/);
    const doc = exported();
    doc.permission[0].target = 'urn:newsml:example.com:20250101:123';
    expectRefusal(doc, '$.permission[0].target', /unknown target "urn:newsml:example.com:20250101:123"/);
    const op = exported();
    op.permission[0].target.refinement[0].operator = 'isNoneOf';
    expectRefusal(op, '$.permission[0].target.refinement[0].operator', /operator "isNoneOf" is not supported on copyhound:articleId/);
  });
});
