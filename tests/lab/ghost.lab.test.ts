import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, TargetResult } from '../../src/core/finding.js';
import { audit } from '../../src/audit/audit.js';
import { InventoryCredentials } from '../../src/audit/credentials.js';
import { createLogger } from '../../src/core/logger.js';
import { exposures, misconfig, readState, report, scanLab } from './lib/harness.js';
import { recordRuleCase, recording } from './lib/record.js';

// The Ghost lab (tests/lab/ghost/up.sh): Ghost 5.130.6 on 127.0.0.1:2368 with 3 published posts,
// a draft and a scheduled post whose images were uploaded through the Admin API. Every id, uuid
// and URL below comes from the state file.

interface GhostPost {
  key: string;
  id: string;
  uuid: string;
  slug: string;
  status: 'published' | 'draft' | 'scheduled';
  url: string | null;
  previewUrl: string;
  images: string[];
}
interface GhostState {
  leakHost: string;
  posts: GhostPost[];
  /** The "draftleak audit" custom integration's Admin API key, "<id>:<secret>". */
  auditAdminKey: string;
}

const previewRule = 'ghost-preview-link-leaked';
const imagesRule = 'ghost-draft-images-public';
const toggles = ['leaked-preview', 'draft-images'] as const;
type Toggle = (typeof toggles)[number];

const state = await readState<GhostState>('ghost');
const post = (key: string): GhostPost => {
  const found = state.posts.find((entry) => entry.key === key);
  if (!found) throw new Error(`state.json has no post ${key}`);
  return found;
};
const unpublished = [post('draft'), post('scheduled')];
const previewLinks = unpublished.map((entry) => new URL(entry.previewUrl, state.baseUrl).href);

function describeFindings(findings: Finding[]): string {
  return findings.map((finding) => `${finding.severity} ${finding.ruleId} ${finding.url} [${finding.items.map((item) => item.url ?? item.id).join(', ')}]`).join('\n') || '(none)';
}

function itemUrls(target: TargetResult, ruleId: string): string[] {
  return target.findings.filter((finding) => finding.ruleId === ruleId).flatMap((finding) => finding.items.map((item) => item.url ?? ''));
}

/** Records what each rule does in this state; `site` is what discovery finds on the site. */
async function recordState(stateName: string, on: readonly Toggle[]): Promise<void> {
  if (!recording) return;
  const site = { preview_links: on.includes('leaked-preview') ? previewLinks : [] };
  const expectations: Array<[string, 'finding' | 'none']> = [
    [previewRule, on.includes('leaked-preview') ? 'finding' : 'none'],
    [imagesRule, on.length > 0 ? 'finding' : 'none'],
  ];
  for (const [ruleId, expectation] of expectations) {
    await recordRuleCase({ ruleId, cms: 'ghost', version: state.version, state: stateName, baseUrl: state.baseUrl, expect: expectation, site });
  }
}

function expectPreviewFinding(target: TargetResult): void {
  const items = itemUrls(target, previewRule);
  for (const link of previewLinks) expect(items, `${previewRule} should name ${link}\n${describeFindings(target.findings)}`).toContain(link);
  // A published post's preview link 301s to the post itself and must never be reported.
  for (const entry of state.posts.filter((candidate) => candidate.status === 'published')) {
    expect(items).not.toContain(new URL(entry.previewUrl, state.baseUrl).href);
  }
}

function expectImageFinding(target: TargetResult, images: string[]): void {
  const items = itemUrls(target, imagesRule);
  for (const image of images) expect(items, `${imagesRule} should name ${image}\n${describeFindings(target.findings)}`).toContain(image);
  // The published post's cover is used by published content and must never be named.
  for (const image of post('published-1').images) expect(items).not.toContain(image);
}

