#!/usr/bin/env bash
# Strapi 5 lab: installs what is missing, starts Strapi on 127.0.0.1:1337, seeds it through the
# admin API, writes $DRAFTLEAK_LAB_DIR/strapi/state.json and prints the base URL. Idempotent: on a
# running, seeded lab it only checks and prints. RESET=1 wipes the instance (database, uploads,
# state) and seeds it again; the installed app and its cache are kept.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/proc.sh"

app=$here/app
run=$DRAFTLEAK_LAB_DIR/strapi
port=1337
base_url=http://127.0.0.1:$port

# Same environment for build, start, seed: production mode (GraphQL/admin defaults differ in
# development) and nothing that phones home. Strapi 5.54 only warns about
# STRAPI_DISABLE_UPDATE_NOTIFICATION; the update check is off in app/config/server.js
# (logger.updates.enabled), telemetry also in app/package.json (strapi.telemetryDisabled).
export NODE_ENV=production STRAPI_TELEMETRY_DISABLED=true STRAPI_DISABLE_UPDATE_NOTIFICATION=true DO_NOT_TRACK=1
export STRAPI_LAB_DIR=$run STRAPI_LAB_BASE_URL=$base_url

if [[ ${RESET:-0} == 1 ]]; then
  lab_stop strapi
  rm -rf "$run"
fi

# --- install: node_modules + the built admin panel, from the cache when it has them -------------
# The cache key covers the lock file and the Node ABI (better-sqlite3 is native).
key=$(lab_cache_key "$app/package-lock.json")
cache=$DRAFTLEAK_LAB_CACHE/strapi-$key
if [[ $(cat "$app/node_modules/.draftleak-lab-key" 2>/dev/null) != "$key" || ! -f $app/build/index.html ]]; then
  lab_stop strapi # never swap node_modules under a running server
  rm -rf "$app/node_modules" "$app/build" "$app/.strapi"
  if [[ -f $cache/node_modules/.draftleak-lab-key && -f $cache/build/index.html ]]; then
    lab_log "strapi: restoring node_modules and the admin build from $cache"
    lab_cache_restore "$cache/node_modules" "$app/node_modules"
    lab_cache_restore "$cache/build" "$app/build"
  else
    lab_log "strapi: npm ci (no cache at $cache)"
    # Pitfall: the registry here is an incomplete snapshot; the committed lock pins versions that
    # install (@strapi/strapi 5.54.0, better-sqlite3 12.8.0, which builds from source with node-gyp
    # and the local headers: prebuild-install cannot reach GitHub and falls back fast).
    (cd "$app" && npm ci --no-audit --no-fund --loglevel=error)
    lab_log "strapi: building the admin panel"
    # Pitfall: the Strapi CLI takes the repository's own tsconfig.json (found by walking up from
    # the app) for the app's and fails at "Compiling TS"; the preload hides it.
    (cd "$app" && STRAPI_LAB_APP_DIR=$app NODE_OPTIONS="--require $here/ignore-parent-tsconfig.cjs --max-old-space-size=3072" \
      node node_modules/@strapi/strapi/bin/strapi.js build --silent)
    echo "$key" >"$app/node_modules/.draftleak-lab-key"
    lab_log "strapi: saving node_modules and the admin build to $cache"
    lab_cache_save "$cache" node_modules "$app/node_modules"
    lab_cache_save "$cache" build "$app/build"
  fi
fi

# --- run-time files, all under $DRAFTLEAK_LAB_DIR/strapi ----------------------------------------
mkdir -p "$run/public/uploads"
cp "$app/public/robots.txt" "$run/public/robots.txt"
if [[ ! -f $run/secrets.env ]]; then
  # Fresh secrets per instance, so none is committed.
  node -e '
    const r = (n = 16) => require("node:crypto").randomBytes(n).toString("base64");
    console.log([
      `APP_KEYS=${[r(), r(), r(), r()].join(",")}`, `API_TOKEN_SALT=${r()}`, `ADMIN_JWT_SECRET=${r()}`,
      `JWT_SECRET=${r()}`, `TRANSFER_TOKEN_SALT=${r()}`, `ENCRYPTION_KEY=${r()}`,
      `LAB_ADMIN_EMAIL=lab-admin@example.com`, `LAB_ADMIN_PASSWORD=Lab-${require("node:crypto").randomBytes(9).toString("hex")}-A1`,
    ].join("\n"));' >"$run/secrets.env"
  chmod 600 "$run/secrets.env"
fi
set -a
source "$run/secrets.env"
set +a
export HOST=127.0.0.1 PORT=$port DATABASE_FILENAME=$run/data.db STRAPI_PUBLIC_DIR=$run/public

# --- start --------------------------------------------------------------------------------------
start_strapi() {
  (cd "$app" && lab_start strapi "$run/strapi.log" node node_modules/@strapi/strapi/bin/strapi.js start)
  # The very first start creates the schema (up to ~20 s, longer on a loaded machine).
  if ! lab_wait_http "$base_url/_health" 240; then
    tail -n 40 "$run/strapi.log" >&2
    return 1
  fi
}
start_strapi

# --- seed (once per database) -------------------------------------------------------------------
# `check` passes when state.json was written by this seed, for this Strapi, and the database still
# has its admin; otherwise (first run, a seed that stopped half-way, an older seed) start over from
# an empty database, so nothing is ever seeded twice.
if ! node "$here/lab.mjs" check 2>/dev/null; then
  if [[ -f $run/state.json || $(curl -s -m 10 "$base_url/admin/init") == *'"hasAdmin":true'* ]]; then
    lab_log "strapi: instance does not match its state file, resetting the database"
    lab_stop strapi
    rm -rf "$run"/data.db* "$run/public/uploads" "$run/admin-token.json" "$run/state.json" "$run/public-role.default.json"
    mkdir -p "$run/public/uploads"
    start_strapi
  fi
  node "$here/lab.mjs" seed
fi
# The audit's API tokens (read-only and least-privilege custom): created once, kept in state.json.
node "$here/lab.mjs" inventory-tokens

echo "$base_url"
