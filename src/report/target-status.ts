import type { TargetResult } from '../core/finding.js';

/**
 * Whether a target without findings may be called clean, said the same way by every human
 * format: "no exposure found" only when every selected rule ran to its end and no probe failed;
 * otherwise what could run. A body read up to its cap (a big bundle) limits depth but is no
 * failed probe.
 */
export interface TargetStatus {
  /** True when the target had no finding and nothing stands in the way of calling it clean. */
  clean: boolean;
  failedRules: number;
  /** Probes that failed, not counting bodies read only up to their cap. */
  failedProbes: number;
  skippedRules: number;
  /** E.g. "14 rule(s) ran, 0 failed, 3 skipped (3 CMS not detected)". */
  coverage: string;
}

export function targetStatus(target: TargetResult): TargetStatus {
  const failedRules = new Set(target.failures.filter((failure) => failure.code === 'DL_RULE_RUNTIME').map((failure) => failure.ruleId)).size;
  const failedProbes = target.failures.filter((failure) => failure.code !== 'DL_BODY_TRUNCATED').length;
  const skippedRules = target.discovery?.skippedRules.length ?? 0;
  const clean = target.findings.length === 0 && target.executionSuccessful && failedRules === 0 && failedProbes === 0;
  const coverage = `${target.rulesRun.length} rule(s) ran, ${failedRules} failed, ${skippedRules} skipped${skippedWhy(target)}`;
  return { clean, failedRules, failedProbes, skippedRules, coverage };
}

/** Why rules were skipped, by kind: the CMS gate, or the user's own choice (--rule, --tags …). */
function skippedWhy(target: TargetResult): string {
  const skipped = target.discovery?.skippedRules ?? [];
  if (skipped.length === 0) return '';
  const byCms = skipped.filter((skip) => skip.reason.startsWith('CMS not detected')).length;
  const parts = [...(byCms > 0 ? [`${byCms} CMS not detected`] : []), ...(skipped.length > byCms ? [`${skipped.length - byCms} left out by the rule flags`] : [])];
  return ` (${parts.join(', ')})`;
}

/** "WordPress 6.1.9 (95%), Strapi (60%)", or undefined when discovery did not run. */
export function detectedLine(target: TargetResult): string | undefined {
  const discovery = target.discovery;
  if (!discovery) return undefined;
  const detected = discovery.detections
    .map((detection) => `${detection.name}${detection.version ? ` ${detection.version}` : ''} (${Math.round(detection.confidence * 100)}%)`)
    .join(', ');
  return detected || 'no known CMS';
}
