import { describe, expect, it } from 'vitest';
import { renderExplain } from '../../src/cli/explain.js';
import { isCredentialHeader, maskQuotedValue, maskSecrets, redactUrl, redactUrlMarked } from '../../src/core/redact.js';
import { terminalLine, terminalSafeJson, terminalText } from '../../src/core/terminal-safe.js';
import type { RuleOutcome } from '../../src/engine/index.js';
import { renderJson } from '../../src/report/json.js';
import { renderText } from '../../src/report/text.js';
import { scanResult } from '../report/fixtures.js';

describe('redactUrl', () => {
  it('drops userinfo from report URLs, and marks it where a reader should see it was given', () => {
    expect(redactUrl('http://admin:pa55w0rd@127.0.0.1:8080/x')).toBe('http://127.0.0.1:8080/x');
    expect(redactUrlMarked('http://admin:pa55w0rd@127.0.0.1:8080/x')).toBe('http://REDACTED@127.0.0.1:8080/x');
    expect(redactUrlMarked('https://only-user@h/')).toBe('https://REDACTED@h/');
  });

  it('masks token and preview parameters, in the query and the fragment, and leaves the rest as written', () => {
    expect(
      redactUrl('https://h/?p=12&preview=true&token=abcdefghijkl&_ppp=0123456789&preview_nonce=a1b2c3&x-craft-preview=zz99yy88xx&author=1&q=a+b'),
    ).toBe('https://h/?p=12&preview=true&token=abcd********&_ppp=0123******&preview_nonce=******&x-craft-preview=zz99******&author=1&q=a+b');
    expect(redactUrl('/cb#access_token=zzzzzzzzzzzz&state=1')).toBe('/cb#access_token=zzzz********&state=1');
    expect(redactUrl('https://h/a?sig=abc&code=xyz&api_key=k&secret=s&password=p&X-Amz-Signature=f00')).toBe(
      'https://h/a?sig=***&code=***&api_key=*&secret=*&password=*&X-Amz-Signature=***',
    );
    // Repeated parameters stay repeated and in order.
    expect(redactUrl('https://h/?token=a&token=bbbbbbbbbbbb')).toBe('https://h/?token=*&token=bbbb********');
  });

  it('masks a preview parameter only when it holds a token, not when it is a flag', () => {
    expect(redactUrl('https://h/?preview=true')).toBe('https://h/?preview=true');
    expect(redactUrl('https://h/?preview=3f2a9c1e-1b2c-4d5e-8f9a-123456789abc')).toBe('https://h/?preview=3f2a****************');
  });
});

describe('maskSecrets', () => {
  it('masks URLs quoted in text, Bearer and Basic credentials, and keeps prose', () => {
    const basic = Buffer.from('admin:hunter2hunter2').toString('base64');
    expect(maskSecrets(`GET http://admin:pw@h/?token=abcdefghijk failed`)).toBe('GET http://REDACTED@h/?token=abcd******* failed');
    expect(maskSecrets('Authorization: Bearer s3cr3t-bearer-xyz')).toBe('Authorization: Bearer [REDACTED]');
    expect(maskSecrets(`Authorization: Basic ${basic}`)).toBe('Authorization: Basic [REDACTED]');
    expect(maskSecrets('Basic information about the Bearer of news')).toBe('Basic information about the Bearer [REDACTED] news');
    expect(maskSecrets('Basic information')).toBe('Basic information');
  });

  it("masks TYPO3's workspace preview keyword in URLs", () => {
    expect(redactUrl('https://h/index.php?id=12&ADMCMD_prev=0123456789abcdef0123456789abcdef')).not.toContain('456789abcdef0123');
    expect(maskSecrets('see https://h/?ADMCMD_prev=0123456789abcdef0123456789abcdef now')).not.toContain('456789abcdef0123');
  });

  it('masks a Ghost Admin API key wherever it is quoted, and its pseudo-header is a credential header', () => {
    const key = `${'a1'.repeat(12)}:${'9f'.repeat(32)}`;
    const masked = maskSecrets(`const ghost = new GhostAdminAPI({ key: "${key}" })`);
    expect(masked).not.toContain('9f9f9f9f');
    expect(masked).not.toContain(key);
    expect(isCredentialHeader('Ghost-Admin-Api-Key')).toBe(true);
    expect(isCredentialHeader('keep-alive')).toBe(false);
  });

  it('masks a quoted value that looks like a token, or whose name says it is one', () => {
    expect(maskQuotedValue('a1b2c3d4e5f6a7b8c9')).toBe('a1b2**************');
    expect(maskQuotedValue('short', 'preview_nonce')).toBe('*****');
    expect(maskQuotedValue('draft-post-about-things')).toBe('draft-post-about-things');
    expect(maskQuotedValue('2025-05-01T10:00:00Z')).toBe('2025-05-01T10:00:00Z');
  });
});

