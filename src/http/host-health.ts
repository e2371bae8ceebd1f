import type { ProbeErrorCode } from '../core/errors.js';

/**
 * The per-host error budget. A host that keeps timing out or failing is costing the scan its
 * time and is telling us nothing; after `maxInARow` failures with no answer between them it is
 * given up on, and every later request to it fails at once instead of waiting out its timeout.
 * Any HTTP answer, even a 500, resets the count: the host is up and speaking.
 */
export class HostHealth {
  private readonly failuresInARow = new Map<string, number>();
  private readonly abandoned = new Map<string, ProbeErrorCode>();

  /** `maxInARow` 0 means never give up. */
  constructor(private readonly maxInARow: number) {}

  answered(origin: string): void {
    this.failuresInARow.delete(origin);
  }

  failed(origin: string, code: ProbeErrorCode): void {
    // Our own refusals say nothing about the host.
    if (code === 'DL_OUT_OF_SCOPE' || code === 'DL_METHOD_NOT_ALLOWED' || code === 'DL_INVALID_URL' || code === 'DL_ABORTED') return;
    if (code === 'DL_REDIRECT_OUT_OF_SCOPE' || code === 'DL_TOO_MANY_REDIRECTS' || code === 'DL_REDIRECT_REFUSED') return;
    const count = (this.failuresInARow.get(origin) ?? 0) + 1;
    this.failuresInARow.set(origin, count);
    if (this.maxInARow > 0 && count >= this.maxInARow && !this.abandoned.has(origin)) this.abandoned.set(origin, code);
  }

  givenUp(origin: string): boolean {
    return this.abandoned.has(origin);
  }

  givenUpOrigins(): { origin: string; lastCode: ProbeErrorCode }[] {
    return [...this.abandoned].map(([origin, lastCode]) => ({ origin, lastCode }));
  }
}
