import { describe, expect, it } from 'vitest';
import type { Finding, TargetResult } from '../../src/core/finding.js';
import { describeFindings, exposures, findingOf, readState, report, scanLab, withMisconfig } from './lib/harness.js';
import { recordRuleCase, recording } from './lib/record.js';

/** What tests/lab/payload/up.sh writes (seed.mjs). */
interface PayloadState {
  collection: string;
  articles: { published: number[]; draft: number[] };
  media: { published: number; draftOnly: number };
  mediaUrls: { published: string; draftOnly: string };
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
});
