import { tempDir } from '../support/temp-dir.js';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRulesDir, loadRules, runRule, type LoadedRule } from '../../src/engine/index.js';
import type { HttpRequest, HttpResponse, Transport } from '../../src/core/http-types.js';
import { startDemoSites, type DemoSites } from '../../src/demo/demo-site.js';

const siteNames = ['directus', 'media-bucket', 'strapi', 'wordpress'];

/** A minimal transport over global fetch that refuses anything but loopback. */
const loopbackTransport: Transport = {
  async send(request: HttpRequest): Promise<HttpResponse> {
    if (new URL(request.url).hostname !== '127.0.0.1') throw new Error(`test transport only talks to 127.0.0.1, not ${request.url}`);
    const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, redirect: 'manual' });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    const body = await response.text();
    return {
      requestedUrl: request.url,
      url: request.url,
      status: response.status,
      statusText: response.statusText,
      headers,
      body,
      truncated: false,
      bytes: Buffer.byteLength(body),
      redirects: [],
      durationMs: 0,
    };
  },
};

let demo: DemoSites;

beforeAll(async () => {
  demo = await startDemoSites();
});

afterAll(async () => {
  await demo?.close();
});

describe('demo sites', () => {
  it('starts every site on its own loopback port', async () => {
    expect(demo.sites.map((site) => site.name)).toEqual(siteNames);
    const ports = new Set<string>();
    for (const site of demo.sites) {
      expect(site.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(site.description.length).toBeGreaterThan(10);
      expect(`${demo.origin(site.name)}/`).toBe(site.url);
      ports.add(new URL(site.url).port);
    }
    expect(ports.size).toBe(siteNames.length);
    expect(() => demo.origin('joomla')).toThrow(/no demo site named "joomla"/);
  });

  it('answers an exact route with its status, headers and body', async () => {
    const ping = await fetch(`${demo.origin('directus')}/server/ping`);
    expect(ping.status).toBe(200);
    expect(ping.headers.get('x-powered-by')).toBe('Directus');
    expect(await ping.text()).toBe('pong');

    const health = await fetch(`${demo.origin('strapi')}/_health`);
    expect(health.status).toBe(204);
    expect(health.headers.get('strapi')).toBe('You are so French!');
    expect(health.headers.get('x-powered-by')).toBe('Strapi <strapi.io>');

    const posts = await fetch(`${demo.origin('wordpress')}/wp-json/wp/v2/posts?per_page=100`);
    expect(posts.status).toBe(200);
    expect(posts.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect(posts.headers.get('x-wp-total')).toBe('5');
    const list = (await posts.json()) as { id: number; status: string }[];
    expect(list.map((post) => `${post.id}:${post.status}`)).toEqual(['61:future', '59:draft', '57:draft', '41:publish', '38:publish']);

    const hero = await fetch(`${demo.origin('media-bucket')}/uploads/2026/10/hero.jpg`);
    expect(hero.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await hero.arrayBuffer());
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  });

  it('matches the query after percent-decoding, so [ ] may be escaped or not', async () => {
    const raw = await fetch(`${demo.origin('strapi')}/api/articles?status=draft&sort=updatedAt:desc&pagination[pageSize]=100`);
    const escaped = await fetch(`${demo.origin('strapi')}/api/articles?status=draft&sort=updatedAt%3Adesc&pagination%5BpageSize%5D=100`);
    expect(raw.status).toBe(200);
    expect(escaped.status).toBe(200);
    expect(await escaped.text()).toBe(await raw.text());
  });

  it("answers unknown paths with the site's own not-found response", async () => {
    const wordpress = await fetch(`${demo.origin('wordpress')}/no-such-page/`);
    expect(wordpress.status).toBe(404);
    expect(wordpress.headers.get('link')).toBe(`<${demo.origin('wordpress')}/wp-json/>; rel="https://api.w.org/"`);
    expect(await wordpress.text()).toContain('<title>Page not found &#8211; Lakeside Gazette</title>');

    const strapi = await fetch(`${demo.origin('strapi')}/api/nothing`);
    expect(strapi.status).toBe(404);
    expect(await strapi.json()).toEqual({ data: null, error: { status: 404, name: 'NotFoundError', message: 'Not Found', details: {} } });

    const directus = await fetch(`${demo.origin('directus')}/x?y=1`);
    expect(directus.status).toBe(404);
    expect(await directus.json()).toEqual({ errors: [{ message: "Route /x doesn't exist.", extensions: { code: 'ROUTE_NOT_FOUND' } }] });

    const bucket = await fetch(`${demo.origin('media-bucket')}/uploads/missing.png`);
    expect(bucket.status).toBe(404);
    expect(bucket.headers.get('server')).toBe('MinIO');
    const xml = await bucket.text();
    expect(xml).toContain('<Code>NoSuchKey</Code>');
    expect(xml).toContain('<Resource>/site-media/uploads/missing.png</Resource>');
  });

  it('is exact about the query: another query, order or trailing slash is not found', async () => {
    const origin = demo.origin('wordpress');
    for (const target of ['/wp-json/wp/v2/posts?per_page=10', '/wp-json/wp/v2/posts', '/wp-json/wp/v2/posts?per_page=100&page=1', '/wp-content/uploads', '/?p=57']) {
      const response = await fetch(`${origin}${target}`);
      expect(response.status, target).toBe(404);
      expect(await response.text(), target).toContain('Page not found');
    }
    const reordered = await fetch(`${demo.origin('strapi')}/api/articles?pagination[pageSize]=100&status=draft`);
    expect(reordered.status).toBe(404);
  });

  it('substitutes {{origin}} and {{site:<name>}} in bodies and headers', async () => {
    const home = await (await fetch(`${demo.origin('wordpress')}/`)).text();
    expect(home).toContain('<meta name="generator" content="WordPress 6.1.9" />');
    expect(home).toContain(`<img decoding="async" src="${demo.origin('media-bucket')}/uploads/2026/10/hero.jpg"`);
    expect(home).toContain(`href="${demo.origin('wordpress')}/autumn-ferry-schedule/"`);
    expect(home).not.toContain('{{');

    const index = (await (await fetch(`${demo.origin('wordpress')}/wp-json/`)).json()) as { url: string; namespaces: string[] };
    expect(index.url).toBe(demo.origin('wordpress'));
    expect(index.namespaces).toContain('wp/v2');

    const robots = await fetch(`${demo.origin('wordpress')}/robots.txt`);
    expect(robots.headers.get('link')).toBe(`<${demo.origin('wordpress')}/wp-json/>; rel="https://api.w.org/"`);
    expect(await robots.text()).toContain(`Sitemap: ${demo.origin('wordpress')}/wp-sitemap.xml`);
  });

  it('answers HEAD like GET but without a body', async () => {
    const url = `${demo.origin('wordpress')}/wp-content/uploads/`;
    const get = await fetch(url);
    const getBody = await get.text();
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(getBody)));
    expect(await head.text()).toBe('');

    const missing = await fetch(`${demo.origin('strapi')}/nothing`, { method: 'HEAD' });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('');
  });

  it('records the requests each site received', async () => {
    await fetch(`${demo.origin('directus')}/items/article?fields=*`, { method: 'HEAD' });
    expect(demo.requests('directus')).toContain('HEAD /items/article?fields=*');
    expect(demo.requests('directus')).toContain('GET /server/ping');
    expect(demo.requests('media-bucket')).not.toContain('GET /server/ping');
  });
});

