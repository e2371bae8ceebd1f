import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// main.ts answers a bare --version before loading the program (issue 15: start-up under 0.15 s).
// This runs the real bin, so the fast path itself is what prints, not runCli.
const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/draftleak.js', import.meta.url));

describe('draftleak --version from the bin', () => {
  it.each(['--version', '-V'])('%s prints the package.json version and exits 0', async (flag) => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const { stdout, stderr } = await run(process.execPath, [bin, flag]);
    expect(stdout).toBe(`${pkg.version}\n`);
    expect(stderr).toBe('');
  });

});
