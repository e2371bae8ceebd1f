import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idsFromUrl, PublishedInventory, slugOf } from '../../src/crawl/inventory.js';
import { linkParts, normalizeUrl, pathPattern, UrlAdmission } from '../../src/crawl/normalize.js';
import { isPreviewUrl } from '../../src/crawl/preview-links.js';
import { fuzzParameters, textFrom } from './fuzz-settings.js';

/** The URL normaliser decides what the crawl de-duplicates and requests; it sees every link of every page. */

const urlPieces = [
  'http://', 'https://', 'HTTP://', 'ftp://', 'javascript:', 'data:', '//', 'example.com', 'xn--bcher-kva.example', 'bücher.example', '127.0.0.1', '[::1]',
  ':80', ':443', ':8080', ':99999', '@', 'user:pw@', '/', '\\', '..', '.', '%2e', '%2E%2e', '%2f', '%00', '%c0%ae', '%', '%%', '%zz', '%E0%A4%A',
  '?', '&', '=', '#', 'a', 'b', 'utm_source=x', '%75tm_medium=y', 'fbclid=1', 'preview=true', 'p=12', '+', ' ', '\t', '\n', 'ä', '\u200b', '\ufeff', '\ud800',
];
const urlLike = fc.oneof(fc.constantFrom('http:foo', 'https:/x', 'HTTP:\\\\h\\p', '/relative', '//host/x'), fc.webUrl({ withQueryParameters: true, withFragments: true }), textFrom(urlPieces, 24));
const base = fc.constantFrom(undefined, 'https://example.com/a/b/', 'http://127.0.0.1:8080/x?y=1');

