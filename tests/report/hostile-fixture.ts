import type { TargetResult } from '../../src/core/finding.js';
import type { ScanResult } from '../../src/core/scan-result.js';
import { leakyTarget, rules, scanResult } from './fixtures.js';

/**
 * A scan of a site that writes markup into everything it controls: item ids and titles, URLs, a
 * CMS note, a probe error. The markup formats must show each of these as text: no element, no
 * link, no table cell of its own.
 */
export const hostile = {
  img: '<img src=x onerror=alert(1)>',
  script: '<script>alert("pwned")</script>',
  link: '[click me](https://evil.example/phish)',
  bare: 'www.evil.example',
  pipe: 'a|b|c',
  ticks: '``double`` tick',
  emphasis: '**not bold** _nor italic_',
  heading: '# not a heading',
  entity: '&lt;b&gt;entity&lt;/b&gt;',
  cdata: ']]></failure><testcase name="forged"/>',
  control: 'bell\u0007nul\u0000esc\u001b[31mred',
} as const;

export const hostileTarget: TargetResult = {
  ...leakyTarget,
  target: 'https://example.com/blog',
  findings: [
    {
      ...leakyTarget.findings[1]!,
      message: `${hostile.link} ${hostile.emphasis}`,
      url: `https://example.com/blog/?q=${hostile.pipe}&x=${encodeURIComponent('<b>')}`,
      items: [
        { id: hostile.img, status: hostile.script, date: hostile.heading, url: `https://example.com/blog/${hostile.ticks}` },
        { id: hostile.bare, status: hostile.entity, url: `javascript:alert(1)//${hostile.pipe}` },
        { id: hostile.cdata, status: hostile.control },
      ],
      response: { ...leakyTarget.findings[1]!.response, bodyExcerpt: `${hostile.script}${hostile.img}\n${hostile.cdata}` },
    },
  ],
  failures: [{ ruleId: 'wp-rest-drafts', url: 'https://example.com/blog/x', code: 'DL_HEADERS_TIMEOUT', message: `${hostile.script} ${hostile.cdata}` }],
  discovery: {
    detections: [{ cms: 'wordpress', name: `WordPress ${hostile.img}`, version: hostile.link, confidence: 0.9, signals: [hostile.script] }],
    notes: [`${hostile.script} ${hostile.img}`],
    skippedRules: [],
    pagesCrawled: 3,
    publishedInventory: 2,
    apiRoots: [],
    assetHosts: [],
  },
};

export function hostileScan(): ScanResult {
  return { ...scanResult([hostileTarget]), rules, stopped: hostile.img };
}
