/**
 * When to try again and how long to wait. 429 and 503 are the server asking us to slow down,
 * so we wait as it says (Retry-After, capped) or back off exponentially with jitter, so that
 * many probes that failed together do not come back together.
 */

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 503;
}

/**
 * Retry-After as a wait in ms: delta-seconds or an HTTP date. Undefined when absent or
 * unreadable, so the caller falls back to backoff. A date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/[a-z]/i.test(trimmed)) return undefined; // e.g. "-1" or "1.5": not a valid delta or date
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Exponential backoff with "equal jitter": half fixed, half random, so it never drops to 0. */
export function backoffDelayMs(retryNumber: number, baseMs: number, random: () => number = Math.random): number {
  const exponential = baseMs * 2 ** Math.max(0, retryNumber - 1);
  return exponential / 2 + random() * (exponential / 2);
}

/** The wait before retrying a 429/503: Retry-After when given (capped), else backoff. */
export function retryDelayForStatus(
  retryAfter: string | undefined,
  retryNumber: number,
  options: { baseMs: number; maxRetryAfterMs: number },
): number {
  const asked = parseRetryAfter(retryAfter);
  if (asked !== undefined) return Math.min(asked, options.maxRetryAfterMs);
  return backoffDelayMs(retryNumber, options.baseMs);
}
