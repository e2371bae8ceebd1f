import { execFile } from 'node:child_process';
import { expect } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Finding, TargetResult } from '../../../src/core/finding.js';
import { createLogger } from '../../../src/core/logger.js';
import { scanConfigSchema } from '../../../src/config/scan-config.js';
import { scan } from '../../../src/scan/scan.js';

const run = promisify(execFile);
export const labRoot = fileURLToPath(new URL('../', import.meta.url));
export const labDir = process.env.DRAFTLEAK_LAB_DIR ?? '/tmp/draftleak-lab';

/** The state file an `up.sh` wrote: base URL and the ids/URLs of every seeded item. */
export async function readState<T>(cms: string): Promise<T & { baseUrl: string; version: string }> {
  return JSON.parse(await readFile(path.join(labDir, cms, 'state.json'), 'utf8')) as T & { baseUrl: string; version: string };
}

/** Turns a named misconfiguration on or off through the lab's own script. */
export async function misconfig(cms: string, action: 'on' | 'off', name: string): Promise<void> {
  await run('bash', [path.join(labRoot, cms, 'misconfig.sh'), action, name], { timeout: 120_000 });
}

/** Scans a lab instance with draftleak as a user would (built-in rules, CMS gating). */
export async function scanLab(baseUrl: string, extra: { allowHosts?: string[] } = {}): Promise<TargetResult> {
  const config = scanConfigSchema.parse({ targets: [baseUrl], rateLimit: 50, concurrency: 4, allowHosts: extra.allowHosts ?? [] });
  const { result } = await scan(config, createLogger('silent'), 'draftleak lab');
  const [target] = result.targets;
  if (!target) throw new Error(`no result for ${baseUrl}`);
  return target;
}

/** Findings at or above `low`, i.e. those that fail a default build. */
export function exposures(target: TargetResult): Finding[] {
  return target.findings.filter((finding) => finding.severity !== 'info');
}

/** The lab-test output: per CMS and state, the findings draftleak made. */
export function report(cms: string, state: string, target: TargetResult): void {
  const detected = target.discovery?.detections.map((detection) => `${detection.cms}${detection.version ? ` ${detection.version}` : ''}`).join(', ') || 'nothing';
  const lines = [`[lab] ${cms} / ${state}: detected ${detected}; ${target.findings.length} finding(s), ${target.failures.length} failed probe(s)`];
  for (const finding of target.findings) {
    const items = finding.items.map((item) => item.id ?? item.url).filter(Boolean).slice(0, 8).join(', ');
    lines.push(`[lab]   ${finding.severity.padEnd(8)} ${finding.ruleId}  ${finding.url}${items ? `  items: ${items}` : ''}`);
  }
  console.log(lines.join('\n'));
}

/** One line per finding, for assertion messages. */
export function describeFindings(findings: Finding[]): string {
  return findings.map((finding) => `${finding.severity} ${finding.ruleId} ${finding.url} [${finding.items.map((item) => item.id ?? item.url).join(', ')}]`).join('; ') || 'none';
}

/** The finding of `ruleId`, failing the test with what was found instead when there is none. */
export function findingOf(target: TargetResult, ruleId: string): Finding {
  const finding = target.findings.find((entry) => entry.ruleId === ruleId);
  expect(finding, `${ruleId} should fire; findings: ${describeFindings(target.findings)}`).toBeDefined();
  return finding!;
}

/** Runs `body` with the named misconfigurations on, and always switches them off again. */
export async function withMisconfig(cms: string, names: readonly string[], body: () => Promise<void>): Promise<void> {
  try {
    for (const name of names) await misconfig(cms, 'on', name);
    await body();
  } finally {
    for (const name of names) await misconfig(cms, 'off', name);
  }
}
