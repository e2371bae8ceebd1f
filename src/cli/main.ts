import { exitCodes } from './exit-codes.js';
import { processIo } from './io.js';
import { runCli } from './program.js';

// The first SIGINT/SIGTERM asks the scan to stop and write what it found; a second one means
// "now": exit at once, as a user pressing Ctrl-C twice expects.
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    const code = signal === 'SIGINT' ? exitCodes.sigint : exitCodes.sigterm;
    if (stop.signal.aborted) process.exit(code);
    process.stderr.write(`draftleak: ${signal}: stopping and writing the report of what was found so far (${signal === 'SIGINT' ? 'Ctrl-C' : 'signal'} again to quit at once)\n`);
    stop.abort(signal);
  });
}

process.exitCode = await runCli(process.argv.slice(2), { ...processIo, stop: stop.signal });
