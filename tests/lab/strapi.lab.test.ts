import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit/audit.js';
import { InventoryCredentials } from '../../src/audit/credentials.js';
import type { Finding, TargetResult } from '../../src/core/finding.js';
import { createLogger } from '../../src/core/logger.js';
import { describeFindings, exposures, findingOf, misconfig, readState, report, scanLab, withMisconfig } from './lib/harness.js';
import { recordRuleCase, recording } from './lib/record.js';

/** What tests/lab/strapi/up.sh writes (lab.mjs seed). */
interface StrapiState {
  articles: {
    published: { documentId: string; slug: string }[];
    drafts: { documentId: string; slug: string }[];
    /** A published document whose draft version was edited after publishing. */
    draftEdit: { documentId: string; slug: string };
  };
  /** The never-published drafts and the document with an unpublished edit. */
  draftDocumentIds: string[];
  neverPublishedDocumentIds: string[];
  publishedDocumentIds: string[];
  uploads: {
    published: { id: number; url: string; absoluteUrl: string };
    draftOnly: { id: number; url: string; absoluteUrl: string };
  };
  /** The audit's API tokens (lab.mjs inventory-tokens): read-only, and custom least-privilege. */
  inventoryTokens: Record<'readOnly' | 'custom', { id: number; name: string; type: string; accessKey: string }>;
}

const cms = 'strapi';
const draftsRule = 'strapi-v5-public-drafts';
const editsRule = 'strapi-v5-public-draft-edits';
const uploadsRule = 'strapi-public-upload-list';
const draftMediaRule = 'strapi-public-upload-draft-media';
const misconfigs = ['public-find', 'public-upload'];

const state = await readState<StrapiState>(cms);

function itemIds(finding: Finding): string[] {
  return finding.items.map((item) => item.id ?? '');
}

/**
 * status=draft returns a draft version of every document, published ones included: the drafts
 * rule names exactly the never-published documents, and the edits rule exactly the published
 * document whose draft was edited. No other published document is named by either.
 */
function expectDrafts(target: TargetResult): void {
  const drafts = findingOf(target, draftsRule);
  expect(drafts.url).toContain('/api/articles?status=draft');
  expect([...itemIds(drafts)].sort(), `${draftsRule} names the never-published documents only`).toEqual([...state.neverPublishedDocumentIds].sort());
  expect(drafts.items.every((item) => item.status === 'draft')).toBe(true);

  const edits = findingOf(target, editsRule);
  expect(edits.url).toContain('/api/articles?status=draft');
  expect(itemIds(edits), `${editsRule} names the edited published document only`).toEqual([state.articles.draftEdit.documentId]);
  expect(edits.items[0]?.status).toBe('unpublished-edit');

  const untouched = state.publishedDocumentIds.filter((id) => id !== state.articles.draftEdit.documentId);
  for (const finding of [drafts, edits]) {
    for (const documentId of untouched) {
      expect(itemIds(finding), `${finding.ruleId} must not name published document ${documentId}`).not.toContain(documentId);
    }
  }
}

/** /api/upload/files lists the whole library: a listing (medium), with no unpublished claim. */
function expectUploadListing(target: TargetResult): void {
  const finding = findingOf(target, uploadsRule);
  const { draftOnly, published } = state.uploads;
  expect(finding.severity).toBe('medium');
  const urls = finding.items.map((entry) => entry.url);
  expect(urls).toContain(draftOnly.absoluteUrl);
  expect(urls).toContain(published.absoluteUrl);
  expect(finding.items.filter((item) => item.status !== undefined), `${uploadsRule} claims no file is unpublished`).toEqual([]);
}

/** With the articles readable too, the file only a draft uses is named, the published cover is not. */
function expectDraftMedia(target: TargetResult): void {
  const finding = findingOf(target, draftMediaRule);
  const { draftOnly, published } = state.uploads;
  expect(finding.items, `${draftMediaRule} names the draft-only upload only`).toEqual([expect.objectContaining({ id: String(draftOnly.id), url: draftOnly.absoluteUrl, status: 'draft-media' })]);
  expect(finding.items.map((item) => item.url), `${draftMediaRule} must not name the published cover`).not.toContain(published.absoluteUrl);
}

