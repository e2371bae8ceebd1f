import { mkdir, writeFile, access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../core/errors.js';

const schemasDir = fileURLToPath(new URL('../../schemas/', import.meta.url));
const kebab = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function schemaComment(fileDir: string, schema: string): string {
  const relative = path.relative(fileDir, path.join(schemasDir, schema)).split(path.sep).join('/');
  return `# yaml-language-server: $schema=${relative}`;
}

function ruleTemplate(id: string, cms: string, comment: string): string {
  return `${comment}
id: ${id}
name: TODO one line that says what is exposed
severity: high
confidence: medium
cms: [${cms}]
tags: [draft]
cwe: [CWE-200]
description: >-
  TODO what an anonymous visitor can reach, and why the CMS lets them.
remediation: >-
  TODO the setting or code change that closes it, and how to confirm the fix.
references:
  - https://example.org/TODO-vendor-documentation
steps:
  # Identify first: a request this CMS answers in its own way (a header, a health endpoint), so
  # the rule cannot fire on another site that answers with similar JSON.
  - id: detect
    request:
      path: /TODO/health
    match:
      header: { name: x-powered-by, contains: TODO-cms-name }
  # Then prove: a positive sign of unpublished content, not merely "not published".
  - id: probe
    request:
      path: /TODO/path?status=draft
      headers:
        accept: application/json
    match:
      all:
        - status: 200
        - header: { name: content-type, contains: json }
        - json: "length(json.data[?status == 'draft']) > \`0\`"
finding:
  message: "{{count}} unpublished item(s) are listed by {{url}}"
  items: "json.data[?status == 'draft'].{id: to_string(id), status: status}"
`;
}

function casesTemplate(id: string, comment: string): string {
  return `${comment}
rule: ${id}
source: TODO which CMS and version the responses come from, and how that state was made
cases:
  - name: TODO the misconfigured answer
    expect: finding
    todo: record a real response, then remove this line
    findings:
      - path: /TODO/path?status=draft
        items: [{ id: "1", status: draft }]
    exchanges:
      - request: { path: /TODO/health }
        response: { status: 204, headers: { x-powered-by: TODO-cms-name } }
      - request: { path: /TODO/path?status=draft }
        response:
          status: 200
          json: { data: [{ id: 1, status: draft }] }

  - name: TODO the default, safe answer
    expect: none
    exchanges:
      - request: { path: /TODO/health }
        response: { status: 204, headers: { x-powered-by: TODO-cms-name } }
      - request: { path: /TODO/path?status=draft }
        response:
          status: 403
          json: { error: forbidden }
`;
}

/**
 * Writes a new rule and its case file, ready to fill in. The must-fire case starts as `todo`,
 * so \`rules test\` keeps failing ("needs at least one case that must fire") until a real
 * recording replaces the placeholder.
 */
export async function scaffoldRule(rulesDir: string, cms: string, id: string): Promise<{ ruleFile: string; caseFile: string }> {
  if (!kebab.test(id)) throw new UsageError(`--id "${id}" must be kebab-case (a-z, 0-9 and dashes)`);
  if (!kebab.test(cms)) throw new UsageError(`--cms "${cms}" must be kebab-case (a-z, 0-9 and dashes)`);
  const dir = path.join(rulesDir, cms);
  const ruleFile = path.join(dir, `${id}.yaml`);
  const caseFile = path.join(dir, `${id}.cases.yaml`);
  for (const file of [ruleFile, caseFile]) {
    const exists = await access(file).then(
      () => true,
      () => false,
    );
    if (exists) throw new UsageError(`${file} already exists; choose another id`);
  }
  await mkdir(dir, { recursive: true });
  await writeFile(ruleFile, ruleTemplate(id, cms, schemaComment(dir, 'rule.schema.json')));
  await writeFile(caseFile, casesTemplate(id, schemaComment(dir, 'cases.schema.json')));
  return { ruleFile, caseFile };
}
