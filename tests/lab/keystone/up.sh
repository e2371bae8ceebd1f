#!/usr/bin/env bash
# Keystone lab: installs Keystone 6 (@keystone-6/core 8.1.0, Prisma 7.10 with SQLite through
# better-sqlite3) if missing, builds it (`keystone build --no-ui`), creates the database from the
# committed migrations, starts it on 127.0.0.1:3040, seeds it through its GraphQL API and writes
# $DRAFTLEAK_LAB_DIR/keystone/state.json.
# Idempotent: on a running, seeded lab it only re-reads the ids. RESET=1 rebuilds from scratch.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/proc.sh"
source "$here/env.sh"

app=$KEYSTONE_LAB_APP

if [[ ${RESET:-0} == 1 ]]; then
  lab_log "keystone: RESET=1, removing $KEYSTONE_LAB_STATE and the build"
  lab_stop keystone
  rm -rf "$KEYSTONE_LAB_STATE" "$app/.keystone" "$app/generated" "$app/schema.prisma" "$app/schema.graphql"
fi
mkdir -p "$KEYSTONE_LAB_STATE"

# --- install ---------------------------------------------------------------------------------
# node_modules is keyed on the lock file and the Node ABI. better-sqlite3 has no prebuilt binary
# here (its install fetches one from GitHub, which fails), so npm ci compiles it with node-gyp
# (g++, make, python3 and the Node headers: minutes on two cores); the cache keeps the result.
# @prisma/engines' postinstall also fails to fetch the schema engine, silently; it is not needed.
key=$(lab_cache_key "$app/package-lock.json")
cache=$DRAFTLEAK_LAB_CACHE/keystone-$key
marker=$app/node_modules/.draftleak-lab-key
if [[ -f $marker && $(cat "$marker") == "$key" ]]; then
  : # installed and current
elif [[ -d $cache/node_modules ]]; then
  lab_log "keystone: restoring node_modules from $cache"
  lab_cache_restore "$cache/node_modules" "$app/node_modules"
  echo "$key" >"$marker"
else
  lab_log "keystone: npm ci (no cache at $cache; compiles better-sqlite3, several minutes)"
  # The registry here is an incomplete snapshot, so only the committed lock is trusted.
  (cd "$app" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$key" >"$marker"
  lab_cache_save "$cache" node_modules "$app/node_modules"
  lab_log "keystone: node_modules saved to $cache"
fi
version=$(node -p "require('$app/node_modules/@keystone-6/core/package.json').version")

# --- build ---------------------------------------------------------------------------------------
# `keystone build --no-ui` bundles keystone.ts into .keystone/, writes schema.prisma and
# schema.graphql and generates the Prisma client into generated/ (a few seconds). No Admin UI: the
# lab scans the GraphQL API, and the Admin UI would need a Next build.
build_key=$(cd "$app" && sha256sum keystone.ts prisma.config.ts package-lock.json | sha256sum | cut -c1-16)
build_marker=$app/.keystone/.draftleak-lab-build-key
if [[ ! -f $build_marker || $(cat "$build_marker") != "$build_key" || ! -d $app/generated/prisma ]]; then
  lab_log "keystone: keystone build --no-ui"
  lab_stop keystone
  if ! (cd "$app" && node node_modules/@keystone-6/core/bin/cli.js build --no-ui >"$KEYSTONE_LAB_STATE/build.log" 2>&1); then
    tail -n 40 "$KEYSTONE_LAB_STATE/build.log" >&2
    exit 1
  fi
  echo "$build_key" >"$build_marker"
fi

# --- database ------------------------------------------------------------------------------------
# Applies the committed migrations that the database has not seen yet (recorded in a table of the
# lab's own), with better-sqlite3, since Prisma's schema engine (migrate deploy, db push) is a
# binary that cannot be had here.
(cd "$app" && node --input-type=module - "${DATABASE_URL#file:}" migrations <<'JS'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
const Database = createRequire(path.resolve('package.json'))('better-sqlite3')
const [file, dir] = process.argv.slice(2)
const db = new Database(file)
db.exec('CREATE TABLE IF NOT EXISTS "_draftleak_lab_migrations" ("name" TEXT NOT NULL PRIMARY KEY)')
const done = new Set(db.prepare('SELECT "name" FROM "_draftleak_lab_migrations"').pluck().all())
for (const name of fs.readdirSync(dir).sort()) {
  const sql = path.join(dir, name, 'migration.sql')
  if (done.has(name) || !fs.existsSync(sql)) continue
  db.transaction(() => {
    db.exec(fs.readFileSync(sql, 'utf8'))
    db.prepare('INSERT INTO "_draftleak_lab_migrations" ("name") VALUES (?)').run(name)
  })()
  console.error(`[lab] keystone: applied migration ${name}`)
}
// The migrations are hand-kept: check that every model and scalar field of the schema.prisma that
// `keystone build` generated from keystone.ts has its table and column, so a change to keystone.ts
// without a new migration fails here instead of as a GraphQL error in the lab tests.
const schema = fs.readFileSync('schema.prisma', 'utf8')
const missing = []
for (const [, model, body] of schema.matchAll(/^model (\w+) \{\n([^}]*)\}/gm)) {
  const columns = new Set(db.prepare(`PRAGMA table_info("${model}")`).all().map((column) => column.name))
  for (const [, field] of body.matchAll(/^\s+(\w+)\s+(?:String|Int|Float|Boolean|DateTime|Json|Decimal|BigInt|Bytes)\b/gm)) {
    if (!columns.has(field)) missing.push(`${model}.${field}`)
  }
}
db.close()
if (missing.length > 0) {
  console.error(`[lab] keystone: schema.prisma has ${missing.join(', ')}, which no migration in app/migrations creates: add one`)
  process.exit(1)
}
JS
)

# --- start ---------------------------------------------------------------------------------------
keystone_start

# --- seed (creates only what is missing) and state file ------------------------------------------
KEYSTONE_LAB_VERSION=$version node "$here/seed.mjs"
echo "$KEYSTONE_LAB_URL"
