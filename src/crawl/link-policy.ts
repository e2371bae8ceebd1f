import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { RuleError } from '../core/errors.js';
import { precompiledValue } from '../core/precompiled.js';
import { problemsFromZod } from '../core/zod-problems.js';
import { parseYamlSource, positionOf } from '../core/yaml-source.js';

/**
 * The crawl's link policy: which same-origin links the discovery crawl never follows because
 * following them could act (a nonce, an operation parameter, an acting verb, an admin area).
 * The policy is data, `rules/_link-policy.yaml`, with its cases beside it; this module parses it
 * and decides for one URL. It lives under rules/ because that folder ships in the package and
 * sits at the same place relative to src/ and dist/.
 */

const lowerName = z.string().regex(/^[a-z0-9_.\-]+$/, 'lower-case letters, digits, "_", "-" and "." only');
const segmentPath = z.string().regex(/^(?:\/[a-z0-9_.~\-]+)+$/, 'a lower-case path of one or more segments, like "/wp-admin" or "/system/console"');

export const linkPolicySchema = z.strictObject({
  tokenParameters: z.strictObject({
    names: z.array(lowerName).min(1),
    containing: z.array(lowerName),
    hexNameLength: z.int().min(8).optional(),
  }),
  actingParameters: z.array(
    z.strictObject({
      name: lowerName,
      readOnlyValues: z.array(z.string().regex(/^[a-z0-9_.\-]+$/)),
      why: z.string().min(1),
    }),
  ),
  actingWords: z.array(
    z.strictObject({
      words: z.array(z.string().regex(/^[a-z0-9]+$/, 'letters and digits only ("-" and "_" are removed before comparing)')).min(1),
      why: z.string().min(1),
    }),
  ),
  adminAreas: z.array(
    z.strictObject({
      path: segmentPath,
      where: z.enum(['root', 'anywhere']),
      cms: z.string().min(1),
    }),
  ),
});
export type LinkPolicyData = z.infer<typeof linkPolicySchema>;

/** Why a link is refused, for tests, logs and the cases file. */
export type RefusalReason = 'token-parameter' | 'acting-parameter' | 'acting-word' | 'admin-area' | 'not-a-url';

export interface Refusal {
  reason: RefusalReason;
  /** The parameter or path that decided it, as the policy saw it (decoded, folded). */
  detail: string;
}

/** The file the crawl reads: rules/_link-policy.yaml from src/crawl/ and dist/crawl/ alike. */
export const builtinLinkPolicyFile = fileURLToPath(new URL('../../rules/_link-policy.yaml', import.meta.url));

/** Parses a policy file, reporting every problem with file:line:column. */
export function parseLinkPolicy(file: string, text: string): { policy?: LinkPolicy; errors: RuleError[] } {
  const { data, errors } = parseLinkPolicyData(file, text);
  return data === undefined ? { errors } : { policy: new LinkPolicy(data), errors: [] };
}

/** The policy file's data, checked (what the build keeps in dist/precompiled.json), or its problems. */
export function parseLinkPolicyData(file: string, text: string): { data?: LinkPolicyData; errors: RuleError[] } {
  const { source, errors: yamlErrors } = parseYamlSource(file, text);
  if (yamlErrors.length > 0) return { errors: yamlErrors.map((error) => new RuleError(file, error.message, error.position)) };
  const input: unknown = source.document.toJS();
  const parsed = linkPolicySchema.safeParse(input);
  if (parsed.success) return { data: parsed.data, errors: [] };
  const errors = problemsFromZod(parsed.error.issues, input).map((problem) => {
    const position = positionOf(source, problem.path, problem.atKey);
    return new RuleError(file, problem.message, { ...position, field: problem.path.join('.') || '(root)' });
  });
  return { errors };
}

let builtin: LinkPolicy | undefined;

/**
 * The shipped policy, read once. A broken shipped file is a broken install: it throws with every
 * problem and its position rather than letting a crawl run without the policy.
 */
