import * as cheerio from 'cheerio';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import type { Finding, TargetResult } from '../../src/core/finding.js';
import { markdownCommentLimit, renderMarkdown } from '../../src/report/markdown.js';
import { cleanTarget, leakyTarget, scanResult } from './fixtures.js';
import { hostile, hostileScan } from './hostile-fixture.js';
import { manyTargets } from './large-scan.js';

/**
 * The markdown is read as GitHub reads a comment or a job summary: CommonMark with the GFM
 * extensions (tables, autolinks, strikethrough), raw HTML allowed (GitHub then filters it; here it
 * is kept so that any HTML the report lets through shows up as an element).
 */
function asGitHub(markdown: string): cheerio.CheerioAPI {
  return cheerio.load(micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] }));
}

describe('renderMarkdown', () => {
  const markdown = renderMarkdown(scanResult());
  const $ = asGitHub(markdown);

  it('opens with the counts by severity', () => {
    expect($('h2').first().text()).toBe('draftleak report');
    expect($('p').first().text()).toBe('5 findings (1 critical, 1 high, 1 medium, 1 low, 1 info), 2 failed probes on 2 targets');
    const severities = $('table').first().find('tbody tr').map((_, tr) => $(tr).text().trim().replace(/\s+/g, ' ')).get();
    expect(severities).toEqual(['Critical 1', 'High 1', 'Medium 1', 'Low 1', 'Info 1']);
  });

  it('has a findings table per target, most severe first, with rule name, id and URL as cells', () => {
    expect($('h3').map((_, h) => $(h).text()).get()).toEqual(['Target https://example.com/blog', 'Target https://clean.example.org/', 'How to fix']);
    const table = $('h3').first().nextAll('table').first();
    expect(table.find('thead th').map((_, th) => $(th).text()).get()).toEqual(['Severity', 'Rule', 'Finding', 'URL', 'Items']);
    const rows = table.find('tbody tr');
    expect(rows).toHaveLength(5);
    const first = rows.first().find('td').map((_, td) => $(td).text()).get();
    expect(first).toEqual(['critical', 'Rule wp-rest-drafts (wp-rest-drafts)', 'Draft posts are readable anonymously', 'https://example.com/blog/wp-json/wp/v2/posts?status=draft', '7']);
  });

  it('folds the exposed items and the failed probes away', () => {
    const items = $('details').first();
    expect(items.find('summary').text()).toBe('Exposed items: Rule wp-rest-drafts (7)');
    expect(items.find('tbody tr')).toHaveLength(7);
    expect(items.find('tbody tr').first().find('td').map((_, td) => $(td).text()).get()).toEqual(['100', 'draft', '2025-04-30', 'https://example.com/blog/?p=100']);
    const failures = $('summary').filter((_, s) => $(s).text().startsWith('Failed probes'));
    expect(failures).toHaveLength(2);
    expect(failures.first().parent().find('tbody td').first().text()).toBe('DL_HEADERS_TIMEOUT');
  });

  it('says how to fix each rule once, with its references as links', () => {
    expect($('h4').map((_, h) => $(h).text()).get()).toEqual([
      'Rule wp-rest-drafts (wp-rest-drafts)',
      'Rule strapi-draft-entries (strapi-draft-entries)',
      'Rule wp-draft-media (wp-draft-media)',
      'Rule wp-preview-links (wp-preview-links)',
      'Rule generic-sitemap-scheduled (generic-sitemap-scheduled)',
    ]);
    expect($('p').filter((_, p) => $(p).text() === 'Remediation: Fix wp-rest-drafts.')).toHaveLength(1);
    expect($('a').map((_, a) => $(a).attr('href')).get()).toContain('https://docs.example.com/wp-rest-drafts');
  });

  it('calls a target clean only when nothing stood in the way', () => {
    expect(markdown).toContain('**No exposure found by what could run:**');
    const clean = asGitHub(renderMarkdown(scanResult([{ ...cleanTarget, failures: [] }])));
    expect(clean('strong').filter((_, s) => clean(s).text() === 'No exposure found')).toHaveLength(1);
    const cut = renderMarkdown(scanResult([{ ...cleanTarget, executionSuccessful: false, incomplete: 'not scanned: connect timed out', budgetsSpent: [{ budget: 'requests', flag: '--max-requests', detail: '10000 requests sent' }] }]));
    // micromark does not know GitHub's alert marker ([!WARNING]); GitHub turns it into a heading.
    expect(asGitHub(cut)('blockquote').map((_, q) => asGitHub(cut)(q).text().trim().replace(/^\[!WARNING\]\s*/, '')).get()).toEqual(
      expect.arrayContaining(['1 target not fully scanned: not a clean result.', 'Not a clean result: not scanned: connect timed out.', 'Budget spent: 10000 requests sent (raise with --max-requests).']),
    );
  });
});

