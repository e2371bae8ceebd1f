import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/**
 * Servers that misbehave on purpose, on 127.0.0.1 with ephemeral ports, for the hostile suite
 * and the benchmark. A trap is one small request handler; a hostile site serves a home page that
 * links every trap it was given, so a scan meets each trap through the crawl (and through the
 * rules, for traps given as the fallback of every path). Nothing is ever bound beyond loopback.
 *
 * Traps that would be huge (bombs, endless bodies, 1M-entry sitemaps) are produced as streams
 * that respect back-pressure: the test process never holds them in memory, and stops producing
 * as soon as the client stops reading.
 */

export type Trap = (req: IncomingMessage, res: ServerResponse) => void;

export interface HostileServer {
  /** "http://127.0.0.1:<port>" (or https). */
  origin: string;
  port: number;
  /** Absolute URL of a path on this server. */
  url(pathname: string): string;
  /** Request targets (path and query) received, in order. */
  readonly requests: readonly string[];
  /** How many requests asked for exactly this path (query ignored). */
  hits(pathname: string): number;
  /** TCP connections accepted, including ones that never sent a request (TLS refused). */
  readonly connections: number;
  /** Resolves once the server has received at least one request (a scan has started). */
  firstRequest(): Promise<void>;
  close(): Promise<void>;
}

export interface HostileSiteOptions {
  /** Answers every path that is neither a trap nor "/" (default: a plain 404 page). */
  fallback?: Trap;
  /** Serve over TLS with this key and certificate. */
  tls?: { key: string; cert: string };
  /** Extra HTML placed in the home page's <body>, after the trap links. */
  homeExtra?: string;
}

// ---------------------------------------------------------------------------------------------
// Servers

/**
 * A real node:http (or node:https) server with the given traps. "/" is the home page linking
 * every trap path unless a trap is given for "/" itself.
 */
export async function startHostileSite(traps: Record<string, Trap>, options: HostileSiteOptions = {}): Promise<HostileServer> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  let markFirstRequest: () => void = () => undefined;
  const firstRequest = new Promise<void>((resolve) => {
    markFirstRequest = resolve;
  });
  let connections = 0;
  const fallback = options.fallback ?? notFound();
  const home = traps['/'] ?? homePage(Object.keys(traps), options.homeExtra ?? '');
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const target = req.url ?? '/';
    requests.push(target);
    markFirstRequest();
    // Errors on a socket the trap destroyed on purpose are expected; never let them throw.
    res.on('error', () => undefined);
    req.on('error', () => undefined);
    const pathname = target.split('?')[0] ?? target;
    const trap = pathname === '/' ? home : (traps[pathname] ?? fallback);
    trap(req, res);
  };
  const server: Server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler) : createHttpServer(handler);
  // Allow the 1 MB header trap to be written, and keep node from timing out our slow traps itself.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 1_000;
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => undefined);
  server.on('clientError', (_error, socket: Socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    origin,
    port,
    url: (pathname) => `${origin}${pathname}`,
    requests,
    hits: (pathname) => requests.filter((target) => (target.split('?')[0] ?? target) === pathname).length,
    get connections() {
      return connections;
    },
    firstRequest: () => firstRequest,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Closes every server given, whatever state each trap left its sockets in. */
export async function closeAll(servers: readonly HostileServer[]): Promise<void> {
  await Promise.all(servers.map((server) => server.close()));
}

// ---------------------------------------------------------------------------------------------
// Ordinary answers

export function notFound(): Trap {
  return (_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html' }).end('<html><head><title>Not found</title></head><body>not found</body></html>');
  };
}

export function homePage(links: readonly string[], extra = ''): Trap {
  const anchors = links.filter((link) => link !== '/').map((link) => `<a href="${escapeAttribute(link)}">${escapeText(link)}</a>`);
  const body = `<!doctype html><html><head><title>hostile</title></head><body><h1>hostile site</h1>\n${anchors.join('\n')}\n${extra}</body></html>`;
  return html(body);
}

/**
 * A home page WordPress fingerprints recognise (generator meta, REST API Link header), linking
 * the given paths, so the WordPress rules run and meet whatever the other paths serve.
 */
export function wordpressHome(links: readonly string[]): Trap {
  const anchors = links.map((link) => `<a href="${escapeAttribute(link)}">${escapeText(link)}</a>`).join('\n');
  return (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=UTF-8', link: `<http://${req.headers.host ?? '127.0.0.1'}/wp-json/>; rel="https://api.w.org/"` });
    res.end(`<!doctype html><html><head><meta name="generator" content="WordPress 6.4.2"><title>blog</title></head><body>${anchors}</body></html>`);
  };
}

/** A WordPress debug.log with real-looking lines, which the wp-debug-log-exposed rule reports. */
export function wordpressDebugLog(): Trap {
  const log = '[29-Nov-2025 02:08:25 UTC] PHP Warning:  Undefined variable $x in /var/www/html/wp-content/themes/t/functions.php on line 12\n';
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' }).end(log.repeat(3));
  };
}

export function html(body: string, status = 200): Trap {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  };
}

