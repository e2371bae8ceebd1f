import { afterEach, describe, expect, it } from 'vitest';
import { crawl } from '../../src/crawl/crawl.js';
import { normalizeUrl, pathPattern, UrlAdmission } from '../../src/crawl/normalize.js';
import { Cleanup } from '../support/loopback-server.js';
import { FetchTransport } from './support/fetch-transport.js';
import { html, startSite } from './support/site.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('normalizeUrl', () => {
  it.each([
    ['HTTP://Example.COM:80/a/b?b=2&a=1#frag', 'http://example.com/a/b?a=1&b=2'],
    ['https://example.com:443/', 'https://example.com/'],
    ['https://example.com:8443/x', 'https://example.com:8443/x'],
    ['https://example.com/?utm_source=x&p=7&fbclid=y&gclid=z&UTM_Medium=m', 'https://example.com/?p=7'],
    ['https://example.com/post/?utm_campaign=a', 'https://example.com/post/'],
    ['https://example.com/?preview=true&p=7&_ppp=abc', 'https://example.com/?_ppp=abc&p=7&preview=true'],
    ['https://example.com/?q=a%20b&flag', 'https://example.com/?flag&q=a%20b'],
    ['https://user:pw@example.com/', 'https://example.com/'],
    ['https://:pw@example.com/a', 'https://example.com/a'],
    // An empty fragment has hash '' but is still in href.
    ['https://example.com/a#', 'https://example.com/a'],
    ['https://example.com/a?x=1#', 'https://example.com/a?x=1'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeUrl(input)).toBe(expected);
  });

  it('resolves relative URLs and refuses what is not http(s)', () => {
    expect(normalizeUrl('../c?x=1', 'https://example.com/a/b/')).toBe('https://example.com/a/c?x=1');
    expect(normalizeUrl('mailto:a@b.c')).toBeUndefined();
    expect(normalizeUrl('javascript:void(0)', 'https://example.com/')).toBeUndefined();
    expect(normalizeUrl('http://[bad')).toBeUndefined();
  });
});

describe('UrlAdmission', () => {
  it('replaces numbers, dates, uuids and long hex with placeholders in path patterns', () => {
    expect(pathPattern('https://h/calendar/2026/11/')).toBe('https://h/calendar/{n}/{n}/');
    expect(pathPattern('https://h/events/2026-11-28/')).toBe('https://h/events/{date}/');
    expect(pathPattern('https://h/p/1225c695-cfb8-4ebb-aaaa-80da344efa6a/')).toBe('https://h/p/{uuid}/');
    expect(pathPattern('https://h/post-2/')).toBe('https://h/post-2/');
  });

  it('caps query variants per path and URLs per pattern, counting only admitted URLs', () => {
    const admission = new UrlAdmission({ maxQueryVariants: 2, maxPerPattern: 3 });
    expect(admission.admit('https://h/cal')).toBe('new');
    expect(admission.admit('https://h/cal?m=1')).toBe('new');
    expect(admission.admit('https://h/cal?m=1')).toBe('seen');
    expect(admission.admit('https://h/cal?m=2')).toBe('new');
    expect(admission.admit('https://h/cal?m=3')).toBe('query-variant-cap');
    expect(admission.admit('https://h/d/1/')).toBe('new');
    expect(admission.admit('https://h/d/2/')).toBe('new');
    expect(admission.admit('https://h/d/3/')).toBe('new');
    expect(admission.admit('https://h/d/4/')).toBe('pattern-cap');
    expect(admission.skippedQueryVariants).toBe(1);
    expect(admission.skippedByPattern).toBe(1);
  });
});

describe('query explosion in the crawl', () => {
  it('fetches an endless ?month= calendar at most maxQueryVariants times and a /calendar/<y>/<m>/ one at most maxPerPattern times', async () => {
    const site = cleanup.add(
      await startSite(
        { '/': html('<a href="/calendar">Calendar</a><a href="/calendar/2026/1/">By path</a>', 'Home') },
        (path) => {
          const byQuery = /^\/calendar(?:\?month=(\d+))?$/.exec(path);
          if (byQuery) {
            const month = Number(byQuery[1] ?? 0);
            return html(`<a href="/calendar?month=${month + 1}">next</a><a href="/calendar?month=${month - 1}">prev</a>`, 'Calendar');
          }
          const byPath = /^\/calendar\/(\d+)\/(\d+)\/$/.exec(path);
          if (byPath) {
            const index = Number(byPath[1]) * 12 + Number(byPath[2]);
            return html(`<a href="/calendar/${Math.floor((index + 1) / 12)}/${(index + 1) % 12}/">next</a>`, 'Calendar');
          }
          return undefined;
        },
      ),
    );
    const transport = new FetchTransport(site.origin);

    const result = await crawl({ target: site.origin, transport, maxDepth: 1000, maxPages: 1000 });

    const monthFetches = site.requests.filter((request) => request.url.startsWith('/calendar?month='));
    expect(monthFetches).toHaveLength(5);
    const pathFetches = site.requests.filter((request) => /^\/calendar\/\d+\/\d+\/$/.test(request.url));
    expect(pathFetches).toHaveLength(20);
    expect(result.budget.skippedQueryVariants).toBeGreaterThan(0);
    expect(result.budget.skippedByPattern).toBeGreaterThan(0);
    expect(result.budget.stoppedBy).toBeUndefined();
    expect(result.budget.filesFetched).toBe(1 + 3); // robots, 3 sitemap guesses
    expect(result.budget.pagesFetched).toBe(1 + 1 + 5 + 20); // home, /calendar, variants, paths
  });
});
