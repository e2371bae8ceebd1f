import type { CrawledPage } from './types.js';

/** Distinct Content-Type values given an index of their own; past this many, a row keeps its own. */
const maxSharedContentTypes = 256;
/** The index that says "this row's Content-Type is in `unsharedTypes`". */
const unsharedType = 0xffff;
const firstCapacity = 1024;

/**
 * The records of the crawl's HTML pages past the fingerprinted ones (crawl/fetcher.ts), one row
 * each, column by column: a URL, and typed arrays for the status, the depth, the bytes and the
 * Content-Type's index. A record as an object was 72 bytes and its place in the slots 8 more; a
 * row is 24, and a page's record is made as an object only when someone reads `pages` (nothing in
 * a scan does: the crawl reads their URLs). 50,000 pages held 3.6 MB of records to the end of the
 * scan (BENCHMARKS.md, thirteenth session). A page redirected elsewhere keeps its final URL beside.
 */
export class PageRecords {
  private urls: string[] = [];
  private statuses = new Uint16Array(firstCapacity);
  private depths = new Uint32Array(firstCapacity);
  private sizes = new Float64Array(firstCapacity);
  private typeIndexes = new Uint16Array(firstCapacity);
  private readonly finalUrls = new Map<number, string>();
  private readonly types: string[] = [];
  private readonly typeIndex = new Map<string, number>();
  private readonly unsharedTypes = new Map<number, string>();

  /** Stores one page's record; its row number. */
  add(url: string, finalUrl: string, status: number, contentType: string, depth: number, bytes: number): number {
    const row = this.urls.length;
    if (row === this.statuses.length) this.grow();
    this.urls.push(url);
    if (finalUrl !== url) this.finalUrls.set(row, finalUrl);
    this.statuses[row] = status;
    this.depths[row] = depth;
    this.sizes[row] = bytes;
    this.typeIndexes[row] = this.indexOfType(row, contentType);
    return row;
  }

  url(row: number): string {
    const url = this.urls[row];
    if (url === undefined) throw new RangeError(`no page record ${row}`);
    return url;
  }

  /** The record of `row` as the crawl's result gives it. */
  page(row: number): CrawledPage {
    const url = this.url(row);
    const typeIndex = this.typeIndexes[row] as number;
    const contentType = (typeIndex === unsharedType ? this.unsharedTypes.get(row) : this.types[typeIndex]) ?? '';
    const finalUrl = this.finalUrls.get(row);
    const fields = { kind: 'page' as const, status: this.statuses[row] as number, contentType, depth: this.depths[row] as number, bytes: this.sizes[row] as number };
    return finalUrl === undefined ? { url, ...fields } : { url, finalUrl, ...fields };
  }

  private indexOfType(row: number, contentType: string): number {
    const known = this.typeIndex.get(contentType);
    if (known !== undefined) return known;
    if (this.types.length < maxSharedContentTypes) {
      this.typeIndex.set(contentType, this.types.length);
      this.types.push(contentType);
      return this.types.length - 1;
    }
    this.unsharedTypes.set(row, contentType);
    return unsharedType;
  }

  private grow(): void {
    const capacity = this.statuses.length * 2;
    this.statuses = grown(this.statuses, capacity);
    this.depths = grown(this.depths, capacity);
    this.sizes = grown(this.sizes, capacity);
    this.typeIndexes = grown(this.typeIndexes, capacity);
  }
}

/** A copy of `column` with room for `capacity` values. */
function grown<T extends Uint16Array | Uint32Array | Float64Array>(column: T, capacity: number): T {
  const bigger = new (column.constructor as new (length: number) => T)(capacity);
  bigger.set(column);
  return bigger;
}
