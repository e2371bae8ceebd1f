import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { DraftleakError, UsageError } from '../core/errors.js';
import type { ScanResult } from '../core/scan-result.js';
import { logLevels, type LogLevel } from '../core/logger.js';
import { maskSecrets, redactedValue } from '../core/redact.js';
import { formatByExtension, formatForFile, renderReport, reportFormats, type ReportFormat } from '../report/index.js';
import { githubLimits, numberedSarifFile, renderSarifFiles } from '../report/sarif.js';
import type { CliIo } from './io.js';
import { safeLine } from './safe-text.js';

/** Flags shared by `scan`, `audit` and `demo`: where the reports go and how much is said on the way. */
export interface OutputFlags {
  format?: ReportFormat;
  /** Every `-o FILE`, in order; each file's format comes from its extension. */
  output?: string[];
  /** False with --no-color; NO_COLOR is read into CliIo.color. */
  color?: boolean;
  logLevel: LogLevel;
  explain?: boolean;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const extensionList = formatByExtension.map(([extension, format]) => `${extension} (${format})`).join(', ');

export function addOutputOptions(command: Command): Command {
  return command
    .addOption(new Option('--format <format>', 'format of the report on stdout or in a single -o file (default: text on a terminal, else sarif; with -o, from its extension)').choices(reportFormats))
    .option('-o, --output <file>', `write a report to this file, its format from the extension: ${extensionList}; repeatable`, collect)
    .option('--no-color', 'no colour in the text report (NO_COLOR=1 does the same)')
    .addOption(new Option('--log-level <level>', 'log level; logs go to stderr').choices(logLevels).default('warn'))
    .option('--explain', 'print, on stderr, what each rule requested and which matchers held');
}

/** One report to write: to a file, or to stdout when `file` is absent. */
export interface PlannedOutput {
  format: ReportFormat;
  file?: string;
}

function formatOfFile(file: string): ReportFormat {
  const format = formatForFile(file);
  if (format === undefined) {
    throw new UsageError(`cannot tell the report format of "${safeLine(file)}" from its name: end it in ${formatByExtension.map(([extension]) => extension).join(', ')}, or give --format with a single -o`);
  }
  return format;
}

/**
 * Which reports a run writes, decided before anything is scanned, so that a typo in a file name
 * fails in a second and not after a long scan. No -o: one report on stdout (--format, else text on
 * a terminal, else SARIF). One -o: --format if given, else the extension. Several -o: each from its
 * extension; --format is then refused, since it could apply to only one of them.
 */
export function planOutputs(flags: Pick<OutputFlags, 'format' | 'output'>, io: Pick<CliIo, 'stdoutIsTty'>, fallback?: ReportFormat): PlannedOutput[] {
  const files = flags.output ?? [];
  if (files.length === 0) return [{ format: flags.format ?? fallback ?? (io.stdoutIsTty ? 'text' : 'sarif') }];
  if (files.length > 1 && flags.format !== undefined) {
    throw new UsageError(`--format applies to stdout or a single -o; with ${files.length} -o files each takes its format from its extension (${extensionList})`);
  }
  const seen = new Set<string>();
  return files.map((file) => {
    const resolved = path.resolve(file);
    if (seen.has(resolved)) throw new UsageError(`-o ${safeLine(file)} is given twice`);
    seen.add(resolved);
    if (!existsSync(path.dirname(resolved))) throw new UsageError(`-o ${safeLine(file)}: the folder ${safeLine(path.dirname(file))} does not exist`);
    return { format: files.length === 1 && flags.format !== undefined ? flags.format : formatOfFile(file), file };
  });
}

/**
 * Renders and writes every planned report. Colour only for text on stdout, when stdout is a
 * terminal, NO_COLOR is unset and --no-color was not given; files are never coloured. Every file
 * is attempted even when one cannot be written (the SARIF upload of a CI step still finds its
 * file), and the first failure is then thrown.
 */
export async function writeReports(result: ScanResult, outputs: readonly PlannedOutput[], flags: Pick<OutputFlags, 'color'>, io: CliIo): Promise<void> {
  const rendered = new Map<string, string>();
  const failures: string[] = [];
  for (const output of outputs) {
    const color = output.file === undefined && io.color && flags.color !== false;
    const key = `${output.format}:${color}`;
    if (output.format === 'sarif' && output.file !== undefined) {
      await writeSarifFiles(result, output.file, io, failures);
      continue;
    }
    const report = rendered.get(key) ?? renderReport(result, output.format, { color });
    rendered.set(key, report);
    if (output.file === undefined) {
      io.stdout(report);
      if (output.format === 'sarif' && result.targets.length > githubLimits.maxRunsPerFile) {
        io.stderr(`draftleak: the SARIF on stdout has ${result.targets.length} runs; GitHub code scanning takes ${githubLimits.maxRunsPerFile} per file: write it with -o results.sarif to have it split into files it takes\n`);
      }
      continue;
    }
    try {
      await writeFile(output.file, report);
    } catch (error) {
      failures.push(`cannot write ${safeLine(output.file)}: ${safeLine((error as Error).message)}`);
    }
  }
  if (failures.length > 0) throw new DraftleakError('DL_REPORT_WRITE', failures.join('; '));
}

/**
 * SARIF to a file, split where GitHub's limits need it (src/report/sarif-limits.ts): FILE holds the
 * first 20 runs, FILE-2, FILE-3... the next, and stderr names the extra files.
 */
async function writeSarifFiles(result: ScanResult, file: string, io: CliIo, failures: string[]): Promise<void> {
  const contents = renderSarifFiles(result);
  const names = contents.map((_, index) => numberedSarifFile(file, index + 1));
  for (const [index, content] of contents.entries()) {
    const name = names[index] ?? file;
    try {
      await writeFile(name, content);
    } catch (error) {
      failures.push(`cannot write ${safeLine(name)}: ${safeLine((error as Error).message)}`);
    }
  }
  if (names.length > 1) {
    io.stderr(`draftleak: the SARIF of ${result.targets.length} targets is split into files GitHub code scanning takes (at most ${githubLimits.maxRunsPerFile} runs and ${githubLimits.maxGzipBytes / 1_000_000} MB gzipped each): wrote ${names.map(safeLine).join(', ')}\n`);
  }
}

export function parseInteger(name: string, min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min || number > max) {
      throw new UsageError(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
    }
    return number;
  };
}

