import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { ProbeError } from '../../src/core/errors.js';
import { graphqlBodyProblem, graphqlUrlProblem, readOnlyQueryProblem } from '../../src/core/graphql-operation.js';
import { parseRuleText, runRule, type Rule } from '../../src/engine/index.js';
import { createUndiciTransport, type UndiciTransport } from '../../src/http/index.js';
import { captureIo } from '../support/capture-io.js';
import { Cleanup, startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';
import { tempDir } from '../support/temp-dir.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function graphqlServer(): Promise<LoopbackServer> {
  return cleanup.add(
    await startLoopbackServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { posts: [{ id: 1, status: 'draft' }] } }));
    }),
  );
}

function transportFor(site: LoopbackServer): UndiciTransport {
  return cleanup.add(createUndiciTransport({ target: site.origin, retryBaseDelayMs: 10, rateLimitPerHost: 0 }));
}

function ruleWithQuery(queryBlock: string): string {
  return `id: graphql-drafts
name: GraphQL drafts
severity: high
confidence: high
cms: [generic]
description: Lists drafts over GraphQL.
remediation: None.
references: [https://example.org/doc]
steps:
  - id: posts
    request:
      method: POST
      path: /graphql
      graphql:
${queryBlock}
    match:
      all:
        - status: 200
        - json: "length(json.data.posts) > \`0\`"
finding:
  message: "found"
`;
}

const file = '/rules/generic/graphql-drafts.yaml';
const messages = (text: string): string[] => parseRuleText(file, text).errors.map((error) => error.message);

describe('the GraphQL document check', () => {
  it('accepts one query, named or anonymous, with fragments', () => {
    expect(readOnlyQueryProblem('{ posts { id } }')).toBeUndefined();
    expect(readOnlyQueryProblem('query Drafts($s: String) { posts(status: $s) { ...F } }\nfragment F on Post { id }')).toBeUndefined();
  });

  it('refuses mutations, subscriptions, several operations, type definitions and broken syntax, saying where', () => {
    expect(readOnlyQueryProblem('mutation { deleteAllPosts { count } }')).toEqual({
      reason: 'mutation is not allowed: draftleak sends only a GraphQL query',
      location: { line: 1, column: 1 },
    });
    expect(readOnlyQueryProblem('subscription S { posts { id } }')?.reason).toBe('subscription "S" is not allowed: draftleak sends only a GraphQL query');
    expect(readOnlyQueryProblem('query A { a }\n  query B { b }')).toEqual({
      reason: 'exactly one operation is allowed, found 2 (the second: query "B")',
      location: { line: 2, column: 3 },
    });
    expect(readOnlyQueryProblem('{ a }\nmutation M { b }')?.location).toEqual({ line: 2, column: 1 });
    expect(readOnlyQueryProblem('type Post { id: ID }')?.reason).toMatch(/^a object type definition is not allowed/);
    expect(readOnlyQueryProblem('fragment F on Post { id }')?.reason).toBe('the document has no query operation');
    expect(readOnlyQueryProblem('{ posts { id }')?.reason).toMatch(/^invalid GraphQL: /);
  });

  it('reads a POST body as GraphQL over HTTP and refuses batches and persisted queries', () => {
    expect(graphqlBodyProblem(JSON.stringify({ query: '{ a }', variables: { x: 1 } }))).toBeUndefined();
    expect(graphqlBodyProblem(JSON.stringify({ query: 'mutation { a }' }))).toMatch(/mutation is not allowed/);
    expect(graphqlBodyProblem(JSON.stringify([{ query: '{ a }' }]))).toBe('batched GraphQL requests are not allowed');
    expect(graphqlBodyProblem(JSON.stringify({ extensions: { persistedQuery: { sha256Hash: 'abc' } } }))).toMatch(/persisted queries/);
    expect(graphqlBodyProblem('query=mutation')).toBe('the POST body is not JSON');
    expect(graphqlBodyProblem(undefined)).toBe('the POST has no GraphQL body');
  });

  it('refuses a mutation in any URL parameter, however the server may read its name, and lets searches through', () => {
    const at = (query: string) => graphqlUrlProblem(`http://127.0.0.1/graphql?${query}`);
    const mutation = 'mutation{deletePost(id:1){id}}';
    // Names as servers read them, not only as URLSearchParams does: PHP drops a leading space
    // (%20query and +query are its query), ASP.NET ignores case, older servers split on ';'.
    for (const query of [`query=${mutation}`, `%20query=${mutation}`, `+query=${mutation}`, `Query=${mutation}`, `x=1;query=${mutation}`, `q=${encodeURIComponent(mutation)}`, `query=%6Dutation{a{b}}`, 'query=subscription{posts{id}}', 'query=query A{a} mutation B{b}']) {
      expect(at(query), query).toMatch(/mutation|subscription/);
    }
    // Past graphql-js's token cap it cannot be read here, but a server without a cap would run it.
    expect(at(`query=mutation{deletePost(id:1){${'id '.repeat(20_001)}}}`)).toMatch(/could not be checked/);
    for (const query of ['query={posts{id}}', 's=mutation+testing', 's=draft+posts', 'q=subscriptions', 'query=query{mutationLog{id}}', '']) {
      expect(at(query), query).toBeUndefined();
    }
  });
});

