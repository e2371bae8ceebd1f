import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactedCommandLine } from '../../src/cli/scan-options.js';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * The whole promise of "nothing leaks", through the built CLI as a user runs it: the user's
 * bearer token, cookie, Basic auth in the URL and inventory credentials, and a preview token the
 * site itself leaks, appear in no output of any format, not in the logs at debug level and not
 * in --explain. Target text carrying terminal escapes reaches neither stdout nor stderr raw.
 */

const run = promisify(execFile);
const bin = path.resolve('bin/draftleak.js');

const secrets = {
  bearer: 's3cr3t-bearer-9f8e7d6c5b4a3928',
  cookie: 'c00kie-s3ss10n-1a2b3c4d5e6f',
  basicPassword: 'pa55w0rd-unique',
  basicHeader: Buffer.from('admin:pa55w0rd-unique').toString('base64'),
  inventory: 'inv3nt0ry-t0k3n-77aa88bb99cc',
  previewToken: 'pr3v13w-t0k3n-7e6d5c4b3a291807',
} as const;

// A Directus-like collection name holding a screen clear, an 8-bit CSI and an OSC-8 hyperlink.
const hostileName = 'posts\u001b[2J\u009b31m\u001b]8;;https://evil.example/\u0007click here\u001b]8;;\u0007';
const rawControl = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

let site: LoopbackServer;
let rulesDir: string;
let outDir: string;

const rule = `id: test-leaky-collections
name: Collections readable with a leaked preview token
severity: high
confidence: high
cms: [generic]
description: The home page leaks a preview link; with its token the collection list is readable.
remediation: None.
references: [https://example.org/doc]
steps:
  - id: home
    request:
      path: /
    extract:
      - name: preview_token
        regex: 'token=([A-Za-z0-9-]+)'
    match:
      all:
        - status: 200
  - id: preview
    request:
      path: "/?p=12&preview=true&token={{preview_token}}"
    match:
      all:
        - status: 200
        - word: "Preview of a draft"
  - id: collections
    request:
      path: /items/collections
    extract:
      - name: first_collection
        json: "json.data[0].name"
    match:
      all:
        - status: 200
        - json: "length(json.data) > \`0\` && first_collection != null"
finding:
  message: "{{count}} collection(s) readable, first {{first_collection}}"
  items: "json.data[].{id: name, url: preview}"
`;

beforeAll(async () => {
  site = await startLoopbackServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const previewUrl = `http://127.0.0.1:${site.port}/?p=12&preview=true&token=${secrets.previewToken}`;
    if (url.pathname === '/' && url.searchParams.get('token') === secrets.previewToken) {
      res.setHeader('content-type', 'text/html');
      res.end(`<html><body><h1>Preview of a draft</h1><p>${hostileName}</p></body></html>`);
    } else if (url.pathname === '/') {
      res.setHeader('content-type', 'text/html');
      res.end(`<html><head><title>${hostileName}</title></head><body><p>${hostileName}</p><a href="${previewUrl}">draft</a></body></html>`);
    } else if (url.pathname === '/items/collections') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: [{ name: hostileName, preview: previewUrl }, { name: 'pages', preview: previewUrl }] }));
    } else {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  rulesDir = await tempDir('secrets-rules');
  await mkdir(path.join(rulesDir, 'generic'));
  await writeFile(path.join(rulesDir, 'generic', 'test-leaky-collections.yaml'), rule);
  outDir = await tempDir('secrets-out');
});

afterAll(() => site.close());

interface Ran {
  stdout: string;
  stderr: string;
  file?: string;
}

async function scan(format: string, toFile: boolean): Promise<Ran> {
  const target = `http://admin:${secrets.basicPassword}@127.0.0.1:${site.port}/`;
  const file = path.join(outDir, `report-${format}-${toFile ? 'file' : 'stdout'}`);
  const args = [
    bin,
    'scan',
    target,
    '--header',
    `Authorization: Bearer ${secrets.bearer}`,
    '--header',
    `Cookie: session=${secrets.cookie}`,
    '--rules',
    rulesDir,
    '--no-builtin-rules',
    '--max-pages',
    '5',
    '--rate-limit',
    '0',
    '--fail-on',
    'none',
    '--log-level',
    'debug',
    '--explain',
    '--format',
    format,
    ...(toFile ? ['-o', file] : []),
  ];
  try {
    const { stdout, stderr } = await run(process.execPath, args, { env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr, ...(toFile ? { file: await readFile(file, 'utf8') } : {}) };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: number };
    throw new Error(`draftleak exited ${failed.code}: ${failed.stderr ?? ''}`);
  }
}

const formats = ['sarif', 'json', 'jsonl', 'text', 'markdown', 'html', 'junit'];

/** One run writing a file per format (each from its extension), as a CI job with several -o does. */
const severalFiles = ['all.sarif', 'all.json', 'all.jsonl', 'all.txt', 'all.md', 'all.html', 'all.xml'];

