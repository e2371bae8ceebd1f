import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { Cleanup, startLoopbackServer } from '../support/loopback-server.js';
import { tempDir } from '../support/temp-dir.js';

// Issue 15: a command loads no module it does not use. The YAML parser (35 ms, 5 MiB) is not
// needed when every rule, fingerprint and the link policy come from dist/precompiled.json, and
// graphql-js's parser (its whole index was 64 ms and 6 MiB) not until a GraphQL document is checked (a scan's first GraphQL probe).
// This runs the real bin and records every module it loads, by import and by require
// (tests/support/record-imports.mjs).
const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/draftleak.js', import.meta.url));
const recordImports = new URL('../support/record-imports.mjs', import.meta.url).href;
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function modulesLoadedBy(...args: string[]): Promise<string[]> {
  const file = path.join(await tempDir('imports'), 'imports.txt');
  await run(process.execPath, ['--import', recordImports, bin, ...args], { env: { ...process.env, DRAFTLEAK_RECORD_IMPORTS: file } }).catch((error: unknown) => {
    // Exit codes other than 0 (findings, a failed probe) still ran the command; a crash did not.
    if (!(error as { stdout?: string }).stdout) throw error;
  });
  return (await readFile(file, 'utf8')).split('\n').filter(Boolean);
}

const packageOf = (url: string): string | undefined => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];

describe('modules a scan does not use are not loaded', () => {
  it('a one-page scan with the built-in rules loads no YAML parser, undici index or graphql-js beyond its parser', async () => {
    const site = cleanup.add(await startLoopbackServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><title>home</title></head><body>home</body></html>')));
    const urls = await modulesLoadedBy('scan', `${site.origin}/`, '--max-pages', '1', '--rate-limit', '0', '--format', 'json', '--fail-on', 'none');
    const loaded = new Set(urls.map(packageOf));
    // The recorder sees CommonJS packages (undici) and ESM ones (zod): the absences below are not its blindness.
    expect(loaded).toContain('undici');
    expect(loaded).toContain('zod');
    expect(site.requests.length).toBeGreaterThan(1);
    expect(loaded).not.toContain('yaml');
    // undici's Agent alone, not its index with fetch, WebSocket and the rest (src/http/dispatcher.ts).
    expect(urls.some((url) => url.endsWith('/undici/lib/dispatcher/agent.js'))).toBe(true);
    expect(urls.filter((url) => url.endsWith('/undici/index.js') || url.includes('/undici/lib/web/'))).toEqual([]);
    // The GraphQL introspection rule's probes are checked with graphql-js's parser alone, not with
    // its validation, execution and type system (src/core/graphql-operation.ts).
    expect(urls.some((url) => url.endsWith('/graphql/language/parser.js'))).toBe(true);
    expect(urls.filter((url) => /\/graphql\/(validation|execution|type|utilities)\//.test(url) || url.endsWith('/graphql/index.js'))).toEqual([]);
  });

  it('`rules list` loads neither the YAML parser nor graphql-js', async () => {
    const loaded = new Set((await modulesLoadedBy('rules', 'list')).map(packageOf));
    expect(loaded).toContain('zod');
    expect(loaded).not.toContain('yaml');
    expect(loaded).not.toContain('graphql');
  });

  it('loads them where they are used: YAML to validate a rule file, graphql-js to check its query', async () => {
    const rule = fileURLToPath(new URL('../../rules/craft/craft-graphql-public-drafts.yaml', import.meta.url));
    const loaded = new Set((await modulesLoadedBy('rules', 'validate', rule)).map(packageOf));
    expect(loaded).toContain('yaml');
    expect(loaded).toContain('graphql');
  });
});
