import { checkMatcher, selectorCheck } from '../engine/rule-checks.js';
import { compileExpression } from '../engine/expression.js';
import { compileRegex, unsupportedReason } from '../engine/safe-regex.js';
import type { YamlProblem } from '../core/yaml-source.js';
import type { Fingerprint } from './fingerprint-schema.js';

type Path = (string | number)[];

/**
 * Checks the schema cannot express: regexes and JMESPath expressions compile, a version regex has
 * a capture group, and signal ids are unique within the file.
 */
export function checkFingerprint(fingerprint: Fingerprint): YamlProblem[] {
  const problems: YamlProblem[] = [];
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
  const checkSelector = selectorCheck(problems);
  const seen = new Map<string, number>();

  fingerprint.signals.forEach((signal, index) => {
    const at = (...rest: Path): Path => ['signals', index, ...rest];
    const earlier = seen.get(signal.id);
    if (earlier !== undefined) problems.push({ path: at('id'), message: `duplicate signal id "${signal.id}" (also signals.${earlier})` });
    else seen.set(signal.id, index);

    if (signal.passive?.path_regex !== undefined) checkRegex(signal.passive.path_regex, at('passive', 'path_regex'));
    checkMatcher(signal.match, at('match'), checkExpression, checkRegex, checkSelector);

    const { version, evidence, api_root: apiRoot } = signal;
    if (version && 'regex' in version && checkRegex(version.regex, at('version', 'regex')) && compileRegex(version.regex).groupCount === 0) {
      problems.push({ path: at('version', 'regex'), message: 'a version regex needs a capture group around the version' });
    }
    if (version && 'json' in version) checkExpression(version.json, at('version', 'json'));
    if (evidence && 'regex' in evidence) checkRegex(evidence.regex, at('evidence', 'regex'));
    if (evidence && 'json' in evidence) checkExpression(evidence.json, at('evidence', 'json'));
    if (apiRoot && 'regex' in apiRoot) checkRegex(apiRoot.regex, at('api_root', 'regex'));
    if (apiRoot && 'json' in apiRoot) checkExpression(apiRoot.json, at('api_root', 'json'));
  });
  return problems;
}
