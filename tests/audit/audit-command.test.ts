import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { reportFormats } from '../../src/report/index.js';
import { captureIo } from '../support/capture-io.js';
import { startLoopbackServer } from '../support/loopback-server.js';
import type { LoopbackServer } from '../support/loopback-server.js';
import { fakeWordPress, startFakeWordPress } from './fake-wordpress.js';

let site: LoopbackServer;

beforeAll(async () => {
  site = await startFakeWordPress();
});
afterAll(async () => {
  await site.close();
});

interface SarifLike {
  runs: Array<{ results: Array<{ ruleId: string; level: string; properties?: Record<string, unknown>; message: { text: string } }>; invocations: Array<{ executionSuccessful: boolean }> }>;
}

async function auditJson(extra: string[] = []): Promise<{ exitCode: number; report: { targets: Array<{ findings: Array<{ ruleId: string; severity: string; items: Array<{ id?: string; status?: string; url?: string }>; urls: string[] }>; incomplete?: string; discovery?: { notes: string[] } }> }; err: string }> {
  const io = captureIo();
  const exitCode = await runCli(['audit', `${site.origin}/`, '--cms', 'wordpress', '--rate-limit', '0', '--format', 'json', '--inventory-auth', `Authorization: ${fakeWordPress.authorization}`, ...extra], io);
  return { exitCode, report: JSON.parse(io.out), err: io.err };
}

