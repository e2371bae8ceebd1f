import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Spaces request starts evenly: at most `perSecond` starts in any second. Spacing rather than
 * a token bucket, because a bucket allows a burst of N at once, and a burst is exactly what a
 * fragile production origin should not see.
 */
export class RequestSpacer {
  private readonly intervalMs: number;
  private nextStartAt = 0;

  /** perSecond 0 means unlimited. */
  constructor(perSecond: number) {
    this.intervalMs = perSecond > 0 ? 1000 / perSecond : 0;
  }

  /**
   * Resolves when this caller may start; the slot is reserved at call time, so order is kept.
   * `wait` sleeps (the transport's own, which close() ends; a plain timer by default).
   */
  async waitTurn(wait: (ms: number) => Promise<void> = (ms) => sleep(ms)): Promise<void> {
    if (this.intervalMs === 0) return;
    const now = performance.now();
    const startAt = Math.max(now, this.nextStartAt);
    this.nextStartAt = startAt + this.intervalMs;
    const waitMs = startAt - now;
    if (waitMs > 0) await wait(waitMs);
  }
}
