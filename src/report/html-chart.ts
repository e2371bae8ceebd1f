import type { Severity } from '../core/severity.js';
import { severitiesDescending } from './severity-summary.js';

/**
 * Findings by severity as an inline SVG bar chart: drawn by the browser from the report itself,
 * no script and no image to fetch. Colours come from the page's CSS (classes sev-<severity>), so
 * the chart follows the light and dark themes.
 */
const width = 500;
const rowHeight = 30;
const labelWidth = 84;
const barMax = 340;

export function severityChart(counts: Readonly<Record<Severity, number>>): string {
  const max = Math.max(1, ...severitiesDescending.map((severity) => counts[severity]));
  const height = severitiesDescending.length * rowHeight + 8;
  const label = severitiesDescending.map((severity) => `${counts[severity]} ${severity}`).join(', ');
  const rows = severitiesDescending.map((severity, index) => {
    const y = 4 + index * rowHeight;
    const count = counts[severity];
    // A zero keeps a hairline so the row still reads as a bar chart row.
    const bar = count === 0 ? 2 : Math.max(6, Math.round((count / max) * barMax));
    return [
      `<text class="chart-label" x="${labelWidth - 10}" y="${y + 19}" text-anchor="end">${severity}</text>`,
      `<rect class="chart-bar sev-${severity}${count === 0 ? ' chart-zero' : ''}" x="${labelWidth}" y="${y + 5}" width="${bar}" height="${rowHeight - 10}" rx="3"/>`,
      `<text class="chart-count" x="${labelWidth + bar + 8}" y="${y + 19}">${count}</text>`,
    ].join('');
  });
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Findings by severity: ${label}"><title>Findings by severity: ${label}</title>${rows.join('')}</svg>`;
}
