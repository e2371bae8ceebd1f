import type { Matcher } from './rule-schema.js';
import { evaluateChecked, isTruthy, type JSONValue } from './expression.js';
import { checkedRegex, maxRegexTextLength } from './safe-regex.js';
import { loadHtml } from './html.js';
import type { ResponseDocument } from './response-document.js';

/** What one matcher decided, kept for --explain. */
export interface MatchTrace {
  matcher: string;
  /** True only when the matcher holds; false when it does not hold or is unknown. */
  ok: boolean;
  /**
   * Set when the answer is unknown: an expression failed at run time (the error text). An
   * unknown is neither true nor false, so `not` of it stays unknown instead of becoming true.
   */
  unknown?: string;
  children?: MatchTrace[];
}

/** Three-valued logic: false beats unknown in `all`, true beats unknown in `any`. */
function combine(matcher: 'all' | 'any', children: MatchTrace[]): MatchTrace {
  const decisive = matcher === 'all' ? false : true;
  if (children.some((child) => child.ok === decisive && child.unknown === undefined)) return { matcher, ok: decisive, children };
  const unknown = children.find((child) => child.unknown !== undefined)?.unknown;
  if (unknown !== undefined) return { matcher, ok: false, unknown, children };
  return { matcher, ok: !decisive, children };
}

/** The text a body/headers/all matcher or extractor reads. */
export function textOf(part: 'body' | 'headers' | 'all', response: ResponseDocument): string {
  if (part === 'body') return response.body;
  const headers = headerText(response);
  return part === 'headers' ? headers : `${headers}${partSeparator}${response.body}`;
}

const partSeparator = '\n\n';

/**
 * Texts derived from a response, kept per response document so that its matchers share them:
 * the `name: value` lines of its headers (the fingerprints ask each crawled page's headers dozens
 * of times), and lower-cased copies for case-insensitive word matchers (one copy of a megabyte
 * body, not one per matcher). Keyed by the document, so they live only as long as it does.
 */
const derivedTexts = new WeakMap<ResponseDocument, { headers?: string; loweredBody?: string; loweredHeaders?: string }>();

function derivedOf(response: ResponseDocument): { headers?: string; loweredBody?: string; loweredHeaders?: string } {
  let texts = derivedTexts.get(response);
  if (texts === undefined) {
    texts = {};
    derivedTexts.set(response, texts);
  }
  return texts;
}

