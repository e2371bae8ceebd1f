import { describe, expect, it } from 'vitest';
import { formatForFile, renderReport, reportFormats } from '../../src/report/index.js';
import { renderHtml } from '../../src/report/html.js';
import { renderJson } from '../../src/report/json.js';
import { renderJsonl } from '../../src/report/jsonl.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import { renderGitlabDast } from '../../src/report/gitlab-dast.js';
import { scanResult } from './fixtures.js';

describe('renderReport', () => {
  it('dispatches each format to its renderer', () => {
    const result = scanResult();
    expect(reportFormats).toEqual(['sarif', 'json', 'jsonl', 'text', 'markdown', 'html', 'junit', 'gitlab-dast']);
    expect(renderReport(result, 'sarif', { color: true })).toBe(renderSarif(result));
    expect(renderReport(result, 'json', { color: true })).toBe(renderJson(result));
    expect(renderReport(result, 'jsonl', { color: true })).toBe(renderJsonl(result));
    expect(renderReport(result, 'text', { color: false })).toBe(renderText(result, { color: false }));
    expect(renderReport(result, 'text', { color: true })).toBe(renderText(result, { color: true }));
    expect(renderReport(result, 'markdown', { color: true })).toBe(renderMarkdown(result));
    expect(renderReport(result, 'html', { color: true })).toBe(renderHtml(result));
    expect(renderReport(result, 'junit', { color: true })).toBe(renderJunit(result));
    expect(renderReport(result, 'gitlab-dast', { color: true })).toBe(renderGitlabDast(result));
  });

  it('only the text format is ever coloured', () => {
    for (const format of reportFormats.filter((name) => name !== 'text')) expect(renderReport(scanResult(), format, { color: true })).not.toContain('\u001b[');
  });
});

describe('formatForFile', () => {
  it.each([
    ['results.sarif', 'sarif'],
    ['out/results.sarif.json', 'sarif'],
    ['report.json', 'json'],
    ['findings.jsonl', 'jsonl'],
    ['report.txt', 'text'],
    ['summary.md', 'markdown'],
    ['REPORT.HTML', 'html'],
    ['junit.xml', 'junit'],
  ])('%s is %s', (file, format) => {
    expect(formatForFile(file)).toBe(format);
  });

  it.each(['report.htm', 'report', 'report.pdf', 'report.html.bak', 'dir.md/report'])('%s has no format', (file) => {
    expect(formatForFile(file)).toBeUndefined();
  });
});
