import { execFile } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '../support/temp-dir.js';

/**
 * Microsoft's SARIF Multitool (devDependency @microsoft/sarif-multitool 5.7.0, a .NET single-file
 * binary in its per-platform package) as a second, independent judge of the SARIF draftleak
 * writes: its Sarif rules (the spec's SHOULDs and MUSTs beyond the schema) and its Ghas rules
 * (what GitHub code scanning requires). It exits 0 even when the log it checks has errors, so the
 * verdict is read from its own output log, never from the exit code alone.
 *
 * Rule kinds: 5.7.0 knows Sarif, GHAzDO, Ghas and AI. The "Gh" of older releases is accepted
 * without complaint and loads no rule, so it is "Sarif;Ghas" here. Ghas rules are disabled by
 * default; sarif-multitool.config.xml turns each of them on (and the one rule that goes online,
 * SARIF2006, off).
 */

const run = promisify(execFile);
const config = fileURLToPath(new URL('./sarif-multitool.config.xml', import.meta.url));
export const multitoolRuleKinds = 'Sarif;Ghas';

export interface MultitoolResult {
  file: string;
  ruleId: string;
  level: 'error' | 'warning' | 'note' | 'none';
  message: string;
}

interface OutputLog {
  runs: {
    tool: { driver: { rules?: { id: string; messageStrings?: Record<string, { text: string }> }[] } };
    invocations?: { executionSuccessful: boolean; toolExecutionNotifications?: { level?: string; message: { text: string } }[] }[];
    results?: {
      ruleId: string;
      ruleIndex?: number;
      level?: MultitoolResult['level'];
      message: { text?: string; id?: string; arguments?: string[] };
      locations?: { physicalLocation?: { artifactLocation?: { uri?: string } } }[];
    }[];
  }[];
}

let located: { binary: string } | { reason: string } | undefined;

/** The binary's path, or why it cannot run here (said in the skipped test's name). */
export function locateMultitool(): { binary: string } | { reason: string } {
  located ??= locate();
  return located;
}

function locate(): { binary: string } | { reason: string } {
  const require = createRequire(import.meta.url);
  let binary: string;
  try {
    // The meta package's index.js resolves @microsoft/sarif-multitool-<process.platform>.
    binary = require('@microsoft/sarif-multitool') as string;
  } catch (error) {
    return { reason: `@microsoft/sarif-multitool has no binary for ${process.platform}/${process.arch}: ${(error as Error).message.split('\n')[0] ?? ''}` };
  }
  if (!existsSync(binary)) return { reason: `the Multitool binary is missing at ${binary}` };
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    // The platform package's own postinstall is `chmod u+x Sarif.Multitool`; an install that
    // skipped scripts (--ignore-scripts, npm's allowScripts) leaves it unexecutable.
    try {
      chmodSync(binary, 0o755);
    } catch (error) {
      return { reason: `the Multitool binary ${binary} is not executable and cannot be made so: ${(error as Error).message}` };
    }
  }
  return { binary };
}

function messageText(result: NonNullable<OutputLog['runs'][number]['results']>[number], log: OutputLog['runs'][number]): string {
  if (result.message.text !== undefined) return result.message.text;
  const rule = log.tool.driver.rules?.[result.ruleIndex ?? -1];
  const template = rule?.messageStrings?.[result.message.id ?? '']?.text ?? result.message.id ?? '';
  return template.replace(/\{(\d+)\}/g, (_, n: string) => result.message.arguments?.[Number(n)] ?? '');
}

/**
 * Validates SARIF files in one Multitool run and returns every result at or above `note`, each
 * with the file it is about. Throws when the tool itself failed (bad flags, no rule loaded, a
 * file it could not read), so a broken harness can never pass as a clean log.
 */
export async function multitoolValidate(files: readonly string[]): Promise<MultitoolResult[]> {
  const found = locateMultitool();
  if (!('binary' in found)) throw new Error(found.reason);
  const dir = await tempDir('multitool');
  const output = path.join(dir, 'validation.sarif');
  // No shell: the package's own bin.js runs through one, where "Sarif;Ghas" would end the command.
  const { stdout } = await run(
    found.binary,
    ['validate', '--config', config, '--rule-kind', multitoolRuleKinds, '--level', 'Error;Warning;Note', '--output', output, ...files],
    { timeout: 180_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' } },
  );
  if (!existsSync(output)) throw new Error(`the Multitool wrote no output log:\n${stdout.slice(0, 2000)}`);
  const log = JSON.parse(await readFile(output, 'utf8')) as OutputLog;
  const results: MultitoolResult[] = [];
  for (const toolRun of log.runs) {
    for (const invocation of toolRun.invocations ?? []) {
      const failures = (invocation.toolExecutionNotifications ?? []).filter((n) => n.level === undefined || n.level === 'error');
      if (!invocation.executionSuccessful || failures.length > 0) {
        throw new Error(`the Multitool did not run cleanly: ${failures.map((n) => n.message.text).join('; ') || stdout.slice(0, 2000)}`);
      }
    }
    for (const result of toolRun.results ?? []) {
      const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
      results.push({
        file: uri.startsWith('file:') ? fileURLToPath(uri) : uri,
        ruleId: result.ruleId,
        // SARIF's default level is warning: the Multitool leaves it out for its warnings.
        level: result.level ?? 'warning',
        message: messageText(result, toolRun),
      });
    }
  }
  return results;
}

/** Writes each log to a file of its own and validates them together. */
export async function multitoolValidateLogs(logs: Readonly<Record<string, unknown>>): Promise<Record<string, MultitoolResult[]>> {
  const dir = await tempDir('multitool-in');
  const files: Record<string, string> = {};
  for (const [name, log] of Object.entries(logs)) {
    const file = path.join(dir, `${name}.sarif`);
    await writeFile(file, typeof log === 'string' ? log : JSON.stringify(log, null, 2));
    files[name] = file;
  }
  const results = await multitoolValidate(Object.values(files));
  return Object.fromEntries(
    Object.entries(files).map(([name, file]) => [name, results.filter((result) => result.file === file || result.file === fileURLToPath(pathToFileURL(file)))]),
  );
}

/** The errors and warnings only: what fails a test. Notes are the Multitool's style advice. */
export function blocking(results: readonly MultitoolResult[]): string[] {
  return results.filter((result) => result.level === 'error' || result.level === 'warning').map((result) => `${result.level} ${result.ruleId}: ${result.message}`);
}
