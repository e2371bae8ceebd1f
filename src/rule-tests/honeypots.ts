import { ProbeError } from '../core/errors.js';
import type { HttpRequest, HttpResponse, Transport } from '../core/http-types.js';
import type { RecordedResponse } from './replay-transport.js';

/**
 * Sites that answer everything in ways that fool weak matchers (nuclei's honeypot idea). Every
 * rule must stay silent on each: a rule that fires here would fire on half the web.
 */
export interface Honeypot {
  name: string;
  description: string;
  answer(request: HttpRequest): RecordedResponse;
}

const html = { 'content-type': 'text/html; charset=utf-8', server: 'nginx' };

function pathOf(request: HttpRequest): string {
  const url = new URL(request.url);
  return `${url.pathname}${url.search}`;
}

export const honeypots: Honeypot[] = [
  {
    name: 'catch-all-html',
    description: 'answers 200 with the same HTML page to every path',
    answer: () => ({
      status: 200,
      headers: html,
      body: '<!DOCTYPE html><html><head><title>Welcome</title><meta name="generator" content="Site Builder 3"></head><body><h1>Welcome</h1><p>Everything is fine.</p><a href="/about/">About</a><img src="/logo.png"></body></html>',
    }),
  },
  {
    name: 'catch-all-json',
    description: 'answers 200 with the same JSON document to every path',
    answer: () => ({
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({
        status: 'success',
        data: [{ id: 1, name: 'example', status: 'active', updatedAt: '2026-01-01T00:00:00Z', publishedAt: null }],
        meta: { pagination: { page: 1, pageSize: 25, total: 1 }, total_count: 1 },
      }),
    }),
  },
  {
    name: 'soft-404',
    description: 'answers 200 with a "page not found" page that names the requested path',
    answer: (request) => ({
      status: 200,
      headers: html,
      body: `<!DOCTYPE html><html><head><title>Page not found</title></head><body><h1>Oops! Page not found</h1><p>We could not find <code>${pathOf(request)}</code>.</p><a href="/">Home</a></body></html>`,
    }),
  },
  {
    name: 'login-redirect',
    description: 'redirects every path to a login page, which answers 200 with a form',
    answer: (request) =>
      new URL(request.url).pathname === '/login'
        ? {
            status: 200,
            headers: html,
            body: '<html><head><title>Sign in</title></head><body><form method="post" action="/login"><input name="user"><input name="password" type="password"><button>Sign in</button></form></body></html>',
          }
        : { status: 302, headers: { ...html, location: `/login?next=${encodeURIComponent(pathOf(request))}` }, body: '' },
  },
  {
    name: 'waf-block',
    description: 'a web application firewall blocks every request with a 403 page quoting it',
    answer: (request) => ({
      status: 403,
      headers: { ...html, server: 'cloudflare' },
      body: `<html><head><title>Attention Required! | Access denied</title></head><body><h1>Sorry, you have been blocked</h1><p>This request was blocked by the security service: ${request.method} ${pathOf(request)}</p><p>Ray ID: 8f0c2a1b3d4e5f60</p></body></html>`,
    }),
  },
  {
    name: 'echo',
    description: 'answers 200 and reflects the request path, query and headers into the page',
    answer: (request) => ({
      status: 200,
      headers: html,
      body: `<html><head><title>${pathOf(request)}</title></head><body><pre>${request.method} ${pathOf(request)}\n${Object.entries(request.headers ?? {})
        .map(([name, value]) => `${name}: ${value}`)
        .join('\n')}</pre></body></html>`,
    }),
  },
];

/** A transport that answers every in-scope request from a honeypot, without a socket. */
export class HoneypotTransport implements Transport {
  constructor(
    private readonly honeypot: Honeypot,
    private readonly origin: string,
  ) {}

  async send(request: HttpRequest): Promise<HttpResponse> {
    if (new URL(request.url).origin !== this.origin) {
      throw new ProbeError('DL_OUT_OF_SCOPE', request.url, `${request.url} is out of scope`);
    }
    // Follow redirects as the real transport does, so a rule sees the login page, not the 302.
    let url = request.url;
    const redirects: string[] = [];
    let answer = this.honeypot.answer(request);
    while (answer.status >= 300 && answer.status < 400 && answer.headers.location && redirects.length < 5) {
      url = new URL(answer.headers.location, url).href;
      redirects.push(url);
      answer = this.honeypot.answer({ ...request, method: 'GET', url });
    }
    const body = request.method === 'HEAD' ? '' : answer.body;
    return {
      requestedUrl: request.url,
      url,
      status: answer.status,
      statusText: '',
      headers: answer.headers,
      body,
      truncated: false,
      bytes: Buffer.byteLength(body),
      redirects,
      durationMs: 0,
    };
  }
}
