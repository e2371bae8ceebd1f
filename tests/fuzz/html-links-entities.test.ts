import fc from 'fast-check';
import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { extractLinks, resolveUrl } from '../../src/crawl/html-links.js';
import { fuzzParameters, textFrom } from './fuzz-settings.js';

// extractLinks decodes character references itself, in the attributes and the title it reads,
// so that the tokenizer can skip text (crawl/html-links.ts). What it reads must be what the
// tokenizer's own decoding gives: the reference here parses the same page with decodeEntities.
const pieces = [
  'a', 'x', '/', '?', 'q=1', '=', ' ', "'", '%20', '<', '>',
  '&amp;', '&AMP;', '&lt;', '&#65;', '&#x41;', '&#X41', '&#0;', '&#xD800;', '&#1114112;', '&#128;',
  '&notin;', '&quot;', '&nbsp;', '&', '&&', '&;', '&#;', '&#x;', '&unknown;',
];
// Named references without their ";" ("&amp", "&copy=", "&lti") are left out: before "=" or a
// letter the HTML standard leaves them as written in an attribute, which entities'
// decodeHTMLAttribute does and htmlparser2's tokenizer, at the end of a value, does not always.
const value = textFrom(pieces, 12);
// No "<" in the title: the tokenizer, looking for </title> after a "<", does not decode a
// reference right after it ("<&lt" stays "<&lt"); decoded here it is "<<", as the HTML standard
// reads RCDATA.
const titleText = textFrom(pieces.filter((piece) => piece !== '<'), 12);

function reference(html: string) {
  const seen = { href: [] as string[], src: [] as string[], content: [] as string[], classes: '', title: [] as string[] };
  let inTitle = false;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'a' && attributes['href'] !== undefined) seen.href.push(attributes['href']);
        if (name === 'img' && attributes['src'] !== undefined) seen.src.push(attributes['src']);
        if (name === 'meta' && attributes['content'] !== undefined) seen.content.push(attributes['content']);
        if (name === 'body') seen.classes = attributes['class'] ?? '';
        if (name === 'title') inTitle = true;
      },
      ontext(text) {
        if (inTitle) seen.title.push(text);
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return seen;
}

describe('extractLinks under generated character references', () => {
  it('reads attributes and the title as the tokenizer decodes them', () => {
    const page = 'https://example.com/dir/page';
    fc.assert(
      fc.property(titleText, value, value, value, value, (title, href, src, content, classes) => {
        const html = `<html><head><title>${title}</title><meta property="og:url" content="${content.replaceAll('"', '')}"></head><body class="${classes.replaceAll('"', '')}"><a href="${href.replaceAll('"', '')}">x</a><img src="${src.replaceAll('"', '')}"></body></html>`;
        const expected = reference(html);
        const extracted = extractLinks(html, page);
        // Blank values are not links (extractLinks drops them before resolving).
        const resolved = (values: string[]) => [...new Set(values.filter((one) => one.trim() !== '').map((one) => resolveUrl(one, page)).filter((url) => url !== undefined))];
        expect(extracted.anchors).toEqual(resolved(expected.href));
        expect(extracted.media).toEqual(resolved(expected.src));
        expect(extracted.meta['og:url']).toBe(expected.content[0]);
        expect(extracted.bodyClasses).toEqual(expected.classes.split(/\s+/).filter((token) => token !== ''));
        const expectedTitle = expected.title.join('').replace(/\s+/g, ' ').trim();
        expect(extracted.title ?? '').toBe(expectedTitle);
      }),
      fuzzParameters(2000),
    );
  });

  it('keeps a query string whose parameter names look like references, and decodes &amp;', () => {
    const page = extractLinks('<title>A &amp; B &lt;draft&gt;</title><a href="/s?a=1&copy=2&amp;lang=en&not=3">x</a><a href="/p?x=1&ampy=2">y</a>', 'https://example.com/');
    expect(page.anchors).toEqual(['https://example.com/s?a=1&copy=2&lang=en&not=3', 'https://example.com/p?x=1&ampy=2']);
    expect(page.title).toBe('A & B <draft>');
  });
});

