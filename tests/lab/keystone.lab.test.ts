import { describe, expect, it } from 'vitest';
import type { TargetResult } from '../../src/core/finding.js';
import { describeFindings, exposures, findingOf, readState, report, scanLab, withMisconfig } from './lib/harness.js';
import { recordRuleCase, recording } from './lib/record.js';

/** What tests/lab/keystone/up.sh writes (seed.mjs). */
interface KeystoneState {
  graphql: string;
  list: string;
  posts: { published: string[]; draft: string[] };
}

const cms = 'keystone';
const draftsRule = 'keystone-graphql-public-drafts';
const rules = [draftsRule];

const state = await readState<KeystoneState>(cms);

/** Both drafts (one with a future publishDate), and no published post, are named by the drafts rule. */
function expectDrafts(target: TargetResult): void {
  const finding = findingOf(target, draftsRule);
  expect(finding.severity).toBe('critical');
  const ids = finding.items.map((item) => item.id ?? '');
  expect(ids.sort(), `${draftsRule} should name exactly the drafts`).toEqual([...state.posts.draft].sort());
  for (const id of state.posts.published) {
    expect(ids, `${draftsRule} must not name published post ${id}`).not.toContain(id);
  }
  expect(finding.items.every((item) => item.status === 'draft')).toBe(true);
}

/** Records, for every relevant rule, this state's real exchanges into the recorded cases. */
async function record(stateName: string, firing: string[]): Promise<void> {
  if (!recording) return;
  for (const ruleId of rules) {
    await recordRuleCase({ ruleId, cms, version: state.version, state: stateName, baseUrl: state.baseUrl, expect: firing.includes(ruleId) ? 'finding' : 'none' });
  }
}

describe.sequential(`keystone ${state.version} lab (${state.baseUrl})`, () => {
  it('default install: no exposure above low', async () => {
    const target = await scanLab(state.baseUrl);
    report(cms, 'default', target);
    // With a session strategy Keystone refuses adminMeta to visitors; the refusal itself identifies it.
    expect(target.discovery?.detections.map((detection) => detection.cms)).toContain('keystone');
    const above = exposures(target).filter((finding) => finding.severity !== 'low');
    expect(above, `findings above low on a default Keystone: ${describeFindings(above)}`).toEqual([]);
    await record('default', []);
  });

  // Keystone's access control is code: misconfig.sh writes the mode and restarts the server.
  it('misconfig open-read: drafts of the Post list are readable through GraphQL', { timeout: 120_000 }, async () => {
    await withMisconfig(cms, ['open-read'], async () => {
      const target = await scanLab(state.baseUrl);
      report(cms, 'misconfig open-read', target);
      expectDrafts(target);
      await record('misconfig open-read', [draftsRule]);
    });
  });

  // The lab has one misconfiguration, so "all on" is open-read again: it must give the same
  // finding and nothing else above low.
  it('all misconfigurations on: the drafts finding, and no other exposure above low', { timeout: 120_000 }, async () => {
    await withMisconfig(cms, ['open-read'], async () => {
      const target = await scanLab(state.baseUrl);
      report(cms, 'all misconfigurations', target);
      expectDrafts(target);
      const others = exposures(target).filter((finding) => finding.ruleId !== draftsRule && finding.severity !== 'low');
      expect(others, describeFindings(others)).toEqual([]);
    });
  });
});