describe.sequential('Ghost lab', () => {
  beforeAll(async () => {
    expect(post('draft').images.length, 'the draft has a feature and an inline image').toBeGreaterThanOrEqual(2);
    expect(post('scheduled').images.length, 'the scheduled post has a feature and an inline image').toBeGreaterThanOrEqual(2);
    // A previous run that died mid-way may have left a toggle on.
    for (const toggle of toggles) await misconfig('ghost', 'off', toggle);
  });
  afterAll(async () => {
    for (const toggle of toggles) await misconfig('ghost', 'off', toggle);
  });

  it('default install: no exposure above low', async () => {
    const target = await scanLab(state.baseUrl);
    report('ghost', 'default', target);
    expect(target.discovery?.detections.map((detection) => detection.cms)).toContain('ghost');
    const found = exposures(target);
    expect(found, `unexpected exposures:\n${describeFindings(found)}`).toEqual([]);
    // Uploads of drafts are public by URL by design; without a link nothing names them.
    await recordState('default', []);
  });

  it('misconfig leaked-preview: the preview links of the draft and the scheduled post are found and render', async () => {
    await misconfig('ghost', 'on', 'leaked-preview');
    try {
      const target = await scanLab(state.baseUrl);
      report('ghost', 'misconfig leaked-preview', target);
      expectPreviewFinding(target);
      const preview = target.findings.find((finding) => finding.ruleId === previewRule);
      expect(preview?.severity).toBe('high');
      // The leaked previews also hand out the files of both unpublished posts.
      expectImageFinding(target, unpublished.flatMap((entry) => entry.images));
      await recordState('misconfig leaked-preview', ['leaked-preview']);
    } finally {
      await misconfig('ghost', 'off', 'leaked-preview');
    }
  });

  it('misconfig draft-images: the site links the draft images, which no published content uses', async () => {
    await misconfig('ghost', 'on', 'draft-images');
    try {
      const target = await scanLab(state.baseUrl);
      report('ghost', 'misconfig draft-images', target);
      expectImageFinding(target, post('draft').images);
      expect(itemUrls(target, previewRule), 'no preview link is on the site').toEqual([]);
      await recordState('misconfig draft-images', ['draft-images']);
    } finally {
      await misconfig('ghost', 'off', 'draft-images');
    }
  });

  it('all misconfigurations on: all findings', async () => {
    try {
      for (const toggle of toggles) await misconfig('ghost', 'on', toggle);
      const target = await scanLab(state.baseUrl);
      report('ghost', 'all misconfigurations', target);
      expectPreviewFinding(target);
      expectImageFinding(target, unpublished.flatMap((entry) => entry.images));
      await recordState('all misconfigurations', toggles);
    } finally {
      for (const toggle of toggles) await misconfig('ghost', 'off', toggle);
    }
  });
  // Audit mode: the inventory with the custom integration's Admin API key, then anonymous checks.
  async function auditLab(): Promise<{ findings: Finding[]; notes: string[]; executionSuccessful: boolean }> {
    const credentials = new InventoryCredentials([['Ghost-Admin-Api-Key', state.auditAdminKey]]);
    const output = await audit(
      { target: state.baseUrl, credentials, concurrency: 4, rateLimit: 0, timeoutMs: 10_000, maxItems: 5000, maxRequests: 20_000, insecure: false },
      createLogger('silent'),
      'draftleak audit (lab)',
    );
    const target = output.result.targets[0];
    if (target === undefined) throw new Error('no target in the audit result');
    report('ghost', 'audit', target);
    const everything = JSON.stringify(output);
    for (const secret of [state.auditAdminKey, state.auditAdminKey.split(':')[1] ?? '', 'eyJhbGciOiJIUzI1NiIs']) expect(everything).not.toContain(secret);
    return { findings: target.findings, notes: target.discovery?.notes ?? [], executionSuccessful: target.executionSuccessful };
  }
  const imageOf = (finding: Finding): string => new URL(finding.items[0]?.id ?? '', state.baseUrl).href;

  it('audit, default install: the images of the draft and the scheduled post are reachable, and the posts on their preview links only', async () => {
    for (const toggle of toggles) await misconfig('ghost', 'off', toggle);
    const { findings, notes, executionSuccessful } = await auditLab();
    expect(executionSuccessful).toBe(true);
    const files = findings.filter((finding) => finding.ruleId === 'audit-unpublished-file-reachable');
    expect(files.map(imageOf).sort(), describeFindings(findings)).toEqual(unpublished.flatMap((entry) => entry.images).sort());
    for (const finding of files) {
      const parent = unpublished.find((entry) => entry.images.includes(imageOf(finding)));
      expect(finding.items[0]?.status).toBe(`file of ${parent?.status} post ${parent?.id}`);
      expect(finding.severity).toBe(parent?.status === 'scheduled' ? 'critical' : 'high');
    }
    // Ghost renders every draft and scheduled post at /p/<uuid>/ to whoever has the link (high: a
    // share link); the Admin API refuses anonymous reads and the slug routes answer 404.
    const content = findings.filter((finding) => finding.ruleId === 'audit-unpublished-content-reachable');
    expect(content.map((finding) => finding.items[0]?.id).sort()).toEqual(unpublished.map((entry) => entry.id).sort());
    for (const finding of content) {
      expect(finding.severity).toBe('high');
      expect(finding.urls).toHaveLength(1);
      expect(finding.urls[0]).toMatch(/\/p\/[0-9a-f-]{36}\/$/);
    }
    for (const url of post('published-1').images) expect(JSON.stringify(findings)).not.toContain(url);
    expect(notes[0]).toMatch(/^audit: 6 unpublished item\(s\) \(4 file\(s\)\), 6 reachable by an anonymous visitor \(2 item\(s\), 4 file\(s\);/);
  });

  it('audit with draft-images: the images the site footer now links count as published; only those of the scheduled post are named', async () => {
    try {
      await misconfig('ghost', 'on', 'draft-images');
      const { findings, notes } = await auditLab();
      const files = findings.filter((finding) => finding.ruleId === 'audit-unpublished-file-reachable');
      expect(files.map(imageOf).sort()).toEqual([...post('scheduled').images].sort());
      expect(notes).toContain('inventory: 2 file(s) of unpublished items are also used by published content and are not audited as unpublished');
    } finally {
      await misconfig('ghost', 'off', 'draft-images');
    }
  });
});
