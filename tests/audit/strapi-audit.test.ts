import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluralize } from '../../src/audit/adapters/strapi.js';
import { runCli } from '../../src/cli/program.js';
import { captureIo } from '../support/capture-io.js';
import type { LoopbackServer } from '../support/loopback-server.js';
import { fakeStrapi, startFakeStrapi } from './fake-strapi.js';

let site: LoopbackServer;

beforeAll(async () => {
  site = await startFakeStrapi();
});
afterAll(async () => {
  await site.close();
});

interface Report {
  targets: Array<{ findings: Array<{ ruleId: string; severity: string; items: Array<{ id?: string; status?: string; url?: string }>; urls: string[] }>; incomplete?: string; executionSuccessful?: boolean; discovery?: { notes: string[] } }>;
}

async function auditJson(token: string, extra: string[] = []): Promise<{ exitCode: number; report: Report; err: string }> {
  const io = captureIo();
  const exitCode = await runCli(['audit', `${site.origin}/`, '--cms', 'strapi', '--rate-limit', '0', '--format', 'json', '--inventory-auth', `Authorization: Bearer ${token}`, ...extra], io);
  return { exitCode, report: JSON.parse(io.out) as Report, err: io.err };
}

const expectedFindings = [
  // The never-published event, which the Public role may read with status=draft: critical.
  'audit-unpublished-content-reachable critical draft0event0000000000002:draft',
  // The never-published launch plan's image (the file and its thumbnail; the small format 404s).
  'audit-unpublished-file-reachable high 2:file of draft article draft0launch000000000003',
  // The image only the unpublished edit of the pricing article uses.
  'audit-unpublished-file-reachable high 4:file of modified article pub0pricing0000000000002',
  // The never-published event's poster.
  'audit-unpublished-file-reachable high 8:file of draft event draft0event0000000000002',
].sort();

function named(report: Report): string[] {
  const findings = report.targets[0]?.findings ?? [];
  return findings.map((finding) => `${finding.ruleId} ${finding.severity} ${finding.items.map((item) => `${item.id}:${item.status}`).join(',')}`).sort();
}

function expectNothingPublished(report: Report): void {
  const text = JSON.stringify(report.targets[0]?.findings ?? []);
  // Published documents (unchanged, or only their published version), the published cover, the
  // file a component of published content shares, the file of an unchanged document's draft row,
  // the orphan, the document whose publication state the pages answer could not prove.
  for (const id of ['pub0welcome0000000000001', 'pub0event000000000000001', 'pub0page0000000000000001', 'unproven0page00000000003']) expect(text).not.toContain(id);
  for (const file of ['welcome_cover', 'shared_logo', 'welcome_alt', 'orphan', 'memo_77aa']) expect(text).not.toContain(file);
}