// ---------------------------------------------------------------------------------------------
// Regex backtracking

/**
 * `<meta name="generator" content="x" ` repeated without ever closing the tag: every repetition
 * is a start for `<meta\s[^>]*name=…[^>]*content=…`, and each start scans to the end twice over,
 * which is cubic on a backtracking engine (92 KB: minutes).
 */
export function backtrackingMetaPage(bytes = 92 * 1024): Trap {
  const unit = '<meta name="generator" content="x" ';
  return html(`<!doctype html><html><head><title>meta</title>${unit.repeat(Math.ceil(bytes / unit.length))}`);
}

/**
 * `<body class="x" ` repeated without `>`: quadratic for `<body[^>]*class=["'][^"']*\bpost-template\b`.
 * `head` goes before it (a Ghost generator meta makes the Ghost preview rule reach that regex).
 */
export function backtrackingBodyPage(bytes = 128 * 1024, head = ''): Trap {
  const unit = '<body class="x" ';
  return html(`<!doctype html><html><head><title>body</title>${head}</head>${unit.repeat(Math.ceil(bytes / unit.length))}`);
}

/** The generator meta Ghost prints, which Ghost fingerprints and rules look for. */
export const ghostGeneratorMeta = '<meta name="generator" content="Ghost 5.130">';

/** A Ghost-looking home page linking the given paths (e.g. a /p/<uuid>/ preview link). */
export function ghostHome(links: readonly string[]): Trap {
  const anchors = links.map((link) => `<a href="${escapeAttribute(link)}">${escapeText(link)}</a>`).join('\n');
  return html(`<!doctype html><html><head>${ghostGeneratorMeta}<title>ghost</title></head><body class="home-template">${anchors}</body></html>`);
}

// ---------------------------------------------------------------------------------------------
// Slow and stuck

/** Accepts the request and never answers: no status line, no headers. */
export function slowHeaders(): Trap {
  return () => undefined;
}

/** Headers at once, then one byte of body every `intervalMs`, forever. */
export function tricklingBody(intervalMs = 500): Trap {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.write('<');
    const timer = setInterval(() => {
      if (res.destroyed || res.writableEnded) clearInterval(timer);
      else res.write('a');
    }, intervalMs);
    res.on('close', () => clearInterval(timer));
  };
}

/** A chunked body that never ends, written as fast as the client reads it. */
export function endlessChunkedBody(): Trap {
  const chunk = Buffer.from(`<p>${'endless '.repeat(8 * 1024)}</p>\n`);
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    streamForever(res, () => chunk);
  };
}

// ---------------------------------------------------------------------------------------------
// Bombs and huge bodies

/** One gzip member of 16 MiB of zeros (~16 KB), computed once; members concatenate. */
let gzipZerosMember: Buffer | undefined;

/**
 * `totalBytes` (default 10 GiB) of zeros as `Content-Encoding: gzip`, as concatenated gzip
 * members of 16 MiB each (deflate cannot do much better than 1:1000, so this is ~10 MB on the
 * wire). Streamed member by member.
 */
export function gzipBomb(totalBytes = 10 * 1024 ** 3, contentType = 'text/html; charset=utf-8'): Trap {
  const memberBytes = 16 * 1024 * 1024;
  gzipZerosMember ??= zlib.gzipSync(Buffer.alloc(memberBytes), { level: 9 });
  const member = gzipZerosMember;
  const members = Math.ceil(totalBytes / memberBytes);
  return (_req, res) => {
    res.writeHead(200, { 'content-type': contentType, 'content-encoding': 'gzip' });
    streamCount(res, members, () => member);
  };
}

