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
 *
 * What a scan found is remembered for the texts scanned last (up to recentMaxTexts of them and
 * recentMaxChars in all), not only the current one: the crawl's fingerprinting reads its first
 * 200 pages, and the rules read the same pages again as kept documents after the crawl; with only
 * the last text remembered, every page was scanned twice (823 scans of 408 texts in a 5,000-page
 * crawl). Texts asked about once or twice are not remembered, so a probe's small answers are not
 * kept alive by the index.
 *
 * `view` is the text a scan reads for a text asked about (the text itself, or its lower case for
 * needles compared without case), so a remembered text needs no new view. `firstChecks` answers
 * the questions no scan answers (a text's first two, a needle registered after its scan, a text
 * too long): `view(text).includes(needle)`, or any check that says yes wherever that does.
 */
export class NeedleIndex {
  /** Each needle with the order it was registered in. */
  private readonly needles = new Map<string, number>();
  private byFirstChar = new Map<string, string[]>();
  private search: RegExp | undefined;
  private current: TextMemo | undefined;
  /** Scanned texts, oldest first. */
  private readonly recent: TextMemo[] = [];
  private recentChars = 0;

  constructor(
    private readonly maxTextLength = 256 * 1024,
    private readonly maxNeedles = 2048,
    private readonly view: (text: string) => string = (text) => text,
    private readonly firstChecks: (text: string, needle: string) => boolean = (text, needle) => text.includes(needle),
    private readonly recentMaxTexts = 256,
    private readonly recentMaxChars = 4 * 1024 * 1024,
  ) {}

  /** Adds needles to look for; empty needles are not indexed (every text contains them). */
  register(needles: Iterable<string>): void {
    for (const needle of needles) {
      if (needle === '' || this.needles.has(needle) || this.needles.size >= this.maxNeedles) continue;
      this.needles.set(needle, this.needles.size);
      this.search = undefined;
    }
  }

  /** Whether the view of `text` contains `needle`. */
  includes(text: string, needle: string): boolean {
    const order = this.needles.get(needle);
    if (order === undefined || text.length > this.maxTextLength) return this.firstChecks(text, needle);
    let memo = this.current;
    if (memo === undefined || memo.text !== text) {
      memo = this.remembered(text) ?? this.unscanned(text);
      this.current = memo;
    }
    if (memo.found === undefined) {
      memo.asked += 1;
      if (memo.asked <= 2) return this.firstChecks(text, needle);
      memo.found = this.scan(this.view(text));
      memo.foundAmong = this.needles.size;
      this.remember(memo);
    }
    return order < memo.foundAmong ? memo.found.has(needle) : this.firstChecks(text, needle);
  }

  /** A memo for a text not scanned yet: the current one's object when it was not scanned either (it is nowhere else). */
  private unscanned(text: string): TextMemo {
    const current = this.current;
    if (current === undefined || current.found !== undefined) return { text, asked: 0, found: undefined, foundAmong: 0 };
    current.text = text;
    current.asked = 0;
    return current;
  }

  private remembered(text: string): TextMemo | undefined {
    // Newest first; texts of other lengths are told apart without reading them.
    for (let index = this.recent.length - 1; index >= 0; index -= 1) {
      const memo = this.recent[index] as TextMemo;
      if (memo.text === text) return memo;
    }
    return undefined;
  }

  private remember(memo: TextMemo): void {
    this.recent.push(memo);
    this.recentChars += memo.text.length;
    while (this.recent.length > this.recentMaxTexts || (this.recentChars > this.recentMaxChars && this.recent.length > 1)) {
      const oldest = this.recent.shift() as TextMemo;
      this.recentChars -= oldest.text.length;
    }
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

/** What is known of one text: how often it was asked about, and what its scan found. */
interface TextMemo {
  text: string;
  asked: number;
  found: Set<string> | undefined;
  /** How many needles were registered when `found` was worked out: the later ones were not looked for. */
  foundAmong: number;
}

/**
 * A regex source that matches exactly `literal`. Without the u flag a pattern compares code unit
 * for code unit, as `includes` does, and escaping `/` and `-` is allowed.
 */
export function escapeLiteral(literal: string): string {
  return literal.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}
