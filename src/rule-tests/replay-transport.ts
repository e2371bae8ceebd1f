import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ProbeError } from '../core/errors.js';
import type { HttpRequest, HttpResponse, Transport } from '../core/http-types.js';
import type { Exchange } from './case-schema.js';

export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ReplayEntry {
  method: string;
  url: string;
  response: RecordedResponse;
}

/** What an ordinary web server answers for a path it does not have. */
export const realisticNotFound: RecordedResponse = {
  status: 404,
  headers: { 'content-type': 'text/html; charset=utf-8', server: 'nginx' },
  body: '<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>',
};

/** Compares URLs the way a server would route them: decoded query, same order. */
function normalise(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${decodeURIComponent(parsed.pathname)}?${decodeURIComponent(parsed.searchParams.toString())}`;
}

/**
 * Answers from recorded exchanges, without any socket. Strict in both directions: requests no
 * exchange covers get a 404 and are listed, and exchanges never requested are listed too, so a
 * stale fixture cannot make a case pass.
 */
export class ReplayTransport implements Transport {
  readonly unmatched: string[] = [];
  private readonly used = new Set<number>();
  private readonly entries: ReplayEntry[];
  private readonly scopeOrigins: Set<string>;

  constructor(entries: ReplayEntry[], scopeOrigins: string[]) {
    this.entries = entries;
    this.scopeOrigins = new Set(scopeOrigins);
  }

  isInScope(url: string): boolean {
    try {
      return this.scopeOrigins.has(new URL(url).origin);
    } catch {
      return false;
    }
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    if (!this.isInScope(request.url)) throw new ProbeError('DL_OUT_OF_SCOPE', request.url, `${request.url} is out of scope`);
    const key = normalise(request.url);
    const index = this.entries.findIndex((entry) => entry.method === request.method && normalise(entry.url) === key);
    if (index >= 0) this.used.add(index);
    else this.unmatched.push(`${request.method} ${request.url}`);
    const recorded = index >= 0 ? (this.entries[index]?.response ?? realisticNotFound) : realisticNotFound;
    const body = request.method === 'HEAD' ? '' : recorded.body;
    return {
      requestedUrl: request.url,
      url: request.url,
      status: recorded.status,
      statusText: '',
      headers: Object.fromEntries(Object.entries(recorded.headers).map(([name, value]) => [name.toLowerCase(), value])),
      body,
      truncated: false,
      bytes: Buffer.byteLength(body),
      redirects: [],
      durationMs: 0,
    };
  }

  unusedExchanges(): string[] {
    return this.entries.filter((_entry, index) => !this.used.has(index)).map((entry) => `${entry.method} ${entry.url}`);
  }
}

/**
 * Turns recorded exchanges (as case files write them) into replay entries: bodies from `body`,
 * a `body_file` beside the case file, or `json` (with its content type); paths resolved against
 * the case target.
 */
export async function toReplayEntries(exchanges: Exchange[], caseDir: string, target: string): Promise<ReplayEntry[]> {
  return Promise.all(
    exchanges.map(async (exchange) => {
      const { response } = exchange;
      const headers = { ...response.headers };
      let body = response.body ?? '';
      if (response.body_file !== undefined) body = await readFile(path.join(caseDir, response.body_file), 'utf8');
      if (response.json !== undefined) {
        body = JSON.stringify(response.json);
        if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
          headers['content-type'] = 'application/json; charset=utf-8';
        }
      }
      const url = exchange.request.url ?? `${target}${exchange.request.path ?? '/'}`;
      return { method: exchange.request.method, url, response: { status: response.status, headers, body } };
    }),
  );
}
