import { createHash } from 'node:crypto';
import { http, HttpResponse as MswResponse, type RequestHandler } from 'msw';
import { ProbeError } from '../../src/core/errors.js';
import { tokenFingerprint } from '../../src/engine/functions.js';

/**
 * Loopback front-ends that imitate a Next.js site on each hosted headless CMS (issue 13), and
 * msw stand-ins for the vendors' APIs written from their documented answers. Every token here is
 * made up; a variant picks what the vendor stand-in says of it: `good` is accepted (the vendor's
 * documented 200), `bad` is refused (its documented 401/403 error), `slow` never answers (the
 * handler throws a timeout).
 */

export type Variant = 'good' | 'bad' | 'slow';
export type VendorId = 'contentful' | 'sanity' | 'storyblok' | 'prismic' | 'hygraph' | 'datocms' | 'contentstack' | 'kontent-ai';
export const vendorIds: VendorId[] = ['contentful', 'sanity', 'storyblok', 'prismic', 'hygraph', 'datocms', 'contentstack', 'kontent-ai'];
export const variants: Variant[] = ['good', 'bad', 'slow'];

const digest = (seed: string): Buffer => createHash('sha256').update(seed).digest();
const b64url = (seed: string): string => digest(seed).toString('base64url'); // 43 characters
const alnum = (seed: string, length: number): string => {
  let out = '';
  for (let i = 0; out.length < length; i += 1) out += b64url(`${seed}/${i}`).replace(/[-_]/g, '');
  return out.slice(0, length);
};
const hex = (seed: string, length: number): string => {
  let out = '';
  for (let i = 0; out.length < length; i += 1) out += digest(`${seed}/${i}`).toString('hex');
  return out.slice(0, length);
};
const base64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

// Hygraph signs its Permanent Auth Tokens with this header (kid gcms-main-production).
const hygraphHeader = base64url('{"alg":"RS256","typ":"JWT","kid":"gcms-main-production"}');
// Kontent.ai's API keys: a CRLF-indented JSON header and payload, HS256.
const kontentHeader = base64url('{\r\n  "alg": "HS256",\r\n  "typ": "JWT"\r\n}');

/** The made-up token of a vendor for a variant, in the vendor's own format. */
export function tokenFor(vendor: VendorId, variant: Variant): string {
  const seed = `draftleak-headless-${vendor}-${variant}`;
  switch (vendor) {
    case 'contentful':
      return b64url(seed); // 43 of [A-Za-z0-9_-], as CDA/CPA tokens
    case 'sanity':
      return `sk${alnum(seed, 84)}`;
    case 'storyblok':
      return `${alnum(seed, 22)}tt`;
    case 'prismic':
      return `MC5${alnum(seed, 24)}.${b64url(`${seed}.sig`)}`;
    case 'hygraph':
      return `${hygraphHeader}.${base64url(JSON.stringify({ version: 3, iat: 1767225600, aud: ['https://api-eu-central-1.hygraph.com/v2/clq3v8w2x0f1a01uk7h9d4b2e/master'], iss: 'https://management.hygraph.com/', sub: hex(seed, 24), jti: hex(seed, 25) }))}.${alnum(`${seed}.sig`, 120)}`;
    case 'datocms':
      return hex(seed, 30);
    case 'contentstack':
      return `cs${hex(seed, 32)}`;
    case 'kontent-ai':
      return `${kontentHeader}.${base64url(`{\r\n  "jti": "${hex(seed, 32)}",\r\n  "iat": "1767225600",\r\n  "exp": "2082758400",\r\n  "project_id": "4f1e2c3a7b6d01029c8e5a4b3c2d1e0f",\r\n  "ver": "2.1.0",\r\n  "aud": "preview.deliver.kenticocloud.com"\r\n}`)}.${b64url(`${seed}.sig`)}`;
  }
}

/** The public delivery token a correctly configured site ships, where the vendor has one. */
export function publicTokenFor(vendor: VendorId): string | undefined {
  const seed = `draftleak-headless-${vendor}-public`;
  if (vendor === 'contentful') return b64url(seed);
  if (vendor === 'storyblok') return `${alnum(seed, 22)}tt`;
  if (vendor === 'datocms') return hex(seed, 30);
  if (vendor === 'contentstack') return `cs${hex(seed, 32)}`;
  return undefined;
}

export const spaceId = 'k8q2z9x4m1pw';
export const sanityProject = 'q3x7k2ma';
export const prismicRepo = 'journal-lab';
export const hygraphEndpoint = 'https://eu-central-1.cdn.hygraph.com/content/clq3v8w2x0f1a01uk7h9d4b2e/master';
export const contentstackKey = 'blt3a9e7c1d5f2b8046';
export const kontentEnv = '4f1e2c3a-7b6d-0102-9c8e-5a4b3c2d1e0f';

