import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIo } from '../support/capture-io.js';
import type { LoopbackServer } from '../support/loopback-server.js';
import { fakeDirectus, startFakeDirectus } from './fake-directus.js';

let site: LoopbackServer;

beforeAll(async () => {
  site = await startFakeDirectus();
});
afterAll(async () => {
  await site.close();
});

interface AuditFinding {
  ruleId: string;
  severity: string;
  items: Array<{ id?: string; status?: string; url?: string; date?: string }>;
  urls: string[];
}
interface AuditReport {
  targets: Array<{ findings: AuditFinding[]; incomplete?: string; discovery?: { notes: string[] } }>;
}

async function auditJson(extra: string[] = [], token = fakeDirectus.token): Promise<{ exitCode: number; report: AuditReport; err: string }> {
  const io = captureIo();
  const exitCode = await runCli(['audit', `${site.origin}/`, '--cms', 'directus', '--rate-limit', '0', '--format', 'json', '--inventory-auth', `Authorization: Bearer ${token}`, ...extra], io);
  return { exitCode, report: JSON.parse(io.out) as AuditReport, err: io.err };
}

const files = fakeDirectus.files;

describe('draftleak audit (Directus, static token)', () => {
  it('names exactly the unpublished item and the files of unpublished items an anonymous visitor is served', async () => {
    const { exitCode, report, err } = await auditJson();
    expect(exitCode).toBe(1);
    const target = report.targets[0];
    const findings = target?.findings ?? [];
    const named = findings.map((finding) => `${finding.ruleId} ${finding.severity} ${finding.items.map((item) => `${item.id}:${item.status}`).join(',')}`).sort();
    expect(named).toEqual(
      [
        // The draft article 5, served by /items/article/5 to the Public policy.
        'audit-unpublished-content-reachable critical 5:draft',
        // The draft article 3's cover, used by nothing published: /assets, ?download and /files.
        `audit-unpublished-file-reachable high ${files.draftOnly}:file of draft article 3`,
        // The scheduled article 4's cover, before its date: critical.
        `audit-unpublished-file-reachable critical ${files.scheduled}:file of scheduled article 4`,
      ].sort(),
    );
    const draftCover = findings.find((finding) => finding.items[0]?.id === files.draftOnly);
    expect(draftCover?.urls.sort()).toEqual([`${site.origin}/assets/${files.draftOnly}`, `${site.origin}/assets/${files.draftOnly}?download`, `${site.origin}/files/${files.draftOnly}`].sort());
    const scheduledCover = findings.find((finding) => finding.items[0]?.id === files.scheduled);
    expect(scheduledCover?.items[0]?.date).toBe('2031-03-01T07:00:00.000Z');
    // 124 unpublished articles (3, 4, 5, 6 and 120 bulk drafts over two pages), the archived page;
    // 4 files used only by them (draft cover, gallery image, scheduled cover, archived cover).
    expect(err).toContain('audit: 129 unpublished item(s) (4 file(s)), 3 reachable by an anonymous visitor (1 item(s), 2 file(s);');
    const notes = target?.discovery?.notes ?? [];
    expect(notes.some((note) => note.includes('page: the status field status has no "published" choice (choices: live, hidden, archived)') && note.includes('only items in its archive value "archived"'))).toBe(true);
    expect(notes.some((note) => note.includes('2 file(s) of unpublished items are also used by published items'))).toBe(true);
    const text = JSON.stringify(report);
    // Published articles 1 and 2, the live and hidden pages, the files shared with a published
    // article or an author, the published cover, the unattached upload: never named. Article 3
    // (a proxy answering article 1), the gallery image (403) and the archived cover (an HTML page)
    // are not reachable.
    for (const id of ['1', '2', '3', '6', 'p-live', 'p-hidden', 'p-archived', files.published, files.shared, files.author, files.gallery, files.archived, files.unattached]) {
      expect(text, id).not.toContain(`"id":"${id}"`);
    }
    expect(text).not.toContain(files.published);
    expect(text).not.toContain(files.shared);
    expect(text).not.toContain(files.author);
  });

  it('sends the token only with GETs to the read API, and asks every route anonymously', async () => {
    site.requests.length = 0;
    await auditJson();
    const withToken = site.requests.filter((request) => request.headers.authorization !== undefined);
    const anonymous = site.requests.filter((request) => request.headers.authorization === undefined);
    expect(withToken.length).toBeGreaterThanOrEqual(10);
    for (const request of withToken) {
      expect(request.method).toBe('GET');
      expect(['/collections', '/fields', '/relations', '/items/', '/files'].some((prefix) => request.url.startsWith(prefix)), request.url).toBe(true);
      expect(request.headers.authorization).toBe(`Bearer ${fakeDirectus.token}`);
    }
    // Both pages of the article inventory were read.
    expect(withToken.some((request) => request.url.startsWith('/items/article?') && request.url.includes('&page=2'))).toBe(true);
    const asked = new Set(anonymous.map((request) => request.url));
    for (const url of ['/items/article/3', '/items/article/4', '/items/article/219', '/items/page/p-archived', `/assets/${files.gallery}`, `/assets/${files.gallery}?download`, `/files/${files.gallery}`, `/assets/${files.archived}`]) {
      expect(asked.has(url), url).toBe(true);
    }
    // Published things are not in the inventory, so they are not even asked.
    for (const url of ['/items/article/1', '/items/article/2', '/items/page/p-live', '/items/page/p-hidden', `/assets/${files.published}`, `/assets/${files.shared}`, `/assets/${files.author}`]) {
      expect(asked.has(url), url).toBe(false);
    }
  });

  it('leaks the token into no report format, no log level and not --explain', async () => {
    for (const format of ['sarif', 'json', 'text']) {
      const io = captureIo();
      await runCli(['audit', `${site.origin}/`, '--cms', 'directus', '--rate-limit', '0', '--format', format, '--log-level', 'trace', '--explain', '--inventory-auth', `Authorization: Bearer ${fakeDirectus.token}`], io);
      const everything = io.out + io.err;
      expect(everything.length).toBeGreaterThan(1000);
      expect(everything, format).not.toContain(fakeDirectus.token);
    }
  });

  it('a refused token gives a report marked not audited and exit 2', async () => {
    const { exitCode, report, err } = await auditJson([], 'wrong-token-0000');
    expect(exitCode).toBe(2);
    expect(report.targets[0]?.findings).toEqual([]);
    expect(report.targets[0]?.incomplete).toMatch(/^not audited: the CMS refused the inventory credentials \(401 at \/collections\)/);
    expect(err).not.toContain('wrong-token-0000');
  });

  it('--max-items stops the inventory and says so', async () => {
    const { report } = await auditJson(['--max-items', '10']);
    expect(report.targets[0]?.incomplete).toContain('the inventory stopped at 10 unpublished items');
  });
});
