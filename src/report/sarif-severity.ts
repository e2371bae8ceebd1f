import type { Severity } from '../core/severity.js';
import type { SarifLevel } from './sarif-types.js';

const levels: Record<Severity, SarifLevel> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

export function sarifLevel(severity: Severity): SarifLevel {
  return levels[severity];
}

// GitHub buckets security-severity as critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9;
// each value sits well inside its bucket. Info has no entry: a value would turn an informational
// observation into a security alert.
const securitySeverities: Partial<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
};

/** A string, as GitHub requires; undefined for `info`. */
export function securitySeverity(severity: Severity): string | undefined {
  return securitySeverities[severity];
}
