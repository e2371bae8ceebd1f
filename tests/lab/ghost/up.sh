#!/usr/bin/env bash
# Ghost lab: installs Ghost 5.130.6 (npm tarball, SQLite) into app/ if missing, starts it on
# 127.0.0.1:2368, seeds it through the Admin API from a staff session and writes
# $DRAFTLEAK_LAB_DIR/ghost/state.json. Prints the base URL.
# Idempotent: on a running, seeded lab it only re-reads the ids. RESET=1 rebuilds from scratch.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/proc.sh"
source "$here/env.sh"

app=$here/app
version=$(node -p "require('$app/package.json').version")

if [[ ${RESET:-0} == 1 ]]; then
  lab_log "ghost: RESET=1, removing $GHOST_LAB_STATE"
  lab_stop ghost
  rm -rf "$GHOST_LAB_STATE"
fi
mkdir -p "$GHOST_LAB_STATE"

# --- Ghost's own files -----------------------------------------------------------------------------
# Ghost 5.130.6 is the last 5.x; every 6.x needs Node ^22.13 (this machine has Node 20).
# The npm tarball holds the server (core/, components/, content/themes/...). Only app/package.json
# and app/yarn.lock are committed; the rest is unpacked here from the registry tarball.
# Pitfall 3: the tarball's own package.json has the monorepo's devDependencies and its yarn.lock
# is the monorepo's (yarn --frozen-lockfile fails on it, and even --production fetches dev deps
# from codeload.github.com). So the committed package.json is Ghost's with devDependencies
# stripped, and the committed yarn.lock was made from it, with registry.npmjs.org URLs only.
# The tarball's package.json and yarn.lock are therefore never unpacked over the committed ones.
unpacked=$app/.draftleak-ghost-$version
if [[ ! -f $unpacked ]]; then
  lab_log "ghost: unpacking ghost@$version from the npm registry into $app"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack "ghost@$version" --silent >/dev/null)
  find "$app" -mindepth 1 -maxdepth 1 ! -name package.json ! -name yarn.lock ! -name .gitignore ! -name node_modules -exec rm -rf {} +
  # Ghost's TypeScript sources (*.ts, each compiled to the .js beside it, which is what runs) are
  # left out: the repository's tsconfig.json includes tests/, and would type-check them.
  tar -xzf "$tmp/ghost-$version.tgz" -C "$app" --strip-components=1 \
    --exclude=package/package.json --exclude=package/yarn.lock --exclude='*.ts' --exclude=package/tsconfig.json
  rm -rf "$tmp"
  touch "$unpacked"
fi

# --- node_modules ----------------------------------------------------------------------------------
# Keyed on the lock file and the Node ABI (sqlite3 and re2 are native).
key=$(lab_cache_key "$app/yarn.lock")
cache=$DRAFTLEAK_LAB_CACHE/ghost-$key
marker=$app/node_modules/.draftleak-lab-key
if [[ -f $marker && $(cat "$marker") == "$key" ]]; then
  : # installed and current
elif [[ -d $cache/node_modules ]]; then
  lab_log "ghost: restoring node_modules from $cache"
  lab_cache_restore "$cache/node_modules" "$app/node_modules"
  echo "$key" >"$marker"
else
  lab_log "ghost: yarn install (no cache at $cache; this builds sqlite3 and re2 from source)"
  # Pitfall 3: yarn 1 from npm (npx --yes: ~/.npmrc says yes=false, and CI has no stdin), and
  # only the committed lock is trusted (--frozen-lockfile; pitfall 1: the registry here is an
  # incomplete snapshot). The install scripts of sqlite3 and re2 must run (pitfall 9):
  # prebuild-install fails fast on github.com and falls back to node-gyp, which must use the
  # local Node headers instead of downloading them.
  if [[ -z ${npm_config_nodedir:-} && -f /usr/include/node/node.h ]]; then export npm_config_nodedir=/usr; fi
  # node-gyp compiles on every core (sqlite3 would otherwise build with one job).
  export JOBS=${JOBS:-max}
  (cd "$app" && npx --yes yarn@1.22.22 install --frozen-lockfile --non-interactive --ignore-engines \
    --network-timeout 600000 --silent --no-progress)
  echo "$key" >"$marker"
  lab_cache_save "$cache" node_modules "$app/node_modules"
  lab_log "ghost: node_modules saved to $cache"
fi

# --- content folder and config ---------------------------------------------------------------------
# Everything Ghost writes (SQLite database, uploaded images, logs) lives under $GHOST_LAB_STATE.
# Ghost-CLI would copy the bundled themes into the content folder; so do we, once.
mkdir -p "$GHOST_CONTENT"/{data,images,logs,settings,themes,adapters,public,files,media}
for theme in "$app"/content/themes/*/; do
  name=$(basename "$theme")
  [[ -d $GHOST_CONTENT/themes/$name ]] || cp -a "$theme" "$GHOST_CONTENT/themes/$name"
done
# Ghost finds its own package.json from the working directory (@tryghost/root-utils): a `current`
# symlink there, as Ghost-CLI lays out an install, or the nearest package.json above. The working
# directory is the state folder, so it gets the symlink to app/.
ln -sfn "$app" "$GHOST_LAB_STATE/current"
# Ghost reads config.production.json from its working directory, which is the state folder.
# Pitfall 4: staffDeviceVerification defaults to true (a password login from a new device waits
# for an emailed code), so it is off, with the stub mail transport; useTinfoil stops the update
# check, gravatar lookups and pings, so Ghost never calls outside 127.0.0.1.
cat >"$GHOST_LAB_STATE/config.production.json" <<JSON
{
  "url": "$GHOST_URL",
  "server": { "host": "127.0.0.1", "port": $GHOST_PORT },
  "database": {
    "client": "sqlite3",
    "connection": { "filename": "$GHOST_CONTENT/data/ghost.db" },
    "useNullAsDefault": true,
    "debug": false
  },
  "paths": { "contentPath": "$GHOST_CONTENT" },
  "privacy": { "useTinfoil": true },
  "mail": { "transport": "stub", "from": "lab@example.com" },
  "security": { "staffDeviceVerification": false },
  "logging": { "level": "warn", "transports": ["stdout"] }
}
JSON

# --- start -----------------------------------------------------------------------------------------
if ! lab_running ghost; then
  # cwd is the state folder, so Ghost finds the config there and writes nothing into the repo.
  (cd "$GHOST_LAB_STATE" && lab_start ghost "$GHOST_LAB_STATE/ghost.log" env NODE_ENV=production node "$app/index.js")
fi
# Like lab_wait_http, but gives up at once when the server has died (its log says why).
start=$SECONDS
until curl -s -o /dev/null -m 5 "$GHOST_URL/ghost/api/admin/site/"; do
  if ! lab_running ghost || ((SECONDS - start > 180)); then
    lab_log "ghost: not answering on $GHOST_URL; the end of $GHOST_LAB_STATE/ghost.log:"
    tail -n 40 "$GHOST_LAB_STATE/ghost.log" >&2
    exit 1
  fi
  sleep 1
done

# --- seed (creates only what is missing) and state file --------------------------------------------
if ! GHOST_LAB_VERSION=$version node "$here/seed.mjs"; then
  tail -n 40 "$GHOST_LAB_STATE/ghost.log" >&2
  exit 1
fi
echo "$GHOST_URL"
