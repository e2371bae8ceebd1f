/**
 * One base class, one subclass per kind of failure, and stable machine codes that callers
 * (the CLI's exit codes, the report's failed-probe notifications) branch on. Messages are for
 * people; codes are for programs and never change meaning.
 */
export class DraftleakError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Codes a probe (one HTTP exchange) can fail with. */
export const probeErrorCodes = [
  'DL_OUT_OF_SCOPE', // the URL's host is neither the target nor an allowed host
  'DL_METHOD_NOT_ALLOWED', // the safety policy forbids this method
  'DL_REDIRECT_OUT_OF_SCOPE', // a redirect pointed outside scope and was not followed
  'DL_TOO_MANY_REDIRECTS',
  'DL_REDIRECT_REFUSED', // an in-scope redirect the caller's policy refused (the crawl's link policy)
  'DL_CONNECT_TIMEOUT',
  'DL_HEADERS_TIMEOUT',
  'DL_BODY_TIMEOUT',
  'DL_CONNECTION_FAILED', // refused, reset, DNS failure
  'DL_RETRIES_EXHAUSTED', // 429/503 kept coming back
  'DL_INVALID_URL',
  'DL_BAD_RESPONSE', // a response that could not be read (malformed, encoding)
  'DL_TLS_ERROR', // the certificate was refused (self-signed, expired, wrong name); see --insecure
  'DL_HOST_ERROR_BUDGET', // the host failed too often in a row and is no longer probed
  'DL_REQUEST_BUDGET', // the target's request budget (--max-requests) was spent
  'DL_BODY_TRUNCATED', // the body was longer than its cap; only the first part was read
  'DL_ABORTED', // the scan was interrupted (signal, --max-duration) before this request ended
] as const;
export type ProbeErrorCode = (typeof probeErrorCodes)[number];

export class ProbeError extends DraftleakError {
  declare readonly code: ProbeErrorCode;
  readonly url: string;
  /** For DL_REDIRECT_OUT_OF_SCOPE: the absolute URL the redirect pointed to. */
  readonly redirectTo: string | undefined;
  constructor(code: ProbeErrorCode, url: string, message: string, options?: { cause?: unknown; redirectTo?: string }) {
    super(code, message, options);
    this.url = url;
    this.redirectTo = options?.redirectTo;
  }
}

/** A rule file that cannot be loaded: names the file, and the line and field where known. */
export class RuleError extends DraftleakError {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly field: string | undefined;
  constructor(
    file: string,
    message: string,
    where: { line?: number; column?: number; field?: string } = {},
  ) {
    const position = where.line === undefined ? '' : `:${where.line}${where.column === undefined ? '' : `:${where.column}`}`;
    const field = where.field ? ` (${where.field})` : '';
    super('DL_RULE_INVALID', `${file}${position}: ${message}${field}`);
    this.file = file;
    this.line = where.line;
    this.column = where.column;
    this.field = where.field;
  }
}

/** Bad flags or configuration: the scan cannot start. */
export class UsageError extends DraftleakError {
  constructor(message: string) {
    super('DL_USAGE', message);
  }
}

/** The target itself could not be reached at all, so nothing was scanned. */
export class TargetUnreachableError extends DraftleakError {
  constructor(target: string, reason: string, options?: { cause?: unknown }) {
    super('DL_TARGET_UNREACHABLE', `cannot reach ${target}: ${reason}`, options);
  }
}