/** What the built-in rule of each vendor calls the token it names. */
export const expected: Record<VendorId, { rule: string; status: string }> = {
  contentful: { rule: 'contentful-preview-token-exposed', status: 'preview-token' },
  sanity: { rule: 'sanity-api-token-exposed', status: 'api-token' },
  storyblok: { rule: 'storyblok-preview-token-exposed', status: 'preview-token' },
  prismic: { rule: 'prismic-access-token-exposed', status: 'access-token' },
  hygraph: { rule: 'hygraph-permanent-auth-token-exposed', status: 'permanent-auth-token' },
  datocms: { rule: 'datocms-draft-token-exposed', status: 'preview-token' },
  contentstack: { rule: 'contentstack-preview-token-exposed', status: 'preview-token' },
  'kontent-ai': { rule: 'kontent-ai-preview-key-exposed', status: 'preview-token' },
};

export const masked = (token: string): string => tokenFingerprint(token);

/**
 * The CMS client configuration the front-end ships, as a JS object literal (the bundle writes it
 * so; the page's __NEXT_DATA__ carries the same as JSON, the source map as escaped source).
 * `leaky`: the vendor's preview/draft-capable credential. Otherwise: what the vendor documents for
 * public client code (a delivery token reading published content only, or no token).
 */
function clientConfig(vendor: VendorId, leaky: boolean, token: string): Record<string, unknown> {
  switch (vendor) {
    case 'contentful':
      return leaky
        ? { contentful: { space: spaceId, environment: 'master', previewAccessToken: token, host: 'preview.contentful.com' } }
        : { contentful: { space: spaceId, environment: 'master', accessToken: publicTokenFor(vendor), host: 'cdn.contentful.com' } };
    case 'sanity':
      return leaky
        ? { sanity: { projectId: sanityProject, dataset: 'production', apiVersion: '2025-02-19', useCdn: false, perspective: 'drafts', token } }
        : { sanity: { projectId: sanityProject, dataset: 'production', apiVersion: '2025-02-19', useCdn: true, perspective: 'published' } };
    case 'storyblok':
      return leaky
        ? { storyblok: { previewToken: token, region: 'eu', version: 'draft' } }
        : { storyblok: { accessToken: publicTokenFor(vendor), region: 'eu', version: 'published' } };
    case 'prismic':
      return leaky ? { prismic: { repositoryName: prismicRepo, accessToken: token } } : { prismic: { repositoryName: prismicRepo } };
    case 'hygraph':
      return leaky ? { hygraph: { endpoint: hygraphEndpoint, token, stage: 'DRAFT' } } : { hygraph: { endpoint: hygraphEndpoint, stage: 'PUBLISHED' } };
    case 'datocms':
      return leaky
        ? { datocms: { token, includeDrafts: true, endpoint: 'https://graphql.datocms.com/' } }
        : { datocms: { token: publicTokenFor(vendor), endpoint: 'https://graphql.datocms.com/' } };
    case 'contentstack':
      return leaky
        ? { contentstack: { api_key: contentstackKey, delivery_token: publicTokenFor(vendor), environment: 'production', live_preview: { enable: true, preview_token: token, host: 'rest-preview.contentstack.com' } } }
        : { contentstack: { api_key: contentstackKey, delivery_token: publicTokenFor(vendor), environment: 'production', host: 'cdn.contentstack.io' } };
    case 'kontent-ai':
      return leaky ? { kontent: { environmentId: kontentEnv, previewApiKey: token, defaultQueryConfig: { usePreviewMode: true } } } : { kontent: { environmentId: kontentEnv } };
  }
}

/** An asset of the vendor on the page (the fingerprints' passive signals read these). */
const assetOf: Record<VendorId, string> = {
  contentful: `https://images.ctfassets.net/${spaceId}/4bT3x1YwQk/9f1c2d3e4a5b6c7d8e9f0a1b2c3d4e5f/cover.jpg`,
  sanity: `https://cdn.sanity.io/images/${sanityProject}/production/3f9a1c2b4d5e6f708192a3b4c5d6e7f8-1200x800.jpg`,
  storyblok: 'https://a.storyblok.com/f/287453/1200x800/3c1d2e4f5a/cover.jpg',
  prismic: `https://images.prismic.io/${prismicRepo}/Zk3mQ_cover.jpg?auto=format`,
  hygraph: 'https://eu-central-1.graphassets.com/AbCdEf123/cover.jpg',
  datocms: 'https://www.datocms-assets.com/104729/1767225600-cover.jpg',
  contentstack: `https://images.contentstack.io/v3/assets/${contentstackKey}/blt0c2e4a6b8d1f3a57/6789abcd/cover.jpg`,
  'kontent-ai': `https://assets-eu-01.kc-usercontent.com/${kontentEnv}/2b4d6f81-3a5c-4e7f-9b1d-0c2e4a6b8d1f/cover.jpg`,
};

