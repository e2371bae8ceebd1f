import { detachedHead } from '../core/detach.js';
import { ProbeError } from '../core/errors.js';
import type { ProbeFailure } from '../core/finding.js';
import type { HttpResponse } from '../core/http-types.js';
import type { Logger } from '../core/logger.js';
import { originOf } from './normalize.js';
import { PageRecords } from './page-records.js';
import type { CrawlBudgetName, CrawledPage, FetchKind, RawCapableTransport, RawHttpResponse } from './types.js';

/**
 * The crawl's only door to the transport. Three guarantees live here so that no caller can
 * forget them: a request to another origin is never sent (checked before send, whatever the
 * transport's own scope would allow), no request is sent once the request or byte budget is
 * spent, and a ProbeError becomes a recorded failure instead of an exception.
 */

export interface FetcherLimits {
  /** HTML page requests. */
  maxPages: number;
  /** Requests of every other kind: robots, sitemaps, feeds, scripts, source maps. */
  maxFiles: number;
  maxBytes: number;
}

/** Decoded text of a raw (gzip) body kept in `responses`, like the transport's own body cap. */
const syntheticBodyCapChars = 5 * 1024 * 1024;

/**
 * What each kind of crawl request reads at most. A robots file or a page of several megabytes
 * is a trap, not content; sitemaps and bundles get the transport's full cap.
 */
const bodyCapByKind: Partial<Record<FetchKind, number>> = {
  robots: 512 * 1024,
  page: 2 * 1024 * 1024,
  feed: 2 * 1024 * 1024,
};

/**
 * `responses` are kept for passive fingerprinting until discovery ends, so each keeps only the
 * head of its body (where generators, meta tags and framework markers sit), and less once many
 * are held: memory stays bounded however big the site's answers are.
 */
const keptBodyChars = 256 * 1024;
const keptBodyCharsWhenFull = 16 * 1024;
const keptCharsBudget = 24 * 1024 * 1024;

/**
 * Pages whose responses are kept for fingerprinting: the first ones reserved, which in the
 * crawl's breadth-first order are the target's own page and those nearest it, where every
 * template of the site shows. Every other kind (robots, sitemaps, feeds, scripts, source maps) is
 * kept whatever the count; its own budget bounds it. Past this, a page costs neither memory
 * (16 KiB of kept text per page made a 50,000-page crawl hold 800 MiB) nor fingerprint time
 * (every passive regex on every page was half the CPU of a 5,000-page crawl). The default
 * --max-pages (100) is below it, so a default scan fingerprints every page it fetched.
 */
export const fingerprintedPages = 200;

/**
 * A request whose responses are kept (every kind but pages past `fingerprintedPages`). The
 * other requests' places in `slots` hold their page record's row in `rows` (page-records.ts), or
 * nothing until it comes: a wrapper object each was 2.8 MB at 50,000 pages.
 */
interface KeptSlot {
  page?: CrawledPage;
  responses: HttpResponse[];
}

/** Something of every request's page record, in the slots' order: of a kept slot's record, or of a row. */
function ofEachPage<T>(slots: readonly Slot[], ofKept: (page: CrawledPage) => T, ofRow: (row: number) => T): T[] {
  return slots.flatMap((slot) => (slot === undefined ? [] : isKept(slot) ? (slot.page ? [ofKept(slot.page)] : []) : [ofRow(slot)]));
}

function pagesOf(slots: readonly Slot[], rows: PageRecords): CrawledPage[] {
  return ofEachPage(slots, (page) => page, (row) => rows.page(row));
}

/** A slot: a kept request, a page record's row, or nothing yet. */
type Slot = KeptSlot | number | undefined;

function isKept(slot: Slot): slot is KeptSlot {
  return typeof slot === 'object';
}

export class CrawlFetcher {
  readonly failures: ProbeFailure[] = [];
  /**
   * One slot per request, in the order requests were reserved (not the order answers arrived),
   * so that pages and responses come out in the same order on every run.
   */
  private readonly slots: Slot[] = [];
  private readonly rows = new PageRecords();
  /** The slots whose responses are kept, by URL, for replaceBody and recordRaw. */
  private readonly slotByUrl = new Map<string, KeptSlot>();
  pagesFetched = 0;
  files = 0;
  bytes = 0;
  private keptChars = 0;
  private readonly spent = new Set<CrawlBudgetName>();

  /**
   * The crawl's link policy. Every crawl request passes it, whatever queued it (a page link, a
   * sitemap child, a robots Sitemap line, a source map), and so does every redirect hop.
   */
  private allows: (url: string) => boolean = () => true;

  constructor(
    private readonly transport: RawCapableTransport,
    readonly origin: string,
    private readonly limits: FetcherLimits,
    private readonly logger?: Logger,
  ) {}

  usePolicy(allows: (url: string) => boolean): void {
    this.allows = allows;
  }

