/**
 * The transport's timed waits (rate-limit turns, retry pauses), all ended at once by close().
 *
 * Why not an AbortSignal per wait: waits share the transport's one lifetime, and a shared
 * signal would collect a listener per waiting request (16 concurrent turns already pass Node's
 * limit of 10 and print MaxListenersExceededWarning); a controller per request was the cost
 * this replaces. Here a wait is a timer and an entry in a set, gone when it ends.
 */
export class Waits {
  private readonly pending = new Set<(reason: unknown) => void>();
  private endedBy: { reason: unknown } | undefined;

  /** Resolves after `ms`; rejects with the reason given to endAll, at once if it was already called. */
  sleep = (ms: number): Promise<void> => {
    if (this.endedBy !== undefined) return Promise.reject(this.endedBy.reason);
    return new Promise<void>((resolve, reject) => {
      const end = (reason: unknown): void => {
        clearTimeout(timer);
        this.pending.delete(end);
        reject(reason);
      };
      const timer = setTimeout(() => {
        this.pending.delete(end);
        resolve();
      }, ms);
      this.pending.add(end);
    });
  };

  /** Ends every wait, now and later, with `reason`. */
  endAll(reason: unknown): void {
    this.endedBy ??= { reason };
    for (const end of [...this.pending]) end(reason);
  }
}
