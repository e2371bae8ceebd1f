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

async function modulesLoadedBy(env: Record<string, string>, ...args: string[]): Promise<string[]> {
  const file = path.join(await tempDir('imports'), 'imports.txt');
  await run(process.execPath, ['--import', recordImports, bin, ...args], { env: { ...process.env, ...env, DRAFTLEAK_RECORD_IMPORTS: file } }).catch((error: unknown) => {
    // Exit codes other than 0 (findings, a failed probe) still ran the command; a crash did not.
    if (!(error as { stdout?: string }).stdout) throw error;
  });
  return (await readFile(file, 'utf8')).split('\n').filter(Boolean);
}

// A package from node_modules, or one the build put in one file (dist/vendor/yaml.cjs is `yaml`).
const packageOf = (url: string): string | undefined => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? /\/dist\/vendor\/([^/]+)\.cjs$/.exec(url)?.[1];

const bundle = fileURLToPath(new URL('../../dist/cli/entry.bundle.cjs', import.meta.url));
const loadsBundle = (urls: string[]): boolean => urls.some((url) => url.endsWith('/dist/cli/entry.bundle.cjs'));

// The program runs from its one-file build (scripts/bundle.mjs) when the build made one, and module by
// module otherwise (src/cli/load-entry.ts): both must leave the same modules unloaded. In the
// bundle, our modules, zod and commander are not loaded on their own, so `ours` is what says the
// program was loaded at all, and the recorder still sees what createRequire loads lazily.
describe.each<{ mode: string; env: Record<string, string>; ours: (urls: string[]) => boolean }>([
  { mode: 'module by module', env: { DRAFTLEAK_NO_BUNDLE: '1' }, ours: (urls: string[]) => new Set(urls.map(packageOf)).has('zod') && !loadsBundle(urls) },
  { mode: 'from the bundle', env: {}, ours: (urls: string[]) => loadsBundle(urls) && !new Set(urls.map(packageOf)).has('zod') },
])('modules a scan does not use are not loaded ($mode)', ({ env, ours }) => {
  it('a one-page scan with the built-in rules loads no YAML parser, undici index or graphql-js beyond its parser', async () => {
    const site = cleanup.add(await startLoopbackServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><title>home</title></head><body>home</body></html>')));
    const urls = await modulesLoadedBy(env, 'scan', `${site.origin}/`, '--max-pages', '1', '--rate-limit', '0', '--format', 'json', '--fail-on', 'none');
    const loaded = new Set(urls.map(packageOf));
    // The recorder sees CommonJS packages (undici) and ESM ones (zod, or the bundle): the absences below are not its blindness.
    expect(loaded).toContain('undici');
    expect(ours(urls)).toBe(true);
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
    const urls = await modulesLoadedBy(env, 'rules', 'list');
    const loaded = new Set(urls.map(packageOf));
    expect(ours(urls)).toBe(true);
    expect(loaded).not.toContain('yaml');
    expect(loaded).not.toContain('graphql');
  });

  it('loads them where they are used: YAML to validate a rule file, graphql-js to check its query', async () => {
    const rule = fileURLToPath(new URL('../../rules/craft/craft-graphql-public-drafts.yaml', import.meta.url));
    const urls = await modulesLoadedBy(env, 'rules', 'validate', rule);
    const loaded = new Set(urls.map(packageOf));
    expect(loaded).toContain('yaml');
    expect(loaded).toContain('graphql');
    // The YAML parser from its one-file build (scripts/bundle.mjs), not module by module.
    expect(urls.filter((url) => url.endsWith('/dist/vendor/yaml.cjs'))).toHaveLength(1);
    expect(urls.filter((url) => url.includes('/node_modules/yaml/'))).toEqual([]);
  });
});

describe('the bundle', () => {
  // Were one of these imported statically, the bundle would hold it and load it at every start,
  // and the recorder above could not see it (it sees files, not what a file holds).
  it('holds neither the YAML parser, graphql-js nor undici, which are loaded when used (the YAML parser from its own one-file build)', async () => {
    // The bundler's own list of what it put in (scripts/bundle.mjs).
    const inputs = JSON.parse(await readFile(bundle.replace(/\.cjs$/, '.inputs.json'), 'utf8')) as string[];
    const packages = new Set(inputs.map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1]).filter(Boolean));
    expect(packages).toContain('zod');
    expect(inputs.some((input) => input.endsWith('dist/engine/run-rule.js'))).toBe(true);
    for (const lazy of ['yaml', 'graphql', 'undici']) expect(packages.has(lazy), lazy).toBe(false);
  });
});
