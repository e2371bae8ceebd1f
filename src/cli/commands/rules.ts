import { Command } from 'commander';
import { builtinRulesDir, loadRules } from '../../engine/index.js';
import { loadConfiguredRules } from '../../scan/scan.js';
import { formatRuleTestResults } from '../../rule-tests/format-results.js';
import { runRuleCases } from '../../rule-tests/run-cases.js';
import { scaffoldRule } from '../../rule-tests/scaffold.js';
import { exitCodes } from '../exit-codes.js';
import { renderExplain } from '../explain.js';
import type { CliIo } from '../io.js';
import { collect } from '../scan-options.js';

function pathsOrBuiltin(paths: string[]): string[] {
  return paths.length > 0 ? paths : [builtinRulesDir];
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
      const loaded = await loadConfiguredRules({ builtinRules: flags.builtinRules, rulePaths: flags.rules ?? [] });
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
    .description('check rule files and report every problem as file:line:column (exit 0 clean, 2 otherwise)')
    .argument('[path...]', 'rule files or folders (default: the built-in rules)')
    .action(async (paths: string[]) => {
      const { rules: loaded, errors } = await loadRules(pathsOrBuiltin(paths));
      for (const error of errors) io.stdout(`${error.message}\n`);
      const files = new Set(errors.map((error) => error.file)).size;
      io.stderr(
        errors.length === 0
          ? `${loaded.length} rule(s) valid\n`
          : `${errors.length} problem(s) in ${files} file(s); ${loaded.length} rule(s) valid\n`,
      );
      setExitCode(errors.length === 0 ? exitCodes.clean : exitCodes.error);
    });

  rules
    .command('test')
    .description("run each rule's cases offline and the honeypot suite (exit 0 all pass, 1 a failure, 2 invalid rules)")
    .argument('[path...]', 'rule files or folders (default: the built-in rules)')
    .option('--json', 'print the results as JSON')
    .option('--explain', 'print, on stderr, what each rule did in each case')
    .action(async (paths: string[], flags: { json?: boolean; explain?: boolean }) => {
      const { rules: loaded, errors } = await loadRules(pathsOrBuiltin(paths));
      if (errors.length > 0) {
        for (const error of errors) io.stderr(`${error.message}\n`);
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
      const { ruleFile, caseFile } = await scaffoldRule(flags.dir, flags.cms, flags.id);
      io.stdout(`created ${ruleFile}\ncreated ${caseFile}\nnext: fill in the TODOs, then run draftleak rules test ${flags.dir}\n`);
    });

  return rules;
}
