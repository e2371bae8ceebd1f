import { ProbeError } from '../core/errors.js';

/**
 * Turns whatever undici or Node threw into a ProbeError with a stable code, and says whether
 * the failure is worth another attempt. Nothing but ProbeError leaves the transport.
 */

export type FailureKind = 'reset' | 'timeout' | 'final';

const resetCodes = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);
const timeoutCodes: Record<string, 'DL_CONNECT_TIMEOUT' | 'DL_HEADERS_TIMEOUT' | 'DL_BODY_TIMEOUT'> = {
  UND_ERR_CONNECT_TIMEOUT: 'DL_CONNECT_TIMEOUT',
  UND_ERR_HEADERS_TIMEOUT: 'DL_HEADERS_TIMEOUT',
  UND_ERR_BODY_TIMEOUT: 'DL_BODY_TIMEOUT',
};
// The certificate was refused: a property of the host, so asking again will not help.
const tlsCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);
// Malformed answers: the server spoke, but not HTTP we can read.
const badResponseCodes = new Set(['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'UND_ERR_RES_EXCEEDED_MAX_SIZE', 'UND_ERR_INFO', 'UND_ERR_HEADERS_OVERFLOW']);

/** The error code, looking through `cause` and AggregateError (happy-eyeballs connects). */
export function errorCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const { code } = current as { code?: unknown };
    if (typeof code === 'string') return code;
    if (current instanceof AggregateError && current.errors.length > 0) current = current.errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function failureKind(error: unknown): FailureKind {
  if (error instanceof ProbeError) return 'final';
  const code = errorCode(error);
  if (code === undefined) return 'final';
  if (resetCodes.has(code)) return 'reset';
  if (code in timeoutCodes) return 'timeout';
  // ECONNREFUSED and DNS failures are final: nothing listens, and asking again will not help.
  return 'final';
}

/**
 * `proxy` is the --proxy URL when there is one: every socket then goes to the proxy, so a refused
 * connection or a failed DNS lookup is the proxy's, and a tunnel it refused says its status. The
 * proxy is named by its origin only, never with its credentials.
 */
export function toProbeError(error: unknown, url: string, proxy?: URL): ProbeError {
  if (error instanceof ProbeError) return error;
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  const options = { cause: error };
  if (proxy !== undefined) {
    const viaProxy = proxyFailure(code, detail, url, proxy.origin);
    if (viaProxy !== undefined) return new ProbeError('DL_CONNECTION_FAILED', url, viaProxy, options);
  }
  if (code !== undefined && code in timeoutCodes) {
    const probeCode = timeoutCodes[code];
    if (probeCode !== undefined) {
      // Our own total deadline says how long it waited; undici's idle timeouts do not.
      const waited = /within \d+ ms/.exec(detail)?.[0];
      return new ProbeError(probeCode, url, `${timeoutLabel[probeCode]} for ${url}${waited ? ` (no complete answer ${waited}; raise --timeout)` : ' (raise --timeout)'}`, options);
    }
  }
  if (code !== undefined && tlsCodes.has(code)) {
    return new ProbeError('DL_TLS_ERROR', url, `TLS certificate of ${url} refused (${code}); for a self-signed staging certificate, scan with --insecure`, options);
  }
  if (code === 'ECONNREFUSED') return new ProbeError('DL_CONNECTION_FAILED', url, `connection refused: ${url}`, options);
  if (code !== undefined && resetCodes.has(code)) {
    return new ProbeError('DL_CONNECTION_FAILED', url, `connection reset: ${url} (${detail})`, options);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new ProbeError('DL_CONNECTION_FAILED', url, `DNS lookup failed: ${url}`, options);
  }
  // undici's HTTPParserError (bytes that are not HTTP) carries no code of its own.
  const parserError = error instanceof Error && error.name === 'HTTPParserError';
  if (parserError || (code !== undefined && (badResponseCodes.has(code) || code.startsWith('HPE_')))) {
    return new ProbeError('DL_BAD_RESPONSE', url, `unreadable response from ${url}: ${detail}`, options);
  }
  return new ProbeError('DL_CONNECTION_FAILED', url, `request to ${url} failed: ${detail}`, options);
}

// undici's ProxyAgent: "Proxy response (407) !== 200 when HTTP Tunneling".
const tunnelRefused = /^Proxy response \((\d{3})\)/;

function proxyFailure(code: string | undefined, detail: string, url: string, proxy: string): string | undefined {
  const refused = tunnelRefused.exec(detail)?.[1];
  if (refused !== undefined) {
    const hint = refused === '407' ? ': the proxy wants credentials; give them as --proxy http://user:password@host:port' : '';
    return `the proxy ${proxy} refused to open a tunnel to ${new URL(url).host} (status ${refused})${hint}`;
  }
  if (code === 'ECONNREFUSED') return `connection refused by the proxy ${proxy} (for ${url})`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `DNS lookup of the proxy ${proxy} failed (for ${url})`;
  return undefined;
}

const timeoutLabel = {
  DL_CONNECT_TIMEOUT: 'connect timeout',
  DL_HEADERS_TIMEOUT: 'timed out waiting for response headers',
  DL_BODY_TIMEOUT: 'timed out reading the response body',
} as const;
