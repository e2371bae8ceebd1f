import type { RuleMeta } from './rule-meta.js';
import type { TargetResult } from './finding.js';

export interface ToolInfo {
  name: string;
  version: string;
  informationUri: string;
}

/** Everything a report renders: the tool, every rule that ran, and one result per target. */
export interface ScanResult {
  tool: ToolInfo;
  rules: RuleMeta[];
  targets: TargetResult[];
  /** The command line, as run, with header values removed. */
  commandLine: string;
  /** Why the whole scan stopped before it finished (a signal, --max-duration), when it did. */
  stopped?: string;
  /** TLS certificates were not verified (--insecure). */
  insecure?: boolean;
}
