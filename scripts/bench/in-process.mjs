// In-process figures (the demo scanned from this process, offline rule cases, link extraction):
// `npm run bench -- --only micro`. Prints figures; asserts nothing. Traffic: 127.0.0.1 only.
import { performance } from 'node:perf_hooks';
import { startDemoSites } from '../../dist/demo/demo-site.js';
import { scan } from '../../dist/scan/scan.js';
import { scanConfigSchema } from '../../dist/config/scan-config.js';
import { createLogger } from '../../dist/core/logger.js';
import { builtinRulesDir, loadRules } from '../../dist/engine/index.js';
import { runRuleCases } from '../../dist/rule-tests/run-cases.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 20);
const logger = createLogger('silent');

function cpuMs(start) {
  const usage = process.cpuUsage(start);
  return (usage.user + usage.system) / 1000;
}

const demo = await startDemoSites();
try {
  const targets = ['wordpress', 'strapi', 'directus'].map((name) => demo.origin(name));
  const config = scanConfigSchema.parse({
    targets,
    rateLimit: 0,
    allowHosts: [new URL(demo.origin('media-bucket')).host],
  });
  await scan(config, logger, 'bench'); // warm-up: module loading, JIT
  const wall = [];
  let requests = 0;
  const cpuStart = process.cpuUsage();
  for (let round = 0; round < rounds; round += 1) {
    const started = performance.now();
    const { result } = await scan(config, logger, 'bench');
    wall.push(performance.now() - started);
    requests += result.targets.reduce((sum, target) => sum + target.requestsSent, 0);
  }
  const cpu = cpuMs(cpuStart);
  wall.sort((a, b) => a - b);
  const total = wall.reduce((sum, ms) => sum + ms, 0);
  const { rules: loadedRules } = await loadRules([builtinRulesDir]);
  console.log(`scan of 3 demo targets (calibration, crawl, fingerprints, then the rules their CMS calls for, of ${loadedRules.length}), rate limit off, ${rounds} rounds`);
  console.log(`  wall ms per scan: median ${wall[Math.floor(rounds / 2)].toFixed(1)}, min ${wall[0].toFixed(1)}, max ${wall.at(-1).toFixed(1)}`);
  console.log(`  requests per scan: ${(requests / rounds).toFixed(1)}; ${(requests / (total / 1000)).toFixed(0)} requests/s`);
  console.log(`  client CPU per request: ${((cpu * 1000) / requests).toFixed(0)} µs (server runs in-process, included)`);
} finally {
  await demo.close();
}

const { rules } = await loadRules([builtinRulesDir]);
const caseRounds = Number(process.env.BENCH_CASE_ROUNDS ?? 50);
let cases = 0;
const caseStart = performance.now();
for (let round = 0; round < caseRounds; round += 1) {
  for (const { rule, file } of rules) cases += (await runRuleCases(rule, file)).cases.length;
}
const caseMs = performance.now() - caseStart;
console.log(`offline rule cases (replay transport; each rule also runs the 6 honeypots): ${cases} cases in ${caseMs.toFixed(0)} ms = ${((caseMs * 1000) / cases).toFixed(0)} µs per case`);
console.log(`  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB`);

// Link extraction on a ~20 KB HTML page: cheerio.load (parse5) and cheerio/slim against the
// streaming htmlparser2 extractor the crawler uses for bulk pages (shared/research/deps.md §3).
{
  const cheerio = await import('cheerio');
  const slim = await import('cheerio/slim');
  const { extractLinks } = await import('../../dist/crawl/index.js');
  const links = Array.from({ length: 160 }, (_, i) => `<li><a href="/post-${i}/">Post ${i}</a></li>`).join('\n');
  const page = `<!DOCTYPE html><html><head><title>Bench</title>${Array.from({ length: 8 }, (_, i) => `<link rel="stylesheet" href="/s${i}.css"><script src="/j${i}.js"></script>`).join('')}</head><body><ul>${links}</ul><p>${'lorem ipsum dolor sit amet '.repeat(300)}</p></body></html>`;
  const iterations = Number(process.env.BENCH_PARSE_ROUNDS ?? 500);
  const measure = (name, fn) => {
    for (let i = 0; i < 50; i += 1) fn();
    const started = performance.now();
    let count = 0;
    for (let i = 0; i < iterations; i += 1) count = fn();
    const us = ((performance.now() - started) * 1000) / iterations;
    console.log(`  ${name.padEnd(34)} ${us.toFixed(0).padStart(6)} µs/page  (${count} URLs)`);
  };
  console.log(`link extraction, ${(page.length / 1024).toFixed(1)} KiB page, ${iterations} iterations`);
  const viaCheerio = (load) => () => {
    const $ = load(page);
    return $('a[href]').length + $('script[src]').length + $('link[href]').length;
  };
  measure('cheerio.load + 3 selectors', viaCheerio(cheerio.load));
  measure('cheerio/slim load + 3 selectors', viaCheerio(slim.load));
  measure('htmlparser2 extractLinks (crawler)', () => {
    const found = extractLinks(page, 'http://127.0.0.1/');
    return found.anchors.length + found.scripts.length + found.linkTags.length;
  });
}
