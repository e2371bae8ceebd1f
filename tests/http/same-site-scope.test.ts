import { describe, expect, it } from 'vitest';
import { createScope, isInScope, registrableDomain } from '../../src/http/scope.js';
import { runCli } from '../../src/cli/program.js';
import { captureIo } from '../support/capture-io.js';
import { startLoopbackServer } from '../support/loopback-server.js';

describe('same-site scope (the default, --scope site)', () => {
  const site = createScope('https://www.example.co.uk/', [], { sameSite: true });

  it('takes in the hosts of the target\'s registrable domain, by the Public Suffix List', () => {
    expect(registrableDomain('www.example.co.uk')).toBe('example.co.uk');
    for (const url of ['https://cms.example.co.uk/api/posts', 'https://media.example.co.uk/x.png', 'http://example.co.uk/', 'https://a.b.example.co.uk/']) {
      expect(isInScope(url, site), url).toBe(true);
    }
  });

  it('leaves out other sites, look-alikes, explicit ports and other private-suffix tenants', () => {
    for (const url of ['https://example.co.uk.evil.example/', 'https://evilexample.co.uk/', 'https://co.uk/', 'https://cms.example.co.uk:8443/', 'https://other.co.uk/']) {
      expect(isInScope(url, site), url).toBe(false);
    }
    // github.io is a public suffix of its own (private section): two tenants are two sites.
    const pages = createScope('https://alice.github.io/', [], { sameSite: true });
    expect(isInScope('https://bob.github.io/', pages)).toBe(false);
    expect(isInScope('https://alice.github.io/blog/', pages)).toBe(true);
  });

  it('an IP address or localhost target has no site: only its origin, as with --scope strict', () => {
    expect(registrableDomain('127.0.0.1')).toBeUndefined();
    expect(registrableDomain('localhost')).toBeUndefined();
    const loopback = createScope('http://127.0.0.1:8080/', [], { sameSite: true });
    expect(isInScope('http://127.0.0.2:8080/', loopback)).toBe(false);
    const strict = createScope('https://www.example.co.uk/', [], { sameSite: false });
    expect(isInScope('https://cms.example.co.uk/', strict)).toBe(false);
  });

  it('the report names the other hosts the site uses that were not probed', async () => {
    const server = await startLoopbackServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body><img src="https://cdn.thirdparty.example/a.png"><script src="https://widgets.other.example/w.js"></script>Home</body></html>');
    });
    try {
      const io = captureIo();
      await runCli(['scan', `${server.origin}/`, '--format', 'json', '--rate-limit', '0', '--no-builtin-rules', '--rules', 'rules/generic/s3-bucket-listing.yaml'], io);
      const notes: string[] = JSON.parse(io.out).targets[0].discovery.notes;
      expect(notes).toContain('hosts the site uses that are not probed (another site; allow with --allow-host): https://cdn.thirdparty.example, https://widgets.other.example');
      expect(server.connections).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
