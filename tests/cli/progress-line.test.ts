import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { runsInCi } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { clock, formatProgress, startProgressLine, wantsProgressLine } from '../../src/cli/progress-line.js';
import { scanSummaryLine } from '../../src/cli/scan-summary.js';
import type { ScanResult } from '../../src/core/scan-result.js';
import { ProgressTracker, type ScanProgress } from '../../src/scan/progress.js';
import { captureIo, type CapturedIo } from '../support/capture-io.js';
import { Cleanup, startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';

/**
 * The live progress line and the summary line of a scan: on a terminal the line is drawn on
 * stderr, redrawn in place at most five times a second and erased before anything else is
 * written; not a byte of it when stderr is not a terminal or in CI; the summary line always.
 */

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const erase = '\r\x1b[2K';
const summary = /^draftleak: 1 target, \d+ requests, (no failures|\d+ failures? \(.+\)), \d+ findings?, \d+\.\d s$/;

/** A WordPress-like site whose every answer takes `delayMs` (25 ms), so the scan lasts long enough to be drawn. */
async function slowSite(delayMs = 25): Promise<LoopbackServer> {
  return cleanup.add(
    await startLoopbackServer((req, res) => {
      setTimeout(() => {
        if (req.url === '/') {
          const links = Array.from({ length: 12 }, (_unused, index) => `<a href="/page-${index}/">page ${index}</a>`).join('');
          res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><head><meta name="generator" content="WordPress 6.4.2"></head><body>${links}</body></html>`);
        } else if (req.url?.startsWith('/page-')) {
          res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>a page</body></html>');
        } else if (req.url === '/wp-content/uploads/') {
          res.writeHead(200, { 'content-type': 'text/html' }).end('<html><title>Index of /wp-content/uploads/</title><h1>Index of /wp-content/uploads/</h1><a href="draft.png">draft.png</a></html>');
        } else {
          res.writeHead(404, { 'content-type': 'text/html' }).end('<html><title>Page not found</title></html>');
        }
      }, delayMs);
    }),
  );
}

function terminalIo(): CapturedIo & { writes: { at: number; text: string }[] } {
  const io = captureIo();
  const writes: { at: number; text: string }[] = [];
  const tty = Object.assign(io, { stderrIsTty: true, ci: false, stderrColumns: 140, writes });
  const write = io.stderr;
  tty.stderr = (text: string) => {
    writes.push({ at: performance.now(), text });
    write(text);
  };
  return tty;
}

describe('on a terminal', () => {
  it('draws the line in place, at most ~5 times a second, erases it, and ends with the summary line', async () => {
    const site = await slowSite();
    const io = terminalIo();
    const code = await runCli(['scan', site.origin, '--rate-limit', '0', '--format', 'json', '--fail-on', 'none'], io);
    expect(code, io.err).toBe(0);
    const draws = io.writes.filter((write) => write.text.startsWith(erase) && write.text.length > erase.length);
    expect(draws.length).toBeGreaterThanOrEqual(2);
    for (const draw of draws) {
      const line = draw.text.slice(erase.length);
      expect(line).toMatch(new RegExp(`^draftleak ${site.origin} · (crawl|rules \\d+/\\d+) · \\d+ pages? · \\d+ requests? · \\d+\\.\\d req/s · \\d+ findings? · 0:\\d\\d$`));
      expect(line).not.toContain('\n');
      expect([...line].length).toBeLessThan(140);
    }
    // Redrawn at most every 200 ms (a timer's jitter allowed), never faster.
    for (let index = 1; index < draws.length; index += 1) expect((draws[index]?.at ?? 0) - (draws[index - 1]?.at ?? 0)).toBeGreaterThan(150);
    // The figures move: requests grow from one draw to a later one.
    const requests = draws.map((draw) => Number(/· (\d+) requests? ·/.exec(draw.text)?.[1]));
    expect(requests[requests.length - 1]).toBeGreaterThan(requests[0] ?? 0);
    // The last progress write is the bare erase, and the summary line follows on a clean line.
    const lastDraw = io.writes.lastIndexOf(draws[draws.length - 1] ?? { at: 0, text: '' });
    expect(io.writes[lastDraw + 1]?.text).toBe(erase);
    const last = io.writes[io.writes.length - 1]?.text ?? '';
    expect(last.trimEnd()).toMatch(summary);
    expect(last).toContain('1 finding');
    // stdout is the report alone.
    expect(() => JSON.parse(io.out) as unknown).not.toThrow();
    expect(io.out).not.toContain('\x1b');
  });

  it('draws nothing in CI (CI=true), even on a terminal, nor when info or debug logs are asked for', async () => {
    const site = await slowSite(10);
    for (const [io, args] of [
      [Object.assign(terminalIo(), { ci: true }), []],
      [terminalIo(), ['--log-level', 'info']],
    ] as const) {
      await runCli(['scan', site.origin, '--rate-limit', '0', '--format', 'json', '--fail-on', 'none', ...args], io);
      expect(io.err).not.toContain('\r');
      expect(io.err).not.toContain('\x1b');
      expect(io.err.trimEnd().split('\n').pop()).toMatch(summary);
    }
  });
});

describe('when stderr is not a terminal', () => {
  it('writes none of the line, only the summary', async () => {
    const site = await slowSite(10);
    const io = captureIo();
    expect(await runCli(['scan', site.origin, '--rate-limit', '0', '--format', 'json', '--fail-on', 'none'], io)).toBe(0);
    expect(io.err).not.toContain('\r');
    expect(io.err).not.toContain('\x1b');
    expect(io.err).not.toContain('req/s');
    expect(io.err.trimEnd().split('\n')).toHaveLength(1);
    expect(io.err.trimEnd()).toMatch(summary);
  });
});

describe('the parts', () => {
  const progress: ScanProgress = { target: 'https://www.example.com/', targetNumber: 2, targets: 3, phase: 'rules', pagesCrawled: 12, requests: 340, findings: 1, rulesDone: 7, rules: 40 };

  it('formats the figures, with the position among several targets and a clock', () => {
    expect(formatProgress(progress, 78_000, 18.46)).toBe('draftleak [2/3] https://www.example.com/ · rules 7/40 · 12 pages · 340 requests · 18.5 req/s · 1 finding · 1:18');
    expect(formatProgress({ ...progress, targets: 1, phase: 'discovery', pagesCrawled: 1 }, 5_000, 0)).toBe('draftleak https://www.example.com/ · crawl · 1 page · 340 requests · 0.0 req/s · 1 finding · 0:05');
    expect(clock(3_723_000)).toBe('1:02:03');
  });

  it('a target shown with credentials or escapes in its URL is masked and made safe', () => {
    const line = formatProgress({ ...progress, target: 'https://user:hunter2@www.example.com/\u001b[2J?token=abcdef0123456789' }, 0, 0);
    expect(line).not.toContain('hunter2');
    expect(line).not.toContain('\u001b');
    expect(line).not.toContain('abcdef0123456789');
  });

  it('redraws only when the line changed, cuts it to the terminal width, and erases it on stop', async () => {
    const writes: string[] = [];
    let now = 0;
    let figures: ScanProgress | undefined;
    const line = startProgressLine({ stderr: (text) => writes.push(text), stderrColumns: 40 }, () => figures, { intervalMs: 10, now: () => now });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(writes).toEqual([]); // nothing to show yet: nothing drawn
    figures = progress;
    now = 1_000;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toBe(`${erase}draftleak [2/3] https://www.example.co…`);
    expect([...(writes[0] ?? '')].length - erase.length).toBe(39);
    line.stop();
    expect(writes).toEqual([writes[0], erase]);
    line.stop();
    expect(writes).toHaveLength(2);
  });

  it('is wanted on a terminal outside CI at warn level only', () => {
    const tty: Pick<CliIo, 'stderrIsTty' | 'ci'> = { stderrIsTty: true, ci: false };
    expect(wantsProgressLine(tty, 'warn')).toBe(true);
    expect(wantsProgressLine({ ...tty, ci: true }, 'warn')).toBe(false);
    expect(wantsProgressLine({ ...tty, stderrIsTty: false }, 'warn')).toBe(false);
    expect(wantsProgressLine(tty, 'debug')).toBe(false);
    expect([runsInCi({ CI: 'true' }), runsInCi({ CI: '1' }), runsInCi({ CI: 'false' }), runsInCi({ CI: '' }), runsInCi({})]).toEqual([true, true, false, false, false]);
  });

  it('the tracker adds up the requests of every transport and the findings of every target', () => {
    const tracker = new ProgressTracker(2);
    const transport = (requestsSent: number, crawlPages = 0) => ({ stats: () => ({ requestsSent, crawlPages }) });
    expect(tracker.read()).toBeUndefined();
    tracker.transportFor('http://a/', transport(5, 2));
    expect(tracker.read()).toMatchObject({ target: 'http://a/', targetNumber: 1, phase: 'discovery', pagesCrawled: 2, requests: 5 });
    // The target's own redirect: a second transport, the first one's requests kept.
    tracker.transportFor('https://a/', transport(7));
    tracker.update({ pagesCrawled: 9, findings: 2, rulesDone: 1, rules: 3 });
    expect(tracker.read()).toMatchObject({ target: 'https://a/', phase: 'rules', pagesCrawled: 9, requests: 12, findings: 2, rulesDone: 1, rules: 3 });
    tracker.targetDone();
    expect(tracker.read()).toBeUndefined();
    tracker.transportFor('http://b/', transport(1));
    expect(tracker.read()).toMatchObject({ target: 'http://b/', targetNumber: 2, targets: 2, requests: 13, findings: 2 });
  });

  it('the summary line counts failures by cause', () => {
    const target = (failures: string[], findings: number) => ({
      target: 'http://a/', startedAt: '', endedAt: '', rulesRun: [], requestsSent: 10, executionSuccessful: true,
      findings: Array.from({ length: findings }, () => ({}) as never),
      failures: failures.map((code) => ({ url: 'http://a/x', code, message: '' }) as never),
    });
    const result = { targets: [target(['DL_BODY_TRUNCATED', 'DL_CONNECT_TIMEOUT', 'DL_CONNECT_TIMEOUT'], 1), target([], 0)] } as unknown as ScanResult;
    expect(scanSummaryLine(result, 12_345)).toBe('draftleak: 2 targets, 20 requests, 3 failures (2 DL_CONNECT_TIMEOUT, 1 DL_BODY_TRUNCATED), 1 finding, 12.3 s\n');
    expect(scanSummaryLine({ targets: [target([], 0)] } as unknown as ScanResult, 400)).toBe('draftleak: 1 target, 10 requests, no failures, 0 findings, 0.4 s\n');
  });
});
