import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIo } from '../support/capture-io.js';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const draftList = JSON.stringify([
  { id: 7, date_gmt: '2024-05-01T10:00:00', slug: 'draft-1', status: 'draft', type: 'post', link: '/?p=7' },
  { id: 4, date_gmt: '2024-04-01T10:00:00', slug: 'published-1', status: 'publish', type: 'post', link: '/published-1/' },
]);
const uploadsListing =
  '<html><head><title>Index of /wp-content/uploads/</title></head><body><h1>Index of /wp-content/uploads/</h1><pre><a href="../">../</a>\n<a href="draft.png">draft.png</a></pre></body></html>';

/** A WordPress site with two exposures (critical REST drafts, medium uploads listing); `hidden` removes every fingerprint signal. */
async function site(options: { hidden?: boolean } = {}): Promise<LoopbackServer> {
  const server = await startLoopbackServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/') {
      const head = options.hidden ? '' : '<head><meta name="generator" content="WordPress 6.4.2"></head>';
      const headers: Record<string, string> = { 'content-type': 'text/html' };
      if (!options.hidden) headers.link = `<http://${req.headers.host}/wp-json/>; rel="https://api.w.org/"`;
      res.writeHead(200, headers).end(`<html>${head}<body>home</body></html>`);
    } else if (url === '/wp-json/' && !options.hidden) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'Test', namespaces: ['wp/v2'], routes: {} }));
    } else if (url === '/wp-json/wp/v2/posts?per_page=100') {
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' }).end(draftList);
    } else if (url === '/wp-content/uploads/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(uploadsListing);
    } else {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><title>Page not found</title></html>');
    }
  });
  servers.push(server);
  return server;
}

interface Report {
  targets: { findings: { ruleId: string }[]; rulesRun: string[]; discovery: { skippedRules: { ruleId: string; reason: string }[]; notes: string[] } }[];
}

async function scanJson(args: string[]): Promise<{ code: number; report: Report; err: string }> {
  const io = captureIo();
  const code = await runCli(['scan', ...args, '--format', 'json', '--rate-limit', '0'], io);
  return { code, report: JSON.parse(io.out) as Report, err: io.err };
}

const findingIds = (report: Report): string[] => (report.targets[0]?.findings.map((finding) => finding.ruleId) ?? []).sort();
const skipReason = (report: Report, ruleId: string): string | undefined => report.targets[0]?.discovery.skippedRules.find((skip) => skip.ruleId === ruleId)?.reason;

describe('scan: choosing rules', () => {
  it('--rule runs only the rules named and lists the others as skipped, with why', async () => {
    const target = await site();
    const { code, report } = await scanJson([target.origin, '--rule', 'wp-uploads-directory-listing']);
    expect(code).toBe(1);
    expect(findingIds(report)).toEqual(['wp-uploads-directory-listing']);
    expect(report.targets[0]?.rulesRun).toEqual(['wp-uploads-directory-listing']);
    expect(skipReason(report, 'wp-rest-unpublished-posts')).toBe('not chosen: --rule asks for wp-uploads-directory-listing');
    // repeatable: both named rules run
    const both = await scanJson([target.origin, '--rule', 'wp-uploads-directory-listing', '--rule', 'wp-rest-unpublished-posts']);
    expect(findingIds(both.report)).toEqual(['wp-rest-unpublished-posts', 'wp-uploads-directory-listing']);
  });

  it('the text report says how many rules the flags left out, apart from the CMS gate', async () => {
    const target = await site({ hidden: true });
    const io = captureIo();
    expect(await runCli(['scan', target.origin, '--rule', 'wp-rest-unpublished-posts', '--format', 'text', '--rate-limit', '0'], io)).toBe(0);
    expect(io.out).toMatch(/No exposure found \(0 rule\(s\) ran, 0 failed, \d+ skipped \(1 CMS not detected, \d+ left out by the rule flags\)\)\./);
  });

  it('--exclude-rule leaves a rule out and says so', async () => {
    const target = await site();
    const { report } = await scanJson([target.origin, '--exclude-rule', 'wp-rest-unpublished-posts']);
    expect(findingIds(report)).toEqual(['wp-uploads-directory-listing']);
    expect(skipReason(report, 'wp-rest-unpublished-posts')).toBe('excluded with --exclude-rule');
  });

  it('--tags runs rules with any of the tags given', async () => {
    const target = await site();
    const one = await scanJson([target.origin, '--tags', 'directory-listing']);
    expect(findingIds(one.report)).toEqual(['wp-uploads-directory-listing']);
    expect(skipReason(one.report, 'wp-rest-unpublished-posts')).toBe('no chosen tag: --tags asks for directory-listing, the rule has draft, scheduled, rest-api');
    const any = await scanJson([target.origin, '--tags', 'directory-listing', '--tags', 'rest-api']);
    expect(findingIds(any.report)).toEqual(['wp-rest-unpublished-posts', 'wp-uploads-directory-listing']);
  });

  it('--severity runs rules of at least that severity', async () => {
    const target = await site();
    const { report } = await scanJson([target.origin, '--severity', 'high']);
    expect(findingIds(report)).toEqual(['wp-rest-unpublished-posts']);
    expect(skipReason(report, 'wp-uploads-directory-listing')).toBe('severity medium is below --severity high');
    const io = captureIo();
    expect(await runCli(['scan', target.origin, '--severity', 'severe'], io)).toBe(2);
    expect(io.err).toContain("'severe' is invalid");
  });

  it('--cms runs the rules of a CMS the fingerprints missed', async () => {
    const target = await site({ hidden: true });
    const missed = await scanJson([target.origin, '--rule', 'wp-rest-unpublished-posts']);
    expect(findingIds(missed.report)).toEqual([]);
    expect(skipReason(missed.report, 'wp-rest-unpublished-posts')).toMatch(/^CMS not detected: the rule is for wordpress, the site shows no known CMS .*--cms wordpress/);
    const forced = await scanJson([target.origin, '--rule', 'wp-rest-unpublished-posts', '--cms', 'wordpress']);
    expect(forced.code).toBe(1);
    expect(findingIds(forced.report)).toEqual(['wp-rest-unpublished-posts']);
    expect(forced.report.targets[0]?.discovery.notes).toContain('--cms wordpress: rules for it run as if it was detected');
  });

  it('refuses an unknown rule id or CMS name before sending anything, naming the closest', async () => {
    let requests = 0;
    const server = await startLoopbackServer((_req, res) => {
      requests += 1;
      res.writeHead(404).end();
    });
    servers.push(server);
    const cases: [string[], string][] = [
      [['--rule', 'wp-rest-unpublished-post'], 'draftleak: --rule wp-rest-unpublished-post: no rule has this id (did you mean "wp-rest-unpublished-posts"?)'],
      [['--exclude-rule', 'wp-uploads-directory-listin'], 'draftleak: --exclude-rule wp-uploads-directory-listin: no rule has this id (did you mean "wp-uploads-directory-listing"?)'],
      [['--cms', 'wordpres'], 'draftleak: --cms wordpres: unknown CMS (did you mean "wordpress"?)'],
    ];
    for (const [flags, message] of cases) {
      const io = captureIo();
      expect(await runCli(['scan', server.origin, ...flags], io)).toBe(2);
      expect(io.err.startsWith(message)).toBe(true);
      expect(io.out).toBe('');
    }
    expect(requests).toBe(0);
  });
});
