import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { HttpResponse } from '../../src/core/http-types.js';
import { fingerprintCaseFileSchema } from '../../src/fingerprint/case-schema.js';
import { detectCms, loadFingerprints, parseFingerprintText, PassiveJudge } from '../../src/fingerprint/index.js';
import { fingerprintCaseFileFor, fingerprintCaseTarget } from '../../src/fingerprint/run-cases.js';
import { ReplayTransport, toReplayEntries } from '../../src/rule-tests/replay-transport.js';

// Discovery judges the passive signals ahead, while the crawl waits for pages, and detectCms reads
// those judgements (fingerprint/detect.ts, PassiveJudge). Whatever was judged ahead, in whatever
// order, the detection must be the one detectCms makes alone: this replays every built-in
// fingerprint's recorded cases both ways, the judge fed in reverse order (so that what hits first
// ahead is not what the pass meets first), and all of it, half of it or none of it judged.
const { fingerprints: loaded } = await loadFingerprints();
const all = loaded.map((entry) => entry.fingerprint);

const cases = loaded.flatMap(({ fingerprint, file }) => {
  const parsed = fingerprintCaseFileSchema.parse(parseYaml(readFileSync(fingerprintCaseFileFor(file), 'utf8')));
  return parsed.cases.map((entry) => ({ name: `${fingerprint.cms}: ${entry.name}`, entry, caseDir: path.dirname(fingerprintCaseFileFor(file)) }));
});

async function detectBothWays(entry: (typeof cases)[number]['entry'], caseDir: string, judgedShare: number) {
  const run = async (withJudge: boolean) => {
    const entries = await toReplayEntries(entry.exchanges, caseDir, fingerprintCaseTarget);
    const transport = new ReplayTransport(entries, [fingerprintCaseTarget, ...entries.map((replayed) => new URL(replayed.url).origin)]);
    const responses: HttpResponse[] = [];
    for (const [index, exchange] of entry.exchanges.entries()) {
      const replayed = entries[index];
      if (replayed && (exchange.passive || exchange.request.path === '/')) responses.push(await transport.send({ method: exchange.request.method, url: replayed.url }));
    }
    if (!withJudge) return { outcome: await detectCms({ target: fingerprintCaseTarget, responses, transport, fingerprints: all }), judged: 0, offered: 0 };
    const judge = new PassiveJudge(fingerprintCaseTarget, all);
    for (const response of [...responses].reverse()) judge.offer(response);
    for (let count = 0; count < Math.ceil(responses.length * judgedShare) && judge.judgeNext(); count += 1);
    return { outcome: await detectCms({ target: fingerprintCaseTarget, responses, transport, fingerprints: all, judge }), judged: judge.judgedAhead, offered: responses.length };
  };
  return { alone: await run(false), ahead: await run(true) };
}

describe('passive signals judged ahead of the detection pass', () => {
  it('the built-in fingerprints have recorded cases to replay', () => {
    expect(cases.length).toBeGreaterThan(50);
  });

  // Two pages both carrying the signal, with different versions: the pass reports the first page's
  // version. Judged ahead in the other order, the signal hit on the second page first and was not
  // judged on the first: the pass must judge it there when it asks, not take "not judged" for "no".
  it('judges when asked what was skipped ahead, so the first page in the pass order still speaks first', async () => {
    const text = [
      'cms: examplecms',
      'name: ExampleCMS',
      'kind: cms',
      'description: a fingerprint for this test',
      'references: [https://example.com/docs]',
      'signals:',
      '  - id: generator',
      '    description: the generator meta tag',
      '    passive: {}',
      "    match: { regex: 'content=\"ExampleCMS [0-9]' }",
      "    version: { regex: 'content=\"ExampleCMS ([0-9.]+)' }",
      '    weight: 0.9',
      '',
    ].join('\n');
    const { fingerprint, errors } = parseFingerprintText('examplecms/fingerprint.yaml', text);
    expect(errors).toEqual([]);
    const page = (path: string, version: string): HttpResponse => ({
      requestedUrl: `${fingerprintCaseTarget}${path}`,
      url: `${fingerprintCaseTarget}${path}`,
      status: 200,
      statusText: 'OK',
      headers: { 'content-type': 'text/html' },
      body: `<meta name="generator" content="ExampleCMS ${version}">`,
      truncated: false,
      bytes: 60,
      redirects: [],
      durationMs: 0,
    });
    const responses = [page('/', '1.0'), page('/about/', '2.0')];
    const transport = new ReplayTransport([], [fingerprintCaseTarget]);
    const fingerprints = [fingerprint as NonNullable<typeof fingerprint>];
    const alone = await detectCms({ target: fingerprintCaseTarget, responses, transport, fingerprints, maxProbes: 0 });
    const judge = new PassiveJudge(fingerprintCaseTarget, fingerprints);
    for (const response of [...responses].reverse()) judge.offer(response);
    while (judge.judgeNext());
    const ahead = await detectCms({ target: fingerprintCaseTarget, responses, transport, fingerprints, maxProbes: 0, judge });
    expect(alone.detections.map((detection) => detection.version)).toEqual(['1.0']);
    expect(ahead).toEqual(alone);

    // A signal that throws when judged (here a regex RE2 refuses, which loading would have
    // refused too) leaves its response unjudged ahead: the crawl that lent its wait goes on, and
    // the pass meets the error where it always did.
    const [signal] = fingerprints[0]?.signals ?? [];
    const broken = [{ ...fingerprints[0], signals: [{ ...signal, match: { regex: '(?<=x)y' } }] }] as typeof fingerprints;
    const brokenJudge = new PassiveJudge(fingerprintCaseTarget, broken);
    brokenJudge.offer(responses[0] as HttpResponse);
    expect(brokenJudge.judgeNext()).toBe(true);
    expect(brokenJudge.judgedAhead).toBe(0);
    expect(brokenJudge.judgeNext()).toBe(false);
    await expect(detectCms({ target: fingerprintCaseTarget, responses, transport, fingerprints: broken, maxProbes: 0, judge: brokenJudge })).rejects.toThrow();
    await expect(detectCms({ target: fingerprintCaseTarget, responses, transport, fingerprints: broken, maxProbes: 0 })).rejects.toThrow();
  });

  it.each(cases.map(({ name, entry, caseDir }) => [name, entry, caseDir] as const))('%s: the same detection', async (_name, entry, caseDir) => {
    for (const share of [1, 0.5, 0]) {
      const { alone, ahead } = await detectBothWays(entry, caseDir, share);
      expect(ahead.outcome).toEqual(alone.outcome);
      if (share === 1) expect(ahead.judged).toBe(ahead.offered);
    }
  });
});