/**
 * `totalBytes` (default 10 GiB) of zeros as `Content-Encoding: br`, compressed on the fly at
 * quality 1 (~2 MB for 10 GiB), so only what the client actually reads is ever produced.
 */
export function brotliBomb(totalBytes = 10 * 1024 ** 3, contentType = 'text/html; charset=utf-8'): Trap {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': contentType, 'content-encoding': 'br' });
    const encoder = zlib.createBrotliCompress({
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1, [zlib.constants.BROTLI_PARAM_LGWIN]: 24 },
    });
    const zeros = Buffer.alloc(1024 * 1024);
    const chunks = Math.ceil(totalBytes / zeros.length);
    let sent = 0;
    const source = new Readable({
      read() {
        this.push(sent++ < chunks ? zeros : null);
      },
    });
    source.pipe(encoder).pipe(res);
    res.on('close', () => {
      source.destroy();
      encoder.destroy();
    });
  };
}

/** A JSON array of `bytes` (default 50 MB), streamed with Content-Length. */
export function hugeJson(bytes = 50 * 1024 * 1024): Trap {
  const item = Buffer.from(`{"id":1234567,"status":"publish","title":"${'x'.repeat(200)}"},`);
  return (_req, res) => {
    const count = Math.floor((bytes - 2) / item.length);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(count * item.length + 1) });
    res.write('[');
    let sent = 0;
    streamWhile(res, () => {
      if (sent >= count) return undefined;
      sent += 1;
      return sent === count ? item.subarray(0, item.length - 1) : item;
    }, () => res.end(']'));
  };
}

/** `[[[[…]]]]` nested `depth` (default 200,000) deep, as JSON. */
export function deeplyNestedJson(depth = 200_000): Trap {
  const body = `${'['.repeat(depth)}${']'.repeat(depth)}`;
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  };
}

/** Roughly `bytes` (default 1 MiB) of response headers, written by hand on the raw socket. */
export function hugeHeaders(bytes = 1024 * 1024): Trap {
  const line = `X-Padding: ${'h'.repeat(1000)}\r\n`;
  const head = `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n${line.repeat(Math.ceil(bytes / line.length))}Content-Length: 2\r\nConnection: close\r\n\r\nok`;
  return (req) => {
    req.socket.end(head);
  };
}

/** Deterministic bytes that are not UTF-8 and not HTML, served as text/html. */
export function garbageHtml(bytes = 256 * 1024): Trap {
  const body = pseudoRandomBytes(bytes, 8);
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  };
}

/** Bytes that are not HTTP at all, written instead of a status line. */
export function garbageInsteadOfHttp(bytes = 4096): Trap {
  const body = pseudoRandomBytes(bytes, 9);
  return (req) => {
    req.socket.end(body);
  };
}

// ---------------------------------------------------------------------------------------------
// Broken connections and unhelpful statuses

/** Destroys the socket as soon as the request arrives: the client sees a reset. */
export function connectionReset(): Trap {
  return (req) => {
    req.socket.resetAndDestroy();
  };
}

/** Promises 100,000 bytes, sends 1,000, and closes the connection. */
export function closeMidBody(): Trap {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html', 'content-length': '100000' });
    res.write(`<html><body>${'m'.repeat(1000)}`, () => {
      setTimeout(() => res.socket?.destroy(), 20);
    });
  };
}

/**
 * 429 with Retry-After for the first `refusals` requests to this path, then 200 with a page
 * that links `nextPath` (so a test can tell that the page was finally read).
 */
