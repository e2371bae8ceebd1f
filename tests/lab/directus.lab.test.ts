import { describe, expect, it } from 'vitest';
import type { Finding, TargetResult } from '../../src/core/finding.js';
import { audit } from '../../src/audit/audit.js';
import { InventoryCredentials } from '../../src/audit/credentials.js';
import { createLogger } from '../../src/core/logger.js';
import { describeFindings, exposures, findingOf, misconfig, readState, report, scanLab, withMisconfig } from './lib/harness.js';
import { recordRuleCase, recording } from './lib/record.js';

/** What tests/lab/directus/up.sh writes (seed.mjs). */
interface DirectusState {
  collection: string;
  articles: { published: number[]; draft: number[]; scheduled: number[] };
  files: { published: string; draftOnly: string; unattached: string };
  /** The static token of the read-only audit user seed.mjs makes. */
  auditToken: string;
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

  // Audit mode: the inventory with the read-only audit user's static token, then anonymous checks.
  async function auditLab(): Promise<{ findings: Finding[]; notes: string[]; executionSuccessful: boolean }> {
    const credentials = new InventoryCredentials([['Authorization', `Bearer ${state.auditToken}`]]);
    const output = await audit(
      { target: state.baseUrl, credentials, concurrency: 4, rateLimit: 0, timeoutMs: 10_000, maxItems: 5000, maxRequests: 20_000, insecure: false },
      createLogger('silent'),
      'draftleak audit (lab)',
    );
    const target = output.result.targets[0];
    if (target === undefined) throw new Error('no target in the audit result');
    report(cms, 'audit', target);
    const everything = JSON.stringify(output);
    expect(everything).not.toContain(state.auditToken);
    return { findings: target.findings, notes: target.discovery?.notes ?? [], executionSuccessful: target.executionSuccessful };
  }
  const unpublished = (): string[] => [...state.articles.draft, ...state.articles.scheduled].map(String).sort();
  const filesOf = (findings: Finding[]): Finding[] => findings.filter((finding) => finding.ruleId === 'audit-unpublished-file-reachable');
  const itemsOf = (findings: Finding[]): Finding[] => findings.filter((finding) => finding.ruleId === 'audit-unpublished-content-reachable');

  it('audit, default install: 3 unpublished articles and the draft-only cover inventoried, none reachable', async () => {
    for (const name of ['public-items', 'public-files']) await misconfig(cms, 'off', name);
    const { findings, notes, executionSuccessful } = await auditLab();
    expect(executionSuccessful).toBe(true);
    // The Public policy has no permissions: /items, /assets and /files all answer 403.
    expect(findings, describeFindings(findings)).toEqual([]);
    expect(notes[0]).toBe('audit: 4 unpublished item(s) (1 file(s)), 0 reachable by an anonymous visitor (0 item(s), 0 file(s); 0 of 6 route(s))');
  });

  it('audit with public-items: the drafts and the scheduled article are reachable (critical), no published one', async () => {
    await withMisconfig(cms, ['public-items'], async () => {
      const { findings } = await auditLab();
      const items = itemsOf(findings);
      expect(items.map((finding) => finding.items[0]?.id).sort()).toEqual(unpublished());
      for (const finding of items) {
        expect(finding.severity).toBe('critical');
        expect(finding.urls).toEqual([`${state.baseUrl}/items/${state.collection}/${finding.items[0]?.id}`]);
      }
      expect(items.find((finding) => finding.items[0]?.id === String(state.articles.scheduled[0]))?.items[0]?.status).toBe('scheduled');
      // The draft's cover is not readable without directus_files read.
      expect(filesOf(findings)).toEqual([]);
    });
  });

  it('audit with public-files: the draft-only cover is reachable (high), never the published or unattached file', async () => {
    await withMisconfig(cms, ['public-files'], async () => {
      const { findings } = await auditLab();
      expect(itemsOf(findings)).toEqual([]);
      const files = filesOf(findings);
      expect(files.map((finding) => finding.items[0]?.id)).toEqual([state.files.draftOnly]);
      expect(files[0]?.severity).toBe('high');
      expect(files[0]?.items[0]?.status).toBe(`file of draft ${state.collection} ${state.articles.draft[0]}`);
      const asset = `${state.baseUrl}/assets/${state.files.draftOnly}`;
      expect(files[0]?.urls.sort()).toEqual([asset, `${asset}?download`, `${state.baseUrl}/files/${state.files.draftOnly}`].sort());
      const text = JSON.stringify(findings);
      expect(text).not.toContain(state.files.published);
      expect(text).not.toContain(state.files.unattached);
    });
  });
});
