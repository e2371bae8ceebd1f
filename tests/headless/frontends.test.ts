import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { ProbeError } from '../../src/core/errors.js';
import type { Finding } from '../../src/core/finding.js';
import type { HttpRequest, HttpResponse, Transport } from '../../src/core/http-types.js';
import { createLogger } from '../../src/core/logger.js';
import { isTokenVendorHost } from '../../src/core/token-vendors.js';
import { createUndiciTransport, type UndiciTransport } from '../../src/http/index.js';
import { runTarget } from '../../src/scan/run-target.js';
import { loadBuiltinFingerprints, loadConfiguredRules } from '../../src/scan/scan.js';
import { captureIo, type CapturedIo } from '../support/capture-io.js';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';
import { MswTransport } from '../support/msw-transport.js';
import { tempDir } from '../support/temp-dir.js';
import {
  answer,
  bundlePath,
  bypassValue,
  expected,
  mapPath,
  masked,
  publicTokenFor,
  sitePages,
  tokenFor,
  variants,
  vendorHandlers,
  vendorIds,
  type SitePlan,
  type Variant,
  type VendorId,
} from './vendor-sites.js';

/**
 * Issue 13, "What it must show": a loopback front-end imitating a Next.js site per hosted CMS
 * (page with __NEXT_DATA__, a same-origin bundle, its source map, each carrying the vendor's
 * preview/draft-capable credential), scanned with the built-in rules through the real scan.
 */

interface Site {
  vendor: VendorId;
  plan: SitePlan;
  server: LoopbackServer;
}

async function startSites(plan: (vendor: VendorId) => SitePlan): Promise<Site[]> {
  return Promise.all(
    vendorIds.map(async (vendor) => {
      const pages = sitePages(plan(vendor));
      const server = await startLoopbackServer((req, res) => {
        const page = answer(pages, req.url ?? '/');
        res.writeHead(page.status, page.headers).end(page.body);
      });
      return { vendor, plan: plan(vendor), server };
    }),
  );
}

interface JsonTarget {
  target: string;
  findings: (Finding & { items: { id?: string; status?: string; url?: string }[] })[];
  failures: { code: string; url: string }[];
  requestsSent: number;
  discovery?: { detections: { cms: string }[]; notes: string[] };
}

const formats = ['report.json', 'report.sarif', 'report.txt', 'report.md', 'report.html'];
const severityRank = { info: 0, low: 1, medium: 2, high: 3, critical: 4 } as const;

async function scanSites(sites: Site[], label: string): Promise<{ code: number; io: CapturedIo; targets: JsonTarget[]; files: Map<string, string> }> {
  const dir = await tempDir(`headless-${label}`);
  const io = captureIo();
  const code = await runCli(['scan', ...sites.map(({ server }) => server.origin), ...formats.flatMap((file) => ['-o', path.join(dir, file)]), '--explain', '--rate-limit', '0'], io);
  const files = new Map<string, string>();
  for (const file of formats) files.set(file, await readFile(path.join(dir, file), 'utf8'));
  const targets = (JSON.parse(files.get('report.json')!) as { targets: JsonTarget[] }).targets;
  return { code, io, targets, files };
}

const targetOf = (targets: JsonTarget[], site: Site): JsonTarget => {
  const found = targets.find((target) => target.target.replace(/\/$/, '') === site.server.origin);
  if (!found) throw new Error(`no report for ${site.server.origin}`);
  return found;
};

/** What the transport refused as out of scope is exactly what the report says it did not probe. */
function expectOnlyNotedRefusals(target: JsonTarget, origin: string): string[] {
  const others = target.failures.filter((failure) => new URL(failure.url).origin !== origin);
  // Nothing to another host failed in any other way: no connection was ever attempted there.
  expect(others.filter((failure) => failure.code !== 'DL_OUT_OF_SCOPE')).toEqual([]);
  const refused = [...new Set(others.map((failure) => new URL(failure.url).origin))].sort();
  const note = (target.discovery?.notes ?? []).find((line) => line.startsWith('not probed, out of scope'));
  for (const host of refused) expect(note).toContain(host);
  return refused;
}

