import { evaluate, type JSONValue } from './expression.js';

/**
 * `{{ expression }}` placeholders in request paths, URLs, headers and messages. The expression is
 * JMESPath over the same document the matchers see, so `{{target}}`, `{{item.id}}` and
 * `{{length(draft_ids)}}` all work, with one language to learn.
 */
const placeholder = /\{\{\s*(.+?)\s*\}\}/g;

export function templateExpressions(template: string): string[] {
  return [...template.matchAll(placeholder)].map((match) => match[1] ?? '');
}

function toText(value: JSONValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item !== 'object' || item === null)) return value.join(',');
  return JSON.stringify(value);
}

export function renderTemplate(template: string, document: JSONValue): string {
  return template.replace(placeholder, (_all, expression: string) => toText(evaluate(expression, document)));
}
