// How V8 may use memory while draftleak runs, chosen for a scanner: many small answers in flight
// (probes, crawled pages), now and then a huge one (a 6 MiB trap answer, a file listing).
//
// V8's defaults let the young generation grow to 32 MiB and old garbage pile up to several
// times what is live: a 50,000-page crawl peaked at 306 MiB of RSS, a hostile site (5 MiB answers
// everywhere) at 360-390 MiB. --optimize-for-size, the policy of the sessions before, keeps both
// small, but its young generation of 1-8 MiB is shorter-lived than a request: every request in
// flight was copied by the scavenger and promoted, and garbage collection was a quarter of a
// crawl's CPU. Measured against it (BENCHMARKS.md, alternating runs of the same tree): a
// 5,000-page crawl 13-14% less wall and CPU time, 20,000 probes 15-16%, for 3-5 MiB more peak
// RSS (at 50,000 pages, 130-140 MiB either way).
//
// So: old generations grow 10% past what a mark-compact found live (instead of V8's factor of
// up to 4), and the young generation (V8's new space, two semi-spaces) may grow to 8 MiB, no
// further. V8 has no run-time setting for its maximum (only the start-up flag
// --max-semi-space-size), so its growth factor is set to 1 while it is at 8 MiB or more, and back
// to V8's 2 while it is below (V8 shrinks it after a quiet spell, and it must be able to grow
// again); V8 reads both flags each time it sizes its heap. Looked at every 50 ms, so a burst
// between two looks can overshoot once. And once the heap holds 16 MiB of large objects (answers
// of megabytes, each a large string), --optimize-for-size joins them for the rest of the run, as
// before: dead 5 MiB strings must not wait for a lazy mark-compact (the hostile-site benchmark
// peaked at 254-259 MiB without this, 220-242 with it, as with --optimize-for-size
// throughout). Not 8 MiB: the 50,000-entry sitemap of the scaling benchmark holds 10.7 MiB of
// large strings while it is read, and a crawl of 20 KB pages is what the lighter policy is for.
// Set at run time, --optimize-for-size does not cap the young generation itself: the cap stays.
//
// One more flag is about the compiler's memory, not the heap's: undici parses HTTP with llhttp, a
// WebAssembly module, which V8 compiles with its baseline compiler (Liftoff) and then, once a
// function of it is hot, again with TurboFan, on a background thread. llhttp's parser is one huge
// state machine, and that compile held 26-33 MiB of the compiler's working memory: a one-page scan
// peaked at 115 MiB of RSS with it and 82 without, 20,000 probes at 119 and 98, a 5,000-page crawl
// at 123 and 105; and a short scan's end waited 70-100 ms for it, since Node finishes V8's
// background jobs before it exits. Liftoff's code served as well: the same CPU time, within the
// noise, on the probes and on the crawl (BENCHMARKS.md, thirteenth session). So llhttp keeps its
// baseline code (--no-wasm-dynamic-tiering and --no-wasm-tier-up; V8 11 tiers up hot functions
// when only the second is given). Set before the first request, which is when undici compiles it.
//
// DRAFTLEAK_V8_DEFAULT_HEAP=1 keeps V8's defaults (for comparing, or where memory is plentiful).
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** The old generation's growth past live memory at each mark-compact, in percent. */
export const oldGenerationGrowthPercent = 10;
/** The young generation's largest size: V8's new_space capacity, both semi-spaces (two of 4 MiB). */
export const youngGenerationCapBytes = 8 * 1024 * 1024;
/** Large-object spaces past which --optimize-for-size joins the policy for the rest of the run. */
export const largeObjectSwitchBytes = 16 * 1024 * 1024;
/** WebAssembly (undici's llhttp) keeps the code of V8's baseline compiler: no TurboFan tier-up. */
export const baselineWasmFlags = ['--no-wasm-dynamic-tiering', '--no-wasm-tier-up'] as const;
/** How often the heap's spaces are looked at, for the whole run (one look costs microseconds). */
export const heapWatchIntervalMs = 50;

export interface HeapSpace {
  space_name: string;
  space_size: number;
}

/** What the policy needs of V8 and the clock; tests give their own. */
export interface HeapPolicyHost {
  setFlags(flag: string): void;
  spaces(): HeapSpace[];
  /** Calls `tick` every `ms` for the rest of the run; must not keep the process alive. */
  every(ms: number, tick: () => void): void;
}

const nodeHost: HeapPolicyHost = {
  setFlags: setFlagsFromString,
  spaces: getHeapSpaceStatistics,
  every(ms, tick) {
    setInterval(tick, ms).unref();
  },
};

export type HeapPolicy = 'v8-default' | 'scanner';

/** V8's own young-generation growth factor (`node --v8-options`). */
const defaultSemiSpaceGrowthFactor = 2;

/**
 * Puts back the flags the policy's watch may have changed during a run, to their values at its
 * start, where V8 compares flags: a code cache made under other flags is refused
 * (cli/bundle-loader.ts; the build writes the cache at the end of a run).
 */
export function restoreStartFlags(host: Pick<HeapPolicyHost, 'setFlags'> = nodeHost): void {
  host.setFlags(`--semi-space-growth-factor=${defaultSemiSpaceGrowthFactor}`);
  host.setFlags('--no-optimize-for-size');
}

export function applyScannerHeapPolicy(env: NodeJS.ProcessEnv = process.env, host: HeapPolicyHost = nodeHost): HeapPolicy {
  if (env.DRAFTLEAK_V8_DEFAULT_HEAP === '1') return 'v8-default';
  host.setFlags(`--heap-growing-percent=${oldGenerationGrowthPercent}`);
  for (const flag of baselineWasmFlags) host.setFlags(flag);
  let growthFactor = defaultSemiSpaceGrowthFactor;
  let forSize = false;
  host.every(heapWatchIntervalMs, () => {
    const spaces = host.spaces();
    if (!forSize) {
      const large = spaces.filter((space) => space.space_name.endsWith('large_object_space')).reduce((sum, space) => sum + space.space_size, 0);
      if (large >= largeObjectSwitchBytes) {
        host.setFlags('--optimize-for-size');
        forSize = true;
      }
    }
    const young = spaces.find((space) => space.space_name === 'new_space')?.space_size ?? 0;
    const wanted = young >= youngGenerationCapBytes ? 1 : defaultSemiSpaceGrowthFactor;
    if (wanted !== growthFactor) {
      host.setFlags(`--semi-space-growth-factor=${wanted}`);
      growthFactor = wanted;
    }
  });
  return 'scanner';
}
