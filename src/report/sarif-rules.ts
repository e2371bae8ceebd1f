import type { RuleMeta } from '../core/rule-meta.js';
import type { SarifReportingDescriptor } from './sarif-types.js';
import { sarifLevel, securitySeverity } from './sarif-severity.js';
import { cweRelationships } from './sarif-cwe.js';

// GitHub rejects a rule with more than 20 tags (and shows only 10), so the most useful come first.
const maxTags = 20;

function ruleTags(rule: RuleMeta): string[] {
  const tags = [
    'security',
    ...rule.cms.map((cms) => `cms:${cms}`),
    ...rule.tags,
    // CodeQL's convention, which GitHub turns into CWE links and filters.
    ...rule.cwe.map((cwe) => `external/cwe/${cwe.toLowerCase()}`),
  ];
  return [...new Set(tags)].slice(0, maxTags);
}

function helpText(rule: RuleMeta): string {
  const references = rule.references.map((url) => `- ${url}`).join('\n');
  return `${rule.description}\n\nRemediation\n${rule.remediation}\n\nReferences\n${references}`;
}

function helpMarkdown(rule: RuleMeta): string {
  const references = rule.references.map((url) => `- [${url}](${url})`).join('\n');
  return `${rule.description}\n\n## Remediation\n\n${rule.remediation}\n\n## References\n\n${references}`;
}

export function toReportingDescriptor(rule: RuleMeta): SarifReportingDescriptor {
  const severity = securitySeverity(rule.severity);
  const descriptor: SarifReportingDescriptor = {
    id: rule.id,
    name: rule.name,
    shortDescription: { text: rule.name },
    fullDescription: { text: rule.description },
    help: { text: helpText(rule), markdown: helpMarkdown(rule) },
    defaultConfiguration: { level: sarifLevel(rule.severity) },
    properties: {
      tags: ruleTags(rule),
      precision: rule.confidence,
      ...(severity === undefined ? {} : { 'security-severity': severity }),
      ...(rule.cwe.length > 0 ? { cwe: [...rule.cwe] } : {}),
    },
  };
  const helpUri = rule.references[0];
  if (helpUri !== undefined) descriptor.helpUri = helpUri;
  // Into the run's CWE taxonomy, which any run describing this rule carries (sarif-cwe.ts).
  if (rule.cwe.length > 0) descriptor.relationships = cweRelationships(rule);
  return descriptor;
}