/** The call the bundle makes, so each vendor's API host is named as the SDK would. */
const fetchOf: Record<VendorId, string> = {
  contentful: 'fetch("https://" + cfg.contentful.host + "/spaces/" + cfg.contentful.space + "/environments/master/entries")',
  sanity: `fetch("https://${sanityProject}.api.sanity.io/v2025-02-19/data/query/production?query=" + encodeURIComponent(q))`,
  storyblok: 'fetch("https://api.storyblok.com/v2/cdn/stories/" + slug)',
  prismic: `fetch("https://${prismicRepo}.cdn.prismic.io/api/v2")`,
  hygraph: 'fetch(cfg.hygraph.endpoint, { method: "POST" })',
  datocms: 'fetch("https://graphql.datocms.com/", { method: "POST" })',
  contentstack: 'fetch("https://cdn.contentstack.io/v3/content_types/blog_post/entries")',
  'kontent-ai': `fetch("https://deliver.kontent.ai/${kontentEnv}/items")`,
};

/** A JS object literal with unquoted identifier keys, as minifiers print config objects. */
function jsLiteral(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jsLiteral).join(',')}]`;
  return `{${Object.entries(value as Record<string, unknown>).map(([key, inner]) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)}:${jsLiteral(inner)}`).join(',')}}`;
}

export interface SitePlan {
  vendor: VendorId;
  /** The preview/draft credential is shipped (else only what is public by design). */
  leaky: boolean;
  variant: Variant;
  /** A Next.js Draft Mode route on the site: `open` enables draft mode for anyone. */
  draftRoute?: 'open' | 'secret';
}

export interface SiteResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const bundlePath = '/_next/static/chunks/pages/_app-5f2c9e1b7a3d4c60.js';
export const mapPath = `${bundlePath}.map`;
export const draftSecret = 'r8Kq2vN5xW1zL7mP4tY9bC3dF6hJ0sQe';
/** The value the open draft route sets as __prerender_bypass (masked in findings too). */
export const bypassValue = hex('draftleak-headless-bypass', 32);

/** Every document of one front-end: the page, its bundle, the bundle's source map, the routes. */
export function sitePages(plan: SitePlan): Map<string, SiteResponse> {
  const token = tokenFor(plan.vendor, plan.variant);
  const config = clientConfig(plan.vendor, plan.leaky, token);
  const source = [
    `// lib/cms.js: the ${plan.vendor} client of the site`,
    `export const cfg = ${jsLiteral(config)};`,
    `export async function load(slug, q) { return ${fetchOf[plan.vendor]}.then((r) => r.json()); }`,
  ].join('\n');
  const bundle = `(self.webpackChunk_N_E=self.webpackChunk_N_E||[]).push([[888],{6840:function(e,t,n){"use strict";n.r(t);var cfg=${jsLiteral(config)};t.load=function(slug,q){return ${fetchOf[plan.vendor]}.then(function(r){return r.json()})}}}]);\n//# sourceMappingURL=_app-5f2c9e1b7a3d4c60.js.map`;
  const map = JSON.stringify({ version: 3, file: '_app-5f2c9e1b7a3d4c60.js', sources: ['webpack://_N_E/./lib/cms.js'], sourcesContent: [source], mappings: 'AAAA;AACA', names: [] });
  const nextData = JSON.stringify({ props: { pageProps: { posts: [{ slug: 'hello-world', title: 'Hello world' }], cms: config }, __N_SSG: true }, page: '/', query: {}, buildId: 'Vq3x9LmB2kZt7RfY1nWcH', isFallback: false, gsp: true, scriptLoader: [] });
  const html = `<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/><title>Journal</title><link rel="preload" href="${bundlePath}" as="script"/></head><body><div id="__next"><main><h1>Journal</h1><img src="${assetOf[plan.vendor]}" alt=""/><a href="/about">About</a></main></div><script id="__NEXT_DATA__" type="application/json">${nextData}</script><script src="${bundlePath}" defer=""></script></body></html>`;
  const about = `<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/><title>About</title></head><body><div id="__next"><main><h1>About</h1></main></div><script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{},"__N_SSG":true},"page":"/about","query":{},"buildId":"Vq3x9LmB2kZt7RfY1nWcH","isFallback":false,"gsp":true,"scriptLoader":[]}</script><script src="${bundlePath}" defer=""></script></body></html>`;
  const pages = new Map<string, SiteResponse>([
    ['/', { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'x-powered-by': 'Next.js' }, body: html }],
    ['/about', { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'x-powered-by': 'Next.js' }, body: about }],
    [bundlePath, { status: 200, headers: { 'content-type': 'application/javascript; charset=UTF-8' }, body: bundle }],
    [mapPath, { status: 200, headers: { 'content-type': 'application/json' }, body: map }],
  ]);
  if (plan.draftRoute !== undefined) pages.set('/api/draft', { status: 0, headers: {}, body: plan.draftRoute });
  return pages;
}

