// The benchmark harness of issue 15: draftleak next to ffuf against the same loopback servers,
// each server in a process of its own. Prints a table and writes bench/results/<date>.json.
// Asserts nothing: the targets are printed beside the figures, never checked in tests.
//
//   npm run bench                                   every default scenario, 3 rounds each
//   npm run bench -- --only probe,startup --rounds 1
//   npm run bench -- --sizes 1000,5000              scaling sizes (default 1000,5000,20000,50000)
//   npm run bench -- --only micro | hostile         the in-process and hostile-site figures
//
// Scenarios: probe, crawl, scaling, broken-links, full-scan, startup, rate-limit, ceiling (default); micro, hostile (opt-in).
// Traffic goes to 127.0.0.1 only.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot, tempDir } from './bench/measure.mjs';
import { ceilingScenario, concurrency, crawlScenario, findFfuf, fullScanScenario, probeScenario, rateLimitScenario, scalingScenario, brokenLinksScenario, startupScenario } from './bench/scenarios.mjs';

const defaults = ['probe', 'crawl', 'scaling', 'broken-links', 'full-scan', 'startup', 'rate-limit', 'ceiling'];
const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    rounds: { type: 'string', default: process.env.BENCH_ROUNDS ?? '3' },
    sizes: { type: 'string', default: '1000,5000,20000,50000' },
    out: { type: 'string' },
  },
});
const chosen = values.only ? values.only.split(',').map((name) => name.trim()) : defaults;
// The runs keep the generated rules' parses in a folder of this run's (src/engine/rule-cache.ts),
// not in the user's own cache; the probe scenario sets one of its own.
const ruleCacheDir = tempDir('draftleak-bench-cache-');
process.env.DRAFTLEAK_CACHE_DIR = ruleCacheDir;
process.on('exit', () => rmSync(ruleCacheDir, { recursive: true, force: true }));
const rounds = Number(values.rounds);
const sizes = values.sizes.split(',').map(Number);

const machine = {
  nproc: os.availableParallelism(),
  cpu: os.cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
  node: process.version,
  platform: `${os.type()} ${os.release()}`,
  loadAverageAtStart: os.loadavg().map((load) => Number(load.toFixed(2))),
};
const ffuf = chosen.some((name) => name === 'probe' || name === 'crawl') ? findFfuf() : { missing: 'not needed by the chosen scenarios' };
console.log(`machine: ${machine.nproc} CPUs (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}`);
console.log(ffuf.path ? `reference: ${ffuf.version} (${ffuf.path})${ffuf.timed ? '' : '; /usr/bin/time missing: no CPU or RSS figures for ffuf'}` : `reference: no ffuf comparison: ${ffuf.missing}`);
console.log(`each figure is the median of ${rounds} run(s); the machine may be shared with other work\n`);

