import type { Matcher } from './rule-schema.js';
import { evaluateChecked, isTruthy, type JSONValue } from './expression.js';
import { compileRegex } from './safe-regex.js';
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
  const headers = Object.entries(response.headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
  if (part === 'headers') return headers;
  if (part === 'all') return `${headers}\n\n${response.body}`;
  return response.body;
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
 * document (target, variables, earlier steps, and the current response at the root).
 */
export function evaluateMatcher(matcher: Matcher, response: ResponseDocument, document: JSONValue): MatchTrace {
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
    const result = evaluateChecked(matcher.json, document);
    if ('error' in result) return { matcher: describe(matcher), ok: false, unknown: `"${matcher.json}": ${result.error}` };
    return { matcher: describe(matcher), ok: isTruthy(result.value) };
  }
  return { matcher: describe(matcher), ok: evaluateLeaf(matcher, response, document) };
}

function evaluateLeaf(matcher: Matcher, response: ResponseDocument, document: JSONValue): boolean {
  if ('status' in matcher) {
    return (Array.isArray(matcher.status) ? matcher.status : [matcher.status]).includes(response.status);
  }
  if ('header' in matcher) {
    const value = response.headers[matcher.header.name.toLowerCase()];
    if (value === undefined) return false;
    if (matcher.header.contains !== undefined && !value.toLowerCase().includes(matcher.header.contains.toLowerCase())) return false;
    if (matcher.header.regex !== undefined && !compileRegex(matcher.header.regex).test(value)) return false;
    return true;
  }
  if ('word' in matcher) {
    const text = textOf(matcher.part, response);
    const haystack = matcher.case_insensitive ? text.toLowerCase() : text;
    const hit = (word: string) => haystack.includes(matcher.case_insensitive ? word.toLowerCase() : word);
    const words = list(matcher.word);
    return matcher.condition === 'all' ? words.every(hit) : words.some(hit);
  }
  if ('regex' in matcher) {
    const text = textOf(matcher.part, response);
    const hit = (pattern: string) => compileRegex(pattern).test(text);
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
