import { describe, expect, it } from 'vitest';
import type { Finding, TargetResult } from '../../src/core/finding.js';
import { describeFindings, exposures, findingOf, readState, report, scanLab, withMisconfig } from './lib/harness.js';
import { recordRuleCase, recording } from './lib/record.js';

/** What tests/lab/directus/up.sh writes (seed.mjs). */
interface DirectusState {
  collection: string;
  articles: { published: number[]; draft: number[]; scheduled: number[] };
  files: { published: string; draftOnly: string; unattached: string };
}

const cms = 'directus';
const itemsRule = 'directus-public-items-unpublished';
const filesRule = 'directus-public-files-list';
const rules = [itemsRule, filesRule];

const state = await readState<DirectusState>(cms);



function itemIds(finding: Finding): string[] {
  return finding.items.map((item) => item.id ?? '');
}

/** The drafts and the scheduled article, and no published one, are named by the items rule. */
function expectUnpublishedArticles(target: TargetResult): void {
  const finding = findingOf(target, itemsRule);
  const ids = itemIds(finding);
  expect([...ids].sort(), `${itemsRule} names exactly the drafts and the scheduled article`).toEqual([...state.articles.draft, ...state.articles.scheduled].map(String).sort());
  expect(finding.items.every((item) => item.status === 'draft' || item.status === 'scheduled')).toBe(true);
  for (const id of [...state.articles.draft, ...state.articles.scheduled]) {
    expect(ids, `${itemsRule} should name unpublished article ${id}`).toContain(String(id));
  }
  for (const id of state.articles.published) {
    expect(ids, `${itemsRule} must not name published article ${id}`).not.toContain(String(id));
  }
}

/**
 * The files rule reports a listing: every file (the draft-only one among them), at medium, and
 * claims no file is unpublished, since a listing does not show which files unpublished items use.
 */
function expectFileListing(target: TargetResult): void {
  const finding = findingOf(target, filesRule);
  const ids = itemIds(finding);
  expect(finding.severity).toBe('medium');
  for (const id of [state.files.draftOnly, state.files.unattached, state.files.published]) expect(ids).toContain(id);
  expect(finding.items.filter((item) => item.status !== undefined), `${filesRule} claims no file is unpublished`).toEqual([]);
}

/** Records, for every relevant rule, this state's real exchanges into the recorded cases. */
async function record(stateName: string, firing: string[]): Promise<void> {
  if (!recording) return;
  for (const ruleId of rules) {
    await recordRuleCase({ ruleId, cms, version: state.version, state: stateName, baseUrl: state.baseUrl, expect: firing.includes(ruleId) ? 'finding' : 'none' });
  }
}


describe.sequential(`directus ${state.version} lab (${state.baseUrl})`, () => {
  it('default install: no exposure above low', async () => {
    const target = await scanLab(state.baseUrl);
    report(cms, 'default', target);
    expect(target.discovery?.detections.map((detection) => detection.cms)).toContain('directus');
    const above = exposures(target).filter((finding) => finding.severity !== 'low');
    expect(above, `findings above low on a default Directus: ${describeFindings(above)}`).toEqual([]);
    await record('default', []);
  });

  it('misconfig public-items: drafts and the scheduled article are readable', async () => {
    await withMisconfig(cms, ['public-items'], async () => {
      const target = await scanLab(state.baseUrl);
      report(cms, 'misconfig public-items', target);
      expectUnpublishedArticles(target);
      expect(target.findings.some((finding) => finding.ruleId === filesRule), 'public-items alone must not list files').toBe(false);
      await record('misconfig public-items', [itemsRule]);
    });
  });

  it('misconfig public-files: every file is listed, as a listing (medium)', async () => {
    await withMisconfig(cms, ['public-files'], async () => {
      const target = await scanLab(state.baseUrl);
      report(cms, 'misconfig public-files', target);
      expectFileListing(target);
      expect(target.findings.some((finding) => finding.ruleId === itemsRule), 'public-files alone must not expose items').toBe(false);
      await record('misconfig public-files', [filesRule]);
    });
  });

  it('all misconfigurations: both findings', async () => {
    await withMisconfig(cms, ['public-items', 'public-files'], async () => {
      const target = await scanLab(state.baseUrl);
      report(cms, 'all misconfigs', target);
      expectUnpublishedArticles(target);
      expectFileListing(target);
      await record('all misconfigs', rules);
    });
  });
});
