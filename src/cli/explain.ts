import type { MatchTrace, RuleOutcome, StepTrace } from '../engine/index.js';
import { maskQuotedValue } from '../core/redact.js';
import { mapStrings, terminalLine } from '../core/terminal-safe.js';
import { safeLine, safeUrl } from './safe-text.js';

// --explain goes to a terminal and often into a CI log: it masks like the reports do, and no
// text a target shaped (a URL, an extracted value, an error quoting a header) reaches the
// terminal with control characters or newlines of its own.

type Extracted = NonNullable<StepTrace['extracted']>[string];

function extractedText(name: string, value: Extracted): string {
  const masked = mapStrings(value, (item) => maskQuotedValue(terminalLine(item), name), safeLine);
  const shown = JSON.stringify(masked);
  return shown.length > 160 ? `${shown.slice(0, 157)}...` : shown;
}

function matchLines(trace: MatchTrace, depth: number): string[] {
  // An unknown (an expression that failed) is neither ✓ nor ✗: it says why.
  const mark = trace.unknown !== undefined ? '?' : trace.ok ? '✓' : '✗';
  const why = trace.unknown !== undefined && !trace.children ? ` (unknown: ${safeLine(trace.unknown)})` : '';
  const line = `${'  '.repeat(depth)}${mark} ${safeLine(trace.matcher)}${why}`;
  return [line, ...(trace.children ?? []).flatMap((child) => matchLines(child, depth + 1))];
}

/** A readable account of what each rule did on one target: requests, statuses, matchers. */
export function renderExplain(target: string, outcomes: RuleOutcome[]): string {
  const lines = [`explain: ${safeLine(target)}`];
  for (const outcome of outcomes) {
    const verdict = outcome.findings.length > 0 ? `fired (${outcome.findings.length})` : 'silent';
    lines.push(`  rule ${safeLine(outcome.ruleId)}: ${verdict}`);
    for (const step of outcome.trace) {
      const request = step.url ? ` ${safeLine(step.method ?? 'GET')} ${safeUrl(step.url)}` : '';
      const status = step.status !== undefined ? ` -> ${step.status}` : '';
      lines.push(`    step ${safeLine(step.step)}:${request}${status}${step.error ? ` error ${safeLine(step.error)}` : ''}`);
      for (const [name, value] of Object.entries(step.extracted ?? {})) {
        lines.push(`      extracted ${safeLine(name)} = ${extractedText(name, value)}`);
      }
      if (step.match) lines.push(...matchLines(step.match, 3));
      if (step.stopped) lines.push(`      stopped: ${safeLine(step.stopped)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
