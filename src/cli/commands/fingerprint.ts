import { Command } from 'commander';
import { TargetUnreachableError } from '../../core/errors.js';
import { createLogger, logLevels, type LogLevel } from '../../core/logger.js';
import { scanConfigSchema } from '../../config/scan-config.js';
import { formatDetections } from '../../fingerprint/index.js';
import { createUndiciTransport } from '../../http/index.js';
import { discoverTarget } from '../../scan/discover.js';
import { loadBuiltinFingerprints } from '../../scan/scan.js';
import { UsageError } from '../../core/errors.js';
import { maskSecrets, redactUrl } from '../../core/redact.js';
import { mapStrings } from '../../core/terminal-safe.js';
import type { CliIo } from '../io.js';
import { parseProxyFlag, proxyFlag, proxyFlagDescription } from '../proxy-option.js';
import { safeLine, safeUrl } from '../safe-text.js';
import { collect, parseInteger, parseNumber } from '../scan-options.js';

interface FingerprintFlags {
  json?: boolean;
  maxPages?: number;
  allowHost?: string[];
  rateLimit?: number;
  proxy?: string;
  logLevel: LogLevel;
}

/** `draftleak fingerprint URL`: what the site runs, and what discovery found, without any rule. */
export function fingerprintCommand(io: CliIo): Command {
  return new Command('fingerprint')
    .description('detect the CMS (and version) of a site, with the signals that decided, its API roots and asset hosts')
    .argument('<url>', 'the site')
    .option('--json', 'print JSON')
    .option('--max-pages <n>', 'requests the discovery crawl may send (default 40)', parseInteger('--max-pages', 1, 100_000))
    .option('--allow-host <host>', 'also probe this host (repeatable)', collect)
    .option('--rate-limit <rps>', 'requests per second per host (default 10)', parseNumber('--rate-limit', 0, 1000))
    .option(proxyFlag, proxyFlagDescription, parseProxyFlag)
    .option('--log-level <level>', `one of ${logLevels.join(', ')}`, 'warn')
    .action(async (url: string, flags: FingerprintFlags) => {
      const parsed = scanConfigSchema.safeParse({
        targets: [url],
        allowHosts: flags.allowHost ?? [],
        ...(flags.maxPages !== undefined ? { maxPages: flags.maxPages } : {}),
        ...(flags.rateLimit !== undefined ? { rateLimit: flags.rateLimit } : {}),
      });
      if (!parsed.success) throw new UsageError(parsed.error.issues[0]?.message ?? 'invalid options');
      const config = parsed.data;
      const logger = createLogger(flags.logLevel);
      const fingerprints = await loadBuiltinFingerprints();
      const transport = createUndiciTransport({
        target: url,
        allowedHosts: config.allowHosts,
        rateLimitPerHost: config.rateLimit,
        ...(flags.proxy === undefined ? {} : { proxy: flags.proxy }),
        logger,
      });
      try {
        try {
          await transport.send({ method: 'GET', url });
        } catch (error) {
          if (error instanceof Error && 'code' in error && ['DL_CONNECTION_FAILED', 'DL_CONNECT_TIMEOUT'].includes(String(error.code))) {
            throw new TargetUnreachableError(url, error.message);
          }
        }
        const found = await discoverTarget({ target: url, transport, fingerprints, maxPages: config.maxPages, logger });
        const summary = {
          target: url,
          detections: found.detect.detections,
          candidates: found.detect.candidates,
          apiRoots: found.detect.apiRoots,
          apiHosts: found.crawl.apiHosts,
          assetHosts: found.crawl.assetHosts,
          publishedInventory: found.crawl.inventory.size,
          pagesCrawled: found.crawl.budget.pagesFetched,
          requestsSent: transport.stats().requestsSent,
          notes: found.notes,
          failures: found.failures,
        };
        if (flags.json) {
          // JSON escapes control characters; secrets the site showed are masked as in reports.
          io.stdout(`${JSON.stringify({ ...mapStrings(summary, maskSecrets), target: redactUrl(url) }, null, 2)}\n`);
          return;
        }
        // Everything below quotes the target: one safe line per value, secrets masked.
        const shown = mapStrings(summary, safeLine);
        const lines = [
          safeUrl(url),
          formatDetections(shown.detections)
            .split('\n')
            .map((line) => `  ${line}`)
            .join('\n'),
          `  API roots: ${shown.apiRoots.join(', ') || 'none found'}`,
          `  API hosts: ${shown.apiHosts.join(', ') || 'none found'}`,
          `  asset hosts: ${shown.assetHosts.join(', ') || 'none found'}`,
          `  published inventory: ${shown.publishedInventory} URL(s) from ${shown.pagesCrawled} request(s) of crawling; ${shown.requestsSent} request(s) in all`,
          ...shown.notes.map((note) => `  note: ${note}`),
          ...shown.failures.map((failure) => `  failed probe: ${failure.code} ${failure.url}: ${failure.message}`),
        ];
        io.stdout(`${lines.join('\n')}\n`);
      } finally {
        await transport.close();
      }
    });
}
