import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { applyScannerHeapPolicy, heapWatchIntervalMs, restoreStartFlags, largeObjectSwitchBytes, youngGenerationCapBytes, type HeapPolicyHost, type HeapSpace } from '../../src/cli/heap-policy.js';

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

describe('the scanner heap policy', () => {
  it('lets old generations grow 10% past live memory, and the young one to 8 MiB and no further', () => {
    const v8 = fakeV8();
    expect(applyScannerHeapPolicy({}, v8.host)).toBe('scanner');
    expect(v8.flags).toEqual(['--heap-growing-percent=10']);
    v8.heap(2 * MiB, 0);
    v8.heap(4 * MiB, 0);
    expect(v8.flags).toHaveLength(1);
    v8.heap(youngGenerationCapBytes, 0);
    v8.heap(youngGenerationCapBytes, 0);
    expect(v8.flags).toEqual(['--heap-growing-percent=10', '--semi-space-growth-factor=1']);
  });

  it('lets the young generation grow again once V8 shrank it (a quiet spell), and stops it again at 8 MiB', () => {
    const v8 = fakeV8();
    applyScannerHeapPolicy({}, v8.host);
    v8.heap(youngGenerationCapBytes, 0);
    v8.heap(MiB, 0);
    v8.heap(2 * MiB, 0);
    v8.heap(youngGenerationCapBytes * 2, 0);
    expect(v8.flags.slice(1)).toEqual(['--semi-space-growth-factor=1', '--semi-space-growth-factor=2', '--semi-space-growth-factor=1']);
  });

  it('adds --optimize-for-size for good once answers of megabytes fill the large-object spaces, and keeps the young cap', () => {
    const v8 = fakeV8();
    applyScannerHeapPolicy({}, v8.host);
    v8.heap(2 * MiB, largeObjectSwitchBytes - 2 * MiB, MiB);
    expect(v8.flags).not.toContain('--optimize-for-size');
    // Old and new large-object spaces count together.
    v8.heap(2 * MiB, largeObjectSwitchBytes - MiB, MiB);
    expect(v8.flags).toEqual(['--heap-growing-percent=10', '--optimize-for-size']);
    v8.heap(youngGenerationCapBytes, 0);
    v8.heap(youngGenerationCapBytes, largeObjectSwitchBytes * 2);
    expect(v8.flags).toEqual(['--heap-growing-percent=10', '--optimize-for-size', '--semi-space-growth-factor=1']);
  });

  it('puts back, for the code cache, every flag its watch sets during a run (not the one it starts with)', () => {
    const v8 = fakeV8();
    applyScannerHeapPolicy({}, v8.host);
    v8.heap(youngGenerationCapBytes, largeObjectSwitchBytes * 2);
    const changedDuringRun = v8.flags.slice(1).map((flag) => flag.replace(/^--(no-)?/, '').replace(/=.*$/, ''));
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
    for (const flag of ['--heap-growing-percent', '--semi-space-growth-factor', '--optimize-for-size']) expect(options).toContain(`  ${flag} `);
    expect(options).toContain('default: --semi-space-growth-factor=2');
  });
});
