import { compile, TreeInterpreter, type JSONValue } from '@jmespath-community/jmespath';

// Registers now(), epoch(), range(), url_encode(), base64() and json_encode() before any compile.
import './functions.js';

/**
 * JMESPath, compiled once per expression text. Rules are loaded once and evaluated for every
 * response, so the parse is paid at load time (where a syntax error becomes a rule error).
 */
type Ast = ReturnType<typeof compile>;
const compiled = new Map<string, Ast>();

export function compileExpression(expression: string): Ast {
  let ast = compiled.get(expression);
  if (!ast) {
    ast = compile(expression);
    compiled.set(expression, ast);
  }
  return ast;
}

export function evaluate(expression: string, document: JSONValue): JSONValue {
  return TreeInterpreter.search(compileExpression(expression), document);
}

/**
 * Runtime type errors (length() of a null because the body was HTML, say) mean "this response is
 * not what the rule looks for", not a broken rule: they evaluate to null. Syntax errors cannot
 * happen here because every expression was compiled when the rule loaded.
 */
export function evaluateLenient(expression: string, document: JSONValue): JSONValue {
  try {
    return evaluate(expression, document);
  } catch {
    return null;
  }
}

/** JMESPath truthiness: false, null, empty string, empty list and empty object are false. */
export function isTruthy(value: JSONValue): boolean {
  if (value === null || value === false || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** Rule and fingerprint regexes run on RE2, in linear time: see safe-regex.ts. */
export { compileRegex } from './safe-regex.js';

export type { JSONValue };
