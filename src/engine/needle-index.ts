/**
 * Which of many needles a text contains, found in one pass over the text. Fingerprints and rules
 * check the literals their regexes require against each page in turn (85 sets of them against
 * each of the first 200 pages of a crawl); one `includes` per needle read each 20 KB page 85
 * times, 0.8 ms a page, 8% of a 5,000-page crawl's CPU (BENCHMARKS.md, seventh session). One
 * scan with every needle in one JavaScript regex (an alternation of escaped literals, which V8
 * compiles with their common prefixes factored out) finds the same answers 4.5 times faster.
 *
 * Exact, not a filter: every position where some needle starts is a match position of the
 * alternation (the search resumes one character after each match, so overlapping needles are
 * found too), and at each match position every needle is compared there, not only the
 * alternative the regex chose. The alternation holds literals only, no quantifier, so it cannot
 * backtrack beyond the length of a needle at any position.
 *
 * A text is scanned once, at its third question (one or two checks cost less by `includes`), only
 * up to maxTextLength, and only for the needles registered by then: a needle registered later
 * (literals are registered as they are first asked about), or past maxNeedles, is looked for
 * with `includes`, and the next text's scan covers it.
 */
export class NeedleIndex {
  /** Each needle with the order it was registered in. */
  private readonly needles = new Map<string, number>();
  private byFirstChar = new Map<string, string[]>();
  private search: RegExp | undefined;
  private lastText: string | undefined;
  private asked = 0;
  private found: Set<string> | undefined;
  /** How many needles were registered when `found` was worked out: the later ones were not looked for. */
  private foundAmong = 0;

  constructor(
    private readonly maxTextLength = 256 * 1024,
    private readonly maxNeedles = 2048,
  ) {}

  /** Adds needles to look for; empty needles are not indexed (every text contains them). */
  register(needles: Iterable<string>): void {
    for (const needle of needles) {
      if (needle === '' || this.needles.has(needle) || this.needles.size >= this.maxNeedles) continue;
      this.needles.set(needle, this.needles.size);
      this.search = undefined;
    }
  }

  /** `text.includes(needle)`. */
  includes(text: string, needle: string): boolean {
    const order = this.needles.get(needle);
    if (order === undefined || text.length > this.maxTextLength) return text.includes(needle);
    if (text !== this.lastText) {
      this.lastText = text;
      this.asked = 0;
      this.found = undefined;
    }
    this.asked += 1;
    if (this.asked <= 2) return text.includes(needle);
    if (this.found === undefined) {
      this.found = this.scan(text);
      this.foundAmong = this.needles.size;
    }
    return order < this.foundAmong ? this.found.has(needle) : text.includes(needle);
  }

  /** Every registered needle the text contains. */
  private scan(text: string): Set<string> {
    const search = this.compiled();
    const found = new Set<string>();
    search.lastIndex = 0;
    for (let match = search.exec(text); match !== null; match = search.exec(text)) {
      const at = match.index;
      for (const needle of this.byFirstChar.get(text[at] as string) ?? []) {
        if (!found.has(needle) && text.startsWith(needle, at)) found.add(needle);
      }
      search.lastIndex = at + 1;
    }
    return found;
  }

  private compiled(): RegExp {
    if (this.search !== undefined) return this.search;
    this.byFirstChar = new Map();
    for (const needle of this.needles.keys()) {
      const first = needle[0] as string;
      const group = this.byFirstChar.get(first);
      if (group === undefined) this.byFirstChar.set(first, [needle]);
      else group.push(needle);
    }
    this.search = new RegExp([...this.needles.keys()].map(escapeLiteral).join('|'), 'g');
    return this.search;
  }
}

/**
 * A regex source that matches exactly `literal`. Without the u flag a pattern compares code unit
 * for code unit, as `includes` does, and escaping `/` and `-` is allowed.
 */
export function escapeLiteral(literal: string): string {
  return literal.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}
