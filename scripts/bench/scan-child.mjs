// Runs one scan in its own process and prints what it cost, so the parent can read the scanner's
// own peak RSS (process.resourceUsage is per process).
import { performance } from 'node:perf_hooks';
import { applyScannerHeapPolicy } from '../../dist/cli/heap-policy.js';

// The same heap policy as the CLI, so the figure is the one a user's scan sees.
applyScannerHeapPolicy();
import { scan } from '../../dist/scan/scan.js';
import { scanConfigSchema } from '../../dist/config/scan-config.js';
import { createLogger } from '../../dist/core/logger.js';
import { renderSarif } from '../../dist/report/index.js';

const [target, timeoutMs] = process.argv.slice(2);
const config = scanConfigSchema.parse({ targets: [target], rateLimit: 0, timeoutMs: Number(timeoutMs ?? 2000), allRules: true });
const started = performance.now();
const { result } = await scan(config, createLogger('silent'), 'bench');
const sarif = renderSarif(result);
const run = result.targets[0];
process.stdout.write(
  JSON.stringify({
    wallMs: Math.round(performance.now() - started),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    requests: run.requestsSent,
    failures: run.failures.length,
    failureCodes: [...new Set(run.failures.map((failure) => failure.code))].sort(),
    sarifKiB: Math.round(Buffer.byteLength(sarif) / 1024),
    executionSuccessful: run.executionSuccessful,
  }),
);
