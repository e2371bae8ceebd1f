import { describe, expect, it } from 'vitest';
import { renderSarif } from '../../src/report/sarif.js';
import { renderJson } from '../../src/report/json.js';
import { renderText } from '../../src/report/text.js';
import { scanResult, secrets } from './fixtures.js';

// The fixture's evidence is deliberately unredacted: renderers must not trust the engine.
describe('no report carries credentials or tokens', () => {
  const outputs = {
    sarif: renderSarif(scanResult()),
    json: renderJson(scanResult()),
    text: renderText(scanResult(), { color: false }),
    'coloured text': renderText(scanResult(), { color: true }),
  };

  for (const [format, output] of Object.entries(outputs)) {
    it(`${format}`, () => {
      for (const secret of Object.values(secrets)) expect(output).not.toContain(secret);
    });
  }

  it('keeps the header names so a reader sees they were sent', () => {
    const sarif = JSON.parse(outputs.sarif) as {
      runs: { results: { webRequest: { headers: Record<string, string>; target: string } }[] }[];
    };
    const request = sarif.runs[0]?.results[0]?.webRequest;
    expect(request?.headers).toEqual({ authorization: '[REDACTED]', cookie: '[REDACTED]' });
    expect(request?.target).toContain('access_token=urls');
  });
});
