/** Articles with drafts. `mode` is the lab's access mode (see payload.config.js). */
export const Articles = (mode) => ({
  slug: 'articles',
  versions: { drafts: true },
  ...(mode === 'open-read' ? { access: { read: () => true } } : {}),
  fields: [
    { name: 'title', type: 'text', required: true },
    { name: 'body', type: 'textarea' },
    { name: 'cover', type: 'upload', relationTo: 'media' },
  ],
});
