import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { builtinRulesDir } from '../../engine/index.js';
import { unknownCmsMessage } from '../../engine/load-rules.js';
import { loadConfiguredRules } from '../../scan/scan.js';
import { formatRuleTestResults } from '../../rule-tests/format-results.js';
import { runRuleCases } from '../../rule-tests/run-cases.js';
import { scaffoldRule } from '../../rule-tests/scaffold.js';
import { knownCmsNames, validateAuthoredFiles, type AuthoredKind } from '../../rule-tests/validate-files.js';
import { exitCodes } from '../exit-codes.js';
import { renderExplain } from '../explain.js';
import type { CliIo } from '../io.js';
import { collect } from '../scan-options.js';
import { rulesRecordCommand } from './rules-record.js';
import { commandRuleCache } from '../rule-cache-dir.js';

function pathsOrBuiltin(paths: string[]): string[] {
  return paths.length > 0 ? paths : [builtinRulesDir];
}

function describeCounts(counts: Record<AuthoredKind, number>): string {
  return `${counts.rule} rule(s), ${counts['rule-cases']} case file(s), ${counts.fingerprint} fingerprint(s), ${counts['fingerprint-cases']} fingerprint case file(s)`;
}

export function rulesCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const rules = new Command('rules').description('list, validate, test and scaffold rules');

  rules
    .command('list')
    .description('list the rules that a scan would run')
    .option('--json', 'print JSON instead of a table')
    .option('--rules <path>', 'include rules from this file or folder (repeatable)', collect)
    .option('--no-builtin-rules', 'list only the rules given with --rules')
    .action(async (flags: { json?: boolean; rules?: string[]; builtinRules: boolean }) => {
      const loaded = await loadConfiguredRules({ builtinRules: flags.builtinRules, rulePaths: flags.rules ?? [] }, commandRuleCache());
      if (flags.json) {
        const summary = loaded.map(({ rule, file }) => ({
          id: rule.id,
          name: rule.name,
          cms: rule.cms,
          severity: rule.severity,
          confidence: rule.confidence,
          tags: rule.tags,
          file,
        }));
        io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      const rows = loaded.map(({ rule }) => [rule.id, rule.cms.join(','), rule.severity, rule.confidence, rule.name]);
      const header = ['ID', 'CMS', 'SEVERITY', 'CONFIDENCE', 'NAME'];
      const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
      const format = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
      io.stdout(`${[header, ...rows].map(format).join('\n')}\n${loaded.length} rules\n`);
    });

  rules
    .command('validate')
    .description('check rule, case and fingerprint files and report every problem as file:line:column (exit 0 clean, 2 otherwise)')
    .argument('[path...]', 'rule, case or fingerprint files, or folders (default: the built-in rules)')
    .action(async (paths: string[]) => {
      const { counts, errors, warnings } = await validateAuthoredFiles(pathsOrBuiltin(paths));
      for (const error of errors) io.stdout(`${error.message}\n`);
      // Said, but not failing: the exit code is the errors' alone.
      for (const warning of warnings) io.stdout(`warning: ${warning.message}\n`);
      const checked = describeCounts(counts);
      if (errors.length > 0) {
        const files = new Set(errors.map((error) => error.file)).size;
        io.stderr(`${errors.length} problem(s) in ${files} file(s); checked ${checked}\n`);
      } else if (Object.values(counts).every((count) => count === 0)) {
        io.stderr(`no rule, case or fingerprint files in ${pathsOrBuiltin(paths).join(', ')}\n`);
      } else {
        io.stderr(`${checked}: all valid\n`);
      }
      const empty = Object.values(counts).every((count) => count === 0);
      setExitCode(errors.length === 0 && !empty ? exitCodes.clean : exitCodes.error);
    });

  rules
    .command('test')
    .description("run each rule's cases offline and the honeypot suite (exit 0 all pass, 1 a failure, 2 invalid rules)")
    .argument('[path...]', 'rule files or folders (default: the built-in rules)')
    .option('--json', 'print the results as JSON')
    .option('--explain', 'print, on stderr, what each rule did in each case')
    .action(async (paths: string[], flags: { json?: boolean; explain?: boolean }) => {
      // The same checks as validate, case files included: a broken case file is not a failed test.
      const { rules: loaded, errors } = await validateAuthoredFiles(pathsOrBuiltin(paths));
      if (errors.length > 0) {
        for (const error of errors) io.stderr(`${error.message}\n`);
        io.stderr(`${errors.length} problem(s); fix them (draftleak rules validate) before the cases can run\n`);
        setExitCode(exitCodes.error);
        return;
      }
      if (loaded.length === 0) {
        io.stderr(`no rules to test in ${pathsOrBuiltin(paths).join(', ')} (rules are <cms>/<id>.yaml)\n`);
        setExitCode(exitCodes.error);
        return;
      }
      const results = [];
      for (const { rule, file } of loaded) results.push(await runRuleCases(rule, file));
      if (flags.explain) {
        for (const result of results) {
          for (const ruleCase of result.cases) {
            io.stderr(renderExplain(`${result.ruleId} case "${ruleCase.name}"`, [{ ruleId: result.ruleId, findings: ruleCase.findings, failures: [], trace: ruleCase.trace }]));
          }
          for (const honeypot of result.honeypots.filter((entry) => !entry.passed)) {
            io.stderr(renderExplain(`${result.ruleId} honeypot ${honeypot.honeypot}`, [{ ruleId: result.ruleId, findings: honeypot.findings, failures: [], trace: honeypot.trace }]));
          }
        }
      }
      if (flags.json) {
        const withoutTraces = results.map((result) => ({
          ...result,
          cases: result.cases.map(({ trace: _trace, ...rest }) => rest),
          honeypots: result.honeypots.map(({ trace: _trace, ...rest }) => rest),
        }));
        io.stdout(`${JSON.stringify(withoutTraces, null, 2)}\n`);
      } else {
        io.stdout(formatRuleTestResults(results));
      }
      setExitCode(results.every((result) => result.passed) ? exitCodes.clean : exitCodes.findings);
    });

  rules
    .command('new')
    .description('scaffold a rule and its case file, ready to fill in')
    .requiredOption('--cms <cms>', 'the CMS folder, e.g. strapi')
    .requiredOption('--id <id>', 'the rule id (kebab-case; also the file name)')
    .option('--dir <dir>', 'the rules folder to write into', 'rules')
    .action(async (flags: { cms: string; id: string; dir: string }) => {
      const known = await knownCmsNames([flags.dir]);
      if (!known.has(flags.cms)) throw new UsageError(unknownCmsMessage(flags.cms, known));
      const { ruleFile, caseFile } = await scaffoldRule(flags.dir, flags.cms, flags.id);
      io.stdout(`created ${ruleFile}\ncreated ${caseFile}\nnext: fill in the TODOs, then run draftleak rules test ${flags.dir}\n`);
    });

  rules.addCommand(rulesRecordCommand(io, setExitCode));

  return rules;
}
