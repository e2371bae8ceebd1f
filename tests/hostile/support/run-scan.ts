import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { scanConfigSchema, type ScanConfigInput } from '../../../src/config/scan-config.js';
import { createLogger } from '../../../src/core/logger.js';
import { renderJson, renderSarif } from '../../../src/report/index.js';
import { scan } from '../../../src/scan/scan.js';
import { validateSarif } from '../../report/sarif-schema.js';
import { tempDir } from '../../support/temp-dir.js';

/**
 * Runs draftleak against hostile servers and reads back the reports it wrote, either in-process
 * (the programmatic scan and the report renderers, fast) or through the built CLI binary (when
 * a hang, a crash, a signal or the exit code is what the case is about).
 */

/** The SARIF shapes the hostile tests read; validateSarif checks the rest. */
export interface SarifNotificationLike {
  level?: string;
  message: { text: string };
  descriptor?: { id: string };
}
export interface SarifRunLike {
  invocations: { executionSuccessful: boolean; toolExecutionNotifications?: SarifNotificationLike[] }[];
  results: { ruleId: string }[];
  properties?: { target?: string; requestsSent?: number };
}
export interface SarifLogLike {
  version: string;
  runs: SarifRunLike[];
}
export interface JsonFailureLike {
  ruleId?: string;
  url: string;
  code: string;
  message: string;
}
export interface JsonReportLike {
  targets: {
    target: string;
    executionSuccessful: boolean;
    failures: JsonFailureLike[];
    discovery?: { notes: string[]; pagesCrawled: number };
  }[];
}

export interface WrittenReports {
  sarifPath: string;
  sarifText: string;
  sarif: SarifLogLike;
  /** Only for in-process scans: the JSON report rendered from the same result. */
  jsonText?: string;
  json?: JsonReportLike;
}

/** Small budgets for every hostile scan: a trap must cost about a second, not the default ten. */
export const hostileDefaults = { timeoutMs: 1000, rateLimit: 0, maxPages: 12 } as const;

/**
 * The programmatic scan with the product's renderers; both reports are written to files and read
 * back, so what is asserted is what a user would open.
 */
export async function scanInProcess(targets: string[], overrides: Partial<ScanConfigInput> = {}): Promise<WrittenReports> {
  const config = scanConfigSchema.parse({ targets, ...hostileDefaults, ...overrides });
  const logger = createLogger('silent');
  const output = await scan(config, logger, `draftleak scan ${targets.join(' ')} --timeout ${config.timeoutMs}`);
  const dir = await tempDir('hostile');
  const sarifPath = path.join(dir, 'report.sarif');
  const jsonPath = path.join(dir, 'report.json');
  await writeFile(sarifPath, renderSarif(output.result));
  await writeFile(jsonPath, renderJson(output.result));
  const sarifText = await readFile(sarifPath, 'utf8');
  const jsonText = await readFile(jsonPath, 'utf8');
  return { sarifPath, sarifText, sarif: JSON.parse(sarifText) as SarifLogLike, jsonText, json: JSON.parse(jsonText) as JsonReportLike };
}

const bin = fileURLToPath(new URL('../../../bin/draftleak.js', import.meta.url));

export interface CliRun {
  /** Exit code, or null when the process was killed by a signal (see `signal`). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the harness had to kill it after `killAfterMs`: the scan hung. */
  killedByHarness: boolean;
  sarifPath: string;
  /** The SARIF file, when one was written. */
  sarifText: string | undefined;
}

export interface CliOptions {
  /** SIGKILL after this long: a hang fails the test with a clear symptom instead of stalling the suite. */
  killAfterMs: number;
  /**
   * Send this signal `afterMs` after `after` resolves (default: the start of the process), as a
   * user pressing Ctrl-C or a CI runner cancelling.
   */
  signal?: { name: NodeJS.Signals; afterMs: number; after?: Promise<unknown> };
}

/** The built launcher, run as a user would; `npm test` builds dist/ first. */
export async function runCliBinary(args: string[], options: CliOptions): Promise<CliRun> {
  if (!existsSync(fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url)))) {
    throw new Error('dist/ is missing: run `npx tsc -p tsconfig.build.json` (npm test builds it first)');
  }
  const dir = await tempDir('hostile-cli');
  const sarifPath = path.join(dir, 'report.sarif');
  const child = spawn(process.execPath, [bin, 'scan', ...args, '-o', sarifPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    // Bounded: a crash loop must not fill the test's memory.
    if (stderr.length < 200_000) stderr += chunk;
  });
  let killedByHarness = false;
  const killer = setTimeout(() => {
    killedByHarness = true;
    child.kill('SIGKILL');
  }, options.killAfterMs);
  let signaller: NodeJS.Timeout | undefined;
  let exited = false;
  const { signal: toSend } = options;
  if (toSend) {
    void (toSend.after ?? Promise.resolve()).then(() => {
      if (!exited) signaller = setTimeout(() => child.kill(toSend.name), toSend.afterMs);
    });
  }
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.on('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
  });
  exited = true;
  clearTimeout(killer);
  if (signaller) clearTimeout(signaller);
  const sarifText = existsSync(sarifPath) ? await readFile(sarifPath, 'utf8') : undefined;
  return { code, signal, stdout, stderr, killedByHarness, sarifPath, sarifText };
}

