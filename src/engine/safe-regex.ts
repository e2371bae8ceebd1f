import { RE2JS } from 're2js';
import { requiredFactor } from './required-factor.js';
import { containsLiteral, requiredLiteral, type RequiredLiteral } from './required-literal.js';

/**
 * Regexes from rules and fingerprints run on text a target controls, so they run on RE2 (re2js):
 * matching time is linear in the text, whatever the pattern. JavaScript's RegExp backtracks, and a
 * 92 KB page made one built-in fingerprint regex take minutes. RE2 has no backreferences and no
 * lookaround; such patterns are refused when the rule or fingerprint loads (see
 * `unsupportedReason`), never at match time.
 */

/**
 * The most text a rule or fingerprint regex reads: the first 1 MiB (1,048,576 UTF-16 code units)
 * of a body, header block or header value; the rest is not searched. Linear is not free: this
 * bounds the work of one regex on one response, however large the response.
 */
export const maxRegexTextLength = 1024 * 1024;

/**
 * The most matches `allMatches` gathers. Each match is its own search from where the last one
 * ended, and a search can run past the end of its match (a longer alternative that has priority
 * keeps looking), so this bounds the searches, not only the list.
 */
export const maxRegexMatches = 10_000;

/** A match: `[0]` is the whole match, `[n]` capture group n (undefined when it took no part). */
export type RegexMatch = readonly [string, ...(string | undefined)[]];

export interface SafeRegex {
  readonly pattern: string;
  /** Capture groups in the pattern (the whole match not counted). */
  readonly groupCount: number;
  /** Whether the pattern matches anywhere in the text. */
  test(text: string): boolean;
  /** The leftmost match, or null. */
  firstMatch(text: string): RegexMatch | null;
  /** Successive non-overlapping matches, left to right, at most `limit` (and `maxRegexMatches`). */
  allMatches(text: string, limit?: number): RegexMatch[];
}

/** A pattern RE2 cannot compile; the message says why in words a rule author can act on. */
export class UnsupportedRegexError extends Error {
  override name = 'UnsupportedRegexError';
}

function bounded(text: string): string {
  return text.length > maxRegexTextLength ? text.slice(0, maxRegexTextLength) : text;
}

function toMatch(groups: RegExpMatchArray): RegexMatch {
  return [groups[0], ...groups.slice(1)];
}

class Re2Regex implements SafeRegex {
  /** A literal every match contains: a text without it is not searched (see required-literal). */
  private readonly literal: RequiredLiteral | undefined;
  /**
   * A stretch every match contains, looked for once the literal is there (see required-factor);
   * worked out when first needed, as most patterns never meet a text with their literal (null:
   * the pattern has none).
   */
  private factor: RegExp | null | undefined;
  private compiledRe2: RE2JS | undefined;

  constructor(readonly pattern: string) {
    this.literal = requiredLiteral(pattern);
  }

  get groupCount(): number {
    return this.re2().groupCount();
  }

  /**
   * Compiled on first use, not when asked for: re2js compiles slowly (the built-in fingerprints'
   * regexes were about 90 ms of a one-page scan), and most patterns never meet a text holding
   * their literal, so they are never compiled at all.
   */
  re2(): RE2JS {
    if (this.compiledRe2 === undefined) {
      try {
        this.compiledRe2 = RE2JS.compile(this.pattern);
      } catch (error) {
        const detail = (error as Error).message.replace(/^error parsing regexp: /, '');
        throw new UnsupportedRegexError(explain(detail));
      }
    }
    return this.compiledRe2;
  }

  /** The text to search, or undefined when it cannot match (it lacks the required literal). */
  private searched(text: string): string | undefined {
    const within = bounded(text);
    if (this.literal !== undefined && !containsLiteral(within, this.literal)) return undefined;
    if (this.factor === undefined) this.factor = requiredFactor(this.pattern) ?? null;
    return this.factor === null || this.factor.test(within) ? within : undefined;
  }

  test(text: string): boolean {
    const within = this.searched(text);
    return within !== undefined && this.re2().test(within);
  }