describe('terminal safety', () => {
  const hostile = 'a\u001b[2Jb\u001b]8;;https://evil.example/\u0007c\u001b]8;;\u001b\\d\u009b31me\u0007f\u202eg\rh\u001bPq#0\u001b\\i';

  it('removes whole escape sequences, 8-bit controls and bidi overrides', () => {
    expect(terminalText(hostile)).toBe('abcdefgh' + 'i');
    expect(terminalText('line one\n\tline two')).toBe('line one\n\tline two');
  });

  it('keeps target text on one line', () => {
    expect(terminalLine('posts\nNo exposure found.')).toBe('posts No exposure found.');
  });

  it('escapes the characters JSON leaves raw, and the JSON still parses to the same string', () => {
    const json = terminalSafeJson(JSON.stringify({ name: 'x\u009b2Jy\u202e\u2028' }));
    expect(json).toBe('{"name":"x\\u009b2Jy\\u202e\\u2028"}');
    expect(JSON.parse(json)).toEqual({ name: 'x\u009b2Jy\u202e\u2028' });
  });

  it('the text and JSON reports carry no raw control character from a finding', () => {
    const result = scanResult();
    const finding = result.targets[0]?.findings[0];
    if (!finding) throw new Error('fixture has no finding');
    finding.message = `Collection posts\u001b[2J\u001b]8;;https://evil.example/\u0007click\u001b]8;;\u0007\nNo exposure found.`;
    finding.items = [{ id: 'x\u009b31my', url: 'https://example.com/\u001b[1mdraft' }];
    const text = renderText(result, { color: false });
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('Collection postsclick No exposure found.');
    expect(text).not.toContain('evil.example');
    // Coloured output has our own escapes only: every ESC opens an SGR colour code.
    expect(renderText(result, { color: true }).replace(/\u001b\[\d+m/g, '')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(renderJson(result)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});

describe('--explain', () => {
  it('redacts URLs and extracted values like the reports, and strips target control characters', () => {
    const outcome: RuleOutcome = {
      ruleId: 'r',
      findings: [],
      failures: [],
      trace: [
        {
          step: 'home',
          method: 'GET',
          url: 'http://admin:pa55w0rd@127.0.0.1/?p=1&preview=true&token=pr3v13w-t0k3n-123456',
          status: 200,
          extracted: { preview_token: ['pr3v13w-t0k3n-123456'], title: 'Draft\u001b[2J\nforged line', uuid: '3f2a9c1e-1b2c-4d5e-8f9a-123456789abc' },
        },
        { step: 'next', error: 'DL_REDIRECT_OUT_OF_SCOPE http://u:pa55w0rd@h/ redirects to https://evil/?secret=abcdefghij\u001b[2J' },
      ],
    };
    const out = renderExplain('http://admin:pa55w0rd@127.0.0.1/', [outcome]);
    for (const secret of ['pa55w0rd', 'pr3v13w-t0k3n-123456', '3f2a9c1e-1b2c-4d5e-8f9a-123456789abc', 'abcdefghij']) expect(out).not.toContain(secret);
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(out.split('\n')).toEqual([
      'explain: http://REDACTED@127.0.0.1/',
      '  rule r: silent',
      '    step home: GET http://REDACTED@127.0.0.1/?p=1&preview=true&token=pr3v**************** -> 200',
      '      extracted preview_token = ["pr3v****************"]',
      '      extracted title = "Draft forged line"',
      '      extracted uuid = "3f2a****************"',
      '    step next: error DL_REDIRECT_OUT_OF_SCOPE http://REDACTED@h/ redirects to https://evil/?secret=abcd******',
      '',
    ]);
  });
});
