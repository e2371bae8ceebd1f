import { Command, CommanderError } from 'commander';
import { DraftleakError } from '../core/errors.js';
import { toolInfo } from '../core/version.js';
import { exitCodes } from './exit-codes.js';
import { processIo, type CliIo } from './io.js';
import { safeText } from './safe-text.js';

type CommandFactory = (io: CliIo, argv: readonly string[], setExitCode: (code: number) => void) => Command;

/**
 * Every command, in the order --help lists them, each loaded only when needed: a command's
 * module pulls in the scanner, the HTTP stack, the rule engine and the reports, which is most of
 * `--version`'s start-up time when loaded eagerly (see BENCHMARKS.md). A new command is one line.
 */
const commandLoaders: Record<string, () => Promise<CommandFactory>> = {
  scan: async () => (await import('./commands/scan.js')).scanCommand,
  baseline: async () => (await import('./commands/baseline.js')).baselineCommand,
  merge: async () => {
    const { mergeCommand } = await import('./commands/merge.js');
    return (io, _argv, setExitCode) => mergeCommand(io, setExitCode);
  },
  audit: async () => {
    const { auditCommand } = await import('./commands/audit.js');
    return (io, argv, setExitCode) => auditCommand(io, argv, setExitCode);
  },
  rules: async () => {
    const { rulesCommand } = await import('./commands/rules.js');
    return (io, _argv, setExitCode) => rulesCommand(io, setExitCode);
  },
  fingerprint: async () => {
    const { fingerprintCommand } = await import('./commands/fingerprint.js');
    return (io) => fingerprintCommand(io);
  },
  expr: async () => {
    const { exprCommand } = await import('./commands/expr.js');
    return (io) => exprCommand(io);
  },
  demo: async () => (await import('./commands/demo.js')).demoCommand,
};

/**
 * The commands a command line needs: none for a bare --version, the one it names, or all of
 * them (help, no command, an unknown one, so that commander can list and suggest them).
 */
export async function loadCommands(argv: readonly string[]): Promise<CommandFactory[]> {
  const [first] = argv;
  if (argv.length === 1 && (first === '--version' || first === '-V')) return [];
  const named = first !== undefined && Object.hasOwn(commandLoaders, first) ? commandLoaders[first] : undefined;
  if (named !== undefined) return [await named()];
  return Promise.all(Object.values(commandLoaders).map((load) => load()));
}

/**
 * Builds the commander program. A factory (not a module-level singleton) so tests can run any
 * command line in-process with their own output sinks. `commands` defaults to none: runCli
 * passes what loadCommands gives for the command line.
 */
export function createProgram(io: CliIo, argv: readonly string[], setExitCode: (code: number) => void, commands: readonly CommandFactory[] = []): Command {
  const program = new Command('draftleak')
    .description('Find unpublished CMS content that an anonymous visitor can already reach.')
    .version(toolInfo.version, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run draftleak --help for usage)');
  for (const command of commands) program.addCommand(command(io, argv, setExitCode));
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  return program;
}

/** Runs one command line and returns the exit code; the single top-level catch of the CLI. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode: number = exitCodes.clean;
  try {
    const program = createProgram(
      io,
      argv,
      (code) => {
        exitCode = code;
      },
      await loadCommands(argv),
    );
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
