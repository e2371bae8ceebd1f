import { execFile, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { applyScannerHeapPolicy, baselineWasmFlags, heapWatchIntervalMs, restoreStartFlags, largeObjectSwitchBytes, youngGenerationCapBytes, type HeapPolicyHost, type HeapSpace } from '../../src/cli/heap-policy.js';

const MiB = 1024 * 1024;

/** A V8 whose heap spaces the test sets, ticked by hand. */
function fakeV8() {
  const flags: string[] = [];
  let spaces: HeapSpace[] = [];
  let tick: (() => void) | undefined;
  const host: HeapPolicyHost = {
    setFlags: (flag) => {
      flags.push(flag);
    },
    spaces: () => spaces,
    every: (ms, run) => {
      expect(ms).toBe(heapWatchIntervalMs);
      tick = run;
    },
  };
  return {
    host,
    flags,
    heap(young: number, large: number, newLarge = 0): void {
      spaces = [
        { space_name: 'new_space', space_size: young },
        { space_name: 'old_space', space_size: 40 * MiB },
        { space_name: 'large_object_space', space_size: large },
        { space_name: 'new_large_object_space', space_size: newLarge },
      ];
      tick?.();
    },
  };
}

/** What the policy sets at start, before any watch. */
const startFlags = ['--heap-growing-percent=10', ...baselineWasmFlags];

describe('the scanner heap policy', () => {
  it('lets old generations grow 10% past live memory, and the young one to 8 MiB and no further', () => {
    const v8 = fakeV8();
    expect(applyScannerHeapPolicy({}, v8.host)).toBe('scanner');
    expect(v8.flags).toEqual(startFlags);
    v8.heap(2 * MiB, 0);
    v8.heap(4 * MiB, 0);
    expect(v8.flags).toEqual(startFlags);
    v8.heap(youngGenerationCapBytes, 0);
    v8.heap(youngGenerationCapBytes, 0);
    expect(v8.flags).toEqual([...startFlags, '--semi-space-growth-factor=1']);
  });

  it('lets the young generation grow again once V8 shrank it (a quiet spell), and stops it again at 8 MiB', () => {
    const v8 = fakeV8();
    applyScannerHeapPolicy({}, v8.host);
    v8.heap(youngGenerationCapBytes, 0);
    v8.heap(MiB, 0);
    v8.heap(2 * MiB, 0);
    v8.heap(youngGenerationCapBytes * 2, 0);
    expect(v8.flags.slice(startFlags.length)).toEqual(['--semi-space-growth-factor=1', '--semi-space-growth-factor=2', '--semi-space-growth-factor=1']);
  });

  it('adds --optimize-for-size for good once answers of megabytes fill the large-object spaces, and keeps the young cap', () => {
    const v8 = fakeV8();
    applyScannerHeapPolicy({}, v8.host);
    v8.heap(2 * MiB, largeObjectSwitchBytes - 2 * MiB, MiB);
    expect(v8.flags).not.toContain('--optimize-for-size');
    // Old and new large-object spaces count together.
    v8.heap(2 * MiB, largeObjectSwitchBytes - MiB, MiB);
    expect(v8.flags).toEqual([...startFlags, '--optimize-for-size']);
    v8.heap(youngGenerationCapBytes, 0);
    v8.heap(youngGenerationCapBytes, largeObjectSwitchBytes * 2);
    expect(v8.flags).toEqual([...startFlags, '--optimize-for-size', '--semi-space-growth-factor=1']);
  });

  it('puts back, for the code cache, every flag its watch sets during a run (not the one it starts with)', () => {
    const v8 = fakeV8();
    applyScannerHeapPolicy({}, v8.host);
    v8.heap(youngGenerationCapBytes, largeObjectSwitchBytes * 2);
    const changedDuringRun = v8.flags.slice(startFlags.length).map((flag) => flag.replace(/^--(no-)?/, '').replace(/=.*$/, ''));
    expect(changedDuringRun.sort()).toEqual(['optimize-for-size', 'semi-space-growth-factor']);
    const restored: string[] = [];
    restoreStartFlags({ setFlags: (flag) => restored.push(flag) });
    expect(restored.sort()).toEqual(['--no-optimize-for-size', '--semi-space-growth-factor=2']);
  });

  it('DRAFTLEAK_V8_DEFAULT_HEAP=1 keeps V8 as it is and watches nothing', () => {
    const v8 = fakeV8();
    expect(applyScannerHeapPolicy({ DRAFTLEAK_V8_DEFAULT_HEAP: '1' }, v8.host)).toBe('v8-default');
    v8.heap(64 * MiB, 64 * MiB);
    expect(v8.flags).toEqual([]);
  });

  it('sets only flags this Node version has, and 2 is V8\'s own growth factor (V8 ignores an unknown flag without a word)', () => {
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8', maxBuffer: 16 * MiB });
    for (const flag of ['--heap-growing-percent', '--semi-space-growth-factor', '--optimize-for-size', '--wasm-dynamic-tiering', '--wasm-tier-up']) expect(options).toContain(`  ${flag} `);
    expect(options).toContain('default: --semi-space-growth-factor=2');
  });

  // In a process of its own, as a run of the program: undici's llhttp parses answers from a
  // loopback server, and V8 says (--trace-wasm-compilation-times, on stdout) which compiler made
  // each function. Without the policy the same answers get a function of it TurboFan-compiled, so
  // the check can fail.
  it('keeps undici\'s WebAssembly parser on its baseline code: no TurboFan compile of it in a run', async () => {
    const compilers = async (withPolicy: boolean): Promise<string[]> => {
      const { stdout } = await promisify(execFile)(process.execPath, ['--trace-wasm-compilation-times', '--input-type=module', '-e', answersScript(withPolicy)], { maxBuffer: 16 * MiB });
      expect(stdout).toContain('answers 400');
      return [...stdout.matchAll(/^Compiled function \S+ using (\w+)/gm)].map((match) => match[1] ?? '');
    };
    const withoutPolicy = await compilers(false);
    expect(withoutPolicy).toContain('TurboFan');
    const withPolicy = await compilers(true);
    expect(withPolicy).toContain('Liftoff');
    expect(withPolicy).not.toContain('TurboFan');
  });
});

// The built module, as the program runs it (npm test builds first, as for tests/cli/bundle-loader).
const builtPolicyUrl = new URL('../../dist/cli/heap-policy.js', import.meta.url).href;
const agentFile = createRequire(import.meta.url).resolve('undici/lib/dispatcher/agent.js');

/** A script that (maybe) applies the policy, then fetches 400 answers from a server of its own on 127.0.0.1. */
function answersScript(withPolicy: boolean): string {
  return `
    import { createServer } from 'node:http';
    import { createRequire } from 'node:module';
    ${withPolicy ? `const { applyScannerHeapPolicy } = await import(${JSON.stringify(builtPolicyUrl)}); applyScannerHeapPolicy({});` : ''}
    const Agent = createRequire(import.meta.url)(${JSON.stringify(agentFile)});
    const server = createServer((request, response) => response.writeHead(404, { 'content-type': 'text/html', 'x-a': 'b'.repeat(200) }).end('not here '.repeat(50)));
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = 'http://127.0.0.1:' + server.address().port;
    const agent = new Agent({ connections: 4 });
    let answers = 0;
    const one = (path) => new Promise((resolve, reject) => agent.dispatch({ origin, path, method: 'GET', headers: {} }, {
      onRequestStart() {}, onResponseStart() {}, onResponseData() {}, onResponseEnd() { answers += 1; resolve(); }, onResponseError(_c, error) { reject(error); },
    }));
    for (let round = 0; round < 100; round += 1) await Promise.all([0, 1, 2, 3].map((lane) => one('/p' + round + '-' + lane)));
    console.log('answers', answers);
    await agent.close();
    server.close();
  `;
}
