import { evaluate, type JSONValue } from './expression.js';

/**
 * `{{ expression }}` placeholders in request paths, URLs, headers and messages. The expression is
 * JMESPath over the same document the matchers see, so `{{target}}`, `{{item.id}}` and
 * `{{length(draft_ids)}}` all work, with one language to learn.
 *
 * A value is encoded for where it lands, so that no value can change the shape of a request: in a
 * path segment `/` `?` `#` become `%2F` `%3F` `%23`; in a query `&` `=` `+` `#` are encoded, so a
 * GROQ filter with `&&` stays one parameter; a header value may not hold a line break. A `%`
 * followed by two hex digits is kept as an escape the value already carries (WordPress slugs are
 * stored that way). A placeholder at the start of a `url` (or of a `path`) is the URL (or path)
 * itself and is inserted as it is, but the result must be a URL (a path). `{{raw expression}}`
 * inserts a value without encoding, for a value that is a query string or a path of its own.
 */
const placeholder = /\{\{\s*(.+?)\s*\}\}/g;
const rawPrefix = /^raw\s+/;

/** Where a template's result goes: a request URL, a request path, a header value, or plain text. */
export type TemplateKind = 'url' | 'path' | 'header' | 'text';

/** A template that cannot give a usable value: names the template and what it gave. */
export class TemplateError extends Error {
  /**
   * Set when the template rendered to an absolute http(s) URL that does not parse: the rule is
   * sound and a value taken from the site is malformed (an asset host written "http://%%%").
   */
  readonly malformedUrl: string | undefined;
  constructor(message: string, malformedUrl?: string) {
    super(message);
    this.name = 'TemplateError';
    this.malformedUrl = malformedUrl;
  }
}

/** The JMESPath expressions of a template (without the `raw` marker), for load-time checks. */
export function templateExpressions(template: string): string[] {
  return templateParts(template).placeholders.map((part) => part.expression);
}

function isScalar(value: JSONValue): boolean {
  return value === null || typeof value !== 'object';
}

function toText(value: JSONValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every(isScalar)) return value.join(',');
  return JSON.stringify(value);
}

/** Characters left as they are, beyond letters and digits (RFC 3986 pchar; query minus & = + ;). */
const keptInSegment = new Set("-._~!$&'()*+,;=:@");
const keptInQuery = new Set("-._~!$'()*,:@/?");

/** Whether the character at `index` stays as it is: an ASCII letter or digit, or one of `kept`. */
function keptAsIs(text: string, index: number, kept: Set<string>): boolean {
  const code = text.charCodeAt(index);
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || kept.has(text[index] as string);
}

function encodeFor(text: string, kept: Set<string>): string {
  // Most values (a slug, an id, an item of a for_each) need no encoding at all: returned as they
  // are, not rebuilt a character at a time (0.9 KB of garbage a probe, 3.5% of what 20,000 probes
  // allocated). The loop below starts where the first character that may need it is.
  let clean = 0;
  while (clean < text.length && keptAsIs(text, clean, kept)) clean += 1;
  if (clean === text.length) return text;
  let out = text.slice(0, clean);
  for (let index = clean; index < text.length; index += 1) {
    const char = text[index] ?? '';
    if (keptAsIs(text, index, kept)) out += char;
    else if (char === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(index + 1, index + 3))) out += char;
    else {
      const code = text.codePointAt(index) ?? 0;
      const whole = String.fromCodePoint(code);
      if (whole.length === 2) index += 1;
      try {
        out += encodeURIComponent(whole);
      } catch {
        throw new TemplateError(`gave text that is not valid Unicode (a lone surrogate)`);
      }
    }
  }
  return out;
}

type Slot = 'raw' | 'authority' | 'segment' | 'query' | 'header' | 'text';