describe('rules validate refuses a rule whose GraphQL is not a single query', () => {
  it('accepts a rule with a plain query', () => {
    expect(messages(ruleWithQuery('        query: "{ posts { id status } }"'))).toEqual([]);
  });

  it('points at the mutation inside a literal block, line and column', () => {
    const text = ruleWithQuery('        query: |\n          query Posts { posts { id } }\n            mutation Wipe { deleteAllPosts { count } }');
    // Line 17 of the file holds "mutation Wipe", indented 12 spaces.
    expect(text.split('\n')[16]).toBe('            mutation Wipe { deleteAllPosts { count } }');
    expect(messages(text)).toEqual([
      `${file}:17:13: mutation "Wipe" is not allowed: draftleak sends only a GraphQL query (steps.0.request.graphql.query)`,
    ]);
  });

  it('points into a one-line plain string, and at the field for a quoted one', () => {
    expect(messages(ruleWithQuery('        query: mutation { deleteAllPosts { count } }'))).toEqual([
      `${file}:15:16: mutation is not allowed: draftleak sends only a GraphQL query (steps.0.request.graphql.query)`,
    ]);
    expect(messages(ruleWithQuery('        query: "{ a } mutation { deleteAllPosts { count } }"'))[0]).toMatch(
      /graphql-drafts\.yaml:15:16: mutation is not allowed/,
    );
  });

  it('through the CLI: exit 2 and file:line:column', async () => {
    const root = await tempDir('graphql-rules');
    await mkdir(path.join(root, 'generic'));
    const ruleFile = path.join(root, 'generic', 'graphql-drafts.yaml');
    await writeFile(ruleFile, ruleWithQuery('        query: |\n          mutation { deleteAllPosts { count } }'));
    const io = captureIo();
    expect(await runCli(['rules', 'validate', root], io)).toBe(2);
    expect(io.out).toContain(`${ruleFile}:16:11: mutation is not allowed: draftleak sends only a GraphQL query (steps.0.request.graphql.query)`);
  });
});

