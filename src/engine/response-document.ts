import type { HttpResponse } from '../core/http-types.js';
import type { JSONValue } from './expression.js';

/** A response as the expression document shows it. */
export interface ResponseDocument {
  [key: string]: JSONValue;
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, or null when it is not JSON (or was cut at the cap). */
  json: JSONValue;
  /** True when the body was longer than the cap: `body` is only its head, and `json` is null. */
  truncated: boolean;
  /** Each redirect followed to reach `url`, in order (empty when the first URL answered). */
  redirects: string[];
}

/**
 * JSON nested deeper than this is shown to rules as not JSON (json: null; the body stays).
 * JSON.parse copes with any depth, but JSON.stringify, structuredClone and every recursive walk
 * of the document (expressions, excerpts, reports) overflow the stack far below 200,000 levels;
 * no CMS answers with more than a few dozen.
 */
export const maxJsonNesting = 512;

function parseJson(body: string): JSONValue {
  const start = body.trimStart()[0];
  if (start !== '{' && start !== '[') return null;
  if (!nestingWithin(body, maxJsonNesting)) return null;
  try {
    return JSON.parse(body) as JSONValue;
  } catch {
    return null;
  }
}

/** True when no bracket in the JSON text is nested deeper than `max` (strings are skipped). */
export function nestingWithin(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c /* \\ */) index++;
      else if (code === 0x22 /* " */) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      if (++depth > max) return false;
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      depth--;
    }
  }
  return true;
}

export function toResponseDocument(response: HttpResponse): ResponseDocument {
  return {
    url: response.url,
    status: response.status,
    headers: response.headers,
    body: response.body,
    // The head of a cut body can still parse (a list cut between items): it is not the answer.
    json: response.truncated ? null : parseJson(response.body),
    truncated: response.truncated,
    redirects: [...response.redirects],
  };
}

/** Names the document reserves; variables may not use them. */
export const reservedNames = ['target', 'site', 'steps', 'url', 'status', 'headers', 'body', 'json', 'truncated', 'redirects', 'count'] as const;
