import fc from 'fast-check';
import { Parser, Tokenizer, type Handler } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { FastTokenizer } from '../../src/crawl/fast-tokenizer.js';
import { extractLinks } from '../../src/crawl/html-links.js';
import { fuzzParameters, textFrom } from './fuzz-settings.js';

// src/crawl/fast-tokenizer.ts replaces a private loop of htmlparser2's tokenizer. On generated
// HTML, fed whole or in chunks, every parser callback must come with the same arguments and in
// the same order as with the stock tokenizer; an upgrade of htmlparser2 that changes what the
// loop means fails here.

const pieces = [
  '<', '>', '</', '/>', '<a href="/x">', '<a href=\'/y\'>', '<a href=/z>', '</a>', '<img src="a.png" alt="x<y">', '<p>', '</p>', '<br>',
  '<!--', '-->', '--', '-', '--->', '<!-- c -->', '<![CDATA[', ']]>', ']', '<?xml v?>', '<!DOCTYPE html>', '<script>', '</script>', '<style>', '</style>',
  '<title>', '</title>', '<textarea>', '</textarea>', '"', "'", '=', ' ', '\n', '&amp;', '&lt;', '&#60;', '&', 'text', 'ü', '\u2028', '<svg>', '<math>', '</svg>',
  '<meta name="generator" content="WordPress 6.5">', '<link rel="canonical" href="/c">', '<base href="/b/">', '<body class="postid-1 status-draft">',
];
const html = textFrom(pieces, 60);

type Event = [string, ...unknown[]];

function events(input: string, chunks: number[], tokenizer: 'stock' | 'fast'): Event[] {
  const seen: Event[] = [];
  const record =
    (name: string) =>
    (...args: unknown[]): void => {
      seen.push([name, ...args.map((arg) => (typeof arg === 'object' && arg !== null ? { ...arg } : arg))]);
    };
  const names: (keyof Handler)[] = ['onparserinit', 'onopentagname', 'onattribute', 'onopentag', 'ontext', 'onclosetag', 'oncomment', 'oncommentend', 'oncdatastart', 'oncdataend', 'onprocessinginstruction', 'onend', 'onerror'];
  const handler = Object.fromEntries(names.filter((name) => name !== 'onparserinit').map((name) => [name, record(name)])) as Partial<Handler>;
  const parser = new Parser(handler, { decodeEntities: false, lowerCaseTags: true, lowerCaseAttributeNames: true, ...(tokenizer === 'fast' ? { Tokenizer: FastTokenizer } : {}) });
  let start = 0;
  for (const size of chunks) {
    if (start >= input.length) break;
    parser.write(input.slice(start, start + size));
    start += size;
  }
  if (start < input.length) parser.write(input.slice(start));
  parser.end();
  return seen;
}

describe('FastTokenizer', () => {
  it('parses generated HTML exactly as the stock tokenizer does, whole and in chunks', () => {
    fc.assert(
      fc.property(html, fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 8 }), (input, chunks) => {
        expect(events(input, [], 'fast')).toEqual(events(input, [], 'stock'));
        expect(events(input, chunks, 'fast')).toEqual(events(input, chunks, 'stock'));
      }),
      fuzzParameters(3000),
    );
  });

  it('is what extractLinks parses with, and finds links past long text, comments and attribute values', () => {
    // The loop it replaces is still there to replace (else the override would be dead code).
    const method = (prototype: object) => (prototype as { fastForwardTo?: unknown }).fastForwardTo;
    expect(typeof method(Tokenizer.prototype)).toBe('function');
    expect(method(FastTokenizer.prototype)).not.toBe(method(Tokenizer.prototype));
    const filler = 'Lorem ipsum dolor sit amet. '.repeat(800);
    const page = `<p>${filler}</p><!-- ${filler} --><a title="${filler}" href="/after">x</a><img src="/img.png">`;
    const links = extractLinks(page, 'https://example.com/');
    expect(links.anchors).toEqual(['https://example.com/after']);
    expect(links.media).toEqual(['https://example.com/img.png']);
  });
});
