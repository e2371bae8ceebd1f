import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { parseHeaderFlag } from '../../config/scan-config.js';
import { compileExpression, evaluateChecked } from '../../engine/expression.js';
import { toResponseDocument } from '../../engine/response-document.js';
import type { CliIo } from '../io.js';
import { parseSavedResponse } from '../saved-response.js';
import { collect, parseInteger } from '../scan-options.js';

interface ExprFlags {
  status?: number;
  header?: string[];
  url?: string;
}

/**
 * `draftleak expr 'JMESPath' FILE`: a playground for matcher and extractor expressions. The file
 * becomes the same response document a rule sees (`json`, `body`, `status`, `headers`, `url`,
 * `truncated`, `redirects`) and the result is printed as JSON, with the project's functions.
 */
export function exprCommand(io: CliIo): Command {
  return new Command('expr')
    .description('evaluate a JMESPath expression against a saved response (a body, or `curl -i` output) and print the result as JSON')
    .argument('<expression>', 'a JMESPath expression, as in a rule (json.items[?status==`draft`].id)')
    .argument('<file>', 'the saved response: a bare body (JSON, HTML, text) or a status line, headers and body as `curl -i` writes them')
    .option('--status <code>', 'status of a bare body (default 200)', parseInteger('--status', 100, 599))
    .option('--header <header>', 'a "Name: value" header of the response (repeatable; wins over the file\'s own)', collect)
    .option('--url <url>', 'the URL the response came from (default the file as a file: URL)')
    .action(async (expression: string, file: string, flags: ExprFlags) => {
      try {
        compileExpression(expression);
      } catch (error) {
        throw new UsageError(`expr: bad expression ${JSON.stringify(expression)}: ${messageOf(error)}`);
      }
      const text = await readFile(file, 'utf8').catch((error: unknown) => {
        throw new UsageError(`expr: cannot read ${file}: ${messageOf(error)}`);
      });
      const headers = Object.fromEntries(
        (flags.header ?? []).map((header) => {
          try {
            return parseHeaderFlag(header);
          } catch (error) {
            throw new UsageError(messageOf(error));
          }
        }),
      );
      const response = parseSavedResponse(text, {
        url: flags.url ?? pathToFileURL(path.resolve(file)).href,
        status: flags.status ?? 200,
        headers,
      });
      const result = evaluateChecked(expression, toResponseDocument(response));
      // In a rule such an error leaves the matcher unknown (the branch fails and says why).
      if ('error' in result) throw new UsageError(`expr: the expression fails on ${file}: ${result.error}`);
      io.stdout(`${JSON.stringify(result.value, null, 2)}\n`);
    });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
