import { afterEach, describe, expect, it } from 'vitest';
import { crawl } from '../../src/crawl/crawl.js';
import { classifyApiHost, scanScriptText, scanSourceMap, SourceMapError } from '../../src/crawl/script-scan.js';
import { Cleanup } from '../support/loopback-server.js';
import { FetchTransport } from './support/fetch-transport.js';
import { startSite } from './support/site.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const bundle = [
  '"use strict";(self.webpackChunk=self.webpackChunk||[]).push([[1],{',
  'a:function(e,t,n){const r="abc123de",s=`https://${r}.api.sanity.io/v2021-10-21/data/query/production`;',
  'fetch("https://cdn.contentful.com/spaces/x1y2z3/environments/master/entries?limit=1");',
  'const g="https:\\/\\/graphql.datocms.com\\/";const h={uri:"https://api-eu-central-1.hygraph.com/v2/ckabc/master"};',
  'const p="https://my-repo.cdn.prismic.io/api/v2", i="https://images.prismic.io/my-repo/a.png";',
  'const sb="//api.storyblok.com/v2/cdn/stories";',
  'const w="https://www.w3.org/2000/svg".',
  '}}]);',
  '//# sourceMappingURL=main.abc123.js.map',
].join('\n');

describe('scanScriptText', () => {
  const scan = scanScriptText(bundle);

  it('finds CMS API hosts, including templated and protocol-relative ones, and not asset CDNs', () => {
    expect(scan.apiHosts).toEqual([
      { host: 'api.sanity.io', cms: 'sanity' },
      { host: 'cdn.contentful.com', cms: 'contentful' },
      { host: 'api.storyblok.com', cms: 'storyblok' },
      { host: 'my-repo.cdn.prismic.io', cms: 'prismic' },
      { host: 'graphql.datocms.com', cms: 'datocms' },
      { host: 'api-eu-central-1.hygraph.com', cms: 'hygraph' },
    ]);
  });

  it('finds absolute URLs (escaped slashes too), their hosts and the sourceMappingURL', () => {
    expect(scan.urls).toEqual([
      'https://cdn.contentful.com/spaces/x1y2z3/environments/master/entries?limit=1',
      'https://graphql.datocms.com/',
      'https://api-eu-central-1.hygraph.com/v2/ckabc/master',
      'https://my-repo.cdn.prismic.io/api/v2',
      'https://images.prismic.io/my-repo/a.png',
      'https://www.w3.org/2000/svg',
    ]);
    expect(scan.hosts).toContain('api.storyblok.com');
    expect(scan.sourceMappingUrl).toBe('main.abc123.js.map');
  });

  it('classifies hosts', () => {
    expect(classifyApiHost('p1a2b3c4.apicdn.sanity.io')).toBe('sanity');
    expect(classifyApiHost('preview.contentful.com')).toBe('contentful');
    expect(classifyApiHost('images.prismic.io')).toBeUndefined();
    expect(classifyApiHost('cdn.sanity.io')).toBeUndefined();
    expect(classifyApiHost('example.com')).toBeUndefined();
  });

  it('reads source maps and refuses what is not one', () => {
    const map = JSON.stringify({ version: 3, sources: ['webpack://app/./src/cms.ts', null], sourcesContent: ['export const api = "https://preview.contentful.com";', null] });
    expect(scanSourceMap(map)).toMatchObject({ sources: ['webpack://app/./src/cms.ts'], apiHosts: [{ host: 'preview.contentful.com', cms: 'contentful' }], truncated: false });
    expect(scanSourceMap(map, 10).truncated).toBe(true);
    expect(() => scanSourceMap('<html>')).toThrow(SourceMapError);
    expect(() => scanSourceMap('[1,2]')).toThrow(SourceMapError);
  });
});

describe('scripts and source maps in the crawl', () => {
  it('fetches same-origin bundles and their source maps, scans sourcesContent, and never fetches third-party scripts', async () => {
    const sourceMap = JSON.stringify({
      version: 3,
      file: 'main.abc123.js',
      sources: ['webpack://site/./src/lib/storyblok.ts', 'webpack://site/./src/lib/directus.ts'],
      sourcesContent: [
        'export const client = storyblokInit({ accessToken: process.env.TOKEN, apiOptions: { endpoint: "https://api-us.storyblok.com/v2" } });',
        'export const directus = createDirectus("https://acme.directus.app");',
      ],
      mappings: 'AAAA',
    });
    const site = cleanup.add(
      await startSite({
        '/': {
          type: 'text/html',
          body: `<html><head><title>Next</title>
            <script src="/_next/static/chunks/main.abc123.js" defer></script>
            <link rel="modulepreload" href="/_next/static/chunks/chunk-2.js">
            <script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>
            <script id="__NEXT_DATA__" type="application/json">{"runtimeConfig":{"cmsUrl":"https://eu-central-1.cdn.hygraph.com/content/abc/master"}}</script>
          </head><body>home</body></html>`,
        },
        '/_next/static/chunks/main.abc123.js': { type: 'application/javascript', body: bundle },
        '/_next/static/chunks/main.abc123.js.map': { type: 'application/json', body: sourceMap },
        '/_next/static/chunks/chunk-2.js': {
          type: 'application/javascript',
          body: 'console.log(1)',
          headers: { sourcemap: '/maps/chunk-2.js.map' },
        },
        '/maps/chunk-2.js.map': { type: 'application/json', body: 'not json' },
      }),
    );
    const o = site.origin;
    const transport = new FetchTransport(o);

    const result = await crawl({ target: o, transport });

    expect(result.scripts).toEqual([`${o}/_next/static/chunks/main.abc123.js`, `${o}/_next/static/chunks/chunk-2.js`]);
    expect(result.sourceMaps).toEqual([`${o}/_next/static/chunks/main.abc123.js.map`]);
    expect(result.failures).toEqual([{ url: `${o}/maps/chunk-2.js.map`, code: 'DL_BAD_RESPONSE', message: expect.stringMatching(/not JSON/) }]);
    expect(result.apiHosts).toEqual([
      'eu-central-1.cdn.hygraph.com', // inline __NEXT_DATA__
      'api.sanity.io',
      'cdn.contentful.com',
      'api.storyblok.com',
      'my-repo.cdn.prismic.io',
      'graphql.datocms.com',
      'api-eu-central-1.hygraph.com',
      'api-us.storyblok.com', // only in the source map
      'acme.directus.app', // only in the source map
    ]);
    expect(result.assetHosts).toEqual(['https://www.googletagmanager.com']);
    expect(transport.attemptsFor('https://www.googletagmanager.com')).toBe(0);
    expect(result.scriptUrls).toContain('https://acme.directus.app');
  });
});

describe('sourceMappingURL position', () => {
  it('takes only the comment that ends the bundle, not one quoted inside the code', async () => {
    const { scanScriptText } = await import('../../src/crawl/index.js');
    const quoted = 'const banner = "//# sourceMappingURL=data:application/json;base64," + encode(map);\nrun();\n';
    expect(scanScriptText(quoted).sourceMappingUrl).toBeUndefined();
    expect(scanScriptText(`${quoted}//# sourceMappingURL=app.js.map\n`).sourceMappingUrl).toBe('app.js.map');
    expect(scanScriptText('a();\n/*# sourceMappingURL=style.css.map */').sourceMappingUrl).toBe('style.css.map');
  });
});
