import type { DiscoveredDocument, DiscoveredKind } from '../core/discovered.js';
import type { HttpResponse } from '../core/http-types.js';

/**
 * The crawl's pages, scripts and source maps, kept whole for rules that read them (preview
 * tokens in bundles) within a budget of characters: memory stays bounded on a site of huge
 * bundles, and what did not fit is counted so the report can say so.
 */
export class KeptDocuments {
  readonly documents: DiscoveredDocument[] = [];
  /** Documents not kept because the budget was spent. */
  dropped = 0;
  private chars = 0;

  constructor(private readonly maxChars: number) {}

  keep(kind: DiscoveredKind, response: HttpResponse): void {
    if (this.maxChars <= 0) return;
    if (this.chars + response.body.length > this.maxChars) {
      this.dropped += 1;
      return;
    }
    this.chars += response.body.length;
    this.documents.push({ kind, url: response.url, status: response.status, headers: response.headers, body: response.body, truncated: response.truncated });
  }
}
