import type { HttpResponse } from '../core/http-types.js';

/** What the user says about a saved body that carries no status line and headers of its own. */
export interface SavedResponseDefaults {
  url: string;
  status: number;
  headers: Record<string, string>;
}

const statusLine = /^HTTP\/\d(?:\.\d)? (\d{3})(?: ([^\r\n]*))?\r?\n/;

/**
 * A response saved to a file, as `curl -i` writes it (status line, headers, blank line, body) or
 * as a bare body (a JSON file, an HTML page). `curl -iL` writes one head per hop: the last head
 * is the one that carries the body, and each redirect's Location (as sent) is in `redirects`. Header names are lower-cased and repeats joined as the
 * transport joins them, so the document matches what a rule would see.
 */
export function parseSavedResponse(text: string, defaults: SavedResponseDefaults): HttpResponse {
  let status = defaults.status;
  let statusText = '';
  let headers: Record<string, string> = {};
  let body = text;
  let head = statusLine.exec(body);
  let sawHead = false;
  const redirects: string[] = [];
  while (head && (!sawHead || isInterim(status))) {
    if (sawHead && status >= 300 && headers.location !== undefined) redirects.push(headers.location);
    sawHead = true;
    status = Number(head[1]);
    statusText = head[2] ?? '';
    const end = headEnd(body);
    headers = parseHeaderLines(body.slice(head[0].length, end.index));
    body = body.slice(end.index + end.length);
    head = statusLine.exec(body);
  }
  const merged = { ...headers, ...lowerKeys(defaults.headers) };
  return {
    requestedUrl: defaults.url,
    url: defaults.url,
    status,
    statusText,
    headers: merged,
    body,
    truncated: false,
    bytes: Buffer.byteLength(body),
    redirects,
    durationMs: 0,
  };
}

/** A head after a 1xx or a redirect is followed by the next hop's head, not by a body. */
function isInterim(status: number): boolean {
  return (status >= 100 && status < 200) || (status >= 300 && status < 400);
}

function headEnd(text: string): { index: number; length: number } {
  const crlf = text.indexOf('\r\n\r\n');
  const lf = text.indexOf('\n\n');
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return { index: crlf, length: 4 };
  if (lf !== -1) return { index: lf, length: 2 };
  return { index: text.length, length: 0 };
}

function parseHeaderLines(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const before = headers[name];
    headers[name] = before === undefined ? value : `${before}${name === 'set-cookie' ? '\n' : ', '}${value}`;
  }
  return headers;
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
