// The hostile-site figures issue 8 asks for: a scan of a site whose every link is a trap (6 MiB
// answers everywhere, 50 MB JSON, a gzip bomb, a trickling and an endless body, slow headers, a
// redirect loop, 100,000 links, a 200,000-entry gzip sitemap) must end, write its report and
// keep the scanner's peak RSS low. Prints figures; asserts nothing. Traffic: 127.0.0.1 only.
import { execFile, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export async function benchHostile() {
  const site = fork(here('./bench/hostile-site.mjs'), { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const { port } = await new Promise((resolve, reject) => {
      site.once('message', resolve);
      site.once('error', reject);
    });
    const { stdout } = await run(process.execPath, [...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []), here('./bench/scan-child.mjs'), `http://127.0.0.1:${port}/`, '2000'], { timeout: 600_000, maxBuffer: 1024 * 1024 });
    const figures = JSON.parse(stdout);
    console.log('hostile site (every link a trap, 6 MiB answers elsewhere), all rules, --timeout 2000, in its own process');
    console.log(`  wall ${(figures.wallMs / 1000).toFixed(1)} s, ${figures.requests} requests, peak RSS ${figures.peakRssMiB} MiB (target: under 200 MiB)`);
    console.log(`  ${figures.failures} failed probes recorded (${figures.failureCodes.join(', ')}); SARIF ${figures.sarifKiB} KiB; executionSuccessful ${figures.executionSuccessful}`);
    return figures;
  } finally {
    site.kill();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchHostile();
