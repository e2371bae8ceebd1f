import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit/audit.js';
import { InventoryCredentials } from '../../src/audit/credentials.js';
import type { Finding, TargetResult } from '../../src/core/finding.js';
import { createLogger } from '../../src/core/logger.js';
import { describeFindings, exposures, findingOf, readState, report, scanLab, withMisconfig } from './lib/harness.js';
import { recordRuleCase, recording } from './lib/record.js';

/** What tests/lab/payload/up.sh writes (seed.mjs). */
interface PayloadState {
  collection: string;
  articles: { published: number[]; draft: number[] };
  media: { published: number; draftOnly: number };
  mediaUrls: { published: string; draftOnly: string };
  /** The audit's credential (seed.mjs): Authorization: <collection> API-Key <apiKey>. */
  inventory: { collection: string; userId: number; email: string; apiKey: string };
}

const cms = 'payload';
const draftsRule = 'payload-public-drafts';
const rules = [draftsRule];

const state = await readState<PayloadState>(cms);



/** Both drafts, and no published article, are named by the drafts rule. */
function expectDrafts(target: TargetResult): void {
  const ids = findingOf(target, draftsRule).items.map((item) => item.id ?? '');
  for (const id of state.articles.draft) {
    expect(ids, `${draftsRule} should name draft article ${id}`).toContain(String(id));
  }
  for (const id of state.articles.published) {
    expect(ids, `${draftsRule} must not name published article ${id}`).not.toContain(String(id));
  }
}

/** Records, for every relevant rule, this state's real exchanges into the recorded cases. */
async function record(stateName: string, firing: string[]): Promise<void> {
  if (!recording) return;
  for (const ruleId of rules) {
    await recordRuleCase({ ruleId, cms, version: state.version, state: stateName, baseUrl: state.baseUrl, expect: firing.includes(ruleId) ? 'finding' : 'none' });
  }
}


describe.sequential(`payload ${state.version} lab (${state.baseUrl})`, () => {
  it('default install: no exposure above low', async () => {
    const target = await scanLab(state.baseUrl);
    report(cms, 'default', target);
    expect(target.discovery?.detections.map((detection) => detection.cms)).toContain('payload');
    const above = exposures(target).filter((finding) => finding.severity !== 'low');
    expect(above, `findings above low on a default Payload: ${describeFindings(above)}`).toEqual([]);
    await record('default', []);
  });

  // Payload's access rules are code: misconfig.sh writes the mode and restarts the server.
  it('misconfig open-read: drafts of the articles collection are readable', { timeout: 120_000 }, async () => {
    await withMisconfig(cms, ['open-read'], async () => {
      const target = await scanLab(state.baseUrl);
      report(cms, 'misconfig open-read', target);
      expectDrafts(target);
      await record('misconfig open-read', [draftsRule]);
    });
  });

  // Audit mode: the inventory with the lab audit user's API key, then anonymous checks.
  async function auditLab(): Promise<{ findings: Finding[]; notes: string[]; executionSuccessful: boolean; inventoried: string[] }> {
    const credentials = new InventoryCredentials([['Authorization', `${state.inventory.collection} API-Key ${state.inventory.apiKey}`]]);
    const output = await audit(
      { target: state.baseUrl, credentials, concurrency: 4, rateLimit: 0, timeoutMs: 10_000, maxItems: 5000, maxRequests: 20_000, insecure: false },
      createLogger('silent'),
      'draftleak audit (lab)',
    );
    const target = output.result.targets[0];
    if (target === undefined) throw new Error('no target in the audit result');
    report(cms, 'audit', target);
    for (const note of target.discovery?.notes ?? []) console.log(`[lab]   note: ${note}`);
    const inventoried = output.verified.map(({ item }) => `${item.kind} ${item.type} ${item.id} ${item.status}`).sort();
    return { findings: target.findings, notes: target.discovery?.notes ?? [], executionSuccessful: target.executionSuccessful, inventoried };
  }

  it('audit, default install: the drafts and the draft-only cover are inventoried, nothing is reachable', async () => {
    const { findings, notes, executionSuccessful, inventoried } = await auditLab();
    expect(executionSuccessful, notes.join('\n')).toBe(true);
    // Exactly the drafts and the cover only a draft uses; the published cover is not unpublished.
    expect(inventoried).toEqual([...state.articles.draft.map((id) => `item articles ${id} draft`), `file media ${state.media.draftOnly} file of draft articles`].sort());
    // Payload's default access (logged-in users only) covers the REST API, the versions and the
    // files, which it serves itself at /api/media/file/<filename>: every route answers 403.
    expect(findings, describeFindings(findings)).toEqual([]);
    // The 2 drafts (REST, ?draft=true, the list by id, the latest version each) and the cover only draft 1 uses.
    expect(notes[0]).toBe('audit: 3 unpublished item(s) (1 file(s)), 0 reachable by an anonymous visitor (0 item(s), 0 file(s); 0 of 9 route(s))');
  });

  it('audit with open-read: both drafts are reachable (critical), no published article, the cover stays refused', { timeout: 120_000 }, async () => {
    await withMisconfig(cms, ['open-read'], async () => {
      const { findings } = await auditLab();
      const content = findings.filter((finding) => finding.ruleId === 'audit-unpublished-content-reachable');
      expect(content.map((finding) => `${finding.items[0]?.id}:${finding.items[0]?.status}`).sort(), describeFindings(findings)).toEqual(state.articles.draft.map((id) => `${id}:draft`).sort());
      expect(content.every((finding) => finding.severity === 'critical')).toBe(true);
      for (const id of state.articles.published) expect(content.some((finding) => finding.items[0]?.id === String(id))).toBe(false);
      // read: () => true on the articles opens their documents, not the media collection's files.
      expect(findings.filter((finding) => finding.ruleId === 'audit-unpublished-file-reachable')).toEqual([]);
      expect(JSON.stringify(findings)).not.toContain(state.mediaUrls.published);
    });
  });
});
