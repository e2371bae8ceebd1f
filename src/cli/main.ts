// exit-code-values is tiny; everything heavy is imported below, once the handlers are in place.
// The signal handlers come first, before the rest of the CLI is loaded (that takes a moment on a
// busy machine), so a SIGINT during start-up is not a silent kill.
//
// The first SIGINT/SIGTERM asks the scan to stop and write what it found; a second one means
// "now": exit at once, as a user pressing Ctrl-C twice expects. (128 + signal number.)
import { exitCodes } from './exit-code-values.js';
import { applyScannerHeapPolicy, restoreStartFlags } from './heap-policy.js';
import { loadEntry } from './load-entry.js';

applyScannerHeapPolicy();

const exitCodeOf = { SIGINT: exitCodes.sigint, SIGTERM: exitCodes.sigterm } as const;
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stop.signal.aborted) process.exit(exitCodeOf[signal]);
    process.stderr.write(`draftleak: ${signal}: stopping and writing the report of what was found so far (${signal === 'SIGINT' ? 'Ctrl-C' : 'signal'} again to quit at once)\n`);
    stop.abort(signal);
  });
}

// A bare --version is answered before the program is loaded: commander and the schemas the
// program's modules pull in (zod and its locales) are most of the start-up time otherwise.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const { toolInfo } = await import('../core/version.js');
  process.stdout.write(`${toolInfo.version}\n`);
  process.exit(exitCodes.clean);
}

const loaded = await loadEntry();
const { runCli, processIo } = loaded.entry;
const exitCode = await runCli(argv, { ...processIo, stop: stop.signal });
// The build's warm-up run (scripts/bundle.mjs): the code cache of what this run compiled, made
// under V8's flags as every run starts with them, since V8 refuses a cache made under others.
if (process.env.DRAFTLEAK_WRITE_CODE_CACHE === '1') {
  restoreStartFlags();
  try {
    loaded.saveCodeCache();
  } catch (error) {
    // The run's own exit code stands: the cache only makes later starts faster.
    process.stderr.write(`draftleak: the code cache was not written: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
// A signal that arrived before any scan started still ends the run with its own exit code.
process.exitCode = stop.signal.aborted && exitCode === 0 ? exitCodeOf[stop.signal.reason as keyof typeof exitCodeOf] : exitCode;
