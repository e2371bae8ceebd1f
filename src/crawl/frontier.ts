import { builtinLinkPolicy, type LinkPolicy } from './link-policy.js';
import { linkParts, normalizeUrl, type LinkParts, type UrlAdmission } from './normalize.js';

/**
 * The queue of HTML pages still to visit, breadth first. It decides what is worth a request:
 * same origin, a page rather than a file, allowed by the link policy (no nonce, no operation, no
 * acting verb, no admin area: rules/_link-policy.yaml), within the depth limit, not seen before,
 * and within the per-path and per-pattern caps of UrlAdmission. Every page link goes through
 * offer(), so the policy applies to all of them, on the normalised URL.
 */

/** The pages of one depth, in the order they were offered. */
export interface FrontierWave {
  depth: number;
  urls: string[];
}

export type OfferOutcome = 'queued' | 'not-a-page' | 'other-origin' | 'refused-by-policy' | 'too-deep' | 'seen' | 'query-variant-cap' | 'pattern-cap';

/** Files a BFS over pages should not spend requests on; they still count as published links. */
const fileExtension =
  /\.(?:jpe?g|png|gif|webp|avif|svg|ico|bmp|tiff?|heic|pdf|zip|gz|tgz|bz2|xz|rar|7z|tar|mp[34]|m4[av]|mov|avi|mkv|webm|ogg|oga|wav|flac|woff2?|ttf|otf|eot|css|js|mjs|map|json|xml|rss|atom|txt|csv|docx?|xlsx?|pptx?|odt|ods|exe|dmg|msi|apk|iso|bin)$/i;

export class Frontier {
  // Two columns, not an object per page: a site of 50,000 pages queues most of them in one wave,
  // and a { url, depth } each was 2 MB held through it.
  private queuedUrls: string[] = [];
  private queuedDepths: number[] = [];
  private readonly tooDeep = new Set<string>();
  private readonly refused = new Set<string>();
  /** Normalized URLs the link policy allowed (the policy is a pure function of the URL). */
  private readonly allowed = new Set<string>();

  constructor(
    private readonly origin: string,
    private readonly admission: UrlAdmission,
    readonly maxDepth: number,
    private readonly policy: LinkPolicy = builtinLinkPolicy(),
    /** The one copy of a normalised URL that others already hold (the inventory's), to queue and remember instead of another. */
    private readonly sharedUrl: (normalized: string) => string = (normalized) => normalized,
  ) {}

  /** Distinct same-origin URLs the link policy refused (pages, and the feeds and scripts checked with allows()). */
  get skippedByPolicy(): number {
    return this.refused.size;
  }

  /** URLs left unvisited because they were deeper than maxDepth. */
  get skippedByDepth(): number {
    return this.tooDeep.size;
  }

  get size(): number {
    return this.queuedUrls.length;
  }

  /** Marks a URL as visited without queueing it (the target's final URL after a redirect). */
  markSeen(url: string): void {
    const normalized = normalizeUrl(url);
    if (normalized !== undefined) this.admission.markSeen(normalized);
  }

  offer(raw: string, depth: number): OfferOutcome {
    const parts = linkParts(raw);
    if (parts === undefined) return 'not-a-page';
    const url = parts.href;
    if (parts.origin !== this.origin) return 'other-origin';
    // Before the file check: a refused link must not reach the published inventory either.
    if (!this.allowsNormalized(parts)) return 'refused-by-policy';
    if (fileExtension.test(parts.pathname)) return 'not-a-page';
    if (this.admission.has(url)) return 'seen';
    if (depth > this.maxDepth) {
      if (this.tooDeep.size < 100_000) this.tooDeep.add(url);
      return 'too-deep';
    }
    const shared = this.sharedUrl(url);
    const admission = this.admission.admit(shared);
    if (admission !== 'new') return admission;
    this.queuedUrls.push(shared);
    this.queuedDepths.push(depth);
    return 'queued';
  }

  /**
   * Whether the link policy lets the crawl request this same-origin URL; a refusal is counted.
   * For the other things a page makes the crawl fetch (feeds, scripts), which do not queue here.
   */
  allows(raw: string): boolean {
    const parts = linkParts(raw);
    return parts !== undefined && this.allowsNormalized(parts);
  }

  /** The policy reads the parts of the one parse linkParts made, not the normalised URL parsed again. */
  private allowsNormalized(parts: LinkParts): boolean {
    const url = parts.href;
    if (this.allowed.has(url)) return true;
    if (this.policy.allows(parts)) {
      // Every page links the same navigation: the verdict is kept, not worked out 40 times a page.
      // Bounded: a 50,000-page crawl must not keep a verdict per URL it ever saw.
      if (this.allowed.size >= 10_000) this.allowed.clear();
      this.allowed.add(url);
      return true;
    }
    if (this.refused.size < 100_000) this.refused.add(url);
    return false;
  }

  /** Removes and returns every queued URL of the lowest depth, in the order they were offered. */
  takeWave(): FrontierWave {
    const depths = this.queuedDepths;
    if (depths.length === 0) return { depth: 0, urls: [] };
    let depth = Number.POSITIVE_INFINITY;
    for (const queued of depths) if (queued < depth) depth = queued;
    const urls: string[] = [];
    const laterUrls: string[] = [];
    const laterDepths: number[] = [];
    for (const [index, url] of this.queuedUrls.entries()) {
      const queued = depths[index] as number;
      if (queued === depth) urls.push(url);
      else {
        laterUrls.push(url);
        laterDepths.push(queued);
      }
    }
    this.queuedUrls = laterUrls;
    this.queuedDepths = laterDepths;
    return { depth, urls };
  }
}
