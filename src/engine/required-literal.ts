import { escapeLiteral, NeedleIndex } from './needle-index.js';

/**
 * A literal every match of an RE2 pattern must contain, found from the pattern's text alone, so
 * a regex can be skipped on a text without it: `text.includes(literal)` is a fast native search,
 * and re2js (pure JavaScript) reading a 20 KB page is not. The crawl runs every token rule's
 * regexes on up to 500 kept pages, and every fingerprint's on every page; most pages hold none of
 * their literals (BENCHMARKS.md).
 *
 * Conservative by construction: only runs of plain characters count, never inside a class, never
 * a character a quantifier applies to. A group counts when every match must pass through it (no
 * `?`, `*` or `{0,...}` after it): `(?:src|href)=["'][^"']*\/(?:typo3temp|typo3conf)\/` requires
 * "typo3temp" or "typo3conf". A quantifier after a flag setting such as `(?i)` applies to what
 * precedes the setting, so a pattern with one gets no literal at all. Of the sets of literals a
 * pattern requires, the one whose shortest literal is longest is kept. A pattern with top-level
 * `|` requires one of its alternatives' literals, and nothing when one alternative has none
 * (`(?i)kontent|kentico` requires "ontent" or "entico"). Case-insensitive patterns give ASCII
 * literals compared without case, leaving out k and s, which RE2 also folds to U+212A (Kelvin
 * sign) and U+017F (long s). Whatever is unsure gives no literal, and the regex runs.
 */
export interface RequiredLiteral {
  /** Every match contains at least one of these. */
  anyOf: string[];
  /** Compare without ASCII case (the texts are lower-case). */
  ignoreCase: boolean;
}

/** The shortest literal worth a check: shorter ones are in most texts anyway. */
const minimumLength = 3;

const quantifierStart = new Set(['*', '+', '?', '{']);
// Escaped, these stand for themselves; every other escape (\d, \b, \x41, \Q, \pL ...) is not a plain character.
export const escapedPunctuation = new Set([...'\\.+*?()|[]{}^$/-"\'#&~,:;<>=!@%` ']);

