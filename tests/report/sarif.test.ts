import { describe, expect, it } from 'vitest';
import { renderSarif, toSarif } from '../../src/report/sarif.js';
import type { SarifLog, SarifRun } from '../../src/report/sarif-types.js';
import { redactUrl } from '../../src/core/redact.js';
import { cleanTarget, leakyTarget, rules, scanResult } from './fixtures.js';
import { validateSarif } from './sarif-schema.js';

function expectValid(log: SarifLog): void {
  const errors = validateSarif(JSON.parse(JSON.stringify(log)) as unknown);
  expect(errors, errors.join('\n')).toEqual([]);
}

function runs(): [SarifRun, SarifRun] {
  const [leaky, clean] = toSarif(scanResult()).runs;
  if (!leaky || !clean) throw new Error('expected two runs');
  return [leaky, clean];
}

describe('toSarif', () => {
  it('validates against the official SARIF 2.1.0 schema', () => {
    const log = toSarif(scanResult());
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expectValid(log);
    expectValid(toSarif(scanResult([])));
    expectValid(toSarif(scanResult([{ ...cleanTarget, executionSuccessful: false }])));
  });

  it('writes one run per target with distinct, deterministic automation ids', () => {
    const log = toSarif(scanResult());
    expect(log.runs).toHaveLength(2);
    const ids = log.runs.map((run) => run.automationDetails.id);
    expect(ids).toEqual(['draftleak/example.com/blog/', 'draftleak/clean.example.org/']);
    // Same host and path over http and https must still get distinct categories.
    const twin = toSarif(scanResult([leakyTarget, { ...cleanTarget, target: 'http://example.com/blog/' }]));
    const twinIds = twin.runs.map((run) => run.automationDetails.id);
    expect(new Set(twinIds).size).toBe(2);
    expect(toSarif(scanResult()).runs.map((run) => run.automationDetails.id)).toEqual(ids);
  });

  it('describes every rule with GitHub security metadata', () => {
    const [run] = runs();
    const driver = run.tool.driver;
    expect(driver).toMatchObject({ name: 'draftleak', semanticVersion: '0.1.0' });
    expect(driver.rules.map((r) => r.id)).toEqual(rules.map((r) => r.id));
    const bySeverity = Object.fromEntries(rules.map((r, i) => [r.severity, driver.rules[i]]));
    expect(bySeverity.critical?.properties['security-severity']).toBe('9.5');
    expect(bySeverity.high?.properties['security-severity']).toBe('8.0');
    expect(bySeverity.medium?.properties['security-severity']).toBe('5.5');
    expect(bySeverity.low?.properties['security-severity']).toBe('3.0');
    expect(bySeverity.info?.properties).not.toHaveProperty('security-severity');
    expect(bySeverity.critical?.defaultConfiguration.level).toBe('error');
    expect(bySeverity.high?.defaultConfiguration.level).toBe('error');
    expect(bySeverity.medium?.defaultConfiguration.level).toBe('warning');
    expect(bySeverity.low?.defaultConfiguration.level).toBe('note');
    expect(bySeverity.info?.defaultConfiguration.level).toBe('note');

    const critical = bySeverity.critical;
    expect(critical?.shortDescription.text).toBe('Rule wp-rest-drafts');
    expect(critical?.fullDescription.text).toBe('Description of wp-rest-drafts.');
    expect(critical?.help.markdown).toContain('Remediation');
    expect(critical?.help.markdown).toContain('[https://docs.example.com/wp-rest-drafts](https://docs.example.com/wp-rest-drafts)');
    expect(critical?.helpUri).toBe('https://docs.example.com/wp-rest-drafts');
    expect(critical?.properties.precision).toBe('very-high');
    expect(critical?.properties.tags).toEqual(
      expect.arrayContaining(['security', 'cms:wordpress', 'exposure:draft', 'external/cwe/cwe-200']),
    );
    for (const rule of driver.rules) expect(rule.properties.tags.length).toBeLessThanOrEqual(20);
    expect(bySeverity.info?.properties.tags.slice(0, 4)).toEqual(['security', 'cms:generic', 'cms:wordpress', 'cms:ghost']);
  });

  it('maps finding severity to result level and points ruleIndex at the right rule', () => {
    const [run] = runs();
    const expected = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' } as const;
    expect(run.results.map((r) => r.properties.severity)).toEqual(['critical', 'high', 'medium', 'low', 'info']);
    for (const result of run.results) {
      expect(result.level).toBe(expected[result.properties.severity as keyof typeof expected]);
      expect(result.ruleIndex).toBeTypeOf('number');
      expect(run.tool.driver.rules[result.ruleIndex ?? -1]?.id).toBe(result.ruleId);
    }
  });

  it('uses only relative artifact URIs that resolve through originalUriBaseIds', () => {
    const [run] = runs();
    expect(run.originalUriBaseIds.TARGET).toEqual({ uri: 'https://example.com/blog/' });
    for (const result of run.results) {
      const artifact = result.locations[0]?.physicalLocation.artifactLocation;
      expect(artifact?.uri).not.toMatch(/^[a-z]+:/i);
      expect(artifact?.uri).not.toBe('');
      expect(artifact?.uri.startsWith('/')).toBe(false);
      const base = run.originalUriBaseIds[artifact?.uriBaseId ?? ''];
      expect(base, `uriBaseId ${artifact?.uriBaseId}`).toBeDefined();
      const finding = leakyTarget.findings.find((f) => f.ruleId === result.ruleId);
      expect(new URL(artifact?.uri ?? '', base?.uri).href).toBe(redactUrl(finding?.url ?? ''));
      expect(result.locations[0]?.physicalLocation.region).toEqual({ startLine: 1 });
    }
    const byRule = Object.fromEntries(run.results.map((r) => [r.ruleId, r.locations[0]?.physicalLocation.artifactLocation]));
    expect(byRule['wp-rest-drafts']).toEqual({ uri: 'wp-json/wp/v2/posts?status=draft', uriBaseId: 'TARGET' });
    expect(byRule['wp-draft-media']).toEqual({ uri: 'uploads/2024/05/draft.png', uriBaseId: 'HOST_1' });
    expect(run.originalUriBaseIds.HOST_1).toEqual({ uri: 'https://cdn.example.net/' });
    expect(byRule['wp-preview-links']?.uriBaseId).toBe('TARGET_ROOT');
  });

  it('carries the engine fingerprint, identically across renders', () => {
    const [run] = runs();
    for (const result of run.results) {
      const finding = leakyTarget.findings.find((f) => f.ruleId === result.ruleId);
      expect(result.partialFingerprints).toEqual({
        primaryLocationLineHash: finding?.fingerprint,
        'draftleak/v1': finding?.fingerprint,
      });
    }
    expect(renderSarif(scanResult())).toBe(renderSarif(scanResult()));
  });

  it('names the exposure and its size in the message and keeps evidence', () => {
    const [run] = runs();
    const critical = run.results[0];
    expect(critical?.message.text).toBe('Draft posts are readable anonymously (7 exposed items)');
    expect(critical?.properties.items).toHaveLength(7);
    expect(critical?.locations[0]?.logicalLocations?.[0]).toEqual({ name: '100', fullyQualifiedName: 'wordpress.post.100', kind: 'object' });
    expect(critical?.webRequest).toMatchObject({ protocol: 'HTTP', version: '1.1', method: 'GET' });
    expect(critical?.webResponse).toMatchObject({ statusCode: 200, reasonPhrase: 'OK' });
    expect(critical?.webResponse.body.text).toContain('"status":"draft"');
  });

  it('gives a clean target an empty result list and reports its failed probes', () => {
    const [leaky, clean] = runs();
    expect(clean.results).toEqual([]);
    expect(clean.originalUriBaseIds).toEqual({ TARGET: { uri: 'https://clean.example.org/' } });
    const invocation = clean.invocations[0];
    expect(invocation).toMatchObject({
      executionSuccessful: true,
      startTimeUtc: '2025-05-01T10:00:00.000Z',
      endTimeUtc: '2025-05-01T10:00:02.000Z',
    });
    expect(invocation?.commandLine).toContain('draftleak scan');
    expect(invocation?.toolExecutionNotifications).toEqual([
      {
        level: 'warning',
        message: { text: 'DL_CONNECT_TIMEOUT https://clean.example.org/ghost/api/content/posts/: connect timed out' },
        descriptor: { id: 'DL_CONNECT_TIMEOUT' },
      },
    ]);
    expect(leaky.invocations[0]?.toolExecutionNotifications[0]?.associatedRule).toEqual({ id: 'wp-rest-drafts', index: 0 });
  });

  it('raises notifications to errors when the target could not be scanned', () => {
    const log = toSarif(scanResult([{ ...cleanTarget, executionSuccessful: false }]));
    const invocation = log.runs[0]?.invocations[0];
    expect(invocation?.executionSuccessful).toBe(false);
    expect(invocation?.toolExecutionNotifications[0]?.level).toBe('error');
  });

  it('renders 2-space JSON', () => {
    const text = renderSarif(scanResult());
    expect(text).toMatch(/^\{\n {2}"\$schema"/);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(toSarif(scanResult()))));
  });
});