/** Flags matching hostileDefaults, for the CLI. */
export function hostileFlags(extra: string[] = []): string[] {
  return ['--timeout', String(hostileDefaults.timeoutMs), '--rate-limit', '0', '--max-pages', String(hostileDefaults.maxPages), '--log-level', 'error', ...extra];
}

/**
 * The CLI ended on its own and wrote a SARIF file; returns the parsed file. A failure message
 * says which of those went wrong (hang, crash, no file), since that is what the lead fixes.
 */
export function expectCliWroteSarif(result: CliRun): SarifLogLike {
  const tail = result.stderr.slice(-2000);
  expect(result.killedByHarness, `the scan hung and was killed by the test harness; stderr: ${tail}`).toBe(false);
  expect(result.signal, `the scan died of ${result.signal}; stderr: ${tail}`).toBeNull();
  expect(result.sarifText, `no SARIF file was written (exit ${result.code}); stderr: ${tail}`).toBeDefined();
  const sarif = JSON.parse(result.sarifText ?? '{}') as SarifLogLike;
  expect(validateSarif(sarif)).toEqual([]);
  return sarif;
}

/** Every notification of every run, flattened. */
export function notifications(sarif: SarifLogLike): SarifNotificationLike[] {
  return sarif.runs.flatMap((run) => run.invocations.flatMap((invocation) => invocation.toolExecutionNotifications ?? []));
}

/** The failures of the JSON report (in-process scans only). */
export function jsonFailures(reports: WrittenReports): JsonFailureLike[] {
  return (reports.json?.targets ?? []).flatMap((target) => target.failures);
}

/**
 * The failed probe of `url` is recorded with a code matching `code`: as a SARIF notification
 * (descriptor id = the code, text naming the URL) and, for in-process scans, in the JSON
 * report's failures.
 */
export function expectFailureRecorded(reports: { sarif: SarifLogLike; json?: JsonReportLike }, url: string, code: RegExp): void {
  const recorded = notifications(reports.sarif);
  const matching = recorded.filter((notification) => notification.message.text.includes(url) && code.test(notification.descriptor?.id ?? ''));
  expect(
    matching.length,
    `no SARIF notification with a code matching ${code} names ${url}; notifications: ${JSON.stringify(recorded.map((n) => `${n.descriptor?.id ?? '?'} ${n.message.text}`).slice(0, 40), null, 1)}`,
  ).toBeGreaterThan(0);
  if (reports.json) {
    const failures = reports.json.targets.flatMap((target) => target.failures);
    const inJson = failures.filter((failure) => failure.url === url && code.test(failure.code));
    expect(inJson.length, `no JSON failure with a code matching ${code} for ${url}; failures: ${JSON.stringify(failures.slice(0, 40), null, 1)}`).toBeGreaterThan(0);
  }
}

/** Every code recorded is one of draftleak's stable DL_* codes. */
export function expectOnlyStableCodes(sarif: SarifLogLike): void {
  for (const notification of notifications(sarif)) expect(notification.descriptor?.id ?? '').toMatch(/^DL_[A-Z0-9_]+$/);
}

/** Reports are valid SARIF 2.1.0 and every code is a DL_* code. */
export function expectValidReports(reports: WrittenReports): void {
  expect(validateSarif(reports.sarif)).toEqual([]);
  expect(reports.sarif.version).toBe('2.1.0');
  expectOnlyStableCodes(reports.sarif);
}

/** Neither report (nor the CLI's stderr) contains `text`. */
export function expectNowhere(text: string, ...outputs: (string | undefined)[]): void {
  for (const output of outputs) {
    if (output !== undefined) expect(output.includes(text), `"${text}" appears in an output`).toBe(false);
  }
}

/** Some failed probe on `origin` is recorded with a code matching `code` (SARIF, and JSON when present). */
export function expectSomeFailureOn(reports: { sarif: SarifLogLike; json?: JsonReportLike }, origin: string, code: RegExp): void {
  const recorded = notifications(reports.sarif);
  const matching = recorded.filter((notification) => notification.message.text.includes(origin) && code.test(notification.descriptor?.id ?? ''));
  expect(
    matching.length,
    `no SARIF notification with a code matching ${code} names ${origin}; notifications: ${JSON.stringify(recorded.map((n) => `${n.descriptor?.id ?? '?'} ${n.message.text}`).slice(0, 40), null, 1)}`,
  ).toBeGreaterThan(0);
  if (reports.json) {
    const failures = reports.json.targets.flatMap((target) => target.failures);
    expect(failures.some((failure) => failure.url.startsWith(origin) && code.test(failure.code)), `no JSON failure matching ${code} on ${origin}`).toBe(true);
  }
}

/** The one run of a single-target scan was executed (the target was reached and scanned). */
export function expectScanned(sarif: SarifLogLike): void {
  expect(sarif.runs).toHaveLength(1);
  expect(sarif.runs[0]?.invocations[0]?.executionSuccessful, 'the target is reported as not scanned').toBe(true);
}

/**
 * Codes for a body that was cut short or refused for its size or duration. Which one applies
 * depends on what ends first (a deadline, the body cap, a decoding limit).
 */
export const cutShortCodes = /BODY|TOO_LARGE|TRUNCATED|CAP|LIMIT|BAD_RESPONSE|TIMEOUT|DEADLINE/;
export const timeoutCodes = /TIMEOUT|DEADLINE/;
