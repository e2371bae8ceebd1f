import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';

/**
 * A loopback site that answers like a misconfigured WordPress: a listable uploads folder always
 * (wp-uploads-directory-listing, medium) and, while `state.leakDrafts` is true, drafts in the
 * REST list (wp-rest-unpublished-posts, critical). Flip the state between scans to add an exposure.
 */
export interface WordpressLikeSite extends LoopbackServer {
  state: { leakDrafts: boolean };
}

const draftList = JSON.stringify([
  { id: 7, date_gmt: '2024-05-01T10:00:00', slug: 'draft-1', status: 'draft', type: 'post', link: '/?p=7' },
  { id: 4, date_gmt: '2024-04-01T10:00:00', slug: 'published-1', status: 'publish', type: 'post', link: '/published-1/' },
]);
const uploadsListing =
  '<html><head><title>Index of /wp-content/uploads/</title></head><body><h1>Index of /wp-content/uploads/</h1><pre><a href="../">../</a>\n<a href="draft.png">draft.png</a></pre></body></html>';

export async function startWordpressLikeSite(initial: { leakDrafts: boolean }): Promise<WordpressLikeSite> {
  const state = { ...initial };
  const server = await startLoopbackServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/') {
      res
        .writeHead(200, { 'content-type': 'text/html', link: `<http://${req.headers.host}/wp-json/>; rel="https://api.w.org/"` })
        .end('<html><head><meta name="generator" content="WordPress 6.4.2"></head><body>home</body></html>');
    } else if (url === '/wp-json/') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'Test', namespaces: ['oembed/1.0', 'wp/v2'], routes: {} }));
    } else if (url === '/wp-json/wp/v2/posts?per_page=100' && state.leakDrafts) {
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' }).end(draftList);
    } else if (url === '/wp-content/uploads/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(uploadsListing);
    } else {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><title>Page not found</title></html>');
    }
  });
  return Object.assign(server, { state });
}