describe('built-in rules against the demo sites', () => {
  let rules: LoadedRule[];
  beforeAll(async () => {
    const loaded = await loadRules([builtinRulesDir]);
    expect(loaded.errors.map((error) => error.message)).toEqual([]);
    rules = loaded.rules;
  });

  /** The site each built-in rule is meant to fire on (null: no demo site shows it). */
  const intended: Record<string, string | null> = {
    'strapi-v4-preview-drafts': null, // the demo Strapi is version 5
    // Shown by the real-CMS lab (tests/lab), not by the demo sites:
    'wp-debug-log-exposed': null,
    'wp-config-backup-exposed': null,
    'scheduled-content-public-early': null,
    'strapi-public-upload-list': null,
    'strapi-public-upload-draft-media': null,
    'directus-public-items-unpublished': null,
    'payload-public-drafts': null,
    'ghost-preview-link-leaked': null,
    'ghost-draft-images-public': null,
    // No demo site runs Drupal or Joomla; their rules fire on no demo site:
    'drupal-jsonapi-unpublished-nodes': null,
    'drupal-unpublished-node-class': null,
    'joomla-cve-2023-23752-config': null,
    'joomla-api-unpublished-articles': null,
    'wp-rest-unpublished-posts': 'wordpress',
    'wp-uploads-directory-listing': 'wordpress',
    // The same listable uploads folder, read by month: the demo's media month is listed too.
    'wp-uploads-month-listing': 'wordpress',
    // The pre_get_posts snippet widens the home page's query too: its post_class() says so.
    'wp-unpublished-status-classes': 'wordpress',
    // The demo WordPress has pretty permalinks and answers /wp-json/ itself, so the ?rest_route=
    // form is not asked for its lists (wp-rest-unpublished-posts judges them).
    'wp-rest-route-unpublished-posts': null,
    // Needs the published ids discovery reads (no site document here); the demo serves no
    // single-item routes. Shown by its cases and by the lab's rest-drafts state.
    'wp-rest-single-unpublished-by-id': null,
    'strapi-v5-public-drafts': 'strapi',
    'strapi-v5-public-draft-edits': 'strapi',
    'directus-public-files-list': 'directus',
    's3-bucket-listing': 'wordpress',
  };

  it('every built-in rule fires on its site and on no other', async () => {
    // A rule not listed is meant to fire on no demo site: the demo shows five CMS exposures, and
    // the other rules (Drupal, AEM, the headless vendors...) must stay silent on all of them.
    for (const { rule } of rules) if (!(rule.id in intended)) intended[rule.id] = null;
    const matrix: Record<string, Record<string, number>> = {};
    for (const { rule } of rules) {
      matrix[rule.id] = {};
      for (const site of siteNames) {
        const outcome = await runRule(rule, { target: demo.sites.find((entry) => entry.name === site)?.url ?? '', transport: loopbackTransport });
        expect(outcome.failures, `${rule.id} on ${site}`).toEqual([]);
        matrix[rule.id]![site] = outcome.findings.length;
      }
    }
    const expected = Object.fromEntries(
      rules.map(({ rule }) => [rule.id, Object.fromEntries(siteNames.map((name) => [name, name === intended[rule.id] ? 1 : 0]))]),
    );
    expect(matrix).toEqual(expected);
  });

  it('the findings name the unpublished items and files', async () => {
    const run = async (ruleId: string, site: string) => {
      const loaded = rules.find(({ rule }) => rule.id === ruleId);
      if (!loaded) throw new Error(`no rule ${ruleId}`);
      const outcome = await runRule(loaded.rule, { target: `${demo.origin(site)}/`, transport: loopbackTransport });
      expect(outcome.findings).toHaveLength(1);
      return outcome.findings[0]!;
    };
    const wp = demo.origin('wordpress');

    const posts = await run('wp-rest-unpublished-posts', 'wordpress');
    expect(posts.url).toBe(`${wp}/wp-json/wp/v2/posts?per_page=100`);
    expect(posts.items).toEqual([
      { id: '61', status: 'future', date: '2031-03-02T09:00:00', url: `${wp}/?p=61` },
      { id: '59', status: 'draft', date: '2026-11-27T18:40:05', url: `${wp}/?p=59` },
      { id: '57', status: 'draft', date: '2026-11-20T11:25:43', url: `${wp}/?p=57` },
    ]);

    // The home page shows the scheduled post and both drafts; the two published posts beside them
    // are not named.
    const classes = await run('wp-unpublished-status-classes', 'wordpress');
    expect(classes.url).toBe(`${wp}/`);
    expect(classes.items).toEqual([
      { id: '61', status: 'future', url: `${wp}/` },
      { id: '59', status: 'draft', url: `${wp}/` },
      { id: '57', status: 'draft', url: `${wp}/` },
    ]);

    const uploads = await run('wp-uploads-directory-listing', 'wordpress');
    expect(uploads.items).toEqual([{ url: `${wp}/wp-content/uploads/2026/` }]);

    // The never-published drafts only; the published "Spring menu" has a draft version too, which
    // is its unpublished edit, named by the edits rule and by no other.
    const strapi = await run('strapi-v5-public-drafts', 'strapi');
    expect(strapi.url).toBe(`${demo.origin('strapi')}/api/articles?status=draft&sort=updatedAt:desc&pagination[pageSize]=100`);
    expect(strapi.items.map((item) => `${item.id}:${item.status}`)).toEqual(['pw7ypqda91jcda662x4dfwaa:draft', 'k4wmv1sceh14yhdtv9jjrqg4:draft']);
    const edits = await run('strapi-v5-public-draft-edits', 'strapi');
    expect(edits.items.map((item) => `${item.id}:${item.status}`)).toEqual(['wmf9y05w2xx6kwx9e0cgxb0s:unpublished-edit']);

    const directus = await run('directus-public-files-list', 'directus');
    expect(directus.message).toContain('3 Directus file(s)');
    expect(directus.items[0]).toEqual({
      id: '8b518655-9ce4-43af-b55a-23ef9569de65',
      date: '2026-11-26T15:02:44.183Z',
      url: `${demo.origin('directus')}/assets/8b518655-9ce4-43af-b55a-23ef9569de65`,
    });
    const asset = await fetch(directus.items[0]!.url!);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('image/png');

    const bucket = await run('s3-bucket-listing', 'wordpress');
    const bucketOrigin = demo.origin('media-bucket');
    expect(bucket.url).toBe(`${bucketOrigin}/`);
    expect(bucket.items.map((item) => item.url)).toContain(`${bucketOrigin}/uploads/2026/11/launch-embargoed.png`);
    expect(bucket.items).toHaveLength(4);
    // Every object the listing names can be fetched.
    for (const item of bucket.items) expect((await fetch(item.url!)).status, item.url).toBe(200);
  });
});

