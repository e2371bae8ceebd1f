import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { AdapterContext } from '../../src/audit/adapters/adapter.js';
import { wordpressAdapter } from '../../src/audit/adapters/wordpress.js';
import { auditFinding } from '../../src/audit/audit-findings.js';
import type { RouteVerdict } from '../../src/audit/types.js';
import { addToGroup, appendAll, groupBy } from '../../src/core/objects.js';

const origin = 'http://127.0.0.1:9';

/**
 * A WordPress REST API in memory, as WordPress 6.x pages it (X-WP-TotalPages, per_page): `drafts`
 * draft posts, each with `perPost` attachments. No network: these tests are about counts.
 */
function inMemoryWordPress(drafts: number, perPost: number, maxItems: number): AdapterContext {
  let requests = 0;
  const answer = (url: URL): { json: unknown; headers?: Record<string, string> } => {
    const page = Number(url.searchParams.get('page') ?? 1);
    const perPage = Number(url.searchParams.get('per_page') ?? 10);
    const paged = (all: unknown[]) => ({ json: all.slice((page - 1) * perPage, page * perPage), headers: { 'x-wp-totalpages': String(Math.max(1, Math.ceil(all.length / perPage))) } });
    if (url.pathname === '/wp-json/wp/v2/types') return { json: { post: { slug: 'post', rest_base: 'posts', rest_namespace: 'wp/v2', viewable: true } } };
    if (url.pathname === '/wp-json/wp/v2/posts') return paged(Array.from({ length: drafts }, (_, n) => ({ id: n + 1, status: 'draft', date_gmt: null, modified_gmt: '2026-01-01T00:00:00', link: `${origin}/?p=${n + 1}` })));
    if (url.pathname === '/wp-json/wp/v2/media') {
      const parents = (url.searchParams.get('parent') ?? '').split(',').map(Number);
      return paged(parents.flatMap((post) => Array.from({ length: perPost }, (_, k) => ({ id: post * 1000 + k, post, mime_type: 'image/jpeg', source_url: `${origin}/wp-content/uploads/p${post}-${k}.jpg`, media_details: { filesize: 1000, sizes: {} } }))));
    }
    throw new Error(`unexpected ${url.pathname}`);
  };
  return {
    client: {
      async getJson(path: string) {
        requests += 1;
        const url = new URL(path, origin);
        const { json, headers = {} } = answer(url);
        return { url: url.href, status: 200, headers, json };
      },
      requestsSent: () => requests,
      close: async () => undefined,
    },
    origin,
    maxItems,
    logger: pino({ level: 'silent' }),
    progress: () => undefined,
  };
}

describe('the WordPress inventory at scale', () => {
  it('counts the files of unpublished posts against --max-items, and says when it stopped', async () => {
    // 10 drafts with 5 attachments each: 60 items in all.
    const capped = await wordpressAdapter.collect(inMemoryWordPress(10, 5, 30));
    expect(capped.items).toHaveLength(30);
    expect(capped.items.filter((item) => item.kind === 'file')).toHaveLength(20);
    expect(capped.incomplete).toBe('the inventory stopped at 30 unpublished items and files (--max-items)');
    // Exactly as many as it holds is not "stopped".
    const exact = await wordpressAdapter.collect(inMemoryWordPress(10, 5, 60));
    expect(exact.items).toHaveLength(60);
    expect(exact.incomplete).toBeUndefined();
  });
});

describe('list helpers for inventories of any size', () => {
  it('appendAll keeps order and takes more items than a spread may pass (push(...items) threw past ~120,000)', () => {
    const many = Array.from({ length: 200_000 }, (_, n) => n);
    expect(() => [].push(...(many as never[]))).toThrow(RangeError);
    const target = [-1];
    appendAll(target, many);
    expect(target).toHaveLength(200_001);
    expect(target[0]).toBe(-1);
    expect(target.at(-1)).toBe(199_999);
  });

  it('addToGroup and groupBy group in place, in the order values came', () => {
    const groups = new Map<string, number[]>();
    for (const [key, value] of [['a', 1], ['b', 2], ['a', 3]] as const) addToGroup(groups, key, value);
    expect([...groups]).toEqual([['a', [1, 3]], ['b', [2]]]);
    expect([...groupBy(['ab', 'b', 'ac', undefined, 'a'], (word) => word?.[0])]).toEqual([['a', ['ab', 'ac', 'a']], ['b', ['b']], [undefined, [undefined]]]);
  });
});

describe('an audit finding for a file on many routes', () => {
  it('names the first 8 routes in its message and keeps every reachable one in its URLs', () => {
    // An image in 11 sizes behind 4 hosts: 44 routes, all reachable, and 3 more that are not.
    const reachable: RouteVerdict[] = Array.from({ length: 44 }, (_, n) => ({
      route: { kind: n === 0 ? 'file' : 'size-variant', url: `https://cdn-${n % 4}.example/uploads/launch-${Math.floor(n / 4)}.jpg`, proof: { kind: 'file' } },
      verdict: 'reachable',
      detail: '200 image/jpeg',
      status: 200,
    }));
    const refused: RouteVerdict[] = Array.from({ length: 3 }, (_, n) => ({ route: { kind: 'asset-host', url: `https://other-${n}.example/launch.jpg`, proof: { kind: 'file' } }, verdict: 'refused', detail: '403' }));
    const finding = auditFinding('https://site.example/', {
      item: { cms: 'wordpress', kind: 'file', type: 'attachment', id: '77', status: 'inherit', parent: { type: 'post', id: '7', status: 'draft' }, routes: [...reachable, ...refused].map((verdict) => verdict.route) },
      verdicts: [...reachable, ...refused],
    });
    expect(finding?.urls).toHaveLength(44);
    expect(finding?.message).toContain('is served to anonymous visitors on 44 of 47 route(s)');
    expect(finding?.message).toContain('; and 36 more in the finding\'s URLs');
    expect(finding?.message.match(/https:\/\/cdn-/g)).toHaveLength(8);
    expect(finding?.message).toContain('Not served: asset-host (403), asset-host (403), asset-host (403).');
  });
});
