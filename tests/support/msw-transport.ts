import { getResponse, type RequestHandler } from 'msw';
import type { HttpRequest, HttpResponse, Transport } from '../../src/core/http-types.js';

/**
 * A Transport answered by msw handlers called directly (msw cannot intercept the npm undici
 * package, so the engine is tested through this seam instead). Unhandled requests get a 404 and
 * are recorded, as are all requests, so tests can assert what the engine sent.
 */
export class MswTransport implements Transport {
  readonly requests: HttpRequest[] = [];
  readonly unhandled: string[] = [];

  constructor(private readonly handlers: RequestHandler[]) {}

  async send(request: HttpRequest): Promise<HttpResponse> {
    this.requests.push(request);
    const init: RequestInit = { method: request.method, headers: request.headers ?? {} };
    if (request.body !== undefined) init.body = request.body;
    const response = await getResponse(this.handlers, new Request(request.url, init));
    if (!response) this.unhandled.push(`${request.method} ${request.url}`);
    const answer = response ?? new Response('<html><title>404 Not Found</title></html>', { status: 404, headers: { 'content-type': 'text/html' } });
    const body = request.method === 'HEAD' ? '' : await answer.text();
    return {
      requestedUrl: request.url,
      url: request.url,
      status: answer.status,
      statusText: answer.statusText,
      headers: Object.fromEntries([...answer.headers.entries()].map(([name, value]) => [name.toLowerCase(), value])),
      body,
      truncated: false,
      bytes: Buffer.byteLength(body),
      redirects: [],
      durationMs: 0,
    };
  }
}
