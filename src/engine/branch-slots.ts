/**
 * The slots every branch of every rule's steps runs in (a step's request and its match): at most
 * `concurrency` at once, shared by all the rules of a scan, so the requests built and waiting for
 * a connection stay about as many as the connections.
 *
 * A step hands over its branches as one batch, and a free slot takes the next branch of the
 * oldest batch: nothing waits as a call of its own. With p-limit, every branch of every running
 * rule was a queued call (a closure, a queue entry and a promise): 16 rules' 100 branches each,
 * 1,600 of them, or 32 lanes a rule pulling in turn, 512, each waiting some 50 ms, which is long
 * enough for V8 to promote it (BENCHMARKS.md, eighth session). Batches run in the order they
 * came, as p-limit's queue did.
 */
export class BranchSlots {
  private running = 0;
  /** Batches with branches not started yet, oldest first. */
  private readonly waiting: Batch[] = [];

  constructor(readonly concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`branch slots need a whole number of at least 1, got ${concurrency}`);
  }

  /**
   * Runs `run` on every item, at most `concurrency` at once across all batches; the results come
   * in item order. The first failure rejects the batch, and its branches not started are dropped.
   */
  map<T, R>(items: readonly T[], run: (item: T) => Promise<R>): Promise<R[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<R[]>((resolve, reject) => {
      const batch: Batch = {
        items,
        run: run as (item: unknown) => Promise<unknown>,
        results: new Array<unknown>(items.length),
        started: 0,
        settled: 0,
        failed: false,
        resolve: resolve as (results: unknown[]) => void,
        reject,
      };
      this.waiting.push(batch);
      this.fill();
    });
  }

  private fill(): void {
    while (this.running < this.concurrency) {
      const batch = this.waiting[0];
      if (batch === undefined) return;
      const index = batch.started;
      batch.started += 1;
      if (batch.started === batch.items.length) this.waiting.shift();
      this.running += 1;
      this.start(batch, index);
    }
  }

  private start(batch: Batch, index: number): void {
    let answer: Promise<unknown>;
    try {
      answer = batch.run(batch.items[index]);
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then(
      (value) => {
        batch.results[index] = value;
        this.settle(batch);
      },
      (error: unknown) => {
        if (!batch.failed) {
          batch.failed = true;
          const at = this.waiting.indexOf(batch);
          if (at >= 0) this.waiting.splice(at, 1);
          batch.reject(error);
        }
        this.settle(batch);
      },
    );
  }

  private settle(batch: Batch): void {
    this.running -= 1;
    batch.settled += 1;
    if (!batch.failed && batch.settled === batch.items.length) batch.resolve(batch.results);
    this.fill();
  }
}

interface Batch {
  items: readonly unknown[];
  run: (item: unknown) => Promise<unknown>;
  results: unknown[];
  started: number;
  settled: number;
  failed: boolean;
  resolve: (results: unknown[]) => void;
  reject: (error: unknown) => void;
}