export function tooManyRequestsThenOk(refusals = 2, retryAfterSeconds = 1, nextPath = '/after-429'): Trap {
  let seen = 0;
  return (_req, res) => {
    seen += 1;
    if (seen <= refusals) {
      res.writeHead(429, { 'retry-after': String(retryAfterSeconds), 'content-type': 'text/plain' }).end('slow down');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><body><a href="${nextPath}">next</a></body></html>`);
  };
}

/** 503 Service Unavailable, with or without Retry-After. */
export function serviceUnavailable(retryAfterSeconds?: number): Trap {
  return (_req, res) => {
    res.writeHead(503, { 'content-type': 'text/html', ...(retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) }) });
    res.end('<html><body>unavailable</body></html>');
  };
}

// ---------------------------------------------------------------------------------------------
// Redirects

/** Redirects to itself with a growing counter, forever. */
export function redirectLoop(): Trap {
  return (req, res) => {
    const [pathname = '/', query = ''] = (req.url ?? '/').split('?');
    const n = Number(new URLSearchParams(query).get('n') ?? '0') + 1;
    res.writeHead(302, { location: `${pathname}?n=${n}` }).end();
  };
}

/** Redirects to `location` as given (another port, file:, javascript:, ftp:…). */
export function redirectTo(location: string, status = 302): Trap {
  return (_req, res) => {
    res.writeHead(status, { location }).end();
  };
}

// ---------------------------------------------------------------------------------------------
// Discovery files: robots.txt and sitemaps

/** A robots.txt declaring the given sitemap paths (made absolute from the Host header). */
export function robotsDeclaring(sitemapPaths: readonly string[], extraLines: readonly string[] = []): Trap {
  return (req, res) => {
    const base = `${isTls(req) ? 'https' : 'http'}://${req.headers.host ?? '127.0.0.1'}`;
    const lines = ['User-agent: *', ...extraLines, ...sitemapPaths.map((sitemap) => `Sitemap: ${base}${sitemap}`)];
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`${lines.join('\n')}\n`);
  };
}

/** A robots.txt of `bytes` (default 10 MB) of distinct Disallow lines, streamed. */
export function hugeRobots(bytes = 10 * 1024 * 1024): Trap {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('User-agent: *\n');
    let written = 0;
    let line = 0;
    streamWhile(res, () => {
      if (written >= bytes) return undefined;
      const lines: string[] = [];
      for (let index = 0; index < 1000; index += 1) lines.push(`Disallow: /private-${line++}/area/\n`);
      const chunk = Buffer.from(lines.join(''));
      written += chunk.length;
      return chunk;
    }, () => res.end());
  };
}

/**
 * A gzip sitemap of `entries` (default 1,000,000) URLs, generated and compressed as it is sent,
 * served as application/gzip (the usual sitemap.xml.gz, no Content-Encoding).
 */
export function hugeGzipSitemap(entries = 1_000_000): Trap {
  return (req, res) => {
    const base = `${isTls(req) ? 'https' : 'http'}://${req.headers.host ?? '127.0.0.1'}`;
    res.writeHead(200, { 'content-type': 'application/gzip' });
    let next = 0;
    const source = new Readable({
      read() {
        if (next === 0) this.push('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n');
        if (next >= entries) {
          this.push('</urlset>\n');
          this.push(null);
          return;
        }
        const lines: string[] = [];
        const end = Math.min(entries, next + 5000);
        for (; next < end; next += 1) lines.push(`<url><loc>${base}/p/${next}</loc></url>\n`);
        this.push(lines.join(''));
      },
    });
    const gzip = zlib.createGzip({ level: 6 });
    source.pipe(gzip).pipe(res);
    res.on('close', () => {
      source.destroy();
      gzip.destroy();
    });
  };
}

/** The classic billion laughs: ten levels of ten references, ~3 GB if ever expanded. */
export function billionLaughsSitemap(): Trap {
  const entities = ['<!ENTITY lol0 "lol">'];
  for (let level = 1; level <= 9; level += 1) entities.push(`<!ENTITY lol${level} "${`&lol${level - 1};`.repeat(10)}">`);
  return (req, res) => {
    const base = `http://${req.headers.host ?? '127.0.0.1'}`;
    const body = `<?xml version="1.0"?>\n<!DOCTYPE urlset [\n${entities.join('\n')}\n]>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${base}/laughs/&lol9;</loc></url></urlset>\n`;
    res.writeHead(200, { 'content-type': 'application/xml' }).end(body);
  };
}

/** External entities pointing at local files: their content must never reach any output. */
export function externalEntitySitemap(files: readonly string[]): Trap {
  const entities = files.map((file, index) => `<!ENTITY xxe${index} SYSTEM "file://${file}">`);
  return (req, res) => {
    const base = `http://${req.headers.host ?? '127.0.0.1'}`;
    const urls = files.map((_file, index) => `<url><loc>${base}/xxe/&xxe${index};</loc><lastmod>&xxe${index};</lastmod></url>`);
    const body = `<?xml version="1.0"?>\n<!DOCTYPE urlset [\n${entities.join('\n')}\n]>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.join('')}</urlset>\n`;
    res.writeHead(200, { 'content-type': 'application/xml' }).end(body);
  };
}

