import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { originKey } from '../../src/http/scope.js';
import { fuzzParameters } from './fuzz-settings.js';

// originKey decides which requests carry the user's identity and which origin's limits apply;
// it remembers its answer per URL origin. Asked in any order, again and again, it must answer as
// it would from the URL's own parts: scheme, host without case or trailing dot, explicit port.
const fresh = (url: URL): string => `${url.protocol}//${url.hostname.toLowerCase().replace(/\.$/, '')}:${url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '')}`;

const host = fc.constantFrom('example.com', 'Example.COM.', 'cms.example.com', '127.0.0.1', '[::1]', 'xn--bcher-kva.example', 'bücher.example', 'localhost');
const scheme = fc.constantFrom('http', 'https', 'HTTP', 'ftp', 'ws', 'blob:https', 'blob:http');
const port = fc.constantFrom('', ':80', ':443', ':8080', ':0080', ':65535');
const tail = fc.constantFrom('/', '/a?b=1', '#x', '/p/', '');
const url = fc.tuple(scheme, fc.constantFrom('', 'user:pw@'), host, port, tail).map(([s, auth, h, p, t]) => `${s}://${auth}${h}${p}${t}`);
// A blob: URL carries the origin of the URL inside it (found by a review: remembered by origin,
// it made the next https://h answer "blob://:", and every host the target's scope).

describe('originKey', () => {
  it('gives what the URL parts give, whatever was asked before', () => {
    fc.assert(
      fc.property(fc.array(url, { minLength: 1, maxLength: 30 }), (urls) => {
        for (const text of [...urls, ...urls.reverse()]) {
          const parsed = new URL(text);
          expect(originKey(parsed)).toBe(fresh(parsed));
        }
      }),
      fuzzParameters(500),
    );
  });

  it('tells default and explicit ports, schemes and hosts apart as before', () => {
    expect(originKey(new URL('http://Example.com.:80/x'))).toBe('http://example.com:80');
    expect(originKey(new URL('https://example.com/'))).toBe('https://example.com:443');
    expect(originKey(new URL('http://example.com:8080/'))).toBe('http://example.com:8080');
    expect(originKey(new URL('https://example.com:80/'))).toBe('https://example.com:80');
    expect(originKey(new URL('http://[::1]:3000/'))).toBe('http://[::1]:3000');
    expect(originKey(new URL('blob:https://target.example/1'))).toBe('blob://:');
    expect(originKey(new URL('https://target.example/'))).toBe('https://target.example:443');
  });
});
