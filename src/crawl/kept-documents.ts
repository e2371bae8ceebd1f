import { maxDiscoveredReads, type DiscoveredDocument, type DiscoveredKind } from '../core/discovered.js';
import type { HttpResponse } from '../core/http-types.js';

/**
 * The crawl's pages, scripts and source maps, kept whole for rules that read them (preview
 * tokens in bundles) within a budget of characters: memory stays bounded on a site of huge
 * bundles, and what did not fit is counted so the report can say so. At most
 * maxDiscoveredReads of each kind are kept: a discovered step reads the first ones in crawl
 * order and never more than that, so the rest would be memory no rule reads (a 5,000-page crawl
 * kept 800 pages, 16 Mi characters, for rules that read 200); they are not counted as dropped.
 * The scan passes the largest `max` of its rules (200 for the built-in ones), below that. One
 * document more than that is kept, so that a step reading `max` still sees there were more and
 * the report says so.
 */
export class KeptDocuments {
  readonly documents: DiscoveredDocument[] = [];
  /** Documents not kept because the budget was spent. */
  dropped = 0;
  private chars = 0;
  private readonly perKind = new Map<DiscoveredKind, number>();

  constructor(
    private readonly maxChars: number,
    /** The most documents of one kind a step reads. */
    private readonly readsPerKind: number = maxDiscoveredReads,
  ) {}

  keep(kind: DiscoveredKind, response: HttpResponse): void {
    if (this.maxChars <= 0) return;
    const ofKind = this.perKind.get(kind) ?? 0;
    if (ofKind > this.readsPerKind) return;
    if (this.chars + response.body.length > this.maxChars) {
      this.dropped += 1;
      return;
    }
    this.chars += response.body.length;
    this.perKind.set(kind, ofKind + 1);
    this.documents.push({ kind, url: response.url, status: response.status, headers: response.headers, body: response.body, truncated: response.truncated });
  }
}
