/**
 * Headers the transport owns. Framing and connection headers are undici's job (it rejects some
 * outright), and a Host header would let a rule reach another virtual host behind an in-scope
 * address, so neither a rule nor the user's header list may set them.
 */
const transportOwnedHeaders = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'content-length',
  'upgrade',
  'te',
  'trailer',
  'expect',
]);

/**
 * Builds the outgoing headers. Precedence, lowest first: the rule's headers, the user's own
 * headers (their Cookie or Authorization is what they asked us to send), then our User-Agent,
 * which nothing overrides so every request identifies the scanner.
 */
export function buildRequestHeaders(
  ruleHeaders: Record<string, string> | undefined,
  userHeaders: Record<string, string>,
  userAgent: string,
): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const source of [ruleHeaders ?? {}, userHeaders]) {
    for (const [name, value] of Object.entries(source)) {
      const lower = name.toLowerCase();
      if (!transportOwnedHeaders.has(lower)) merged[lower] = value;
    }
  }
  merged['user-agent'] = userAgent;
  return merged;
}

/** Lower-cased names; repeated headers joined with ", ", except set-cookie joined with "\n". */
export function normalizeResponseHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    // Set-Cookie values contain commas (Expires=Wed, 21 Oct ...), so ", " would be ambiguous.
    const separator = lower === 'set-cookie' ? '\n' : ', ';
    const joined = Array.isArray(value) ? value.join(separator) : value;
    out[lower] = out[lower] === undefined ? joined : `${out[lower]}${separator}${joined}`;
  }
  return out;
}