const notFound: SiteResponse = {
  status: 404,
  headers: { 'content-type': 'text/html; charset=utf-8', 'x-powered-by': 'Next.js' },
  body: '<!DOCTYPE html><html><head><title>404: This page could not be found</title></head><body><div id="__next"><h1>404</h1><h2>This page could not be found.</h2></div></body></html>',
};

/** The answer of one front-end to a request (path and query as the server received them). */
export function answer(pages: Map<string, SiteResponse>, rawUrl: string): SiteResponse {
  const url = new URL(rawUrl, 'http://site.invalid');
  const page = pages.get(url.pathname);
  if (page === undefined) return notFound;
  if (url.pathname !== '/api/draft') return page;
  // A Next.js Route Handler calling draftMode().enable(): the open one for anyone, the other only
  // with its secret (the guides' 401 "Invalid token" otherwise).
  if (page.body === 'secret' && url.searchParams.get('secret') !== draftSecret) {
    return { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Invalid token' };
  }
  return {
    status: 200,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'set-cookie': `__prerender_bypass=${bypassValue}; Path=/; HttpOnly; Secure; SameSite=None` },
    body: 'Draft mode is enabled',
  };
}

/** Which variant a token is, so a vendor stand-in answers it as documented. */
function variantOf(vendor: VendorId, token: string | null | undefined): Variant | undefined {
  return variants.find((variant) => tokenFor(vendor, variant) === token);
}

const bearer = (request: Request): string | undefined => request.headers.get('authorization')?.replace(/^Bearer /, '');

/** A timeout, as the real transport reports a vendor that does not answer. */
function timeout(request: Request): never {
  throw new ProbeError('DL_HEADERS_TIMEOUT', request.url, 'no response headers within 10000 ms');
}

/**
 * The vendor APIs the verify steps call, answering from each vendor's documentation: a token
 * of the `good` variant is accepted, `bad` gets the documented refusal, `slow` times out.
 */
