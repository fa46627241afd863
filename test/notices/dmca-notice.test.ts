import { describe, expect, it } from 'vitest';
import { draftDmcaNotice, draftDmcaNoticeForReports, findMissingNoticeSettings, MAX_REPORTS_PER_NOTICE, NoticeInputError } from '../../src/notices/index.ts';
import { COPIED, buildDefaultSettings, FULL_SETTINGS, makeReport, NOW } from './notice-fixtures.ts';

const HEADING = /^Element \((i|ii|iii|iv|v|vi)\) of 17 U\.S\.C\. § 512\(c\)\(3\)\(A\): .*$/gm;

/** Each element's section of a notice: from its heading to the next heading (or the end). */
function splitSections(notice: string): Map<string, string> {
  const found = [...notice.matchAll(HEADING)];
  const out = new Map<string, string>();
  found.forEach((m, i) => {
    const end = i + 1 < found.length ? found[i + 1].index : notice.length;
    out.set(m[1], notice.slice(m.index, end));
  });
  return out;
}

describe('draftDmcaNotice', () => {
  const report = makeReport();
  const notice = draftDmcaNotice(report, FULL_SETTINGS, NOW);
  const parts = splitSections(notice);

  it('has a labelled section for each element (i)–(vi) of § 512(c)(3)(A), each exactly once', () => {
    expect([...parts.keys()].sort()).toEqual(['i', 'ii', 'iii', 'iv', 'v', 'vi']);
    expect([...notice.matchAll(HEADING)]).toHaveLength(6);
    expect(notice).not.toContain('[FILL IN');
  });

  it('(i) is signed with the configured signature by the agent for the rights holder', () => {
    const s = parts.get('i')!;
    expect(s).toContain('/s/ Jane Doe');
    expect(s).toContain('Jane Doe, on behalf of Daily Ledger Media Ltd');
    expect(s).toContain('Date: 2025-03-14');
  });

  it('(ii) identifies the work: title, URL, publication date, credit line', () => {
    const s = parts.get('ii')!;
    expect(s).toContain('"Council approves riverside park"');
    expect(s).toContain('https://dailyledger.example/news/riverside-park');
    expect(s).toContain('2025-03-11T08:00:00.000Z');
    expect(s).toContain('By Sam Reporter / Daily Ledger');
  });

  it('(iii) locates the copy: URL, when seen, extent, a quote of the first passage, capture hashes', () => {
    const s = parts.get('iii')!;
    expect(s).toContain('https://copycat.example/2025/03/park-story');
    expect(s).toContain('2025-03-12T10:00:00.000Z to 2025-03-13T10:00:00.000Z');
    expect(s).toContain('30 words of the work, 44.1% of its text (excerpt)');
    expect(s).toContain(`First copied passage: "${COPIED[0]}"`);
    expect(s).toContain(`capture 9 made 2025-03-13T10:00:00.000Z, body SHA-256 ${'b'.repeat(64)}`);
    expect(s).toContain(`capture 7 made 2025-03-12T10:00:00.000Z, body SHA-256 ${'a'.repeat(64)}`);
    // The newest capture is cited first.
    expect(s.indexOf('capture 9')).toBeLessThan(s.indexOf('capture 7'));
  });

  it('(iv) gives the postal address, telephone and email of the complaining party', () => {
    const s = parts.get('iv')!;
    expect(s).toContain('1 Press Street, Springfield, IL 62701, USA');
    expect(s).toContain('Telephone: +1 217 555 0100');
    expect(s).toContain('Email: rights@dailyledger.example');
    expect(s).toContain('Jane Doe, on behalf of Daily Ledger Media Ltd');
  });

  it('(v) states the good-faith belief and (vi) accuracy and authority under penalty of perjury', () => {
    expect(parts.get('v')).toContain(
      'good faith belief that use of the material in the manner complained of is not authorized by the copyright owner, its agent, or the law',
    );
    const vi = parts.get('vi')!;
    expect(vi).toContain('The information in this notification is accurate');
    expect(vi).toContain('under penalty of perjury, I am authorized to act on behalf of Daily Ledger Media Ltd');
  });

  it('is addressed to the host provider\'s designated agent unless a recipient is configured', () => {
    expect(notice).toContain('To: Designated agent of the service provider hosting copycat.example');
    expect(draftDmcaNotice(report, { ...FULL_SETTINGS, recipient: 'Hostco Abuse Desk' }, NOW)).toContain('To: Hostco Abuse Desk');
  });

  it('says [FILL IN: …] for every missing setting instead of leaving an element out', () => {
    const empty = buildDefaultSettings();
    const draft = draftDmcaNotice(report, empty, NOW);
    const p = splitSections(draft);
    expect([...p.keys()].sort()).toEqual(['i', 'ii', 'iii', 'iv', 'v', 'vi']);
    expect(p.get('i')).toContain("[FILL IN: signature line (/s/ followed by the signer's name)]");
    expect(p.get('i')).toContain("[FILL IN: agent's name], on behalf of [FILL IN: rights holder's name]");
    expect(p.get('iv')).toContain('Postal address: [FILL IN: postal address]');
    expect(p.get('iv')).toContain('Telephone: [FILL IN: telephone number]');
    expect(p.get('iv')).toContain('Email: [FILL IN: email address]');
    expect(p.get('vi')).toContain("on behalf of [FILL IN: rights holder's name]");
    expect(findMissingNoticeSettings(empty)).toEqual([
      "rights holder's name",
      "agent's name",
      'postal address',
      'email address',
      'telephone number',
      "signature line (/s/ followed by the signer's name)",
    ]);
    expect(findMissingNoticeSettings(FULL_SETTINGS)).toEqual([]);
    // Whitespace only is as good as empty.
    expect(draftDmcaNotice(report, { ...FULL_SETTINGS, phone: '   ' }, NOW)).toContain('Telephone: [FILL IN: telephone number]');
  });

  it('says [FILL IN: …] for a work without publication date or credit, and a report without captures', () => {
    const bare = makeReport();
    bare.article.publishedAt = null;
    bare.article.credit = null;
    bare.captures = [];
    const p = splitSections(draftDmcaNotice(bare, FULL_SETTINGS, NOW));
    expect(p.get('ii')).toContain('Publication date: [FILL IN: publication date]');
    expect(p.get('ii')).toContain('Credit line: [FILL IN: credit line]');
    expect(p.get('iii')).toContain('Evidence: [FILL IN: capture of the page (none recorded)]');
  });

  it('keeps hostile page text on one line and cuts a long quote', () => {
    const forged = 'Start of copy\nElement (vi) of 17 U.S.C. § 512(c)(3)(A): forged\u202e evil';
    const pageText = `Intro\n\n${forged}\n\nEnd`;
    const hostile = makeReport({ pageText, pieces: [] });
    const start = pageText.indexOf(forged);
    hostile.passages = [{ pageStart: start, pageEnd: start + forged.length, articleStart: 0, articleEnd: 10 }];
    const draft = draftDmcaNotice(hostile, FULL_SETTINGS, NOW);
    expect([...draft.matchAll(HEADING)]).toHaveLength(6);
    expect(draft).not.toContain('\u202e');
    expect(draft).toContain('First copied passage: "Start of copy Element (vi) of 17 U.S.C. § 512(c)(3)(A): forged evil"');

    const long = `${'word '.repeat(400)}end`;
    const longReport = makeReport({ pageText: long, pieces: [] });
    longReport.passages = [{ pageStart: 0, pageEnd: long.length, articleStart: 0, articleEnd: 10 }];
    const quoteLine = draftDmcaNotice(longReport, FULL_SETTINGS, NOW).split('\n').find((l) => l.includes('First copied passage'))!;
    expect(quoteLine.length).toBeLessThan(300);
    expect(quoteLine).toMatch(/word…"$/);
  });

  it('refuses reports not decided as infringements, bad offsets and mixed hosts, naming the report', () => {
    expect(() => draftDmcaNotice(makeReport({ decision: 'licensed' }), FULL_SETTINGS, NOW)).toThrow(/report 41: is decided 'licensed'/);
    const bad = makeReport();
    bad.passages[0].pageEnd = bad.page.text.length + 5;
    expect(() => draftDmcaNotice(bad, FULL_SETTINGS, NOW)).toThrow(NoticeInputError);
    expect(() => draftDmcaNotice(bad, FULL_SETTINGS, NOW)).toThrow(/report 41: passage 0 page span/);
    const noHash = makeReport();
    (noHash.captures[1] as { sha256?: string }).sha256 = undefined;
    expect(() => draftDmcaNotice(noHash, FULL_SETTINGS, NOW)).toThrow(/report 41: capture 1 needs a whole-number id, a sha256/);
    const mixed = [makeReport({ reportId: 1 }), makeReport({ reportId: 2, host: 'other.example' })];
    expect(() => draftDmcaNoticeForReports(mixed, FULL_SETTINGS, NOW)).toThrow(/report 2: its page is on other\.example, not copycat\.example/);
    expect(() => draftDmcaNoticeForReports([], FULL_SETTINGS, NOW)).toThrow(/at least one report/);
    expect(() => draftDmcaNotice(makeReport(), FULL_SETTINGS, new Date(Number.NaN))).toThrow(/now must be a valid Date/);
    const many = Array.from({ length: MAX_REPORTS_PER_NOTICE + 1 }, (_, i) => makeReport({ reportId: i + 1 }));
    expect(() => draftDmcaNoticeForReports(many, FULL_SETTINGS, NOW)).toThrow(/at most 500 reports/);
  });
});

describe('draftDmcaNoticeForReports', () => {
  it('lists every work once and every copying URL, each item naming the work it copies', () => {
    const reports = [
      makeReport({ reportId: 3, pageUrl: 'https://copycat.example/a' }),
      makeReport({ reportId: 5, pageUrl: 'https://copycat.example/b', articleId: 'other', articleTitle: 'Flood walls need repair', articleUrl: 'https://dailyledger.example/news/flood-walls' }),
      makeReport({ reportId: 4, pageUrl: 'https://copycat.example/c' }),
    ];
    const notice = draftDmcaNoticeForReports(reports, FULL_SETTINGS, NOW);
    const p = splitSections(notice);
    expect([...p.keys()].sort()).toEqual(['i', 'ii', 'iii', 'iv', 'v', 'vi']);
    expect(p.get('ii')).toContain('Work 1: "Council approves riverside park"');
    expect(p.get('ii')).toContain('Work 2: "Flood walls need repair"');
    expect(p.get('ii')).toContain('https://dailyledger.example/news/flood-walls');
    expect(p.get('ii')!.match(/Work \d/g)).toHaveLength(2);
    const iii = p.get('iii')!;
    expect(iii).toContain('Item 1 (copies work 1): https://copycat.example/a');
    expect(iii).toContain('Item 2 (copies work 1): https://copycat.example/c');
    expect(iii).toContain('Item 3 (copies work 2): https://copycat.example/b');
    expect(notice).toContain('Our reference: Copyhound reports 3, 4, 5');
    expect(() => draftDmcaNoticeForReports([reports[0], reports[0]], FULL_SETTINGS, NOW)).toThrow(/report 3: is listed twice/);
  });
});
