import { Command, CommanderError } from 'commander';
import { DraftleakError } from '../core/errors.js';
import { toolInfo } from '../core/version.js';
import { auditCommand } from './commands/audit.js';
import { baselineCommand } from './commands/baseline.js';
import { demoCommand } from './commands/demo.js';
import { exprCommand } from './commands/expr.js';
import { fingerprintCommand } from './commands/fingerprint.js';
import { mergeCommand } from './commands/merge.js';
import { rulesCommand } from './commands/rules.js';
import { scanCommand } from './commands/scan.js';
import { exitCodes } from './exit-codes.js';
import { processIo, type CliIo } from './io.js';
import { safeText } from './safe-text.js';

/**
 * Builds the commander program. A factory (not a module-level singleton) so tests can run any
 * command line in-process with their own output sinks.
 */
export function createProgram(io: CliIo, argv: readonly string[], setExitCode: (code: number) => void): Command {
  const program = new Command('draftleak')
    .description('Find unpublished CMS content that an anonymous visitor can already reach.')
    .version(toolInfo.version, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run draftleak --help for usage)');
  program.addCommand(scanCommand(io, argv, setExitCode));
  program.addCommand(baselineCommand(io, argv, setExitCode));
  program.addCommand(mergeCommand(io, setExitCode));
  program.addCommand(auditCommand(io, argv, setExitCode));
  program.addCommand(rulesCommand(io, setExitCode));
  program.addCommand(fingerprintCommand(io));
  program.addCommand(exprCommand(io));
  program.addCommand(demoCommand(io, argv, setExitCode));
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  return program;
}

/** Runs one command line and returns the exit code; the single top-level catch of the CLI. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode: number = exitCodes.clean;
  const program = createProgram(io, argv, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not failures; every other parse problem was already printed.
      return error.exitCode === 0 ? exitCodes.clean : exitCodes.error;
    }
    if (error instanceof DraftleakError) {
      io.stderr(`draftleak: ${safeText(error.message)}\n`);
      return exitCodes.error;
    }
    io.stderr(`draftleak: unexpected error: ${safeText(error instanceof Error ? (process.env.DRAFTLEAK_DEBUG ? (error.stack ?? error.message) : error.message) : String(error))}\n`);
    return exitCodes.error;
  }
}