// ---------------------------------------------------------------------------------------------
// Pages full of links

/** One page with `count` (default 100,000) distinct same-origin links. */
export function manyLinksPage(count = 100_000): Trap {
  const anchors: string[] = [];
  for (let index = 0; index < count; index += 1) anchors.push(`<a href="/many/${index}">${index}</a>`);
  return html(`<!doctype html><html><head><title>links</title></head><body>${anchors.join('\n')}</body></html>`);
}

/**
 * Links written to escape the origin or the path: dot segments (plain, percent-encoded, mixed
 * case, double-encoded), backslashes, IDN and full-width hosts, credentials in the authority,
 * and non-http schemes. `otherOrigin` is a loopback origin that must never be contacted.
 */
export function urlTricksPage(otherOrigin: string): Trap {
  const hrefs = [
    '/a/b/../../../../etc/passwd',
    '/a/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/a/%2E%2E/%2e./.%2E/secret',
    '/a/%252e%252e/%252e%252e/etc/passwd',
    '/a/..%2f..%2f..%2fetc%2fpasswd',
    '/a/..%5c..%5cwindows',
    '\\\\evil.invalid\\share',
    '/\\evil.invalid/x',
    '\\/evil.invalid/y',
    'http://xn--80ak6aa92e.invalid/idn',
    'http://аррӏе.invalid/cyrillic',
    'http://ｅｖｉｌ．invalid/fullwidth',
    `http://user:pass@${otherOrigin.replace(/^https?:\/\//, '')}/credentials`,
    `${otherOrigin}/other-port`,
    `//${otherOrigin.replace(/^https?:\/\//, '')}/protocol-relative`,
    'http://127.0.0.1.invalid/dotted',
    'http://0x7f.0.0.1:1/hex-ip',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'ftp://127.0.0.1/pub',
    'data:text/html,<script>alert(1)</script>',
    '/caf%C3%A9/%F0%9F%92%A9',
    '/%00nul',
    '/%ff%fe',
  ];
  const anchors = hrefs.map((href) => `<a href="${escapeAttribute(href)}">x</a>`);
  return html(`<!doctype html><html><head><title>tricks</title></head><body>${anchors.join('\n')}</body></html>`);
}

// ---------------------------------------------------------------------------------------------
// TLS

const run = promisify(execFile);

/**
 * A fresh self-signed certificate for 127.0.0.1, made with openssl when it is installed. Node's
 * crypto cannot issue certificates, so without openssl the committed test-only pair beside this
 * file is used (generated the same way; it protects nothing).
 */