  firstMatch(text: string): RegexMatch | null {
    const within = this.searched(text);
    const match = within === undefined ? null : (this.re2().exec(within) as RegExpMatchArray | null);
    return match ? toMatch(match) : null;
  }

  allMatches(text: string, limit = maxRegexMatches): RegexMatch[] {
    const most = Math.min(limit, maxRegexMatches);
    const matches: RegexMatch[] = [];
    const within = this.searched(text);
    if (most <= 0 || within === undefined) return matches;
    for (const match of this.re2().matchAll(within)) {
      matches.push(toMatch(match));
      if (matches.length >= most) break;
    }
    return matches;
  }
}

/**
 * What RE2JS reports ("invalid escape sequence: `\\1`"), said the way a rule author thinks about it.
 * RE2 names the token it stopped at; the constructs it lacks on purpose get their own sentence.
 */
const refusals: readonly { test: RegExp; reason: (token: string) => string }[] = [
  { test: /^invalid escape sequence: `\\[1-9]/, reason: (token) => `backreference ${token} is not supported: RE2 matches in linear time and has no backreferences` },
  { test: /^invalid escape sequence: `\\k/, reason: () => 'named backreference \\k<…> is not supported: RE2 matches in linear time and has no backreferences' },
  { test: /^invalid or unsupported Perl syntax: `\(\?[=!]/, reason: (token) => `lookahead ${token} is not supported: RE2 matches in linear time and has no lookaround` },
  { test: /^invalid named capture: `\(\?<[=!]/, reason: (token) => `lookbehind ${token.slice(0, 4)} is not supported: RE2 matches in linear time and has no lookaround` },
  { test: /^invalid or unsupported Perl syntax: `\(\?>/, reason: () => 'atomic group (?> is not supported: RE2 has no atomic groups (it never backtracks)' },
  { test: /^invalid nested repetition operator: `[*+?}]\+`/, reason: (token) => `possessive quantifier ${token} is not supported by RE2` },
  { test: /^invalid escape sequence: `\\u/, reason: (token) => `${token} is not RE2 syntax: write a code point as \\x{00e9}` },
  { test: /^invalid repeat count/, reason: (token) => `repeat count ${token} is over RE2's limit of 1000 (nested counts multiply)` },
];

function explain(detail: string): string {
  const token = /`([^`]*)`$/.exec(detail)?.[1] ?? '';
  const refusal = refusals.find((candidate) => candidate.test.test(detail));
  return refusal ? refusal.reason(token) : detail;
}

/**
 * Why RE2 refuses the pattern, or undefined when it compiles. Rule and fingerprint checks report
 * this as a problem at the pattern's line.
 */
export function unsupportedReason(pattern: string): string | undefined {
  try {
    compileRegex(pattern);
    return undefined;
  } catch (error) {
    if (error instanceof UnsupportedRegexError) return error.message;
    throw error;
  }
}

const known = new Map<string, Re2Regex>();

function regexOf(pattern: string): Re2Regex {
  let regex = known.get(pattern);
  if (regex === undefined) {
    regex = new Re2Regex(pattern);
    known.set(pattern, regex);
  }
  return regex;
}

/**
 * The RE2 regex for a pattern, compiled now (once). Flags are inline RE2 flags: `(?i)`
 * case-insensitive (at the start, as rules write it, or anywhere), `(?s)` dot matches newline,
 * `(?m)` multi-line. Throws UnsupportedRegexError when RE2 cannot run the pattern: what rule and
 * fingerprint checks call when they load.
 */
export function compileRegex(pattern: string): SafeRegex {
  const regex = regexOf(pattern);
  regex.re2();
  return regex;
}

/**
 * The regex for a pattern already checked when its rule or fingerprint loaded, compiled the first
 * time it searches a text that holds its required literal: what matchers, extractors and the
 * fingerprints use. A pattern RE2 cannot run throws UnsupportedRegexError then.
 */
export function checkedRegex(pattern: string): SafeRegex {
  return regexOf(pattern);
}
