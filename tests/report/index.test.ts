import { describe, expect, it } from 'vitest';
import { renderReport, reportFormats } from '../../src/report/index.js';
import { renderJson } from '../../src/report/json.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import { scanResult } from './fixtures.js';

describe('renderReport', () => {
  it('dispatches each format to its renderer', () => {
    const result = scanResult();
    expect(reportFormats).toEqual(['sarif', 'json', 'text']);
    expect(renderReport(result, 'sarif', { color: true })).toBe(renderSarif(result));
    expect(renderReport(result, 'json', { color: true })).toBe(renderJson(result));
    expect(renderReport(result, 'text', { color: false })).toBe(renderText(result, { color: false }));
    expect(renderReport(result, 'text', { color: true })).toBe(renderText(result, { color: true }));
  });
});
