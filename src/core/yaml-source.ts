import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as YamlModule from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';

// The YAML parser is loaded on first use, not with this module: a scan whose rules, fingerprints
// and link policy are all built-in reads them from dist/precompiled.json and parses no YAML, and
// loading the parser cost it 35 ms and 5 MiB of RSS at every start (BENCHMARKS.md). It comes from
// its one-file build, dist/vendor/yaml.cjs (scripts/bundle.mjs), when the build made one: one
// file instead of some 40, 11-14 ms instead of 28-61. From src (the tests) there is none, and
// the package is loaded from node_modules. This module and the program's bundle both sit one
// folder below dist/, so the path is the same from either.
const requireModule = createRequire(import.meta.url);
const vendoredYaml = fileURLToPath(new URL('../vendor/yaml.cjs', import.meta.url));
let yamlModule: typeof YamlModule | undefined;
/** The `yaml` package, loaded the first time it is asked for. */
export const yaml = (): typeof YamlModule => (yamlModule ??= requireModule(existsSync(vendoredYaml) ? vendoredYaml : 'yaml') as typeof YamlModule);

/** A YAML file kept with its positions, so a problem found later can point at its line. */
export interface YamlSource {
  file: string;
  document: Document;
  lineCounter: LineCounter;
  /** The file's text, to find positions inside a string value (see positionWithin). */
  text?: string;
}

export interface Position {
  line: number;
  column: number;
}

export interface YamlProblem {
  path: (string | number)[];
  message: string;
  /** Point at the key of the last path segment (an unknown key) instead of its value. */
  atKey?: boolean;
  /** A position inside the string value at `path` (1-based, in the string's own lines). */
  within?: Position;
  /** A warning says the file probably does not mean what it says; it does not refuse the file. */
  severity?: 'warning';
}

/** A YAML text as plain data, without positions (YAML's own `parse`): throws on a syntax error. */
export function parseYamlValue(text: string): unknown {
  return yaml().parse(text) as unknown;
}

export function parseYamlSource(file: string, text: string): { source: YamlSource; errors: { position: Position; message: string }[] } {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const errors = document.errors.map((error) => {
    const pos = lineCounter.linePos(error.pos[0]);
    return { position: { line: pos.line, column: pos.col }, message: error.message.split('\n')[0] ?? error.message };
  });
  return { source: { file, document, lineCounter, text }, errors };
}

/**
 * The position of the node at `path`, or of the deepest existing ancestor when the path does not
 * exist (a missing required key is reported at the object that lacks it).
 */
export function positionOf(source: YamlSource, path: readonly (string | number)[], atKey = false): Position {
  const { isMap, isPair, isScalar } = yaml();
  let node: unknown = source.document.contents;
  let best: Node | null = (node as Node | null) ?? null;
  for (let index = 0; index < path.length; index += 1) {
    const segment = path[index];
    if (!isMap(node) && !(node && typeof node === 'object' && 'items' in node)) break;
    const collection = node as { items: unknown[] };
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === segment);
      if (!pair || !isPair(pair)) break;
      const isLast = index === path.length - 1;
      if (isLast && atKey) {
        best = pair.key as Node;
        break;
      }
      next = pair.value;
    } else {
      next = typeof segment === 'number' ? collection.items[segment] : undefined;
    }
    if (!next || typeof next !== 'object' || !('range' in next)) break;
    node = next;
    best = next as Node;
  }
  const offset = best?.range?.[0] ?? 0;
  const pos = source.lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/**
 * The file position of `within`, a line and column inside the string value at `path`. Only a
 * literal block (`|`) or a one-line plain scalar maps exactly; for any other string (folded,
 * quoted with escapes) the value's own position is given rather than a wrong guess.
 */
export function positionWithin(source: YamlSource, path: readonly (string | number)[], within: Position): Position {
  const { isScalar, Scalar } = yaml();
  const fallback = positionOf(source, path);
  const node = source.document.getIn(path, true);
  if (!isScalar(node) || !node.range || source.text === undefined) return fallback;
  const start = source.lineCounter.linePos(node.range[0]);
  if (node.type === Scalar.PLAIN) {
    return within.line === 1 ? { line: start.line, column: start.col + within.column - 1 } : fallback;
  }
  if (node.type !== Scalar.BLOCK_LITERAL) return fallback;
  // The header line holds "|" (and maybe chomping); an explicit indentation digit is not mapped.
  const lines = source.text.split(/\r?\n/);
  const header = lines[start.line - 1] ?? '';
  if (/^\|(?:\d|[+-]\d)/.test(header.slice(start.col - 1))) return fallback;
  const content = lines.slice(start.line).find((line) => line.trim() !== '');
  const indent = content === undefined ? 0 : content.length - content.trimStart().length;
  return { line: start.line + within.line, column: indent + within.column };
}
