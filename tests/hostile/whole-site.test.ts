import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it, type TestContext } from 'vitest';
import {
  canaryFile,
  everyTrap,
  everyTrapPaths,
  html,
  passwdFirstLine,
  startHostileSite,
  tricklingBody,
  type HostileServer,
  type HostileSiteOptions,
  type Trap,
} from './support/hostile-servers.js';
import { expectCliWroteSarif, expectNowhere, notifications, runCliBinary } from './support/run-scan.js';

/**
 * The acceptance cases, through the built CLI binary: a site whose home page links every
 * trap must end with a SARIF file that lists the failed probes, and a scan interrupted by SIGINT
 * or SIGTERM must still leave a complete, schema-valid report marked incomplete, with the
 * conventional exit codes 130 and 143.
 */

async function site(context: TestContext, traps: Record<string, Trap>, options?: HostileSiteOptions): Promise<HostileServer> {
  const server = await startHostileSite(traps, options);
  context.onTestFinished(() => server.close());
  return server;
}

const bin = fileURLToPath(new URL('../../bin/draftleak.js', import.meta.url));

/** `--max-duration` once the CLI has it (in the unit its help names), so the scan bounds itself. */
async function maxDurationFlag(seconds: number): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [bin, 'scan', '--help']);
  const line = stdout.split('\n').find((text) => text.includes('--max-duration'));
  if (line === undefined) return [];
  return ['--max-duration', /\bms\b|millisecond/i.test(line) ? String(seconds * 1000) : String(seconds)];
}

let durationFlag: string[] = [];
beforeAll(async () => {
  durationFlag = await maxDurationFlag(150);
});

describe.concurrent('hostile sites through the CLI binary', () => {
  it('a site linking every trap ends with a schema-valid SARIF file listing the failed probes', async (context) => {
    const other = await site(context, { '/': html('<html><body>bystander</body></html>') });
    const canary = await canaryFile();
    context.onTestFinished(() => canary.remove());
    const server = await site(context, everyTrap(other.origin, [canary.file, '/etc/passwd']));
    const result = await runCliBinary(
      [server.origin, '--timeout', '1000', '--rate-limit', '0', '--max-pages', '40', '--log-level', 'error', ...durationFlag],
      { killAfterMs: 220_000 },
    );
    const sarif = expectCliWroteSarif(result);
    expect(result.code === 0 || result.code === 1, `exit ${result.code}: ${result.stderr.slice(-500)}`).toBe(true);
    const texts = notifications(sarif).map((notification) => notification.message.text);
    const unnamed = everyTrapPaths.failing.filter((trap) => !texts.some((text) => text.includes(server.url(trap))));
    expect(unnamed, `failed probes missing from the notifications: ${JSON.stringify(texts, null, 1)}`).toEqual([]);
    expect(other.connections).toBe(0);
    expectNowhere(canary.secret, result.sarifText, result.stderr, server.requests.join('\n'));
    const passwd = passwdFirstLine();
    if (passwd !== undefined) expectNowhere(passwd, result.sarifText, result.stderr);
  }, 240_000);

  for (const [signal, exitCode] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} mid-scan: exit ${exitCode}, and a complete SARIF file marked incomplete`, async (context) => {
      // Every path trickles, with a long timeout: 2 s after the first request the scan is surely
      // mid-flight (counting from the first request, not from spawn, so a slow start on a loaded
      // machine does not turn this into a test of signals during module loading).
      const server = await site(context, { '/': tricklingBody(500) }, { fallback: tricklingBody(500) });
      const result = await runCliBinary([server.origin, '--timeout', '20000', '--rate-limit', '0', '--log-level', 'error'], {
        killAfterMs: 40_000,
        signal: { name: signal, afterMs: 2_000, after: server.firstRequest() },
      });
      expect(result.killedByHarness, `the scan did not stop on ${signal}; stderr: ${result.stderr.slice(-500)}`).toBe(false);
      expect(result.signal, `the process died of ${result.signal} instead of exiting ${exitCode}`).toBeNull();
      expect(result.code).toBe(exitCode);
      expect(result.stdout).toBe('');
      const sarif = expectCliWroteSarif(result);
      expect(sarif.runs.length).toBeGreaterThan(0);
      for (const run of sarif.runs) expect(run.invocations[0]?.executionSuccessful).toBe(false);
      const texts = notifications(sarif).map((notification) => `${notification.descriptor?.id ?? ''} ${notification.message.text}`);
      expect(texts.some((text) => /interrupt|signal|SIGINT|SIGTERM|cancel|incomplete/i.test(text)), `notifications: ${JSON.stringify(texts)}`).toBe(true);
    }, 45_000);
  }
});
