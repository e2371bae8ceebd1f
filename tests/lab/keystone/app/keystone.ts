// The Keystone lab's configuration. Keystone's access control is code, so the access mode is read
// from $KEYSTONE_LAB_STATE/access-mode when the server starts (misconfig.sh writes it and restarts):
//   (no file)   the configuration a site ships: anyone may query posts, but an anonymous visitor
//               only gets those whose status is published (a filter on the query operation);
//               signed-in users get every post. Users are readable by signed-in users only.
//   open-read   the common mistake: `access: { operation: { query: allowAll } }` with no filter,
//               so the public GraphQL API returns drafts too.
import { readFileSync } from 'node:fs'
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { config, list } from '@keystone-6/core'
import { allowAll } from '@keystone-6/core/access'
import { password, select, text, timestamp } from '@keystone-6/core/fields'
import { statelessSessions } from '@keystone-6/core/session'
import { createAuth } from '@keystone-6/auth'

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set (run through tests/lab/keystone/up.sh)`)
  return value
}

const stateDir = required('KEYSTONE_LAB_STATE')
let mode = 'default'
try {
  mode = readFileSync(`${stateDir}/access-mode`, 'utf8').trim() || 'default'
} catch {}
console.log(`[lab] access mode: ${mode}`)

type Session = { itemId: string; data?: unknown }
const isSignedIn = ({ session }: { session?: Session }) => Boolean(session)

const { withAuth } = createAuth({
  listKey: 'User',
  identityField: 'email',
  secretField: 'password',
})

export default withAuth(
  config({
    db: {
      provider: 'sqlite',
      prismaClientOptions: () => ({
        adapter: new PrismaBetterSqlite3({ url: required('DATABASE_URL') }),
      }),
      // The lab's editor, so that seed.mjs can sign in through the GraphQL API.
      async onConnect(context) {
        const sudo = context.sudo()
        const email = required('KEYSTONE_LAB_ADMIN_EMAIL')
        if ((await sudo.db.User.count({ where: { email: { equals: email } } })) !== 0) return
        await sudo.db.User.createOne({
          data: { name: 'Lab editor', email, password: required('KEYSTONE_LAB_ADMIN_PASSWORD') },
        })
        console.log(`[lab] created the editor ${email}`)
      },
    },
    server: {
      options: { host: required('KEYSTONE_LAB_HOST'), port: Number(required('KEYSTONE_LAB_PORT')) },
    },
    telemetry: false,
    session: statelessSessions({ secret: required('SESSION_SECRET'), maxAge: 60 * 60 }),
    lists: {
      User: list({
        access: {
          operation: { query: isSignedIn, create: isSignedIn, update: isSignedIn, delete: isSignedIn },
        },
        fields: {
          name: text({ validation: { isRequired: true } }),
          email: text({ validation: { isRequired: true }, isIndexed: 'unique' }),
          password: password({ validation: { isRequired: true } }),
        },
      }),
      Post: list({
        access:
          mode === 'open-read'
            ? {
                operation: { query: allowAll, create: isSignedIn, update: isSignedIn, delete: isSignedIn },
              }
            : {
                operation: { query: allowAll, create: isSignedIn, update: isSignedIn, delete: isSignedIn },
                filter: {
                  query: ({ session }) => (session ? true : { status: { equals: 'published' } }),
                },
              },
        fields: {
          title: text({ validation: { isRequired: true } }),
          content: text({ ui: { displayMode: 'textarea' } }),
          status: select({
            options: [
              { label: 'Draft', value: 'draft' },
              { label: 'Published', value: 'published' },
            ],
            defaultValue: 'draft',
            validation: { isRequired: true },
          }),
          publishDate: timestamp(),
        },
      }),
    },
  })
)
