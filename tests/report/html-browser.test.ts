import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { renderHtml } from '../../src/report/html.js';
import { captureIo } from '../support/capture-io.js';
import { tempDir } from '../support/temp-dir.js';
import { hostile, hostileScan } from './hostile-fixture.js';

/**
 * The HTML report of a real scan (the bundled demo sites), opened from disk in headless Chromium
 * as a reader would open a forwarded file: it must render without a console error, make no
 * request but for the file itself, and show every finding. Debian's chromium package, driven by
 * playwright-core (npm's own browser downloads are not used). Screenshots are left in
 * <tmp>/draftleak-html-report/ to look at.
 */

const chromiumPath = [process.env.DRAFTLEAK_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((candidate) => candidate !== undefined && candidate !== '' && existsSync(candidate));
const skipReason = 'skipped: no chromium at /usr/bin/chromium (apt-get install -y chromium, or set DRAFTLEAK_CHROMIUM)';
if (chromiumPath === undefined) console.warn(`html-browser.test.ts ${skipReason}`);

export const screenshotDir = path.join(tmpdir(), 'draftleak-html-report');

interface PageLog {
  requests: string[];
  failed: string[];
  console: string[];
  errors: string[];
  dialogs: string[];
}

async function open(browser: Browser, file: string, colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; log: PageLog }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme });
  const log: PageLog = { requests: [], failed: [], console: [], errors: [], dialogs: [] };
  page.on('request', (request) => log.requests.push(request.url()));
  page.on('requestfailed', (request) => log.failed.push(`${request.url()}: ${request.failure()?.errorText ?? ''}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') log.console.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => log.errors.push(error.message));
  page.on('dialog', (dialog) => {
    log.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, log };
}

describe.skipIf(chromiumPath === undefined)(`the HTML report in headless Chromium${chromiumPath === undefined ? ` (${skipReason})` : ''}`, () => {
  let browser: Browser;
  let dir: string;
  let report: { targets: { findings: { ruleId: string; url: string; rule: { name: string } }[] }[] };

  beforeAll(async () => {
    dir = await tempDir('html-browser');
    const io = captureIo();
    const files = ['report.html', 'results.sarif', 'summary.md', 'report.json'].map((file) => path.join(dir, file));
    const code = await runCli(['demo', ...files.flatMap((file) => ['-o', file])], io);
    if (code !== 0) throw new Error(`demo exited ${code}: ${io.err}`);
    report = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as typeof report;
    await mkdir(screenshotDir, { recursive: true });
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu'] });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('renders the demo scan with no console error, no failed request and no request but the file', async () => {
    const file = path.join(dir, 'report.html');
    const { page, log } = await open(browser, file);
    try {
      expect(log.errors).toEqual([]);
      expect(log.console).toEqual([]);
      expect(log.failed).toEqual([]);
      expect(log.requests).toEqual([pathToFileURL(file).href]);

      const findings = report.targets.flatMap((target) => target.findings);
      expect(findings).toHaveLength(8);
      const shown = page.locator('.finding');
      expect(await shown.count()).toBe(findings.length);
      for (let index = 0; index < findings.length; index += 1) expect(await shown.nth(index).isVisible()).toBe(true);
      for (const finding of findings) {
        const rule = page.locator('.rule').filter({ has: page.locator('.rule-head code', { hasText: finding.ruleId }) }).first();
        expect(await rule.locator('h4').textContent()).toBe(finding.rule.name);
        await expect.poll(() => rule.isVisible()).toBe(true);
      }
      // The chart is drawn: five bars, the critical one wider than the zero-count low one.
      const bars = page.locator('svg.chart rect');
      expect(await bars.count()).toBe(5);
      const critical = await bars.nth(0).boundingBox();
      const low = await bars.nth(3).boundingBox();
      expect(critical?.width ?? 0).toBeGreaterThan(50);
      expect(low?.width ?? 0).toBeLessThan(5);
      // Evidence opens where the reader clicks.
      const evidence = page.locator('.rule.sev-critical .evidence').first();
      expect(await evidence.locator('pre').isVisible()).toBe(false);
      await evidence.locator('summary').click();
      expect(await evidence.locator('pre').isVisible()).toBe(true);
      expect(log.requests).toHaveLength(1);

      const shot = path.join(screenshotDir, 'demo-report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect((await stat(shot)).size).toBeGreaterThan(20_000);
      console.info(`html-browser.test.ts: screenshot ${shot}`);
    } finally {
      await page.close();
    }
  }, 60_000);

  it('renders as cleanly in the dark theme', async () => {
    const file = path.join(dir, 'report.html');
    const { page, log } = await open(browser, file, 'dark');
    try {
      expect([...log.errors, ...log.console, ...log.failed]).toEqual([]);
      // Expressions as strings: they run in the page, and the suite's TypeScript has no DOM types.
      const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
      expect(background).toBe('rgb(18, 22, 28)');
      await page.screenshot({ path: path.join(screenshotDir, 'demo-report-dark.png'), fullPage: false });
    } finally {
      await page.close();
    }
  }, 60_000);

  it('runs nothing a site wrote into the report: no dialog, no element, the text shown as text', async () => {
    const file = path.join(dir, 'hostile.html');
    await writeFile(file, renderHtml(hostileScan()));
    const { page, log } = await open(browser, file);
    try {
      expect(log.dialogs).toEqual([]);
      expect(log.errors).toEqual([]);
      expect(log.console).toEqual([]);
      expect(log.requests).toEqual([pathToFileURL(file).href]);
      expect(await page.evaluate("document.querySelectorAll('script, img, iframe, object, embed').length")).toBe(0);
      const text = await page.locator('body').innerText();
      expect(text).toContain(hostile.img);
      expect(text).toContain(hostile.script);
      await page.screenshot({ path: path.join(screenshotDir, 'hostile-report.png'), fullPage: true });
    } finally {
      await page.close();
    }
  }, 60_000);
});
