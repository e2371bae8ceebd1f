import type { Extractor } from './rule-schema.js';
import { compileRegex, evaluateLenient, type JSONValue } from './expression.js';
import { loadHtml } from './html.js';
import type { ResponseDocument } from './response-document.js';

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
      .filter((value): value is string => typeof value === 'string' && value.length > 0);
  }
  if ('regex' in extractor) {
    const values: string[] = [];
    for (const match of response.body.matchAll(compileRegex(extractor.regex, true))) {
      const value = match[extractor.group];
      if (value !== undefined && !values.includes(value)) values.push(value);
    }
    return values;
  }
  const header = response.headers[extractor.header.toLowerCase()];
  return header === undefined ? [] : [header];
}
