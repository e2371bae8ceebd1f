import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { cleanTarget, leakyTarget, scanResult } from './fixtures.js';
import { hostile, hostileScan } from './hostile-fixture.js';

describe('renderHtml', () => {
  const wordpress = { detections: [{ cms: 'wordpress', name: 'WordPress', version: '6.5', confidence: 0.95, signals: [] }], notes: [], skippedRules: [], pagesCrawled: 4, publishedInventory: 3, apiRoots: [], assetHosts: [] };
  const leaky = { ...leakyTarget, discovery: wordpress, budgetsSpent: [{ budget: 'pages', flag: '--max-pages', detail: '100 HTML pages crawled; more were linked' }] };
  const html = renderHtml(scanResult([leaky, cleanTarget]));
  const $ = cheerio.load(html);

  it('is one document that can load nothing: no script, no external resource, a CSP that forbids them', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect($('script, link, iframe, img, object, embed')).toHaveLength(0);
    expect($('meta[http-equiv="Content-Security-Policy"]').attr('content')).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'");
    expect($('style')).toHaveLength(1);
    const hrefs = $('a').map((_, a) => $(a).attr('href') ?? '').get();
    for (const href of hrefs) expect(href).toMatch(/^(#target-\d+|https:\/\/(docs\.example\.com|owasp\.org)\/)/);
    expect(html).not.toMatch(/url\(/);
  });

  it('opens with a summary by severity, a chart and one row per target', () => {
    expect($('head > title').text()).toBe('draftleak report: 5 findings on 2 targets');
    expect($('.totals .total').map((_, t) => $(t).text()).get()).toEqual(['1critical', '1high', '1medium', '1low', '1info']);
    expect($('svg.chart').attr('aria-label')).toBe('Findings by severity: 1 critical, 1 high, 1 medium, 1 low, 1 info');
    expect($('svg.chart rect')).toHaveLength(5);
    const rows = $('table.targets tbody tr');
    expect(rows.map((_, tr) => $(tr).find('td').last().text()).get()).toEqual(['5 findings', 'no finding by what could run']);
    expect(rows.first().find('a').attr('href')).toBe('#target-1');
  });

  it('groups a target by CMS, then rule, with items, evidence, remediation and references', () => {
    const target = $('#target-1');
    expect(target.find('h2').text()).toBe('https://example.com/blog');
    // A rule for several CMS sits under the one detected (the sitemap rule is generic and WordPress).
    expect(target.find('.cms > h3').map((_, h) => $(h).text()).get()).toEqual(['WordPress', 'strapi']);
    const wordpressRules = target.find('.cms').first().find('.rule h4').map((_, h) => $(h).text()).get();
    expect(wordpressRules).toEqual(['Rule wp-rest-drafts', 'Rule wp-draft-media', 'Rule wp-preview-links', 'Rule generic-sitemap-scheduled']);
    const undetected = renderHtml(scanResult([leakyTarget]));
    expect(cheerio.load(undetected)('.cms > h3').map((_, h) => cheerio.load(undetected)(h).text()).get()).toEqual(['wordpress', 'strapi', 'Any site (generic rules)']);
    const critical = target.find('.rule.sev-critical');
    expect(critical.find('.rule-description').text()).toBe('Description of wp-rest-drafts.');
    expect(critical.find('table.items tbody tr')).toHaveLength(7);
    expect(critical.find('.evidence summary').text()).toContain('Evidence');
    expect(critical.find('.evidence pre').text()).toContain('"status":"draft"');
    expect(critical.find('.fix').text()).toContain('Remediation. Fix wp-rest-drafts.');
    expect(critical.find('.fix a').map((_, a) => $(a).attr('href')).get()).toEqual(['https://docs.example.com/wp-rest-drafts', 'https://owasp.org/Top10/A01_2021-Broken_Access_Control/']);
  });

  it('shows the budgets that ended work early and the failed probes', () => {
    const target = $('#target-1');
    expect(target.find('table.budgets tbody td').map((_, td) => $(td).text()).get()).toEqual(['pages', '100 HTML pages crawled; more were linked', '--max-pages']);
    expect(target.find('table.failures tbody td').first().text()).toBe('DL_HEADERS_TIMEOUT');
    expect($('#target-2 .banner').text()).toContain('No exposure found by what could run');
    expect($('#target-2 table.failures tbody tr')).toHaveLength(1);
  });

  it('keeps credentials out, as every format does', () => {
    for (const secret of ['abcdefghijklmnopqrstuvwxyz0123', 'cookiesecretvalue987', 'supersecretvalue123', 'urlsecretvalue456', 'setcookiesecret555']) expect(html).not.toContain(secret);
  });
});

describe('renderHtml with text a site controls', () => {
  const html = renderHtml(hostileScan());
  const $ = cheerio.load(html);

  it('creates no element from it and shows it as text', () => {
    expect($('script, img, iframe').length).toBe(0);
    expect($('a').map((_, a) => $(a).attr('href')).get().every((href) => href?.startsWith('#') || href?.startsWith('https://docs.example.com/') || href?.startsWith('https://owasp.org/'))).toBe(true);
    const text = $('body').text();
    for (const value of Object.values(hostile).filter((value) => !value.includes('\u0007'))) expect(text).toContain(value);
    expect(text).toContain('bellnulescred');
    expect(html).not.toMatch(/[\u0000-\u0008\u001b]/);
    expect($('.banner.bad').first().text()).toContain(`The scan was stopped (${hostile.img})`);
  });
});
