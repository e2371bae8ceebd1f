import type { Logger } from 'pino';
import { UsageError } from '../core/errors.js';
import type { Detection, Finding, ProbeFailure, TargetResult } from '../core/finding.js';
import type { ScanResult } from '../core/scan-result.js';
import { toolInfo } from '../core/version.js';
import { createUndiciTransport } from '../http/index.js';
import { discoverTarget } from '../scan/discover.js';
import { loadBuiltinFingerprints } from '../scan/scan.js';
import { inventoryAdapters, type InventoryAdapter } from './adapters/index.js';
import { auditFinding } from './audit-findings.js';
import { auditRules } from './audit-rules.js';
import type { InventoryCredentials } from './credentials.js';
import { createInventoryClient, InventoryHttpError } from './inventory-client.js';
import type { UnpublishedItem } from './types.js';
import { verifyItems, type VerifiedItem } from './verify.js';
import { appendAll } from '../core/objects.js';

export interface AuditConfig {
  target: string;
  /** The CMS, when the user names it; otherwise the fingerprints decide. */
  cms?: string;
  credentials: InventoryCredentials;
  concurrency: number;
  rateLimit: number;
  timeoutMs: number;
  /** Unpublished items (and files) the inventory collects at most. */
  maxItems: number;
  /** Requests per identity (inventory, anonymous). */
  maxRequests: number;
  maxDurationMs?: number;
  insecure: boolean;
  userAgent?: string;
  /** Other hosts the anonymous verification may ask (a CDN in front of the uploads). */
  allowHosts?: string[];
  /** site (default): hosts of the target's own site are in scope too; strict: its origin only. */
  scope?: 'site' | 'strict';
  /** --proxy: both identities' connections are tunnelled through it (CONNECT). */
  proxy?: string;
}

export interface AuditProgress {
  (line: string): void;
}

export interface AuditOutput {
  result: ScanResult;
  /** Unpublished items and files found, and how many any route served anonymously. */
  summary: AuditSummary;
  /** Every route's verdict, for --explain (no bodies, no credentials). */
  verified: VerifiedItem[];
}

export interface AuditSummary {
  items: number;
  files: number;
  reachableItems: number;
  reachableFiles: number;
  routes: number;
  reachableRoutes: number;
}

export interface AuditControl {
  signal?: AbortSignal;
  progress?: AuditProgress;
}

/**
 * `draftleak audit`: the owner's inventory of unpublished content (their credentials, the CMS's
 * read API), then every item and file verified anonymously, route by route. Two transports, one
 * per identity: the inventory client builds its own from the credentials, the verifier's is
 * built here with none, so no anonymous request can carry them and no cache can mix the answers.
 */
