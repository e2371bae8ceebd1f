import { createHash } from 'node:crypto';
import { isRegistered, registerFunction, TYPE_ANY, TYPE_BOOLEAN, TYPE_NULL, TYPE_NUMBER, TYPE_STRING, type JSONValue } from '@jmespath-community/jmespath';

/**
 * Functions JMESPath lacks that exposure rules need, registered once for the whole process (the
 * JMESPath Community edition already has `lower`, `upper`, `join`, `to_number`, `to_string`...):
 *   now()              -> seconds since the epoch, now
 *   epoch(date)        -> seconds since the epoch for an ISO 8601 or RFC 2822 date; null if unreadable
 *   range(start, end)  -> [start, ..., end - 1], at most 1000 numbers
 *   url_encode(value)  -> the value percent-encoded as one URL component (RFC 3986 unreserved kept)
 *   base64(text)       -> the UTF-8 bytes of the text in standard base64, with padding
 *   json_encode(value) -> the value as compact JSON text
 * Documented, with examples, in docs/writing-rules.md ("Functions").
 */
function strictUrlEncode(text: string): string {
  // encodeURIComponent leaves ! ' ( ) * alone; servers that parse them as delimiters exist.
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function scalarText(value: JSONValue): string | null {
  if (value === null) return null;
  return typeof value === 'string' ? value : String(value);
}

export function registerDraftleakFunctions(): void {
  if (isRegistered('url_encode')) return;
  registerFunction('now', () => Math.floor(Date.now() / 1000), []);
  registerFunction(
    'epoch',
    ([value]) => {
      if (typeof value !== 'string') return null;
      const ms = Date.parse(value);
      return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
    },
    [{ types: [TYPE_STRING, TYPE_NULL] }],
  );
  registerFunction(
    'range',
    ([start, end]) => {
      const from = Math.trunc(Number(start));
      const to = Math.min(Math.trunc(Number(end)), from + 1000);
      return Array.from({ length: Math.max(0, to - from) }, (_, index) => from + index);
    },
    [{ types: [TYPE_NUMBER] }, { types: [TYPE_NUMBER] }],
  );
  registerFunction(
    'url_encode',
    ([value]) => {
      const text = scalarText(value as JSONValue);
      return text === null ? null : strictUrlEncode(text);
    },
    [{ types: [TYPE_STRING, TYPE_NUMBER, TYPE_BOOLEAN, TYPE_NULL] }],
  );
  registerFunction(
    'base64',
    ([value]) => {
      const text = scalarText(value as JSONValue);
      return text === null ? null : Buffer.from(text, 'utf8').toString('base64');
    },
    [{ types: [TYPE_STRING, TYPE_NUMBER, TYPE_BOOLEAN, TYPE_NULL] }],
  );
  registerFunction('json_encode', ([value]) => JSON.stringify(value ?? null), [{ types: [TYPE_ANY] }]);
  // RFC 8288 Link header: the URL of the link with this rel ("next" for pagination).
  registerFunction(
    'link_rel',
    ([header, rel]) => (typeof header === 'string' && typeof rel === 'string' ? linkWithRel(header, rel) : null),
    [{ types: [TYPE_STRING, TYPE_NULL] }, { types: [TYPE_STRING] }],
  );
  // How a finding names a token it found: enough to tell which one it is, never enough to use.
  registerFunction(
    'mask_token',
    ([value]) => {
      const text = scalarText(value as JSONValue);
      return text === null ? null : tokenFingerprint(text);
    },
    [{ types: [TYPE_STRING, TYPE_NUMBER, TYPE_NULL] }],
  );
}

/** "CFPA…#3f2a9c1e": the first 4 characters (none of a short value) and 8 hex of its sha256. */
export function tokenFingerprint(token: string): string {
  const hash = createHash('sha256').update(token).digest('hex').slice(0, 8);
  return `${token.length >= 16 ? token.slice(0, 4) : ''}…#${hash}`;
}
registerDraftleakFunctions();

/** `<https://h/?page=2>; rel="next", <…>; rel="last"` → the URL whose rel list holds `rel`. */
export function linkWithRel(header: string, rel: string): string | null {
  for (const part of header.slice(0, 8192).split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!match) continue;
    const rels = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(match[2] ?? '');
    const names = (rels?.[1] ?? rels?.[2] ?? '').toLowerCase().split(/\s+/);
    if (names.includes(rel.toLowerCase())) return match[1] ?? null;
  }
  return null;
}
