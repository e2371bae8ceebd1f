import type { Finding } from '../core/finding.js';
import type { ScanResult } from '../core/scan-result.js';
import { atLeast, type Severity } from '../core/severity.js';

import { exitCodes } from './exit-code-values.js';

export { exitCodes };

/**
 * Precedence, highest first: a signal (130/143: the user stopped it); 1 when an unsuppressed
 * finding is at or above --fail-on (even if another target failed: a real exposure must fail the build); 2 when a
 * target was not scanned, was cut short, or a rule failed at run time (never a silent clean),
 * or, with --strict, when a rule skipped probes as out of scope (`strictFailed`); else 0.
 * `info` findings never fail a build; `--fail-on none` never fails on findings.
 */
export function exitCodeFor(
  result: ScanResult,
  failOn: Exclude<Severity, 'info'> | 'none',
  signal?: 'SIGINT' | 'SIGTERM',
  // A finding a baseline suppressed never counts; with --new-only, neither does any the baseline names.
  ignored: (finding: Finding) => boolean = () => false,
  strictFailed = false,
): number {
  if (signal === 'SIGINT') return exitCodes.sigint;
  if (signal === 'SIGTERM') return exitCodes.sigterm;
  const counts = (finding: Finding) => finding.suppression === undefined && !ignored(finding);
  const failing =
    failOn !== 'none' &&
    result.targets.some((target) => target.findings.some((finding) => counts(finding) && finding.severity !== 'info' && atLeast(finding.severity, failOn)));
  if (failing) return exitCodes.findings;
  const couldNotScan = result.stopped !== undefined || result.targets.some((target) => !target.executionSuccessful || target.failures.some((failure) => failure.code === 'DL_RULE_RUNTIME'));
  return couldNotScan || strictFailed ? exitCodes.error : exitCodes.clean;
}
