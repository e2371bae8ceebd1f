// Payload 3 config for the draftleak lab. Plain JS (the repository's tsconfig includes tests/), and
// extensionless relative imports (Turbopack cannot resolve './x.js' to './x.ts', pitfall 7).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sqliteAdapter } from '@payloadcms/db-sqlite';
import { buildConfig } from 'payload';
import { Articles } from './collections/articles';
import { Media } from './collections/media';
import { Users } from './collections/users';
import { migrations } from './migrations';

const stateDir = process.env.PAYLOAD_LAB_STATE || '/tmp/draftleak-lab/payload';

/**
 * The lab's access mode, read once at server start (misconfig.sh writes the file and restarts):
 *   default    no access functions: Payload's default, only logged-in users may read
 *   open-read  `read: () => true` on the drafts-enabled articles, the real-world mistake that
 *              hands drafts (`_status: "draft"`) to anonymous GET /api/articles
 */
function accessMode() {
  try {
    return readFileSync(path.join(stateDir, 'access-mode'), 'utf8').trim() || 'default';
  } catch {
    return 'default';
  }
}
const mode = accessMode();

export default buildConfig({
  serverURL: process.env.PAYLOAD_LAB_URL || 'http://127.0.0.1:3030',
  secret: process.env.PAYLOAD_SECRET || 'draftleak-lab-payload-secret-000000',
  telemetry: false,
  admin: { user: Users.slug },
  collections: [Articles(mode), Media(stateDir), Users],
  db: sqliteAdapter({
    client: { url: process.env.DATABASE_URL || `file:${path.join(stateDir, 'payload.db')}` },
    // Pitfall 7: in production the schema comes only from the committed migrations.
    prodMigrations: migrations,
    migrationDir: path.resolve(process.cwd(), 'migrations'),
  }),
});
