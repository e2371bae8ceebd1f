import { afterEach, describe, expect, it } from 'vitest';
import { parseRuleText, runRule, type Rule } from '../../src/engine/index.js';
import { createUndiciTransport } from '../../src/http/index.js';
import { Cleanup, startLoopbackServer } from '../support/loopback-server.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

// "The anonymous answer contains the items the editor sees": asked twice, once as a visitor and
// once with the user's cookie, and compared.
const compareRule = `id: anonymous-sees-editor-items
name: Anonymous answer holds what the editor sees
severity: high
confidence: high
cms: [generic]
description: Test rule.
remediation: Nothing.
references: [https://example.org/doc]
steps:
  - id: editor
    request: { path: /api/items }
    extract:
      - { name: editor_drafts, json: "json[?status == 'draft'].id" }
    match: { json: "length(editor_drafts) > \`0\`" }
  - id: visitor
    request: { path: /api/items, identity: anonymous }
    match: { json: "let $d = editor_drafts in length(json[?contains($d, id)]) > \`0\`" }
finding:
  message: "visitors see the editor's drafts"
  items: "let $d = editor_drafts in json[?contains($d, id)].{id: to_string(id), status: status}"
`;

describe('a rule can ask as a visitor and as the user', () => {
  it('sends the user identity only where the step allows it, and compares the two answers', async () => {
    const cookie = 'session=editor-secret';
    const site = cleanup.add(
      await startLoopbackServer((req, res) => {
        const editor = req.headers.cookie === cookie;
        // The leak: the public answer also lists draft 2; only the editor should see draft 3.
        const items = editor ? [{ id: 1, status: 'publish' }, { id: 2, status: 'draft' }, { id: 3, status: 'draft' }] : [{ id: 1, status: 'publish' }, { id: 2, status: 'draft' }];
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(items));
      }),
    );
    const { rule, errors } = parseRuleText('/virtual/anonymous-sees-editor-items.yaml', compareRule);
    expect(errors.map((error) => error.message)).toEqual([]);
    const transport = cleanup.add(createUndiciTransport({ target: site.origin, rateLimitPerHost: 0, headers: { cookie } }));

    const outcome = await runRule(rule as Rule, { target: site.origin, transport });

    expect(site.requests.map((request) => request.headers.cookie ?? null)).toEqual([cookie, null]);
    expect(outcome.findings.map((finding) => finding.items)).toEqual([[{ id: '2', status: 'draft' }]]);
  });
});
