import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtAfter, builtAfterEveryModule, compiledModules } from '../../src/core/build-freshness.js';
import { tempDir } from '../support/temp-dir.js';

// What the build writes after tsc (the precompiled table, the bundle) is used only while no
// module in dist is newer: a tsc run after the build, or a watch session, means other code.

function at(file: string, seconds: number): void {
  utimesSync(file, seconds, seconds);
}

describe('whether a build product goes with the modules', () => {
  it('one module: at least as new as it, or an installed package', async () => {
    const dir = await tempDir('fresh');
    const product = path.join(dir, 'product.json');
    const module = path.join(dir, 'entry.js');
    writeFileSync(product, '');
    writeFileSync(module, '');
    at(module, 1000);
    at(product, 2000);
    expect(builtAfter(product, module, false)).toBe(true);
    at(module, 3000);
    expect(builtAfter(product, module, false)).toBe(false);
    expect(builtAfter(product, module, true)).toBe(true);
    expect(builtAfter(path.join(dir, 'missing.json'), module, true)).toBe(false);
  });

  it('every module under dist: any one rewritten after it (a watch session) makes it stale, but what the build writes after it', async () => {
    const dist = await tempDir('fresh-dist');
    mkdirSync(path.join(dist, 'engine'));
    mkdirSync(path.join(dist, 'vendor'));
    const table = path.join(dist, 'precompiled.json');
    const files = ['cli/entry.js', 'engine/rule-schema.js', 'vendor/yaml.cjs', 'cli/entry.bundle.cjs'];
    mkdirSync(path.join(dist, 'cli'));
    for (const file of [table, ...files.map((file) => path.join(dist, file))]) writeFileSync(file, '');
    for (const file of files) at(path.join(dist, file), 1000);
    at(table, 2000);
    expect(builtAfterEveryModule(table, dist, false)).toBe(true);
    // What bundle.mjs writes after the table (the vendored parser, the bundle) does not count.
    at(path.join(dist, 'vendor/yaml.cjs'), 3000);
    at(path.join(dist, 'cli/entry.bundle.cjs'), 3000);
    expect(builtAfterEveryModule(table, dist, false)).toBe(true);
    expect(compiledModules(dist)).toEqual(['cli/entry.js', 'engine/rule-schema.js']);
    at(path.join(dist, 'engine/rule-schema.js'), 3000);
    expect(builtAfterEveryModule(table, dist, false)).toBe(false);
    expect(builtAfterEveryModule(table, dist, true)).toBe(true);
    expect(builtAfterEveryModule(path.join(dist, 'missing.json'), dist, false)).toBe(false);
  });
});
