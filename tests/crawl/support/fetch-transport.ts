import { ProbeError } from '../../../src/core/errors.js';
import type { HttpRequest, HttpResponse } from '../../../src/core/http-types.js';
import type { RawCapableTransport, RawHttpResponse } from '../../../src/crawl/types.js';

/**
 * A small Transport over Node's global fetch for crawl tests against real loopback servers. Like
 * the real transport it refuses other origins (DL_OUT_OF_SCOPE) and follows in-scope redirects
 * itself (fetch runs with redirect: 'manual'). It counts every call per origin, refused ones
 * included, so a test can prove the crawl never even asked for another origin.
 */
export class FetchTransport implements RawCapableTransport {
  /** Calls per origin, made before the scope check. */
  readonly attempts = new Map<string, number>();
  /** Requests actually sent, in order ("GET url"). */
  readonly sent: string[] = [];
  /** Set with { raw: 'sendRaw' } (the default). */
  sendRaw?: (request: HttpRequest) => Promise<RawHttpResponse>;
  private readonly honourBinary: boolean;

  /**
   * raw: 'sendRaw' offers the separate sendRaw method; 'binary' answers `binary: true` requests
   * with rawBody, like the undici transport; 'none' plays a transport with no raw bytes at all.
   */
  constructor(
    private readonly allowedOrigin: string,
    options: { raw?: 'sendRaw' | 'binary' | 'none' } = {},
  ) {
    const raw = options.raw ?? 'sendRaw';
    if (raw === 'sendRaw') this.sendRaw = (request) => this.rawExchange(request);
    this.honourBinary = raw === 'binary';
  }

  attemptsFor(origin: string): number {
    return this.attempts.get(origin) ?? 0;
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const started = performance.now();
    const { response, url, redirects } = await this.exchange(request);
    const buffer = Buffer.from(await response.arrayBuffer());
    const body = buffer.toString('utf8');
    return {
      requestedUrl: request.url,
      url,
      status: response.status,
      statusText: response.statusText,
      headers: headersOf(response),
      body,
      truncated: false,
      bytes: buffer.length,
      redirects,
      durationMs: performance.now() - started,
      ...(this.honourBinary && request.binary === true ? { rawBody: new Uint8Array(buffer) } : {}),
    };
  }

  private async rawExchange(request: HttpRequest): Promise<RawHttpResponse> {
    const { response, url } = await this.exchange(request);
    return {
      status: response.status,
      statusText: response.statusText,
      headers: headersOf(response),
      body: Buffer.from(await response.arrayBuffer()),
      url,
    };
  }

  private async exchange(request: HttpRequest): Promise<{ response: Response; url: string; redirects: string[] }> {
    let url = request.url;
    const redirects: string[] = [];
    for (let hop = 0; hop <= 5; hop++) {
      const origin = new URL(url).origin;
      if (hop === 0) this.attempts.set(origin, (this.attempts.get(origin) ?? 0) + 1);
      if (origin !== this.allowedOrigin) {
        throw new ProbeError(hop === 0 ? 'DL_OUT_OF_SCOPE' : 'DL_REDIRECT_OUT_OF_SCOPE', url, `${origin} is out of scope`);
      }
      let response: Response;
      try {
        this.sent.push(`${request.method} ${url}`);
        response = await fetch(url, { method: request.method, headers: request.headers ?? {}, redirect: 'manual' });
      } catch (error) {
        throw new ProbeError('DL_CONNECTION_FAILED', url, `connection failed: ${(error as Error).message}`, { cause: error });
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.arrayBuffer();
        redirects.push(url);
        url = new URL(location, url).href;
        continue;
      }
      return { response, url, redirects };
    }
    throw new ProbeError('DL_TOO_MANY_REDIRECTS', request.url, 'more than 5 redirects');
  }
}

function headersOf(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  return headers;
}