export async function selfSignedCertificate(): Promise<{ key: string; cert: string }> {
  if (await hasOpenssl()) {
    const dir = await mkdtemp(path.join(tmpdir(), 'draftleak-tls-'));
    try {
      const key = path.join(dir, 'key.pem');
      const cert = path.join(dir, 'cert.pem');
      await run('openssl', [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ]);
      return { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const fixtures = new URL('./fixtures/', import.meta.url);
  return {
    key: readFileSync(new URL('self-signed.key.pem', fixtures), 'utf8'),
    cert: readFileSync(new URL('self-signed.cert.pem', fixtures), 'utf8'),
  };
}

async function hasOpenssl(): Promise<boolean> {
  try {
    await run('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Canaries

/**
 * A file holding a unique secret string, for traps that try to make the scanner read local
 * files: the string must never appear in any output.
 */
export async function canaryFile(): Promise<{ file: string; secret: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'draftleak-canary-'));
  const secret = `CANARY-${randomBytes(12).toString('hex')}`;
  const file = path.join(dir, 'secret.txt');
  await writeFile(file, `${secret}\n`);
  return { file, secret, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The first line of /etc/passwd when it exists (e.g. "root:x:0:0:root:/root:/bin/bash"). */
export function passwdFirstLine(): string | undefined {
  if (!existsSync('/etc/passwd')) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8').split('\n')[0]?.trim();
  return line === '' ? undefined : line;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function isTls(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true;
}

/** Writes `next()` chunks while the client keeps reading, until the response closes. */
function streamForever(res: ServerResponse, next: () => Buffer): void {
  streamWhile(res, next, () => undefined);
}

function streamCount(res: ServerResponse, count: number, next: () => Buffer): void {
  let sent = 0;
  streamWhile(res, () => (sent++ < count ? next() : undefined), () => res.end());
}

/** Back-pressured writes: `next()` until it returns undefined, then `done()`. */
function streamWhile(res: ServerResponse, next: () => Buffer | undefined, done: () => void): void {
  const pump = (): void => {
    while (!res.destroyed) {
      const chunk = next();
      if (chunk === undefined) {
        done();
        return;
      }
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

/** xorshift32: the same garbage on every run. */
function pseudoRandomBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed || 1;
  for (let index = 0; index < length; index += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[index] = state & 0xff;
  }
  return out;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

// ---------------------------------------------------------------------------------------------
// Every trap at once

/**
 * Paths of the "site that links every trap", by what a scan must do with them. `failing` paths
 * must each end as a recorded failed probe. No path holds an acting verb ("reset", "delete"…):
 * the crawl's link policy refuses those, and the trap would never be met.
 */
export const everyTrapPaths = {
  failing: [
    '/trap/slow-headers',
    '/trap/trickle',
    '/trap/redirect-loop',
    '/trap/redirect-other-port',
    '/trap/redirect-file',
    '/trap/redirect-javascript',
    '/trap/redirect-ftp',
    '/trap/connection-dropped',
    '/trap/close-mid-body',
    '/trap/not-http',
    '/trap/huge-headers',
  ],
  survivable: [
    '/trap/regex-meta',
    '/trap/endless',
    '/trap/gzip-bomb',
    '/trap/br-bomb',
    '/trap/huge.json',
    '/trap/deep.json',
    '/trap/garbage.html',
    '/trap/429',
    '/trap/503',
    '/trap/links',
    '/trap/tricks',
  ],
  sitemaps: ['/sitemap-1m.xml.gz', '/sitemap-laughs.xml', '/sitemap-xxe.xml', '/sitemap-gzip-bomb.xml'],
} as const;

/**
 * One site whose home page links every trap above, and whose robots.txt declares every sitemap
 * trap. `otherOrigin` is a server that must never be contacted; `localFiles` are files the
 * external-entity sitemap and the file: redirect point at.
 */
export function everyTrap(otherOrigin: string, localFiles: readonly string[]): Record<string, Trap> {
  return {
    '/robots.txt': robotsDeclaring(everyTrapPaths.sitemaps),
    '/sitemap-1m.xml.gz': hugeGzipSitemap(1_000_000),
    '/sitemap-laughs.xml': billionLaughsSitemap(),
    '/sitemap-xxe.xml': externalEntitySitemap(localFiles),
    '/sitemap-gzip-bomb.xml': gzipBomb(10 * 1024 ** 3, 'application/xml'),
    '/trap/slow-headers': slowHeaders(),
    '/trap/trickle': tricklingBody(500),
    '/trap/redirect-loop': redirectLoop(),
    '/trap/redirect-other-port': redirectTo(`${otherOrigin}/stolen`),
    '/trap/redirect-file': redirectTo(`file://${localFiles[0] ?? '/etc/passwd'}`),
    '/trap/redirect-javascript': redirectTo('javascript:alert(1)'),
    '/trap/redirect-ftp': redirectTo('ftp://127.0.0.1/pub/'),
    '/trap/connection-dropped': connectionReset(),
    '/trap/close-mid-body': closeMidBody(),
    '/trap/not-http': garbageInsteadOfHttp(),
    '/trap/huge-headers': hugeHeaders(),
    '/trap/regex-meta': backtrackingMetaPage(92 * 1024),
    '/trap/endless': endlessChunkedBody(),
    '/trap/gzip-bomb': gzipBomb(),
    '/trap/br-bomb': brotliBomb(),
    '/trap/huge.json': hugeJson(),
    '/trap/deep.json': deeplyNestedJson(),
    '/trap/garbage.html': garbageHtml(),
    '/trap/429': tooManyRequestsThenOk(2, 1, '/after-429'),
    '/trap/503': serviceUnavailable(1),
    '/trap/links': manyLinksPage(100_000),
    '/trap/tricks': urlTricksPage(otherOrigin),
  };
}