export const vendorHandlers: RequestHandler[] = [
  // Contentful Content Preview API (contentful.com/developers/docs/references/content-preview-api,
  // authentication: 401 AccessTokenInvalid).
  http.get(`https://preview.contentful.com/spaces/${spaceId}/environments/master/entries`, ({ request }) => {
    const variant = variantOf('contentful', bearer(request) ?? new URL(request.url).searchParams.get('access_token'));
    if (variant === 'slow') timeout(request);
    if (variant === 'good') return MswResponse.json({ sys: { type: 'Array' }, total: 7, skip: 0, limit: 1, items: [{ sys: { id: '2Xc9aQ1wLm', type: 'Entry', revision: 0 }, fields: {} }] });
    return MswResponse.json({ sys: { type: 'Error', id: 'AccessTokenInvalid' }, message: 'The access token you sent could not be found or is invalid.', requestId: 'a1b2c3' }, { status: 401 });
  }),
  // Sanity Query API (sanity.io/docs/http-reference/query; unknown token: 401 SIO-401-ANF).
  http.get(`https://${sanityProject}.api.sanity.io/:version/data/query/:dataset`, ({ request }) => {
    const variant = variantOf('sanity', bearer(request));
    if (variant === 'slow') timeout(request);
    if (variant === 'good') return MswResponse.json({ query: 'count(*[_id in path("drafts.**")])', result: 4, ms: 3 });
    return MswResponse.json({ statusCode: 401, error: 'Unauthorized', message: 'Session not found', errorCode: 'SIO-401-ANF' }, { status: 401 });
  }),
  // Storyblok Content Delivery API v2 (version=draft needs a Preview token; else 401).
  http.get('https://api.storyblok.com/v2/cdn/stories', ({ request }) => {
    const url = new URL(request.url);
    const variant = variantOf('storyblok', url.searchParams.get('token'));
    if (variant === 'slow') timeout(request);
    if (variant === 'good' && url.searchParams.get('version') === 'draft') {
      return MswResponse.json({ stories: [{ id: 4401, uuid: '0b7d2c3e-1f4a-4e9b-9a21-5d7c8e6f1a20', full_slug: 'blog/spring-launch', published_at: null, first_published_at: null }], cv: 1767225600, rels: [], links: [] });
    }
    return MswResponse.json({ error: 'Unauthorized' }, { status: 401 });
  }),
  // Prismic Repository API (prismic.io/docs/repository-api-technical-reference): refs with a
  // release for a master+releases token; a token it does not know: 401 with the OAuth links.
  http.get(`https://${prismicRepo}.cdn.prismic.io/api/v2`, ({ request }) => {
    const variant = variantOf('prismic', new URL(request.url).searchParams.get('access_token'));
    if (variant === 'slow') timeout(request);
    if (variant === 'good') {
      return MswResponse.json({
        refs: [
          { id: 'master', ref: 'ZV0zPwAAACIAa6Kl', label: 'Master', isMasterRef: true },
          { id: 'ZV1aQxAAACQAa7Lm', ref: 'ZV1aRBAAACIAa7Ln~ZV0zPwAAACIAa6Kl', label: 'Spring launch', scheduledAt: 1798761600000 },
        ],
        types: { article: 'Article' },
        languages: [{ id: 'en-us', name: 'English - United States' }],
      });
    }
    return MswResponse.json({ error: 'Invalid access token', oauth_initiate: `https://${prismicRepo}.prismic.io/auth`, oauth_token: `https://${prismicRepo}.prismic.io/auth/token` }, { status: 401 });
  }),
  // Hygraph Content API (GET queries are accepted; a token without DRAFT: 403 not allowed).
  http.get(hygraphEndpoint, ({ request }) => {
    const variant = variantOf('hygraph', bearer(request));
    if (variant === 'slow') timeout(request);
    if (variant === 'good') return MswResponse.json({ data: { assets: [{ id: 'clr2s3t4u5v6w07xy8z9a0b1c', stage: 'DRAFT' }] } });
    return MswResponse.json({ errors: [{ message: 'not allowed to read Asset in stage DRAFT' }], data: null }, { status: 403 });
  }),
  // DatoCMS Content Delivery API with X-Include-Drafts (datocms.com/docs/content-delivery-api).
  http.post('https://graphql.datocms.com/', ({ request }) => {
    const variant = variantOf('datocms', bearer(request));
    if (variant === 'slow') timeout(request);
    if (variant === 'good' && request.headers.get('x-include-drafts') === 'true') return MswResponse.json({ data: { _site: { locales: ['en', 'it'] } } });
    return MswResponse.json({ data: [{ id: '4c5e7b', type: 'api_error', attributes: { code: 'INVALID_AUTHORIZATION_HEADER', details: {} } }] }, { status: 401 });
  }),
  // Contentstack Preview Service (contentstack.com/docs/developers/set-up-timeline/preview-api).
  http.get('https://rest-preview.contentstack.com/v3/content_types', ({ request }) => {
    const variant = variantOf('contentstack', request.headers.get('preview_token'));
    if (variant === 'slow') timeout(request);
    if (variant === 'good' && request.headers.get('api_key') === contentstackKey) return MswResponse.json({ content_types: [{ title: 'Blog post', uid: 'blog_post' }] });
    return MswResponse.json({ error_message: "We can't find that preview token. Please try again.", error_code: 422, errors: { preview_token: ['is not valid.'] } }, { status: 401 });
  }),
  // Kontent.ai Delivery Preview API (kontent.ai/learn/docs/apis/delivery-api/authentication).
  http.get(`https://preview-deliver.kontent.ai/${kontentEnv}/items`, ({ request }) => {
    const variant = variantOf('kontent-ai', bearer(request));
    if (variant === 'slow') timeout(request);
    if (variant === 'good') return MswResponse.json({ items: [{ system: { id: 'a1b2c3d4-0000-4000-8000-00000000000a', codename: 'spring_launch', workflow_step: 'draft' }, elements: {} }], modular_content: {}, pagination: { skip: 0, limit: 1, count: 1, next_page: '' } });
    return MswResponse.json({ message: 'The provided API key is invalid or has expired.', request_id: '|5f6c1e2a9b8d7c01.', error_code: 7, specific_code: 0 }, { status: 401 });
  }),
];
