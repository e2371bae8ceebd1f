import type { Finding, ProbeFailure } from '../core/finding.js';
import { severityRank } from '../core/severity.js';

/**
 * One ordering for every format, so reports diff cleanly between runs even when the engine's
 * concurrency finishes probes in a different order: most severe first, then by rule and URL,
 * with the fingerprint as the final tie-breaker.
 */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.url, b.url) ||
    compareText(a.fingerprint, b.fingerprint)
  );
}

export function compareFailures(a: ProbeFailure, b: ProbeFailure): number {
  return compareText(a.url, b.url) || compareText(a.code, b.code) || compareText(a.ruleId ?? '', b.ruleId ?? '');
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

export function sortFailures(failures: readonly ProbeFailure[]): ProbeFailure[] {
  return [...failures].sort(compareFailures);
}

// Plain code-unit comparison: localeCompare would make the order depend on the machine's locale.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
