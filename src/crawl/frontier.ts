import { normalizeUrl, type UrlAdmission } from './normalize.js';

/**
 * The queue of HTML pages still to visit, breadth first. It decides what is worth a request:
 * same origin, a page rather than a file, not a link that acts (logout, delete), within the depth
 * limit, not seen before, and within the per-path and per-pattern caps of UrlAdmission.
 */

export interface FrontierItem {
  url: string;
  depth: number;
}

export type OfferOutcome = 'queued' | 'not-a-page' | 'other-origin' | 'unsafe' | 'too-deep' | 'seen' | 'query-variant-cap' | 'pattern-cap';

/** Files a BFS over pages should not spend requests on; they still count as published links. */
const fileExtension =
  /\.(?:jpe?g|png|gif|webp|avif|svg|ico|bmp|tiff?|heic|pdf|zip|gz|tgz|bz2|xz|rar|7z|tar|mp[34]|m4[av]|mov|avi|mkv|webm|ogg|oga|wav|flac|woff2?|ttf|otf|eot|css|js|mjs|map|json|xml|rss|atom|txt|csv|docx?|xlsx?|pptx?|odt|ods|exe|dmg|msi|apk|iso|bin)$/i;

/**
 * GET links that change state for a logged-in user. Anonymous, they are harmless on a sane site,
 * but draftleak probes sites that are by definition misconfigured, so it does not follow them.
 */
const actingLink = /(?:^|[/?&_-])(?:log-?out|sign-?out)(?:$|[/?&=._-])|[?&](?:action|do|op)=(?:delete|remove|trash|logout|destroy|unsubscribe)\b/i;

export class Frontier {
  private queue: FrontierItem[] = [];
  private readonly tooDeep = new Set<string>();

  constructor(
    private readonly origin: string,
    private readonly admission: UrlAdmission,
    readonly maxDepth: number,
  ) {}

  /** URLs left unvisited because they were deeper than maxDepth. */
  get skippedByDepth(): number {
    return this.tooDeep.size;
  }

  get size(): number {
    return this.queue.length;
  }

  /** Marks a URL as visited without queueing it (the target's final URL after a redirect). */
  markSeen(url: string): void {
    const normalized = normalizeUrl(url);
    if (normalized !== undefined) this.admission.markSeen(normalized);
  }

  offer(raw: string, depth: number): OfferOutcome {
    const url = normalizeUrl(raw);
    if (url === undefined) return 'not-a-page';
    const parsed = new URL(url);
    if (parsed.origin !== this.origin) return 'other-origin';
    if (fileExtension.test(parsed.pathname)) return 'not-a-page';
    if (actingLink.test(`${parsed.pathname}${parsed.search}`)) return 'unsafe';
    if (this.admission.has(url)) return 'seen';
    if (depth > this.maxDepth) {
      if (this.tooDeep.size < 100_000) this.tooDeep.add(url);
      return 'too-deep';
    }
    const admission = this.admission.admit(url);
    if (admission !== 'new') return admission;
    this.queue.push({ url, depth });
    return 'queued';
  }

  /** Removes and returns every queued item of the lowest depth, in the order they were offered. */
  takeWave(): FrontierItem[] {
    if (this.queue.length === 0) return [];
    const depth = this.queue.reduce((lowest, item) => Math.min(lowest, item.depth), Number.POSITIVE_INFINITY);
    const wave = this.queue.filter((item) => item.depth === depth);
    this.queue = this.queue.filter((item) => item.depth !== depth);
    return wave;
  }
}
