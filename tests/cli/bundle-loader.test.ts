import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { bundleBuildId, codeCacheFor, loadBundle } from '../../src/cli/bundle-loader.js';
import { afterCollection } from '../support/after-collection.js';
import { tempDir } from '../support/temp-dir.js';

const run = promisify(execFile);

/** A bundle as scripts/bundle.mjs writes one: the build id line, then CommonJS. */
const bundleText = (id: string, body: string): string => `// draftleak bundle ${id}\n${body}`;
const body = "const path = require('node:path');\nexports.answer = () => `${path.basename(__filename)} ${typeof module.exports} ${__dirname.length > 0}`;\n";

const loaderUrl = new URL('../../dist/cli/bundle-loader.js', import.meta.url).href;

/** What loadBundle (the built one) makes of a bundle and its cache in a fresh process. */
async function loadElsewhere(bundle: string, cache: string): Promise<string> {
  const script = `const { loadBundle } = await import(${JSON.stringify(loaderUrl)}); const loaded = loadBundle(${JSON.stringify(bundle)}, ${JSON.stringify(cache)}); console.log(loaded.codeCache, loaded.exports.answer());`;
  return (await run(process.execPath, ['--input-type=module', '-e', script])).stdout.trim();
}

describe('the bundle loader', () => {
  it('reads the build id off the first line, and nothing off a file without one', () => {
    expect(bundleBuildId(bundleText('0123abcd', body))).toBe('0123abcd');
    expect(bundleBuildId(body)).toBeUndefined();
    expect(bundleBuildId(`\n${bundleText('0123abcd', body)}`)).toBeUndefined();
  });

  it('loads a bundle as a CommonJS module, with and without its code cache, and uses a cache only of its own build', async () => {
    const dir = await tempDir('bundle');
    const bundle = path.join(dir, 'entry.bundle.cjs');
    const cache = path.join(dir, 'entry.bundle.cache');
    await writeFile(bundle, bundleText('aaaa1111', body));

    const first = loadBundle<{ answer: () => string }>(bundle, cache);
    expect(first.codeCache).toBe('none');
    expect(first.exports.answer()).toBe('entry.bundle.cjs object true');
    // In require's cache, as a required file is.
    expect(createRequire(bundle).cache[bundle]?.exports).toBe(first.exports);
    first.saveCodeCache();
    const written = await readFile(cache);
    const header = written.subarray(0, written.indexOf(0x0a)).toString();
    expect(header).toMatch(/^aaaa1111 [0-9a-f]{1,8}$/);
    expect(written.length).toBeGreaterThan(header.length + 1000);

    // In a process of its own: this one answers a source it compiled already from memory.
    expect(await loadElsewhere(bundle, cache)).toBe('accepted entry.bundle.cjs object true');

    // The same file with bytes flipped in the middle of V8's data: V8 as Node ships it does not
    // check the data's checksum and died of it (SIGTRAP) at start; the loader's own CRC refuses it.
    const damaged = Buffer.from(written);
    for (let at = Math.floor(damaged.length / 2); at < Math.floor(damaged.length / 2) + 64; at += 1) damaged[at] = (damaged[at] ?? 0) ^ 0xff;
    await writeFile(cache, damaged);
    expect(await loadElsewhere(bundle, cache)).toBe('damaged entry.bundle.cjs object true');
    await writeFile(cache, written);

    // Another build of exactly the same length: V8 would take the cache; the id says no.
    const other = bundleText('bbbb2222', body.replace('answer', 'ANSWER'));
    expect(other.length).toBe(bundleText('aaaa1111', body).length);
    await writeFile(bundle, other);
    const rebuilt = loadBundle<{ ANSWER: () => string }>(bundle, cache);
    expect(rebuilt.codeCache).toBe('of another build');
    expect(rebuilt.exports.ANSWER()).toBe('entry.bundle.cjs object true');

    // The right id with data V8 cannot use: refused by V8, and the program still loads. (A source
    // of its own: V8 answers a source it compiled already in this process from memory.)
    await writeFile(bundle, bundleText('cccc3333', `${body}// refused\n`));
    await writeFile(cache, codeCacheFor('cccc3333', Buffer.from('not a code cache at all')));
    const refused = loadBundle<{ answer: () => string }>(bundle, cache);
    expect(refused.codeCache).toBe('rejected by V8');
    expect(refused.exports.answer()).toBe('entry.bundle.cjs object true');
  });

  it('writes no cache for a bundle without a build id', async () => {
    const dir = await tempDir('bundle');
    const bundle = path.join(dir, 'entry.bundle.cjs');
    const cache = path.join(dir, 'entry.bundle.cache');
    await writeFile(bundle, body);
    const loaded = loadBundle<{ answer: () => string }>(bundle, cache);
    loaded.saveCodeCache();
    expect(existsSync(cache)).toBe(false);
    expect(loaded.codeCache).toBe('none');
  });

  // The loader keeps the build id for the whole run (saveCodeCache); a regular expression's
  // capture is a view of the text it matched, which kept the file's 1.9 MB text alive beside the
  // compiled script's own copy of it (a heap snapshot of a 50,000-page crawl).
  it('keeps no copy of the bundle\'s text once it is compiled, only the compiled script\'s source', async () => {
    const dir = await tempDir('bundle');
    const bundle = path.join(dir, 'entry.bundle.cjs');
    await writeFile(bundle, bundleText('dddd4444', `${body}// ${'q'.repeat(200_000)}\n`));
    const { kept, counts } = await afterCollection(
      `
      const { loadBundle } = await import(${JSON.stringify(loaderUrl)});
      const loaded = loadBundle(${JSON.stringify(bundle)}, ${JSON.stringify(path.join(dir, 'entry.bundle.cache'))});
      kept = { loaded, answer: loaded.exports.answer() };
      `,
      // A snapshot names a string by its first 1,024 characters: the long ones, of this bundle.
      "(type, name) => /string/.test(type) && name.length >= 1024 && /q{64}/.test(name)",
    );
    expect(kept.answer).toBe('entry.bundle.cjs object true');
    // The script's wrapped source stays (V8 compiles functions from it as they are first called); the file's text does not.
    expect(Object.entries(counts).map(([name, count]) => [name.slice(0, 19), count])).toEqual([['(function (exports,', 1]]);
  });

  it('the build runs the bundle in strict mode, as the ES modules it is made of always are', async () => {
    const built = await readFile(fileURLToPath(new URL('../../dist/cli/entry.bundle.cjs', import.meta.url)), 'utf8');
    // A directive counts only before every statement: the id line is a comment, the next line the directive.
    expect(built.split('\n')[1]).toBe("'use strict';");
    expect(bundleBuildId(built)).toMatch(/^[0-9a-f]{32}$/);
  });

  // `npm test` builds first (npm run build): the build's cache must be one a run of the program
  // takes, with the flags the heap policy sets at start. Were a start flag added to the policy
  // without the build's warm-up seeing it, V8 would refuse the cache at every start, silently.
  it('the build wrote a code cache that a start of the program accepts', async () => {
    const dist = fileURLToPath(new URL('../../dist/cli/', import.meta.url));
    expect(existsSync(path.join(dist, 'entry.bundle.cache'))).toBe(true);
    const probe = `
      const { applyScannerHeapPolicy } = await import(${JSON.stringify(new URL('../../dist/cli/heap-policy.js', import.meta.url).href)});
      const { loadBundle } = await import(${JSON.stringify(new URL('../../dist/cli/bundle-loader.js', import.meta.url).href)});
      applyScannerHeapPolicy();
      const loaded = loadBundle(${JSON.stringify(path.join(dist, 'entry.bundle.cjs'))}, ${JSON.stringify(path.join(dist, 'entry.bundle.cache'))});
      console.log(loaded.codeCache, typeof loaded.exports.runCli);
      process.exit(0);
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe]);
    expect(stdout.trim()).toBe('accepted function');
  });
});