export async function audit(config: AuditConfig, logger: Logger, commandLine: string, control: AuditControl = {}): Promise<AuditOutput> {
  const startedAt = new Date().toISOString();
  const progress = control.progress ?? ((): void => undefined);
  const origin = new URL(config.target).origin;
  const anonymous = createUndiciTransport({
    target: config.target,
    headers: {},
    allowedHosts: config.allowHosts ?? [],
    sameSite: (config.scope ?? 'site') === 'site',
    concurrencyPerHost: config.concurrency,
    rateLimitPerHost: config.rateLimit,
    timeoutMs: config.timeoutMs,
    maxRequests: config.maxRequests,
    insecure: config.insecure,
    ...(config.userAgent === undefined ? {} : { userAgent: config.userAgent }),
    ...(config.proxy === undefined ? {} : { proxy: config.proxy }),
    logger,
  });
  let stopReason: string | undefined;
  const stop = (reason: string): void => {
    stopReason ??= reason;
  };
  const onSignal = (): void => stop(`interrupted by ${String(control.signal?.reason ?? 'a signal')}`);
  if (control.signal?.aborted) onSignal();
  control.signal?.addEventListener('abort', onSignal, { once: true });
  const deadline = config.maxDurationMs === undefined ? undefined : setTimeout(() => stop(`--max-duration ${Math.round(config.maxDurationMs! / 1000)} s reached`), config.maxDurationMs);
  const notes: string[] = [];
  const failures: ProbeFailure[] = [];
  let items: UnpublishedItem[] = [];
  let verified: VerifiedItem[] = [];
  let incomplete: string | undefined;
  let detections: Detection[] = [];
  let inventoryRequests = 0;
  try {
    progress('discovering the CMS (anonymous)');
    const discovery = await discoverTarget({ target: config.target, transport: anonymous, fingerprints: await loadBuiltinFingerprints(), maxPages: 5, maxDiscoveryFiles: 5, logger });
    detections = discovery.detect.detections;
    failures.push(...discovery.failures);
    const adapter = chooseAdapter(config.cms, detections.map((detection) => detection.cms));
    const client = createInventoryClient({
      target: origin,
      credentials: config.credentials,
      apiPaths: adapter.apiPaths,
      withhold: adapter.consumesCredentials ?? [],
      timeoutMs: config.timeoutMs,
      rateLimitPerHost: config.rateLimit,
      concurrencyPerHost: config.concurrency,
      maxRequests: config.maxRequests,
      insecure: config.insecure,
      ...(config.userAgent === undefined ? {} : { userAgent: config.userAgent }),
      ...(config.proxy === undefined ? {} : { proxy: config.proxy }),
      logger,
    });
    try {
      const inventory = await adapter.collect({ client, origin, maxItems: config.maxItems, logger, progress, credentials: config.credentials });
      items = inventory.items;
      notes.push(...inventory.notes);
      incomplete = inventory.incomplete;
    } catch (error) {
      if (!(error instanceof InventoryHttpError)) throw error;
      incomplete =
        error.status === 401 || error.status === 403
          ? `not audited: the CMS refused the inventory credentials (${error.status} at ${new URL(error.url).pathname}); check the --inventory-auth header and the account's read permissions`
          : `not audited: the inventory could not be read (${error.message})`;
    } finally {
      inventoryRequests = client.requestsSent();
      await client.close();
    }
    items = throughAssetHosts(items, origin, discovery.crawl.assetHosts, (url) => anonymous.isInScope(url), notes);
    if (stopReason === undefined && items.length > 0) {
      const routes = items.reduce((sum, item) => sum + item.routes.length, 0);
      progress(`verifying ${routes} route(s) of ${items.length} unpublished item(s) anonymously`);
      const outcome = await verifyItems(items, {
        transport: anonymous,
        calibration: discovery.calibration,
        concurrency: config.concurrency,
        progress: (done, total) => progress(`verifying anonymously: ${done}/${total} route(s)`),
        stopped: () => stopReason,
      });
      verified = outcome.verified;
      appendAll(failures, outcome.failures);
    }
  } finally {
    clearTimeout(deadline);
    control.signal?.removeEventListener('abort', onSignal);
  }
  const anonymousRequests = anonymous.stats().requestsSent;
  await anonymous.close();
  if (stopReason !== undefined) incomplete = incomplete === undefined ? stopReason : `${incomplete}; ${stopReason}`;
  const findings = verified.map((entry) => auditFinding(config.target, entry)).filter((finding): finding is Finding => finding !== undefined);
  const summary = summarize(verified.length > 0 ? verified : items.map((item) => ({ item, verdicts: [] })));
  notes.unshift(summaryLine(summary));
  notes.push(`requests: ${inventoryRequests} with the inventory credentials (GET, read API only), ${anonymousRequests} anonymous`);
  const target: TargetResult = {
    target: config.target,
    startedAt,
    endedAt: new Date().toISOString(),
    findings,
    failures,
    rulesRun: [auditRules.content.id, auditRules.file.id],
    requestsSent: anonymousRequests + inventoryRequests,
    executionSuccessful: incomplete === undefined,
    ...(incomplete === undefined ? {} : { incomplete }),
    discovery: { detections, notes, skippedRules: [], pagesCrawled: 0, publishedInventory: 0, apiRoots: [], assetHosts: [] },
  };
  return {
    result: { tool: toolInfo, rules: [auditRules.content, auditRules.file], targets: [target], commandLine, ...(stopReason === undefined ? {} : { stopped: stopReason }), ...(config.insecure ? { insecure: true } : {}) },
    summary,
    verified,
  };
}

