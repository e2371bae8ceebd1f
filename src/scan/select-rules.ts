import { UsageError } from '../core/errors.js';
import { atLeast, type Severity } from '../core/severity.js';
import { didYouMean } from '../core/suggest.js';
import type { LoadedRule } from '../engine/index.js';

export interface RuleSelection {
  selected: LoadedRule[];
  skipped: { ruleId: string; reason: string }[];
}

/** The user's choice of rules (scan flags); empty lists choose nothing away. */
export interface RuleChoice {
  /** Run every rule regardless of the CMS detected. */
  allRules: boolean;
  /** `--rule`: only these ids run. */
  onlyRules?: readonly string[];
  /** `--exclude-rule`: these ids never run. */
  excludeRules?: readonly string[];
  /** `--tags`: a rule runs when it has any of these tags. */
  tags?: readonly string[];
  /** `--severity`: a rule runs when its severity is at least this. */
  minSeverity?: Severity;
  /** `--cms`: treated as detected, for sites whose fingerprints the scan misses. */
  forceCms?: readonly string[];
}

/**
 * Refuses a choice that names what does not exist, before any request is sent: a misspelt rule id
 * would otherwise run nothing and read as a clean scan.
 */
export function checkRuleChoice(rules: readonly LoadedRule[], knownCms: ReadonlySet<string>, choice: RuleChoice): void {
  const ids = new Set(rules.map((loaded) => loaded.rule.id));
  for (const [flag, wanted] of [['--rule', choice.onlyRules ?? []], ['--exclude-rule', choice.excludeRules ?? []]] as const) {
    for (const id of wanted) {
      if (!ids.has(id)) throw new UsageError(`${flag} ${id}: no rule has this id${didYouMean(id, ids)}; \`draftleak rules list\` shows every id`);
    }
  }
  for (const name of choice.forceCms ?? []) {
    if (!knownCms.has(name)) throw new UsageError(`--cms ${name}: unknown CMS${didYouMean(name, knownCms)} (known: ${[...knownCms].sort().join(', ')})`);
  }
}

/**
 * Rules run where their CMS was detected (or forced with `--cms`); `generic` rules run
 * everywhere. `allRules` runs every rule regardless, for sites whose CMS hides every fingerprint.
 * The user's filters (ids, tags, severity) apply first; every rule left out is listed with why.
 */
export function selectRules(rules: LoadedRule[], detectedCms: string[], choice: RuleChoice): RuleSelection {
  const forced = choice.forceCms ?? [];
  const present = new Set([...detectedCms, ...forced]);
  const selected: LoadedRule[] = [];
  const skipped: { ruleId: string; reason: string }[] = [];
  for (const loaded of rules) {
    const reason = filteredOut(loaded, choice) ?? (choice.allRules ? undefined : cmsMismatch(loaded, present, detectedCms, forced));
    if (reason === undefined) selected.push(loaded);
    else skipped.push({ ruleId: loaded.rule.id, reason });
  }
  return { selected, skipped };
}

function filteredOut({ rule }: LoadedRule, choice: RuleChoice): string | undefined {
  const only = choice.onlyRules ?? [];
  if (only.length > 0 && !only.includes(rule.id)) return `not chosen: --rule asks for ${only.join(', ')}`;
  if ((choice.excludeRules ?? []).includes(rule.id)) return 'excluded with --exclude-rule';
  const tags = choice.tags ?? [];
  if (tags.length > 0 && !rule.tags.some((tag) => tags.includes(tag))) {
    return `no chosen tag: --tags asks for ${tags.join(', ')}, the rule has ${rule.tags.length > 0 ? rule.tags.join(', ') : 'no tags'}`;
  }
  if (choice.minSeverity !== undefined && !atLeast(rule.severity, choice.minSeverity)) return `severity ${rule.severity} is below --severity ${choice.minSeverity}`;
  return undefined;
}

function cmsMismatch({ rule }: LoadedRule, present: ReadonlySet<string>, detectedCms: string[], forced: readonly string[]): string | undefined {
  if (rule.cms.includes('generic') || rule.cms.some((name) => present.has(name))) return undefined;
  const found = detectedCms.length > 0 ? detectedCms.join(', ') : 'no known CMS';
  const forcedNote = forced.length > 0 ? ` (--cms added ${forced.join(', ')})` : '';
  return `CMS not detected: the rule is for ${rule.cms.join(', ')}, the site shows ${found}${forcedNote} (--cms ${rule.cms[0] ?? 'NAME'} or --all-rules runs it anyway)`;
}
