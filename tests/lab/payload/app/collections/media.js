import path from 'node:path';

/** Uploads, stored under the lab's state dir (never in the repository). Default access. */
export const Media = (stateDir) => ({
  slug: 'media',
  upload: { staticDir: path.join(stateDir, 'media') },
  fields: [{ name: 'alt', type: 'text' }],
});