  /** Told each response kept for fingerprinting, as it is kept (CrawlOptions.onKept). */
  private onKept: ((response: HttpResponse) => void) | undefined;

  tellKept(onKept: ((response: HttpResponse) => void) | undefined): void {
    this.onKept = onKept;
  }

  /** Every request's page record, made now from the kept slots and the rows. */
  get pages(): CrawledPage[] {
    return pagesOf(this.slots, this.rows);
  }

  /**
   * A function that makes `pages` when called, holding only the slots and the rows: the crawl's
   * result keeps it in place of the list, and it must not keep the fetcher (whose link policy
   * holds the crawl's frontier and admission sets) alive through the rules that run after.
   */
  pageReader(): () => CrawledPage[] {
    const { slots, rows } = this;
    return () => pagesOf(slots, rows);
  }

  /** The URLs of `pages`, in the same order, without making the records. */
  pageUrls(): string[] {
    return ofEachPage(this.slots, (page) => page.url, (row) => this.rows.url(row));
  }

  get responses(): HttpResponse[] {
    return this.slots.flatMap((slot) => (isKept(slot) ? slot.responses : []));
  }

  /** Requests of every kind sent so far. */
  get requests(): number {
    return this.pagesFetched + this.files;
  }

  /** The budgets that refused a request, in the order they ran out. */
  get stoppedBy(): CrawlBudgetName[] {
    return [...this.spent];
  }

  /** True once no more pages can be fetched (page or byte budget spent); the crawl then winds down. */
  get exhausted(): boolean {
    return this.spent.has('pages') || this.spent.has('bytes');
  }

  get canSendRaw(): boolean {
    return typeof this.transport.sendRaw === 'function';
  }

  isSameOrigin(url: string): boolean {
    return originOf(url) === this.origin;
  }

  /**
   * GET through the transport; undefined when refused (origin, budget) or failed (recorded).
   * `binary` asks the transport to keep the raw bytes too (HttpResponse.rawBody); a transport
   * that cannot simply ignores it.
   */
  async get(
    url: string,
    kind: FetchKind,
    depth = 0,
    headers?: Record<string, string>,
    options: { binary?: boolean } = {},
  ): Promise<HttpResponse | undefined> {
    if (!this.allows(url)) return undefined;
    const index = this.reserve(url, kind);
    if (index < 0) return undefined;
    const kept = this.keptAt(index);
    if (kept) this.slotByUrl.set(url, kept);
    try {
      const response = await this.transport.send({
        method: 'GET',
        url,
        purpose: 'crawl',
        allowRedirect: this.allows,
        ...(headers ? { headers } : {}),
        ...(options.binary ? { binary: true } : {}),
        ...(bodyCapByKind[kind] === undefined ? {} : { maxBodyBytes: bodyCapByKind[kind] }),
      });
      this.bytes += response.bytes;
      kept?.responses.push(this.keep(response));
      // Sitemaps say so themselves (they are not read at all when cut); anything else was read in part.
      if (response.truncated && kind !== 'sitemap') {
        this.recordFailure({ url, code: 'DL_BODY_TRUNCATED', message: `the ${kind} body was cut at ${response.bytes} bytes; only that much was read for discovery` });
      }
      this.recordPage(index, url, response.url, kind, response.status, response.headers['content-type'], depth, response.bytes);
      this.logger?.debug({ url, kind, status: response.status, bytes: response.bytes }, 'crawl fetch');
      return response;
    } catch (error) {
      this.fail(url, error);
      return undefined;
    }
  }

  /** GET through sendRaw, for binary bodies; the caller records the decoded response (recordRaw). */
  async getRaw(url: string, kind: FetchKind, headers?: Record<string, string>): Promise<RawHttpResponse | undefined> {
    const sendRaw = this.transport.sendRaw;
    if (!sendRaw) return undefined;
    if (!this.allows(url)) return undefined;
    const index = this.reserve(url, kind);
    if (index < 0) return undefined;
    const kept = this.keptAt(index);
    if (kept) this.slotByUrl.set(url, kept);
    try {
      const response = await sendRaw.call(this.transport, { method: 'GET', url, purpose: 'crawl', allowRedirect: this.allows, ...(headers ? { headers } : {}) });
      this.bytes += response.body.length;
      this.recordPage(index, url, response.url ?? url, kind, response.status, response.headers['content-type'], 0, response.body.length);
      this.logger?.debug({ url, kind, status: response.status, bytes: response.body.length }, 'crawl fetch (raw)');
      return response;
    } catch (error) {
      this.fail(url, error);
      return undefined;
    }
  }

