export { loadRules, parseRuleText, builtinRulesDir, type LoadedRule } from './load-rules.js';
export { openRuleCache, type RuleCache, type TargetRuleCache } from './rule-cache.js';
export { runRule, targetBase, maxRequestsPerRule, type RuleOutcome, type StepTrace } from './run-rule.js';
export { BranchSlots } from './branch-slots.js';
export { ruleSchema, type Rule, type Matcher, type Step } from './rule-schema.js';
export type { MatchTrace } from './matchers.js';
