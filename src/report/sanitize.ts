import type { ExposedItem, Finding, ProbeFailure, TargetResult } from '../core/finding.js';
import type { ScanResult } from '../core/scan-result.js';
import { maskSecrets, redactHeaders, redactUrl } from '../core/redact.js';

/**
 * Defence in depth: the engine already redacts evidence, but a report is the last place a
 * credential could leak from, so every renderer passes its input through here first. Applying
 * the core redaction twice is harmless; missing it once is not.
 */

function sanitizeHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(redactHeaders(headers))) out[name] = maskSecrets(value);
  return out;
}

function sanitizeItem(item: ExposedItem): ExposedItem {
  const out: ExposedItem = {};
  if (item.id !== undefined) out.id = maskSecrets(item.id);
  if (item.status !== undefined) out.status = maskSecrets(item.status);
  if (item.date !== undefined) out.date = maskSecrets(item.date);
  if (item.url !== undefined) out.url = redactUrl(item.url);
  return out;
}

export function sanitizeFinding(finding: Finding): Finding {
  return {
    ...finding,
    target: redactUrl(finding.target),
    url: redactUrl(finding.url),
    urls: finding.urls.map(redactUrl),
    message: maskSecrets(finding.message),
    items: finding.items.map(sanitizeItem),
    request: {
      method: finding.request.method,
      url: redactUrl(finding.request.url),
      headers: sanitizeHeaders(finding.request.headers),
    },
    response: {
      status: finding.response.status,
      statusText: maskSecrets(finding.response.statusText),
      headers: sanitizeHeaders(finding.response.headers),
      bodyExcerpt: maskSecrets(finding.response.bodyExcerpt),
    },
  };
}

export function sanitizeFailure(failure: ProbeFailure): ProbeFailure {
  return { ...failure, url: redactUrl(failure.url), message: maskSecrets(failure.message) };
}

export function sanitizeTarget(target: TargetResult): TargetResult {
  return {
    ...target,
    target: redactUrl(target.target),
    findings: target.findings.map(sanitizeFinding),
    failures: target.failures.map(sanitizeFailure),
    ...(target.incomplete === undefined ? {} : { incomplete: maskSecrets(target.incomplete) }),
    // Signals quote what a site showed (a key in a script tag, say): masked like evidence.
    ...(target.discovery
      ? {
          discovery: {
            ...target.discovery,
            notes: target.discovery.notes.map(maskSecrets),
            detections: target.discovery.detections.map((detection) => ({ ...detection, signals: detection.signals.map(maskSecrets) })),
          },
        }
      : {}),
  };
}

export function sanitizeScanResult(result: ScanResult): ScanResult {
  return {
    ...result,
    commandLine: maskSecrets(result.commandLine),
    targets: result.targets.map(sanitizeTarget),
  };
}
