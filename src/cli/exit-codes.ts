import type { ScanResult } from '../core/scan-result.js';
import { atLeast, type Severity } from '../core/severity.js';

/** ESLint's convention: 0 clean, 1 findings at or above the threshold, 2 could not run. */
export const exitCodes = { clean: 0, findings: 1, error: 2 } as const;

/** `info` findings never fail a build; `none` never fails on findings at all. */
export function exitCodeFor(result: ScanResult, failOn: Exclude<Severity, 'info'> | 'none'): number {
  if (failOn === 'none') return exitCodes.clean;
  const failing = result.targets.some((target) =>
    target.findings.some((finding) => finding.severity !== 'info' && atLeast(finding.severity, failOn)),
  );
  return failing ? exitCodes.findings : exitCodes.clean;
}
