// What main.ts runs once the bare --version fast path is passed: the program and the process's
// own input and output. It is also the entry of the one-file build (scripts/bundle.mjs), so that
// the bundle and the modules it is built from export the same thing.
export { runCli } from './program.js';
export { processIo } from './io.js';
