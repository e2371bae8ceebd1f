import { createHash } from 'node:crypto';
import type { HttpRequest, HttpResponse } from '../core/http-types.js';
import type { ExposedItem, Finding } from '../core/finding.js';
import { detachedHead } from '../core/detach.js';
import { maskSecrets, redactHeaders, redactUrl } from '../core/redact.js';
import type { Rule } from './rule-schema.js';
import { evaluateLenient, type JSONValue } from './expression.js';
import { renderTemplate } from './template.js';

/** At most this many items are named in one finding; the message still carries the full count. */
const maxItems = 100;
const maxExcerptChars = 1024;

function asText(value: JSONValue | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Keeps only identifying fields, so titles and bodies of unpublished items never reach a report. */
function toItems(value: JSONValue): ExposedItem[] {
  const list = Array.isArray(value) ? value : value === null ? [] : [value];
  const items: ExposedItem[] = [];
  for (const entry of list) {
    if (entry === null) continue;
    if (typeof entry !== 'object' || Array.isArray(entry)) {
      const url = asText(entry);
      if (url !== undefined) items.push({ url });
      continue;
    }
    const item: ExposedItem = {};
    for (const key of ['id', 'status', 'date', 'url'] as const) {
      const text = asText(entry[key]);
      if (text !== undefined) item[key] = key === 'url' ? redactUrl(text) : text;
    }
    if (Object.keys(item).length > 0) items.push(item);
  }
  return items;
}

/**
 * Stable across runs: the same rule, host and route give the same fingerprint even when the
 * set of exposed items changes, so a CI baseline does not churn as drafts come and go.
 */
export function fingerprintOf(ruleId: string, url: string): string {
  const parsed = new URL(url);
  const route = `${parsed.host.toLowerCase()}${parsed.pathname}${parsed.search}`;
  return createHash('sha256').update(`draftleak/v1\n${ruleId}\n${route}`).digest('hex').slice(0, 32);
}

export interface FindingInput {
  rule: Rule;
  target: string;
  request: HttpRequest;
  response: HttpResponse;
  urls: string[];
  document: JSONValue;
}

export function buildFinding({ rule, target, request, response, urls, document }: FindingInput): Finding {
  const allItems = rule.finding.items ? toItems(evaluateLenient(rule.finding.items, document)) : [];
  const items = allItems.slice(0, maxItems);
  const messageDocument =
    document && typeof document === 'object' && !Array.isArray(document) ? { ...document, count: allItems.length } : document;
  const message = maskSecrets(renderTemplate(rule.finding.message, messageDocument));
  // The excerpt is the proof (ids, statuses, dates, URLs), not the raw body, which may hold the
  // unpublished text itself; only when a rule names no items is the body's start kept.
  // (A copy of its own: a slice would keep the whole body alive as long as the finding.)
  const excerpt = items.length > 0 ? JSON.stringify(items) : detachedHead(response.body, maxExcerptChars);
  return {
    ruleId: rule.id,
    severity: severityFor(rule, messageDocument, items),
    confidence: rule.confidence,
    target,
    url: redactUrl(response.url),
    urls: [...new Set(urls.map(redactUrl))],
    message,
    items,
    request: { method: request.method, url: redactUrl(request.url), headers: redactHeaders(request.headers ?? {}) },
    response: {
      status: response.status,
      statusText: response.statusText,
      headers: redactHeaders(response.headers),
      bodyExcerpt: maskSecrets(excerpt.slice(0, maxExcerptChars * 4)),
    },
    fingerprint: fingerprintOf(rule.id, response.url),
  };
}

/** The first severity_when whose expression holds on this finding, else the rule's severity. */
function severityFor(rule: Rule, document: JSONValue, items: ExposedItem[]): Rule['severity'] {
  if (rule.finding.severity_when === undefined) return rule.severity;
  const withItems = document !== null && typeof document === 'object' && !Array.isArray(document) ? { ...document, items: items as unknown as JSONValue } : { items: items as unknown as JSONValue };
  for (const { when, severity } of rule.finding.severity_when) {
    if (evaluateLenient(when, withItems) === true) return severity;
  }
  return rule.severity;
}