/** Where the next value lands, from what the template has produced so far. */
function slotAfter(kind: TemplateKind, produced: string): Slot {
  if (kind === 'text') return 'text';
  if (kind === 'header') return 'header';
  // The first value of a url (or path) is the URL (or path) itself, or its origin.
  if (produced === '') return 'raw';
  if (kind === 'url') {
    if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*$/.test(produced)) return 'authority';
    if (/^[^/?#]*$/.test(produced)) return 'raw';
  }
  return /[?#]/.test(produced) ? 'query' : 'segment';
}

function quote(text: string, max = 120): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

const slotNames: Record<Slot, string> = {
  raw: 'a URL',
  authority: 'a host',
  segment: 'a URL path segment',
  query: 'a URL query',
  header: 'a header value',
  text: 'text',
};

function place(slot: Slot, value: JSONValue, raw: boolean): string {
  if (slot !== 'text' && !isScalar(value) && !(Array.isArray(value) && value.every(isScalar))) {
    throw new TemplateError(`gave ${quote(JSON.stringify(value))}, ${Array.isArray(value) ? 'a list of lists or objects' : 'an object'}, which has no place in ${slotNames[slot]}`);
  }
  const text = toText(value);
  if (slot === 'text') return text;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(text)) {
    throw new TemplateError(`gave ${quote(text)}, with a line break or control character, which has no place in ${slotNames[slot]}`);
  }
  if (raw || slot === 'raw' || slot === 'header') return text;
  if (slot === 'authority') {
    if (/[/?#@\s\\]/.test(text)) throw new TemplateError(`gave ${quote(text)}, not a host`);
    return text;
  }
  return encodeFor(text, slot === 'segment' ? keptInSegment : keptInQuery);
}

/**
 * Renders a template for where it is used. A request URL must come out as an http(s) URL and a
 * request path as a path starting with "/"; otherwise a TemplateError names the template and
 * what it gave, so the failure can be reported against the rule's step.
 */
export function renderTemplate(template: string, document: JSONValue, kind: TemplateKind = 'text'): string {
  const { literals, placeholders } = templateParts(template);
  let produced = literals[0] ?? '';
  for (const [index, { text, expression, raw }] of placeholders.entries()) {
    try {
      produced += place(slotAfter(kind, produced), evaluate(expression, document), raw);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      const where = template.trim() === text ? '' : `: ${text}`;
      throw new TemplateError(`template ${quote(template)}${where} ${error.message}`);
    }
    produced += literals[index + 1] ?? '';
  }
  if (kind === 'url' && !isHttpUrl(produced)) {
    throw new TemplateError(`template ${quote(template)} gave ${quote(produced)}, not a URL`, /^https?:\/\//i.test(produced) ? produced : undefined);
  }
  if (kind === 'path' && !produced.startsWith('/')) throw new TemplateError(`template ${quote(template)} gave ${quote(produced)}, not a URL path`);
  if (kind === 'header' && /[\r\n\0]/.test(produced)) throw new TemplateError(`template ${quote(template)} gave ${quote(produced)}, with a line break, not a header value`);
  return produced;
}

/** A template split at its placeholders: the literal text around them (one more than them) and each placeholder. */
interface TemplateParts {
  literals: string[];
  placeholders: Array<{ text: string; expression: string; raw: boolean }>;
}

/**
 * Templates come from rules, a few hundred in all, and each is rendered once per request:
 * split once, not by a regex scan per request (a quarter of what a probe's rendering allocated).
 */
const splitTemplates = new Map<string, TemplateParts>();
const maxSplitTemplates = 4096;

function templateParts(template: string): TemplateParts {
  const known = splitTemplates.get(template);
  if (known !== undefined) return known;
  const parts: TemplateParts = { literals: [], placeholders: [] };
  let last = 0;
  for (const match of template.matchAll(placeholder)) {
    parts.literals.push(template.slice(last, match.index));
    last = match.index + match[0].length;
    const inner = match[1] ?? '';
    parts.placeholders.push({ text: match[0], expression: inner.replace(rawPrefix, ''), raw: rawPrefix.test(inner) });
  }
  parts.literals.push(template.slice(last));
  if (splitTemplates.size < maxSplitTemplates) splitTemplates.set(template, parts);
  return parts;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