export function builtinLinkPolicy(): LinkPolicy {
  builtin ??= readBuiltinLinkPolicy();
  return builtin;
}

/** The shipped policy read now: as parsed at build time when the file is unchanged (core/precompiled), so a scan reads no YAML at start. */
export function readBuiltinLinkPolicy(): LinkPolicy {
  const text = readFileSync(builtinLinkPolicyFile, 'utf8');
  const precompiled = precompiledValue('link-policy', builtinLinkPolicyFile, text) as LinkPolicyData | undefined;
  if (precompiled !== undefined) return new LinkPolicy(precompiled);
  const { policy, errors } = parseLinkPolicy(builtinLinkPolicyFile, text);
  if (!policy) throw errors[0] ?? new RuleError(builtinLinkPolicyFile, 'the link policy could not be read');
  return policy;
}

/** What the policy reads of a URL: its path and its query (`?` and the rest, or ''), as URL gives them. */
export interface UrlPathAndQuery {
  readonly pathname: string;
  readonly search: string;
}

interface Parameter {
  name: string;
  value: string;
}

/** A language prefix (/en/, /pt-br/, /zh_hans/) or a front controller, which a "root" area may follow. */
const rootPrefix = /^(?:[a-z]{2,3}(?:[-_][a-z0-9]{2,4})?|index\.php)$/;

export class LinkPolicy {
  private readonly tokenNames: Set<string>;
  private readonly tokenFragments: string[];
  private readonly hexName: RegExp | undefined;
  private readonly readOnlyValues: Map<string, Set<string>>;
  private readonly words: Set<string>;
  /** Admin areas by their first segment, so a path is compared with the areas that could start at each of its segments. */
  private readonly areasByFirstSegment: Map<string, Array<{ segments: string[]; where: 'root' | 'anywhere' }>>;

  constructor(readonly data: LinkPolicyData) {
    this.tokenNames = new Set(data.tokenParameters.names);
    this.tokenFragments = data.tokenParameters.containing;
    const length = data.tokenParameters.hexNameLength;
    this.hexName = length === undefined ? undefined : new RegExp(`^[0-9a-f]{${length}}$`);
    this.readOnlyValues = new Map(data.actingParameters.map((entry) => [entry.name, new Set(entry.readOnlyValues)]));
    this.words = new Set(data.actingWords.flatMap((entry) => entry.words));
    this.areasByFirstSegment = new Map();
    for (const area of data.adminAreas) {
      const segments = area.path.split('/').slice(1);
      const first = segments[0] as string;
      const list = this.areasByFirstSegment.get(first) ?? [];
      list.push({ segments, where: area.where });
      this.areasByFirstSegment.set(first, list);
    }
  }

  /**
   * Why the crawl must not follow `url`, or undefined when it may. The crawl passes the path and
   * query of a link it has already parsed and normalised (linkParts), not its text to parse again.
   */
  refusal(url: string | UrlPathAndQuery): Refusal | undefined {
    let parsed: UrlPathAndQuery;
    try {
      parsed = typeof url === 'string' ? new URL(url) : url;
    } catch {
      return { reason: 'not-a-url', detail: String(url) };
    }
    const parameters = parametersOf(parsed.search);
    // One kind at a time, so the reason does not depend on the order of the parameters.
    const token = parameters.find(({ name }) => this.isTokenName(name));
    if (token) return { reason: 'token-parameter', detail: token.name };
    const acting = parameters.find(({ name, value }) => this.readOnlyValues.get(name)?.has(value) === false);
    if (acting) return { reason: 'acting-parameter', detail: `${acting.name}=${acting.value}` };
    const word = parameters.find(({ name }) => this.words.has(withoutSeparators(name)));
    if (word) return { reason: 'acting-word', detail: word.name };
    const written = segmentsOf(parsed.pathname);
    for (const segments of [written, resolveDots(written)]) {
      const refusal = this.pathRefusal(segments);
      if (refusal) return refusal;
    }
    return undefined;
  }

