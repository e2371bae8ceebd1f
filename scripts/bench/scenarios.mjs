// The scenarios of issue 15. Each returns rows of figures (medians over `rounds` runs); the
// harness prints them and writes them to bench/results/. Nothing here asserts anything.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findFfuf, gcFigures, medians, runDraftleak, runFfuf, startFixture, tempDir } from './measure.mjs';

export const concurrency = 16;

/** One measured run as a row: the figures every scenario reports. */
function figures(result, requests, extra = {}) {
  return {
    wallMs: result.wallMs,
    requests,
    rps: requests / (result.wallMs / 1000),
    cpuMs: result.cpuMs,
    cpuUsPerRequest: (result.cpuMs * 1000) / requests,
    cpuSecPer1kRequests: result.cpuMs / requests,
    maxRssMiB: result.maxRssMiB,
    ...extra,
  };
}

async function rounds(count, once) {
  const all = [];
  for (let round = 0; round < count; round += 1) all.push(await once(round));
  return { ...medians(all), rounds: all.length };
}

/**
 * The run as the server saw it: from its first request to its last, the rate in between, and
 * the wall time outside that span (the process's start, rule loading and configuration before
 * the first request; the report and exit after the last). Printed to show where a ratio's time
 * goes, not a target.
 */
function serverSpan(result, arrivals) {
  const span = spanOf(arrivals);
  return span === undefined ? {} : { serverSpanMs: span.ms, serverSpanRps: span.rate, outsideSpanMs: result.wallMs - span.ms };
}

/** From the server's first request to its last: how long, and the rate of the requests in between. */
function spanOf(arrivals) {
  if (arrivals.length < 2) return undefined;
  const ms = arrivals.at(-1) - arrivals[0];
  return { ms, rate: (arrivals.length - 1) / (ms / 1000) };
}

function checkExit(result, what) {
  // 0 clean, 1 findings at or above --fail-on: both mean the run finished.
  if (result.code !== 0 && result.code !== 1) {
    throw new Error(`${what} exited ${result.code}: ${result.stderr.slice(0, 2000)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Probe throughput

export const probeRules = 200;
export const pathsPerRule = 100;

/**
 * The rule probes are driven through the real CLI with a generated rules folder (not through the
 * engine directly), so the figure is what a user's `scan --rules` gets: start-up, rule loading,
 * calibration and the small crawl, scheduling, the scope checks and the cache, all included.
 * 200 rules x for_each over 100 paths, because for_each takes at most 100 items and a rule at
 * most 200 requests (engine/run-rule.ts): 20 rules cannot make 20,000 probes.
 */
export function writeProbeRules(dir, rules = probeRules) {
  mkdirSync(dir, { recursive: true });
  const paths = [];
  for (let rule = 0; rule < rules; rule += 1) {
    const items = Array.from({ length: pathsPerRule }, (_, n) => `item-${n}.json`);
    for (const item of items) paths.push(`bench-${rule}/${item}`);
    const id = `bench-probe-${rule}`;
    writeFileSync(
      path.join(dir, `${id}.yaml`),
      [
        `id: ${id}`,
        `name: Benchmark probe ${rule}`,
        'severity: low',
        'confidence: low',
        'cms: [generic]',
        'description: A generated rule for the benchmark; it probes paths that do not exist.',
        'remediation: None; it is a benchmark.',
        'references: [https://example.com/bench]',
        'steps:',
        '  - id: probe',
        '    for_each:',
        `      in: '${JSON.stringify(items).replaceAll("'", "''").replace(/^/, '`').replace(/$/, '`')}'`,
        '      as: name',
        `      max: ${pathsPerRule}`,
        '    request:',
        `      path: "/bench-${rule}/{{name}}"`,
        '    match:',
        '      all:',
        '        - status: 200',
        '        - word: "draft"',
        'finding:',
        '  message: "a draft at {{name}}"',
        '',
      ].join('\n'),
    );
  }
  return paths;
}