describe('renderMarkdown with text a site controls', () => {
  const markdown = renderMarkdown(hostileScan());
  const $ = asGitHub(markdown);

  it('lets no element, link or emphasis through', () => {
    expect($('img, script, iframe, em, del, h1')).toHaveLength(0);
    expect($('strong').map((_, s) => $(s).text()).get().some((text) => text.includes('not bold'))).toBe(false);
    const hrefs = $('a').map((_, a) => $(a).attr('href') ?? '').get();
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^https:\/\/(docs\.example\.com|owasp\.org)\//);
  });

  it('shows the text literally, in the cells it belongs to', () => {
    const text = $.root().text();
    for (const value of [hostile.img, hostile.script, hostile.link, hostile.emphasis, hostile.heading, hostile.entity, hostile.ticks]) expect(text).toContain(value);
    expect(text).toContain('bellnulescred');
    expect(markdown).not.toMatch(/[\u0000-\u0008\u001b]/);
    const findingRows = $('h3').first().nextAll('table').first().find('tbody tr');
    expect(findingRows).toHaveLength(1);
    expect(findingRows.find('td')).toHaveLength(5);
    expect(findingRows.find('td').eq(2).text()).toBe(`${hostile.link} ${hostile.emphasis}`);
    expect(findingRows.find('td').eq(3).text()).toBe('https://example.com/blog/?q=a|b|c&x=%3Cb%3E');
    const items = $('details').first().find('tbody tr');
    expect(items).toHaveLength(3);
    expect(items.eq(0).find('td').map((_, td) => $(td).text()).get()).toEqual([hostile.img, hostile.script, hostile.heading, `https://example.com/blog/${hostile.ticks}`]);
    expect(items.eq(1).find('td').eq(3).text()).toBe(`javascript:alert(1)//${hostile.pipe}`);
  });
});

describe('renderMarkdown size', () => {
  const many = (count: number, items: number): Finding[] =>
    Array.from({ length: count }, (_, i) => ({
      ...leakyTarget.findings[1]!,
      url: `https://example.com/blog/wp-json/wp/v2/posts/${i}?status=draft&padding=${'x'.repeat(80)}`,
      fingerprint: `fp-${i}`,
      items: Array.from({ length: items }, (__, j) => ({ id: String(j), status: 'draft', url: `https://example.com/blog/?p=${j}&${'y'.repeat(60)}` })),
    }));

  it('fits a pull-request comment, dropping detail step by step and saying so', () => {
    const withItems = renderMarkdown(scanResult([{ ...leakyTarget, findings: many(40, 25) }]));
    expect(withItems.length).toBeLessThanOrEqual(markdownCommentLimit);
    expect(withItems).toContain('Shortened to fit a pull-request comment (exposed items left out)');
    expect(asGitHub(withItems)('h3').first().nextAll('table').first().find('tbody tr')).toHaveLength(40);
    const huge = renderMarkdown(scanResult([{ ...leakyTarget, findings: many(2000, 0) }]));
    expect(huge.length).toBeLessThanOrEqual(markdownCommentLimit);
    expect(huge).toContain('at most 50 findings per target');
    expect(huge).toContain('… and 1950 more findings in the SARIF, JSON or HTML report.');
    const small = renderMarkdown(scanResult());
    expect(small).not.toContain('Shortened');
  });

  it('fits a scan of a thousand targets as one row a target, the exposed ones first', () => {
    const scan = manyTargets(1000);
    // Two targets late in the list have findings; one was not fully scanned.
    scan.targets[990] = { ...scan.targets[990]!, findings: leakyTarget.findings };
    scan.targets[995] = { ...scan.targets[995]!, findings: [leakyTarget.findings[1]!] };
    scan.targets[3] = { ...scan.targets[3]!, incomplete: 'stopped at its budget' };
    const text = renderMarkdown(scan);
    expect(text.length).toBeLessThanOrEqual(markdownCommentLimit);
    expect(text).toContain('Shortened to fit a pull-request comment (one row per target)');
    expect(text).toContain('1 target not fully scanned: not a clean result.');
    const $ = asGitHub(text);
    const rows = $('table').last().find('tbody tr');
    const first = rows.map((_, tr) => $(tr).find('td').first().text()).get().slice(0, 2);
    expect(first).toEqual([scan.targets[990]!.target, scan.targets[995]!.target]);
    expect(rows.eq(0).find('td').last().text()).toBe('exposed');
    expect(rows.filter((_, tr) => $(tr).find('td').last().text() === 'not fully scanned')).toHaveLength(1);
    const match = /… and (\d+) more targets in the SARIF, JSON or HTML report\./.exec(text);
    expect(Number(match?.[1]) + rows.length).toBe(1000);
  });

  it('fits a struggling site\'s thousands of failed probes, counting the rows left out by code', () => {
    const failures = (count: number): TargetResult['failures'] =>
      Array.from({ length: count }, (_, i) => ({ url: `https://clean.example.org/p/${i}`, code: i % 10 === 0 ? 'DL_CONNECT_TIMEOUT' : 'DL_BODY_TIMEOUT', message: 'no answer in time' }));
    const some = renderMarkdown(scanResult([{ ...cleanTarget, failures: failures(2000) }]));
    expect(some.length).toBeLessThanOrEqual(markdownCommentLimit);
    expect(some).toContain('at most 100 failed probes per target');
    const $ = asGitHub(some);
    const rows = $('summary').filter((_, summary) => $(summary).text() === 'Failed probes (2000)').parent().find('table tbody tr');
    expect(rows).toHaveLength(100);
    // The rows left out, counted by code: of 1,800 body timeouts and 200 connect timeouts.
    const shownConnect = rows.filter((_, tr) => $(tr).find('td').first().text() === 'DL_CONNECT_TIMEOUT').length;
    expect(some).toContain(`… and 1900 more failed probes (\`DL_BODY_TIMEOUT\` ${1800 - (100 - shownConnect)}, \`DL_CONNECT_TIMEOUT\` ${200 - shownConnect}) in the SARIF, JSON or HTML report.`);
    // 150,000 rows once overflowed the call stack (lines.push(...rows)).
    const flood = renderMarkdown(scanResult([{ ...cleanTarget, failures: failures(150_000) }]));
    expect(flood.length).toBeLessThanOrEqual(markdownCommentLimit);
    expect(flood).toContain('Failed probes (150000)');
    // A few failures are all listed, with no note.
    const few = renderMarkdown(scanResult([{ ...cleanTarget, failures: failures(30) }]));
    expect(few).not.toContain('more failed probe');
    expect(few).not.toContain('Shortened');
  });
});
