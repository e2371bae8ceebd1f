import { Command } from 'commander';
import { loadConfiguredRules } from '../../scan/scan.js';
import type { CliIo } from '../io.js';
import { collect } from '../scan-options.js';

export function rulesCommand(io: CliIo): Command {
  const rules = new Command('rules').description('work with rules');
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
  return rules;
}