export function requiredLiteral(pattern: string): RequiredLiteral | undefined {
  // A flag set anywhere counts for every alternative: comparing without case is the safe side.
  const ignoreCase = /\(\?[a-zA-Z]*i/.test(pattern);
  // \Q...\E quotes everything up to \E, parentheses and "|" included, which the group and
  // alternative scanning below does not read: such a pattern gets no literal.
  if (pattern.includes('\\Q')) return undefined;
  // A flag setting (`(?i)`, `(?s)`, `(?-U)`) matches nothing, so a quantifier right after it
  // applies to what came before it: `abcd(?s)?` is `abc` then an optional `d`. The scanning below
  // looks only at the next character for a quantifier, so such a pattern gets no literal.
  if (flagSettingThenQuantifier.test(pattern)) return undefined;
  const anyOf = alternativesLiterals(pattern, ignoreCase, 0);
  return anyOf === undefined ? undefined : { anyOf, ignoreCase };
}

/** One or more flag settings followed by a quantifier. */
const flagSettingThenQuantifier = /(?:\(\?[A-Za-z-]*\))+[*+?{]/;

/** Groups inside groups are read this deep at most; deeper ones are skipped (they give no literal). */
const maxGroupDepth = 8;

/** Literals one of which every match of `pattern` contains (one per top-level alternative), or undefined. */
function alternativesLiterals(pattern: string, ignoreCase: boolean, depth: number): string[] | undefined {
  const alternatives = topLevelAlternatives(pattern);
  if (alternatives === undefined) return undefined;
  const anyOf: string[] = [];
  for (const alternative of alternatives) {
    const literals = sequenceLiterals(alternative, ignoreCase, depth);
    if (literals === undefined) return undefined;
    for (const literal of literals) if (!anyOf.includes(literal)) anyOf.push(literal);
  }
  return anyOf;
}

/** The pattern split at its top-level `|` (not inside a group or class, not escaped); undefined when unbalanced. */
export function topLevelAlternatives(pattern: string): string[] | undefined {
  const alternatives: string[] = [];
  let start = 0;
  for (let index = 0; index < pattern.length; ) {
    const char = pattern[index];
    if (char === '\\') index += 2;
    else if (char === '(') {
      index = skipGroup(pattern, index);
      if (index < 0) return undefined;
    } else if (char === '[') {
      index = skipClass(pattern, index);
      if (index < 0) return undefined;
    } else {
      if (char === '|') {
        alternatives.push(pattern.slice(start, index));
        start = index + 1;
      }
      index += 1;
    }
  }
  alternatives.push(pattern.slice(start));
  return alternatives;
}

/**
 * Literals one of which every match of one alternative (no top-level `|`) contains: a run of plain
 * characters, or what a group every match passes through requires. Of these candidates, the one
 * whose shortest literal is longest.
 */
function sequenceLiterals(pattern: string, ignoreCase: boolean, depth: number): string[] | undefined {
  const candidates: string[][] = [];
  let run = '';
  const endRun = (): void => {
    if (run.length >= minimumLength) candidates.push([run]);
    run = '';
  };
  for (let index = 0; index < pattern.length; ) {
    const char = pattern[index] as string;
    if (char === '|') return undefined;
    if (char === '(') {
      endRun();
      const end = skipGroup(pattern, index);
      if (end < 0) return undefined;
      const body = depth < maxGroupDepth && isRequiredAt(pattern, end) ? groupBody(pattern.slice(index, end)) : undefined;
      const inner = body === undefined ? undefined : alternativesLiterals(body, ignoreCase, depth + 1);
      if (inner !== undefined) candidates.push(inner);
      index = end;
      continue;
    }
    if (char === '[') {
      endRun();
      index = skipClass(pattern, index);
      if (index < 0) return undefined;
      continue;
    }
    let literal: string | undefined;
    let width = 1;
    if (char === '\\') {
      const next = pattern[index + 1];
      // \x41, \x{263a}, \pL, \p{Greek}, \123 and \Q...\E are wider than two characters, and
      // \Q...\E makes what follows literal: too unlike the rest to read here.
      if (next === undefined || /[xpPQ0-9]/.test(next)) return undefined;
      if (escapedPunctuation.has(next)) literal = next;
      width = 2;
    } else if (char === '{') {
      // A repeat count ({2}, {2,5}) belongs to what it follows, already left out; its digits are not literals.
      endRun();
      const repeat = /^\{\d+(?:,\d*)?\}/.exec(pattern.slice(index));
      index += repeat ? repeat[0].length : 1;
      if (pattern[index] === '?') index += 1;
      continue;
    } else if (!'.^$)'.includes(char) && !quantifierStart.has(char)) {
      literal = char;
    }
    const after = pattern[index + width];
    if (after !== undefined && quantifierStart.has(after)) {
      // The quantifier applies to this character: it may be absent or repeated.
      endRun();
      index += width;
      continue;
    }
    if (literal !== undefined && isPlain(literal, ignoreCase)) {
      run += ignoreCase ? literal.toLowerCase() : literal;
    } else {
      endRun();
    }
    index += width;
  }
  endRun();
  let best: string[] | undefined;
  let bestShortest = 0;
  for (const candidate of candidates) {
    const shortest = Math.min(...candidate.map((literal) => literal.length));
    if (shortest >= minimumLength && (shortest > bestShortest || (shortest === bestShortest && best !== undefined && candidate.length < best.length))) {
      best = candidate;
      bestShortest = shortest;
    }
  }
  return best;
}

/**
 * Whether every match passes through the group that ends just before `end`: no quantifier after
 * it that lets it be absent (`?`, `*`, `{0}`, `{0,n}`). `+` and `{n,...}` with n >= 1 keep it.
 */
function isRequiredAt(pattern: string, end: number): boolean {
  const after = pattern[end];
  if (after === '?' || after === '*') return false;
  if (after === '{') {
    const repeat = /^\{(\d+)(?:,\d*)?\}/.exec(pattern.slice(end));
    return repeat !== null && Number(repeat[1]) >= 1;
  }
  return true;
}

/**
 * What a group written `(...)` matches, without its opening: `(abc)`, `(?:abc)`, `(?P<name>abc)`,
 * `(?<name>abc)` and flag groups `(?i:abc)`. Undefined for a flag setting alone (`(?i)`, it
 * matches nothing) and for anything else (lookaround is not RE2's, so not read).
 */
function groupBody(group: string): string | undefined {
  const inner = group.slice(1, -1);
  if (!inner.startsWith('?')) return inner;
  const opening = /^\?(?::|P?<[A-Za-z_][A-Za-z0-9_]*>|[A-Za-z-]*:)/.exec(inner);
  return opening === null ? undefined : inner.slice(opening[0].length);
}

function isPlain(char: string, ignoreCase: boolean): boolean {
  const code = char.charCodeAt(0);
  if (code < 0x20 || code > 0x7e) return false;
  return !(ignoreCase && (char === 'k' || char === 'K' || char === 's' || char === 'S'));
}

/** Index after the group opened at `start` (classes and escapes inside are skipped), or -1. */
export function skipGroup(pattern: string, start: number): number {
  let depth = 0;
  for (let index = start; index < pattern.length; index += 1) {
    const char = pattern[index];
    if (char === '\\') index += 1;
    else if (char === '[') {
      index = skipClass(pattern, index) - 1;
      if (index < 0) return -1;
    } else if (char === '(') depth += 1;
    else if (char === ')') {
      depth -= 1;
      if (depth === 0) return index + 1;
    }
  }
  return -1;
}

/** Index after the class opened at `start` (`[]a]` and `[^]a]` hold a literal `]`), or -1. */
export function skipClass(pattern: string, start: number): number {
  let index = start + 1;
  if (pattern[index] === '^') index += 1;
  if (pattern[index] === ']') index += 1;
  for (; index < pattern.length; index += 1) {
    const char = pattern[index];
    if (char === '\\') index += 1;
    else if (char === '[' && pattern[index + 1] === ':') {
      // A POSIX class inside a class: [[:alpha:]].
      const end = pattern.indexOf(':]', index + 2);
      if (end < 0) return -1;
      index = end + 1;
    } else if (char === ']') return index + 1;
  }
  return -1;
}

/** Whether `text` contains one of the literals (ASCII case ignored when the literal says so). */
export function containsLiteral(text: string, literal: RequiredLiteral): boolean {
  const ascii = !literal.ignoreCase || literal.anyOf.every(isAscii);
  if (!indexed.has(literal)) {
    indexed.add(literal);
    if (ascii) (literal.ignoreCase ? loweredNeedles : exactNeedles).register(literal.anyOf);
  }
  if (!literal.ignoreCase) return literal.anyOf.some((needle) => exactNeedles.includes(text, needle));
  if (ascii) return literal.anyOf.some((needle) => loweredNeedles.includes(text, needle));
  return literal.anyOf.some((needle) => includesIgnoringAsciiCase(text, needle));
}

/** `text` contains the lower-case ASCII `needle`, ASCII case ignored (see loweredCopy). */
function includesLowered(text: string, needle: string): boolean {
  const lower = loweredCopy(text);
  return lower === undefined ? includesIgnoringAsciiCase(text, needle) : lower.includes(needle);
}

/**
 * The needles of every literal asked about, for one scan per text instead of one per needle
 * (needle-index.ts). Needles compared without case are looked for in the text's lower case; the
 * index is keyed by the text itself, so a text scanned before needs no new lower-cased copy.
 */
const loweredTextMaxLength = 256 * 1024;
const exactNeedles = new NeedleIndex();
const loweredNeedles = new NeedleIndex(loweredTextMaxLength, 2048, (text) => loweredCopy(text) ?? text.toLowerCase(), includesLowered);
const indexed = new WeakSet<RequiredLiteral>();

/**
 * The last text searched, lower-cased once: fingerprints and rules test a hundred or more
 * case-insensitive literals against each page in turn, and one toLowerCase plus plain includes
 * costs less than as many /literal/i scans. Sound for an ASCII needle: every ASCII character
 * lower-cases to its own lower case, one for one, and an /i match of ASCII is made of ASCII
 * characters only (Canonicalize folds none across ASCII), so whatever /needle/i finds, the
 * lower-cased text contains. Non-ASCII characters that lower-case to ASCII (U+212A, U+0130)
 * only let more texts through to the regex itself, which decides. Only texts up to
 * loweredTextMaxLength are kept, so a megabyte page is not held twice to the end of the scan.
 */
function loweredCopy(text: string): string | undefined {
  if (text.length > loweredTextMaxLength) return undefined;
  if (text !== lastText) {
    lastText = text;
    lastLowered = text.toLowerCase();
  }
  return lastLowered;
}

// Only ASCII needles (all that requiredLiteral gives): lower-casing is not case folding beyond
// ASCII (a final capital sigma lower-cases to the final form, which /σ/i does not need).
// eslint-disable-next-line no-control-regex
const isAscii = (needle: string): boolean => /^[\x00-\x7f]*$/.test(needle);
let lastText: string | undefined;
let lastLowered = '';

/**
 * `text.includes(needle)` with ASCII letters compared without case; `needle` is lower-case ASCII.
 * A native /literal/i search: V8 scans for a literal far faster than a loop over char codes (that
 * loop was 6% of a 5,000-page crawl). Without the u flag, /i folds a character only to one of
 * the same side of ASCII (ECMA-262 Canonicalize), so a needle of ASCII matches exactly its
 * ASCII case variants, and a literal pattern cannot backtrack.
 */
function includesIgnoringAsciiCase(text: string, needle: string): boolean {
  let search = caseInsensitiveSearches.get(needle);
  if (search === undefined) {
    search = new RegExp(escapeLiteral(needle), 'i');
    if (caseInsensitiveSearches.size < 10_000) caseInsensitiveSearches.set(needle, search);
  }
  return search.test(text);
}

/** One compiled search per literal (rules and fingerprints have a few hundred). */
const caseInsensitiveSearches = new Map<string, RegExp>();
