import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256OfText } from '../../src/core/text-digest.js';
import { Cleanup, startLoopbackServer } from '../support/loopback-server.js';
import { tempDir } from '../support/temp-dir.js';

// The built program (npm test builds it first) keeps the user's parsed rules in its cache folder
// and reads them back on the next start; what a scan finds must not depend on which it did.
const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/draftleak.js', import.meta.url));
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const draftRule = `id: api-draft-items
name: Draft items in the items API
severity: high
confidence: high
cms: [generic]
description: The items API lists an item whose status field says draft.
remediation: Filter the API to published items.
references: [https://example.org/doc]
steps:
  - id: items
    request: { path: /api/items }
    match:
      all:
        - status: 200
        - json: "json.items[?status == 'draft'] | length(@) > \`0\`"
finding:
  message: "the items API lists draft items"
`;

type Target = { findings: Array<{ ruleId: string; url: string }>; rulesRun: string[] };

describe('the rule cache, through the CLI', () => {
  it('is written by the first scan, read by the next, and the findings are the same either way', async () => {
    const site = cleanup.add(
      await startLoopbackServer((req, res) => {
        if (req.url === '/api/items') {
          return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [{ id: 1, status: 'published' }, { id: 2, status: 'draft' }] }));
        }
        return res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
      }),
    );
    const rules = await tempDir('cli-rules');
    writeFileSync(path.join(rules, 'api-draft-items.yaml'), draftRule);
    const cacheDir = path.join(await tempDir('cli-cache'), 'draftleak');
    const scan = async (env: Record<string, string>) => {
      const { stdout } = await run(
        process.execPath,
        [bin, 'scan', `${site.origin}/`, '--no-builtin-rules', '--rules', rules, '--max-pages', '3', '--rate-limit', '0', '--format', 'json', '--fail-on', 'none'],
        { env: { ...process.env, ...env } },
      );
      const target = (JSON.parse(stdout) as { targets: Target[] }).targets[0];
      return { findings: target?.findings.map((finding) => `${finding.ruleId} ${finding.url}`), rulesRun: target?.rulesRun };
    };
    const uncached = await scan({ DRAFTLEAK_NO_CACHE: '1' });
    expect(uncached.findings).toEqual([`api-draft-items ${site.origin}/api/items`]);
    expect(uncached.rulesRun).toEqual(['api-draft-items']);
    const first = await scan({ DRAFTLEAK_CACHE_DIR: cacheDir });
    // In a folder of its own inside the one named.
    expect(readdirSync(cacheDir)).toEqual(['rules']);
    const cacheFiles = readdirSync(path.join(cacheDir, 'rules'));
    expect(cacheFiles).toEqual([expect.stringMatching(/^[0-9a-f]{40}\.json$/)]);
    const cacheFile = path.join(cacheDir, 'rules', cacheFiles[0] as string);
    expect(statSync(cacheFile).mode & 0o777).toBe(0o600);
    const second = await scan({ DRAFTLEAK_CACHE_DIR: cacheDir });
    // What the scans found does not depend on where their rules came from.
    expect(first).toEqual(uncached);
    expect(second).toEqual(uncached);

    // The next start reads the cache rather than the YAML: a name marked in it is what rules list shows.
    const text = readFileSync(cacheFile, 'utf8');
    const newline = text.indexOf('\n');
    const [tag, build] = text.slice(0, newline).split(' ');
    const entries = JSON.parse(text.slice(newline + 1)) as Record<string, { name: string }>;
    for (const rule of Object.values(entries)) rule.name = 'from the cache';
    const body = JSON.stringify(entries);
    writeFileSync(cacheFile, `${tag} ${build} ${sha256OfText(body)}\n${body}`);
    const list = async (env: Record<string, string>) =>
      (JSON.parse((await run(process.execPath, [bin, 'rules', 'list', '--no-builtin-rules', '--rules', rules, '--json'], { env: { ...process.env, ...env } })).stdout) as Array<{ name: string }>).map((rule) => rule.name);
    expect(await list({ DRAFTLEAK_CACHE_DIR: cacheDir })).toEqual(['from the cache']);
    expect(await list({ DRAFTLEAK_CACHE_DIR: cacheDir, DRAFTLEAK_NO_CACHE: '1' })).toEqual(['Draft items in the items API']);
  });

  it('is not written by rules validate', async () => {
    const rules = await tempDir('cli-rules');
    writeFileSync(path.join(rules, 'api-draft-items.yaml'), draftRule);
    const cacheDir = path.join(await tempDir('cli-cache'), 'draftleak');
    await run(process.execPath, [bin, 'rules', 'validate', rules], { env: { ...process.env, DRAFTLEAK_CACHE_DIR: cacheDir } });
    expect(() => readdirSync(cacheDir)).toThrow(/ENOENT/);
  });
});