function chooseAdapter(named: string | undefined, detected: string[]): InventoryAdapter {
  const supported = [...inventoryAdapters.keys()].join(', ');
  if (named !== undefined) {
    const adapter = inventoryAdapters.get(named);
    if (adapter === undefined) throw new UsageError(`--cms ${named}: audits support ${supported}`);
    return adapter;
  }
  for (const cms of detected) {
    const adapter = inventoryAdapters.get(cms);
    if (adapter !== undefined) return adapter;
  }
  throw new UsageError(`the site's CMS was not recognised as one an audit supports (${detected.length > 0 ? `detected: ${detected.join(', ')}` : 'none detected'}); name it with --cms (${supported})`);
}

function summarize(verified: VerifiedItem[]): AuditSummary {
  const summary: AuditSummary = { items: 0, files: 0, reachableItems: 0, reachableFiles: 0, routes: 0, reachableRoutes: 0 };
  for (const { item, verdicts } of verified) {
    const reachable = verdicts.filter((verdict) => verdict.verdict === 'reachable').length;
    if (item.kind === 'file') {
      summary.files += 1;
      if (reachable > 0) summary.reachableFiles += 1;
    } else {
      summary.items += 1;
      if (reachable > 0) summary.reachableItems += 1;
    }
    summary.routes += verdicts.length;
    summary.reachableRoutes += reachable;
  }
  return summary;
}

export function summaryLine(summary: AuditSummary): string {
  const total = summary.items + summary.files;
  const reachable = summary.reachableItems + summary.reachableFiles;
  return `audit: ${total} unpublished item(s) (${summary.files} file(s)), ${reachable} reachable by an anonymous visitor (${summary.reachableItems} item(s), ${summary.reachableFiles} file(s); ${summary.reachableRoutes} of ${summary.routes} route(s))`;
}

/** Asset hosts asked for each file at most: a CDN or two in front of the uploads, not every host a page names. */
const maxAssetHosts = 3;

/**
 * The same files through the asset hosts the site's pages load from (a CDN in front of the
 * uploads answers the same paths, often from a cache that never heard the item is unpublished):
 * each file route on the target's origin gets a route on each in-scope asset host. Hosts out of
 * scope are named in a note (allow them with --allow-host).
 */
export function throughAssetHosts(items: UnpublishedItem[], origin: string, assetHosts: readonly string[], inScope: (url: string) => boolean, notes: string[]): UnpublishedItem[] {
  const origins = [...new Set(assetHosts.flatMap((value) => {
    try {
      return [new URL(value.includes('://') ? value : `https://${value}`).origin];
    } catch {
      return [];
    }
  }))].filter((host) => host !== origin);
  const usable = origins.filter((host) => inScope(`${host}/`)).slice(0, maxAssetHosts);
  const skipped = origins.filter((host) => !usable.includes(host));
  if (skipped.length > 0 && items.some((item) => item.kind === 'file')) notes.push(`files were not asked through these asset hosts (out of scope; allow with --allow-host): ${skipped.slice(0, 10).join(', ')}`);
  if (usable.length === 0) return items;
  return items.map((item) => {
    if (item.kind !== 'file') return item;
    const extra = item.routes.flatMap((route) => {
      if (route.kind !== 'file' && route.kind !== 'size-variant') return [];
      const url = new URL(route.url);
      if (url.origin !== origin) return [];
      return usable.map((host) => ({ ...route, kind: 'asset-host' as const, url: `${host}${url.pathname}${url.search}` }));
    });
    return extra.length === 0 ? item : { ...item, routes: [...item.routes, ...extra] };
  });
}
