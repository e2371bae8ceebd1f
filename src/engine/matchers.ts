import type { Matcher } from './rule-schema.js';
import { evaluateLenient, isTruthy, type JSONValue } from './expression.js';
import { compileRegex } from './safe-regex.js';
import { loadHtml } from './html.js';
import type { ResponseDocument } from './response-document.js';

/** What one matcher decided, kept for --explain. */
export interface MatchTrace {
  matcher: string;
  ok: boolean;
  children?: MatchTrace[];
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
    const children = matcher.all.map((child) => evaluateMatcher(child, response, document));
    return { matcher: 'all', ok: children.every((child) => child.ok), children };
  }
  if ('any' in matcher) {
    const children = matcher.any.map((child) => evaluateMatcher(child, response, document));
    return { matcher: 'any', ok: children.some((child) => child.ok), children };
  }
  if ('not' in matcher) {
    const child = evaluateMatcher(matcher.not, response, document);
    return { matcher: 'not', ok: !child.ok, children: [child] };
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
  if ('json' in matcher) return isTruthy(evaluateLenient(matcher.json, document));
  if ('css' in matcher) return response.body.length > 0 && loadHtml(response.body)(matcher.css).length > 0;
  if ('size' in matcher) {
    const size = Buffer.byteLength(response.body);
    return (matcher.size.min === undefined || size >= matcher.size.min) && (matcher.size.max === undefined || size <= matcher.size.max);
  }
  return false;
}
