import { createHash } from 'node:crypto';
import type { Finding } from '../core/finding.js';
import { redactHeaders, redactUrl } from '../core/redact.js';
import type { Severity } from '../core/severity.js';
import { auditRules } from './audit-rules.js';
import type { RouteVerdict, UnpublishedItem } from './types.js';
import type { VerifiedItem } from './verify.js';

/**
 * One finding per unpublished item that at least one route served anonymously. The evidence is
 * the anonymous request (it never had credentials) and the answer's status, type, size and hash;
 * never a body, which would be the unpublished content itself, and never a title.
 */
export function auditFinding(target: string, { item, verdicts }: VerifiedItem): Finding | undefined {
  const reachable = verdicts.filter((verdict) => verdict.verdict === 'reachable');
  const first = reachable[0];
  if (first === undefined) return undefined;
  const rule = item.kind === 'file' ? auditRules.file : auditRules.content;
  const others = verdicts.filter((verdict) => verdict.verdict !== 'reachable');
  const message = [
    `${describeItem(item)} is served to anonymous visitors on ${reachable.length} of ${verdicts.length} route(s): ${firstFew(reachable.map(routeLine), '; ', 'more in the finding\'s URLs')}`,
    reachable.every((verdict) => verdict.route.capability === true) ? ' Only its preview link reaches it: anyone who is sent or finds that link reads it.' : '',
    others.length > 0 ? ` Not served: ${firstFew(others.map((verdict) => `${verdict.route.kind} (${verdict.detail})`), ', ', 'more')}.` : '',
  ].join('');
  const fileUrl = item.kind === 'file' ? item.routes.find((route) => route.kind === 'file')?.url : undefined;
  return {
    ruleId: rule.id,
    severity: severityOf(item, reachable),
    confidence: rule.confidence,
    target,
    url: redactUrl(first.route.url),
    urls: [...new Set(reachable.map((verdict) => redactUrl(verdict.route.url)))],
    message,
    items: [
      {
        id: item.id,
        status: item.parent === undefined ? item.status : `${item.status} ${item.parent.id}`,
        ...(item.scheduledFor ?? item.parent?.scheduledFor ? { date: item.scheduledFor ?? item.parent?.scheduledFor } : item.date ? { date: item.date } : {}),
        url: redactUrl(fileUrl ?? first.route.url),
      },
    ],
    request: { method: 'GET', url: redactUrl(first.route.url), headers: {} },
    response: {
      status: first.status ?? 200,
      statusText: '',
      headers: redactHeaders(first.responseHeaders ?? {}),
      bodyExcerpt: `not kept (unpublished content); ${first.bytes ?? 0} bytes, sha256 ${first.sha256 ?? ''}`,
    },
    fingerprint: createHash('sha256').update(`draftleak/v1\n${rule.id}\n${new URL(target).host.toLowerCase()}\n${item.cms}:${item.type}:${item.id}`).digest('hex').slice(0, 32),
  };
}

/**
 * Routes a message names at most. An image in 11 sizes behind 3 asset hosts has 44 routes: a
 * message naming each was most of a 17 KB finding, and 32,000 of them overflowed the JSON
 * report's string. Every reachable route stays in the finding's `urls`.
 */
const routesNamed = 8;

function firstFew(lines: string[], separator: string, rest: string): string {
  const named = lines.slice(0, routesNamed).join(separator);
  return lines.length > routesNamed ? `${named}${separator}and ${lines.length - routesNamed} ${rest}` : named;
}

/**
 * A file of a scheduled item is the embargoed content before its date; a draft's file is high.
 * An item served only on its share-a-preview link (an unguessable token in the URL) is high:
 * it reaches whoever was sent or finds the link, not anyone who guesses an id.
 */
function severityOf(item: UnpublishedItem, reachable: RouteVerdict[]): Severity {
  if (item.kind === 'item') return reachable.every((verdict) => verdict.route.capability === true) ? 'high' : 'critical';
  return item.parent?.status === 'future' || item.parent?.status === 'scheduled' ? 'critical' : 'high';
}

export function describeItem(item: UnpublishedItem): string {
  if (item.kind === 'file') {
    const parent = item.parent;
    return `${item.cms} file ${item.id}${parent ? ` (of ${parent.status} ${parent.type} ${parent.id}${parent.scheduledFor ? `, due ${parent.scheduledFor}` : ''})` : ''}`;
  }
  return `${item.cms} ${item.status} ${item.type} ${item.id}${item.scheduledFor ? ` (due ${item.scheduledFor})` : ''}`;
}

function routeLine(verdict: RouteVerdict): string {
  return `${verdict.route.kind} ${redactUrl(verdict.route.url)} (${verdict.detail}${verdict.sha256 ? `, sha256 ${verdict.sha256.slice(0, 16)}…` : ''})`;
}
