import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { logLevels, type LogLevel } from '../core/logger.js';
import { maskSecrets, redactedValue } from '../core/redact.js';
import { reportFormats, type ReportFormat } from '../report/index.js';
import type { CliIo } from './io.js';

/** Flags shared by `scan` and `demo`: where the report goes and how much is said on the way. */
export interface OutputFlags {
  format?: ReportFormat;
  output?: string;
  logLevel: LogLevel;
  explain?: boolean;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function addOutputOptions(command: Command): Command {
  return command
    .addOption(new Option('--format <format>', 'report format (default: text on a terminal, else sarif)').choices(reportFormats))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--log-level <level>', 'log level; logs go to stderr').choices(logLevels).default('warn'))
    .option('--explain', 'print, on stderr, what each rule requested and which matchers held');
}

export function chooseFormat(flags: OutputFlags, io: CliIo, fallback?: ReportFormat): ReportFormat {
  if (flags.format) return flags.format;
  if (flags.output) {
    if (flags.output.endsWith('.json')) return 'json';
    if (flags.output.endsWith('.txt')) return 'text';
    return 'sarif';
  }
  return fallback ?? (io.stdoutIsTty ? 'text' : 'sarif');
}

export async function writeReport(report: string, flags: OutputFlags, io: CliIo): Promise<void> {
  if (flags.output) await writeFile(flags.output, report);
  else io.stdout(report);
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
