/**
 * The HTML report's whole stylesheet, inlined: the file is forwarded by e-mail or opened from a
 * CI artefact, so it fetches nothing (no font, no stylesheet, no script; its Content-Security-
 * Policy forbids them). System fonts, a light and a dark theme, and a print layout.
 */
export const reportCss = `
:root {
  color-scheme: light dark;
  --bg: #f5f6f8; --card: #ffffff; --text: #1b2330; --muted: #5c6776; --line: #dfe3e9; --code: #f0f2f5;
  --critical: #8e24aa; --high: #d32f2f; --medium: #e26a00; --low: #1f6fd1; --info: #667284;
  --ok: #2e7d32; --warn: #b26a00;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #12161c; --card: #1a2029; --text: #e4e8ee; --muted: #9aa5b4; --line: #2c3440; --code: #232b36;
    --critical: #c96ee0; --high: #ef6461; --medium: #f29a3f; --low: #5fa0f0; --info: #93a0b2;
    --ok: #6cc070; --warn: #e0a040;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header.page, main, footer.page { max-width: 1120px; margin: 0 auto; padding: 0 24px; }
header.page { padding-top: 28px; padding-bottom: 8px; }
h1 { font-size: 26px; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 20px; margin: 0 0 12px; }
h3 { font-size: 16px; margin: 20px 0 8px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
h4 { font-size: 16px; margin: 0; }
a { color: var(--low); }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
code { background: var(--code); padding: 1px 5px; border-radius: 4px; overflow-wrap: anywhere; }
pre { background: var(--code); padding: 10px 12px; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; margin: 6px 0; }
.meta { color: var(--muted); margin: 0; }
.meta code { font-size: 12px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 20px 22px; margin: 18px 0; }
.banner { border-radius: 8px; padding: 10px 14px; margin: 10px 0; border: 1px solid; }
.banner.warn { border-color: var(--warn); background: color-mix(in srgb, var(--warn) 10%, transparent); }
.banner.bad { border-color: var(--high); background: color-mix(in srgb, var(--high) 10%, transparent); }
.banner.ok { border-color: var(--ok); background: color-mix(in srgb, var(--ok) 10%, transparent); }
.summary-grid { display: flex; flex-wrap: wrap; gap: 24px; align-items: center; }
.totals { display: flex; gap: 10px; flex-wrap: wrap; }
.total { min-width: 92px; padding: 8px 12px; border-radius: 8px; border: 1px solid var(--line); border-top: 4px solid; }
.total b { display: block; font-size: 24px; line-height: 1.1; }
.total span { color: var(--muted); font-size: 13px; text-transform: capitalize; }
.total.sev-critical { border-top-color: var(--critical); } .total.sev-high { border-top-color: var(--high); }
.total.sev-medium { border-top-color: var(--medium); } .total.sev-low { border-top-color: var(--low); } .total.sev-info { border-top-color: var(--info); }
.chart { max-width: 100%; height: auto; }
.chart-label { font-size: 13px; fill: var(--muted); }
.chart-count { font-size: 13px; font-weight: 600; fill: var(--text); }
.chart-bar.sev-critical { fill: var(--critical); } .chart-bar.sev-high { fill: var(--high); } .chart-bar.sev-medium { fill: var(--medium); }
.chart-bar.sev-low { fill: var(--low); } .chart-bar.sev-info { fill: var(--info); } .chart-zero { fill: var(--line) !important; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 14px; }
caption { text-align: left; padding: 4px 0; font-size: 13px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
td.num, th.num { text-align: right; white-space: nowrap; }
.badge { display: inline-block; min-width: 64px; text-align: center; padding: 1px 8px; border-radius: 999px; color: #fff; font-size: 12px; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em; }
.badge.sev-critical { background: var(--critical); } .badge.sev-high { background: var(--high); } .badge.sev-medium { background: var(--medium); }
.badge.sev-low { background: var(--low); } .badge.sev-info { background: var(--info); }
@media (prefers-color-scheme: dark) { .badge { color: #10141a; } }
.status-clean { color: var(--ok); font-weight: 600; } .status-findings { color: var(--high); font-weight: 600; } .status-partial { color: var(--warn); font-weight: 600; }
.target > h2 { overflow-wrap: anywhere; }
.cms { margin-top: 18px; }
.rule { border: 1px solid var(--line); border-left: 5px solid var(--info); border-radius: 8px; padding: 14px 16px; margin: 12px 0; }
.rule.sev-critical { border-left-color: var(--critical); } .rule.sev-high { border-left-color: var(--high); } .rule.sev-medium { border-left-color: var(--medium); }
.rule.sev-low { border-left-color: var(--low); }
.rule-head { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.rule-head code { font-size: 12px; }
.finding { border-top: 1px dashed var(--line); margin-top: 12px; padding-top: 10px; }
.finding-url { font-weight: 600; }
.fix { background: color-mix(in srgb, var(--ok) 7%, transparent); border-radius: 6px; padding: 8px 12px; margin-top: 12px; }
.fix p { margin: 4px 0; }
.fix ul { margin: 4px 0; padding-left: 20px; }
details { margin: 6px 0; }
summary { cursor: pointer; color: var(--muted); font-weight: 600; }
.muted { color: var(--muted); }
footer.page { color: var(--muted); font-size: 13px; padding-bottom: 32px; }
@media print {
  body { background: #fff; font-size: 12px; }
  .card { border: none; padding: 0; margin: 12px 0; break-inside: auto; }
  .rule { break-inside: avoid; }
}
`;