describe('draftleak audit (WordPress, application password)', () => {
  it('names exactly the unpublished item and file an anonymous visitor is served, and nothing published', async () => {
    site.requests.length = 0;
    const { exitCode, report, err } = await auditJson();
    expect(exitCode).toBe(1);
    const findings = report.targets[0]?.findings ?? [];
    const named = findings.map((finding) => `${finding.ruleId} ${finding.severity} ${finding.items.map((item) => `${item.id}:${item.status}`).join(',')}`).sort();
    expect(named).toEqual([
      // The draft's image (full size only: its thumbnail answers 404), high.
      'audit-unpublished-file-reachable high 13:file of draft post 7',
      // The scheduled post, on its permalink before its date: critical.
      'audit-unpublished-content-reachable critical 9:future',
    ].sort());
    const image = findings.find((finding) => finding.items[0]?.id === '13');
    expect(image?.urls).toEqual([`${site.origin}/wp-content/uploads/2026/11/draft-chart.png`]);
    // 120 draft products over two pages, the draft and scheduled posts; 3 files of unpublished posts.
    expect(err).toContain('audit: 125 unpublished item(s) (3 file(s)), 2 reachable by an anonymous visitor (1 item(s), 1 file(s);');
    const text = JSON.stringify(report);
    // The published post 4 and its attachment 15 are never named; the PDF answered by the
    // theme's HTML page and the 403 hero image are not reachable.
    for (const id of ['"4"', '"15"', '"14"', '"16"']) expect(text).not.toContain(`"id":${id}`);
    expect(text).not.toContain('public.png');
  });

  it('sends the credentials only with GETs to the read API, and never with an anonymous probe', async () => {
    site.requests.length = 0;
    await auditJson();
    const withCredentials = site.requests.filter((request) => request.headers.authorization !== undefined);
    const anonymous = site.requests.filter((request) => request.headers.authorization === undefined);
    expect(withCredentials.length).toBeGreaterThanOrEqual(6);
    for (const request of withCredentials) {
      expect(request.method).toBe('GET');
      expect(request.url.startsWith('/wp-json/')).toBe(true);
      expect(request.headers.authorization).toBe(fakeWordPress.authorization);
    }
    // Every route of every item was asked anonymously: REST single, ?p=, preview and files.
    const anonymousUrls = new Set(anonymous.map((request) => request.url));
    for (const url of ['/wp-json/wp/v2/posts/7', '/?p=7', '/?p=7&preview=true', '/2031/03/launch/', '/wp-content/uploads/2026/11/draft-chart.png', '/wp-content/uploads/2026/11/draft-chart-150x150.png', '/wp-content/uploads/2026/11/draft-memo.pdf', '/?post_type=product&p=219']) {
      expect(anonymousUrls.has(url), url).toBe(true);
    }
    // The published post's file is not in the inventory, so it is not even asked.
    expect(anonymousUrls.has('/wp-content/uploads/2026/11/public.png')).toBe(false);
  });

  it('leaks the credentials into no report format (all of them), no log level and not --explain', async () => {
    const password = fakeWordPress.appPassword;
    const encoded = fakeWordPress.authorization.slice('Basic '.length);
    for (const format of reportFormats) {
      const io = captureIo();
      await runCli(['audit', `${site.origin}/`, '--cms', 'wordpress', '--rate-limit', '0', '--format', format, '--log-level', 'trace', '--explain', '--inventory-auth', `Authorization: ${fakeWordPress.authorization}`], io);
      const everything = io.out + io.err;
      expect(everything.length).toBeGreaterThan(1000);
      for (const secret of [password, encoded, password.replaceAll(' ', '')]) expect(everything, format).not.toContain(secret);
      if (format === 'sarif') {
        const sarif = JSON.parse(io.out) as SarifLike;
        expect(sarif.runs[0]?.results.length).toBe(2);
      }
    }
  });

  it('takes the credentials from DRAFTLEAK_INVENTORY_AUTH so no secret sits on the command line', async () => {
    const io = captureIo();
    const { auditCommand } = await import('../../src/cli/commands/audit.js');
    let exitCode = -1;
    const command = auditCommand(io, [], (code) => {
      exitCode = code;
    }, { DRAFTLEAK_INVENTORY_AUTH: `X-Unused: 1\nAuthorization: ${fakeWordPress.authorization}\n` });
    command.exitOverride();
    await command.parseAsync([`${site.origin}/`, '--cms', 'wordpress', '--rate-limit', '0', '--format', 'json'], { from: 'user' });
    expect(exitCode).toBe(1);
    expect(JSON.parse(io.out).targets[0].findings).toHaveLength(2);
  });

  it('refused credentials give a report marked not audited and exit 2, never a clean result', async () => {
    const { exitCode, report, err } = await auditJson(['--inventory-auth', 'Authorization: Basic d3Jvbmc6d3Jvbmc=']);
    expect(exitCode).toBe(2);
    expect(report.targets[0]?.findings).toEqual([]);
    expect(report.targets[0]?.incomplete).toMatch(/^not audited: the CMS refused the inventory credentials \(401 at \/wp-json\/wp\/v2\/types\)/);
    expect(err).not.toContain('d3Jvbmc6d3Jvbmc=');
  });

  it('asks the files through the CDN the pages load from too (with --allow-host), where the origin hides them', async () => {
    // The CDN answers the draft's PDF from its cache although the origin now answers HTML there.
    const cdn = await startLoopbackServer((req, res) => {
      if (req.url === '/wp-content/uploads/2026/11/draft-memo.pdf') res.writeHead(200, { 'content-type': 'application/pdf' }).end(Buffer.alloc(500, 0x25));
      else res.writeHead(404, { 'content-type': 'text/html' }).end('<title>404</title>');
    });
    const withCdn = await startFakeWordPress({ assetHost: cdn.origin });
    try {
      const cdnHost = new URL(cdn.origin).host;
      const run = async (extra: string[]) => {
        const io = captureIo();
        await runCli(['audit', `${withCdn.origin}/`, '--cms', 'wordpress', '--rate-limit', '0', '--format', 'json', '--inventory-auth', `Authorization: ${fakeWordPress.authorization}`, ...extra], io);
        return JSON.parse(io.out).targets[0] as { findings: Array<{ items: Array<{ id?: string }>; urls: string[] }>; discovery: { notes: string[] } };
      };
      const without = await run([]);
      expect(without.findings.some((finding) => finding.items[0]?.id === '14')).toBe(false);
      expect(without.discovery.notes).toContain(`files were not asked through these asset hosts (out of scope; allow with --allow-host): ${cdn.origin}`);
      expect(cdn.requests).toHaveLength(0);
      const allowed = await run(['--allow-host', cdnHost]);
      const memo = allowed.findings.find((finding) => finding.items[0]?.id === '14');
      expect(memo?.urls).toEqual([`${cdn.origin}/wp-content/uploads/2026/11/draft-memo.pdf`]);
      // The CDN is asked anonymously: never with the inventory credentials.
      expect(cdn.requests.every((request) => request.headers.authorization === undefined)).toBe(true);
    } finally {
      await withCdn.close();
      await cdn.close();
    }
  });

  it('without credentials it refuses to start, naming both ways to give them', async () => {
    const io = captureIo();
    const exitCode = await runCli(['audit', `${site.origin}/`, '--cms', 'wordpress'], io);
    expect(exitCode).toBe(2);
    expect(io.err).toContain('--inventory-auth "Name: value" or DRAFTLEAK_INVENTORY_AUTH');
  });
});
