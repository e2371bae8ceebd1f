import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { parseRuleText, runRule, type Rule } from '../../src/engine/index.js';
import { renderTemplate, templateExpressions, TemplateError } from '../../src/engine/template.js';
import { MswTransport } from '../support/msw-transport.js';

describe('templates encode values for where they land', () => {
  it('keeps a GROQ filter with && and = one query parameter', () => {
    const document = { filter: '*[_type == "post" && !(_id in path("drafts.**"))]' };
    const path = renderTemplate('/v1/data/query/production?query={{filter}}&limit=10', document, 'path');
    const params = new URL(`http://127.0.0.1${path}`).searchParams;
    expect([...params.keys()]).toEqual(['query', 'limit']);
    expect(params.get('query')).toBe(document.filter);
  });

  it('encodes / ? # in a path segment but keeps what a segment allows', () => {
    expect(renderTemplate('/api/{{name}}/x', { name: "a/b?c#d e:f@g,h;i=j&k+l'm" }, 'path')).toBe("/api/a%2Fb%3Fc%23d%20e:f@g,h;i=j&k+l'm/x");
    expect(renderTemplate('/p/{{slug}}', { slug: 'caf%C3%A9-ü' }, 'path')).toBe('/p/caf%C3%A9-%C3%BC');
    expect(renderTemplate('/p/{{slug}}', { slug: '100%' }, 'path')).toBe('/p/100%25');
  });

  it('keeps commas of a joined list and encodes & = + # in query values', () => {
    expect(renderTemplate('/a?fields={{fields}}&q={{q}}', { fields: ['id', 'title'], q: 'a+b=c&d#e' }, 'path')).toBe('/a?fields=id,title&q=a%2Bb%3Dc%26d%23e');
  });

  it('inserts a whole URL or path at the start as it is, and {{raw …}} anywhere', () => {
    expect(renderTemplate('{{link}}', { link: 'https://cdn.example/a b?x=1&y=2' }, 'url')).toBe('https://cdn.example/a b?x=1&y=2');
    expect(renderTemplate('{{origin}}/list?prefix={{p}}', { origin: 'https://bucket.example', p: 'a/b&c' }, 'url')).toBe('https://bucket.example/list?prefix=a/b%26c');
    expect(renderTemplate('https://{{host}}/x', { host: 'cdn.example:8080' }, 'url')).toBe('https://cdn.example:8080/x');
    expect(renderTemplate('{{route}}', { route: '/v1/items?x=1&y=2' }, 'path')).toBe('/v1/items?x=1&y=2');
    expect(renderTemplate('/search?{{raw query}}', { query: 'a=1&b=2' }, 'path')).toBe('/search?a=1&b=2');
    expect(templateExpressions('/search?{{raw query}}&x={{ length(ids) }}')).toEqual(['query', 'length(ids)']);
  });

  it('refuses a value that is not a URL, not a path, an object, a host with a path, or a header with a line break', () => {
    expect(() => renderTemplate('{{route}}', { route: '/v1/items' }, 'url')).toThrow('template "{{route}}" gave "/v1/items", not a URL');
    expect(() => renderTemplate('{{route}}', { route: 'v1/items' }, 'path')).toThrow('template "{{route}}" gave "v1/items", not a URL path');
    expect(() => renderTemplate('/x/{{item}}', { item: [['a'], ['b']] }, 'path')).toThrow('template "/x/{{item}}": {{item}} gave "[[\\"a\\"],[\\"b\\"]]", a list of lists or objects, which has no place in a URL path segment');
    expect(() => renderTemplate('https://{{host}}/x', { host: 'evil.example/a' }, 'url')).toThrow(TemplateError);
    expect(() => renderTemplate('Bearer {{token}}', { token: 'x\r\nX-Injected: 1' }, 'header')).toThrow(/line break/);
    expect(renderTemplate('Bearer {{token}}', { token: 'abc' }, 'header')).toBe('Bearer abc');
  });

  it('renders plain text for messages, unencoded', () => {
    expect(renderTemplate('{{count}} items at {{url}}', { count: 2, url: 'http://h/a b' })).toBe('2 items at http://h/a b');
  });
});

const head = `id: list-of-lists
name: Test rule
severity: high
confidence: high
cms: [generic]
description: A rule written for an engine test.
remediation: Nothing to fix.
references: [https://example.org/doc]
`;

describe('a template that cannot give a URL', () => {
  it('is a failure of the rule naming the step and the value, and the run goes on', async () => {
    const { rule, errors } = parseRuleText('/virtual/list-of-lists.yaml', `${head}steps:
  - id: list
    request: { path: /routes }
    extract: [{ name: routes, json: "json.groups[].routes" }]
  - id: probe
    for_each: { in: "routes", as: route }
    request: { url: "{{route}}" }
    match: { status: 200 }
finding:
  message: "{{route}}"
`);
    expect(errors).toEqual([]);
    const transport = new MswTransport([http.get('http://127.0.0.1:65535/routes', () => HttpResponse.json({ groups: [{ routes: ['/v1/a'] }] }))]);
    const outcome = await runRule(rule as Rule, { target: 'http://127.0.0.1:65535', transport });
    expect(outcome.findings).toEqual([]);
    expect(outcome.failures).toEqual([
      { ruleId: 'list-of-lists', step: 'probe', url: 'http://127.0.0.1:65535', code: 'DL_RULE_RUNTIME', message: 'step probe: template "{{route}}" gave "/v1/a", not a URL' },
    ]);
  });
});

describe('a template split once is rendered afresh each time', () => {
  it('gives each document its own values, in their own places, raw or encoded', () => {
    const template = '/{{ kind }}/{{raw path}}?q={{ term }}&n={{n}}';
    expect(renderTemplate(template, { kind: 'a b', path: 'x/y', term: 'é&', n: 1 }, 'path')).toBe('/a%20b/x/y?q=%C3%A9%26&n=1');
    expect(renderTemplate(template, { kind: 'c', path: 'z', term: 't', n: 2 }, 'path')).toBe('/c/z?q=t&n=2');
    expect(renderTemplate('no placeholder', {}, 'text')).toBe('no placeholder');
    expect(renderTemplate('{{a}}{{b}}', { a: 'x', b: 'y' }, 'text')).toBe('xy');
    expect(() => renderTemplate(template, { kind: 'k', path: 'p', term: 'line\nbreak', n: 3 }, 'path')).toThrow(/template .*\{\{ term \}\}/);
  });
});
