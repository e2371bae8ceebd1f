import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { loadConfigFile } from '../../src/config/config-file.js';
import { captureIo } from '../support/capture-io.js';
import { tempDir } from '../support/temp-dir.js';
import { startWordpressLikeSite, type WordpressLikeSite } from '../cli/wordpress-like-site.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = path.join(root, 'bin/draftleak.js');
const run = promisify(execFile);

const sites: WordpressLikeSite[] = [];
const envNames: string[] = [];
afterEach(async () => {
  await Promise.all(sites.splice(0).map((site) => site.close()));
  for (const name of envNames.splice(0)) delete process.env[name];
});

function setEnv(name: string, value: string): void {
  process.env[name] = value;
  envNames.push(name);
}

async function site(leakDrafts = false): Promise<WordpressLikeSite> {
  const started = await startWordpressLikeSite({ leakDrafts });
  sites.push(started);
  return started;
}

interface JsonReport {
  targets: { target: string; findings: { ruleId: string; suppression?: unknown }[] }[];
}

describe('draftleak.config.yaml', () => {
  it('holds targets, thresholds, limits and headers by environment variable; flags override it', async () => {
    const wordpress = await site();
    const dir = await tempDir('config');
    const secret = 'Bearer st4ging-s3cret-0f9e8d7c';
    setEnv('DRAFTLEAK_TEST_STAGING_AUTH', secret);
    const file = path.join(dir, 'draftleak.config.yaml');
    await writeFile(
      file,
      [
        `targets: [${wordpress.origin}]`,
        'failOn: critical',
        'rateLimit: 0',
        'maxPages: 5',
        'timeout: 5000',
        'excludeRule: [wp-debug-log-exposed]',
        'headers:',
        '  Authorization: { env: DRAFTLEAK_TEST_STAGING_AUTH }',
        '',
      ].join('\n'),
    );
    const io = captureIo();
    // Only a medium finding, and the file says critical: exit 0.
    expect(await runCli(['scan', '--config', file, '--format', 'json'], io), io.err).toBe(0);
    const report = JSON.parse(io.out) as JsonReport;
    expect(report.targets.map((target) => target.target)).toEqual([wordpress.origin]);
    expect(report.targets[0]?.findings.map((finding) => finding.ruleId)).toEqual(['wp-uploads-directory-listing']);
    expect(wordpress.requests.some((request) => request.headers.authorization === secret)).toBe(true);
    expect(io.out + io.err).not.toContain('st4ging-s3cret');

    // A flag overrides the file's key.
    expect(await runCli(['scan', '--config', file, '--format', 'json', '--fail-on', 'medium'], captureIo())).toBe(1);
    // Target arguments replace the file's targets.
    const other = await site();
    const replaced = captureIo();
    await runCli(['scan', other.origin, '--config', file, '--format', 'json'], replaced);
    expect((JSON.parse(replaced.out) as JsonReport).targets.map((target) => target.target)).toEqual([other.origin]);
    // A --header of the same name replaces the file's.
    await runCli(['scan', other.origin, '--config', file, '--format', 'json', '--header', 'authorization: Bearer from-flag'], captureIo());
    expect(other.requests.at(-1)?.headers.authorization).toBe('Bearer from-flag');
  });

  it('finds targetsFile and baseline relative to the file itself, and applies the baseline', async () => {
    const wordpress = await site();
    const dir = await tempDir('config-rel');
    const baseline = path.join(dir, 'accepted.json');
    expect(await runCli(['baseline', 'create', wordpress.origin, '-o', baseline, '--owner', 'me', '--reason', 'known', '--rate-limit', '0', '--no-config'], captureIo())).toBe(0);
    await writeFile(path.join(dir, 'sites.txt'), `# staging sites\n${wordpress.origin}   # the WordPress one\n`);
    await writeFile(path.join(dir, 'draftleak.config.json'), JSON.stringify({ targetsFile: 'sites.txt', baseline: 'accepted.json', rateLimit: 0 }, null, 2));
    const io = captureIo();
    expect(await runCli(['scan', '--config', path.join(dir, 'draftleak.config.json'), '--format', 'json'], io), io.err).toBe(0);
    const report = JSON.parse(io.out) as JsonReport;
    expect(report.targets[0]?.findings.map((finding) => [finding.ruleId, finding.suppression])).toEqual([['wp-uploads-directory-listing', { reason: 'known', owner: 'me' }]]);
  });

  it('names file, line, column and field for every problem, with a suggestion for a misspelt key', async () => {
    const dir = await tempDir('config-bad');
    const file = path.join(dir, 'draftleak.config.yaml');
    await writeFile(file, ['targets:', '  - ftp://example.org/', 'failOn: severe', 'maxPagez: 10', 'concurrency: 0', 'headers:', '  Authorization: Bearer literal-secret', ''].join('\n'));
    const io = captureIo();
    expect(await runCli(['scan', '--config', file], io)).toBe(2);
    const lines = io.err.trim().split('\n');
    expect(lines[0]).toBe(`draftleak: 5 problems in ${file}:`);
    expect(lines.slice(1).map((line) => line.trim())).toEqual([
      `${file}:2:5: a target must be an http:// or https:// URL (targets.0)`,
      `${file}:3:9: Invalid option: expected one of "low"|"medium"|"high"|"critical"|"none" (failOn)`,
      `${file}:4:1: unknown key "maxPagez" (did you mean "maxPages"?) (maxPagez)`,
      `${file}:5:14: Too small: expected number to be >=1 (concurrency)`,
      `${file}:7:18: Invalid input: expected object, received string (headers.Authorization)`,
    ]);
    // A literal header value is refused, and the refusal does not repeat it.
    expect(io.err).not.toContain('literal-secret');

    const json = path.join(dir, 'bad.json');
    await writeFile(json, '{\n  "targets": ["http://127.0.0.1:9/"],\n  "rateLimit": "fast"\n}\n');
    const jsonIo = captureIo();
    expect(await runCli(['scan', '--config', json], jsonIo)).toBe(2);
    expect(jsonIo.err).toBe(`draftleak: ${json}:3:16: Invalid input: expected number, received string (rateLimit)\n`);
  });

  it('a header whose environment variable is missing or empty is an error naming the variable, before any request', async () => {
    const wordpress = await site();
    const dir = await tempDir('config-env');
    const file = path.join(dir, 'draftleak.config.yaml');
    await writeFile(file, `targets: [${wordpress.origin}]\nheaders:\n  Authorization: { env: DRAFTLEAK_TEST_UNSET }\n  Cookie: { env: DRAFTLEAK_TEST_EMPTY }\n`);
    setEnv('DRAFTLEAK_TEST_EMPTY', '');
    delete process.env.DRAFTLEAK_TEST_UNSET;
    const io = captureIo();
    expect(await runCli(['scan', '--config', file], io)).toBe(2);
    expect(io.err).toContain(`${file}:3:25: environment variable DRAFTLEAK_TEST_UNSET (for header Authorization) is not set (headers.Authorization.env)`);
    expect(io.err).toContain(`${file}:4:18: environment variable DRAFTLEAK_TEST_EMPTY (for header Cookie) is empty (headers.Cookie.env)`);
    expect(wordpress.requests).toEqual([]);
  });

  it('is found in the working directory, so a CI job is `draftleak scan` with no flags (built CLI)', async () => {
    const wordpress = await site();
    const dir = await tempDir('config-cwd');
    await writeFile(path.join(dir, 'draftleak.config.yaml'), `targets: [${wordpress.origin}]\nrateLimit: 0\nfailOn: none\n`);
    const { stdout, stderr } = await run(process.execPath, [bin, 'scan'], { cwd: dir, timeout: 60_000 });
    const sarif = JSON.parse(stdout) as { runs: { properties: { target: string }; results: { ruleId: string }[] }[] };
    expect(sarif.runs.map((r) => [r.properties.target, r.results.map((result) => result.ruleId)])).toEqual([[wordpress.origin, ['wp-uploads-directory-listing']]]);
    // Nothing but the summary line every scan ends with.
    expect(stderr).toMatch(/^draftleak: 1 target, \d+ requests, no failures, 1 finding, \d+\.\d s\n$/);

    // --no-config ignores it; two configuration files are refused rather than one chosen silently.
    const ignored = await run(process.execPath, [bin, 'scan', '--no-config'], { cwd: dir }).catch((error: { code: number; stderr: string }) => error);
    expect(ignored).toMatchObject({ code: 2, stderr: expect.stringContaining('give at least one target') });
    await writeFile(path.join(dir, 'draftleak.config.json'), '{}');
    const two = await run(process.execPath, [bin, 'scan'], { cwd: dir }).catch((error: { code: number; stderr: string }) => error);
    expect(two).toMatchObject({ code: 2, stderr: 'draftleak: more than one configuration file: draftleak.config.yaml, draftleak.config.json; keep one (or choose with --config FILE)\n' });
  });

  it('the example in docs/ci.md passes the zod schema and the generated JSON Schema; a typo fails both', async () => {
    const docs = await readFile(path.join(root, 'docs/ci.md'), 'utf8');
    const example = /```yaml\n(# draftleak\.config\.yaml\n[\s\S]*?)```/.exec(docs)?.[1];
    expect(example).toBeDefined();
    const dir = await tempDir('config-docs');
    const file = path.join(dir, 'draftleak.config.yaml');
    await writeFile(file, example ?? '');
    const loaded = await loadConfigFile(file);
    expect(loaded.config.headers).toEqual({ Authorization: { env: 'STAGING_AUTH' } });
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormatsModule.default(ajv);
    const validate = ajv.compile(JSON.parse(await readFile(path.join(root, 'schemas/config.schema.json'), 'utf8')) as object);
    const parsed: unknown = parseYaml(example ?? '');
    expect(validate(parsed), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...(parsed as object), failon: 'high' })).toBe(false);
    await writeFile(file, `${example ?? ''}failon: high\n`);
    await expect(loadConfigFile(file)).rejects.toThrow(/unknown key "failon" \(did you mean "failOn"\?\)/);
  });
});
