// How the harness runs and measures things: fixture servers in child processes, draftleak and
// ffuf as child processes with their own CPU time and peak RSS, medians over rounds.
import { execFileSync, fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
export const repoRoot = here('../../');
// BENCH_DRAFTLEAK_BIN runs another build (a copy of the tree before a change), for before/after figures.
const bin = () => process.env.BENCH_DRAFTLEAK_BIN ?? path.join(repoRoot, 'bin/draftleak.js');
const preload = new URL('./usage-preload.mjs', import.meta.url).href;

export function tempDir(prefix = 'draftleak-bench-') {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Starts a fixture (scripts/bench/fixture-server.mjs) in its own process. */
export async function startFixture(mode, size, ...more) {
  const child = fork(here('./fixture-server.mjs'), [mode, ...(size === undefined ? [] : [String(size)]), ...more.map(String)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const ready = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`fixture ${mode} exited (${code}) before listening`)));
  });
  const ask = (message, pick = (answer) => answer.requests) =>
    new Promise((resolve) => {
      child.once('message', (answer) => resolve(pick(answer)));
      child.send(message);
    });
  return {
    ...ready,
    origin: ready.port === undefined ? undefined : `http://127.0.0.1:${ready.port}`,
    pid: child.pid,
    /** Requests the server answered since the last reset. */
    count: () => ask('count'),
    reset: () => ask('reset'),
    /** When each request since the last reset arrived (ms, the server's monotonic clock). */
    arrivals: () => ask('arrivals', (answer) => answer.arrivals),
    close: () => {
      child.kill();
    },
  };
}

function run(command, args, { env = {}, cwd = repoRoot } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({ code, wallMs: performance.now() - started, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
  });
}

/**
 * Runs `node bin/draftleak.js ...args` and returns its wall time, and the CPU time and peak RSS
 * of that process alone (written by usage-preload.mjs from process.resourceUsage()).
 */
export async function runDraftleak(args, { nodeFlags = [], env = {} } = {}) {
  const dir = tempDir('draftleak-usage-');
  const usageFile = path.join(dir, 'usage.json');
  try {
    const result = await run(process.execPath, [...nodeFlags, '--import', preload, env.BENCH_DRAFTLEAK_BIN ?? bin(), ...args], { env: { ...env, BENCH_USAGE_FILE: usageFile } });
    const usage = existsSync(usageFile) ? JSON.parse(readFileSync(usageFile, 'utf8')) : undefined;
    return {
      ...result,
      cpuMs: usage ? (usage.userUs + usage.systemUs) / 1000 : Number.NaN,
      maxRssMiB: usage ? usage.maxRssKiB / 1024 : Number.NaN,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * V8's own account of a run's garbage collection, read off --trace-gc-nvp lines (one per
 * collection, "name=value" pairs): how many young (gc=s) and full (gc=mc) collections, their
 * pauses, and how much the young ones copied (survived) and moved to the old generation
 * (promoted). Promoted bytes are the figure to watch: an answer that outlives two young
 * collections is copied twice and later marked and swept (BENCHMARKS.md, seventh session).
 */
export function gcFigures(trace) {
  const figures = { youngCollections: 0, fullCollections: 0, youngPauseMs: 0, fullPauseMs: 0, promotedMiB: 0, survivedMiB: 0 };
  for (const line of trace.split('\n')) {
    const kind = /\bgc=(\w+)/.exec(line)?.[1];
    if (kind === undefined) continue;
    const field = (name) => Number(new RegExp(`\\b${name}=([0-9.]+)`).exec(line)?.[1] ?? 0);
    if (kind === 's') {
      figures.youngCollections += 1;
      figures.youngPauseMs += field('pause');
      figures.promotedMiB += field('promoted') / 1024 / 1024;
      figures.survivedMiB += field('new_space_survived') / 1024 / 1024;
    } else if (kind === 'mc' || kind === 'ms') {
      figures.fullCollections += 1;
      figures.fullPauseMs += field('pause');
    }
  }
  return figures;
}

const gnuTime = '/usr/bin/time';

/** ffuf, or why it is not there (installed from Debian's package when missing and we may). */
export function findFfuf() {
  const where = () => {
    try {
      return execFileSync('sh', ['-c', 'command -v ffuf'], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      return undefined;
    }
  };
  let ffuf = where();
  if (ffuf === undefined && process.env.BENCH_NO_INSTALL === undefined) {
    try {
      process.stderr.write('bench: ffuf not found; installing Debian\'s ffuf with apt-get\n');
      execFileSync('apt-get', ['install', '-y', '-qq', 'ffuf'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
    } catch (error) {
      return { missing: `ffuf is not installed and apt-get install ffuf failed (${error instanceof Error ? error.message.split('\n')[0] : error})` };
    }
    ffuf = where();
  }
  if (ffuf === undefined) return { missing: 'ffuf is not installed (BENCH_NO_INSTALL set, or the install did not provide it)' };
  const version = execFileSync(ffuf, ['-V'], { encoding: 'utf8' }).trim();
  return { path: ffuf, version, timed: existsSync(gnuTime) };
}

/**
 * Runs ffuf under GNU time, which reports the CPU time and peak RSS of that process (the only
 * way to read a Go binary's rusage from outside without wrapping it in a program of our own).
 */
export async function runFfuf(ffuf, args) {
  if (!ffuf.timed) {
    const result = await run(ffuf.path, args);
    return { ...result, cpuMs: Number.NaN, maxRssMiB: Number.NaN };
  }
  const dir = tempDir('draftleak-ffuf-');
  const timeFile = path.join(dir, 'time.txt');
  try {
    const result = await run(gnuTime, ['-f', '%U %S %M', '-o', timeFile, ffuf.path, ...args]);
    const [user, system, maxRssKiB] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
    return { ...result, cpuMs: (user + system) * 1000, maxRssMiB: maxRssKiB / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function median(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The median of each figure over the rounds (each figure on its own). */
export function medians(rounds) {
  const keys = Object.keys(rounds[0] ?? {}).filter((key) => typeof rounds[0][key] === 'number');
  return Object.fromEntries(keys.map((key) => [key, median(rounds.map((round) => round[key]))]));
}