function headerText(response: ResponseDocument): string {
  const texts = derivedOf(response);
  return (texts.headers ??= Object.entries(response.headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n'));
}

/**
 * The part of `textOf(part)` a regex reads (its first maxRegexTextLength characters), built
 * without joining headers to the whole body first: searching a joined 5 MiB text copies all of
 * it, once per regex, to read its first megabyte.
 */
export function regexTextOf(part: 'body' | 'headers' | 'all', response: ResponseDocument): string {
  if (part !== 'all') return textOf(part, response);
  const head = `${headerText(response)}${partSeparator}`;
  const room = Math.max(0, maxRegexTextLength - head.length);
  return `${head}${response.body.length > room ? response.body.slice(0, room) : response.body}`;
}

function lowered(part: 'body' | 'headers', response: ResponseDocument): string {
  const texts = derivedOf(response);
  return part === 'body' ? (texts.loweredBody ??= response.body.toLowerCase()) : (texts.loweredHeaders ??= headerText(response).toLowerCase());
}

/**
 * Whether `word` occurs in `textOf(part)` (lower-cased first when `caseInsensitive`, the word
 * then already lower-case). For 'all', headers and body are searched apart, and the few
 * characters around their separator for a word spanning it, which finds exactly what searching
 * the joined text would, without copying the body into it. (Lower-casing the parts apart is
 * lower-casing the whole: the separator is two newlines, which no case mapping looks across.)
 */
function containsWord(part: 'body' | 'headers' | 'all', response: ResponseDocument, word: string, caseInsensitive: boolean): boolean {
  const text = (which: 'body' | 'headers'): string => (caseInsensitive ? lowered(which, response) : textOf(which, response));
  if (part !== 'all') return text(part).includes(word);
  const headers = text('headers');
  const body = text('body');
  if (headers.includes(word) || body.includes(word)) return true;
  const reach = Math.max(0, word.length - 1);
  const junction = `${headers.slice(Math.max(0, headers.length - reach))}${partSeparator}${body.slice(0, reach)}`;
  return junction.includes(word);
}

function list(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

function describe(matcher: Matcher): string {
  const [key, value] = Object.entries(matcher)[0] ?? ['?', ''];
  if (key === 'all' || key === 'any' || key === 'not') return key;
  return `${key}: ${JSON.stringify(value)}`;
}

/**
 * Evaluates a match tree against the current response. `document` is the full expression
 * document (target, variables, earlier steps, and the current response at the root), or a
 * function that builds it: only json matchers read it, and most probes' matchers (status, word)
 * never do, so a caller can leave building it to the first that does.
 */
export function evaluateMatcher(matcher: Matcher, response: ResponseDocument, document: JSONValue | (() => JSONValue)): MatchTrace {
  if ('all' in matcher) {
    return combine('all', matcher.all.map((child) => evaluateMatcher(child, response, document)));
  }
  if ('any' in matcher) {
    return combine('any', matcher.any.map((child) => evaluateMatcher(child, response, document)));
  }
  if ('not' in matcher) {
    const child = evaluateMatcher(matcher.not, response, document);
    if (child.unknown !== undefined) return { matcher: 'not', ok: false, unknown: child.unknown, children: [child] };
    return { matcher: 'not', ok: !child.ok, children: [child] };
  }
  if ('json' in matcher) {
    // A body that is not JSON is no error (the expression sees json: null); a function called
    // with the wrong type is, and leaves the answer unknown.
    const result = evaluateChecked(matcher.json, typeof document === 'function' ? document() : document);
    if ('error' in result) return { matcher: describe(matcher), ok: false, unknown: `"${matcher.json}": ${result.error}` };
    return { matcher: describe(matcher), ok: isTruthy(result.value) };
  }
  return { matcher: describe(matcher), ok: evaluateLeaf(matcher, response) };
}

/** What a match tree decided, without the trace of each matcher in it. */
export interface MatchVerdict {
  ok: boolean;
  /** As in MatchTrace: the answer is unknown (an expression failed), with the first error. */
  unknown?: string;
}

const holds: MatchVerdict = Object.freeze({ ok: true });
const misses: MatchVerdict = Object.freeze({ ok: false });

/**
 * The verdict evaluateMatcher's trace would carry, for callers that keep no trace (a scan
 * without --explain, fingerprints): `all` stops at its first child that does not hold and
 * `any` at its first that does, and no matcher is described. With the trace, a probe of
 * `all: [status: 200, word: draft]` that got a 404 still searched its body for the word and
 * described both leaves.
 */
export function judgeMatcher(matcher: Matcher, response: ResponseDocument, document: JSONValue | (() => JSONValue)): MatchVerdict {
  if ('all' in matcher || 'any' in matcher) {
    const decisive = 'any' in matcher;
    let unknown: string | undefined;
    for (const child of 'all' in matcher ? matcher.all : matcher.any) {
      const verdict = judgeMatcher(child, response, document);
      // Three-valued, as combine(): a decisive child beats an unknown one wherever it comes.
      if (verdict.unknown !== undefined) unknown ??= verdict.unknown;
      else if (verdict.ok === decisive) return verdict;
    }
    return unknown !== undefined ? { ok: false, unknown } : decisive ? misses : holds;
  }
  if ('not' in matcher) {
    const child = judgeMatcher(matcher.not, response, document);
    if (child.unknown !== undefined) return child;
    return child.ok ? misses : holds;
  }
  if ('json' in matcher) {
    const result = evaluateChecked(matcher.json, typeof document === 'function' ? document() : document);
    if ('error' in result) return { ok: false, unknown: `"${matcher.json}": ${result.error}` };
    return isTruthy(result.value) ? holds : misses;
  }
  return evaluateLeaf(matcher, response) ? holds : misses;
}

/** Leaves that read only the response, and cheaply: no document, no HTML parse. */
function readsOnlyTheResponse(matcher: Matcher): boolean {
  return 'status' in matcher || 'header' in matcher || 'word' in matcher || 'regex' in matcher || 'size' in matcher;
}

/**
 * A miss known before the step's extractors run: the match is `all` (or a single leaf) and one
 * of its children that read only the response (status, header, word, regex, size) does not
 * hold, so whatever the extractors find, the match cannot hold (false beats everything in
 * `all`). The trace of that child, under `all`; undefined when it is not decided so. A token rule
 * extracts with regexes that cost milliseconds on each of 500 kept pages, and gates on a
 * vendor's name most pages never mention.
 */
export function missBeforeExtraction(matcher: Matcher, response: ResponseDocument): MatchTrace | undefined {
  const children = 'all' in matcher ? matcher.all : [matcher];
  for (const child of children) {
    if (!readsOnlyTheResponse(child)) continue;
    const trace: MatchTrace = { matcher: describe(child), ok: evaluateLeaf(child, response) };
    if (!trace.ok) return 'all' in matcher ? { matcher: 'all', ok: false, children: [trace] } : trace;
  }
  return undefined;
}

function evaluateLeaf(matcher: Matcher, response: ResponseDocument): boolean {
  if ('status' in matcher) {
    return (Array.isArray(matcher.status) ? matcher.status : [matcher.status]).includes(response.status);
  }
  if ('header' in matcher) {
    const value = response.headers[matcher.header.name.toLowerCase()];
    if (value === undefined) return false;
    if (matcher.header.contains !== undefined && !value.toLowerCase().includes(matcher.header.contains.toLowerCase())) return false;
    if (matcher.header.regex !== undefined && !checkedRegex(matcher.header.regex).test(value)) return false;
    return true;
  }
  if ('word' in matcher) {
    const caseInsensitive = matcher.case_insensitive === true;
    const hit = (word: string) => containsWord(matcher.part, response, caseInsensitive ? word.toLowerCase() : word, caseInsensitive);
    const words = list(matcher.word);
    return matcher.condition === 'all' ? words.every(hit) : words.some(hit);
  }
  if ('regex' in matcher) {
    const text = regexTextOf(matcher.part, response);
    const hit = (pattern: string) => checkedRegex(pattern).test(text);
    const patterns = list(matcher.regex);
    return matcher.condition === 'all' ? patterns.every(hit) : patterns.some(hit);
  }
  if ('css' in matcher) return response.body.length > 0 && loadHtml(response.body)(matcher.css).length > 0;
  if ('size' in matcher) {
    const size = Buffer.byteLength(response.body);
    return (matcher.size.min === undefined || size >= matcher.size.min) && (matcher.size.max === undefined || size <= matcher.size.max);
  }
  return false;
}