export async function probeScenario({ rounds: count, ffuf }) {
  const dir = tempDir();
  const rulesDir = path.join(dir, 'rules');
  const paths = writeProbeRules(rulesDir);
  const wordlist = path.join(dir, 'paths.txt');
  writeFileSync(wordlist, `${paths.join('\n')}\n`);
  const server = await startFixture('probe');
  const rows = [];
  // The rules' parses are kept in a cache of this scenario's own (src/engine/rule-cache.ts), filled
  // before the measured runs, as a second scan of the same rules finds it; the last row is a
  // first start, every rule parsed from its YAML.
  const cacheEnv = { DRAFTLEAK_CACHE_DIR: path.join(dir, 'rule-cache') };
  checkExit(await runDraftleak(['rules', 'list', '--no-builtin-rules', '--rules', rulesDir, '--json'], { env: cacheEnv }), 'draftleak rules list (filling the rule cache)');
  const probeOnce = async (env) => {
    await server.reset();
    const result = await runDraftleak(
      [
        'scan', `${server.origin}/`, '--no-builtin-rules', '--rules', rulesDir, '--rate-limit', '0', '--concurrency', String(concurrency),
        '--max-requests', String(paths.length * 2), '--format', 'json', '--fail-on', 'none',
      ],
      { env },
    );
    checkExit(result, 'draftleak scan (probes)');
    const sent = JSON.parse(result.stdout).targets?.[0]?.requestsSent ?? Number.NaN;
    return figures(result, await server.count(), { requestsSentByDraftleak: sent, ...serverSpan(result, await server.arrivals()) });
  };
  const ffufOnce = async () => {
    await server.reset();
    const result = await runFfuf(ffuf, ['-u', `${server.origin}/FUZZ`, '-w', wordlist, '-t', String(concurrency), '-mc', 'all', '-s']);
    if (result.code !== 0) throw new Error(`ffuf exited ${result.code}: ${result.stderr.slice(0, 500)}`);
    return figures(result, await server.count(), serverSpan(result, await server.arrivals()));
  };
  // One of each per round, in turn: the machine's speed drifts over a minute, and three blocks of
  // runs one after another measured the same build 0.4 s apart (BENCHMARKS.md, twelfth session).
  const measured = { draftleak: [], ffuf: [], firstStart: [] };
  try {
    for (let round = 0; round < count; round += 1) {
      measured.draftleak.push(await probeOnce(cacheEnv));
      if (ffuf.path) measured.ffuf.push(await ffufOnce());
      measured.firstStart.push(await probeOnce({ DRAFTLEAK_NO_CACHE: '1' }));
    }
    const summary = (all) => ({ ...medians(all), rounds: all.length });
    rows.push({ scenario: 'probe', tool: 'draftleak', what: `${paths.length} rule probes (${probeRules} rules x for_each ${pathsPerRule}), mostly 404, concurrency ${concurrency}, via the CLI`, ...summary(measured.draftleak) });
    if (ffuf.path) rows.push({ scenario: 'probe', tool: 'ffuf', what: `the same ${paths.length} paths, -t ${concurrency} -mc all`, ...summary(measured.ffuf) });
    rows.push({ scenario: 'probe', tool: 'draftleak', what: `the same, every rule parsed from its YAML (DRAFTLEAK_NO_CACHE=1: a first start)`, ...summary(measured.firstStart) });
  } finally {
    server.close();
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// 2 and 3. Crawl throughput and scaling

/** The flags a crawl of `pages` pages needs beyond --max-pages: byte and request budgets sized to it. */
function crawlFlags(pages) {
  return [
    '--max-pages', String(pages), '--rate-limit', '0', '--concurrency', String(concurrency),
    // ~20 KB pages plus sitemaps; the defaults (20 MiB, 10,000 requests) would stop the crawl early.
    '--max-crawl-bytes', String(pages * 24 * 1024 + 16 * 1024 * 1024), '--max-requests', String(pages * 2 + 2000),
  ];
}

async function crawlOnce(server, pages) {
  await server.reset();
  const result = await runDraftleak(['scan', `${server.origin}/`, ...crawlFlags(pages), '--format', 'json', '--fail-on', 'none']);
  checkExit(result, `draftleak scan (crawl of ${pages})`);
  const target = JSON.parse(result.stdout).targets?.[0] ?? {};
  const crawled = target.discovery?.pagesCrawled ?? Number.NaN;
  const requests = await server.count();
  return figures(result, requests, { pagesCrawled: crawled, pagesPerSecond: crawled / (result.wallMs / 1000), cpuMsPerPage: result.cpuMs / crawled, inventory: target.discovery?.publishedInventory ?? Number.NaN, ...serverSpan(result, await server.arrivals()) });
}

export async function crawlScenario({ rounds: count, ffuf, pages = 5000 }) {
  const server = await startFixture('site', pages);
  const rows = [];
  try {
    const draftleak = await rounds(count, () => crawlOnce(server, pages));
    const gc = await crawlGc(server, pages);
    rows.push({ scenario: 'crawl', tool: 'draftleak', pagesOffered: pages, what: `scan of a ${pages}-page site of ~20 KB linked pages + sitemaps (${crawlFlags(pages).join(' ')}), all built-in rules it selects`, ...draftleak, gc });
    if (ffuf.path) {
      const dir = tempDir();
      const wordlist = path.join(dir, 'urls.txt');
      // The same URLs: every page but the home page (ffuf's FUZZ cannot be empty), robots, sitemaps.
      const sitemaps = Math.ceil(pages / 10_000);
      const urls = ['robots.txt', 'sitemap_index.xml', ...Array.from({ length: sitemaps }, (_, i) => `sitemap-${i + 1}.xml`), ...Array.from({ length: pages - 1 }, (_, k) => `post-${k + 1}/`)];
      writeFileSync(wordlist, `${urls.join('\n')}\n`);
      const reference = await rounds(count, async () => {
        await server.reset();
        const result = await runFfuf(ffuf, ['-u', `${server.origin}/FUZZ`, '-w', wordlist, '-t', String(concurrency), '-mc', 'all', '-s']);
        if (result.code !== 0) throw new Error(`ffuf exited ${result.code}: ${result.stderr.slice(0, 500)}`);
        const requests = await server.count();
        return figures(result, requests, { pagesCrawled: pages - 1, pagesPerSecond: (pages - 1) / (result.wallMs / 1000), cpuMsPerPage: result.cpuMs / (pages - 1), ...serverSpan(result, await server.arrivals()) });
      });
      rows.push({ scenario: 'crawl', tool: 'ffuf', what: `the same ${urls.length} URLs (pages, robots, sitemaps), -t ${concurrency} -mc all`, ...reference });
    }
  } finally {
    server.close();
  }
  return rows;
}

/** One more crawl under --trace-gc-nvp, not timed (the trace costs time): what V8 collected and promoted. */
async function crawlGc(server, pages) {
  await server.reset();
  const dir = tempDir();
  try {
    const result = await runDraftleak(['scan', `${server.origin}/`, ...crawlFlags(pages), '--format', 'json', '-o', path.join(dir, 'report.json'), '--fail-on', 'none'], { nodeFlags: ['--trace-gc-nvp'] });
    checkExit(result, `draftleak scan (crawl of ${pages}, GC trace)`);
    return gcFigures(result.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function scalingScenario({ rounds: count, sizes, reuse }) {
  const rows = [];
  for (const pages of sizes) {
    const known = reuse?.find((row) => row.scenario === 'crawl' && row.tool === 'draftleak' && row.pagesOffered === pages);
    if (known) {
      const { gc: _printedWithTheCrawl, ...figures } = known;
      rows.push({ ...figures, scenario: 'scaling', what: `crawl of ${pages} pages (the crawl scenario's runs)` });
      continue;
    }
    const server = await startFixture('site', pages);
    try {
      const measured = await rounds(count, () => crawlOnce(server, pages));
      rows.push({ scenario: 'scaling', tool: 'draftleak', what: `crawl of ${pages} pages`, pagesOffered: pages, ...measured });
    } finally {
      server.close();
    }
  }
  return rows;
}

/**
 * Link rot: `pages` live pages whose first ones link `gone` deleted posts (404, 4 a page) that the
 * sitemaps still list. Every such 404 takes its URL back out of the published inventory (a link to a
 * draft does not make it published); each withdrawal once read every URL held, which made this
 * crawl quadratic.
 */
export async function brokenLinksScenario({ rounds: count, pages = 20_000, gone = 5_000 }) {
  const server = await startFixture('site', pages, gone);
  try {
    const measured = await rounds(count, () => crawlOnce(server, pages + gone));
    return [{ scenario: 'broken-links', tool: 'draftleak', what: `crawl of ${pages} pages linking ${gone} deleted posts (404, 4 a page) that the sitemaps still list`, pagesOffered: pages, gone, ...measured }];
  } finally {
    server.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 4. Full scan of the demo

export async function fullScanScenario({ rounds: count }) {
  const demo = await startFixture('demo');
  const dir = tempDir();
  try {
    const { origins } = demo;
    const targets = ['wordpress', 'strapi', 'directus'].map((name) => origins[name]);
    const bucket = new URL(origins['media-bucket']).host;
    const sarif = path.join(dir, 'demo.sarif');
    const json = path.join(dir, 'demo.json');
    const measured = await rounds(count, async () => {
      const result = await runDraftleak(['scan', ...targets, '--allow-host', bucket, '--all-rules', '--rate-limit', '0', '--fail-on', 'none', '-o', sarif, '-o', json]);
      checkExit(result, 'draftleak scan (demo)');
      const report = JSON.parse(readFileSync(json, 'utf8'));
      const requests = report.targets.reduce((sum, target) => sum + target.requestsSent, 0);
      const rulesRun = report.targets.reduce((sum, target) => sum + target.rulesRun.length, 0);
      const findings = report.targets.reduce((sum, target) => sum + target.findings.length, 0);
      return { ...figures(result, requests), rulesRun, requestsPerRule: requests / rulesRun, findings, sarifKiB: readFileSync(sarif).length / 1024 };
    });
    return [{ scenario: 'full-scan', tool: 'draftleak', what: 'demo: 3 targets (wordpress, strapi, directus) + asset bucket, --all-rules, to SARIF and JSON files; requests counted by draftleak (the demo sites run in one fixture process)', ...measured }];
  } finally {
    demo.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 5. Start-up

export async function startupScenario({ rounds: count }) {
  const rows = [];
  const timed = async (what, args, requests = () => 0) =>
    rows.push({
      scenario: 'startup',
      tool: 'draftleak',
      what,
      ...(await rounds(count, async () => {
        const result = await runDraftleak(args);
        checkExit(result, what);
        return { wallMs: result.wallMs, cpuMs: result.cpuMs, maxRssMiB: result.maxRssMiB, requests: await requests() };
      })),
    });
  await timed('draftleak --version', ['--version']);
  await timed('draftleak rules list', ['rules', 'list']);
  const site = await startFixture('site', 1);
  try {
    await timed('one-page scan (scan URL --max-pages 1 --rate-limit 0, built-in rules it selects)', ['scan', `${site.origin}/`, '--max-pages', '1', '--rate-limit', '0', '--format', 'json', '--fail-on', 'none'], async () => {
      const requests = await site.count();
      await site.reset();
      return requests;
    });
  } finally {
    site.close();
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// 6. The rate limit, measured where it matters: by the server.

/** Requests per second the limiter is asked for, and how many probes (about 8 s of them). */
const limitedRate = 50;
const limitedProbes = 400;

export async function rateLimitScenario({ rounds: count }) {
  const dir = tempDir();
  const rulesDir = path.join(dir, 'rules');
  writeProbeRules(rulesDir, limitedProbes / pathsPerRule);
  const server = await startFixture('probe');
  try {
    const measured = await rounds(count, async () => {
      await server.reset();
      const result = await runDraftleak([
        'scan', `${server.origin}/`, '--no-builtin-rules', '--rules', rulesDir, '--rate-limit', String(limitedRate), '--concurrency', String(concurrency), '--format', 'json', '--fail-on', 'none',
      ]);
      checkExit(result, `draftleak scan --rate-limit ${limitedRate}`);
      return { ...figures(result, await server.count()), ...arrivalRates(await server.arrivals()) };
    });
    return [{ scenario: 'rate-limit', tool: 'draftleak', what: `--rate-limit ${limitedRate} --concurrency ${concurrency}, ${limitedProbes} probes + discovery, rate as the server saw it`, ...measured }];
  } finally {
    server.close();
  }
}

/**
 * The rate the server saw: over the whole run (first to last request, pauses between the scan's
 * phases included), and the busiest and the median of the full one-second windows in between.
 */
function arrivalRates(arrivals) {
  const span = spanOf(arrivals);
  if (span === undefined) return {};
  const first = arrivals[0];
  const spanSeconds = span.ms / 1000;
  const windows = new Array(Math.floor(spanSeconds)).fill(0);
  for (const at of arrivals) {
    const second = Math.floor((at - first) / 1000);
    if (second < windows.length) windows[second] += 1;
  }
  const sorted = [...windows].sort((a, b) => a - b);
  return {
    serverRateOverall: span.rate,
    serverRateBusiestSecond: sorted.at(-1) ?? Number.NaN,
    serverRateMedianSecond: sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)],
    serverSeconds: windows.length,
  };
}

// ---------------------------------------------------------------------------------------------
// The servers' own ceiling (autocannon), so a ratio can be read against what the server can give.

export async function ceilingScenario() {
  let autocannon;
  try {
    autocannon = (await import('autocannon')).default;
  } catch {
    return [{ scenario: 'ceiling', tool: 'autocannon', what: 'skipped: autocannon is not installed (npm install)' }];
  }
  const rows = [];
  for (const [mode, size, urlPath, what] of [
    ['probe', undefined, '/bench-0/item-0.json', '404 of the probe server'],
    ['site', 5000, '/post-1/', '20 KB page of the 5,000-page site'],
  ]) {
    const server = await startFixture(mode, size);
    try {
      const result = await autocannon({ url: `${server.origin}${urlPath}`, connections: concurrency, duration: 5 });
      rows.push({ scenario: 'ceiling', tool: 'autocannon', what: `${what}, ${concurrency} connections, 5 s`, rps: result.requests.average, requests: result.requests.total, wallMs: result.duration * 1000, latencyP50Ms: result.latency.p50, errors: result.errors });
    } finally {
      server.close();
    }
  }
  return rows;
}

export { findFfuf };