describe('normalizeUrl under generated input', () => {
  it('never throws, returns http(s) or undefined, and is idempotent', () => {
    fc.assert(
      fc.property(urlLike, base, (raw, from) => {
        const once = normalizeUrl(raw, from);
        if (once === undefined) return true;
        const parsed = new URL(once);
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
        if (parsed.hash !== '' || parsed.username !== '' || parsed.password !== '') return false;
        return normalizeUrl(once) === once;
      }),
      fuzzParameters(3000),
    );
  });

  it('keeps the origin the URL parser gives: path and query tricks never move a link to another host', () => {
    fc.assert(
      fc.property(urlLike, (raw) => {
        const normalized = normalizeUrl(raw, 'https://example.com/');
        if (normalized === undefined) return true;
        return new URL(normalized).origin === new URL(raw.trim(), 'https://example.com/').origin;
      }),
      fuzzParameters(2000),
    );
  });

  it('linkParts remembers exactly what a fresh parse gives: the normalised URL, its origin, path and query, past a clear', () => {
    // The reference is normalizeUrl with a base, which linkParts never remembers. The base's
    // scheme is not http(s): an absolute http(s) link ignores it, and whatever would resolve
    // against it is not http(s), so no URL, as without a base. Links are repeated and interleaved
    // with fillers, so answers come from memory, from a fresh parse and after the memory cleared.
    const reference = (raw: string) => {
      const href = normalizeUrl(raw, 'x-reference://host/dir/');
      return href === undefined ? undefined : { href, origin: new URL(href).origin, pathname: new URL(href).pathname, search: new URL(href).search };
    };
    let filler = 0;
    fc.assert(
      // Each link also comes in variants that differ only at the end (a path, a query, a fragment).
      fc.property(fc.array(fc.tuple(urlLike, fc.array(fc.constantFrom('a', '/b', '?q=1', '&r', '#f', '%41', ' '), { maxLength: 3 })), { minLength: 1, maxLength: 10 }), fc.nat({ max: 5000 }), (pairs, fillers) => {
        const links = pairs.flatMap(([raw, tails]) => [raw, ...tails.map((_, index) => `${raw}${tails.slice(0, index + 1).join('')}`)]);
        for (const raw of [...links, ...links]) {
          for (let count = 0; count < fillers / links.length; count += 1) linkParts(`http://filler.example/${(filler += 1)}`);
          const expected = reference(raw);
          if (expected === undefined) expect(linkParts(raw)).toBeUndefined();
          else expect(linkParts(raw)).toEqual(expected);
          expect(normalizeUrl(raw)).toBe(expected?.href);
        }
      }),
      fuzzParameters(300),
    );
  });

  it('the inventory derives from one parse the slug and ids that parsing the normalised URL again gives', () => {
    const idLike = fc.constantFrom('?p=12', '?page_id=7&x=1', '/node/42', '/?p=3#x', '?P=5', '/post.html', '/a%20b/', '/?id=9&p=10', '/x?', '?', '/%E2%82%AC.php');
    fc.assert(
      fc.property(fc.oneof(urlLike, fc.tuple(urlLike, idLike).map(([raw, tail]) => `${raw}${tail}`)), (raw) => {
        const inventory = new PublishedInventory();
        inventory.add({ url: raw, source: 'link' });
        const url = normalizeUrl(raw);
        const { slugs, ids } = inventory.toJSON();
        if (url === undefined || isPreviewUrl(url)) {
          expect([slugs, ids]).toEqual([[], []]);
          return;
        }
        const slug = slugOf(url);
        const variants = slug === undefined ? [] : [...new Set([slug, slug.replace(/\.(html?|php|aspx?)$/, '')])];
        expect(slugs).toEqual(variants.sort());
        expect(ids).toEqual([...new Set(idsFromUrl(url))].sort());
      }),
      fuzzParameters(2000),
    );
  });

  it('feeds pathPattern and UrlAdmission without throwing', () => {
    fc.assert(
      fc.property(fc.array(urlLike, { maxLength: 20 }), (raws) => {
        const admission = new UrlAdmission({ maxQueryVariants: 2, maxPerPattern: 3 });
        for (const raw of raws) {
          const url = normalizeUrl(raw, 'https://example.com/');
          if (url === undefined) continue;
          pathPattern(url);
          admission.admit(url);
        }
        return true;
      }),
      fuzzParameters(500),
    );
  });

  it('UrlAdmission decides as if it counted every pattern (it skips counting placeholder-free ones)', () => {
    // The model counts every pattern, as the admission did before it stopped storing the
    // patterns that are their own path; the outcomes must be the same for any limits.
    const modelAdmission = (maxQueryVariants: number, maxPerPattern: number) => {
      const seen = new Set<string>();
      const variants = new Map<string, number>();
      const perPattern = new Map<string, number>();
      return (url: string): string => {
        if (seen.has(url)) return 'seen';
        const parsed = new URL(url);
        const pathKey = `${parsed.origin}${parsed.pathname}`;
        const hasQuery = parsed.search !== '';
        if (hasQuery && (variants.get(pathKey) ?? 0) >= maxQueryVariants) return 'query-variant-cap';
        const pattern = pathPattern(url);
        if ((perPattern.get(pattern) ?? 0) >= maxPerPattern) return 'pattern-cap';
        seen.add(url);
        if (hasQuery) variants.set(pathKey, (variants.get(pathKey) ?? 0) + 1);
        perPattern.set(pattern, (perPattern.get(pattern) ?? 0) + 1);
        return 'new';
      };
    };
    const segment = fc.constantFrom('a', 'post-2', '7', '12', '2024-05', 'deadbeefdeadbeef1', 'x');
    const link = fc.tuple(fc.array(segment, { minLength: 1, maxLength: 3 }), fc.option(fc.constantFrom('m=1', 'm=2', 'm=3', 'q=x', 'm=4&q=y'), { nil: undefined }))
      .map(([segments, query]) => `https://h.example/${segments.join('/')}/${query === undefined ? '' : `?${query}`}`);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 8 }), fc.array(link, { maxLength: 60 }), (maxQueryVariants, maxPerPattern, links) => {
        const admission = new UrlAdmission({ maxQueryVariants, maxPerPattern });
        const model = modelAdmission(maxQueryVariants, maxPerPattern);
        return links.every((url) => admission.admit(url) === model(url));
      }),
      fuzzParameters(1000),
    );
  });
});
