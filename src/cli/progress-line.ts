import type { ScanProgress } from '../scan/progress.js';
import type { CliIo } from './io.js';
import { safeUrl } from './safe-text.js';

/**
 * The live progress line of a scan on a terminal: one line on stderr, redrawn in place (carriage
 * return, erase line) at most five times a second, and erased when the scan ends, so that what
 * follows (the summary, the report on stdout) starts on a clean line. Not a library: the line has
 * no known total to draw a bar against (a crawl finds its pages as it goes), and writing through
 * CliIo keeps it testable in-process; see the commit for the libraries weighed.
 */

const erase = '\r\x1b[2K';
/** Requests per second over the last few seconds, not since the start: a slow phase shows as slow. */
const rateWindowMs = 3_000;

export interface ProgressLine {
  /** Erases the line (if one was drawn) and stops redrawing. */
  stop(): void;
}

export interface ProgressLineOptions {
  intervalMs?: number;
  now?: () => number;
}

/**
 * Whether a scan draws the live line: stderr is a terminal, not in CI, and no logs below warn
 * are asked for (info and debug lines would be cut through by the redraws).
 */
export function wantsProgressLine(io: Pick<CliIo, 'stderrIsTty' | 'ci'>, logLevel: string): boolean {
  return io.stderrIsTty === true && io.ci !== true && ['warn', 'error', 'fatal', 'silent'].includes(logLevel);
}

export function startProgressLine(io: Pick<CliIo, 'stderr' | 'stderrColumns'>, read: () => ScanProgress | undefined, options: ProgressLineOptions = {}): ProgressLine {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const samples: { at: number; requests: number }[] = [];
  let shown = '';
  const draw = (): void => {
    const progress = read();
    if (progress === undefined) return;
    const at = now();
    samples.push({ at, requests: progress.requests });
    while (samples.length > 2 && (samples[0]?.at ?? at) < at - rateWindowMs) samples.shift();
    const line = fitToWidth(formatProgress(progress, at - started, requestRate(samples, progress.requests, at - started)), io.stderrColumns);
    if (line === shown) return;
    shown = line;
    io.stderr(`${erase}${line}`);
  };
  const timer = setInterval(draw, options.intervalMs ?? 200);
  // The line must never keep the process alive on its own.
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      if (shown !== '') io.stderr(erase);
      shown = '';
    },
  };
}

function requestRate(samples: { at: number; requests: number }[], requests: number, elapsedMs: number): number {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (first !== undefined && last !== undefined && last.at - first.at >= 1_000) return ((last.requests - first.requests) * 1000) / (last.at - first.at);
  return elapsedMs > 0 ? (requests * 1000) / elapsedMs : 0;
}

/** "draftleak [1/3] https://example.com/ · crawl · 12 pages · 340 requests · 18.5 req/s · 2 findings · 0:18" */
export function formatProgress(progress: ScanProgress, elapsedMs: number, requestsPerSecond: number): string {
  const phase = progress.phase === 'discovery' ? 'crawl' : `rules ${progress.rulesDone}/${progress.rules}`;
  const parts = [
    `draftleak ${progress.targets > 1 ? `[${progress.targetNumber}/${progress.targets}] ` : ''}${safeUrl(progress.target)}`,
    phase,
    plural(progress.pagesCrawled, 'page'),
    plural(progress.requests, 'request'),
    `${requestsPerSecond.toFixed(1)} req/s`,
    plural(progress.findings, 'finding'),
    clock(elapsedMs),
  ];
  return parts.join(' · ');
}

/** One character short of the width: a line that fills it wraps on some terminals, and a wrapped line cannot be redrawn in place. */
function fitToWidth(line: string, columns: number | undefined): string {
  const width = (columns ?? 80) - 1;
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** m:ss, or h:mm:ss past an hour. */
export function clock(ms: number): string {
  const total = Math.floor(ms / 1000);
  const seconds = String(total % 60).padStart(2, '0');
  const minutes = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600);
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
