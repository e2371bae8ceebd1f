import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseYamlSource, positionOf } from '../core/yaml-source.js';
import { problemsFromZod } from '../core/zod-problems.js';
import { demoSiteSchema, type DemoResponse, type DemoSiteConfig } from './site-schema.js';

/** The demo sites that ship with draftleak (works from src/ and from the compiled dist/src/). */
export const builtinDemoDir = fileURLToPath(new URL('../../fixtures/demo/', import.meta.url));

export interface DemoSites {
  sites: { name: string; description: string; url: string }[];
  /** "http://127.0.0.1:<port>" of the named site; throws for an unknown name. */
  origin(name: string): string;
  /** Every request the named site received, as "METHOD path?query" in arrival order. */
  requests(name: string): string[];
  /** Stops every server and drops open connections. Safe to call twice. */
  close(): Promise<void>;
}

export interface StartDemoSitesOptions {
  /** Folder holding one sub-folder per site, each with a site.yaml. Default: the bundled demo. */
  fixturesDir?: string;
}

/** A response with its body already loaded; placeholders are still in place. */
interface PreparedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Whether {{origin}}, {{path}} and {{site:…}} are substituted in the body (false for binary files). */
  textual: boolean;
}

interface PreparedSite {
  config: DemoSiteConfig;
  file: string;
  routes: Map<string, PreparedResponse>;
  notFound: PreparedResponse;
}

/** {{origin}}, {{path}} (the request's path, without query) and {{site:<name>}}. */
const placeholderPattern = /\{\{\s*(origin|path|site:([a-z0-9-]+))\s*\}\}/g;

