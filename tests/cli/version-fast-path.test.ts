import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';

// main.ts answers a bare --version before loading the program (issue 15: start-up under 0.15 s).
// This runs the real bin, so the fast path itself is what prints, not runCli.
const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/draftleak.js', import.meta.url));
const recordImports = new URL('../support/record-imports.mjs', import.meta.url).href;

describe('draftleak --version from the bin', () => {
  it.each(['--version', '-V'])('%s prints the package.json version and exits 0', async (flag) => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const { stdout, stderr } = await run(process.execPath, [bin, flag]);
    expect(stdout).toBe(`${pkg.version}\n`);
    expect(stderr).toBe('');
  });


  it('loads neither commander nor zod nor any command for a bare --version, and does for `rules --help`', async () => {
    const modules = async (env: Record<string, string>, ...args: string[]): Promise<string[]> => {
      const file = path.join(await tempDir('imports'), 'imports.txt');
      await run(process.execPath, ['--import', recordImports, bin, ...args], { env: { ...process.env, ...env, DRAFTLEAK_RECORD_IMPORTS: file } });
      return (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    };
    const fast = await modules({}, '--version');
    expect(fast.some((url) => url.endsWith('/dist/core/version.js'))).toBe(true);
    expect(fast.filter((url) => /node_modules\/(commander|zod)\/|\/dist\/cli\/(program|entry|commands\/)/.test(url))).toEqual([]);
    // Nor Node's crypto (5 ms to load), which the loader's modules once pulled in for a random file name.
    expect(fast).not.toContain('node:crypto');
    // The recorder sees what a full start loads, so the empty list above is not its blindness.
    // Module by module, so that commander is a file of its own (the bundle holds it).
    const full = await modules({ DRAFTLEAK_NO_BUNDLE: '1' }, 'rules', '--help');
    expect(full.some((url) => url.includes('node_modules/commander/'))).toBe(true);
    expect((await modules({}, 'rules', '--help')).some((url) => url.endsWith('/dist/cli/entry.bundle.cjs'))).toBe(true);
  });
});