describe('leaky front-ends, one per vendor, scanned without --verify-tokens', () => {
  let sites: Site[];
  let run: Awaited<ReturnType<typeof scanSites>>;
  beforeAll(async () => {
    sites = await startSites((vendor) => ({ vendor, leaky: true, variant: 'good', ...(vendor === 'contentful' ? { draftRoute: 'open' as const } : {}) }));
    run = await scanSites(sites, 'leaky');
  }, 120_000);
  afterAll(async () => {
    await Promise.all(sites.map(({ server }) => server.close()));
  });

  it('detects each vendor beside Next.js', () => {
    for (const site of sites) {
      const detected = targetOf(run.targets, site).discovery?.detections.map(({ cms }) => cms) ?? [];
      expect(detected).toEqual(expect.arrayContaining(['nextjs', site.vendor]));
    }
  });

  it('finds each token in the page, the bundle and the source map, classified by the vendor rule, masked', () => {
    for (const site of sites) {
      const { rule, status } = expected[site.vendor];
      const target = targetOf(run.targets, site);
      const findings = target.findings.filter((finding) => finding.ruleId === rule);
      expect(findings.map((finding) => new URL(finding.url).pathname).sort(), site.vendor).toEqual(['/', bundlePath, mapPath].sort());
      for (const finding of findings) {
        expect(finding.items, `${site.vendor} ${finding.url}`).toEqual([{ id: masked(tokenFor(site.vendor, 'good')), status, url: finding.url }]);
      }
      // No vendor rule names another vendor's token.
      expect(target.findings.filter((finding) => finding.ruleId !== rule && finding.ruleId.startsWith(site.vendor))).toEqual([]);
    }
  });

  it('finds the Next.js draft-mode route that needs no secret, naming the route, and only there', () => {
    for (const site of sites) {
      const open = targetOf(run.targets, site).findings.filter((finding) => finding.ruleId === 'nextjs-draft-mode-route-open');
      if (site.vendor !== 'contentful') {
        expect(open).toEqual([]);
        continue;
      }
      expect(open).toHaveLength(1);
      expect(new URL(open[0]!.url).pathname).toBe('/api/draft');
      expect(open[0]!.message).toContain('/api/draft enables Next.js Draft Mode');
      expect(open[0]!.items).toEqual([{ id: masked(bypassValue), status: 'draft-mode-enabled', url: open[0]!.url }]);
    }
  });

  it('no raw token (nor the bypass cookie) in any report format, on stdout, or in --explain', () => {
    const secrets = [...vendorIds.map((vendor) => tokenFor(vendor, 'good')), bypassValue];
    const outputs = [...run.files.entries(), ['stdout', run.io.out], ['stderr (--explain)', run.io.err]] as const;
    expect(run.io.err).toContain('step document'); // --explain did print the discovered steps
    for (const [where, text] of outputs) {
      for (const secret of secrets) expect(text.includes(secret), `${where} holds ${secret.slice(0, 6)}…`).toBe(false);
    }
    // Masked forms are there instead.
    for (const vendor of vendorIds) expect(run.files.get('report.sarif')).toContain(masked(tokenFor(vendor, 'good')));
  });

  it('sends nothing beyond the target: every request reached its loopback server; vendor hosts refused only as the report notes', () => {
    const refusedHosts: string[] = [];
    for (const site of sites) {
      const target = targetOf(run.targets, site);
      expect(site.server.connections).toBeGreaterThan(0);
      // The scan's count of sent requests is what this server received: none went elsewhere.
      expect(target.requestsSent).toBe(site.server.requests.length);
      refusedHosts.push(...expectOnlyNotedRefusals(target, site.server.origin));
    }
    // What was not probed is said: e.g. the Sanity public-dataset check's project API host.
    const sanity = targetOf(run.targets, sites.find((site) => site.vendor === 'sanity')!);
    expect(sanity.discovery?.notes.find((line) => line.startsWith('not probed, out of scope'))).toContain('https://q3x7k2ma.api.sanity.io');
    // The rules that ask a vendor host for a non-token check (Sanity public dataset, Prismic
    // refs, Hygraph public stage) were refused without --allow-host; no verify call was tried.
    expect(refusedHosts.every((host) => !/storyblok|contentful\.com|datocms|contentstack|kontent/.test(host))).toBe(true);
  });
});

describe('the same front-ends configured correctly', () => {
  let sites: Site[];
  let run: Awaited<ReturnType<typeof scanSites>>;
  beforeAll(async () => {
    sites = await startSites((vendor) => ({ vendor, leaky: false, variant: 'good', ...(vendor === 'contentful' ? { draftRoute: 'secret' as const } : {}) }));
    run = await scanSites(sites, 'correct');
  }, 120_000);
  afterAll(async () => {
    await Promise.all(sites.map(({ server }) => server.close()));
  });

  it('stay quiet above low: public delivery tokens only, the draft route requires its secret', () => {
    for (const site of sites) {
      const target = targetOf(run.targets, site);
      const loud = target.findings.filter((finding) => severityRank[finding.severity] > severityRank.low);
      expect(loud.map((finding) => `${finding.ruleId} ${finding.url}`), site.vendor).toEqual([]);
      expectOnlyNotedRefusals(target, site.server.origin);
      expect(target.requestsSent).toBe(site.server.requests.length);
    }
    const contentful = sites.find((site) => site.vendor === 'contentful')!;
    // The draft route was asked, without its secret, and refused.
    expect(contentful.server.requests.some((request) => request.url.startsWith('/api/draft?'))).toBe(true);
    // A public token is at most information (Storyblok's asks verification to decide) and masked.
    const storyblok = targetOf(run.targets, sites.find((site) => site.vendor === 'storyblok')!);
    expect(storyblok.findings.map((finding) => [finding.ruleId, finding.severity])).toEqual(
      expect.arrayContaining([['storyblok-access-token-reads-drafts', 'info']]),
    );
    for (const vendor of vendorIds) {
      const token = publicTokenFor(vendor);
      if (token === undefined) continue;
      for (const [where, text] of [...run.files.entries(), ['stderr', run.io.err] as const]) expect(text.includes(token), `${where}: ${vendor}`).toBe(false);
    }
  });
});

