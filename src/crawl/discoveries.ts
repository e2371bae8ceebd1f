import type { ApiHost, ScriptScan } from './script-scan.js';

/**
 * What the crawl found besides pages, in bounded insertion-ordered sets: the report and the
 * fingerprinter read these lists, and a hostile page must not be able to grow them without limit.
 */

/** A Set that keeps first-seen order and silently stops growing at its cap. */
export class CappedSet {
  private readonly values = new Set<string>();
  dropped = 0;
  constructor(readonly cap: number) {}

  add(value: string): boolean {
    if (this.values.has(value)) return false;
    if (this.values.size >= this.cap) {
      this.dropped++;
      return false;
    }
    this.values.add(value);
    return true;
  }

  has(value: string): boolean {
    return this.values.has(value);
  }

  get size(): number {
    return this.values.size;
  }

  toArray(): string[] {
    return [...this.values];
  }
}

/** A FIFO of URLs to fetch once each, up to a cap (feeds, scripts, source maps). */
export class FetchQueue {
  private readonly seen: CappedSet;
  private pending: string[] = [];
  constructor(cap: number) {
    this.seen = new CappedSet(cap);
  }

  offer(url: string): void {
    if (this.seen.add(url)) this.pending.push(url);
  }

  /** Everything queued so far, emptying the queue. */
  drain(): string[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  get size(): number {
    return this.pending.length;
  }
}

export const externalLinksCap = 500;
export const scriptUrlsCap = 500;
export const formsCap = 200;

export class Discoveries {
  readonly assetHosts = new CappedSet(1000);
  readonly externalLinks = new CappedSet(externalLinksCap);
  readonly scriptUrls = new CappedSet(scriptUrlsCap);
  readonly forms = new CappedSet(formsCap);
  private readonly apiHostMap = new Map<string, string>();

  constructor(
    readonly feeds: FetchQueue,
    readonly scripts: FetchQueue,
    readonly sourceMaps: FetchQueue,
  ) {}

  addAssetUrl(url: string): void {
    const origin = safeOrigin(url);
    if (origin) this.assetHosts.add(origin);
  }

  addScan(scan: ScriptScan): void {
    for (const url of scan.urls) this.scriptUrls.add(url);
    for (const { host, cms } of scan.apiHosts) if (!this.apiHostMap.has(host)) this.apiHostMap.set(host, cms);
  }

  get apiHosts(): ApiHost[] {
    return [...this.apiHostMap].map(([host, cms]) => ({ host, cms }));
  }
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
