import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { HttpResponse } from '../core/http-types.js';
import { ReplayTransport, toReplayEntries } from '../rule-tests/replay-transport.js';
import { detectCms, type Detection } from './detect.js';
import type { Fingerprint } from './fingerprint-schema.js';
import { fingerprintCaseFileSchema, type FingerprintCase, type FingerprintExchange } from './case-schema.js';
import { parseYamlValue } from '../core/yaml-source.js';

/** Cases run against this nominal target; the replay transport never opens a socket. */
export const fingerprintCaseTarget = 'http://127.0.0.1:65535';

export interface FingerprintCaseResult {
  name: string;
  expect: 'match' | 'none';
  todo?: string;
  passed: boolean;
  problems: string[];
  /** Everything detected (all fingerprints given), for cross-checks. */
  detections: Detection[];
  /** Detected CMSs that neither are the case's CMS nor a front-end layer nor listed in `also`. */
  unrelated: string[];
  probesSent: number;
}

export interface FingerprintCasesResult {
  cms: string;
  caseFile: string;
  /** Problems with the case file as a whole (missing, malformed, lacking a kind of case). */
  problems: string[];
  cases: FingerprintCaseResult[];
  passed: boolean;
}

export function fingerprintCaseFileFor(fingerprintFile: string): string {
  return fingerprintFile.replace(/\.yaml$/, '.cases.yaml');
}


function isPassive(exchange: FingerprintExchange): boolean {
  return exchange.passive || exchange.request.path === '/';
}

function describe(detection: Detection): string {
  return `${detection.cms}${detection.version ? ` ${detection.version}` : ''} (${detection.confidence}: ${detection.signals.join(', ')})`;
}

/** Runs one case: replays the passive exchanges as the crawl's responses, then detects. */
export async function runFingerprintCase(
  fingerprint: Fingerprint,
  fingerprintCase: FingerprintCase,
  caseDir: string,
  fingerprints: Fingerprint[] = [fingerprint],
): Promise<FingerprintCaseResult> {
  const entries = await toReplayEntries(fingerprintCase.exchanges, caseDir, fingerprintCaseTarget);
  const scope = [fingerprintCaseTarget, ...entries.map((entry) => new URL(entry.url).origin)];
  const transport = new ReplayTransport(entries, scope);
  const responses: HttpResponse[] = [];
  for (const [index, exchange] of fingerprintCase.exchanges.entries()) {
    const entry = entries[index];
    if (entry && isPassive(exchange)) responses.push(await transport.send({ method: exchange.request.method, url: entry.url }));
  }
  const outcome = await detectCms({ target: fingerprintCaseTarget, responses, transport, fingerprints });
  const problems: string[] = [];
  const own = outcome.detections.find((detection) => detection.cms === fingerprint.cms);
  const candidate = outcome.candidates.find((detection) => detection.cms === fingerprint.cms);
  let unrelated: string[] = [];

  if (fingerprintCase.expect === 'match') {
    if (!own) {
      problems.push(`expected ${fingerprint.cms} to be detected, got ${candidate ? `only ${describe(candidate)}` : 'no evidence at all'}`);
    } else {
      if (fingerprintCase.version !== undefined && own.version !== fingerprintCase.version) {
        problems.push(`expected version ${fingerprintCase.version}, got ${own.version ?? 'none'} (${describe(own)})`);
      }
      const matchedIds = own.signals.map((signal) => signal.split(':')[0]);
      for (const id of fingerprintCase.signals) {
        if (!matchedIds.includes(id)) problems.push(`expected signal "${id}" to match; matched: ${matchedIds.join(', ')}`);
      }
    }
    unrelated = outcome.detections
      .filter((detection) => detection.cms !== fingerprint.cms)
      .filter((detection) => !(detection.kind === 'frontend' && fingerprint.kind !== 'frontend'))
      .filter((detection) => !fingerprintCase.also.includes(detection.cms))
      .map(describe);
    for (const other of unrelated) problems.push(`also detected an unrelated CMS: ${other}`);
  } else if (own) {
    problems.push(`expected ${fingerprint.cms} not to be detected, got ${describe(own)}`);
  }
  for (const unused of transport.unusedExchanges()) problems.push(`exchange never requested (stale fixture?): ${unused}`);
  return {
    name: fingerprintCase.name,
    expect: fingerprintCase.expect,
    ...(fingerprintCase.todo ? { todo: fingerprintCase.todo } : {}),
    passed: problems.length === 0,
    problems,
    detections: outcome.detections,
    unrelated,
    probesSent: outcome.probesSent,
  };
}

/**
 * Runs every case of one fingerprint (`file` is its fingerprint.yaml; the cases sit beside it).
 * Pass every loaded fingerprint as `fingerprints` to run detection as a scan would, which also
 * checks that a must-match case does not detect an unrelated CMS.
 */
export async function runFingerprintCases(
  fingerprint: Fingerprint,
  file: string,
  fingerprints: Fingerprint[] = [fingerprint],
): Promise<FingerprintCasesResult> {
  const caseFile = fingerprintCaseFileFor(file);
  const result: FingerprintCasesResult = { cms: fingerprint.cms, caseFile, problems: [], cases: [], passed: false };
  let text: string;
  try {
    text = await readFile(caseFile, 'utf8');
  } catch {
    result.problems.push(`no case file: ${caseFile}`);
    return result;
  }
  let input: unknown;
  try {
    input = parseYamlValue(text);
  } catch (error) {
    result.problems.push(`${caseFile}: ${(error as Error).message.split('\n')[0]}`);
    return result;
  }
  const parsed = fingerprintCaseFileSchema.safeParse(input);
  if (!parsed.success) {
    result.problems.push(...parsed.error.issues.map((issue) => `${caseFile}: ${issue.path.join('.')}: ${issue.message}`));
    return result;
  }
  if (parsed.data.fingerprint !== fingerprint.cms) {
    result.problems.push(`${caseFile}: fingerprint "${parsed.data.fingerprint}" should be "${fingerprint.cms}"`);
  }
  const active = parsed.data.cases.filter((fingerprintCase) => !fingerprintCase.todo);
  if (!active.some((fingerprintCase) => fingerprintCase.expect === 'match')) result.problems.push('needs at least one case that must match');
  if (!active.some((fingerprintCase) => fingerprintCase.expect === 'none')) result.problems.push('needs at least one case that must not match');
  const list = fingerprints.some((entry) => entry.cms === fingerprint.cms) ? fingerprints : [fingerprint, ...fingerprints];
  for (const fingerprintCase of parsed.data.cases) {
    result.cases.push(await runFingerprintCase(fingerprint, fingerprintCase, path.dirname(caseFile), list));
  }
  result.passed = result.problems.length === 0 && result.cases.every((entry) => entry.passed || entry.todo !== undefined);
  return result;
}
