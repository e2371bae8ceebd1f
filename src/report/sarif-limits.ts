import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { SarifRun } from './sarif-types.js';

/**
 * GitHub code scanning refuses a whole SARIF file past any of these (docs: "SARIF results exceed
 * one or more limits"): more than 20 runs, more than 25,000 results in a run, or more than 10 MB
 * once gzipped. draftleak writes one run per target, so past 20 targets the runs go into several
 * files (sarif-files.ts names them), and a run too big on its own keeps its most severe results
 * with a notification saying how many were left out.
 */
export interface SarifLimits {
  maxRunsPerFile: number;
  maxResultsPerRun: number;
  /** Gzipped bytes per file. */
  maxGzipBytes: number;
}

export const githubLimits: SarifLimits = {
  maxRunsPerFile: 20,
  maxResultsPerRun: 25_000,
  // "10 MB": read as 10^7 bytes, the smaller of the two ways to read it.
  maxGzipBytes: 10_000_000,
};

/** The descriptor id of the notification a truncated run carries. */
export const truncatedNotificationId = 'DL_SARIF_RESULTS_TRUNCATED';

/** What a file costs before any run: `{"$schema":...,"version":"2.1.0","runs":[...]}`, generously. */
const fileOverheadBytes = 200;

/**
 * Puts runs into files in order: a file takes runs while it has fewer than maxRunsPerFile and the
 * sum of their gzipped sizes stays within maxGzipBytes. Gzipping runs one by one never compresses
 * better than gzipping them together, so the sum bounds the file's real size from above.
 */
export function packRuns(runs: readonly SarifRun[], sizes: readonly number[], limits: SarifLimits): SarifRun[][] {
  const files: SarifRun[][] = [];
  let current: SarifRun[] = [];
  let bytes = fileOverheadBytes;
  runs.forEach((run, index) => {
    const size = sizes[index] ?? 0;
    const full = current.length >= limits.maxRunsPerFile || (current.length > 0 && bytes + size > limits.maxGzipBytes);
    if (full) {
      files.push(current);
      current = [];
      bytes = fileOverheadBytes;
    }
    current.push(run);
    bytes += size;
  });
  // A clean scan of no target still writes one file, with no run.
  files.push(current);
  return files;
}

/**
 * Cuts a run that does not fit a file on its own down to its most severe results. `build(keep)`
 * renders the run with its first `keep` results (and the notification saying the rest were left
 * out); `results` are all of them, most severe first. One gzip tells the run's compression ratio;
 * the cut point comes from each result's share of the JSON, and is checked with a second gzip
 * (and moved down again in the rare case that it is still over).
 */
export function fitRunToBytes(build: (keep: number) => SarifRun, results: readonly unknown[], limits: SarifLimits): { run: SarifRun; bytes: number } {
  let keep = results.length;
  let run = build(keep);
  let text = JSON.stringify(run, null, 2);
  let bytes = gzipSync(text).length;
  const budget = limits.maxGzipBytes - fileOverheadBytes;
  if (bytes <= budget) return { run, bytes };
  // prefix[k]: JSON characters of the first k results.
  const prefix = [0];
  for (const result of results) prefix.push((prefix.at(-1) ?? 0) + JSON.stringify(result, null, 2).length);
  while (bytes > budget && keep > 0) {
    const ratio = bytes / text.length;
    const fixed = text.length - (prefix[keep] ?? 0);
    const allowed = (budget * 0.97) / ratio - fixed;
    // The largest k whose results fit in `allowed`, and always at least one fewer, so this ends.
    let k = 0;
    for (let low = 0, high = keep - 1; low <= high; ) {
      const mid = (low + high) >> 1;
      if ((prefix[mid] ?? 0) <= allowed) {
        k = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    keep = k;
    run = build(keep);
    text = JSON.stringify(run, null, 2);
    bytes = gzipSync(text).length;
  }
  return { run, bytes };
}

/**
 * The name of the n-th SARIF file (n from 1) of a split: results.sarif, results-2.sarif,
 * results-3.sarif...; results.sarif.json -> results-2.sarif.json.
 */
export function numberedSarifFile(file: string, n: number): string {
  if (n <= 1) return file;
  const base = path.basename(file);
  const extension = /\.sarif\.json$/i.exec(base)?.[0] ?? path.extname(base);
  const stem = file.slice(0, file.length - extension.length);
  return `${stem}-${n}${extension}`;
}
