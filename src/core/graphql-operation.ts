import { createRequire } from 'node:module';
import type * as GraphqlLanguage from 'graphql/language/index.js';
import type { DefinitionNode, DocumentNode } from 'graphql/language/index.js';
import type { Position } from './yaml-source.js';

/**
 * The one check of what GraphQL draftleak may send: a document holding exactly one operation,
 * which is a `query` (fragments beside it are fine). Rule validation and the transport both ask
 * it, so a rule that skipped validation still cannot send a mutation.
 */

export interface GraphqlRefusal {
  /** Why the document may not be sent, for a person. */
  reason: string;
  /** Line and column (1-based) inside the document, when the refusal points somewhere. */
  location?: Position;
}

// graphql-js's language module (parser, lexer, AST kinds) is all this check reads, not its index,
// which also loads validation, execution and the type system (127 modules against 25, 35-47 ms
// against 8-11). It is loaded on first use: commands that check no GraphQL (rules list) do not
// pay even that (BENCHMARKS.md).
const requireModule = createRequire(import.meta.url);
let graphqlModule: typeof GraphqlLanguage | undefined;
const graphql = (): typeof GraphqlLanguage => (graphqlModule ??= requireModule('graphql/language/index.js') as typeof GraphqlLanguage);

// A rule's query is a few hundred tokens; the cap keeps a pathological body from costing time.
const maxTokens = 20_000;

function locationOf(document: DocumentNode, node: DefinitionNode): Position | undefined {
  if (!node.loc || !document.loc) return undefined;
  const { line, column } = graphql().getLocation(document.loc.source, node.loc.start);
  return { line, column };
}

function describe(node: DefinitionNode): string {
  if (node.kind === graphql().Kind.OPERATION_DEFINITION) return node.name ? `${node.operation} "${node.name.value}"` : node.operation;
  return `a ${node.kind.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`;
}

function parseDocument(text: string): DocumentNode | GraphqlRefusal {
  try {
    return graphql().parse(text, { maxTokens });
  } catch (error) {
    const located = error as { message?: string; locations?: readonly { line: number; column: number }[] };
    const first = located.locations?.[0];
    return {
      reason: `invalid GraphQL: ${String(located.message ?? error).replace(/^Syntax Error: /, '')}`,
      ...(first ? { location: { line: first.line, column: first.column } } : {}),
    };
  }
}

/** Undefined when `text` is a single read-only query; otherwise what is wrong and where. */
export function readOnlyQueryProblem(text: string): GraphqlRefusal | undefined {
  const document = parseDocument(text);
  if (!('kind' in document)) return document;
  const operations = document.definitions.filter((node) => node.kind === graphql().Kind.OPERATION_DEFINITION);
  for (const node of document.definitions) {
    if (node.kind === graphql().Kind.OPERATION_DEFINITION && node.operation !== 'query') {
      return { reason: `${describe(node)} is not allowed: draftleak sends only a GraphQL query`, ...at(document, node) };
    }
    if (node.kind !== graphql().Kind.OPERATION_DEFINITION && node.kind !== graphql().Kind.FRAGMENT_DEFINITION) {
      return { reason: `${describe(node)} is not allowed: only one query and its fragments`, ...at(document, node) };
    }
  }
  if (operations.length === 0) return { reason: 'the document has no query operation' };
  const second = operations[1];
  if (second) {
    return { reason: `exactly one operation is allowed, found ${operations.length} (the second: ${describe(second)})`, ...at(document, second) };
  }
  return undefined;
}

function at(document: DocumentNode, node: DefinitionNode): { location?: Position } {
  const location = locationOf(document, node);
  return location ? { location } : {};
}

/**
 * Checks a GraphQL-over-HTTP POST body, `{"query", "variables", "operationName"}`. Batches
 * (arrays) and persisted queries (no `query` text) are refused: what they run cannot be seen.
 */
export function graphqlBodyProblem(body: string | undefined): string | undefined {
  if (body === undefined || body.trim() === '') return 'the POST has no GraphQL body';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'the POST body is not JSON';
  }
  if (Array.isArray(parsed)) return 'batched GraphQL requests are not allowed';
  if (parsed === null || typeof parsed !== 'object') return 'the POST body is not a GraphQL request object';
  const query = (parsed as { query?: unknown }).query;
  if (typeof query !== 'string') return 'the POST body has no "query" text (persisted queries cannot be checked)';
  const problem = readOnlyQueryProblem(query);
  return problem?.reason;
}

/**
 * A GET can carry GraphQL too (`/graphql?query=mutation{...}`), and some servers run mutations
 * sent that way. Any parameter whose value holds a mutation or a subscription is refused, whatever
 * its name: servers do not all read names as URLSearchParams does (PHP drops leading spaces, so
 * `?%20query=` is its `query`; ASP.NET ignores case; older servers also split on `;`). A value
 * that is not GraphQL at all (a site search, say) is none of this check's business.
 */
export function graphqlUrlProblem(url: string | URL): string | undefined {
  let search: string;
  try {
    // Parsed as the transport parses it (it drops tabs and line breaks, for one); the transport
    // passes the URL it parsed and sends, which is one WHATWG parse per request instead of two.
    search = (typeof url === 'string' ? new URL(url) : url).search.slice(1);
  } catch {
    return undefined;
  }
  // In the parsed query a value's letters are letters or %XX escapes: without either keyword and
  // without an escape, no value can hold one, and none is decoded.
  if (!acting.test(search) && !search.includes('%')) return undefined;
  const values = new Set([...new URLSearchParams(search).values(), ...new URLSearchParams(search.replaceAll(';', '&')).values()]);
  for (const value of values) {
    const problem = actingGraphqlIn(value);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** The only keywords of an operation that acts. GraphQL keywords are case-sensitive and never escaped. */
const acting = /mutation|subscription/;

/** Why `value` (one URL parameter) may not be sent: it holds a mutation or subscription, or may and could not be read. */
function actingGraphqlIn(value: string): string | undefined {
  // Without either word, no GraphQL in it acts: `{ ... }` alone is a query.
  if (!acting.test(value)) return undefined;
  const document = parseDocument(value);
  if (!('kind' in document)) {
    // Not readable (broken, or past the token cap): refused if a server's parser, which may have
    // no cap, could still read an operation that acts in it. A search for "mutation testing" has
    // no selection set and goes through.
    return /(?:mutation|subscription)[^{]*\{/.test(value) ? `the URL carries what may be a GraphQL mutation or subscription, which could not be checked (${document.reason})` : undefined;
  }
  const found = document.definitions.find((node) => node.kind === graphql().Kind.OPERATION_DEFINITION && node.operation !== 'query');
  return found === undefined ? undefined : `the URL carries a GraphQL ${describe(found)}: draftleak sends only queries`;
}
