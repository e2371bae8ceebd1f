import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIo } from '../support/capture-io.js';
import type { LoopbackServer } from '../support/loopback-server.js';
import { fakeGhost, startFakeGhost } from './fake-ghost.js';

let site: LoopbackServer;

beforeAll(async () => {
  site = await startFakeGhost();
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

async function auditJson(auth = `Ghost-Admin-Api-Key: ${fakeGhost.adminKey}`, extra: string[] = []): Promise<{ exitCode: number; report: AuditReport; err: string; out: string }> {
  const io = captureIo();
  const exitCode = await runCli(['audit', `${site.origin}/`, '--cms', 'ghost', '--rate-limit', '0', '--format', 'json', '--inventory-auth', auth, ...extra], io);
  return { exitCode, report: io.out.trim().startsWith('{') ? (JSON.parse(io.out) as AuditReport) : { targets: [] }, err: io.err, out: io.out };
}

const image = (name: string): string => `/content/images/2026/11/${name}`;

describe('draftleak audit (Ghost, Admin API key)', () => {
  it('names exactly the unpublished page and the files only unpublished posts use that an anonymous visitor is served', async () => {
    const { exitCode, report, err } = await auditJson();
    expect(exitCode).toBe(1);
    const target = report.targets[0];
    const findings = target?.findings ?? [];
    const named = findings.map((finding) => `${finding.ruleId} ${finding.severity} ${finding.items.map((item) => `${item.id}:${item.status}`).join(',')}`).sort();
    expect(named).toEqual(
      [
        // The draft page's preview /p/<uuid>/ renders it to whoever has the link (body class
        // page-secret-page): high, a share link, not a guessable id.
        `audit-unpublished-content-reachable high ${fakeGhost.ids.draftPage}:draft`,
        // The draft post's preview too (its canonical link and its own cover).
        `audit-unpublished-content-reachable high ${fakeGhost.ids.draft}:draft`,
        `audit-unpublished-file-reachable high ${image('draft-cover.png')}:file of draft post ${fakeGhost.ids.draft}`,
        `audit-unpublished-file-reachable high ${image('draft-inline.png')}:file of draft post ${fakeGhost.ids.draft}`,
        // The scheduled post's feature image, before its date: critical.
        `audit-unpublished-file-reachable critical ${image('launch.png')}:file of scheduled post ${fakeGhost.ids.scheduled}`,
      ].sort(),
    );
    const inline = findings.find((finding) => finding.items[0]?.id === image('draft-inline.png'));
    expect(inline?.urls.sort()).toEqual([`${site.origin}${image('draft-inline.png')}`, `${site.origin}/content/images/size/w600/2026/11/draft-inline.png`].sort());
    expect(findings.find((finding) => finding.items[0]?.id === image('launch.png'))?.items[0]?.date).toBe('2031-03-01T07:00:00.000Z');
    // 122 unpublished posts (the draft, the scheduled post, 120 bulk drafts over two pages) and
    // 2 draft pages; 5 files only they use (cover, inline, email-only lexical image, launch
    // image, launch deck PDF).
    expect(err).toContain('audit: 129 unpublished item(s) (5 file(s)), 5 reachable by an anonymous visitor (2 item(s), 3 file(s);');
    const notes = target?.discovery?.notes ?? [];
    expect(notes).toContain('inventory: 3 file(s) of unpublished items are also used by published content and are not audited as unpublished');
    const draftPost = findings.find((finding) => finding.items[0]?.id === fakeGhost.ids.draft);
    expect(draftPost?.urls).toEqual([`${site.origin}/p/${fakeGhost.uuids.draft}/`]);
    expect(notes.some((note) => note.startsWith('inventory: newsletters could not be read'))).toBe(true);
    const text = JSON.stringify(report);
    // Published items and the files they (or a tag, or the logo) use are never named; the
    // other draft page (a preview answering another page), the email-only image (404) and the PDF
    // answered by an HTML page are not reachable.
    for (const id of [fakeGhost.ids.published, fakeGhost.ids.publishedPage, fakeGhost.ids.otherPage, fakeGhost.ids.scheduled, '6571a3f2c9e8b40001b00000']) expect(text).not.toContain(`"id":"${id}"`);
    for (const name of ['public.png', 'shared.png', 'tag-cover.png', 'logo.png', 'draft-lexical-only.png', 'launch-deck.pdf']) expect(text, name).not.toContain(`"id":"/content/${name.endsWith('.pdf') ? 'files' : 'images'}/2026/11/${name}"`);
    for (const name of ['public.png', 'shared.png', 'tag-cover.png', 'logo.png']) expect(text, name).not.toContain(name);
  });

  it('signs a valid short-lived JWT for every Admin API request, GET only, and asks every route anonymously', async () => {
    site.requests.length = 0;
    await auditJson();
    const admin = site.requests.filter((request) => request.headers.authorization !== undefined);
    expect(admin.length).toBeGreaterThanOrEqual(8);
    for (const request of admin) {
      expect(request.method).toBe('GET');
      expect(request.url.startsWith('/ghost/api/admin/')).toBe(true);
      expect(request.headers.authorization).toMatch(/^Ghost [\w-]+\.[\w-]+\.[\w-]+$/);
      expect(request.headers['accept-version']).toBe('v5.0');
    }
    // Both pages of the posts inventory were read, and the published ones scanned for shared files.
    expect(admin.some((request) => request.url.includes('/posts/?filter=status%3A%5Bdraft%2Cscheduled%5D') && request.url.includes('&page=2'))).toBe(true);
    expect(admin.some((request) => request.url.includes('/posts/?filter=status%3A%5Bpublished%2Csent%5D'))).toBe(true);
    const anonymous = new Set(site.requests.filter((request) => request.headers.authorization === undefined).map((request) => request.url));
    for (const url of [`/ghost/api/admin/posts/${fakeGhost.ids.draft}/`, `/ghost/api/admin/pages/${fakeGhost.ids.draftPage}/`, `/p/${fakeGhost.uuids.draftPage}/`, '/secret-page/', image('draft-lexical-only.png'), '/content/files/2026/11/launch-deck.pdf']) {
      expect(anonymous.has(url), url).toBe(true);
    }
    for (const url of [image('public.png'), image('shared.png'), image('tag-cover.png'), image('logo.png'), '/hello/']) expect(anonymous.has(url), url).toBe(false);
  });

  // The adapter consumes the pseudo-header Ghost-Admin-Api-Key (it signs the JWT), so the
  // inventory client withholds it: only the JWT travels.
  it('never sends the Admin API key itself, only the JWT signed with it', async () => {
    fakeGhost.adminHeaderNames.clear();
    await auditJson();
    expect(fakeGhost.adminHeaderNames.has('authorization')).toBe(true);
    expect(fakeGhost.adminHeaderNames.has('ghost-admin-api-key')).toBe(false);
  });

  it('leaks neither the key nor a token into any report format, log level or --explain', async () => {
    for (const format of ['sarif', 'json', 'text']) {
      const io = captureIo();
      await runCli(['audit', `${site.origin}/`, '--cms', 'ghost', '--rate-limit', '0', '--format', format, '--log-level', 'trace', '--explain', '--inventory-auth', `Ghost-Admin-Api-Key: ${fakeGhost.adminKey}`], io);
      const everything = io.out + io.err;
      expect(everything.length).toBeGreaterThan(1000);
      for (const secret of [fakeGhost.secret, fakeGhost.keyId, 'eyJhbGciOiJIUzI1NiIs']) expect(everything, format).not.toContain(secret);
    }
  });

  it('a key Ghost refuses gives a report marked not audited and exit 2', async () => {
    const wrong = `${fakeGhost.keyId}:${'0'.repeat(64)}`;
    const { exitCode, report, err } = await auditJson(`Ghost-Admin-Api-Key: ${wrong}`);
    expect(exitCode).toBe(2);
    expect(report.targets[0]?.findings).toEqual([]);
    expect(report.targets[0]?.incomplete).toMatch(/^not audited: the CMS refused the inventory credentials \(401 at \/ghost\/api\/admin\/posts\/\)/);
    expect(err).not.toContain('0'.repeat(64));
  });

  it('a malformed key or no key is a usage error that does not repeat the value', async () => {
    const malformed = await auditJson('Ghost-Admin-Api-Key: not-a-key-value-1234');
    expect(malformed.exitCode).toBe(2);
    expect(malformed.err).toContain('Ghost-Admin-Api-Key: expected "<24 hex id>:<64 hex secret>"');
    expect(malformed.out + malformed.err).not.toContain('not-a-key-value-1234');
    const missing = await auditJson('X-Other: 1');
    expect(missing.exitCode).toBe(2);
    expect(missing.err).toContain('--inventory-auth "Ghost-Admin-Api-Key: <id>:<secret>"');
  });
});
