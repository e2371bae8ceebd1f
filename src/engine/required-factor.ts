import { escapeLiteral } from './needle-index.js';
import { escapedPunctuation, skipClass, skipGroup, topLevelAlternatives } from './required-literal.js';

/**
 * A fixed-width stretch every match of an RE2 pattern must contain, as a JavaScript RegExp: the
 * required literal and the plain characters and ASCII classes around it, `/assets/[0-9a-f]{8}-`
 * for Directus's asset URLs. A text that holds the literal but not the stretch is not handed to
 * re2js, which reads a 20 KB page in about 0.7 ms: a site linking one stylesheet under /assets/
 * paid that on each of the 200 pages the fingerprints read (BENCHMARKS.md, eighth session).
 *
 * The RegExp cannot backtrack badly: it has no alternation and no unbounded repeat, so each start
 * position costs at most its width. It is a necessary condition only; re2js still decides.
 *
 * Conservative by construction, like required-literal: only the pattern's top level (no `|`),
 * only where no flag is set anywhere (`(?i)`, `(?s)`...), only printable ASCII characters and
 * classes of ASCII letters, digits, `_` and a last `-` (no negation, no escapes) or `\d`, each either alone,
 * repeated exactly (`{8}`), or ending the stretch (`+`, `{2,}`: what follows is not at a fixed
 * distance). Whatever else ends a stretch; `\x`, `\p`, `\Q` (anywhere) and octal escapes give none
 * at all.
 */
export function requiredFactor(pattern: string): RegExp | undefined {
  if (/\(\?[A-Za-z-]+[:)]/.test(pattern)) return undefined;
  // \Q...\E quotes parentheses and brackets too, inside groups as well, which the group and class
  // skipping below would read as syntax.
  if (pattern.includes('\\Q')) return undefined;
  const alternatives = topLevelAlternatives(pattern);
  if (alternatives === undefined || alternatives.length !== 1) return undefined;
  const stretches = topLevelStretches(pattern);
  if (stretches === undefined) return undefined;
  let best: Stretch | undefined;
  for (const stretch of stretches) {
    if (stretch.hasClass && stretch.width >= minimumWidth && (best === undefined || stretch.width > best.width)) best = stretch;
  }
  return best === undefined ? undefined : new RegExp(best.source);
}

/** A stretch narrower than this tells little more than the literal. */
const minimumWidth = 4;
/** Repeat counts past this are cut to it: a necessary condition may ask for less. */
const maxRepeat = 64;

interface Stretch {
  source: string;
  /** Characters every match of it spans. */
  width: number;
  /** Whether it holds a class: a stretch of plain characters alone adds nothing to the literal. */
  hasClass: boolean;
}

/**
 * A class whose members JavaScript and RE2 read alike: ASCII letters, digits, `_` and ranges of
 * them, and a `-` last, which both read as itself (`[A-Za-z0-9_-]`, as in token formats).
 */
const simpleClassBody = /^(?:[A-Za-z0-9_](?:-[A-Za-z0-9_])?)+-?$/;

/** The repeat at `index` ({2}, {2,}, {2,5}, with a lazy ?), or undefined: its least count, whether it is exact, its width. */
function repeatAt(pattern: string, index: number): { min: number; exact: boolean; length: number } | undefined {
  const char = pattern[index];
  const lazy = (length: number) => (pattern[index + length] === '?' ? length + 1 : length);
  if (char === '*' || char === '?') return { min: 0, exact: false, length: lazy(1) };
  if (char === '+') return { min: 1, exact: false, length: lazy(1) };
  if (char !== '{') return undefined;
  // RE2 reads a count with a leading zero ({04}) as literal characters, not as a repeat.
  const repeat = /^\{(0|[1-9]\d*)(,(0|[1-9]\d*)?)?\}/.exec(pattern.slice(index));
  if (repeat === null) return undefined;
  const min = Number(repeat[1]);
  const exact = repeat[2] === undefined || repeat[3] === String(min);
  return { min, exact, length: lazy(repeat[0].length) };
}

/** The stretches of plain atoms at the pattern's top level, or undefined when the pattern is too unusual to read. */
function topLevelStretches(pattern: string): Stretch[] | undefined {
  const stretches: Stretch[] = [];
  let current: Stretch = { source: '', width: 0, hasClass: false };
  const end = (): void => {
    if (current.width > 0) stretches.push(current);
    current = { source: '', width: 0, hasClass: false };
  };
  for (let index = 0; index < pattern.length; ) {
    const char = pattern[index] as string;
    let atom: { source: string; isClass: boolean } | undefined;
    let width = 1;
    if (char === '(') {
      end();
      index = skipGroup(pattern, index);
      if (index < 0) return undefined;
      index += repeatAt(pattern, index)?.length ?? 0;
      continue;
    }
    if (char === ')' || char === '|') return undefined;
    if (char === '[') {
      const after = skipClass(pattern, index);
      if (after < 0) return undefined;
      const body = pattern.slice(index + 1, after - 1);
      if (simpleClassBody.test(body) && rangesAscend(body)) atom = { source: `[${body}]`, isClass: true };
      width = after - index;
    } else if (char === '\\') {
      const next = pattern[index + 1];
      if (next === undefined || /[xpPQ0-9]/.test(next)) return undefined;
      if (next === 'd') atom = { source: '[0-9]', isClass: true };
      else if (escapedPunctuation.has(next)) atom = { source: escapeLiteral(next), isClass: false };
      width = 2;
    } else if (char === '{' && repeatAt(pattern, index) !== undefined) {
      // A repeat of something already left out (a quantifier after a stretch's end).
      end();
      index += repeatAt(pattern, index)?.length ?? 1;
      continue;
    } else if (!'.^$*+?{'.includes(char)) {
      const code = char.charCodeAt(0);
      if (code >= 0x20 && code <= 0x7e) atom = { source: escapeLiteral(char), isClass: false };
    }
    const repeat = repeatAt(pattern, index + width);
    index += width + (repeat?.length ?? 0);
    if (atom === undefined || (repeat !== undefined && repeat.min === 0)) {
      end();
      continue;
    }
    const count = Math.min(repeat?.min ?? 1, maxRepeat);
    current.source += count === 1 ? atom.source : `${atom.isClass ? atom.source : `(?:${atom.source})`}{${count}}`;
    current.width += count;
    current.hasClass ||= atom.isClass;
    // After a repeat of no fixed count, what follows is not at a fixed distance from what came before.
    if (repeat !== undefined && !repeat.exact) end();
  }
  end();
  return stretches;
}

/** `[z-a]` is an error in both engines; it is refused at load time, and never read here. */
function rangesAscend(body: string): boolean {
  for (let index = 0; index + 2 < body.length; index += 1) {
    if (body[index + 1] === '-' && (body.charCodeAt(index) > body.charCodeAt(index + 2))) return false;
  }
  return true;
}
