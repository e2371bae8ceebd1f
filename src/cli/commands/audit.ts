import { Command, Option } from 'commander';
import { createLogger } from '../../core/logger.js';
import { UsageError } from '../../core/errors.js';
import { audit, summaryLine, type AuditConfig } from '../../audit/audit.js';
import { resolveInventoryCredentials } from '../../audit/credentials.js';
import { exitCodeFor } from '../exit-codes.js';
import { parseProxyFlag, proxyFlag, proxyFlagDescription } from '../proxy-option.js';
import { safeLine, safeUrl } from '../safe-text.js';
import type { CliIo } from '../io.js';
import { addOutputOptions, collect, parseInteger, parseNumber, planOutputs, redactedCommandLine, writeReports, type OutputFlags } from '../scan-options.js';
import { renderAuditExplain } from '../audit-explain.js';

interface AuditFlags extends OutputFlags {
  inventoryAuth?: string[];
  cms?: string;
  failOn: 'low' | 'medium' | 'high' | 'critical' | 'none';
  concurrency?: number;
  rateLimit?: number;
  timeout?: number;
  maxItems?: number;
  maxRequests?: number;
  maxDuration?: number;
  insecure?: boolean;
  userAgent?: string;
  allowHost?: string[];
  scope?: 'site' | 'strict';
  proxy?: string;
}

/**
 * `draftleak audit URL`: the owner's inventory of unpublished content, read with their
 * credentials, then every item and file requested anonymously. The credentials come from
 * --inventory-auth or DRAFTLEAK_INVENTORY_AUTH and go to the CMS's read API only.
 */
export function auditCommand(io: CliIo, argv: readonly string[], setExitCode: (code: number) => void, env: NodeJS.ProcessEnv = process.env): Command {
  const command = new Command('audit')
    .description("take the inventory of unpublished content with the owner's read credentials, then check anonymously which of it a visitor can reach")
    .argument('<url>', 'the site (http or https)')
    .option('--inventory-auth <header>', 'a "Name: value" header for the CMS read API, e.g. "Authorization: Basic …" (repeatable; or DRAFTLEAK_INVENTORY_AUTH, one per line); never sent anonymously, never written anywhere', collect)
    .option('--cms <name>', 'the CMS, when its fingerprints are not detected (wordpress)')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(['low', 'medium', 'high', 'critical', 'none']).default('low'))
    .option('--max-items <n>', 'unpublished items and files the inventory collects at most (default 5000)', parseInteger('--max-items', 1, 1_000_000))
    .option('--max-requests <n>', 'requests per identity (inventory, anonymous) (default 20000)', parseInteger('--max-requests', 1, 10_000_000))
    .option('--max-duration <seconds>', 'stop after this long and report what was verified, marked incomplete', parseInteger('--max-duration', 1, 7 * 24 * 3600))
    .option('--concurrency <n>', 'requests at once (default 4)', parseInteger('--concurrency', 1, 64))
    .option('--rate-limit <rps>', 'requests per second per host (default 10; 0 = no limit)', parseNumber('--rate-limit', 0, 1000))
    .option('--timeout <ms>', 'longest one request may take, in ms (default 10000)', parseInteger('--timeout', 100, 300_000))
    .option('--insecure', 'accept TLS certificates that do not verify; said in the report')
    .option('--allow-host <host>', 'also ask the files through this host, e.g. the CDN in front of the uploads ("host" or "host:port"; repeatable; anonymous requests only)', collect)
    .addOption(new Option('--scope <scope>', "site: hosts of the target's own site are asked too; strict: only its origin and --allow-host").choices(['site', 'strict']))
    .option('--user-agent <text>', 'User-Agent to send instead of draftleak/<version>')
    .option(proxyFlag, proxyFlagDescription, parseProxyFlag);
  addOutputOptions(command).action(async (url: string, flags: AuditFlags) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new UsageError(`${safeUrl(url)} is not a URL`);
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new UsageError('a target must be an http:// or https:// URL');
    if (target.username !== '' || target.password !== '') throw new UsageError('audit takes its credentials from --inventory-auth or DRAFTLEAK_INVENTORY_AUTH, not from the URL');
    const outputs = planOutputs(flags, io);
    const config: AuditConfig = {
      target: target.href,
      ...(flags.cms === undefined ? {} : { cms: flags.cms }),
      credentials: resolveInventoryCredentials(flags.inventoryAuth ?? [], env),
      concurrency: flags.concurrency ?? 4,
      rateLimit: flags.rateLimit ?? 10,
      timeoutMs: flags.timeout ?? 10_000,
      maxItems: flags.maxItems ?? 5000,
      maxRequests: flags.maxRequests ?? 20_000,
      ...(flags.maxDuration === undefined ? {} : { maxDurationMs: flags.maxDuration * 1000 }),
      insecure: flags.insecure === true,
      ...(flags.allowHost === undefined ? {} : { allowHosts: flags.allowHost }),
      ...(flags.scope === undefined ? {} : { scope: flags.scope }),
      ...(flags.userAgent === undefined ? {} : { userAgent: flags.userAgent }),
      ...(flags.proxy === undefined ? {} : { proxy: flags.proxy }),
    };
    const logger = createLogger(flags.logLevel);
    // One progress line, rewritten in place, on a terminal only (CI logs get the summary).
    const progress = io.stderrIsTty === true && io.ci !== true ? (line: string): void => io.stderr(`\r\x1b[2K${safeLine(line)}`) : undefined;
    const output = await audit(config, logger, redactedCommandLine(argv), { ...(io.stop ? { signal: io.stop } : {}), ...(progress ? { progress } : {}) });
    if (progress) io.stderr('\r\x1b[2K');
    await writeReports(output.result, outputs, flags, io);
    if (flags.explain) io.stderr(renderAuditExplain(output.verified));
    io.stderr(`draftleak: ${summaryLine(output.summary)}\n`);
    const run = output.result.targets[0];
    if (run?.incomplete !== undefined) io.stderr(`draftleak: ${safeUrl(run.target)}: ${safeLine(run.incomplete)}\n`);
    for (const { file, format } of outputs) if (file !== undefined) io.stderr(`draftleak: wrote ${safeLine(file)} (${format})\n`);
    setExitCode(exitCodeFor(output.result, flags.failOn, signalOf(io.stop)));
  });
  return command;
}

function signalOf(stop: AbortSignal | undefined): 'SIGINT' | 'SIGTERM' | undefined {
  const reason: unknown = stop?.aborted ? stop.reason : undefined;
  return reason === 'SIGINT' || reason === 'SIGTERM' ? reason : undefined;
}