describe('draftleak audit (Strapi 5, API token)', () => {
  it('custom token: content types from the builder; names exactly what an anonymous visitor is served, nothing published', async () => {
    site.requests.length = 0;
    const { exitCode, report, err } = await auditJson(fakeStrapi.customToken);
    expect(exitCode).toBe(1);
    expect(named(report)).toEqual(expectedFindings);
    const findings = report.targets[0]?.findings ?? [];
    const image = findings.find((finding) => finding.items[0]?.id === '2');
    expect(image?.urls).toEqual([`${site.origin}/uploads/launch_plan_1103ba9f23.png`, `${site.origin}/uploads/thumbnail_launch_plan_1103ba9f23.png`]);
    expect(image?.items[0]?.url).toBe(`${site.origin}/uploads/launch_plan_1103ba9f23.png`);
    const event = findings.find((finding) => finding.ruleId === 'audit-unpublished-content-reachable');
    expect(event?.urls.sort()).toEqual([`${site.origin}/api/events/draft0event0000000000002?status=draft`, `${site.origin}/api/events?status=draft&filters[documentId][$eq]=draft0event0000000000002`].sort());
    expectNothingPublished(report);
    // 2 never-published articles + the edited one, 120 products over two pages, the event, the
    // homepage single type; 4 files (the launch plan's, the memo's, the edit's, the poster).
    expect(err).toContain('audit: 129 unpublished item(s) (4 file(s)), 4 reachable by an anonymous visitor (1 item(s), 3 file(s);');
    const notes = report.targets[0]?.discovery?.notes ?? [];
    expect(notes).toContain('inventory: 5 content type(s) with draft and publish (content-type builder)');
    expect(notes.some((note) => note.startsWith('inventory: /api/pages?status=published gave an incomplete or mixed answer for 3 document(s)'))).toBe(true);
    expect(report.targets[0]?.incomplete).toBe('the published versions of api::page.page could not be read completely');
    // The products' second page was read.
    expect(site.requests.some((request) => request.url.startsWith('/api/products?status=draft') && request.url.includes('pagination[page]=2'))).toBe(true);
  });

  it('read-only token: the builder refuses it (403), the role tree names the types, same result', async () => {
    const { exitCode, report } = await auditJson(fakeStrapi.readOnlyToken);
    expect(exitCode).toBe(1);
    expect(named(report)).toEqual(expectedFindings);
    expectNothingPublished(report);
    const notes = report.targets[0]?.discovery?.notes ?? [];
    expect(notes.some((note) => note.startsWith('inventory: 5 content type(s) from the users-permissions role tree'))).toBe(true);
  });

  it('the edit of a published document is proven by its draft row id: its published version at the draft URL is not it', async () => {
    site.requests.length = 0;
    const { report } = await auditJson(fakeStrapi.customToken, ['--explain']);
    expect(named(report)).not.toContain('audit-unpublished-content-reachable critical pub0pricing0000000000002:modified');
    // Asked anonymously: the fake answers it with the published row (id 4), not the draft row (id 3).
    expect(site.requests.some((request) => request.headers.authorization === undefined && request.url === '/api/articles/pub0pricing0000000000002?status=draft')).toBe(true);
    // The published-only single route of an edit is not asked: it serves the published version.
    expect(site.requests.some((request) => request.headers.authorization === undefined && request.url === '/api/articles/pub0pricing0000000000002')).toBe(false);
  });

  it('sends the token only with GETs to /api/, and never with an anonymous probe', async () => {
    site.requests.length = 0;
    await auditJson(fakeStrapi.customToken);
    const withCredentials = site.requests.filter((request) => request.headers.authorization !== undefined);
    const anonymous = site.requests.filter((request) => request.headers.authorization === undefined);
    expect(withCredentials.length).toBeGreaterThanOrEqual(10);
    for (const request of withCredentials) {
      expect(request.method).toBe('GET');
      expect(request.url.startsWith('/api/')).toBe(true);
      expect(request.headers.authorization).toBe(`Bearer ${fakeStrapi.customToken}`);
    }
    const anonymousUrls = new Set(anonymous.map((request) => request.url));
    for (const url of ['/api/articles/draft0launch000000000003', '/api/articles/draft0launch000000000003?status=draft', '/api/homepage?status=draft', '/uploads/small_launch_plan_1103ba9f23.png', '/uploads/memo_77aa.pdf', `/api/products/draftproduct000000000119?status=draft`]) {
      expect(anonymousUrls.has(url), url).toBe(true);
    }
    // Files no unpublished document alone uses are not in the inventory, so not even asked.
    for (const url of ['/uploads/welcome_cover_14950b2be5.png', '/uploads/shared_logo_9a9a.png', '/uploads/welcome_alt_1b1b.png', '/uploads/orphan_2c2c.png']) expect(anonymousUrls.has(url), url).toBe(false);
  });

  it('leaks the token into no report format, no log level and not --explain', async () => {
    for (const format of ['sarif', 'json', 'text']) {
      const io = captureIo();
      await runCli(['audit', `${site.origin}/`, '--cms', 'strapi', '--rate-limit', '0', '--format', format, '--log-level', 'trace', '--explain', '--inventory-auth', `Authorization: Bearer ${fakeStrapi.customToken}`], io);
      const everything = io.out + io.err;
      expect(everything.length).toBeGreaterThan(1000);
      expect(everything, format).not.toContain(fakeStrapi.customToken);
      expect(everything, format).not.toContain(fakeStrapi.customToken.slice(0, 40));
    }
  });

  it('a refused token gives a report marked not audited and exit 2', async () => {
    const wrong = 'deadbeef'.repeat(32);
    const { exitCode, report, err } = await auditJson(wrong);
    expect(exitCode).toBe(2);
    expect(report.targets[0]?.findings).toEqual([]);
    expect(report.targets[0]?.incomplete).toMatch(/^not audited: the CMS refused the inventory credentials \(401 at \/api\/content-type-builder\/content-types\)/);
    expect(err).not.toContain(wrong);
  });

  it('derives plurals as the content-type builder proposes them', () => {
    expect(['article', 'category', 'news', 'blog-post', 'case-study', 'box', 'person', 'leaf', 'key'].map(pluralize)).toEqual(['articles', 'categories', 'news', 'blog-posts', 'case-studies', 'boxes', 'people', 'leaves', 'keys']);
  });
});
