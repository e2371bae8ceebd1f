import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/report/junit.js';
import { cleanTarget, leakyTarget, scanResult } from './fixtures.js';
import { hostile, hostileScan } from './hostile-fixture.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'failure', 'error'].includes(name), textNodeName: 'text' });

interface Case {
  name: string;
  classname: string;
  failure?: { type: string; message: string; text: string }[];
  error?: { type: string; message: string }[];
  skipped?: { message: string };
  'system-err'?: string;
}
interface Suite {
  name: string;
  tests: string;
  failures: string;
  errors: string;
  skipped: string;
  testcase: Case[];
}

function parse(xml: string): { testsuites: { tests: string; failures: string; errors: string; testsuite: Suite[] } } {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid)}`);
  return parser.parse(xml) as ReturnType<typeof parse>;
}

describe('renderJunit', () => {
  const xml = renderJunit(scanResult());
  const doc = parse(xml);

  it('is well-formed XML with one suite per target and one case per rule run', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="draftleak"')).toBe(true);
    const [leaky, clean] = doc.testsuites.testsuite;
    expect(doc.testsuites.testsuite.map((suite) => suite.name)).toEqual(['https://example.com/blog', 'https://clean.example.org/']);
    expect(leaky?.testcase.map((one) => one.name.split(':')[0])).toEqual([...leakyTarget.rulesRun].sort());
    expect(leaky?.tests).toBe('5');
    expect(clean?.testcase.every((one) => one.failure === undefined)).toBe(true);
    expect(doc.testsuites).toMatchObject({ tests: '10', failures: '5', errors: '0' });
  });

  it('a finding is a failure of its rule case, typed by severity, with items and remediation', () => {
    const critical = doc.testsuites.testsuite[0]?.testcase.find((one) => one.name === 'wp-rest-drafts: Rule wp-rest-drafts');
    expect(critical?.classname).toBe('draftleak.wordpress');
    expect(critical?.failure).toHaveLength(1);
    const failure = critical?.failure?.[0];
    expect(failure?.type).toBe('critical');
    expect(failure?.message).toBe('critical: Rule wp-rest-drafts at https://example.com/blog/wp-json/wp/v2/posts?status=draft');
    expect(failure?.text).toContain('Exposed items (7):');
    expect(failure?.text).toContain('  - 106  draft  2025-04-30  https://example.com/blog/?p=106');
    expect(failure?.text).toContain('Remediation: Fix wp-rest-drafts.');
    expect(failure?.text).toContain('  - https://docs.example.com/wp-rest-drafts');
    // The rule's timed-out probe is kept beside it.
    expect(critical?.['system-err']).toContain('DL_HEADERS_TIMEOUT https://example.com/blog/wp-json/wp/v2/pages?status=draft');
  });

  it('a rule that failed at run time is an error; a target not fully scanned is an error case; skipped rules are skipped', () => {
    const target = {
      ...cleanTarget,
      executionSuccessful: false,
      incomplete: 'stopped after --max-target-duration 5s',
      failures: [{ ruleId: 'wp-draft-media', url: 'https://clean.example.org/', code: 'DL_RULE_RUNTIME' as const, message: 'expression failed' }],
      discovery: { detections: [], notes: [], skippedRules: [{ ruleId: 'ghost-x', reason: 'CMS not detected (ghost)' }], pagesCrawled: 1, publishedInventory: 0, apiRoots: [], assetHosts: [] },
    };
    const suite = parse(renderJunit(scanResult([target]))).testsuites.testsuite[0]!;
    expect(suite.testcase[0]).toMatchObject({ classname: 'draftleak.scan', error: [{ type: 'DL_SCAN_INCOMPLETE', message: 'stopped after --max-target-duration 5s' }] });
    expect(suite.testcase.find((one) => one.name.startsWith('wp-draft-media'))?.error?.[0]).toMatchObject({ type: 'DL_RULE_RUNTIME', message: 'expression failed' });
    expect(suite.testcase.find((one) => one.name === 'ghost-x')?.skipped).toMatchObject({ message: 'CMS not detected (ghost)' });
    expect(suite).toMatchObject({ tests: '7', errors: '2', skipped: '1', failures: '0' });
  });

  it('text a site controls stays text: no forged element, no character XML forbids', () => {
    const hostileXml = renderJunit(hostileScan());
    const parsed = parse(hostileXml);
    const cases = parsed.testsuites.testsuite[0]?.testcase ?? [];
    expect(cases.some((one) => one.name === 'forged')).toBe(false);
    expect(cases).toHaveLength(5);
    const failure = cases.find((one) => one.failure)?.failure?.[0];
    expect(failure?.text).toContain(hostile.img);
    expect(failure?.text).toContain(hostile.cdata);
    expect(hostileXml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });
});
