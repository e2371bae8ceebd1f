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

const identity = compile('@');

export function evaluate(expression: string, document: JSONValue): JSONValue {
  try {
    return TreeInterpreter.search(compileExpression(expression), document);
  } finally {
    // The library's one interpreter keeps the last document it searched (every body of every
    // step in it) until the next search; a search of null lets that document go.
    TreeInterpreter.search(identity, null);
  }
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

/**
 * For a matcher, where a runtime error must not read as "false" (`not` would turn it into
 * "true"): the error is returned so the caller can treat the answer as unknown and say why.
 */
export function evaluateChecked(expression: string, document: JSONValue): { value: JSONValue } | { error: string } {
  try {
    return { value: evaluate(expression, document) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
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