/** The request path as safe to drop into HTML, XML or a JSON string. */
function safePath(target: string): string {
  const pathname = target.split('?')[0] ?? '/';
  return pathname.replace(/["'<>\\`&]/g, (character) => encodeURIComponent(character));
}

const typesByExtension: Record<string, string> = {
  '.html': 'text/html; charset=UTF-8',
  '.htm': 'text/html; charset=UTF-8',
  '.xml': 'application/xml',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=UTF-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf',
};

function isTextual(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  return /^text\/|json|xml|javascript/i.test(contentType);
}

/** Percent-decodes a request target the way a router would, leaving malformed escapes as they are. */
function routeKey(method: string, target: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(target);
  } catch {
    decoded = target;
  }
  return `${method} ${decoded}`;
}

function headerLookup(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

class DemoSiteFileError extends Error {
  constructor(file: string, problems: string[]) {
    super(`invalid demo site ${file}:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'DemoSiteFileError';
  }
}

async function prepareResponse(
  response: DemoResponse,
  siteDir: string,
  file: string,
  field: string,
): Promise<PreparedResponse> {
  const headers = { ...response.headers };
  let body = Buffer.alloc(0);
  if (response.body !== undefined) {
    body = Buffer.from(response.body, 'utf8');
  } else if (response.json !== undefined) {
    body = Buffer.from(JSON.stringify(response.json), 'utf8');
    if (headerLookup(headers, 'content-type') === undefined) headers['Content-Type'] = 'application/json; charset=utf-8';
  } else if (response.body_file !== undefined) {
    const bodyPath = path.resolve(siteDir, response.body_file);
    if (!bodyPath.startsWith(siteDir + path.sep)) throw new DemoSiteFileError(file, [`${field}.body_file: must stay inside the site folder`]);
    try {
      body = await readFile(bodyPath);
    } catch (error) {
      throw new DemoSiteFileError(file, [`${field}.body_file: cannot read "${response.body_file}" (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
    }
    const type = typesByExtension[path.extname(bodyPath).toLowerCase()];
    if (type !== undefined && headerLookup(headers, 'content-type') === undefined) headers['Content-Type'] = type;
  }
  if (body.length > 0 && headerLookup(headers, 'content-type') === undefined) headers['Content-Type'] = 'text/plain; charset=UTF-8';
  return { status: response.status, headers, body, textual: isTextual(headerLookup(headers, 'content-type')) };
}

/** Loads and validates one site.yaml; every problem names the file, line and field. */
async function loadSite(siteDir: string): Promise<PreparedSite> {
  const file = path.join(siteDir, 'site.yaml');
  const text = await readFile(file, 'utf8');
  const { source, errors } = parseYamlSource(file, text);
  if (errors.length > 0) {
    throw new DemoSiteFileError(file, errors.map((error) => `line ${error.position.line}:${error.position.column}: ${error.message}`));
  }
  const input: unknown = source.document.toJS();
  const parsed = demoSiteSchema.safeParse(input);
  if (!parsed.success) {
    const problems = problemsFromZod(parsed.error.issues, input).map((problem) => {
      const position = positionOf(source, problem.path, problem.atKey);
      return `line ${position.line}:${position.column}: ${problem.path.join('.') || '(root)'}: ${problem.message}`;
    });
    throw new DemoSiteFileError(file, problems);
  }
  const config = parsed.data;
  const folder = path.basename(siteDir);
  if (config.name !== folder) {
    const position = positionOf(source, ['name'], false);
    throw new DemoSiteFileError(file, [`line ${position.line}:${position.column}: name: "${config.name}" must equal the folder name "${folder}"`]);
  }
  const routes = new Map<string, PreparedResponse>();
  for (const [index, route] of config.routes.entries()) {
    const key = routeKey(route.method, route.path);
    if (routes.has(key)) {
      const position = positionOf(source, ['routes', index, 'path']);
      throw new DemoSiteFileError(file, [`line ${position.line}:${position.column}: routes.${index}.path: duplicate route ${route.method} ${route.path}`]);
    }
    routes.set(key, await prepareResponse(route, siteDir, file, `routes.${index}`));
  }
  const notFound = await prepareResponse(config.not_found, siteDir, file, 'not_found');
  return { config, file, routes, notFound };
}

/** Every {{site:<name>}} in a site must name a demo site. */
function checkSiteReferences(sites: PreparedSite[]): void {
  const names = new Set(sites.map((site) => site.config.name));
  for (const site of sites) {
    const texts = [site.notFound, ...site.routes.values()].flatMap((response) => [
      ...Object.values(response.headers),
      ...(response.textual ? [response.body.toString('utf8')] : []),
    ]);
    texts.push(...Object.values(site.config.headers));
    for (const text of texts) {
      for (const match of text.matchAll(placeholderPattern)) {
        const name = match[2];
        if (name !== undefined && !names.has(name)) {
          throw new DemoSiteFileError(site.file, [`{{site:${name}}}: no demo site is named "${name}" (known: ${[...names].join(', ')})`]);
        }
      }
    }
  }
}

async function loadSites(fixturesDir: string): Promise<PreparedSite[]> {
  const info = await stat(fixturesDir).catch(() => null);
  if (!info?.isDirectory()) throw new Error(`demo fixtures folder not found: ${fixturesDir}`);
  const entries = await readdir(fixturesDir, { withFileTypes: true });
  const siteDirs: string[] = [];
  for (const entry of entries.filter((candidate) => candidate.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = path.join(fixturesDir, entry.name);
    if (await stat(path.join(dir, 'site.yaml')).catch(() => null)) siteDirs.push(dir);
  }
  if (siteDirs.length === 0) throw new Error(`no demo sites (sub-folders with a site.yaml) in ${fixturesDir}`);
  const sites = await Promise.all(siteDirs.map((dir) => loadSite(dir)));
  checkSiteReferences(sites);
  return sites;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${port}`);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Starts one loopback HTTP server per demo site (127.0.0.1, a free port each). Every site.yaml is
 * validated first, so a broken fixture fails before any socket opens.
 */
export async function startDemoSites(options: StartDemoSitesOptions = {}): Promise<DemoSites> {
  const fixturesDir = path.resolve(options.fixturesDir ?? builtinDemoDir);
  const sites = await loadSites(fixturesDir);
  const origins = new Map<string, string>();
  const received = new Map<string, string[]>();
  const servers: Server[] = [];

  const substitute = (text: string, origin: string, target: string): string =>
    text.replace(placeholderPattern, (_whole, kind: string, name: string | undefined) =>
      kind === 'origin' ? origin : kind === 'path' ? safePath(target) : (origins.get(name ?? '') ?? ''),
    );

  const handler = (site: PreparedSite) => (request: IncomingMessage, response: ServerResponse) => {
    const method = request.method ?? 'GET';
    const target = request.url ?? '/';
    received.get(site.config.name)?.push(`${method} ${target}`);
    // Drain any request body; the demo answers from the route table only.
    request.resume();
    const origin = origins.get(site.config.name) ?? '';
    const lookupMethod = method === 'HEAD' ? 'GET' : method;
    const prepared = site.routes.get(routeKey(lookupMethod, target)) ?? site.notFound;
    const body = prepared.textual ? Buffer.from(substitute(prepared.body.toString('utf8'), origin, target), 'utf8') : prepared.body;
    const headers: Record<string, string> = {};
    // Route headers override site headers, whatever their case.
    for (const [name, value] of [...Object.entries(site.config.headers), ...Object.entries(prepared.headers)]) {
      for (const existing of Object.keys(headers)) if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
      headers[name] = substitute(value, origin, target);
    }
    if (prepared.status !== 204 && prepared.status !== 304) headers['Content-Length'] = String(body.length);
    response.writeHead(prepared.status, headers);
    response.end(method === 'HEAD' || prepared.status === 204 || prepared.status === 304 ? undefined : body);
  };

  try {
    for (const site of sites) {
      received.set(site.config.name, []);
      const server = createServer(handler(site));
      servers.push(server);
      origins.set(site.config.name, await listen(server));
    }
  } catch (error) {
    await Promise.all(servers.map(closeServer));
    throw error;
  }

  let closing: Promise<void> | undefined;
  const known = (name: string): string => {
    const origin = origins.get(name);
    if (origin === undefined) throw new Error(`no demo site named "${name}" (known: ${[...origins.keys()].join(', ')})`);
    return origin;
  };
  return {
    sites: sites.map((site) => ({ name: site.config.name, description: site.config.description, url: `${known(site.config.name)}/` })),
    origin: known,
    requests(name: string) {
      known(name);
      return [...(received.get(name) ?? [])];
    },
    close() {
      closing ??= Promise.all(servers.map(closeServer)).then(() => undefined);
      return closing;
    },
  };
}