/**
 * The real undici transport for the target; vendor API calls of verify steps to the msw
 * stand-ins (the real transport cannot reach vendor hosts and msw cannot intercept undici).
 */
class SplitTransport implements Transport {
  readonly vendorCalls: HttpRequest[] = [];
  /** Requests to any other origin than the target's that were not verify calls. */
  readonly elsewhere: string[] = [];
  constructor(
    private readonly real: UndiciTransport,
    private readonly vendor: MswTransport,
    private readonly origin: string,
  ) {}

  isInScope(url: string, request?: Pick<HttpRequest, 'verifyToken'>): boolean {
    return this.real.isInScope(url, request);
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    if (request.verifyToken === true && isTokenVendorHost(new URL(request.url))) {
      if (!this.real.isInScope(request.url, request)) throw new ProbeError('DL_OUT_OF_SCOPE', request.url, 'not in scope');
      this.vendorCalls.push(request);
      return this.vendor.send(request);
    }
    if (new URL(request.url).origin !== this.origin) this.elsewhere.push(request.url);
    return this.real.send(request);
  }
}

describe('with --verify-tokens: each vendor API, as documented, says verified / unverified / unknown', () => {
  let rules: Awaited<ReturnType<typeof loadConfiguredRules>>;
  let fingerprints: Awaited<ReturnType<typeof loadBuiltinFingerprints>>;
  beforeAll(async () => {
    rules = await loadConfiguredRules({ builtinRules: true, rulePaths: [] });
    fingerprints = await loadBuiltinFingerprints();
  });

  const want: Record<Variant, string> = { good: 'verified', bad: 'unverified', slow: 'unknown' };

  for (const variant of variants) {
    it(`tokens the vendor ${variant === 'good' ? 'accepts' : variant === 'bad' ? 'refuses' : 'never answers for'}: ${want[variant]}`, async () => {
      const sites = await startSites((vendor) => ({ vendor, leaky: true, variant }));
      try {
        for (const site of sites) {
          const real = createUndiciTransport({ target: site.server.origin, rateLimitPerHost: 0, verifyTokens: true });
          const vendor = new MswTransport(vendorHandlers);
          const transport = new SplitTransport(real, vendor, site.server.origin);
          try {
            const run = await runTarget({
              target: site.server.origin,
              rules,
              fingerprints,
              transport,
              concurrency: 4,
              verifyTokens: true,
              crawlLimits: { maxPages: 20 },
              choice: { allRules: false },
              logger: createLogger('silent'),
              traffic: () => real.stats(),
              spentBudgets: () => real.spentBudgets(),
            });
            const { rule } = expected[site.vendor];
            const findings = run.result.findings.filter((finding) => finding.ruleId === rule);
            expect(findings.map((finding) => new URL(finding.url).pathname).sort(), site.vendor).toEqual(['/', bundlePath, mapPath].sort());
            expect(findings.map((finding) => finding.verification), site.vendor).toEqual([want[variant], want[variant], want[variant]]);
            // The finding stands on the site's own documents whatever the vendor said, masked.
            for (const finding of findings) expect(finding.items.map((item) => item.id)).toEqual([masked(tokenFor(site.vendor, variant))]);
            // Every verify call went to the vendor stand-in, one per finding at most, each to a
            // handler written for it; none carried another vendor's token.
            expect(vendor.unhandled, site.vendor).toEqual([]);
            const calls = transport.vendorCalls.filter((call) => call.url.includes(site.vendor === 'kontent-ai' ? 'kontent' : site.vendor));
            expect(calls.length, site.vendor).toBeGreaterThan(0);
            expect(transport.vendorCalls.length).toBeLessThanOrEqual(run.result.findings.length);
            // Nothing else left for another host; what a rule could not probe is in the notes.
            expect(transport.elsewhere, site.vendor).toEqual([]);
            // Only the target's own traffic reached the loopback server.
            expect(real.stats().requestsSent).toBe(site.server.requests.length);
          } finally {
            await real.close();
          }
        }
      } finally {
        await Promise.all(sites.map(({ server }) => server.close()));
      }
    }, 120_000);
  }
});
