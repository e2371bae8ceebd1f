import type { HttpResponse } from '../core/http-types.js';
import type { JSONValue } from './expression.js';

/** A response as the expression document shows it. */
export interface ResponseDocument {
  [key: string]: JSONValue;
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, or null when it is not JSON. */
  json: JSONValue;
}

function parseJson(body: string): JSONValue {
  const start = body.trimStart()[0];
  if (start !== '{' && start !== '[') return null;
  try {
    return JSON.parse(body) as JSONValue;
  } catch {
    return null;
  }
}

export function toResponseDocument(response: HttpResponse): ResponseDocument {
  return {
    url: response.url,
    status: response.status,
    headers: response.headers,
    body: response.body,
    json: parseJson(response.body),
  };
}

/** Names the document reserves; variables may not use them. */
export const reservedNames = ['target', 'site', 'steps', 'url', 'status', 'headers', 'body', 'json', 'count'] as const;
