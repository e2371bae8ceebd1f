// The benchmark's loopback sites, each in a process of its own so that neither its CPU nor its
// memory is counted as the scanner's (or ffuf's). node:http on 127.0.0.1, keep-alive on (Node's
// default). Started by scripts/bench.mjs with fork(); it answers over IPC:
//   -> { port }                       once listening
//   <- 'count'  -> { requests }       requests answered since start (or the last 'reset')
//   <- 'reset'  -> { requests: 0 }
//   <- 'arrivals' -> { requests, arrivals }  when each request came (ms), for the rate-limit scenario
//
//   node fixture-server.mjs probe          every path 404 except / (the rule-probe server)
//   node fixture-server.mjs site <pages>   <pages> linked ~20 KB pages, robots.txt and sitemaps
//   node fixture-server.mjs site <pages> <gone>   the same, with <gone> deleted posts (404) that the first pages link, 4 each, and the sitemaps list
//   node fixture-server.mjs demo           the bundled demo sites (dist/demo), ports on IPC
import { createServer } from 'node:http';

const [mode = 'probe', size = '1000', gone = '0'] = process.argv.slice(2);
let requests = 0;

// When each request arrived (ms, monotonic), for the rate-limit scenario: at most the first
// 100,000 since the last reset, so a long crawl costs the server no unbounded memory.
let arrivals = [];
const maxArrivals = 100_000;

process.on('message', (message) => {
  if (message === 'reset') {
    requests = 0;
    arrivals = [];
  }
  process.send?.(message === 'arrivals' ? { requests, arrivals } : { requests });
});
process.on('disconnect', () => process.exit(0));

/** Each page links to `fanout` children (page k -> k*fanout+1 ...): depth 3 reaches 40 + 1,600 + 64,000 pages. */
export const fanout = 40;
const pageBytes = 20 * 1024;
const urlsPerSitemap = 10_000;

/** Page k's path; the home page is page 0. Slugs, not bare numbers: the crawl folds /{n}/ paths into one pattern. */
const pagePath = (k) => (k === 0 ? '/' : `/post-${k}/`);

/** A post deleted from the site (404) that a page still links and the sitemap still lists: link rot. */
const gonePath = (k) => `/gone-${k}/`;

// The filler is one shared buffer, so a 50,000-page site costs the server no memory per page;
// head and tail are built per request (cheap), and each page is about 20 KB.
const filler = Buffer.from(`<p>${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(Math.ceil(pageBytes / 57))}`.slice(0, pageBytes - 2600) + '</p>');

function sitePage(k, pages, gone) {
  const children = [];
  for (let child = k * fanout + 1; child <= k * fanout + fanout && child < pages; child += 1) children.push(child);
  const nav = [0, 1, 2, 3].filter((n) => n < pages).map((n) => `<a href="${pagePath(n)}">Section ${n}</a>`).join(' ');
  // Page k links deleted posts 4(k-1) to 4k-1: the first pages, within the crawl's depth of 3.
  const deadLinks = [];
  for (let dead = 4 * (k - 1); k >= 1 && dead < 4 * k && dead < gone; dead += 1) deadLinks.push(`<a href="${gonePath(dead)}">An earlier post</a>`);
  const deadLink = deadLinks.length === 0 ? '' : `<p>${deadLinks.join(' ')}</p>`;
  const head = Buffer.from(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Post ${k}</title><link rel="stylesheet" href="/assets/site.css"></head><body><nav>${nav}</nav><main><h1>Post ${k}</h1><ul>${children.map((c) => `<li><a href="${pagePath(c)}">Post ${c}</a></li>`).join('')}</ul>${deadLink}`);
  const tail = Buffer.from(`<!-- ${'.'.repeat(Math.max(0, 2600 - head.length - 60))} --></main><footer>Bench site</footer></body></html>`);
  return Buffer.concat([head, filler, tail]);
}

/** Page number of a path, or undefined. */
function pageOf(path, pages) {
  if (path === '/') return 0;
  const match = /^\/post-(\d+)\/$/.exec(path);
  const k = match ? Number(match[1]) : Number.NaN;
  return Number.isInteger(k) && k >= 1 && k < pages ? k : undefined;
}

function sitemapXml(index, pages, gone) {
  const from = index * urlsPerSitemap;
  const to = Math.min(pages + gone, from + urlsPerSitemap);
  const urls = [];
  for (let k = from; k < to; k += 1) urls.push(`<url><loc>http://HOST${k < pages ? pagePath(k) : gonePath(k - pages)}</loc><lastmod>2026-01-01</lastmod></url>`);
  return `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.join('')}</urlset>`;
}

function siteHandler(pages, gone) {
  const sitemaps = Math.ceil((pages + gone) / urlsPerSitemap);
  const sitemapTemplates = Array.from({ length: sitemaps }, (_, i) => sitemapXml(i, pages, gone));
  return (req, res, host) => {
    const path = (req.url ?? '/').split('?')[0];
    const k = pageOf(path, pages);
    const page = k === undefined ? undefined : sitePage(k, pages, gone);
    if (page) return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': page.length }).end(page);
    if (path === '/robots.txt') return res.writeHead(200, { 'content-type': 'text/plain' }).end(`User-agent: *\nDisallow: /admin/\nSitemap: http://${host}/sitemap_index.xml\n`);
    if (path === '/sitemap_index.xml') {
      const entries = Array.from({ length: sitemaps }, (_, i) => `<sitemap><loc>http://${host}/sitemap-${i + 1}.xml</loc></sitemap>`).join('');
      return res.writeHead(200, { 'content-type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${entries}</sitemapindex>`);
    }
    const sitemap = /^\/sitemap-(\d+)\.xml$/.exec(path);
    if (sitemap && Number(sitemap[1]) >= 1 && Number(sitemap[1]) <= sitemaps) {
      return res.writeHead(200, { 'content-type': 'application/xml' }).end(sitemapTemplates[Number(sitemap[1]) - 1].replaceAll('http://HOST', `http://${host}`));
    }
    return notFound(res);
  };
}

const notFoundBody = Buffer.from('<!DOCTYPE html><html><head><title>Not found</title></head><body><h1>404 Not Found</h1></body></html>');
function notFound(res) {
  res.writeHead(404, { 'content-type': 'text/html; charset=utf-8', 'content-length': notFoundBody.length }).end(notFoundBody);
}

const homePage = Buffer.from('<!DOCTYPE html><html><head><title>Probe target</title></head><body><h1>Hello</h1></body></html>');
function probeHandler(req, res) {
  if ((req.url ?? '/') === '/') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': homePage.length }).end(homePage);
  return notFound(res);
}

if (mode === 'demo') {
  const { startDemoSites } = await import('../../dist/demo/demo-site.js');
  const demo = await startDemoSites();
  process.send?.({ origins: Object.fromEntries(demo.sites.map((site) => [site.name, demo.origin(site.name)])) });
} else {
  const handle = mode === 'site' ? siteHandler(Number(size), Number(gone)) : (req, res) => probeHandler(req, res);
  const server = createServer((req, res) => {
    requests += 1;
    if (arrivals.length < maxArrivals) arrivals.push(performance.now());
    handle(req, res, req.headers.host ?? '127.0.0.1');
  });
  // Node's default of 5 s would close idle sockets between a scan's phases; clients decide.
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
}
