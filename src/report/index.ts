import type { ScanResult } from '../core/scan-result.js';
import { renderSarif } from './sarif.js';
import { renderJson } from './json.js';
import { renderText } from './text.js';

export type ReportFormat = 'sarif' | 'json' | 'text';

export const reportFormats: readonly ReportFormat[] = ['sarif', 'json', 'text'];

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
    case 'text':
      return renderText(result, { color: options.color });
  }
}

export { renderSarif, toSarif, type SarifLog } from './sarif.js';
export { renderJson, toJsonReport, type JsonReport } from './json.js';
export { renderText, type TextOptions } from './text.js';
