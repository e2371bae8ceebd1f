import type { RuleMeta } from '../core/rule-meta.js';
import type { SarifRelationship, SarifTaxonomy } from './sarif-types.js';

/**
 * The CWE as a SARIF taxonomy (run.taxonomies), with each rule pointing at the weaknesses it
 * looks for through reportingDescriptor.relationships, as in the SARIF 2.1.0 spec's taxonomy
 * example (§3.19.3, kinds "superset"). GitHub reads CWE from the rule tags
 * (`external/cwe/cwe-200`, sarif-rules.ts); the taxonomy is for the other SARIF consumers,
 * which resolve a rule's relationship to a named entry.
 */

const cweName = 'CWE';

// Names as MITRE publishes them, for the ids draftleak's rules use; a rule citing another id
// still gets its taxon, without a title.
const cweNames: Readonly<Record<string, string>> = {
  '200': 'Exposure of Sensitive Information to an Unauthorized Actor',
  '284': 'Improper Access Control',
  '285': 'Improper Authorization',
  '287': 'Improper Authentication',
  '306': 'Missing Authentication for Critical Function',
  '359': 'Exposure of Private Personal Information to an Unauthorized Actor',
  '489': 'Active Debug Code',
  '521': 'Weak Password Requirements',
  '522': 'Insufficiently Protected Credentials',
  '524': 'Use of Cache Containing Sensitive Information',
  '530': 'Exposure of Backup File to an Unauthorized Control Sphere',
  '532': 'Insertion of Sensitive Information into Log File',
  '538': 'Insertion of Sensitive Information into Externally-Accessible File or Directory',
  '548': 'Exposure of Information Through Directory Listing',
  '552': 'Files or Directories Accessible to External Parties',
  '598': 'Use of GET Request Method With Sensitive Query Strings',
  '639': 'Authorization Bypass Through User-Controlled Key',
  '640': 'Weak Password Recovery Mechanism for Forgotten Password',
  '668': 'Exposure of Resource to Wrong Sphere',
  '798': 'Use of Hard-coded Credentials',
  '1104': 'Use of Unmaintained Third Party Components',
  '1392': 'Use of Default Credentials',
  '1393': 'Use of Default Password',
};

/** "CWE-200" -> "200", the taxon id the spec's example uses. */
function cweNumber(cwe: string): string {
  return cwe.replace(/^CWE-/i, '');
}

function sortedCweNumbers(rules: readonly RuleMeta[]): string[] {
  const numbers = new Set(rules.flatMap((rule) => rule.cwe.map(cweNumber)));
  return [...numbers].sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** The run's CWE taxonomy: one taxon per CWE its rules cite, or none when they cite none. */
export function cweTaxonomies(rules: readonly RuleMeta[]): SarifTaxonomy[] {
  const numbers = sortedCweNumbers(rules);
  if (numbers.length === 0) return [];
  return [
    {
      name: cweName,
      organization: 'MITRE',
      informationUri: 'https://cwe.mitre.org/',
      shortDescription: { text: 'The MITRE Common Weakness Enumeration' },
      isComprehensive: false,
      taxa: numbers.map((id) => ({
        id,
        // SARIF wants a reportingDescriptor's name to be an identifier; the title is its description.
        ...(cweNames[id] === undefined ? {} : { shortDescription: { text: cweNames[id] } }),
        helpUri: `https://cwe.mitre.org/data/definitions/${id}.html`,
      })),
    },
  ];
}

/** A rule's relationships to the CWE taxonomy, which is always run.taxonomies[0]. */
export function cweRelationships(rule: RuleMeta): SarifRelationship[] {
  return [...new Set(rule.cwe.map(cweNumber))].map((id) => ({
    target: { id, toolComponent: { name: cweName, index: 0 } },
    kinds: ['superset'],
  }));
}
