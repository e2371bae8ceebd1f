/**
 * An origin's concurrency limit: at most `max` exchanges at once, the rest started in the order
 * they came as slots free.
 *
 * Not p-limit, which every exchange went through: it queues even when a slot is free and starts
 * the call a microtask later, wrapped in two async functions and three promises of its own
 * (10.4 MB of allocation in `enqueue` and 10.1 MB in `run` for 20,000 probes, 5% of the scan's).
 * Here a free slot starts the exchange at once, and a waiting one is a closure in an array.
 */
export class ExchangeSlots {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  /** The next waiting entry: an index, so a long queue is not shifted once per start. */
  private head = 0;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`exchange slots need a whole number of at least 1, got ${max}`);
  }

  /** Runs `exchange` in a slot; its promise is the exchange's (a throw becomes a rejection). */
  run<T>(exchange: () => Promise<T>): Promise<T> {
    if (this.active < this.max) return this.start(exchange);
    return new Promise<T>((resolve, reject) => {
      this.waiting.push(() => {
        this.start(exchange).then(resolve, reject);
      });
    });
  }

  private start<T>(exchange: () => Promise<T>): Promise<T> {
    this.active += 1;
    let running: Promise<T>;
    try {
      running = exchange();
    } catch (error) {
      running = Promise.reject(error);
    }
    // Both outcomes free the slot; the promise this makes always fulfils, so a rejection is
    // reported once, to the caller, not again as unhandled here.
    running.then(this.release, this.release);
    return running;
  }

  private readonly release = (): void => {
    this.active -= 1;
    if (this.head === this.waiting.length) return;
    const next = this.waiting[this.head] as () => void;
    this.waiting[this.head] = noop;
    this.head += 1;
    if (this.head === this.waiting.length) {
      this.waiting.length = 0;
      this.head = 0;
    }
    next();
  };
}

const noop = (): void => undefined;
