import { describe, expect, it } from 'vitest';
import type { Finding, TargetResult } from '../../src/core/finding.js';
import { describeFindings, exposures, findingOf, misconfig, readState, report, scanLab, withMisconfig } from './lib/harness.js';
import { recordRuleCase, recording } from './lib/record.js';

/** What tests/lab/strapi/up.sh writes (lab.mjs seed). */
interface StrapiState {
  articles: {
    published: { documentId: string; slug: string }[];
    drafts: { documentId: string; slug: string }[];
    draftEdit: { documentId: string; slug: string };
  };
  /** The never-published drafts and the document with an unpublished edit. */
  draftDocumentIds: string[];
  neverPublishedDocumentIds: string[];
  uploads: {
    published: { id: number; url: string; absoluteUrl: string };
    draftOnly: { id: number; url: string; absoluteUrl: string };
  };
}

const cms = 'strapi';
const draftsRule = 'strapi-v5-public-drafts';
const uploadsRule = 'strapi-public-upload-list';
const misconfigRule: Record<string, string> = { 'public-find': draftsRule, 'public-upload': uploadsRule };

const state = await readState<StrapiState>(cms);



/** status=draft names every seeded draft: both never-published ones and the unpublished edit. */
function expectDrafts(target: TargetResult): void {
  const finding = findingOf(target, draftsRule);
  expect(finding.url).toContain('/api/articles?status=draft');
  const ids = finding.items.map((item) => item.id);
  for (const documentId of state.draftDocumentIds) {
    expect(ids, `${draftsRule} should name draft document ${documentId}`).toContain(documentId);
  }
}

/** /api/upload/files names the file that only a draft uses, by id and absolute URL. */
function expectDraftOnlyUpload(target: TargetResult): void {
  const finding = findingOf(target, uploadsRule);
  const { draftOnly, published } = state.uploads;
  const item = finding.items.find((entry) => entry.url === draftOnly.absoluteUrl);
  expect(item, `${uploadsRule} should name the draft-only upload ${draftOnly.absoluteUrl}; items: ${JSON.stringify(finding.items)}`).toBeDefined();
  expect(item?.id).toBe(String(draftOnly.id));
  expect(finding.items.map((entry) => entry.url)).toContain(published.absoluteUrl);
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
    for (const name of Object.keys(misconfigRule)) await misconfig(cms, 'off', name);
    const target = await scanLab(state.baseUrl);
    report(cms, 'default', target);
    expect(target.discovery?.detections.map((detection) => detection.cms)).toContain('strapi');
    const above = exposures(target).filter((finding) => finding.severity !== 'low');
    expect(above, `findings above low on a default Strapi: ${describeFindings(above)}`).toEqual([]);
    await record('default', { [draftsRule]: 'none', [uploadsRule]: 'none' });
  });

  it('misconfig public-find: the public role reads every draft with status=draft', async () => {
    await withMisconfig(cms, ['public-find'], async () => {
      const target = await scanLab(state.baseUrl);
      report(cms, 'misconfig public-find', target);
      expectDrafts(target);
      expectSilent(target, uploadsRule, 'public-find alone does not open the media library');
      await record('misconfig public-find', { [draftsRule]: 'finding' });
    });
  });

  it('misconfig public-upload: /api/upload/files lists every file, the draft-only one included', async () => {
    await withMisconfig(cms, ['public-upload'], async () => {
      const target = await scanLab(state.baseUrl);
      report(cms, 'misconfig public-upload', target);
      expectDraftOnlyUpload(target);
      expectSilent(target, draftsRule, 'public-upload alone does not open the articles');
      await record('misconfig public-upload', { [uploadsRule]: 'finding' });
    });
  });

  it('both misconfigurations: both findings', async () => {
    await withMisconfig(cms, Object.keys(misconfigRule), async () => {
      const target = await scanLab(state.baseUrl);
      report(cms, 'misconfig public-find + public-upload', target);
      expectDrafts(target);
      expectDraftOnlyUpload(target);
    });
  });
});
