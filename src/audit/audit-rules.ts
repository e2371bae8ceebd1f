import type { RuleMeta } from '../core/rule-meta.js';

/**
 * The two kinds of audit finding, as rules a report can describe (SARIF reportingDescriptors).
 * They are not YAML rules: the inventory decides what is unpublished, with the owner's own view.
 */
export const auditRules = {
  content: {
    id: 'audit-unpublished-content-reachable',
    name: 'An unpublished item (draft, pending, private, scheduled, trashed) is served to anonymous visitors',
    severity: 'critical',
    confidence: 'high',
    cms: ['wordpress', 'strapi', 'directus', 'ghost', 'payload'],
    tags: ['audit', 'draft', 'scheduled'],
    cwe: ['CWE-284', 'CWE-200'],
    description:
      'The owner\'s inventory (read with their credentials) lists this item as not published, and an anonymous request to one of the routes the CMS serves items on (its single-item API, its permalink, its ?p= style id URL or its preview URL) answered with the item itself: its id in the JSON, or its own page. Anyone who guesses or is sent that URL reads the unpublished content.',
    remediation:
      'Find what serves the item anonymously on the routes named (a plugin or a public role allowed to read drafts, a cache that stored a logged-in view, a custom endpoint) and close it; then run the audit again and confirm every route answers 401, 403 or 404. Treat what was reachable as published.',
    references: [
      'https://developer.wordpress.org/rest-api/reference/posts/',
      'https://developer.wordpress.org/advanced-administration/security/application-passwords/',
      'https://docs.strapi.io/cms/api/rest/status',
      'https://docs.directus.io/reference/items.html',
      'https://ghost.org/docs/admin-api/#posts',
      'https://payloadcms.com/docs/versions/drafts',
    ],
  },
  file: {
    id: 'audit-unpublished-file-reachable',
    name: 'A file of an unpublished item is served to anonymous visitors',
    severity: 'high',
    confidence: 'high',
    cms: ['wordpress', 'strapi', 'directus', 'ghost', 'payload'],
    tags: ['audit', 'draft-media'],
    cwe: ['CWE-284', 'CWE-200'],
    description:
      'The owner\'s inventory lists this file as uploaded to (or used only by) an item that is not published, and an anonymous request for the file, or for one of the sizes the CMS generated, answered with the file (the size the CMS recorded, or its type). Most CMSs store uploads as static files with public URLs whatever the state of the item: the draft\'s images and documents are readable by anyone who has or guesses the URL. A file of a scheduled item is critical: it is the embargoed content itself.',
    remediation:
      'Serve uploads of unpublished items through an access check (a private bucket with signed URLs, a media-protection plugin, the CMS\'s private file storage), or upload embargoed files only when publishing; then run the audit again and confirm every file route answers 401, 403 or 404. Files already served must be treated as published: rename or replace them if their content is sensitive.',
    references: [
      'https://developer.wordpress.org/rest-api/reference/media/',
      'https://docs.strapi.io/cms/api/rest/upload',
      'https://docs.directus.io/reference/files.html',
      'https://payloadcms.com/docs/upload/overview',
    ],
  },
} as const satisfies Record<string, RuleMeta>;
