import { describe, expect, it } from 'vitest';
import type { Finding, TargetResult } from '../../src/core/finding.js';
import { describeFindings, exposures, findingOf, misconfig, readState, report, scanLab, withMisconfig } from './lib/harness.js';
import { recordRuleCase, recording } from './lib/record.js';

interface Entry {
  id: number;
  slug: string;
  title: string;
  publishedAt: string | null;
}

/** What tests/lab/strapi4/up.sh writes (lab.mjs seed). */
interface Strapi4State {
  articles: {
    published: Entry[];
    neverPublished: Entry[];
    /** Published, then unpublished: publishedAt null again. */
    unpublished: Entry;
  };
  /** Every entry whose publishedAt is null, ascending. */
  unpublishedIds: number[];
  publishedIds: number[];
  uploads: {
    published: { id: number; url: string; absoluteUrl: string };
    draftOnly: { id: number; url: string; absoluteUrl: string };
  };
}

/** The lab's folder (state, misconfig.sh); the CMS draftleak detects is still `strapi`. */
const lab = 'strapi4';
const previewRule = 'strapi-v4-preview-drafts';
const byIdRule = 'strapi-v4-single-draft-by-id';
const uploadsRule = 'strapi-public-upload-list';
const draftMediaRule = 'strapi-public-upload-draft-media';
const misconfigs = ['public-find', 'public-upload'];

const state = await readState<Strapi4State>(lab);
const unpublished = state.unpublishedIds.map(String).sort();

function expectNoPublished(finding: Finding): void {
  for (const id of state.publishedIds) {
    expect(finding.items.map((item) => item.id), `${finding.ruleId} must not name published entry ${id}`).not.toContain(String(id));
  }
}

/**
 * publicationState=preview on find lists every entry whose publishedAt is null: the two
 * never-published drafts and the unpublished one; findOne hands each of them out by id.
 */
function expectDrafts(target: TargetResult): void {
  const preview = findingOf(target, previewRule);
  expect(preview.url).toContain('/api/articles?publicationState=preview');
  expect(preview.items.map((item) => item.id ?? '').sort(), `${previewRule} names the unpublished entries only`).toEqual(unpublished);
  expect(preview.items.every((item) => item.status === 'draft')).toBe(true);
  expectNoPublished(preview);

  // One finding per draft asked by id; the published ids came from the live list and are never asked.
  const byId = target.findings.filter((finding) => finding.ruleId === byIdRule);
  expect(byId.flatMap((finding) => finding.items.map((item) => item.id ?? '')).sort(), `${byIdRule} names the unpublished entries only; findings: ${describeFindings(target.findings)}`).toEqual(unpublished);
  for (const finding of byId) {
    const [item] = finding.items;
    expect(item?.status).toBe('draft');
    expect(item?.url).toBe(`${state.baseUrl}/api/articles/${item?.id}?publicationState=preview`);
    expectNoPublished(finding);
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

/** With the articles readable too, populate=related shows each file's entries: the draft's cover is named, the published one is not. */
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
    await recordRuleCase({ ruleId, cms: lab, version: state.version, state: stateName, baseUrl: state.baseUrl, expect: expectation });
  }
}

describe.sequential(`strapi ${state.version} lab (${state.baseUrl})`, () => {
  it('default install: detected as Strapi 4, no exposure above low', async () => {
    // A run that died half-way may have left a toggle on; `off` is idempotent.
    for (const name of misconfigs) await misconfig(lab, 'off', name);
    const target = await scanLab(state.baseUrl);
    report(lab, 'default', target);
    expect(target.discovery?.detections.map((detection) => detection.cms)).toContain('strapi');
    const above = exposures(target).filter((finding) => finding.severity !== 'low');
    expect(above, `findings above low on a default Strapi 4: ${describeFindings(above)}`).toEqual([]);
    await record('default', { [previewRule]: 'none', [byIdRule]: 'none', [uploadsRule]: 'none', [draftMediaRule]: 'none' });
  });

  it('misconfig public-find: publicationState=preview lists the unpublished entries and findOne serves each by id', async () => {
    await withMisconfig(lab, ['public-find'], async () => {
      const target = await scanLab(state.baseUrl);
      report(lab, 'misconfig public-find', target);
      expectDrafts(target);
      expectSilent(target, uploadsRule, 'public-find alone does not open the media library');
      expectSilent(target, draftMediaRule, 'public-find alone does not open the media library');
      await record('misconfig public-find', { [previewRule]: 'finding', [byIdRule]: 'finding' });
    });
  });

  it('misconfig public-upload: /api/upload/files lists every file; which are draft-only is not provable', async () => {
    await withMisconfig(lab, ['public-upload'], async () => {
      const target = await scanLab(state.baseUrl);
      report(lab, 'misconfig public-upload', target);
      expectUploadListing(target);
      expectSilent(target, previewRule, 'public-upload alone does not open the articles');
      expectSilent(target, byIdRule, 'public-upload alone does not open the articles');
      expectSilent(target, draftMediaRule, 'without read on the articles, populate=related leaves related out');
      await record('misconfig public-upload', { [uploadsRule]: 'finding', [draftMediaRule]: 'none' });
    });
  });

  it('both misconfigurations: the drafts by list and by id, the listing, and the file only a draft uses', async () => {
    await withMisconfig(lab, misconfigs, async () => {
      const target = await scanLab(state.baseUrl);
      report(lab, 'misconfig public-find + public-upload', target);
      expectDrafts(target);
      expectUploadListing(target);
      expectDraftMedia(target);
      await record('misconfig public-find + public-upload', { [draftMediaRule]: 'finding' });
    });
  });
});
