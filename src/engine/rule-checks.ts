import type { Matcher, Rule } from './rule-schema.js';
import { compileExpression } from './expression.js';
import { compileRegex, unsupportedReason } from './safe-regex.js';
import { templateExpressions } from './template.js';
import { selectorProblem } from './html.js';
import { reservedNames } from './response-document.js';
import type { YamlProblem } from '../core/yaml-source.js';
import { readOnlyQueryProblem } from '../core/graphql-operation.js';

type Path = (string | number)[];

/** What the checks read: a rule's steps and finding (also of a rule whose metadata is invalid). */
type RuleBody = Pick<Rule, 'steps' | 'finding'>;

/**
 * Checks that a schema cannot express: expressions and regexes compile, templates only name
 * variables that exist by then, and variable names do not shadow the document's own fields.
 */
export function checkRule(rule: RuleBody): YamlProblem[] {
  const problems: YamlProblem[] = [];
  const known = new Set<string>(['target', 'site', 'steps']);
  // What a verify step said of the token, for the finding's message.
  if (rule.steps.some((step) => step.request?.verify)) known.add('verification');
  // A discovered step's document: { kind, url }.
  if (rule.steps.some((step) => step.discovered !== undefined)) known.add('discovered');

  const checkExpression = (expression: string, path: Path) => {
    try {
      compileExpression(expression);
    } catch (error) {
      problems.push({ path, message: `invalid JMESPath: ${(error as Error).message}` });
    }
  };
  const checkRegex = (pattern: string, path: Path): boolean => {
    const reason = unsupportedReason(pattern);
    if (reason !== undefined) problems.push({ path, message: `invalid regex: ${reason}` });
    return reason === undefined;
  };
  const checkTemplate = (template: string, path: Path, extra: string[] = []) => {
    for (const expression of templateExpressions(template)) {
      checkExpression(expression, path);
      // The leading name, unless it is a function call such as length(...).
      const root = /^([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_]|\s*\()/.exec(expression)?.[1];
      if (root && !known.has(root) && !extra.includes(root)) {
        problems.push({ path, message: `unknown variable "${root}" in template "{{${expression}}}"` });
      }
    }
  };
  const checkSelector = selectorCheck(problems);
  const checkName = (name: string, path: Path) => {
    if ((reservedNames as readonly string[]).includes(name)) {
      problems.push({ path, message: `"${name}" is reserved by the expression document; choose another name` });
    }
  };

  rule.steps.forEach((step, stepIndex) => {
    const at = (...rest: Path): Path => ['steps', stepIndex, ...rest];
    if (step.for_each) {
      checkExpression(step.for_each.in, at('for_each', 'in'));
      checkName(step.for_each.as, at('for_each', 'as'));
      known.add(step.for_each.as);
    }
    if (step.paginate) checkExpression(step.paginate.next, at('paginate', 'next'));
    const { request } = step;
    if (request?.verify) {
      // One call per token, after the steps that found it: the finding stands on those.
      if (stepIndex !== rule.steps.length - 1 || stepIndex === 0) problems.push({ path: at('request', 'verify'), message: 'verify: true is for the last step of a rule, after the steps that find the token' });
      if (step.for_each) problems.push({ path: at('for_each'), message: 'a verify step makes one call per token: it takes no for_each' });
    }
    // A discovered step sends nothing: it reads what the crawl fetched.
    if (request !== undefined) {
      if (request.path !== undefined) {
        checkTemplate(request.path, at('request', 'path'));
        if (!request.path.startsWith('/') && !request.path.startsWith('{{')) {
          problems.push({ path: at('request', 'path'), message: 'a path starts with "/"' });
        }
      }
      if (request.url !== undefined) checkTemplate(request.url, at('request', 'url'));
      if (request.graphql) {
        // The transport refuses the same documents; refusing here says so before anything runs.
        const refusal = readOnlyQueryProblem(request.graphql.query);
        if (refusal) problems.push({ path: at('request', 'graphql', 'query'), message: refusal.reason, ...(refusal.location ? { within: refusal.location } : {}) });
      }
      for (const [name, value] of Object.entries(request.headers)) checkTemplate(value, at('request', 'headers', name));
    }
    step.extract.forEach((extractor, index) => {
      checkName(extractor.name, at('extract', index, 'name'));
      if ('json' in extractor) checkExpression(extractor.json, at('extract', index, 'json'));
      if ('css' in extractor) checkSelector(extractor.css, at('extract', index, 'css'));
      if ('regex' in extractor && checkRegex(extractor.regex, at('extract', index, 'regex'))) {
        const groups = compileRegex(extractor.regex).groupCount;
        if (extractor.group > groups) {
          problems.push({ path: at('extract', index, 'group'), message: `group ${extractor.group} does not exist: the regex has ${groups} capture group(s)` });
        }
      }
    });
    if (step.match) checkMatcher(step.match, at('match'), checkExpression, checkRegex, checkSelector);
    // Extracted names become visible to later steps and to this step's matchers.
    step.extract.forEach((extractor) => known.add(extractor.name));
  });
  rule.steps.forEach((step, stepIndex) => {
    if (step.match) problems.push(...truthinessTraps(step.match, ['steps', stepIndex, 'match']));
  });
  if (!rule.steps.some((step) => step.match)) {
    problems.push({ path: ['steps'], message: 'at least one step needs a match, or the rule would fire on any answer' });
  }
  problems.push(...unusedExtractors(rule));
  // The message sees the last step's response at the root, and the item count.
  checkTemplate(rule.finding.message, ['finding', 'message'], [...reservedNames]);
  if (rule.finding.items) checkExpression(rule.finding.items, ['finding', 'items']);
  rule.finding.severity_when?.forEach((entry, index) => checkExpression(entry.when, ['finding', 'severity_when', index, 'when']));
  return problems;
}

/** A check that adds a problem to `problems` for a CSS selector css-select cannot use (rules and fingerprints share it). */
export function selectorCheck(problems: YamlProblem[]): (selector: string, path: Path) => void {
  return (selector, path) => {
    const problem = selectorProblem(selector);
    if (problem !== undefined) problems.push({ path, message: `invalid CSS selector: ${problem}` });
  };
}

/** Checks every expression, regex and CSS selector in a matcher tree (rules and fingerprints share it). */
export function checkMatcher(
  matcher: Matcher,
  path: Path,
  checkExpression: (expression: string, path: Path) => unknown,
  checkRegex: (pattern: string, path: Path) => unknown,
  checkSelector: (selector: string, path: Path) => unknown,
): void {
  const checkChild = (child: Matcher, childPath: Path) => checkMatcher(child, childPath, checkExpression, checkRegex, checkSelector);
  if ('all' in matcher) matcher.all.forEach((child, index) => checkChild(child, [...path, 'all', index]));
  else if ('any' in matcher) matcher.any.forEach((child, index) => checkChild(child, [...path, 'any', index]));
  else if ('not' in matcher) checkChild(matcher.not, [...path, 'not']);
  else if ('json' in matcher) checkExpression(matcher.json, [...path, 'json']);
  else if ('css' in matcher) checkSelector(matcher.css, [...path, 'css']);
  else if ('regex' in matcher) {
    const patterns = Array.isArray(matcher.regex) ? matcher.regex : [matcher.regex];
    patterns.forEach((pattern, index) => checkRegex(pattern, Array.isArray(matcher.regex) ? [...path, 'regex', index] : [...path, 'regex']));
  } else if ('header' in matcher && matcher.header.regex !== undefined) checkRegex(matcher.header.regex, [...path, 'header', 'regex']);
}

type Ast = ReturnType<typeof compileExpression>;

/**
 * The part of an expression that decides its truthiness, where a number alone is a trap: in
 * JMESPath every number, 0 included, is true, so `json: "length(items)"` holds for an empty list.
 */
function alwaysTruthyCall(node: Ast): string | undefined {
  const any = node as { type?: string; name?: string; expression?: Ast; left?: Ast; right?: Ast; child?: Ast };
  if (any.type === 'Function' && any.name === 'length') return 'length(...)';
  if (any.type === 'LetExpression' && any.expression) return alwaysTruthyCall(any.expression);
  if ((any.type === 'AndExpression' || any.type === 'OrExpression') && any.left && any.right) return alwaysTruthyCall(any.left) ?? alwaysTruthyCall(any.right);
  if (any.type === 'NotExpression' && any.child) return alwaysTruthyCall(any.child);
  return undefined;
}

function truthinessTraps(matcher: Matcher, path: Path): YamlProblem[] {
  if ('all' in matcher) return matcher.all.flatMap((child, index) => truthinessTraps(child, [...path, 'all', index]));
  if ('any' in matcher) return matcher.any.flatMap((child, index) => truthinessTraps(child, [...path, 'any', index]));
  if ('not' in matcher) return truthinessTraps(matcher.not, [...path, 'not']);
  if (!('json' in matcher)) return [];
  let ast: Ast;
  try {
    ast = compileExpression(matcher.json);
  } catch {
    return []; // reported as invalid JMESPath already
  }
  const trap = alwaysTruthyCall(ast);
  if (trap === undefined) return [];
  return [
    {
      path: [...path, 'json'],
      severity: 'warning',
      message: `${trap} without a comparison is always true (in JMESPath 0 is true): compare it, e.g. "length(...) > \`0\`"`,
    },
  ];
}

/** Every string where a variable can be read: templates and JMESPath expressions. */
function readersOf(rule: RuleBody, fromStep: number): string[] {
  const readers: string[] = [rule.finding.message, rule.finding.items ?? '', ...(rule.finding.severity_when ?? []).map((entry) => entry.when)];
  const matcherStrings = (matcher: Matcher): string[] => {
    if ('all' in matcher) return matcher.all.flatMap(matcherStrings);
    if ('any' in matcher) return matcher.any.flatMap(matcherStrings);
    if ('not' in matcher) return matcherStrings(matcher.not);
    return 'json' in matcher ? [matcher.json] : [];
  };
  rule.steps.forEach((step, index) => {
    if (step.match) readers.push(...matcherStrings(step.match));
    if (index <= fromStep) return;
    const { request } = step;
    readers.push(request?.path ?? '', request?.url ?? '', ...Object.values(request?.headers ?? {}), step.for_each?.in ?? '');
    step.extract.forEach((extractor) => {
      if ('json' in extractor) readers.push(extractor.json);
    });
  });
  return readers;
}

/** An extracted value that nothing reads is a rule that does not do what its author meant. */
function unusedExtractors(rule: RuleBody): YamlProblem[] {
  const problems: YamlProblem[] = [];
  rule.steps.forEach((step, stepIndex) => {
    const readers = readersOf(rule, stepIndex);
    step.extract.forEach((extractor, index) => {
      const name = new RegExp(`(^|[^A-Za-z0-9_])\\$?${extractor.name}([^A-Za-z0-9_]|$)`);
      if (!readers.some((reader) => name.test(reader))) {
        problems.push({ path: ['steps', stepIndex, 'extract', index, 'name'], message: `the value of extractor "${extractor.name}" is never used` });
      }
    });
  });
  return problems;
}
