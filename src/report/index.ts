import type { ScanResult } from '../core/scan-result.js';
import { renderSarif } from './sarif.js';
import { renderJson } from './json.js';
import { renderJsonl } from './jsonl.js';
import { renderText } from './text.js';
import { renderMarkdown } from './markdown.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { renderGitlabDast } from './gitlab-dast.js';

export type ReportFormat = 'sarif' | 'json' | 'jsonl' | 'text' | 'markdown' | 'html' | 'junit' | 'gitlab-dast';

export const reportFormats: readonly ReportFormat[] = ['sarif', 'json', 'jsonl', 'text', 'markdown', 'html', 'junit', 'gitlab-dast'];

/**
 * The file name endings that choose a format for `-o FILE`, longest first so that
 * `results.sarif.json` is SARIF. An ending not listed here is refused, never guessed.
 */
export const formatByExtension: readonly (readonly [extension: string, format: ReportFormat])[] = [
  ['.sarif.json', 'sarif'],
  // GitLab's own artifact name for a DAST report, and an explicit ending.
  ['gl-dast-report.json', 'gitlab-dast'],
  ['.gitlab-dast.json', 'gitlab-dast'],
  ['.sarif', 'sarif'],
  ['.jsonl', 'jsonl'],
  ['.json', 'json'],
  ['.txt', 'text'],
  ['.md', 'markdown'],
  ['.html', 'html'],
  ['.xml', 'junit'],
];

/** The format a file name asks for, or undefined when its ending is not one of formatByExtension. */
export function formatForFile(file: string): ReportFormat | undefined {
  const name = file.toLowerCase();
  return formatByExtension.find(([extension]) => name.endsWith(extension))?.[1];
}

export interface RenderOptions {
  /** Only the text format uses colour; machine formats are never coloured. */
  color: boolean;
}

export function renderReport(
  result: ScanResult,
  format: ReportFormat,
  options: RenderOptions = { color: false },
): string {
  switch (format) {
    case 'sarif':
      return renderSarif(result);
    case 'json':
      return renderJson(result);
    case 'jsonl':
      return renderJsonl(result);
    case 'text':
      return renderText(result, { color: options.color });
    case 'markdown':
      return renderMarkdown(result);
    case 'html':
      return renderHtml(result);
    case 'junit':
      return renderJunit(result);
    case 'gitlab-dast':
      return renderGitlabDast(result);
  }
}

export { renderSarif, toSarif, type SarifLog } from './sarif.js';
export { renderJson, toJsonReport, type JsonReport } from './json.js';
export { renderJsonl, toJsonlRecords, type JsonlRecord } from './jsonl.js';
export { renderText, type TextOptions } from './text.js';
export { renderMarkdown } from './markdown.js';
export { renderHtml } from './html.js';
export { renderJunit } from './junit.js';
