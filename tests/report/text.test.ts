import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/report/text.js';
import { cleanTarget, scanResult } from './fixtures.js';

const ansi = /\u001b\[/;

describe('renderText', () => {
  const plain = renderText(scanResult(), { color: false });

  it('lists findings most severe first with rule, URL, message and items', () => {
    const order = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'].map((s) => plain.indexOf(`  ${s}  `));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(plain).toContain('Rule wp-rest-drafts (wp-rest-drafts)');
    expect(plain).toContain('URL: https://example.com/blog/wp-json/wp/v2/posts?status=draft');
    expect(plain).toContain('Draft posts are readable anonymously');
    expect(plain).toContain('- id 104  status draft  date 2025-04-30  https://example.com/blog/?p=104');
    expect(plain).not.toContain('id 105');
    expect(plain).toContain('... and 2 more');
  });

  it('writes failed probes and per-target and total summaries', () => {
    expect(plain).toContain('DL_HEADERS_TIMEOUT https://example.com/blog/wp-json/wp/v2/pages?status=draft (rule wp-rest-drafts)');
    expect(plain).toContain('5 findings (1 critical, 1 high, 1 medium, 1 low, 1 info), 1 failed probe');
    expect(plain).toContain('Total: 5 findings (1 critical, 1 high, 1 medium, 1 low, 1 info), 2 failed probes across 2 targets');
  });

  it('says so explicitly for a clean target and still lists its failed probes', () => {
    const clean = plain.slice(plain.indexOf('Target: https://clean.example.org/'));
    // A failed probe means not everything could be checked: never the plain "No exposure found".
    expect(clean).not.toContain('No exposure found (');
    expect(clean).toMatch(/No exposure found by what could run: \d+ rule\(s\) ran, 0 failed, 0 skipped; 1 probe\(s\) failed/);
    expect(clean).toContain('DL_CONNECT_TIMEOUT https://clean.example.org/ghost/api/content/posts/: connect timed out');
    expect(clean).toContain('0 findings, 1 failed probe');
    const fullyClean = renderText(scanResult([{ ...cleanTarget, failures: [] }]), { color: false });
    expect(fullyClean).toMatch(/No exposure found \(\d+ rule\(s\) ran, 0 failed, 0 skipped\)\./);
    const unscanned = renderText(scanResult([{ ...cleanTarget, executionSuccessful: false, incomplete: 'not scanned: all 4 answer(s) were refusals' }]), { color: false });
    expect(unscanned).toContain('Not a clean result: not scanned: all 4 answer(s) were refusals.');
    expect(unscanned).not.toContain('No exposure found (');
  });

  it('uses ANSI colour only when asked', () => {
    expect(plain).not.toMatch(ansi);
    expect(renderText(scanResult(), { color: true })).toMatch(ansi);
  });
});
