import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIo } from '../support/capture-io.js';
import type { LoopbackServer } from '../support/loopback-server.js';
import { fakePayload, startFakePayload } from './fake-payload.js';

let site: LoopbackServer;

beforeAll(async () => {
  site = await startFakePayload();
});
afterAll(async () => {
  await site.close();
});

interface Report {
  targets: Array<{ findings: Array<{ ruleId: string; severity: string; items: Array<{ id?: string; status?: string; url?: string }>; urls: string[] }>; incomplete?: string; discovery?: { notes: string[] } }>;
}

async function auditJson(authorization: string, extra: string[] = []): Promise<{ exitCode: number; report: Report; err: string }> {
  const io = captureIo();
  const exitCode = await runCli(['audit', `${site.origin}/`, '--cms', 'payload', '--rate-limit', '0', '--format', 'json', '--inventory-auth', `Authorization: ${authorization}`, ...extra], io);
  return { exitCode, report: JSON.parse(io.out) as Report, err: io.err };
}

function named(report: Report): string[] {
  return (report.targets[0]?.findings ?? []).map((finding) => `${finding.ruleId} ${finding.severity} ${finding.items.map((item) => `${item.id}:${item.status}`).join(',')}`).sort();
}

describe('draftleak audit (Payload 3, API key)', () => {
  it('names exactly the unpublished documents and files an anonymous visitor is served, and nothing published', async () => {
    site.requests.length = 0;
    const { exitCode, report, err } = await auditJson(fakePayload.authorization);
    expect(exitCode).toBe(1);
    expect(named(report)).toEqual([
      // The draft post of a collection with read: () => true: critical.
      'audit-unpublished-content-reachable critical 2:draft',
      // The never-published article's image in the open upload collection (its card size has
      // another size than recorded, so only the file itself).
      'audit-unpublished-file-reachable high 10:file of draft articles 3',
      // The draft post's photo.
      'audit-unpublished-file-reachable high 11:file of draft posts 2',
    ].sort());
    const findings = report.targets[0]?.findings ?? [];
    const post = findings.find((finding) => finding.ruleId === 'audit-unpublished-content-reachable');
    expect(post?.urls.sort()).toEqual([`${site.origin}/api/posts/2`, `${site.origin}/api/posts/2?draft=true`, `${site.origin}/api/posts?where[id][equals]=2&draft=true`].sort());
    expect(findings.find((finding) => finding.items[0]?.id === '10')?.urls).toEqual([`${site.origin}/api/public-media/file/launch-plan.png`]);
    const text = JSON.stringify(findings);
    // Published post 1 and article 1, the files published content uses (media 1, 3, 5, 6), the
    // memo answered by an HTML page, the unproven page 3.
    for (const file of ['published-cover', 'pricing-old', 'shared-avatar', 'site-logo', 'memo.png']) expect(text).not.toContain(file);
    expect(text).not.toContain('/api/pages');
    // 4 articles (3 never published, 1 edit), 120 products over two pages, 1 post; 5 files (media
    // 2 and 4, public-media 10, 11, 12).
    expect(err).toContain('audit: 130 unpublished item(s) (5 file(s)), 3 reachable by an anonymous visitor (1 item(s), 2 file(s);');
    const notes = report.targets[0]?.discovery?.notes ?? [];
    expect(notes.some((note) => note.startsWith('inventory: /api/pages?where[_status][equals]=published gave an incomplete or mixed answer for 1 document(s)'))).toBe(true);
    expect(notes).toContain('inventory: 8 collection(s) read (4 with drafts), 1 global(s)');
    expect(report.targets[0]?.incomplete).toBe('the published versions of pages could not be read completely');
    expect(site.requests.some((request) => request.url.startsWith('/api/products?draft=true') && request.url.includes('page=2'))).toBe(true);
  });

  it('the edit of a published article is proven by its draft date and its latest version id, not by its id', async () => {
    site.requests.length = 0;
    const { report } = await auditJson(fakePayload.authorization);
    expect(named(report).some((line) => line.includes(' 2:modified'))).toBe(false);
    const anonymous = new Set(site.requests.filter((request) => request.headers.authorization === undefined).map((request) => request.url));
    // Asked: its draft (answered with the published version, an older date) and its version.
    for (const url of ['/api/articles/2?draft=true', '/api/articles?where[id][equals]=2&draft=true', '/api/articles/versions/103']) expect(anonymous.has(url), url).toBe(true);
    // Not asked: its plain URL, which serves the published version.
    expect(anonymous.has('/api/articles/2')).toBe(false);
    // The file only its draft uses is in the inventory (asked, refused); the one its published version uses is not.
    expect(anonymous.has('/api/media/file/pricing-new.png')).toBe(true);
    expect(anonymous.has('/api/media/file/pricing-old.png')).toBe(false);
  });

  it('sends the key only with GETs to /api/, and never with an anonymous probe', async () => {
    site.requests.length = 0;
    await auditJson(fakePayload.authorization);
    const withKey = site.requests.filter((request) => request.headers.authorization !== undefined);
    expect(withKey.length).toBeGreaterThanOrEqual(10);
    for (const request of withKey) {
      expect(request.method).toBe('GET');
      expect(request.url.startsWith('/api/')).toBe(true);
      expect(request.headers.authorization).toBe(fakePayload.authorization);
      // The inventory reads metadata only: never a file.
      expect(request.url).not.toContain('/file/');
    }
    const anonymous = new Set(site.requests.filter((request) => request.headers.authorization === undefined).map((request) => request.url));
    for (const url of ['/api/articles/3', '/api/articles/3?draft=true', '/api/articles/versions/104', '/api/media/file/draft-only.png', '/api/public-media/file/memo.png', '/api/public-media/file/launch-plan-300x200.png', '/api/products/1119']) {
      expect(anonymous.has(url), url).toBe(true);
    }
    for (const url of ['/api/media/file/published-cover.png', '/api/media/file/shared-avatar.png', '/api/media/file/site-logo.png', '/api/posts/1', '/api/articles/1']) expect(anonymous.has(url), url).toBe(false);
  });

  it('leaks the key into no report format, no log level and not --explain', async () => {
    for (const format of ['sarif', 'json', 'text']) {
      const io = captureIo();
      await runCli(['audit', `${site.origin}/`, '--cms', 'payload', '--rate-limit', '0', '--format', format, '--log-level', 'trace', '--explain', '--inventory-auth', `Authorization: ${fakePayload.authorization}`], io);
      const everything = io.out + io.err;
      expect(everything.length).toBeGreaterThan(1000);
      expect(everything, format).not.toContain(fakePayload.apiKey);
    }
  });

  it('a key Payload does not accept (it answers as to a visitor) gives a report marked not audited and exit 2', async () => {
    const wrong = 'users API-Key 00000000-0000-4000-8000-000000000000';
    const { exitCode, report, err } = await auditJson(wrong);
    expect(exitCode).toBe(2);
    expect(report.targets[0]?.findings).toEqual([]);
    expect(report.targets[0]?.incomplete).toMatch(/^not audited: the CMS refused the inventory credentials \(403 at \/api\/access\)/);
    expect(err).not.toContain('00000000-0000-4000-8000-000000000000');
  });
});