function expectSilent(target: TargetResult, ruleId: string, why: string): void {
  expect(target.findings.filter((finding) => finding.ruleId === ruleId), `${ruleId} must not fire: ${why}`).toEqual([]);
}

/** Records this state's real exchanges for each rule into <id>.recorded.cases.yaml. */
async function record(stateName: string, expectations: Record<string, 'finding' | 'none'>): Promise<void> {
  if (!recording) return;
  for (const [ruleId, expectation] of Object.entries(expectations)) {
    await recordRuleCase({ ruleId, cms, version: state.version, state: stateName, baseUrl: state.baseUrl, expect: expectation });
  }
}

describe.sequential(`strapi ${state.version} lab (${state.baseUrl})`, () => {
  it('default install: detected as Strapi, no exposure above low', async () => {
    // A run that died half-way may have left a toggle on; `off` is idempotent.
    for (const name of misconfigs) await misconfig(cms, 'off', name);
    const target = await scanLab(state.baseUrl);
    report(cms, 'default', target);
    expect(target.discovery?.detections.map((detection) => detection.cms)).toContain('strapi');
    const above = exposures(target).filter((finding) => finding.severity !== 'low');
    expect(above, `findings above low on a default Strapi: ${describeFindings(above)}`).toEqual([]);
    await record('default', { [draftsRule]: 'none', [editsRule]: 'none', [uploadsRule]: 'none', [draftMediaRule]: 'none' });
  });

  it('misconfig public-find: status=draft reads the never-published documents and the unpublished edit', async () => {
    await withMisconfig(cms, ['public-find'], async () => {
      const target = await scanLab(state.baseUrl);
      report(cms, 'misconfig public-find', target);
      expectDrafts(target);
      expectSilent(target, uploadsRule, 'public-find alone does not open the media library');
      expectSilent(target, draftMediaRule, 'public-find alone does not open the media library');
      await record('misconfig public-find', { [draftsRule]: 'finding', [editsRule]: 'finding' });
    });
  });

  it('misconfig public-upload: /api/upload/files lists every file; which are draft-only is not provable', async () => {
    await withMisconfig(cms, ['public-upload'], async () => {
      const target = await scanLab(state.baseUrl);
      report(cms, 'misconfig public-upload', target);
      expectUploadListing(target);
      expectSilent(target, draftsRule, 'public-upload alone does not open the articles');
      expectSilent(target, editsRule, 'public-upload alone does not open the articles');
      expectSilent(target, draftMediaRule, 'without read on the articles, populate=related shows no entry');
      await record('misconfig public-upload', { [uploadsRule]: 'finding', [draftMediaRule]: 'none' });
    });
  });

  it('both misconfigurations: the drafts, the edit, the listing, and the file only a draft uses', async () => {
    await withMisconfig(cms, misconfigs, async () => {
      const target = await scanLab(state.baseUrl);
      report(cms, 'misconfig public-find + public-upload', target);
      expectDrafts(target);
      expectUploadListing(target);
      expectDraftMedia(target);
      await record('misconfig public-find + public-upload', { [draftMediaRule]: 'finding' });
    });
  });

  // Audit mode: the inventory with the lab's API tokens, then anonymous checks of every route.
  async function auditLab(token: 'readOnly' | 'custom'): Promise<{ findings: Finding[]; notes: string[]; executionSuccessful: boolean }> {
    const credentials = new InventoryCredentials([['Authorization', `Bearer ${state.inventoryTokens[token].accessKey}`]]);
    const output = await audit(
      { target: state.baseUrl, credentials, concurrency: 4, rateLimit: 0, timeoutMs: 10_000, maxItems: 5000, maxRequests: 20_000, insecure: false },
      createLogger('silent'),
      'draftleak audit (lab)',
    );
    const target = output.result.targets[0];
    if (target === undefined) throw new Error('no target in the audit result');
    report(cms, `audit (${state.inventoryTokens[token].type} token)`, target);
    for (const note of target.discovery?.notes ?? []) console.log(`[lab]   note: ${note}`);
    for (const failure of target.failures) console.log(`[lab]   failed: ${failure.code} ${failure.url}`);
    return { findings: target.findings, notes: target.discovery?.notes ?? [], executionSuccessful: target.executionSuccessful };
  }

  const { draftOnly, published } = state.uploads;
  // The seeded upload is large enough for thumbnail, small and medium formats: 4 file routes.
  const draftOnlyFormats = ['thumbnail', 'small', 'medium'].map((name) => draftOnly.absoluteUrl.replace('/uploads/', `/uploads/${name}_`));

  function expectDraftOnlyUpload(findings: Finding[]): void {
    const files = findings.filter((finding) => finding.ruleId === 'audit-unpublished-file-reachable');
    expect(files.map((finding) => finding.items[0]?.id), describeFindings(findings)).toEqual([String(draftOnly.id)]);
    expect(files[0]?.severity).toBe('high');
    expect(files[0]?.items[0]?.status).toBe(`file of draft article ${state.articles.drafts[0]?.documentId}`);
    expect(files[0]?.items[0]?.url).toBe(draftOnly.absoluteUrl);
    expect([...(files[0]?.urls ?? [])].sort()).toEqual([draftOnly.absoluteUrl, ...draftOnlyFormats].sort());
    // The published article's cover is used by its published row: never named.
    expect(JSON.stringify(findings)).not.toContain(published.url.replace('/uploads/', ''));
  }

  for (const token of ['readOnly', 'custom'] as const) {
    it(`audit, default install (${token} token): the upload of the draft-only article is reachable, no draft is`, async () => {
      for (const name of misconfigs) await misconfig(cms, 'off', name);
      const { findings, notes, executionSuccessful } = await auditLab(token);
      expect(executionSuccessful, notes.join('\n')).toBe(true);
      expectDraftOnlyUpload(findings);
      // The default Public role has no find: every content API route answers 403.
      expect(findings.filter((finding) => finding.ruleId === 'audit-unpublished-content-reachable'), describeFindings(findings)).toEqual([]);
      // The two never-published articles and the unpublished edit; 2 x 3 + 2 document routes, 4 file routes.
      expect(notes[0]).toBe('audit: 4 unpublished item(s) (1 file(s)), 1 reachable by an anonymous visitor (0 item(s), 1 file(s); 4 of 12 route(s))');
      const source = token === 'custom' ? 'inventory: 1 content type(s) with draft and publish (content-type builder)' : 'inventory: 1 content type(s) from the users-permissions role tree';
      expect(notes.some((note) => note.startsWith(source)), notes.join('\n')).toBe(true);
    });
  }

  it('audit with public-find: the never-published articles and the unpublished edit are reachable (critical), published ones never named', async () => {
    await withMisconfig(cms, ['public-find'], async () => {
      const { findings } = await auditLab('readOnly');
      const content = findings.filter((finding) => finding.ruleId === 'audit-unpublished-content-reachable');
      const named = content.map((finding) => `${finding.items[0]?.id}:${finding.items[0]?.status}`).sort();
      expect(named, describeFindings(findings)).toEqual([...state.neverPublishedDocumentIds.map((id) => `${id}:draft`), `${state.articles.draftEdit.documentId}:modified`].sort());
      expect(content.every((finding) => finding.severity === 'critical')).toBe(true);
      // The edit is served by status=draft only (its draft row's own id); the plain route serves the published version.
      const edit = content.find((finding) => finding.items[0]?.status === 'modified');
      expect(edit?.urls.every((url) => url.includes('status=draft'))).toBe(true);
      const untouched = state.publishedDocumentIds.filter((id) => id !== state.articles.draftEdit.documentId);
      for (const documentId of untouched) expect(JSON.stringify(findings)).not.toContain(documentId);
      expectDraftOnlyUpload(findings);
    });
  });
});
