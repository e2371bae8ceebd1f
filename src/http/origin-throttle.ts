import { ExchangeSlots } from './exchange-slots.js';
import { RequestSpacer } from './rate-limit.js';

/**
 * Per-origin politeness: a concurrency limit (ExchangeSlots) and a start-rate limit. Each origin gets
 * its own pair, so a slow allowed host does not hold back the target and vice versa.
 */
export class OriginThrottle {
  private readonly perOrigin = new Map<string, { slots: ExchangeSlots; spacer: RequestSpacer }>();

  constructor(
    private readonly concurrency: number,
    private readonly ratePerSecond: number,
  ) {}

  /** Runs one network exchange inside the origin's limits. */
  run<T>(origin: string, exchange: () => Promise<T>, wait?: (ms: number) => Promise<void>): Promise<T> {
    let entry = this.perOrigin.get(origin);
    if (entry === undefined) {
      entry = { slots: new ExchangeSlots(this.concurrency), spacer: new RequestSpacer(this.ratePerSecond) };
      this.perOrigin.set(origin, entry);
    }
    const { slots, spacer } = entry;
    // Unlimited rate: no turn to take, and no promise made per request to take it.
    if (this.ratePerSecond <= 0) return slots.run(exchange);
    // Take the rate turn only once a concurrency slot is held: turns reserved while queued
    // could otherwise bunch up and start together when slots free.
    return slots.run(async () => {
      await spacer.waitTurn(wait);
      return exchange();
    });
  }
}