  allows(url: string | UrlPathAndQuery): boolean {
    return this.refusal(url) === undefined;
  }

  private isTokenName(name: string): boolean {
    return this.tokenNames.has(name) || this.tokenFragments.some((fragment) => name.includes(fragment)) || this.hexName?.test(name) === true;
  }

  /**
   * Each segment's stem is worked out once and each position compared only with the areas
   * whose first segment it is: comparing every area at every position allocated about 15 KB
   * per URL, 12% of what a 5,000-page crawl allocated.
   */
  private pathRefusal(segments: string[]): Refusal | undefined {
    const stems = segments.map(stemOf);
    if (stems.some((stem) => this.words.has(withoutSeparators(stem)))) return { reason: 'acting-word', detail: `/${segments.join('/')}` };
    // A "root" area begins at the first segment, or the second after a language prefix or index.php.
    const lastRootStart = segments.length > 1 && rootPrefix.test(segments[0] ?? '') ? 1 : 0;
    const same = (index: number, want: string): boolean => segments[index] === want || stems[index] === want;
    for (let start = 0; start < segments.length; start += 1) {
      const candidates = [this.areasByFirstSegment.get(segments[start] as string), this.areasByFirstSegment.get(stems[start] as string)];
      for (const area of candidates.flatMap((list) => list ?? [])) {
        if (area.where === 'root' && start > lastRootStart) continue;
        if (area.segments.every((want, offset) => start + offset < segments.length && same(start + offset, want))) {
          return { reason: 'admin-area', detail: `/${segments.join('/')}` };
        }
      }
    }
    return undefined;
  }
}

/** "logout.php" -> "logout"; a leading dot (".magnolia") is a name, not an extension. */
function stemOf(segment: string): string {
  return segment.replace(/(?<=.)\.[a-z0-9]{1,5}$/, '');
}

function withoutSeparators(value: string): string {
  return value.replace(/[-_]/g, '');
}

/** Percent-decodes until stable (at most three rounds), lower-cased and trimmed. */
function decoded(value: string): string {
  let current = value;
  for (let round = 0; round < 3; round += 1) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      break;
    }
    if (next === current) break;
    current = next;
  }
  return current.trim().toLowerCase();
}

/** Query pairs as a server would read them, names folded the way PHP folds them. */
function parametersOf(search: string): Parameter[] {
  if (search === '' || search === '?') return [];
  return search
    .slice(1)
    .split(/[&;]/)
    .filter((pair) => pair !== '')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const rawName = equals === -1 ? pair : pair.slice(0, equals);
      const rawValue = equals === -1 ? '' : pair.slice(equals + 1);
      const name = decoded(rawName.replace(/\+/g, ' '))
        .replace(/\[.*$/, '')
        .replace(/[. ]/g, '_');
      return { name, value: decoded(rawValue.replace(/\+/g, ' ')) };
    });
}

/**
 * The path's segments as a server might see them: decoded, lower-cased, an encoded "/" or "\"
 * splitting a segment, ";matrix" parameters and trailing dots removed, empty segments dropped.
 * "." and ".." are kept as written; resolveDots gives the other reading.
 */
function segmentsOf(pathname: string): string[] {
  return pathname
    .split('/')
    .flatMap((segment) => decoded(segment).split(/[/\\]/))
    .map((segment) => {
      const bare = segment.replace(/;.*$/, '');
      return /^\.+$/.test(bare) ? bare : bare.replace(/[. ]+$/, '');
    })
    .filter((segment) => segment !== '');
}

function resolveDots(segments: string[]): string[] {
  const resolved: string[] = [];
  for (const segment of segments) {
    if (segment === '.') continue;
    if (segment === '..') resolved.pop();
    else resolved.push(segment);
  }
  return resolved;
}