  /**
   * Replaces the body of the response last fetched for `url` with its decoded text (a gzip body
   * read through rawBody), so `responses` holds readable text for passive fingerprinting.
   */
  replaceBody(url: string, text: string): void {
    const slot = this.slotByUrl.get(url);
    const last = slot?.responses.at(-1);
    if (!slot || !last) return;
    const truncated = text.length > syntheticBodyCapChars;
    const { rawBody: _bytes, ...rest } = last;
    slot.responses[slot.responses.length - 1] = this.keep({
      ...rest,
      body: truncated ? text.slice(0, syntheticBodyCapChars) : text,
      truncated: truncated || last.truncated,
    });
  }

  /** Keeps a raw response in `responses` with its decoded text as body, for passive fingerprinting. */
  recordRaw(url: string, raw: RawHttpResponse, text: string): void {
    const truncated = text.length > syntheticBodyCapChars;
    let slot = this.slotByUrl.get(url);
    if (slot === undefined) {
      slot = { responses: [] };
      this.slotByUrl.set(url, slot);
      this.slots.push(slot);
    }
    slot.responses.push(this.keep({
      requestedUrl: url,
      url: raw.url ?? url,
      status: raw.status,
      statusText: raw.statusText ?? '',
      headers: raw.headers,
      body: truncated ? text.slice(0, syntheticBodyCapChars) : text,
      truncated: truncated || raw.truncated === true,
      bytes: raw.body.length,
      redirects: [],
      durationMs: 0,
    }));
  }

  /**
   * A kept request's page record: one object shape (no optional key spread in). Its Content-Type
   * is the kept response's own string; the rows (page-records.ts) share theirs.
   */
  private pageRecord(url: string, finalUrl: string, kind: FetchKind, status: number, contentType: string | undefined, depth: number, bytes: number): CrawledPage {
    const type = contentType ?? '';
    return finalUrl === url ? { url, kind, status, contentType: type, depth, bytes } : { url, finalUrl, kind, status, contentType: type, depth, bytes };
  }

  /** The copy of a response kept for fingerprinting: the head of its body, no raw bytes. */
  private keep(response: HttpResponse): HttpResponse {
    const { rawBody: _raw, ...rest } = response;
    const limit = this.keptChars > keptCharsBudget ? keptBodyCharsWhenFull : keptBodyChars;
    const body = detachedHead(rest.body, limit);
    this.keptChars += body.length;
    const kept = body === rest.body ? rest : { ...rest, body, truncated: true };
    this.onKept?.(kept);
    return kept;
  }

  recordFailure(failure: ProbeFailure): void {
    this.failures.push(failure);
    this.logger?.debug(failure, 'crawl failure');
  }

  /** The slot of the request at `index` when its responses are kept. */
  private keptAt(index: number): KeptSlot | undefined {
    const slot = this.slots[index];
    return isKept(slot) ? slot : undefined;
  }

  /** A request's page record: an object in a kept slot, a row otherwise (only HTML pages past the fingerprinted ones are not kept). */
  private recordPage(index: number, url: string, finalUrl: string, kind: FetchKind, status: number, contentType: string | undefined, depth: number, bytes: number): void {
    const kept = this.keptAt(index);
    if (kept) kept.page = this.pageRecord(url, finalUrl, kind, status, contentType, depth, bytes);
    // reserve() gives every kind but a page past the fingerprinted ones a kept slot.
    else this.slots[index] = this.rows.add(url, finalUrl, status, contentType ?? '', depth, bytes);
  }

  /** The request's place in `slots`, or -1 when it may not be sent (origin, budgets). */
  private reserve(url: string, kind: FetchKind): number {
    if (!this.isSameOrigin(url)) {
      // Callers filter first; this is the guarantee, not the filter.
      this.logger?.warn({ url }, 'crawl refused a request to another origin');
      return -1;
    }
    const isPage = kind === 'page';
    if (isPage ? this.pagesFetched >= this.limits.maxPages : this.files >= this.limits.maxFiles) {
      this.spent.add(isPage ? 'pages' : 'files');
      return -1;
    }
    // The target's own page is always read: robots and sitemaps that ate the byte budget must
    // not leave the scan without the one page every fingerprint looks at.
    const firstPage = isPage && this.pagesFetched === 0;
    if (this.bytes >= this.limits.maxBytes && !firstPage) {
      this.spent.add('bytes');
      return -1;
    }
    if (isPage) this.pagesFetched += 1;
    else this.files += 1;
    this.slots.push(!isPage || this.pagesFetched <= fingerprintedPages ? { responses: [] } : undefined);
    return this.slots.length - 1;
  }

  private fail(url: string, error: unknown): void {
    if (error instanceof ProbeError) {
      this.recordFailure({ url, code: error.code, message: error.message });
      return;
    }
    // A transport that breaks its contract (throws something else) is still not allowed to end
    // the crawl: record it as an unreadable response and keep going.
    const message = error instanceof Error ? error.message : String(error);
    this.recordFailure({ url, code: 'DL_BAD_RESPONSE', message: `transport error: ${message}` });
  }
}
