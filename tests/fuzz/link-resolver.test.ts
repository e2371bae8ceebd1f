import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { extractLinks, linkResolver, resolveUrl } from '../../src/crawl/html-links.js';
import { fuzzParameters } from './fuzz-settings.js';

// linkResolver answers root-relative links without the URL parser. It must give the parser's
// answer for every link, including the ones that only look plain: "//host" and "/\host" (another
// host), dot segments ("/a/../b", "/%2e%2e/"), characters a path encodes, whitespace inside.
const base = fc
  .tuple(
    fc.constantFrom('http', 'https', 'HTTP'),
    fc.constantFrom('', 'user:pw@', 'u@'),
    fc.constantFrom('example.com', 'Example.COM.', '127.0.0.1', '[::1]', 'xn--bcher-kva.example', 'bücher.example'),
    fc.constantFrom('', ':80', ':443', ':8080', ':0080'),
    fc.constantFrom('/', '/a/b', '/a/b/?q=1', '/dir/page.html#top', ''),
  )
  .map(([scheme, auth, host, port, path]) => `${scheme}://${auth}${host}${port}${path}`);
// extractLinks falls back to the page's URL for a <base href> that is not http(s), but a resolver
// must not take a base's origin on trust either.
const anyBase = fc.oneof(base, fc.constantFrom('file:///x/y', 'about:blank', 'data:,x', 'blob:https://example.com/1', 'ftp://example.com/a', 'not a url'));
// Every ASCII character as a piece of its own, beside the ones that make a parser differ.
const ascii = fc.integer({ min: 0, max: 0x7f }).map((code) => String.fromCharCode(code));
const piece = fc.constantFrom('/', '//', '\\', '.', '..', '%2e', '%2E', '%', '?', '#', ' ', '\t', '\n', ':', '@', 'a', 'Z', '0', '-', '_', '~', '^', '`', '{', '|', "'", '"', '<', 'é', '\u0000', '&amp;', 'post-12', 'index.php');
const anyPiece = fc.oneof(piece, ascii);
const link = fc.oneof(
  fc.array(anyPiece, { maxLength: 8 }).map((pieces) => `/${pieces.join('')}`),
  fc.array(anyPiece, { maxLength: 8 }).map((pieces) => pieces.join('')),
  fc.array(anyPiece, { maxLength: 4 }).map((pieces) => ` /${pieces.join('')} `),
);

describe('linkResolver', () => {
  it('gives resolveUrl\'s answer for every link and base', () => {
    fc.assert(
      fc.property(anyBase, fc.array(link, { minLength: 1, maxLength: 20 }), (page, links) => {
        const resolve = linkResolver(page);
        for (const value of links) expect(resolve(value)).toBe(resolveUrl(value, page));
      }),
      fuzzParameters(1000),
    );
  });

  it('answers the links a parser must not take as plain paths as the parser does', () => {
    const resolve = linkResolver('http://user:pw@Example.com:8080/a/b/');
    expect(resolve('/post-12/')).toBe('http://user:pw@example.com:8080/post-12/');
    expect(resolve('/')).toBe('http://user:pw@example.com:8080/');
    expect(resolve('//other.example/x')).toBe('http://other.example/x');
    expect(resolve('/\\other.example/x')).toBe('http://other.example/x');
    expect(resolve('/a/../b')).toBe('http://user:pw@example.com:8080/b');
    expect(resolve('/a/./b/.')).toBe('http://user:pw@example.com:8080/a/b/');
    expect(resolve('/.well-known/x')).toBe('http://user:pw@example.com:8080/.well-known/x');
    expect(resolve('/a b')).toBe('http://user:pw@example.com:8080/a%20b');
    expect(resolve('/a\tb')).toBe('http://user:pw@example.com:8080/ab');
    expect(resolve('c')).toBe('http://user:pw@example.com:8080/a/b/c');
    expect(resolve('mailto:x@example.com')).toBeUndefined();
    // Against a base that is not http(s), a plain path is no http(s) link either.
    expect(linkResolver('file:///x/y')('/a')).toBeUndefined();
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('parses the base once for a page\'s plain links, and only the others on their own', () => {
    // What the resolver is for (BENCHMARKS.md): falling back to the parser for every link would
    // give the same answers and pass every test above.
    const RealUrl = URL;
    let parses = 0;
    vi.stubGlobal(
      'URL',
      class extends RealUrl {
        constructor(input: string | URL, base?: string | URL) {
          super(input, base);
          parses += 1;
        }
      },
    );
    const resolve = linkResolver('http://example.com/a/b');
    for (const plain of ['/post-1/', '/', '/about/', '/assets/site.css']) resolve(plain);
    expect(parses).toBe(1);
    resolve('/x?y');
    resolve('rel');
    expect(parses).toBe(3);
  });

  it('is what a page\'s links are resolved with, <base href> included', () => {
    const page = extractLinks('<base href="https://cdn.example:8443/base/"><a href="/plain/">x</a><a href="rel">y</a><a href="//elsewhere.example/">z</a>', 'http://site.example/p/');
    expect(page.anchors).toEqual(['https://cdn.example:8443/plain/', 'https://cdn.example:8443/base/rel', 'https://elsewhere.example/']);
  });
});
