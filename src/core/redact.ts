/**
 * Reports must never carry the user's own credentials, and tokens they quote are masked. These
 * helpers are the single place that decides what counts as secret: the reports, the command
 * line written into them, the logs and --explain all ask here.
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

/** What stands in for the userinfo of a URL (`http://REDACTED@host/`) where a reader should see one was given. */
export const redactedUserinfo = 'REDACTED';

export function isCredentialHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return credentialHeaders.has(lower) || /(^|-)(token|secret|password|session|key)(-|$)/.test(lower);
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
  /((?:access_?token|api_?key|apikey|token|secret|password|passwd|preview_?token|preview_?nonce|client_?secret|private_?key|auth|_ppp|x-craft-preview)["']?\s*[:=]\s*["']?)([A-Za-z0-9._~+/=%-]{8,})/gi;
// Well-known token shapes that are secret wherever they appear.
const knownTokenShapes = [
  /\bCFPAT-[A-Za-z0-9_-]{43}\b/g, // Contentful management token
  /\bsk[A-Za-z0-9]{79}\b/g, // Sanity token
  /\b[0-9A-Za-z]{22}tt(?:-[0-9]{6}-[A-Za-z0-9_-]{20})?\b/g, // Storyblok tokens
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g, // JWTs
  /\b(?:ghp|gho|ghs|github_pat)_[A-Za-z0-9_]{20,}\b/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\b[0-9a-f]{24}:[0-9a-f]{64}\b/g, // Ghost Admin API key (<id>:<secret>)
];
// An Authorization-style credential quoted in text: "Bearer <token>" is secret whatever follows.
const bearerCredential = /\b(Bearer)(\s+)([^\s"',;]+)/gi;
// "Basic <base64>" only when it decodes to user:password, so prose ("Basic information") stays.
const basicCredential = /\b(Basic)(\s+)([A-Za-z0-9+/]{6,}={0,2})(?![A-Za-z0-9+/=])/gi;
// URLs quoted in free text (an error message, a note); the closing quote or bracket is not part of them.
const urlInText = /\bhttps?:\/\/[^\s"'<>`\\]+/gi;

function decodesToUserPassword(base64: string): boolean {
  try {
    return /^[^:\s]+:/.test(Buffer.from(base64, 'base64').toString('latin1'));
  } catch {
    return false;
  }
}

/** Masks tokens in free text: credentials in URLs, keyed secrets (`token=...`), Bearer/Basic credentials, known token shapes. */
export function maskSecrets(text: string): string {
  let out = text.replace(urlInText, redactUrlMarked);
  out = out.replace(bearerCredential, (_all, scheme: string, space: string) => `${scheme}${space}${redactedValue}`);
  out = out.replace(basicCredential, (all, scheme: string, space: string, value: string) =>
    decodesToUserPassword(value) ? `${scheme}${space}${redactedValue}` : all,
  );
  out = out.replace(keyedSecret, (_all, key: string, value: string) => `${key}${maskToken(value)}`);
  for (const shape of knownTokenShapes) out = out.replace(shape, (token) => maskToken(token));
  return out;
}

// Query (and fragment) parameters whose value is a secret whatever it looks like: tokens,
// signatures, nonces, OAuth codes, and the preview parameters of Craft, WordPress plugins, Ghost.
// "auth" but not "author" (WordPress's ?author=1 is a finding's subject, not a secret).
const secretParamWords = /token|secret|passw|pwd|signature|nonce|credential|session|auth(?!or)|api_?key|apikey|private|jwt|policy/i;
// admcmd_prev: TYPO3's workspace preview keyword opens the workspace to whoever holds the link.
const secretParamNames = new Set(['key', 'sig', 'code', 'hash', '_ppp', 'x-craft-preview', 'preview_nonce', 'x-amz-credential', 'sid', 'pass', 'admcmd_prev']);
// Preview parameters that are often a flag (`preview=true`) and a secret only when they hold a token.
const previewParamNames = /^(preview|share|draft|p(?:review)?_?id|uuid)$/i;

function isSecretParam(name: string, value: string): boolean {
  const lower = name.toLowerCase();
  if (secretParamNames.has(lower) || secretParamWords.test(lower)) return true;
  return previewParamNames.test(lower) && looksLikeToken(value);
}

/**
 * A value that is probably a credential: long, unbroken, mixing letters and digits (a random
 * string, a UUID, a base64 blob), and not a date, a path or a word.
 */
export function looksLikeToken(value: string): boolean {
  if (value.length < 16 || value.length > 4096) return false;
  if (!/^[A-Za-z0-9._~+/=-]+$/.test(value)) return false;
  if (!/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return false;
  if (/^\d{4}-\d{2}-\d{2}/.test(value) || value.startsWith('/') || value.includes('//')) return false;
  return true;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

// Masks the secret values of "a=1&b=2" in place, leaving every other byte as it was written.
function redactParams(params: string): string {
  return params
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals < 0) return pair;
      const name = safeDecode(pair.slice(0, equals));
      const value = safeDecode(pair.slice(equals + 1));
      if (value === '' || !isSecretParam(name, value)) return pair;
      return `${pair.slice(0, equals)}=${encodeURIComponent(maskToken(value)).replace(/%2A/g, '*')}`;
    })
    .join('&');
}

/**
 * Masks the credentials of a URL while keeping it readable: userinfo is dropped (a URL a reader
 * can open, as report URLs are), secret query and fragment parameters and token shapes in the
 * path are masked. Works on the text as written (no normalisation), so it also serves URLs
 * quoted in messages and relative ones.
 */
export function redactUrl(url: string): string {
  return redactUrlWith(url, '');
}

/**
 * As redactUrl, but `user:password@` becomes `REDACTED@`: for the command line and free text,
 * where a reader should see that credentials were given.
 */
export function redactUrlMarked(url: string): string {
  return redactUrlWith(url, `${redactedUserinfo}@`);
}

function redactUrlWith(url: string, userinfoReplacement: string): string {
  let out = url;
  const authority = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)@/.exec(out);
  if (authority) out = `${authority[1] ?? ''}${userinfoReplacement}${out.slice(authority[0].length)}`;
  const hashAt = out.indexOf('#');
  const beforeHash = hashAt < 0 ? out : out.slice(0, hashAt);
  const fragment = hashAt < 0 ? undefined : out.slice(hashAt + 1);
  const queryAt = beforeHash.indexOf('?');
  let path = queryAt < 0 ? beforeHash : beforeHash.slice(0, queryAt);
  const query = queryAt < 0 ? undefined : beforeHash.slice(queryAt + 1);
  for (const shape of knownTokenShapes) path = path.replace(shape, (token) => maskToken(token));
  out = path;
  if (query !== undefined) out += `?${redactParams(query)}`;
  if (fragment !== undefined) out += `#${fragment.includes('=') ? redactParams(fragment) : fragment}`;
  return out;
}

/**
 * A value quoted back to the user (an extracted variable in --explain, a log field): masked
 * whole when it looks like a token or its name says it is one, otherwise masked like free text.
 */
export function maskQuotedValue(value: string, name = ''): string {
  if (name !== '' && secretParamWords.test(name)) return maskToken(value);
  if (looksLikeToken(value)) return maskToken(value);
  return maskSecrets(value);
}
