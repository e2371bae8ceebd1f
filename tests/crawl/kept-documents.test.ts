import { afterEach, describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../src/core/http-types.js';
import { crawl } from '../../src/crawl/crawl.js';
import { KeptDocuments } from '../../src/crawl/kept-documents.js';
import { Cleanup, startLoopbackServer } from '../support/loopback-server.js';
import { FetchTransport } from './support/fetch-transport.js';
import { html, startSite } from './support/site.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

function answer(url: string, body: string): HttpResponse {
  return { requestedUrl: url, url, status: 200, statusText: 'OK', headers: {}, body, truncated: false, bytes: body.length, redirects: [], durationMs: 0 };
}

describe('KeptDocuments', () => {
  it('keeps one more than a step reads of each kind (so the step sees there were more), in the order they came, and counts none of the rest as dropped', () => {
    const kept = new KeptDocuments(1_000, 2);
    for (const n of [1, 2, 3, 4]) kept.keep('html', answer(`https://h.example/${n}`, `page ${n}`));
    kept.keep('script', answer('https://h.example/app.js', 'js'));
    expect(kept.documents.map((document) => [document.kind, document.url])).toEqual([
      ['html', 'https://h.example/1'],
      ['html', 'https://h.example/2'],
      ['html', 'https://h.example/3'],
      ['script', 'https://h.example/app.js'],
    ]);
    expect(kept.dropped).toBe(0);
  });

  it('drops, and counts, what does not fit in the character budget', () => {
    const kept = new KeptDocuments(10);
    kept.keep('html', answer('https://h.example/a', '123456'));
    kept.keep('html', answer('https://h.example/b', '123456'));
    kept.keep('html', answer('https://h.example/c', '1234'));
    expect(kept.documents.map((document) => document.url)).toEqual(['https://h.example/a', 'https://h.example/c']);
    expect(kept.dropped).toBe(1);
  });

  it('keeps nothing without a budget', () => {
    const kept = new KeptDocuments(0, 5);
    kept.keep('html', answer('https://h.example/a', 'x'));
    expect(kept.documents).toEqual([]);
  });

  it('the crawl keeps one page more than keepDocumentsPerKind, the nearest first', async () => {
    const site = cleanup.add(
      await startSite({
        '/': html('<a href="/a/">a</a> <a href="/b/">b</a> <a href="/c/">c</a>', 'Home'),
        '/a/': html('a', 'A'),
        '/b/': html('b', 'B'),
        '/c/': html('c', 'C'),
      }),
    );
    const options = { target: `${site.origin}/`, transport: new FetchTransport(site.origin), keepDocumentChars: 1_000_000 };
    const nearest = await crawl({ ...options, keepDocumentsPerKind: 1 });
    expect(nearest.documents.map((document) => new URL(document.url).pathname)).toEqual(['/', '/a/']);
    const all = await crawl(options);
    expect(all.documents.map((document) => new URL(document.url).pathname)).toEqual(['/', '/a/', '/b/', '/c/']);
  });

  it('pages are read in the order they were queued, whatever order their answers come in', async () => {
    // /a/ answers last, and links /d/; /b/ answers first and links /e/. Read as they came, /e/
    // would be queued, fetched and kept before /d/.
    const links: Record<string, string[]> = { '/': ['/a/', '/b/', '/c/'], '/a/': ['/d/'], '/b/': ['/e/'] };
    const site = cleanup.add(
      await startLoopbackServer((req, res) => {
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        if (!['/', '/a/', '/b/', '/c/', '/d/', '/e/'].includes(path)) return void res.writeHead(404).end();
        const body = `<html><body>${(links[path] ?? []).map((href) => `<a href="${href}">x</a>`).join('')}</body></html>`;
        setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end(body), path === '/a/' ? 150 : 0);
      }),
    );
    const result = await crawl({ target: `${site.origin}/`, transport: new FetchTransport(site.origin), keepDocumentChars: 1_000_000, concurrency: 4 });
    const order = ['/', '/a/', '/b/', '/c/', '/d/', '/e/'];
    expect(result.pages.filter((page) => page.kind === 'page').map((page) => new URL(page.url).pathname)).toEqual(order);
    expect(result.documents.map((document) => new URL(document.url).pathname)).toEqual(order);
  });
});