export function parseNumber(name: string, min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isFinite(number) || number < min || number > max) {
      throw new UsageError(`${name} must be a number from ${min} to ${max}, got "${value}"`);
    }
    return number;
  };
}

// Flags whose value is "Name: value": the name is kept so a reader sees what was sent.
const headerFlags = new Set(['--header', '-H', '--inventory-header']);
// Flags whose whole value is a credential (some are planned; masking them early costs nothing).
const credentialFlags = new Set(['--auth', '--inventory-auth', '--cookie', '--token', '--password', '--bearer', '--user']);

function quoted(arg: string): string {
  return /[\s"'\\]/.test(arg) ? JSON.stringify(arg) : arg;
}

function maskedFlagValue(flag: string, value: string): string {
  if (credentialFlags.has(flag)) return redactedValue;
  return `${value.split(':')[0] ?? ''}: ${redactedValue}`;
}

/**
 * The command line as run, for the report: every flag stays, every value that could be a secret
 * is masked (header and credential flag values, URL userinfo, token and preview parameters,
 * anything after "Bearer "), by the same rules as the rest of the report (src/core/redact.ts).
 */
export function redactedCommandLine(argv: readonly string[]): string {
  const out: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    const equals = arg.indexOf('=');
    const flag = arg.startsWith('-') && equals > 0 ? arg.slice(0, equals) : arg;
    const secretFlag = headerFlags.has(flag) || credentialFlags.has(flag);
    if (secretFlag && flag === arg) {
      out.push(arg);
      if (index + 1 < argv.length) out.push(quoted(maskedFlagValue(flag, argv[index + 1] ?? '')));
      index += 1;
    } else if (secretFlag) {
      out.push(`${flag}=${quoted(maskedFlagValue(flag, arg.slice(equals + 1)))}`);
    } else {
      out.push(quoted(maskSecrets(arg)));
    }
  }
  return ['draftleak', ...out].join(' ');
}
