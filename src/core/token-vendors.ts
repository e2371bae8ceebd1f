/**
 * The hosted CMS APIs a token found on a site may be checked against with --verify-tokens: each
 * vendor's documented delivery, preview and management API hosts. Only these are ever in scope
 * for a verification call, and only for that call; the user's own headers never go there.
 */
const exactHosts = new Set([
  // Contentful: Content Delivery, Content Preview, GraphQL, Management APIs
  'cdn.contentful.com',
  'preview.contentful.com',
  'graphql.contentful.com',
  'api.contentful.com',
  'cdn.eu.contentful.com',
  'preview.eu.contentful.com',
  'graphql.eu.contentful.com',
  'api.eu.contentful.com',
  // Storyblok: Content Delivery API per region
  'api.storyblok.com',
  'api-us.storyblok.com',
  'api-ap.storyblok.com',
  'api-ca.storyblok.com',
  'app.storyblok.com',
  // DatoCMS: Content Delivery (GraphQL) and Content Management APIs
  'graphql.datocms.com',
  'graphql-listen.datocms.com',
  'site-api.datocms.com',
  // Contentstack: Delivery and Preview per region
  'cdn.contentstack.io',
  'eu-cdn.contentstack.com',
  'azure-na-cdn.contentstack.com',
  'azure-eu-cdn.contentstack.com',
  'gcp-na-cdn.contentstack.com',
  'rest-preview.contentstack.com',
  'eu-rest-preview.contentstack.com',
  'azure-na-rest-preview.contentstack.com',
  'azure-eu-rest-preview.contentstack.com',
  'graphql.contentstack.com',
  'eu-graphql.contentstack.com',
  'graphql-preview.contentstack.com',
  'api.contentstack.io',
  // Kontent.ai: Delivery, Preview Delivery and Management APIs
  'manage.kontent.ai',
  'deliver.kontent.ai',
  'preview-deliver.kontent.ai',
  'graphql.kontent.ai',
  'preview-graphql.kontent.ai',
]);

// Vendors whose API host carries the project: <project>.api.sanity.io, <repo>.cdn.prismic.io,
// <region>.cdn.hygraph.com/content/<id>/<env>, api-<region>.hygraph.com.
const hostSuffixes = ['.api.sanity.io', '.apicdn.sanity.io', '.cdn.prismic.io', '.prismic.io', '.hygraph.com', '.graphcms.com'];

/** True when `url` is on one of the token vendors' documented API hosts, over https. */
export function isTokenVendorHost(url: URL): boolean {
  if (url.protocol !== 'https:' || (url.port !== '' && url.port !== '443')) return false;
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  return exactHosts.has(host) || hostSuffixes.some((suffix) => host.endsWith(suffix) && host.length > suffix.length);
}