async function scanToSeveralFiles(): Promise<{ stdout: string; stderr: string; files: Record<string, string> }> {
  const dir = await tempDir('secrets-several');
  const target = `http://admin:${secrets.basicPassword}@127.0.0.1:${site.port}/`;
  const args = [bin, 'scan', target, '--header', `Authorization: Bearer ${secrets.bearer}`, '--header', `Cookie: session=${secrets.cookie}`, '--rules', rulesDir, '--no-builtin-rules', '--max-pages', '5', '--rate-limit', '0', '--fail-on', 'none', '--log-level', 'debug', '--explain', ...severalFiles.flatMap((file) => ['-o', path.join(dir, file)])];
  const { stdout, stderr } = await run(process.execPath, args, { env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
  const files: Record<string, string> = {};
  for (const file of severalFiles) files[file] = await readFile(path.join(dir, file), 'utf8');
  return { stdout, stderr, files };
}

describe('no secret reaches any output of a real scan', () => {
  const runs = new Map<string, Ran>();
  beforeAll(async () => {
    for (const format of formats) {
      runs.set(`${format} to stdout`, await scan(format, false));
      runs.set(`${format} to a file`, await scan(format, true));
    }
  }, 240_000);

  it('the scan really ran: the rule fired on the leaked preview token and debug logs were written', () => {
    for (const [name, ran] of runs) {
      const report = ran.file ?? ran.stdout;
      expect(report, name).toContain('test-leaky-collections');
      expect(ran.stderr, name).toContain('"level":20'); // pino debug lines
      expect(ran.stderr, name).toContain('explain: ');
      expect(ran.stderr, name).toContain('extracted preview_token = ["pr3v');
    }
    const previewRequests = site.requests.filter((request) => request.url.includes(`token=${secrets.previewToken}`));
    expect(previewRequests.length).toBeGreaterThanOrEqual(formats.length * 2);
  });

  for (const format of formats) {
    for (const where of ['to stdout', 'to a file']) {
      it(`${format} ${where}: no secret in stdout, stderr or the report`, () => {
        const ran = runs.get(`${format} ${where}`);
        if (!ran) throw new Error('scan did not run');
        const outputs = { stdout: ran.stdout, stderr: ran.stderr, report: ran.file ?? '' };
        for (const [stream, text] of Object.entries(outputs)) {
          for (const [name, secret] of Object.entries(secrets)) {
            expect(text.includes(secret), `${name} in ${stream}`).toBe(false);
          }
        }
      });

      it(`${format} ${where}: no terminal control character of the target reaches stdout or stderr`, () => {
        const ran = runs.get(`${format} ${where}`);
        if (!ran) throw new Error('scan did not run');
        expect(ran.stdout).not.toMatch(rawControl);
        expect(ran.stderr).not.toMatch(rawControl);
      });
    }
  }

  it('one run writing every format to its own file: no secret in any of them, nor on stdout or stderr', async () => {
    const ran = await scanToSeveralFiles();
    expect(ran.stdout).toBe('');
    for (const [file, text] of Object.entries({ ...ran.files, stdout: ran.stdout, stderr: ran.stderr })) {
      if (file !== 'stdout' && file !== 'stderr') expect(text, file).toContain('test-leaky-collections');
      for (const [name, secret] of Object.entries(secrets)) expect(text.includes(secret), `${name} in ${file}`).toBe(false);
    }
    expect(ran.stderr).not.toMatch(rawControl);
  }, 60_000);

  it('the markup formats show the collection as text, without its escapes', () => {
    const markdown = runs.get('markdown to stdout')?.stdout ?? '';
    expect(markdown).toContain('`postsclick here`');
    const html = runs.get('html to stdout')?.stdout ?? '';
    expect(html).toContain('<code>postsclick here</code>');
    expect(runs.get('junit to stdout')?.stdout ?? '').toContain('postsclick here');
    for (const format of ['markdown', 'junit']) expect(runs.get(`${format} to stdout`)?.stdout ?? '', format).not.toContain('evil.example');
    // The HTML quotes the JSON body excerpt, where the OSC-8 target is text; never a link.
    expect(html).not.toMatch(/href="[^"]*evil\.example/);
  });

  it('the text report still names the collection, without its escapes', () => {
    const text = runs.get('text to stdout')?.stdout ?? '';
    expect(text).toContain('id postsclick here');
    expect(text).not.toContain('evil.example');
  });

  it('the command line in the reports keeps the flags and masks their values', () => {
    const json = JSON.parse(runs.get('json to a file')?.file ?? '{}') as { commandLine?: string };
    expect(json.commandLine).toContain(`scan http://REDACTED@127.0.0.1:${site.port}/ --header "Authorization: [REDACTED]" --header "Cookie: [REDACTED]"`);
    expect(json.commandLine).toContain('--log-level debug --explain --format json');
    const sarif = JSON.parse(runs.get('sarif to a file')?.file ?? '{}') as { runs: { invocations: { commandLine: string }[] }[] };
    expect(sarif.runs[0]?.invocations[0]?.commandLine).toBe(json.commandLine?.replace('--format json', '--format sarif').replace(/report-json-file/, 'report-sarif-file'));
  });
});

describe('redactedCommandLine', () => {
  it('masks every value that could be a secret, and keeps every flag', () => {
    const line = redactedCommandLine([
      'scan',
      `https://admin:${secrets.basicPassword}@staging.example.com/blog?preview=true&token=${secrets.previewToken}&_ppp=abcdef123456&x-craft-preview=q1w2e3r4t5&page=2`,
      '--header',
      `Authorization: Bearer ${secrets.bearer}`,
      `--header=Cookie: session=${secrets.cookie}`,
      '--inventory-auth',
      secrets.inventory,
      `--inventory-header=X-Api-Key: ${secrets.inventory}`,
      '--auth',
      `admin:${secrets.basicPassword}`,
      '--user-agent',
      `probe Bearer ${secrets.bearer}`,
      '--max-pages',
      '10',
    ]);
    for (const secret of Object.values(secrets)) expect(line).not.toContain(secret);
    expect(line).toBe(
      'draftleak scan https://REDACTED@staging.example.com/blog?preview=true&token=pr3v****************&_ppp=abcd********&x-craft-preview=q1w2******&page=2' +
        ' --header "Authorization: [REDACTED]" --header="Cookie: [REDACTED]" --inventory-auth [REDACTED]' +
        ' --inventory-header="X-Api-Key: [REDACTED]" --auth [REDACTED] --user-agent "probe Bearer [REDACTED]" --max-pages 10',
    );
  });
});

describe('no secret reaches a baseline, a merged SARIF or the stderr of a configured scan', () => {
  async function draftleak(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string; code: number }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 64 * 1024 * 1024 });
      return { stdout, stderr, code: 0 };
    } catch (error) {
      const failed = error as { stdout: string; stderr: string; code: number };
      return failed;
    }
  }

  it('headers from the configuration file\'s environment variables, Basic auth in the URL and the leaked preview token stay out of every file and stream', async () => {
    const dir = await tempDir('secrets-ci');
    const target = `http://admin:${secrets.basicPassword}@127.0.0.1:${site.port}/`;
    await writeFile(
      path.join(dir, 'draftleak.config.yaml'),
      [
        `targets: ["${target}"]`,
        `rules: [${JSON.stringify(rulesDir)}]`,
        'builtinRules: false',
        'maxPages: 5',
        'rateLimit: 0',
        'failOn: none',
        'headers:',
        '  Authorization: { env: DRAFTLEAK_SECRET_BEARER }',
        '  Cookie: { env: DRAFTLEAK_SECRET_COOKIE }',
        '',
      ].join('\n'),
    );
    const env = { DRAFTLEAK_SECRET_BEARER: `Bearer ${secrets.bearer}`, DRAFTLEAK_SECRET_COOKIE: `session=${secrets.cookie}` };
    const before = site.requests.length;
    const outputs: Record<string, string> = {};
    const steps: [string, string[]][] = [
      ['scan', ['scan', '-o', 'a.sarif', '--log-level', 'debug']],
      ['baseline from the scan', ['baseline', 'create', '-o', 'from-scan.json', '--log-level', 'debug']],
      ['baseline from SARIF', ['baseline', 'create', '--from', 'a.sarif', '-o', 'from-sarif.json']],
      ['scan with the baseline', ['scan', '--baseline', 'from-sarif.json', '--format', 'text']],
      ['merge', ['merge', 'a.sarif', 'a.sarif', '-o', 'all.sarif']],
    ];
    for (const [name, args] of steps) {
      const ran = await draftleak(args, dir, env);
      expect(ran.code, `${name}: ${ran.stderr}`).toBe(0);
      outputs[`${name} stdout`] = ran.stdout;
      outputs[`${name} stderr`] = ran.stderr;
    }
    for (const file of ['a.sarif', 'from-scan.json', 'from-sarif.json', 'all.sarif']) outputs[file] = await readFile(path.join(dir, file), 'utf8');
    // The scans really ran with the credentials, and the rule fired on the preview token.
    expect(site.requests.slice(before).some((request) => request.headers.authorization === `Bearer ${secrets.bearer}`)).toBe(true);
    expect(outputs['from-sarif.json']).toContain('test-leaky-collections');
    expect(outputs['scan with the baseline stdout']).toContain('Suppressed by the baseline');
    for (const [where, text] of Object.entries(outputs)) {
      for (const [name, secret] of Object.entries(secrets)) expect(text.includes(secret), `${name} in ${where}`).toBe(false);
      expect(text, where).not.toMatch(rawControl);
    }
  }, 120_000);
});
