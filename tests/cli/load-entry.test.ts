import { execFile } from 'node:child_process';
import { utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { bundleIsCurrent } from '../../src/cli/load-entry.js';
import { tempDir } from '../support/temp-dir.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/draftleak.js', import.meta.url));

describe('which build of the program is loaded', () => {
  it('the bundle only when it is at least as new as the modules (a tsc run after it means older code)', async () => {
    const dir = await tempDir('entry');
    const bundle = path.join(dir, 'entry.bundle.mjs');
    const entry = path.join(dir, 'entry.js');
    await writeFile(bundle, '');
    await writeFile(entry, '');
    await utimes(entry, 1000, 1000);
    await utimes(bundle, 2000, 2000);
    expect(bundleIsCurrent(bundle, entry)).toBe(true);
    // npm gives every file of an installed package the same time.
    await utimes(bundle, 1000, 1000);
    expect(bundleIsCurrent(bundle, entry)).toBe(true);
    await utimes(entry, 3000, 3000);
    expect(bundleIsCurrent(bundle, entry)).toBe(false);
    expect(bundleIsCurrent(path.join(dir, 'missing.mjs'), entry)).toBe(false);
  });

  // The tests run the bin after `npm run build`, which makes the bundle: the rest of the suite tests
  // it. This checks that the other way of loading gives the same program.
  it('the bundle and the modules give the same answers', async () => {
    const outputs = await Promise.all(
      ['0', '1'].map(async (noBundle) => (await run(process.execPath, [bin, 'rules', 'list', '--json'], { env: { ...process.env, DRAFTLEAK_NO_BUNDLE: noBundle } })).stdout),
    );
    expect(JSON.parse(outputs[0] ?? '')).toEqual(JSON.parse(outputs[1] ?? ''));
    expect((JSON.parse(outputs[0] ?? '[]') as unknown[]).length).toBeGreaterThan(10);
  });
});
