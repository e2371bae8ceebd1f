import { describe, expect, it } from 'vitest';
import { PageRecords } from '../../src/crawl/page-records.js';

describe('page records kept column by column', () => {
  it('gives back every record as it was stored, past the first capacity, with final URLs and any Content-Type', () => {
    const records = new PageRecords();
    const stored = Array.from({ length: 3000 }, (_, index) => ({
      url: `https://example.com/post-${index}/`,
      // A redirect now and then; a status and a size of every kind.
      finalUrl: index % 97 === 0 ? `https://example.com/moved-${index}/` : `https://example.com/post-${index}/`,
      status: [200, 404, 301, 999, 0][index % 5] as number,
      // More distinct types than are shared: the rest are kept per row.
      contentType: index % 2 === 0 ? 'text/html; charset=utf-8' : `text/html; profile=${index}`,
      depth: index % 7 === 0 ? 70_000 : index % 4,
      bytes: index === 5 ? 2 ** 40 + 3 : index * 1021,
    }));
    const rows = stored.map((page) => records.add(page.url, page.finalUrl, page.status, page.contentType, page.depth, page.bytes));
    expect(rows).toEqual(stored.map((_, index) => index));
    stored.forEach((page, row) => {
      const { finalUrl, ...rest } = page;
      expect(records.page(row)).toStrictEqual(finalUrl === page.url ? { url: page.url, kind: 'page', status: rest.status, contentType: rest.contentType, depth: rest.depth, bytes: rest.bytes } : { url: page.url, finalUrl, kind: 'page', status: rest.status, contentType: rest.contentType, depth: rest.depth, bytes: rest.bytes });
      expect(records.url(row)).toBe(page.url);
    });
  });

  it('refuses a row it does not hold', () => {
    const records = new PageRecords();
    records.add('https://example.com/', 'https://example.com/', 200, 'text/html', 0, 10);
    expect(() => records.page(1)).toThrow(RangeError);
  });
});
