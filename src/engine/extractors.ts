import type { Extractor } from './rule-schema.js';
import { evaluateLenient, type JSONValue } from './expression.js';
import { checkedRegex } from './safe-regex.js';
import { loadHtml } from './html.js';
import { detached } from '../core/detach.js';
import type { ResponseDocument } from './response-document.js';

// Extracted values live on in later steps, findings and the --explain trace, while a regex capture
// or a parsed attribute is a V8 slice that keeps its whole body alive: css and regex values are
// copies of their own (see core/detach).
/** Runs one extractor. Values are lists unless `first` asks for a single value. */
export function runExtractor(extractor: Extractor, response: ResponseDocument, document: JSONValue): JSONValue {
  const values = extractValues(extractor, response, document);
  if (!extractor.first) return values;
  return Array.isArray(values) ? (values[0] ?? null) : values;
}

function extractValues(extractor: Extractor, response: ResponseDocument, document: JSONValue): JSONValue {
  if ('json' in extractor) return evaluateLenient(extractor.json, document);
  if ('css' in extractor) {
    const $ = loadHtml(response.body);
    return $(extractor.css)
      .toArray()
      .map((element) => (extractor.attribute ? $(element).attr(extractor.attribute) : $(element).text().trim()))
      .filter((value): value is string => typeof value === 'string' && value.length > 0)
      .map(detached);
  }
  if ('regex' in extractor) {
    const values = new Set<string>();
    for (const match of checkedRegex(extractor.regex).allMatches(response.body)) {
      const value = match[extractor.group];
      if (value !== undefined) values.add(value);
    }
    return [...values].map(detached);
  }
  const header = response.headers[extractor.header.toLowerCase()];
  return header === undefined ? [] : [header];
}
