import type { SarifArtifactLocation } from './sarif-types.js';

/**
 * Web findings have no file, and GitHub rejects an upload whose artifact URI is absolute with a
 * scheme other than `file:`. So every location is a relative URI resolved through a named base
 * in `run.originalUriBaseIds`: TARGET for the scanned site, TARGET_ROOT for the same origin
 * outside the target's path, HOST_<n> for allowed asset hosts.
 */
export const targetBaseId = 'TARGET';
const targetRootBaseId = 'TARGET_ROOT';

/** The target's base: origin + path, always ending with "/" so relative URIs resolve under it. */
export function targetBaseUri(target: string): URL {
  const base = new URL(target);
  base.hash = '';
  base.search = '';
  if (!base.pathname.endsWith('/')) base.pathname = `${base.pathname}/`;
  return base;
}

/**
 * A GitHub category (`category/run-id` with an empty run id) unique to the target and free of
 * timestamps, so a re-scan replaces the previous upload's alerts instead of adding to them.
 */
export function automationIdFor(target: string): string {
  const base = targetBaseUri(target);
  const path = base.pathname.replace(/[^A-Za-z0-9._~/-]/g, '_').replace(/\/{2,}/g, '/');
  return `draftleak/${base.host}${path}`;
}

/**
 * Hands out automation ids unique within one log, deterministically: the first target keeps the
 * plain id and a later one with the same host and path (say, http and https) gets a suffix.
 */
export function automationIdAllocator(): (target: string) => string {
  const used = new Set<string>();
  return (target) => {
    const plain = automationIdFor(target);
    let id = plain;
    for (let n = 2; used.has(id); n += 1) id = `${plain.slice(0, -1)}~${n}/`;
    used.add(id);
    return id;
  };
}

// ajv-formats' (and RFC 3986's) path and query characters; URL serialisation leaves a few others
// (`|`, `^`, `[`, ...) unencoded, which would make the reference invalid.
const notUriChar = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%]|%(?![0-9A-Fa-f]{2})/g;

function encodeStrayCharacters(reference: string): string {
  return reference.replace(notUriChar, (ch) => encodeURIComponent(ch));
}

/**
 * A non-empty relative reference that cannot be mistaken for a scheme or an absolute path.
 * "./" keeps the reference pointing at the base itself (and its query) rather than at GitHub's
 * repository root.
 */
function safeRelative(reference: string): string {
  const firstSegment = reference.split(/[/?]/, 1)[0] ?? '';
  const needsDot =
    reference === '' || reference.startsWith('?') || reference.startsWith('/') || firstSegment.includes(':');
  return encodeStrayCharacters(needsDot ? `./${reference}` : reference);
}

/** Collects the bases one run needs and turns finding URLs into locations relative to them. */
export class UriBases {
  private readonly target: URL;
  private readonly hostOrigins: string[];
  /** HOST_<n> of each other origin: indexOf per result was 46 µs each with 5,000 hosts. */
  private readonly hostNumbers = new Map<string, number>();

  /** `otherUrls`: every finding URL of the run, so HOST_<n> numbering depends only on the set. */
  constructor(target: string, otherUrls: readonly string[]) {
    this.target = targetBaseUri(target);
    const origins = new Set<string>();
    for (const url of otherUrls) {
      const parsed = this.parse(url);
      if (parsed.origin !== this.target.origin) origins.add(parsed.origin);
    }
    this.hostOrigins = [...origins].sort();
    this.hostOrigins.forEach((origin, index) => this.hostNumbers.set(origin, index + 1));
  }

  locate(url: string): SarifArtifactLocation {
    const parsed = this.parse(url);
    const pathAndQuery = `${parsed.pathname}${parsed.search}`;
    if (parsed.origin === this.target.origin) {
      if (parsed.pathname.startsWith(this.target.pathname)) {
        return { uri: safeRelative(pathAndQuery.slice(this.target.pathname.length)), uriBaseId: targetBaseId };
      }
      return { uri: safeRelative(pathAndQuery.slice(1)), uriBaseId: targetRootBaseId };
    }
    return { uri: safeRelative(pathAndQuery.slice(1)), uriBaseId: `HOST_${this.hostNumbers.get(parsed.origin) ?? 0}` };
  }

  /** `originalUriBaseIds`: always TARGET; the others only when some location uses them. */
  declarations(used: readonly SarifArtifactLocation[]): Record<string, { uri: string }> {
    const out: Record<string, { uri: string }> = { [targetBaseId]: { uri: this.target.href } };
    const usedIds = new Set(used.map((location) => location.uriBaseId));
    if (usedIds.has(targetRootBaseId)) out[targetRootBaseId] = { uri: `${this.target.origin}/` };
    this.hostOrigins.forEach((origin, index) => {
      const id = `HOST_${index + 1}`;
      if (usedIds.has(id)) out[id] = { uri: `${origin}/` };
    });
    return out;
  }

  // Resolving against the target also accepts a path-only URL; fragments never reach the server.
  // An unparsable URL points at the target itself: a report must still be written.
  private parse(url: string): URL {
    let parsed: URL;
    try {
      parsed = new URL(url, this.target);
    } catch {
      parsed = new URL(this.target);
    }
    parsed.hash = '';
    return parsed;
  }
}