describe('the transport refuses a mutation on its own', () => {
  it('refuses a POST carrying a mutation, even flagged read-only, before a byte is sent', async () => {
    const site = await graphqlServer();
    const transport = transportFor(site);
    const bodies = [
      { query: 'mutation { deleteAllPosts { count } }' },
      { query: '{ posts { id } } mutation { deleteAllPosts { count } }', operationName: null },
      { query: 'query A { a } query B { b }', operationName: 'A' },
    ];
    for (const body of bodies) {
      const error = await transport
        .send({ method: 'POST', url: `${site.origin}/graphql`, body: JSON.stringify(body), readOnlyGraphql: true })
        .then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProbeError);
      expect((error as ProbeError).code).toBe('DL_METHOD_NOT_ALLOWED');
    }
    expect(site.requests).toHaveLength(0);
    expect(site.connections).toBe(0);
  });

  it('refuses a GET whose query parameter is a GraphQL mutation, and lets a site search through', async () => {
    const site = await graphqlServer();
    const transport = transportFor(site);
    const mutation = encodeURIComponent('mutation { deleteAllPosts { count } }');
    const error = await transport.send({ method: 'GET', url: `${site.origin}/graphql?query=${mutation}` }).then(() => undefined, (caught: unknown) => caught);
    expect((error as ProbeError).code).toBe('DL_METHOD_NOT_ALLOWED');
    // The parameter's name percent-encoded is the same parameter to the server.
    const encodedName = await transport.send({ method: 'GET', url: `${site.origin}/graphql?qu%65ry=${mutation}` }).then(() => undefined, (caught: unknown) => caught);
    expect((encodedName as ProbeError).code).toBe('DL_METHOD_NOT_ALLOWED');
    // And a tab inside it, which the URL parser drops before the request is written.
    const tabbedName = await transport.send({ method: 'GET', url: `${site.origin}/graphql?qu\tery=mutation{deleteAllPosts{count}}` }).then(() => undefined, (caught: unknown) => caught);
    expect((tabbedName as ProbeError).code).toBe('DL_METHOD_NOT_ALLOWED');
    expect(site.requests).toHaveLength(0);
    await transport.send({ method: 'GET', url: `${site.origin}/search?query=draft+posts` });
    await transport.send({ method: 'GET', url: `${site.origin}/graphql?query=${encodeURIComponent('{ posts { id } }')}` });
    expect(site.requests.map((request) => request.url)).toEqual(['/search?query=draft+posts', `/graphql?query=${encodeURIComponent('{ posts { id } }')}`]);
  });

  it('does not follow a same-origin redirect to a GET that carries a mutation', async () => {
    const mutation = encodeURIComponent('mutation { deleteAllPosts { count } }');
    const site = cleanup.add(
      await startLoopbackServer((req, res) => {
        if (req.url === '/go') res.writeHead(302, { location: `/graphql?qu%65ry=${mutation}` }).end();
        else res.end('{}');
      }),
    );
    const transport = transportFor(site);
    const error = await transport.send({ method: 'GET', url: `${site.origin}/go` }).then(() => undefined, (caught: unknown) => caught);
    expect((error as ProbeError).code).toBe('DL_METHOD_NOT_ALLOWED');
    expect(site.requests.map((request) => request.url)).toEqual(['/go']);
  });

  it('a rule that skipped validation sends nothing and records the refusal; a query rule works', async () => {
    const site = await graphqlServer();
    const transport = transportFor(site);
    const valid = parseRuleText(file, ruleWithQuery('        query: "{ posts { id status } }"')).rule as Rule;
    expect(valid).toBeDefined();
    const sneaky: Rule = structuredClone(valid);
    const step = sneaky.steps[0];
    if (!step?.request?.graphql) throw new Error('fixture rule lost its graphql step');
    step.request.graphql.query = 'mutation { deleteAllPosts { count } }';

    const refused = await runRule(sneaky, { target: site.origin, transport });
    expect(site.requests).toHaveLength(0);
    expect(refused.findings).toEqual([]);
    expect(refused.failures).toEqual([expect.objectContaining({ code: 'DL_METHOD_NOT_ALLOWED', ruleId: 'graphql-drafts' })]);

    const allowed = await runRule(valid, { target: site.origin, transport });
    expect(allowed.findings).toHaveLength(1);
    expect(site.requests).toHaveLength(1);
    expect(site.requests[0]).toMatchObject({ method: 'POST', url: '/graphql' });
    expect(JSON.parse(site.requests[0]?.body ?? '{}')).toEqual({ query: '{ posts { id status } }' });
  });
});
