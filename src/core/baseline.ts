import { z } from 'zod';
import type { Finding, TargetResult } from './finding.js';
import { redactUrl } from './redact.js';
import type { ScanResult } from './scan-result.js';

/**
 * Baselines: findings a team has looked at and accepted, each with a reason, an owner and maybe
 * an expiry, keyed by the finding's fingerprint (rule, host and route: stable while drafts come
 * and go). A scan with a baseline keeps every finding in its reports and marks the accepted ones
 * suppressed, so nothing is deleted and an auditor still sees them; only unsuppressed findings
 * fail the build.
 */

export const baselineFormatVersion = 1;

const isoDate = z.iso.date();
const isoDateTime = z.iso.datetime({ offset: true });

export const baselineEntrySchema = z
  .strictObject({
    ruleId: z.string().min(1),
    /** The target the finding was reported for (informational: the fingerprint decides). */
    target: z.string().min(1),
    /** The URL whose response proved it, for a reader of the file. */
    url: z.string().optional(),
    reason: z.string().trim().min(1, 'give the reason this finding is accepted'),
    owner: z.string().trim().min(1, 'name who answers for this acceptance'),
    expires: z
      .string()
      .refine((value) => isoDate.safeParse(value).success || isoDateTime.safeParse(value).success, {
        error: 'expires must be a date (2025-12-31, valid through that day, UTC) or an ISO date-time with offset',
      })
      .optional()
      .meta({ description: 'A date (2025-12-31: valid through that day, UTC) or an ISO date-time with offset; after it the entry suppresses nothing.' }),
  })
  .meta({ description: 'One accepted finding.' });

export const baselineFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(baselineFormatVersion),
    /** Finding fingerprint (32 hex digits, as in SARIF partialFingerprints "draftleak/v1") -> entry. */
    entries: z.record(z.string().regex(/^[0-9a-f]{32}$/, 'a draftleak fingerprint: 32 lowercase hex digits'), baselineEntrySchema),
  })
  .meta({ description: 'draftleak baseline: accepted findings keyed by fingerprint.' });

export type BaselineEntry = z.infer<typeof baselineEntrySchema>;
export type BaselineFile = z.infer<typeof baselineFileSchema>;

const dayMs = 24 * 3600 * 1000;

/** The instant an entry stops suppressing: a bare date is valid through that day (UTC). */
export function expiryInstant(expires: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(expires) ? Date.parse(`${expires}T00:00:00Z`) + dayMs : Date.parse(expires);
}

export function isExpired(entry: BaselineEntry, now: Date): boolean {
  return entry.expires !== undefined && now.getTime() >= expiryInstant(entry.expires);
}

export interface ExpiredEntry {
  fingerprint: string;
  entry: BaselineEntry;
  /** Whether this scan found the finding again (it is then reported unsuppressed). */
  found: boolean;
}

export interface BaselineOutcome {
  result: ScanResult;
  suppressed: number;
  expired: ExpiredEntry[];
  /** Entries for a target of this scan whose finding was not found (fixed, or not reached). */
  unmatched: number;
}

export function expiredNote(expired: ExpiredEntry): string {
  const { entry } = expired;
  const what = expired.found ? 'the finding is reported again, not suppressed' : 'its finding was not found in this scan: the entry can be removed';
  return `baseline entry ${expired.fingerprint} (${entry.ruleId}, owner ${entry.owner}) expired on ${entry.expires ?? '?'}: ${what}`;
}

/**
 * Marks the findings the baseline accepts as suppressed, and notes every expired entry that
 * concerns a target of this scan on that target (an expired entry suppresses nothing). An entry
 * whose rule id differs from the finding's is not a match. Entries for targets this scan did not
 * cover (another shard's) are left alone.
 */
export function applyBaseline(result: ScanResult, baseline: BaselineFile, now: Date): BaselineOutcome {
  const entries = new Map(Object.entries(baseline.entries));
  const expired: ExpiredEntry[] = [];
  const matched = new Set<string>();
  let suppressed = 0;
  const targets = result.targets.map((target): TargetResult => {
    const notes: string[] = [];
    const findings = target.findings.map((finding): Finding => {
      const entry = entries.get(finding.fingerprint);
      if (entry === undefined || entry.ruleId !== finding.ruleId) return finding;
      matched.add(finding.fingerprint);
      if (isExpired(entry, now)) {
        const item = { fingerprint: finding.fingerprint, entry, found: true };
        expired.push(item);
        notes.push(expiredNote(item));
        return finding;
      }
      suppressed += 1;
      return { ...finding, suppression: { reason: entry.reason, owner: entry.owner, ...(entry.expires === undefined ? {} : { expires: entry.expires }) } };
    });
    const thisTarget = redactUrl(target.target);
    for (const [fingerprint, entry] of entries) {
      if (matched.has(fingerprint) || entry.target !== thisTarget || !isExpired(entry, now)) continue;
      const item = { fingerprint, entry, found: false };
      expired.push(item);
      notes.push(expiredNote(item));
    }
    if (notes.length === 0 || target.discovery === undefined) return { ...target, findings };
    return { ...target, findings, discovery: { ...target.discovery, notes: [...target.discovery.notes, ...notes] } };
  });
  const scanned = new Set(result.targets.map((target) => redactUrl(target.target)));
  const unmatched = [...entries].filter(([fingerprint, entry]) => !matched.has(fingerprint) && scanned.has(entry.target) && !isExpired(entry, now)).length;
  return { result: { ...result, targets }, suppressed, expired, unmatched };
}

/** For --new-only: the finding has an entry in the baseline, expired or not. */
export function knownToBaseline(baseline: BaselineFile): (finding: Finding) => boolean {
  return (finding) => baseline.entries[finding.fingerprint]?.ruleId === finding.ruleId;
}

export interface AcceptedFinding {
  fingerprint: string;
  ruleId: string;
  target: string;
  url?: string;
}

export interface Acceptance {
  reason: string;
  owner: string;
  expires?: string;
}

/**
 * A baseline accepting every finding given, sorted by fingerprint so that the file diffs well.
 * URLs are redacted as in any report: a baseline is committed.
 */
export function createBaseline(findings: readonly AcceptedFinding[], acceptance: Acceptance): BaselineFile {
  const entries: Record<string, BaselineEntry> = {};
  for (const finding of [...findings].sort((a, b) => a.fingerprint.localeCompare(b.fingerprint))) {
    if (entries[finding.fingerprint] !== undefined) continue;
    entries[finding.fingerprint] = {
      ruleId: finding.ruleId,
      target: redactUrl(finding.target),
      ...(finding.url === undefined ? {} : { url: redactUrl(finding.url) }),
      reason: acceptance.reason,
      owner: acceptance.owner,
      ...(acceptance.expires === undefined ? {} : { expires: acceptance.expires }),
    };
  }
  return { version: baselineFormatVersion, entries };
}
