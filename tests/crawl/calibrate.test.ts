import { afterEach, describe, expect, it } from 'vitest';
import { calibrateHost, describe as describeCalibration, looksLikeNotFound, stripEcho } from '../../src/crawl/calibrate.js';
import { Cleanup } from '../support/loopback-server.js';
import { FetchTransport } from './support/fetch-transport.js';
import { html, startSite } from './support/site.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const spa = `<!doctype html><html><head><title>Acme</title><script type="module" src="/assets/index-4f3a.js"></script></head><body><div id="root"></div></body></html>`;

describe('calibrateHost', () => {
  it('finds no catch-all on a site with real 404s, in exactly three requests', async () => {
    const site = cleanup.add(
      await startSite({ '/about/': html('About us', 'About') }, (path) =>
        path.startsWith('/wp-json/')
          ? { status: 404, type: 'application/json', body: '{"code":"rest_no_route","message":"No route was found matching the URL and request method.","data":{"status":404}}' }
          : { status: 404, type: 'text/html', body: `<html><head><title>Page not found – Site</title></head><body>Nothing at ${path}</body></html>` },
      ),
    );
    const transport = new FetchTransport(site.origin);

    const calibration = await calibrateHost(site.origin, transport);

    expect(site.requests).toHaveLength(3);
    expect(site.requests.map((request) => request.url)).toEqual([
      expect.stringMatching(/^\/draftleak-[0-9a-f]{16}-does-not-exist$/),
      expect.stringMatching(/^\/wp-json\/draftleak-[0-9a-f]{16}$/),
      expect.stringMatching(/^\/api\/draftleak-[0-9a-f]{16}$/),
    ]);
    expect(calibration.catchAll).toBe(false);
    expect(calibration.probes.map((probe) => [probe.kind, probe.status, probe.contentType.split(';')[0]])).toEqual([
      ['page', 404, 'text/html'],
      ['wp-json', 404, 'application/json'],
      ['api', 404, 'text/html'],
    ]);
    expect(calibration.probes[0]?.title).toBe('Page not found – Site');
    expect(calibration.probes[0]?.bodyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(describeCalibration(calibration)).toBe(`${site.origin} answers unknown paths with 404`);
    const about = await transport.send({ method: 'GET', url: `${site.origin}/about/` });
    expect(looksLikeNotFound(about, calibration)).toBe(false);
  });

  it('detects a catch-all site: every path answers 200 with the same page', async () => {
    const site = cleanup.add(await startSite({}, { type: 'text/html', body: spa }));
    const transport = new FetchTransport(site.origin);

    const calibration = await calibrateHost(site.origin, transport);

    expect(calibration.catchAll).toBe(true);
    for (const path of ['/wp-json/wp/v2/posts?status=draft', '/p/1225c695-cfb8-4ebb-aaaa-80da344efa6a/', '/api/preview', '/']) {
      const response = await transport.send({ method: 'GET', url: `${site.origin}${path}` });
      expect(response.status).toBe(200);
      expect(looksLikeNotFound(response, calibration)).toBe(true);
    }
    expect(describeCalibration(calibration)).toBe(
      `${site.origin} answers 200 with the same page to every path (catch-all); findings there need content proof; unknown API paths under /wp-json/… and /api/… also answer 200/200`,
    );
  });

  it('knows a catch-all page without a title by its body alone, and not by its length', async () => {
    // No title to compare: only the body's digest says it is the host's page for missing paths.
    const catchAll = '<p>Nothing here.</p>';
    const sameLength = '<p>Draft: ours!.</p>';
    expect(sameLength.length).toBe(catchAll.length);
    const site = cleanup.add(await startSite({ '/about/': () => ({ type: 'text/html', body: sameLength }) }, () => ({ type: 'text/html', body: catchAll })));
    const transport = new FetchTransport(site.origin);

    const calibration = await calibrateHost(site.origin, transport);

    expect(calibration.catchAll).toBe(true);
    expect(calibration.probes[0]).toMatchObject({ status: 200, bytes: catchAll.length });
    expect(calibration.probes[0]?.title).toBeUndefined();
    const other = await transport.send({ method: 'GET', url: `${site.origin}/another-missing-path` });
    expect(looksLikeNotFound(other, calibration)).toBe(true);
    const about = await transport.send({ method: 'GET', url: `${site.origin}/about/` });
    expect(looksLikeNotFound(about, calibration)).toBe(false);
  });

  it('recognises a soft 404 that echoes the path, and still tells a real page apart', async () => {
    const site = cleanup.add(
      await startSite({ '/about/': html('<h1>About us</h1><p>We make things.</p>', 'About – Site') }, (path) =>
        html(`<h1>Oops</h1><p>Sorry, ${path} could not be found. Try the search.</p>`, 'Page not found – Site'),
      ),
    );
    const transport = new FetchTransport(site.origin);

    const calibration = await calibrateHost(site.origin, transport);

    expect(calibration.catchAll).toBe(true);
    expect(calibration.probes[0]).toMatchObject({ status: 200, saysNotFound: true, title: 'Page not found – Site' });
    const other = await transport.send({ method: 'GET', url: `${site.origin}/some-other-random-path-${Date.now()}` });
    expect(looksLikeNotFound(other, calibration)).toBe(true);
    const short = await transport.send({ method: 'GET', url: `${site.origin}/x` });
    expect(looksLikeNotFound(short, calibration)).toBe(true);
    const real = await transport.send({ method: 'GET', url: `${site.origin}/about/` });
    expect(looksLikeNotFound(real, calibration)).toBe(false);
    expect(describeCalibration(calibration)).toMatch(/answers unknown paths with 200 and a not-found page .*soft 404.*content proof/);
  });

  it('records failed calibration requests instead of throwing', async () => {
    const site = cleanup.add(await startSite({}));
    const origin = site.origin;
    await site.close();
    const calibration = await calibrateHost(origin, new FetchTransport(origin));
    expect(calibration.probes).toEqual([]);
    expect(calibration.failures.map((failure) => failure.code)).toEqual(['DL_CONNECTION_FAILED', 'DL_CONNECTION_FAILED', 'DL_CONNECTION_FAILED']);
    expect(describeCalibration(calibration)).toMatch(/could not be calibrated/);
  });
});

describe('stripEcho', () => {
  it('removes the URL, path and token in their encoded, escaped and JSON forms', () => {
    const url = 'https://h.example/draftleak-0123456789abcdef-does-not-exist?a=1&b=2';
    const body = [url, '/draftleak-0123456789abcdef-does-not-exist?a=1&amp;b=2', 'https:\\/\\/h.example\\/draftleak-0123456789abcdef-does-not-exist', 'x'].join('|');
    expect(stripEcho(body, [url], [])).toBe('|||x');
  });
});

describe('calibration under a path prefix', () => {
  it('a site under /blog/ is calibrated there too, so its own soft 404 is recognised', async () => {
    // The origin answers real 404s; the blog under /blog/ answers 200 "Nothing found" pages.
    const blogSoft404 = (path: string) => `<html><head><title>Nothing found – Blog</title></head><body>No post at ${path}</body></html>`;
    const site = cleanup.add(
      await startSite({}, (path) =>
        path.startsWith('/blog/') ? { status: 200, type: 'text/html', body: blogSoft404(path) } : { status: 404, type: 'text/html', body: '<html><head><title>404</title></head><body>Not here</body></html>' },
      ),
    );
    const transport = new FetchTransport(site.origin);
    const calibration = await calibrateHost(`${site.origin}/blog/`, transport);
    expect(site.requests.map((request) => request.url)).toEqual([
      expect.stringMatching(/^\/draftleak-[0-9a-f]{16}-does-not-exist$/),
      expect.stringMatching(/^\/wp-json\/draftleak-[0-9a-f]{16}$/),
      expect.stringMatching(/^\/api\/draftleak-[0-9a-f]{16}$/),
      expect.stringMatching(/^\/blog\/draftleak-[0-9a-f]{16}-does-not-exist$/),
      expect.stringMatching(/^\/blog\/wp-json\/draftleak-[0-9a-f]{16}$/),
    ]);
    const probe = await transport.send({ method: 'GET', url: `${site.origin}/blog/?p=123` });
    expect(probe.status).toBe(200);
    expect(looksLikeNotFound(probe, calibration)).toBe(true);
    // Calibrated at the origin only, the same answer looked like content.
    const originOnly = await calibrateHost(site.origin, transport);
    expect(looksLikeNotFound(probe, originOnly)).toBe(false);
  });
});
