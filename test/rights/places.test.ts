import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import { findCoveringPlace, normalisePlace, parsePlace, placeCovers } from '../../src/rights/places.ts';

/** The place grammar as a table: [place as written, page URL, covered?]. */
const COVERS: [string, string, boolean][] = [
  // A bare host is that host only.
  ['example.com', 'https://example.com/', true],
  ['example.com', 'http://example.com/any/path?q=1', true],
  ['example.com', 'https://www.example.com/', false],
  ['example.com', 'https://sub.example.com/x', false],
  ['example.com', 'https://badexample.com/', false],
  ['example.com', 'https://example.com./x', true],
  ['example.com', 'ftp://example.com/x', false],
  ['example.com', 'not a url', false],
  // A wildcard is the host and every sub-domain, at any depth, never a longer name.
  ['*.example.com', 'https://example.com/', true],
  ['*.example.com', 'https://www.example.com/x', true],
  ['*.example.com', 'https://a.b.example.com/x', true],
  ['*.example.com', 'https://badexample.com/', false],
  ['*.example.com', 'https://example.com.evil.example/', false],
  // A URL prefix ends at a segment boundary, with or without its trailing slash, http or https.
  ...(['https://example.com/partner', 'https://example.com/partner/'] as const).flatMap((place): [string, string, boolean][] => [
    [place, 'https://example.com/partner', true],
    [place, 'https://example.com/partner/', true],
    [place, 'https://example.com/partner/x', true],
    [place, 'https://example.com/partner/x/y?z=1', true],
    [place, 'http://example.com/partner/x', true],
    [place, 'https://example.com/partner?page=2', true],
    [place, 'https://example.com/partners', false],
    [place, 'https://example.com/partnerx', false],
    [place, 'https://example.com/partnerx/y', false],
    [place, 'https://example.com/', false],
    [place, 'https://example.com/other/partner/x', false],
    [place, 'https://www.example.com/partner/x', false],
  ]),
  ['https://example.com/a/b', 'https://example.com/a/b/c', true],
  ['https://example.com/a/b', 'https://example.com/a/bc', false],
  ['https://example.com/a/b', 'https://example.com/a', false],
  // Percent-encoded and written-out paths are the same path.
  ['https://example.com/café', 'https://example.com/caf%C3%A9/x', true],
  // Host names compare without case, and international names as their ASCII (punycode) form.
  ['EXAMPLE.com', 'https://Example.COM/a', true],
  ['*.Example.COM', 'https://WWW.example.com/a', true],
  ['https://EXAMPLE.com/Partner', 'https://example.com/Partner/x', true],
  ['bücher.de', 'https://xn--bcher-kva.de/a', true],
  ['xn--bcher-kva.de', 'https://BÜCHER.de/a', true],
  ['*.bücher.de', 'https://shop.bücher.de/a', true],
  ['https://bücher.de/neu/', 'http://xn--bcher-kva.de/neu/titel', true],
  ['bücher.de', 'https://bucher.de/a', false],
];

/** The one stored form: equal places written differently compare equal. */
const NORMAL_FORMS: [string, string][] = [
  ['example.com', 'example.com'],
  ['  EXAMPLE.COM.  ', 'example.com'],
  ['*.Example.com', '*.example.com'],
  ['https://example.com/partner', 'https://example.com/partner/'],
  ['https://example.com/partner/', 'https://example.com/partner/'],
  ['http://example.com/partner//', 'https://example.com/partner/'],
  ['example.com/partner', 'https://example.com/partner/'],
  ['https://example.com/', 'example.com'],
  ['bücher.de', 'xn--bcher-kva.de'],
  ['*.BÜCHER.de', '*.xn--bcher-kva.de'],
  ['https://Bücher.de/neu', 'https://xn--bcher-kva.de/neu/'],
];

/** Refusals: [place as written, words the message must contain]. */
const REFUSALS: [string, string][] = [
  ['', 'must be 1-2000 characters'],
  ['   ', 'must be 1-2000 characters'],
  [`example.com/${'a'.repeat(2000)}`, 'must be 1-2000 characters'],
  ['ftp://example.com/files', 'only http(s) URL prefixes'],
  ['file:///etc/passwd', 'only http(s) URL prefixes'],
  ['https://example.com/partner?id=1', 'no query or fragment'],
  ['example.com/partner?id=1', 'no query or fragment'],
  ['https://example.com/partner#top', 'no query or fragment'],
  ['intranet', 'not a full host name'],
  ['https://intranet/partner', 'not a full host name'],
  ['*.com', 'not a full host name'],
  ['*.', 'not a host name'],
  ['exa mple.com', 'not a host name'],
  ['https://exa mple.com/x', 'not a'],
  // A query on a bare host must be refused, not dropped (it would cover the whole host).
  ['example.com?id=1', 'no query or fragment'],
  // A path after a wildcard must be refused, not dropped (it would widen a section to the domain).
  ['*.example.com?x=1', 'no query or fragment'],
  ['user@example.com', 'not a host name'],
  ['https://user@example.com/p', 'nor a user name'],
  ['*.example.com/partner', 'example.com/partner'],
];

describe('places: what a place covers', () => {
  it.each(COVERS)('%s covers %s: %s', (place, url, covered) => {
    expect(placeCovers(parsePlace(place), url)).toBe(covered);
    // The stored (normalised) form must cover exactly the same pages.
    expect(placeCovers(parsePlace(normalisePlace(place)), url)).toBe(covered);
  });

  it('finds the first of several places that covers a page, or null', () => {
    const places = ['other.example', 'https://example.com/partner/', '*.example.com'];
    expect(findCoveringPlace(places, 'https://example.com/partner/x')).toBe('https://example.com/partner/');
    expect(findCoveringPlace(places, 'https://example.com/partners')).toBe('*.example.com');
    expect(findCoveringPlace(places, 'https://elsewhere.example/')).toBeNull();
    expect(findCoveringPlace([], 'https://example.com/')).toBeNull();
  });
});

describe('places: one normal form', () => {
  it.each(NORMAL_FORMS)('%s is stored as %s', (written, stored) => {
    expect(normalisePlace(written)).toBe(stored);
    expect(normalisePlace(stored)).toBe(stored);
  });
});

describe('places: refusals', () => {
  it.each(REFUSALS)('refuses %j (%s)', (place, why) => {
    let thrown: unknown;
    try {
      parsePlace(place);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    const error = thrown as ValidationError;
    // The message names the place as written (trimmed, and cut short when over-long).
    expect(error.message).toContain(`Place "${place.trim().slice(0, 80)}`);
    expect(error.message).toContain(why);
    expect(error.details).toMatchObject({ field: 'place' });
  });
});
