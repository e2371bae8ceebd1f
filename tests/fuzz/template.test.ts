import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExpression, evaluate, type JSONValue } from '../../src/engine/expression.js';
import { renderTemplate, TemplateError, type TemplateKind } from '../../src/engine/template.js';
import { anyText, fuzzParameters, textFrom } from './fuzz-settings.js';

/**
 * The template renderer under generated templates and documents. A template that loaded (its
 * expressions compile) renders to a string or throws TemplateError, or the JMESPath error of an
 * expression that cannot run on this document; nothing else. What it renders keeps its promise
 * for where it goes: a URL is http(s), a path starts with "/", a header has no line break, and a
 * value placed in a path segment cannot add a "/", "?" or "#".
 */

const expressions = ['target', 'v', 'items[0].id', 'length(v)', 'keys(@)', 'raw v', 'raw target', 'v.x', 'to_string(v)', '`"a/b?c#d"`', '`[1,"x",null]`', '@'];
const templatePieces = ['https://example.com', 'http://', '/', '/posts/', '?', '&', '=', '#', 'x', '%', '%2F', ' ', '\n', '{{', '}}', '{', '}', ...expressions.map((expression) => `{{${expression}}}`)];
const templates = fc.oneof({ weight: 4, arbitrary: textFrom(templatePieces, 12) }, { weight: 1, arbitrary: anyText(60) });
const documents = fc.record({
  target: fc.oneof(fc.constant('https://example.com'), fc.webUrl(), anyText(20)),
  v: fc.oneof(fc.jsonValue({ maxDepth: 2 }), anyText(20), fc.constantFrom('a/b', '../x', '?q=1', '#f', '%zz', '\r\nX: y', '\ud800')),
  items: fc.array(fc.record({ id: fc.jsonValue({ maxDepth: 1 }) }), { maxLength: 2 }),
}) as fc.Arbitrary<JSONValue>;
const kinds = fc.constantFrom<TemplateKind>('url', 'path', 'header', 'text');

function compiles(template: string): boolean {
  for (const match of template.matchAll(/\{\{\s*(.+?)\s*\}\}/g)) {
    try {
      compileExpression((match[1] ?? '').replace(/^raw\s+/, ''));
    } catch {
      return false;
    }
  }
  return true;
}

/** The expression errors a document can cause at run time (length() of a number, say). */
function evaluationFails(template: string, document: JSONValue): boolean {
  for (const match of template.matchAll(/\{\{\s*(.+?)\s*\}\}/g)) {
    try {
      evaluate((match[1] ?? '').replace(/^raw\s+/, ''), document);
    } catch {
      return true;
    }
  }
  return false;
}

describe('renderTemplate under generated input', () => {
  it('renders or throws TemplateError, and keeps its promise for URLs, paths and headers', () => {
    fc.assert(
      fc.property(templates.filter(compiles), documents, kinds, (template, document, kind) => {
        let out: string;
        try {
          out = renderTemplate(template, document, kind);
        } catch (error) {
          if (error instanceof TemplateError) return;
          if (evaluationFails(template, document)) return;
          throw error;
        }
        if (kind === 'url') expect(['http:', 'https:']).toContain(new URL(out).protocol);
        if (kind === 'path') expect(out.startsWith('/')).toBe(true);
        if (kind === 'header') expect(out).not.toMatch(/[\r\n\0]/);
        if (!template.includes('{{')) expect(out).toBe(template);
      }),
      fuzzParameters(1500),
    );
  });

  it('a value in a path segment adds no "/", "?" or "#"', () => {
    fc.assert(
      fc.property(documents, (document) => {
        try {
          const out = renderTemplate('/posts/{{v}}', document, 'path');
          expect(out.slice('/posts/'.length)).not.toMatch(/[/?#]/);
        } catch (error) {
          if (!(error instanceof TemplateError)) throw error;
        }
      }),
      fuzzParameters(1000),
    );
  });
});
