import type { MatchTrace, RuleOutcome } from '../engine/index.js';

function matchLines(trace: MatchTrace, depth: number): string[] {
  const line = `${'  '.repeat(depth)}${trace.ok ? '✓' : '✗'} ${trace.matcher}`;
  return [line, ...(trace.children ?? []).flatMap((child) => matchLines(child, depth + 1))];
}

/** A readable account of what each rule did on one target: requests, statuses, matchers. */
export function renderExplain(target: string, outcomes: RuleOutcome[]): string {
  const lines = [`explain: ${target}`];
  for (const outcome of outcomes) {
    const verdict = outcome.findings.length > 0 ? `fired (${outcome.findings.length})` : 'silent';
    lines.push(`  rule ${outcome.ruleId}: ${verdict}`);
    for (const step of outcome.trace) {
      const request = step.url ? ` ${step.method ?? 'GET'} ${step.url}` : '';
      const status = step.status !== undefined ? ` -> ${step.status}` : '';
      lines.push(`    step ${step.step}:${request}${status}${step.error ? ` error ${step.error}` : ''}`);
      for (const [name, value] of Object.entries(step.extracted ?? {})) {
        const text = JSON.stringify(value);
        lines.push(`      extracted ${name} = ${text.length > 160 ? `${text.slice(0, 157)}...` : text}`);
      }
      if (step.match) lines.push(...matchLines(step.match, 3));
      if (step.stopped) lines.push(`      stopped: ${step.stopped}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
