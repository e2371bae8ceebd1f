import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseShard, parseTargetList, shardTargets, uniqueTargets } from '../../src/config/targets.js';

describe('target lists', () => {
  it('reads one URL a line, skipping blank lines and # comments, keeping fragments', () => {
    const text = '\uFEFF# staging sites\n\nhttps://a.example/\r\n  https://b.example/blog/   # the blog\nhttps://c.example/#top\n';
    expect(parseTargetList('sites.txt', text)).toEqual(['https://a.example/', 'https://b.example/blog/', 'https://c.example/#top']);
  });

  it('names every bad line by its number', () => {
    expect(() => parseTargetList('sites.txt', 'https://a.example/\nftp://b.example/\nnot a url\n')).toThrow(
      'sites.txt:2: "ftp://b.example/" is not an http:// or https:// URL\n  sites.txt:3: "not a url" is not an http:// or https:// URL',
    );
  });

  it('keeps the first of duplicates', () => {
    expect(uniqueTargets(['https://a/', 'https://b/', 'https://a/'])).toEqual({ targets: ['https://a/', 'https://b/'], duplicates: ['https://a/'] });
  });
});

describe('--shard i/n', () => {
  it('parses i/n and refuses what is not a shard', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1/0', '1', 'a/b', '-1/2', '1/2/3']) expect(() => parseShard(bad), bad).toThrow('--shard must be i/n');
  });

  it('the n shards cover every target exactly once, each within one target of the others, in list order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.webUrl(), { maxLength: 40 }), fc.integer({ min: 1, max: 12 }), (targets, count) => {
        const shards = Array.from({ length: count }, (_, i) => shardTargets(targets, { index: i + 1, count }));
        expect(shards.flat().sort()).toEqual([...targets].sort());
        const sizes = shards.map((shard) => shard.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        for (const shard of shards) expect(shard).toEqual(targets.filter((target) => shard.includes(target)));
      }),
    );
  });

  it('is round robin by position: 1/3 gets the 1st, 4th, 7th', () => {
    const targets = ['t1', 't2', 't3', 't4', 't5', 't6', 't7'];
    expect(shardTargets(targets, { index: 1, count: 3 })).toEqual(['t1', 't4', 't7']);
    expect(shardTargets(targets, { index: 3, count: 3 })).toEqual(['t3', 't6']);
  });
});
