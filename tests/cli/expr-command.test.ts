import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIo } from '../support/capture-io.js';
import { tempDir } from '../support/temp-dir.js';

async function saved(name: string, text: string): Promise<string> {
  const file = path.join(await tempDir('expr'), name);
  await writeFile(file, text);
  return file;
}

async function expr(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await runCli(['expr', ...args], io);
  return { code, out: io.out, err: io.err };
}

const posts = JSON.stringify([
  { id: 7, status: 'draft', slug: 'a b&c' },
  { id: 4, status: 'publish', slug: 'live' },
]);

describe('draftleak expr', () => {
  it('evaluates against a JSON file as the json of the response document and prints JSON', async () => {
    const file = await saved('posts.json', posts);
    const drafts = await expr(["json[?status=='draft'].id", file]);
    expect(drafts).toEqual({ code: 0, out: '[\n  7\n]\n', err: '' });
    // the rest of the document: status defaults to 200, the body is the text itself
    const rest = await expr(['{status: status, length: length(body), truncated: truncated}', file]);
    expect(JSON.parse(rest.out)).toEqual({ status: 200, length: posts.length, truncated: false });
    expect((await expr(['status', file, '--status', '404'])).out).toBe('404\n');
  });

  it("has the project's functions", async () => {
    const file = await saved('posts.json', posts);
    const encoded = await expr(["url_encode(json[0].slug)", file]);
    expect(encoded).toEqual({ code: 0, out: '"a%20b%26c"\n', err: '' });
  });

  it('reads a `curl -i` style file: status line, headers (lower-cased) and the body after them', async () => {
    const file = await saved(
      'draft.http',
      'HTTP/1.1 301 Moved Permanently\r\nLocation: /wp-json/\r\n\r\nHTTP/1.1 403 Forbidden\r\nContent-Type: text/html\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n<html><title>Forbidden</title></html>',
    );
    const result = await expr(['{status: status, type: headers."content-type", cookies: headers."set-cookie", json: json, body: body, redirects: redirects}', file]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({ status: 403, type: 'text/html', cookies: 'a=1\nb=2', json: null, body: '<html><title>Forbidden</title></html>', redirects: ['/wp-json/'] });
    const overridden = await expr(['headers."content-type"', file, '--header', 'Content-Type: application/json']);
    expect(overridden.out).toBe('"application/json"\n');
  });

  it('exits 2 with one clear line for a bad expression, an unreadable file, or an expression that fails', async () => {
    const file = await saved('page.html', '<html>not json</html>');
    const bad = await expr(['json[?status==', file]);
    expect(bad.code).toBe(2);
    expect(bad.out).toBe('');
    expect(bad.err).toMatch(/^draftleak: expr: bad expression "json\[\?status==": .+\n$/);
    const missing = path.join(path.dirname(file), 'missing.json');
    const unreadable = await expr(['json', missing]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.err).toMatch(new RegExp(`^draftleak: expr: cannot read ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*ENOENT.*\n$`));
    // length() of null: json is null because the body is HTML
    const failing = await expr(['length(json)', file]);
    expect(failing.code).toBe(2);
    expect(failing.out).toBe('');
    expect(failing.err).toMatch(/^draftleak: expr: the expression fails on .*page\.html: .+\n$/);
  });
});
