import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRulesDir, loadRules } from '../../src/engine/index.js';
import { runCli } from '../../src/cli/program.js';
import { startDemoSites, type DemoSites } from '../../src/demo/demo-site.js';
import { captureIo } from '../support/capture-io.js';
import { startLoopbackServer } from '../support/loopback-server.js';

describe('discovery in scans', () => {
  it('reports no exposure on a catch-all host, even with every rule, and says the host is a catch-all', async () => {
    const page = '<!DOCTYPE html><html><head><title>Acme</title></head><body><h1>Welcome</h1><a href="/about/">About</a></body></html>';
    const site = await startLoopbackServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    });
    try {
      const io = captureIo();
      const code = await runCli(['scan', site.origin, '--all-rules', '--format', 'json', '--rate-limit', '0', '--explain'], io);
      const report = JSON.parse(io.out) as {
        targets: { findings: unknown[]; rulesRun: string[]; discovery: { notes: string[]; detections: unknown[] } }[];
      };
      const [target] = report.targets;
      expect(code).toBe(0);
      expect(target?.findings).toEqual([]);
      expect(target?.rulesRun.length).toBeGreaterThanOrEqual(6);
      expect(target?.discovery.detections).toEqual([]);
      expect(target?.discovery.notes).toContainEqual(expect.stringContaining('catch-all'));
      const text = captureIo();
      await runCli(['scan', site.origin, '--format', 'text', '--rate-limit', '0'], text);
      expect(text.out).toContain('No exposure found');
      expect(text.out).toMatch(/Note: .*catch-all/);
    } finally {
      await site.close();
    }
  });

  it('skips rules for CMSs it did not detect and says why under --explain', async () => {
    const site = await startLoopbackServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><title>Not Found</title></html>');
    });
    try {
      const io = captureIo();
      await runCli(['scan', site.origin, '--format', 'json', '--rate-limit', '0', '--explain'], io);
      const report = JSON.parse(io.out) as { targets: { rulesRun: string[]; discovery: { skippedRules: { ruleId: string; reason: string }[] } }[] };
      // Only rules for any site run where no CMS was detected.
      expect(report.targets[0]?.rulesRun).toContain('s3-bucket-listing');
      // (Some CMS rules are written for any site too, e.g. a Ghost Admin API key in a headless
      // front-end's bundle: cms [ghost, generic].)
      const { rules } = await loadRules([builtinRulesDir]);
      const forAnySite = new Set(rules.filter(({ rule }) => rule.cms.includes('generic')).map(({ rule }) => rule.id));
      expect(report.targets[0]?.rulesRun.filter((id) => !forAnySite.has(id))).toEqual([]);
      expect(report.targets[0]?.rulesRun.some((id) => /^(wp|strapi|directus)-/.test(id))).toBe(false);
      expect(report.targets[0]?.discovery.skippedRules.map((skipped) => skipped.ruleId)).toContain('wp-rest-unpublished-posts');
      expect(io.err).toMatch(/rule wp-rest-unpublished-posts: silent\n\s+step \(none\):\n\s+stopped: skipped: CMS not detected: the rule is for wordpress/);
    } finally {
      await site.close();
    }
  });
});

describe('draftleak fingerprint', () => {
  let demo: DemoSites;
  beforeAll(async () => {
    demo = await startDemoSites();
  });
  afterAll(async () => {
    await demo.close();
  });

  const expected: [string, string | null][] = [
    ['wordpress', 'wordpress'],
    ['strapi', 'strapi'],
    ['directus', 'directus'],
    ['media-bucket', null],
  ];
  for (const [site, cms] of expected) {
    it(`identifies the demo ${site} site${cms ? ` as ${cms}` : ' as no CMS'}, with its signals`, async () => {
      const io = captureIo();
      expect(await runCli(['fingerprint', demo.origin(site), '--json', '--rate-limit', '0'], io)).toBe(0);
      const result = JSON.parse(io.out) as { detections: { cms: string; kind: string; signals: string[]; confidence: number }[]; requestsSent: number };
      const cmsDetections = result.detections.filter((detection) => detection.kind !== 'frontend');
      expect(cmsDetections.map((detection) => detection.cms)).toEqual(cms ? [cms] : []);
      if (cms) {
        expect(cmsDetections[0]?.confidence).toBeGreaterThanOrEqual(0.5);
        expect(cmsDetections[0]?.signals.length).toBeGreaterThan(0);
      }
      expect(result.requestsSent).toBeLessThanOrEqual(80);
    });
  }

  it('prints the version and deciding signals as text', async () => {
    const io = captureIo();
    expect(await runCli(['fingerprint', demo.origin('wordpress'), '--rate-limit', '0'], io)).toBe(0);
    expect(io.out).toMatch(/wordpress 6\.1\.9\s+confidence 0\.\d+\s+\[generator-meta: WordPress 6\.1\.9/);
    expect(io.out).toContain(`API roots: ${demo.origin('wordpress')}/wp-json/`);
  });

  it('exits 2 with one line for a closed port', async () => {
    const io = captureIo();
    expect(await runCli(['fingerprint', 'http://127.0.0.1:9/'], io)).toBe(2);
    expect(io.err.trim().split('\n')).toHaveLength(1);
  });
});
