import type { LoadedRule } from '../engine/index.js';

export interface RuleSelection {
  selected: LoadedRule[];
  skipped: { ruleId: string; reason: string }[];
}

/**
 * Rules run where their CMS was detected; `generic` rules run everywhere. `allRules` runs every
 * rule regardless, for sites whose CMS hides every fingerprint.
 */
export function selectRules(rules: LoadedRule[], detectedCms: string[], allRules: boolean): RuleSelection {
  if (allRules) return { selected: rules, skipped: [] };
  const detected = new Set(detectedCms);
  const selected: LoadedRule[] = [];
  const skipped: { ruleId: string; reason: string }[] = [];
  for (const loaded of rules) {
    const { cms } = loaded.rule;
    if (cms.includes('generic') || cms.some((name) => detected.has(name))) {
      selected.push(loaded);
    } else {
      const found = detectedCms.length > 0 ? detectedCms.join(', ') : 'no known CMS';
      skipped.push({ ruleId: loaded.rule.id, reason: `CMS not detected: the rule is for ${cms.join(', ')}, the site shows ${found} (--all-rules runs it anyway)` });
    }
  }
  return { selected, skipped };
}