describe('site.yaml validation', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('demo');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function writeSite(root: string, name: string, yaml: string): Promise<void> {
    await mkdir(path.join(root, name), { recursive: true });
    await writeFile(path.join(root, name, 'site.yaml'), yaml);
  }

  it('a bad file throws an error naming the file, line and field', async () => {
    const root = path.join(dir, 'bad-status');
    await writeSite(root, 'shop', 'name: shop\ndescription: a shop\nnot_found: { status: 404 }\nroutes:\n  - path: /x\n    status: "200"\n');
    const error: unknown = await startDemoSites({ fixturesDir: root }).then(
      () => null,
      (caught: unknown) => caught,
    );
    if (!(error instanceof Error)) throw new Error('expected startDemoSites to reject');
    expect(error.message).toContain(path.join(root, 'shop', 'site.yaml'));
    expect(error.message).toMatch(/line 6:\d+: routes\.0\.status: /);
  });

  it('rejects unknown keys, two bodies, a name that is not the folder and an unknown {{site:…}}', async () => {
    const cases: [string, string, RegExp][] = [
      ['unknown-key', 'name: a\ndescription: d\nnot_found: { status: 404 }\nroutes: [{ path: /, status: 200, bdy: x }]\n', /routes\.0\.bdy: unknown key "bdy"/],
      ['two-bodies', 'name: a\ndescription: d\nnot_found: { status: 404, body: x, json: {} }\n', /not_found\.json: give only one of body, json and body_file/],
      ['wrong-name', 'name: b\ndescription: d\nnot_found: { status: 404 }\n', /name: "b" must equal the folder name "a"/],
      ['bad-site-ref', 'name: a\ndescription: d\nnot_found: { status: 404, body: "{{site:nowhere}}" }\n', /no demo site is named "nowhere"/],
      ['missing-file', 'name: a\ndescription: d\nnot_found: { status: 404, body_file: files/none.html }\n', /not_found\.body_file: cannot read "files\/none\.html"/],
      ['escape', 'name: a\ndescription: d\nnot_found: { status: 404, body_file: ../../etc/passwd }\n', /not_found\.body_file: must be a relative path inside the site folder/],
    ];
    for (const [label, yaml, pattern] of cases) {
      const root = path.join(dir, label);
      await writeSite(root, 'a', yaml);
      await expect(startDemoSites({ fixturesDir: root }), label).rejects.toThrow(pattern);
    }
  });
});

describe('close()', () => {
  it('stops every server; requests afterwards fail', async () => {
    const sites = await startDemoSites();
    const urls = sites.sites.map((site) => site.url);
    expect((await fetch(urls[0]!)).status).toBeGreaterThan(0);
    await sites.close();
    await sites.close();
    for (const url of urls) await expect(fetch(url), url).rejects.toThrow();
  });
});
