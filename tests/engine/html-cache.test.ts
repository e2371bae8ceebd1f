import { describe, expect, it } from 'vitest';
import { loadHtml, selectorProblem } from '../../src/engine/html.js';

describe('loadHtml', () => {
  it('shares one parse of a page between the matchers and extractors that read it', () => {
    const page = '<html><body><a href="/x">x</a></body></html>';
    expect(loadHtml(page)).toBe(loadHtml(page));
  });

  it('keeps no parse of a body bigger than the whole cache, so no rule holds it for the next', () => {
    // 2 MiB is the cache's budget: such a body and its tree were kept as "the newest parse" from
    // one rule to the next (a 5 MiB answer on the hostile-site benchmark).
    const huge = `<html><body>${'<p>x</p>'.repeat((2 * 1024 * 1024) / 8 + 1)}</body></html>`;
    const first = loadHtml(huge);
    expect(first('p').length).toBe((2 * 1024 * 1024) / 8 + 1);
    expect(loadHtml(huge)).not.toBe(first);
  });
});

describe('selectorProblem', () => {
  it('refuses what an empty page cannot check: HTML for a selector, and jQuery positions (what follows them compiles only on a match)', () => {
    expect(selectorProblem('<a>')).toBe('this is HTML, not a CSS selector');
    expect(selectorProblem(' <p>x</p>')).toBe('this is HTML, not a CSS selector');
    for (const selector of ['a:first:bogus', 'a[href]:first', 'a:gt(-1):bogus', 'p:eq(0) :nth-child(x)', 'li:odd']) {
      expect(selectorProblem(selector), selector).toMatch(/is a jQuery position, not CSS/);
    }
    expect(selectorProblem('a:has(:bogus)')).toBe('Unknown pseudo-class :bogus');
    for (const selector of ['li:nth-child(2)', 'a:first-child', 'div:last-of-type', 'a[title=":first"]', "a[href*='/wp-content/']", 'p:contains(":eq")']) {
      expect(selectorProblem(selector), selector).toBeUndefined();
    }
  });
});
