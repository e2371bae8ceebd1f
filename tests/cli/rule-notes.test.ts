import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIo } from '../support/capture-io.js';
import { Cleanup, startLoopbackServer } from '../support/loopback-server.js';
import { tempDir } from '../support/temp-dir.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('what a rule left unprobed reaches the scan report', () => {
  it('a for_each cap that dropped items is a discovery note naming the rule and step', async () => {
    const dir = await tempDir('capped-rule');
    await writeFile(
      `${dir}/capped-list.yaml`,
      `id: capped-list
name: A rule whose list is longer than its cap
severity: high
confidence: high
cms: [generic]
description: Test rule.
remediation: Nothing.
references: [https://example.org/doc]
steps:
  - id: pages
    for_each: { in: "range(\`0\`, \`12\`)", as: n, max: 2 }
    request: { path: "/page/{{n}}" }
    match: { status: 299 }
finding:
  message: never
`,
    );
    const site = cleanup.add(await startLoopbackServer((_req, res) => res.end('<html>plain</html>')));
    const io = captureIo();
    await runCli(['scan', site.origin, '--rules', dir, '--no-builtin-rules', '--format', 'json', '--rate-limit', '0'], io);
    const report = JSON.parse(io.out) as { targets: { discovery: { notes: string[] } }[] };
    expect(report.targets[0]?.discovery.notes).toContain('rule capped-list step pages: 10 of 12 items not probed (for_each max 2)');
    expect(site.requests.filter((request) => request.url?.startsWith('/page/')).map((request) => request.url)).toEqual(['/page/0', '/page/1']);
  });
});