const rows = [];
const runScenario = async (name, run) => {
  if (!chosen.includes(name)) return;
  process.stderr.write(`bench: ${name}...\n`);
  const started = Date.now();
  let produced;
  try {
    produced = await run();
  } catch (error) {
    // One broken scenario (a rule file being edited in the work tree, say) must not cost the others.
    const message = error instanceof Error ? error.message : String(error);
    console.log(`${name}: FAILED: ${message.split('\n').slice(0, 6).join(' | ')}\n`);
    rows.push({ scenario: name, tool: 'draftleak', what: `failed: ${message.slice(0, 500)}` });
    return;
  }
  rows.push(...produced);
  printRows(produced);
  process.stderr.write(`bench: ${name} took ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
};

await runScenario('probe', () => probeScenario({ rounds, ffuf }));
await runScenario('crawl', () => crawlScenario({ rounds, ffuf }));
await runScenario('scaling', () => scalingScenario({ rounds, sizes, reuse: rows }));
await runScenario('broken-links', () => brokenLinksScenario({ rounds }));
await runScenario('full-scan', () => fullScanScenario({ rounds }));
await runScenario('startup', () => startupScenario({ rounds }));
await runScenario('rate-limit', () => rateLimitScenario({ rounds }));
await runScenario('ceiling', () => ceilingScenario());
if (chosen.includes('micro')) execFileSync(process.execPath, [path.join(repoRoot, 'scripts/bench/in-process.mjs')], { stdio: 'inherit' });
if (chosen.includes('hostile')) {
  const { benchHostile } = await import('./bench-hostile.mjs');
  rows.push({ scenario: 'hostile', tool: 'draftleak', ...(await benchHostile()) });
}

const targets = verdicts(rows);
if (targets.length > 0) {
  console.log('\nissue 15 targets (printed, never asserted)');
  for (const line of targets) console.log(`  ${line}`);
}

const date = new Date().toISOString().slice(0, 10);
const outFile = values.out ?? path.join(repoRoot, 'bench/results', `${date}.json`);
mkdirSync(path.dirname(outFile), { recursive: true });
writeFileSync(outFile, `${JSON.stringify({ date: new Date().toISOString(), version: JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version, commit: gitCommit(), ...measuredBuild(), machine, rounds, concurrency, reference: ffuf.version ?? ffuf.missing, scenarios: chosen, rows, targets }, null, 2)}\n`);
console.log(`\nwritten: ${path.relative(process.cwd(), outFile)}`);

function gitCommit(cwd = repoRoot) {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** With BENCH_DRAFTLEAK_BIN (a build of another tree, for before/after figures): which build was measured. */
function measuredBuild() {
  const bin = process.env.BENCH_DRAFTLEAK_BIN;
  if (bin === undefined) return {};
  return { draftleakBin: bin, draftleakCommit: gitCommit(path.dirname(path.resolve(bin))) };
}

function fmt(value, digits = 0) {
  if (value === undefined || value === null || Number.isNaN(value)) return '-';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function printRows(produced) {
  const header = ['scenario', 'tool', 'wall s', 'requests', 'req/s', 'pages/s', 'CPU s/1k req', 'peak RSS MiB', 'what'];
  const table = produced.map((row) => [
    row.scenario,
    row.tool,
    fmt(row.wallMs / 1000, 2),
    fmt(row.requests),
    fmt(row.rps),
    row.pagesPerSecond === undefined ? '' : `${fmt(row.pagesPerSecond)} (${fmt(row.pagesCrawled)} pages)`,
    fmt(row.cpuSecPer1kRequests, 3),
    fmt(row.maxRssMiB, 1),
    row.what + (row.requestsPerRule === undefined ? '' : `; ${fmt(row.rulesRun)} rule runs, ${fmt(row.requestsPerRule, 1)} requests/rule, ${fmt(row.findings)} findings, SARIF ${fmt(row.sarifKiB)} KiB`),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...table.map((cells) => String(cells[column]).length)));
  const line = (cells) => cells.map((cell, column) => (column === cells.length - 1 ? String(cell) : String(cell).padEnd(widths[column]))).join('  ');
  console.log(line(header));
  for (const cells of table) console.log(line(cells));
  for (const row of produced.filter((each) => each.gc !== undefined)) {
    const { gc } = row;
    console.log(`${row.scenario} ${row.tool}, one more run under --trace-gc-nvp: ${fmt(gc.youngCollections)} young collections (${fmt(gc.youngPauseMs)} ms paused, ${fmt(gc.survivedMiB, 1)} MiB copied, ${fmt(gc.promotedMiB, 1)} MiB promoted), ${fmt(gc.fullCollections)} full (${fmt(gc.fullPauseMs)} ms paused)`);
  }
  console.log('');
}

/**
 * Not a target: the same run as the server saw it, between its first request and its last, and
 * the wall time outside that span (start-up, rule loading and configuration; the report and exit).
 */
function spanLine(scenario, ours, reference) {
  if (ours.serverSpanRps === undefined || reference.serverSpanRps === undefined) return [];
  return [
    `  (${scenario}, from the server's first request to its last: ${fmt(ours.serverSpanRps)} req/s against ffuf's ${fmt(reference.serverSpanRps)}, ${fmt(ours.serverSpanRps / reference.serverSpanRps, 2)}x; ` +
      `outside that span ${fmt(ours.outsideSpanMs / 1000, 2)} s against ${fmt(reference.outsideSpanMs / 1000, 2)} s; not a target)`,
  ];
}

/** The targets, read off the rows: each line says the figure, the target, and whether it holds. */
function verdicts(all) {
  const lines = [];
  const find = (scenario, tool, what) => all.find((row) => row.scenario === scenario && row.tool === tool && (what === undefined || row.what.startsWith(what)));
  const mark = (ok) => (ok ? 'met' : 'MISSED');
  const probe = find('probe', 'draftleak');
  const probeRef = find('probe', 'ffuf');
  if (probe && probeRef) {
    const speed = probe.rps / probeRef.rps;
    const cpu = probe.cpuUsPerRequest / probeRef.cpuUsPerRequest;
    lines.push(`probe speed ${fmt(speed, 2)}x ffuf (target >= 0.8x): ${mark(speed >= 0.8)}; CPU/request ${fmt(cpu, 1)}x ffuf's (target <= 2x): ${mark(cpu <= 2)}`);
  }
  if (probe && probeRef) lines.push(...spanLine('probe', probe, probeRef));
  const probeFirstStart = find('probe', 'draftleak', 'the same, every rule parsed');
  if (probeFirstStart && probeRef) {
    lines.push(
      `  (probe, every rule parsed from its YAML, no rule cache: ${fmt(probeFirstStart.rps / probeRef.rps, 2)}x ffuf, CPU/request ${fmt(probeFirstStart.cpuUsPerRequest / probeRef.cpuUsPerRequest, 1)}x; not a target)`,
    );
  }
  const crawl = find('crawl', 'draftleak');
  const crawlRef = find('crawl', 'ffuf');
  if (crawl && crawlRef) {
    const speed = crawl.pagesPerSecond / crawlRef.pagesPerSecond;
    lines.push(`crawl ${fmt(speed, 2)}x ffuf's pages/s (target >= 0.5x): ${mark(speed >= 0.5)}; ${fmt(crawl.pagesCrawled)} of ${fmt(crawl.pagesOffered)} pages crawled: ${mark(crawl.pagesCrawled >= crawl.pagesOffered)}`);
    lines.push(...spanLine('crawl', crawl, crawlRef));
  }
  const scaling = all.filter((row) => row.scenario === 'scaling');
  const at = (pages) => scaling.find((row) => row.pagesOffered === pages);
  if (at(50_000)) lines.push(`peak RSS at 50,000 pages ${fmt(at(50_000).maxRssMiB)} MiB (target < 150): ${mark(at(50_000).maxRssMiB < 150)}`);
  if (at(5000) && at(50_000)) {
    const growth = at(50_000).maxRssMiB / at(5000).maxRssMiB - 1;
    const timeRatio = at(50_000).wallMs / at(5000).wallMs;
    lines.push(`peak RSS 5k -> 50k +${fmt(growth * 100)}% (target within 20%): ${mark(Math.abs(growth) <= 0.2)}; time 50k/5k ${fmt(timeRatio, 1)}x (linear: 10x)`);
  }
  const limited = find('rate-limit', 'draftleak');
  if (limited?.serverRateBusiestSecond !== undefined) {
    const within = (rate) => Math.abs(rate / 50 - 1) <= 0.05;
    lines.push(`--rate-limit 50, as the server saw it: busiest second ${fmt(limited.serverRateBusiestSecond)} req, median second ${fmt(limited.serverRateMedianSecond)} req, whole run ${fmt(limited.serverRateOverall, 1)} req/s (target within 5% of 50): ${mark(within(limited.serverRateBusiestSecond) && within(limited.serverRateMedianSecond))}`);
  }
  const version = find('startup', 'draftleak', 'draftleak --version');
  if (version) lines.push(`--version ${fmt(version.wallMs / 1000, 3)} s (target < 0.15 s): ${mark(version.wallMs < 150)}`);
  return lines;
}
