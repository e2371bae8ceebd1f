import type { Finding } from '../core/finding.js';
import type { RuleMeta } from '../core/rule-meta.js';
import type { ScanResult } from '../core/scan-result.js';
import { severityRank, type Severity } from '../core/severity.js';

/**
 * What a reader of one finding needs to act on it without a second document: the rule's name,
 * what it means, how to fix it and where that is documented. Findings carry only a rule id; the
 * renderers join it here with the rules of the scan.
 */
export interface RuleDetails {
  id: string;
  name: string;
  description: string;
  remediation: string;
  references: string[];
  cwe: string[];
  cms: string[];
}

export type RuleIndex = ReadonlyMap<string, RuleMeta>;

export function indexRules(rules: readonly RuleMeta[]): RuleIndex {
  return new Map(rules.map((rule) => [rule.id, rule]));
}

/** A finding whose rule is not in the scan's rule list (a hand-built result) still renders. */
export function ruleDetails(rules: RuleIndex, ruleId: string): RuleDetails {
  const rule = rules.get(ruleId);
  return {
    id: ruleId,
    name: rule?.name ?? ruleId,
    description: (rule?.description ?? '').trim(),
    remediation: (rule?.remediation ?? '').trim(),
    references: [...(rule?.references ?? [])],
    cwe: [...(rule?.cwe ?? [])],
    cms: [...(rule?.cms ?? ['generic'])],
  };
}

export interface FiredRule extends RuleDetails {
  /** The most severe of this rule's findings (a rule may report below its own severity). */
  severity: Severity;
  findings: number;
}

/**
 * The rules that produced at least one finding anywhere in the scan, once each, most severe
 * first: the "how to fix" part of a report that is handed on.
 */
export function firedRules(result: ScanResult, findings: readonly Finding[] = result.targets.flatMap((target) => target.findings)): FiredRule[] {
  const rules = indexRules(result.rules);
  const fired = new Map<string, FiredRule>();
  for (const finding of findings) {
    const known = fired.get(finding.ruleId);
    if (known) {
      known.findings += 1;
      if (severityRank(finding.severity) > severityRank(known.severity)) known.severity = finding.severity;
    } else {
      fired.set(finding.ruleId, { ...ruleDetails(rules, finding.ruleId), severity: finding.severity, findings: 1 });
    }
  }
  return [...fired.values()].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
