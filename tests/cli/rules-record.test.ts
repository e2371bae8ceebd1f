import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCli } from '../../src/cli/program.js';
import { captureIo } from '../support/capture-io.js';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';
import { tempDir } from '../support/temp-dir.js';

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const rule = `id: acme-preview-drafts
name: ACME CMS preview API lists drafts
severity: critical
confidence: high
cms: [acme]
description: The ACME preview endpoint answers anonymous visitors with draft entries.
remediation: Require a preview token on /preview/entries.
references: [https://docs.acme.example/preview]
steps:
  - id: entries
    request:
      path: /preview/entries
    match:
      all:
        - status: 200
        - header: { name: x-acme-version }
        - json: "length(json.entries[?state == 'draft']) > \`0\`"
finding:
  message: "{{count}} ACME draft(s) are readable"
  items: "json.entries[?state == 'draft'].{id: to_string(id), status: state}"
`;

const fingerprint = `cms: acme
name: ACME CMS
kind: headless
references: [https://docs.acme.example/headers]
signals:
  - id: version-header
    passive: {}
    match: { header: { name: x-acme-version } }
    weight: 0.9
`;

/** An ACME site; `leaky` lists a draft (with a token in it) to anonymous visitors. */
async function acmeSite(leaky: boolean): Promise<LoopbackServer> {
  const padding = 'x'.repeat(9000);
  const server = await startLoopbackServer((req, res) => {
    if (req.url === '/preview/entries' && leaky) {
      const self = `http://${req.headers.host}`;
      res
        .writeHead(200, { 'content-type': 'application/json', 'x-acme-version': '3.1', 'set-cookie': 'session=abc123secretvalue', date: 'Tue, 01 Dec 2026 10:00:00 GMT' })
        .end(JSON.stringify({ entries: [{ id: 42, state: 'draft', url: `${self}/drafts/42?token=s3cr3t-preview-token-value` }, { id: 7, state: 'live' }] }));
    } else if (req.url === '/preview/entries') {
      res.writeHead(401, { 'content-type': 'text/html', 'x-acme-version': '3.1' }).end(`<html><body>token required ${padding}</body></html>`);
    } else {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html>not found</html>');
    }
  });
  servers.push(server);
  return server;
}

describe('draftleak rules record', () => {
  it('writes the live exchanges as cases that rules test then passes: masked, origin rewritten, trimmed, expect from whether the rule fired', async () => {
    const root = await tempDir('record');
    await mkdir(path.join(root, 'acme'));
    await writeFile(path.join(root, 'acme', 'fingerprint.yaml'), fingerprint);
    const ruleFile = path.join(root, 'acme', 'acme-preview-drafts.yaml');
    await writeFile(ruleFile, rule);
    const caseFile = path.join(root, 'acme', 'acme-preview-drafts.cases.yaml');

    const leaky = await acmeSite(true);
    const first = captureIo();
    expect(await runCli(['rules', 'record', leaky.origin, '--rule', ruleFile, '--rate-limit', '0'], first)).toBe(0);
    expect(first.err).toBe(`draftleak: created case "recorded from ${leaky.origin}" in ${caseFile}: expect finding, 1 exchange(s)\n`);
    // One kind of case is not enough for rules test: it needs a case that must not fire too.
    expect(await runCli(['rules', 'test', root], captureIo())).toBe(1);

    const clean = await acmeSite(false);
    const second = captureIo();
    expect(await runCli(['rules', 'record', clean.origin, '--rule', ruleFile, '--rate-limit', '0'], second)).toBe(0);
    expect(second.err).toContain(`added case "recorded from ${clean.origin}" in ${caseFile}: expect none, 1 exchange(s)`);

    const written = await readFile(caseFile, 'utf8');
    expect(written).not.toContain('s3cr3t-preview-token-value');
    expect(written).not.toContain('abc123secretvalue');
    const parsed = parseYaml(written) as { rule: string; cases: { name: string; expect: string; findings?: unknown[]; exchanges: { request: unknown; response: { status: number; headers: Record<string, string>; body?: string } }[] }[] };
    expect(parsed.rule).toBe('acme-preview-drafts');
    // The site's origin stays only in the case names and source line: exchanges replay against the case target.
    expect(JSON.stringify(parsed.cases.map((entry) => [entry.findings, entry.exchanges]))).not.toContain(leaky.origin);
    expect(parsed.cases.map((entry) => [entry.name, entry.expect])).toEqual([
      [`recorded from ${leaky.origin}`, 'finding'],
      [`recorded from ${clean.origin}`, 'none'],
    ]);
    expect(parsed.cases[0]?.findings).toEqual([{ path: '/preview/entries', items: [expect.objectContaining({ id: '42', status: 'draft' })] }]);
    expect(parsed.cases[0]?.exchanges[0]?.request).toEqual({ method: 'GET', path: '/preview/entries' });
    expect(parsed.cases[0]?.exchanges[0]?.response.headers).toEqual({ 'content-type': 'application/json', 'x-acme-version': '3.1' });
    expect(parsed.cases[0]?.exchanges[0]?.response.body).toContain('http://127.0.0.1:65535/drafts/42');
    // The clean site's long page is cut: the rule decides on the status alone.
    expect(parsed.cases[1]?.exchanges[0]?.response.body?.length).toBe(4000);

    const test = captureIo();
    expect(await runCli(['rules', 'test', root], test)).toBe(0);
    expect(test.err).toBe('');

    // Recording again under the same name replaces that case and keeps the other.
    expect(await runCli(['rules', 'record', leaky.origin, '--rule', ruleFile, '--rate-limit', '0'], captureIo())).toBe(0);
    const again = parseYaml(await readFile(caseFile, 'utf8')) as { cases: { name: string }[] };
    expect(again.cases.map((entry) => entry.name)).toEqual([`recorded from ${leaky.origin}`, `recorded from ${clean.origin}`]);
  });

  it('refuses to overwrite a file that is not a case file', async () => {
    const root = await tempDir('record-bad');
    const ruleFile = path.join(root, 'acme-preview-drafts.yaml');
    await writeFile(ruleFile, rule);
    const other = path.join(root, 'notes.yaml');
    await writeFile(other, 'just: notes\n');
    const site = await acmeSite(true);
    const io = captureIo();
    expect(await runCli(['rules', 'record', site.origin, '--rule', ruleFile, '-o', other, '--rate-limit', '0'], io)).toBe(2);
    expect(io.err).toContain(`${other} is not a case file with a cases: list`);
    expect(await readFile(other, 'utf8')).toBe('just: notes\n');
  });
});
