import type { IncomingMessage, ServerResponse } from 'node:http';
import { startLoopbackServer, type LoopbackServer } from '../../support/loopback-server.js';

/** One canned answer. A function gets the request URL (path + query) and the server origin. */
export interface Answer {
  status?: number;
  type?: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}
export type Route = Answer | ((path: string, origin: string) => Answer | undefined);

/**
 * A loopback site from a route table: exact "path?query" first, then exact path, then the
 * fallback (a plain 404 by default). Routes get the server's origin so pages can link absolutely.
 */
export async function startSite(routes: Record<string, Route>, fallback?: Route): Promise<LoopbackServer> {
  const state: { origin: string } = { origin: '' };
  const server = await startLoopbackServer((req: IncomingMessage, res: ServerResponse) => {
    const target = req.url ?? '/';
    const path = target.split('?')[0] ?? '/';
    const route = routes[target] ?? routes[path] ?? fallback;
    const answer = typeof route === 'function' ? route(target, state.origin) : route;
    const final = answer ?? { status: 404, type: 'text/html', body: '<html><head><title>404 Not Found</title></head><body>Not Found</body></html>' };
    res.statusCode = final.status ?? 200;
    res.setHeader('content-type', final.type ?? 'text/html; charset=utf-8');
    for (const [name, value] of Object.entries(final.headers ?? {})) res.setHeader(name, value);
    res.end(final.body);
  });
  state.origin = server.origin;
  return server;
}

export const html = (body: string, title = 'Page'): Answer => ({
  type: 'text/html; charset=utf-8',
  body: `<!doctype html><html><head><title>${title}</title></head><body>${body}</body></html>`,
});
