import { compileExpression } from './expression.js';
import type { ResponseDocument } from './response-document.js';
import type { Matcher, Rule } from './rule-schema.js';
import { templateExpressions } from './template.js';

/**
 * What a rule's expressions can read of its earlier steps' answers through `steps.<id>`.
 *
 * A branch carries every answer it got, step by step, for the steps after it: the AEM bypass
 * rules try six spellings of one URL, each reading the one before (`steps.plain.status`). On a
 * site that answers 5 MiB to everything, that was six bodies held per branch, and the hostile-site
 * scan peaked past 250 MiB. Most rules read a step's status, URL, headers or parsed JSON, not its
 * text; a body nothing can read is not carried. Nothing observable changes: a field is left out
 * only when no expression of the rule can reach it (tests/engine/step-reads).
 */
export interface StepReads {
  /** Some expression can see the whole of `steps` (or the whole document): every answer is kept whole. */
  everything: boolean;
  /** Per step id: the fields read (`body`, `json`, ...), or 'whole' when the answer itself is handed on. */
  steps: Map<string, Set<string> | 'whole'>;
}

/** What an expression's value is, as far as this analysis cares. */
type Value = 'root' | 'steps' | { step: string } | 'other';

type Node = { type: string; [key: string]: unknown };

const readsByRule = new WeakMap<object, StepReads>();

/** The step reads of `rule`, worked out once per rule object. */
export function stepReadsOf(rule: Pick<Rule, 'steps' | 'finding'>): StepReads {
  let reads = readsByRule.get(rule);
  if (reads === undefined) {
    reads = analyse(ruleExpressions(rule));
    readsByRule.set(rule, reads);
  }
  return reads;
}

/**
 * `current` as the branch carries it for later steps: its body and parsed JSON, the fields that
 * can be big, are left empty when no expression can reach them. The rest (status, URL, headers,
 * redirects) is kept.
 */
export function keptForLaterSteps(current: ResponseDocument, stepId: string, reads: StepReads): ResponseDocument {
  if (reads.everything) return current;
  const fields = reads.steps.get(stepId);
  if (fields === 'whole') return current;
  const dropBody = fields?.has('body') !== true && current.body !== '';
  const dropJson = fields?.has('json') !== true && current.json !== null;
  if (!dropBody && !dropJson) return current;
  return { ...current, ...(dropBody ? { body: '' } : {}), ...(dropJson ? { json: null } : {}) };
}

/**
 * Every JMESPath expression of a rule, the ones inside templates too: whatever reads the
 * expression document. Matchers and extractors of other kinds (word, regex, css, header) read
 * the current answer only, never `steps`.
 */
export function ruleExpressions(rule: Pick<Rule, 'steps' | 'finding'>): string[] {
  const expressions: string[] = [...templateExpressions(rule.finding.message)];
  if (rule.finding.items !== undefined) expressions.push(rule.finding.items);
  for (const { when } of rule.finding.severity_when ?? []) expressions.push(when);
  const ofMatcher = (matcher: Matcher): string[] => {
    if ('all' in matcher) return matcher.all.flatMap(ofMatcher);
    if ('any' in matcher) return matcher.any.flatMap(ofMatcher);
    if ('not' in matcher) return ofMatcher(matcher.not);
    return 'json' in matcher ? [matcher.json] : [];
  };
  for (const step of rule.steps) {
    const { request } = step;
    if (request !== undefined) {
      for (const template of [request.path, request.url, ...Object.values(request.headers)]) {
        if (template !== undefined) expressions.push(...templateExpressions(template));
      }
    }
    if (step.for_each !== undefined) expressions.push(step.for_each.in);
    if (step.paginate !== undefined) expressions.push(step.paginate.next);
    for (const extractor of step.extract) if ('json' in extractor) expressions.push(extractor.json);
    if (step.match !== undefined) expressions.push(...ofMatcher(step.match));
  }
  return expressions;
}

function analyse(expressions: string[]): StepReads {
  const reads: StepReads = { everything: false, steps: new Map() };
  const escape = (value: Value): void => {
    if (value === 'other') return;
    if (value === 'root' || value === 'steps') reads.everything = true;
    else reads.steps.set(value.step, 'whole');
  };
  const read = (step: string, field: string): void => {
    const fields = reads.steps.get(step);
    if (fields === 'whole') return;
    if (fields === undefined) reads.steps.set(step, new Set([field]));
    else fields.add(field);
  };

  // The value of `node` evaluated against `current`, recording every field read of a step's
  // answer. Where a step's answer (or `steps`, or the whole document) is used other than by
  // reading a field of it (handed to a function, compared, projected, kept in a list, bound to a
  // variable, returned), it escapes: it is kept whole. Field, Subexpression, Pipe, index
  // expressions, projections, `&expression`, Current and Root are followed as the interpreter
  // evaluates them; every other node is visited generically, each child against `current`, and
  // gives 'other', its children's values escaping (an `||`, a ternary or a function may return
  // one of them). Leaves other than Field read no answer: an index or a slice of an object is
  // null, a variable holds what its binding (visited, so escaped) gave.
  const visit = (node: Node, current: Value): Value => {
    switch (node.type) {
      case 'Field': {
        const name = String(node.name);
        if (current === 'root') return name === 'steps' ? 'steps' : 'other';
        if (current === 'steps') return { step: name };
        if (typeof current === 'object') read(current.step, name);
        return 'other';
      }
      case 'Subexpression':
      case 'Pipe':
      case 'IndexExpression':
        return visit(node.right as Node, visit(node.left as Node, current));
      case 'Projection':
      case 'ValueProjection':
      case 'FilterProjection':
        // The right side (and a filter's condition) is evaluated against each element of the
        // left: 'other', unless the left is a step's answer, `steps` or the document, which then
        // escapes whole.
        escape(visit(node.left as Node, current));
        if (node.condition !== undefined) escape(visit(node.condition as Node, 'other'));
        escape(visit(node.right as Node, 'other'));
        return 'other';
      case 'ExpressionReference':
        // `&expression` is applied by sort_by, map, max_by... to the elements of an array argument,
        // which escaped already if it held an answer.
        escape(visit(node.child as Node, 'other'));
        return 'other';
      case 'Current':
      case 'Identity':
        return current;
      case 'Root':
        return 'root';
      case 'Literal':
        return 'other';
      default:
        for (const child of childNodes(node)) escape(visit(child, current));
        return 'other';
    }
  };

  for (const expression of expressions) {
    // An expression that does not compile is the rule's load error, reported there; here it
    // reads nothing, and keeping everything is the safe answer.
    let ast: Node;
    try {
      ast = compileExpression(expression) as unknown as Node;
    } catch {
      reads.everything = true;
      continue;
    }
    escape(visit(ast, 'root'));
  }
  return reads;
}

/** The AST nodes directly under `node`, whatever its kind names them (left, children, value...). */
function childNodes(node: Node): Node[] {
  const children: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'type') continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== null && typeof item === 'object' && typeof (item as Node).type === 'string') children.push(item as Node);
    }
  }
  return children;
}
