/**
 * A small, strict XML reader for sitemaps and feeds.
 *
 * Why not htmlparser2's xmlMode: it is forgiving by design (a stray close tag is dropped, an
 * unclosed element is closed at the end), so a truncated or broken sitemap would silently yield
 * half its URLs. The crawl must instead report such a sitemap as a failed probe, which needs a
 * reader that knows when a document is not well-formed. Sitemaps and feeds use a tiny subset of
 * XML, so this reader handles elements, attributes, text, CDATA, comments, processing
 * instructions and a skipped DOCTYPE. It never expands DTD entities, and refuses documents that declare any.
 */

export interface XmlElement {
  /** Qualified name as written, e.g. "news:publication_date". */
  name: string;
  /** Name without its namespace prefix, lower-cased, e.g. "publication_date". */
  local: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

export class XmlSyntaxError extends Error {
  readonly offset: number;
  readonly line: number;
  constructor(message: string, text: string, offset: number) {
    const line = lineAt(text, offset);
    super(`${message} (line ${line})`);
    this.name = 'XmlSyntaxError';
    this.offset = offset;
    this.line = line;
  }
}

/** Deeper nesting than this is not a sitemap or a feed; refusing it keeps recursion bounded. */
const maxNesting = 256;
const namePattern = /^[A-Za-z_:][\w.:-]*$/;
const attributePattern = /\s*([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
const trailingSpace = /\s*$/y;

/** Parses a whole document and returns its root element, or throws XmlSyntaxError. */
export function parseXml(input: string): XmlElement {
  return readXml(input).root;
}

/** What a streaming reader's callback answers: "stop" ends the read at once. */
export type StreamVerdict = 'stop' | void;

export interface StreamedXml {
  /** The root element, without the children handed to the callback. */
  root: XmlElement;
  /** True when the callback stopped the read; the rest of the document was not looked at. */
  stopped: boolean;
}

/**
 * Reads a document handing each complete child of the root element to `onRootChild` instead
 * of keeping it, so a sitemap of a million <url> elements never exists as a tree: memory is one
 * child at a time. Well-formedness is checked as in parseXml, up to the point the read stopped.
 */
export function streamXml(input: string, onRootChild: (child: XmlElement, root: XmlElement) => StreamVerdict): StreamedXml {
  return readXml(input, onRootChild);
}

function readXml(input: string, onRootChild?: (child: XmlElement, root: XmlElement) => StreamVerdict): StreamedXml {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let position = 0;

  const fail = (message: string, at: number): never => {
    throw new XmlSyntaxError(message, text, at);
  };
  // In streaming mode the root's direct children (elements and text) are not attached to it.
  const attach = (parent: XmlElement, node: XmlNode): void => {
    if (!onRootChild || stack.length > 1) parent.children.push(node);
  };
  const complete = (element: XmlElement): boolean => onRootChild !== undefined && stack.length === 1 && onRootChild(element, stack[0] as XmlElement) === 'stop';

  while (position < text.length) {
    const open = text.indexOf('<', position);
    const textEnd = open === -1 ? text.length : open;
    if (textEnd > position) {
      const chunk = text.slice(position, textEnd);
      const parent = stack[stack.length - 1];
      if (parent) attach(parent, decodeEntities(chunk));
      else if (chunk.trim() !== '') fail(root ? 'text after the root element' : 'text before the root element', position);
    }
    if (open === -1) break;

    const marker = text.charCodeAt(open + 1);
    if (marker === 0x3f /* ? */) {
      const end = text.indexOf('?>', open + 2);
      if (end === -1) fail('unterminated processing instruction', open);
      position = end + 2;
    } else if (marker === 0x21 /* ! */ && text.startsWith('<!--', open)) {
      const end = text.indexOf('-->', open + 4);
      if (end === -1) fail('unterminated comment', open);
      position = end + 3;
    } else if (marker === 0x21 && text.startsWith('<![CDATA[', open)) {
      const end = text.indexOf(']]>', open + 9);
      if (end === -1) fail('unterminated CDATA section', open);
      const parent = stack[stack.length - 1];
      if (!parent) fail('CDATA outside the root element', open);
      else attach(parent, text.slice(open + 9, end));
      position = end + 3;
    } else if (marker === 0x21) {
      if (root || stack.length > 0) fail('declaration inside the document', open);
      position = skipDeclaration(text, open, fail);
    } else if (marker === 0x2f /* / */) {
      const end = text.indexOf('>', open + 2);
      if (end === -1) fail('unterminated closing tag', open);
      const name = text.slice(open + 2, end).trim();
      const current = stack.pop();
      if (!current) fail(`closing tag </${name}> without an open element`, open);
      else if (current.name !== name) fail(`closing tag </${name}> does not match <${current.name}>`, open);
      else if (complete(current)) return { root: root as XmlElement, stopped: true };
      position = end + 1;
    } else {
      const end = findTagEnd(text, open);
      if (end === -1) fail('unterminated tag', open);
      const selfClosing = text[end - 1] === '/';
      const inner = text.slice(open + 1, selfClosing ? end - 1 : end);
      const element = readStartTag(inner, open, fail);
      const parent = stack[stack.length - 1];
      if (parent) attach(parent, element);
      else if (root) fail('a second root element', open);
      else root = element;
      if (!selfClosing) {
        if (stack.length >= maxNesting) fail(`elements nested deeper than ${maxNesting}`, open);
        stack.push(element);
      } else if (complete(element)) {
        return { root: root as XmlElement, stopped: true };
      }
      position = end + 1;
    }
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed) fail(`<${unclosed.name}> is never closed (truncated document?)`, text.length);
  if (!root) fail('no root element', 0);
  return { root: root as XmlElement, stopped: false };
}

/** Direct child elements, optionally only those with the given local name. */
export function childElements(element: XmlElement, local?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const child of element.children) {
    if (typeof child !== 'string' && (local === undefined || child.local === local)) out.push(child);
  }
  return out;
}

export function firstChild(element: XmlElement, local: string): XmlElement | undefined {
  for (const child of element.children) {
    if (typeof child !== 'string' && child.local === local) return child;
  }
  return undefined;
}

/** All text below the element, trimmed. */
export function textOf(element: XmlElement | undefined): string {
  if (!element) return '';
  const parts: string[] = [];
  const walk = (node: XmlElement): void => {
    for (const child of node.children) {
      if (typeof child === 'string') parts.push(child);
      else walk(child);
    }
  };
  walk(element);
  return parts.join('').trim();
}

/** Text of the first child with this local name, or undefined when absent or empty. */
export function childText(element: XmlElement, local: string): string | undefined {
  const value = textOf(firstChild(element, local));
  return value === '' ? undefined : value;
}

function readStartTag(inner: string, at: number, fail: (message: string, at: number) => never): XmlElement {
  const nameEnd = inner.search(/[\s/>]/);
  const name = nameEnd === -1 ? inner : inner.slice(0, nameEnd);
  if (!namePattern.test(name)) fail(`invalid element name "${name}"`, at);
  const attributes: Record<string, string> = {};
  let index = name.length;
  while (index < inner.length) {
    trailingSpace.lastIndex = index;
    if (trailingSpace.test(inner)) break;
    attributePattern.lastIndex = index;
    const match = attributePattern.exec(inner);
    if (!match) fail(`malformed attributes in <${name}>`, at);
    const [whole, attributeName, doubleQuoted, singleQuoted] = match as RegExpExecArray;
    attributes[attributeName as string] = decodeEntities(doubleQuoted ?? singleQuoted ?? '');
    index += whole.length;
  }
  const colon = name.indexOf(':');
  return { name, local: (colon === -1 ? name : name.slice(colon + 1)).toLowerCase(), attributes, children: [] };
}

/** The index of the ">" that ends the tag opened at `open`, skipping quoted attribute values. */
function findTagEnd(text: string, open: number): number {
  let quote = 0;
  for (let index = open + 1; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (quote !== 0) {
      if (code === quote) quote = 0;
    } else if (code === 0x22 || code === 0x27) {
      quote = code;
    } else if (code === 0x3e /* > */) {
      return index;
    } else if (code === 0x3c /* < */) {
      return -1;
    }
  }
  return -1;
}

/**
 * Skips <!DOCTYPE ...> (a public DTD reference is never fetched) including an internal subset in
 * brackets, but refuses one that declares entities: nothing is ever expanded or read (no billion
 * laughs, no external SYSTEM entity), and the refusal is recorded as a failed probe instead of
 * reading the document with its entity references left as written.
 */
function skipDeclaration(text: string, open: number, fail: (message: string, at: number) => never): number {
  let depth = 0;
  let quote = '';
  for (let index = open + 2; index < text.length; index++) {
    const char = text[index];
    // Entity values may hold "]" or ">" ('<!ENTITY x "]>">'): inside quotes nothing counts.
    if (quote !== '') {
      if (char === quote) quote = '';
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '[') depth++;
    else if (depth > 0 && char === '<' && text.startsWith('<!ENTITY', index)) {
      return fail('the DOCTYPE declares entities (<!ENTITY>): a sitemap or feed never needs them, and they are the shape of an entity-expansion or external-entity attack; the document is refused, nothing was expanded or read', index);
    }
    else if (char === ']') depth--;
    else if (char === '>' && depth <= 0) return index + 1;
  }
  return fail('unterminated declaration', open);
}

const namedEntities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Decodes the five predefined entities and character references. Unknown named entities stay as
 * written: real sitemaps contain HTML entities like &nbsp; and losing their URLs over it would
 * help nobody.
 */
export function decodeEntities(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return fromCodePoint(Number.parseInt(entity.slice(2), 16), whole);
    if (entity.startsWith('#')) return fromCodePoint(Number.parseInt(entity.slice(1), 10), whole);
    return namedEntities[entity] ?? whole;
  });
}

function fromCodePoint(code: number, fallback: string): string {
  return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset && index < text.length; index++) if (text.charCodeAt(index) === 10) line++;
  return line;
}
