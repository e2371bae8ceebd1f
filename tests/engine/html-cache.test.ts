import { describe, expect, it } from 'vitest';
import { loadHtml } from '../../src/engine/html.js';

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
