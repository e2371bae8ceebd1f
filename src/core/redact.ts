/**
 * Reports must never carry the user's own credentials, and tokens they quote are masked. These
 * helpers are the single place that decides what counts as secret.
 */

/** Header names whose values are credentials; compared lower-case. */
const credentialHeaders = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-access-token',
  'x-joomla-token',
  'x-csrf-token',
  'x-xsrf-token',
]);

export const redactedValue = '[REDACTED]';

export function isCredentialHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return credentialHeaders.has(lower) || /(^|-)(token|secret|password|session)(-|$)/.test(lower);
}

/**
 * Removes credential headers, and any header the user supplied themselves (its value could be
 * anything private), keeping the names so a reader sees that they were sent.
 */
export function redactHeaders(
  headers: Record<string, string>,
  userHeaderNames: Iterable<string> = [],
): Record<string, string> {
  const userNames = new Set([...userHeaderNames].map((name) => name.toLowerCase()));
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = isCredentialHeader(name) || userNames.has(name.toLowerCase()) ? redactedValue : value;
  }
  return out;
}

/** Keeps the first four characters of a token so a reader can tell which one it was. */
export function maskToken(token: string): string {
  if (token.length <= 8) return '*'.repeat(token.length);
  return `${token.slice(0, 4)}${'*'.repeat(Math.min(token.length - 4, 16))}`;
}

// Values after these keys are secrets wherever they appear (query strings, JSON, JS bundles).
const keyedSecret =
  /((?:access_?token|api_?key|apikey|token|secret|password|passwd|preview_?token|client_?secret|private_?key|auth)["']?\s*[:=]\s*["']?)([A-Za-z0-9._~+/=-]{8,})/gi;
// Well-known token shapes that are secret wherever they appear.
const knownTokenShapes = [
  /\bCFPAT-[A-Za-z0-9_-]{43}\b/g, // Contentful management token
  /\bsk[A-Za-z0-9]{79}\b/g, // Sanity token
  /\b[0-9A-Za-z]{22}tt(?:-[0-9]{6}-[A-Za-z0-9_-]{20})?\b/g, // Storyblok tokens
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g, // JWTs
  /\b(?:ghp|gho|ghs|github_pat)_[A-Za-z0-9_]{20,}\b/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
];

/** Masks tokens in free text: keyed secrets (`token=...`) and known token shapes. */
export function maskSecrets(text: string): string {
  let out = text.replace(keyedSecret, (_all, key: string, value: string) => `${key}${maskToken(value)}`);
  for (const shape of knownTokenShapes) out = out.replace(shape, (token) => maskToken(token));
  return out;
}

/** Masks secret query parameters in a URL while keeping it readable. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = '';
      parsed.password = '';
    }
    for (const [name, value] of parsed.searchParams) {
      if (/token|key|secret|password|auth|signature|sig|policy/i.test(name)) {
        parsed.searchParams.set(name, maskToken(value));
      }
    }
    return parsed.toString();
  } catch {
    return maskSecrets(url);
  }
}
