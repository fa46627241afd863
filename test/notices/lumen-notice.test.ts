import { describe, expect, it } from 'vitest';
import { draftLumenNotice } from '../../src/notices/index.ts';
import { buildDefaultSettings, FULL_SETTINGS, makeReport, NOW } from './notice-fixtures.ts';

const mapRoles = (n: ReturnType<typeof draftLumenNotice>) => Object.fromEntries(n.notice.entity_notice_roles_attributes.map((r) => [r.name, r.entity_attributes]));

describe('draftLumenNotice', () => {
  it('follows the Lumen create-notice shape: DMCA type, works with copyrighted and infringing URLs, sender/principal/recipient', () => {
    const lumen = draftLumenNotice(makeReport(), FULL_SETTINGS, NOW);
    // A JSON round trip: what would be POSTed is exactly this object.
    expect(JSON.parse(JSON.stringify(lumen))).toEqual(lumen);
    expect(Object.keys(lumen)).toEqual(['notice']);
    const n = lumen.notice;
    expect(n.type).toBe('DMCA');
    expect(n.title).toBe('DMCA (Copyright) Complaint to Designated agent of the service provider hosting copycat.example');
    expect(n.subject).toContain('Daily Ledger Media Ltd');
    expect(n.date_sent).toBe('2025-03-14');
    expect(n.language).toBe('en');
    expect(n).not.toHaveProperty('date_received');
    expect(n.works_attributes).toEqual([
      {
        kind: 'news article',
        description: '"Council approves riverside park", published 2025-03-11T08:00:00.000Z, credit: By Sam Reporter / Daily Ledger; copyright Daily Ledger Media Ltd',
        copyrighted_urls_attributes: [{ url: 'https://dailyledger.example/news/riverside-park' }],
        infringing_urls_attributes: [{ url: 'https://copycat.example/2025/03/park-story' }],
      },
    ]);
    expect(mapRoles(lumen)).toEqual({
      sender: {
        name: 'Jane Doe',
        kind: 'individual',
        address_line_1: '1 Press Street',
        address_line_2: 'Springfield, IL 62701, USA',
        phone: '+1 217 555 0100',
        email: 'rights@dailyledger.example',
      },
      principal: { name: 'Daily Ledger Media Ltd', kind: 'organization' },
      recipient: { name: 'Designated agent of the service provider hosting copycat.example', kind: 'organization' },
    });
  });

  it('groups several reports by work, each work listing all its infringing URLs once', () => {
    const lumen = draftLumenNotice(
      [
        makeReport({ reportId: 1, pageUrl: 'https://copycat.example/a' }),
        makeReport({ reportId: 2, pageUrl: 'https://copycat.example/b', articleId: 'w2', articleUrl: 'https://dailyledger.example/news/w2' }),
        makeReport({ reportId: 3, pageUrl: 'https://copycat.example/c' }),
      ],
      { ...FULL_SETTINGS, recipient: 'Hostco Ltd' },
      NOW,
    );
    const works = lumen.notice.works_attributes;
    expect(works.map((w) => w.copyrighted_urls_attributes)).toEqual([
      [{ url: 'https://dailyledger.example/news/riverside-park' }],
      [{ url: 'https://dailyledger.example/news/w2' }],
    ]);
    expect(works.map((w) => w.infringing_urls_attributes)).toEqual([
      [{ url: 'https://copycat.example/a' }, { url: 'https://copycat.example/c' }],
      [{ url: 'https://copycat.example/b' }],
    ]);
    expect(mapRoles(lumen).recipient).toEqual({ name: 'Hostco Ltd', kind: 'organization' });
  });

  it('names missing senders with [FILL IN: …] and leaves out contact fields that are not configured', () => {
    const lumen = draftLumenNotice(makeReport(), buildDefaultSettings(), NOW);
    expect(mapRoles(lumen)).toEqual({
      sender: { name: "[FILL IN: agent's name]", kind: 'individual' },
      principal: { name: "[FILL IN: rights holder's name]", kind: 'organization' },
      recipient: { name: 'Designated agent of the service provider hosting copycat.example', kind: 'organization' },
    });
  });

  it('refuses what a notice must not claim (a licensed copy)', () => {
    expect(() => draftLumenNotice(makeReport({ decision: 'licensed' }), FULL_SETTINGS, NOW)).toThrow(/is decided 'licensed'/);
  });
});
