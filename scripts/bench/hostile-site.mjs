// A site whose every link is a trap, for the memory and deadline benchmark. Runs in its own
// process (so its memory is not counted as the scanner's) and prints its port to the parent.
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';

const mib = 1024 * 1024;
const chunk = Buffer.alloc(64 * 1024, 'a');
// 256 MiB of zeros compress to about 256 KiB: computed once, served as a "page".
const gzipBomb = gzipSync(Buffer.alloc(256 * mib), { level: 9 });
const sitemapGz = gzipSync(
  `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${Array.from({ length: 200_000 }, (_, n) => `<url><loc>http://127.0.0.1/p/${n}</loc></url>`).join('')}</urlset>`,
);

function stream(res, bytes, type) {
  res.writeHead(200, { 'content-type': type });
  let sent = 0;
  const pump = () => {
    while (sent < bytes) {
      sent += chunk.length;
      if (!res.write(chunk)) return res.once('drain', pump);
    }
    res.end();
  };
  res.on('error', () => undefined);
  pump();
}

const traps = {
  '/': (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    const links = ['/huge-page', '/json-50mb', '/gzip-bomb', '/trickle', '/endless', '/slow-headers', '/loop', '/many-links', '/wp-json/wp/v2/posts'];
    res.end(`<html><head><meta name="generator" content="WordPress 6.4"></head><body>${links.map((l) => `<a href="${l}">${l}</a>`).join('')}</body></html>`);
  },
  '/robots.txt': (req, res) => res.end('User-agent: *\nSitemap: /sitemap.xml.gz\n'),
  '/sitemap.xml.gz': (req, res) => res.writeHead(200, { 'content-type': 'application/gzip' }).end(sitemapGz),
  '/json-50mb': (req, res) => stream(res, 50 * mib, 'application/json'),
  '/gzip-bomb': (req, res) => res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }).end(gzipBomb),
  '/trickle': (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    const timer = setInterval(() => res.write('a'), 500);
    res.on('close', () => clearInterval(timer));
  },
  '/endless': (req, res) => stream(res, Number.POSITIVE_INFINITY, 'text/html'),
  '/slow-headers': () => undefined,
  '/loop': (req, res) => res.writeHead(302, { location: '/loop' }).end(),
  '/many-links': (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(Array.from({ length: 100_000 }, (_, n) => `<a href="/l/${n}">${n}</a>`).join(''));
  },
};

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  const trap = traps[path];
  // Everything else answers 6 MiB: the site that once took the scanner to 714 MB.
  if (trap) trap(req, res);
  else stream(res, 6 * mib, 'text/html');
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
