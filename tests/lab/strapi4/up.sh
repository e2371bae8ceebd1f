#!/usr/bin/env bash
# Strapi 4 lab: installs what is missing, starts Strapi 4.26.2 on 127.0.0.1:1338, seeds it through
# the admin API, writes $DRAFTLEAK_LAB_DIR/strapi4/state.json and prints the base URL. Idempotent:
# on a running, seeded lab it only checks and prints. RESET=1 wipes the instance (database,
# uploads, state) and seeds it again; the installed app and its cache are kept.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/proc.sh"

app=$here/app
run=$DRAFTLEAK_LAB_DIR/strapi4
port=1338
base_url=http://127.0.0.1:$port

# Same environment for build, start, seed: production mode and nothing that phones home (Strapi 4
# honours STRAPI_DISABLE_UPDATE_NOTIFICATION; telemetry is also off in app/package.json).
export NODE_ENV=production STRAPI_TELEMETRY_DISABLED=true STRAPI_DISABLE_UPDATE_NOTIFICATION=true DO_NOT_TRACK=1
export STRAPI_LAB_DIR=$run STRAPI_LAB_BASE_URL=$base_url

if [[ ${RESET:-0} == 1 ]]; then
  lab_stop strapi4
  rm -rf "$run"
fi

# --- install: node_modules + the built admin panel, from the cache when it has them -------------
# The cache key covers the lock file and the Node ABI (better-sqlite3 is native).
key=$(lab_cache_key "$app/package-lock.json")
cache=$DRAFTLEAK_LAB_CACHE/strapi4-$key
if [[ $(cat "$app/node_modules/.draftleak-lab-key" 2>/dev/null) != "$key" || ! -f $app/build/index.html ]]; then
  lab_stop strapi4 # never swap node_modules under a running server
  rm -rf "$app/node_modules" "$app/build" "$app/.strapi" "$app/.cache"
  if [[ -f $cache/node_modules/.draftleak-lab-key && -f $cache/build/index.html ]]; then
    lab_log "strapi4: restoring node_modules and the admin build from $cache"
    lab_cache_restore "$cache/node_modules" "$app/node_modules"
    lab_cache_restore "$cache/build" "$app/build"
  else
    lab_log "strapi4: npm ci (no cache at $cache)"
    # Pitfalls of the registry snapshot, both handled by "overrides" in app/package.json:
    # - @strapi/plugin-upload 4.26.2 pins sharp 0.32.6, whose install script downloads libvips
    #   from GitHub (getaddrinfo ENOTFOUND github.com here; Debian's libvips 8.14.1 is older than
    #   the 8.14.5 it accepts instead), so sharp is 0.33.5, which takes libvips from npm
    #   (@img/sharp-libvips-linux-x64). The upload plugin calls only sharp(), metadata, resize,
    #   rotate, stats, toFile and toBuffer, all unchanged in 0.33.
    # - get-intrinsic 1.3.1 pulls async-function & co., whose require.mjs uses a string export
    #   name that the esbuild 0.16 of Strapi 4's webpack build cannot compile ("Using a string as
    #   a module namespace identifier name is not supported"), so get-intrinsic is 1.3.0.
    # better-sqlite3 11.10.0 builds from source with node-gyp and the local headers.
    (cd "$app" && npm ci --no-audit --no-fund --loglevel=error)
    lab_log "strapi4: building the admin panel"
    # Pitfall: as in ../strapi, the Strapi CLI finds the repository's own tsconfig.json by walking
    # up from the app; the preload hides it.
    (cd "$app" && STRAPI_LAB_APP_DIR=$app NODE_OPTIONS="--require $here/ignore-parent-tsconfig.cjs --max-old-space-size=3072" \
      node node_modules/@strapi/strapi/bin/strapi.js build)
    echo "$key" >"$app/node_modules/.draftleak-lab-key"
    lab_log "strapi4: saving node_modules and the admin build to $cache"
    lab_cache_save "$cache" node_modules "$app/node_modules"
    lab_cache_save "$cache" build "$app/build"
  fi
fi

# --- run-time files, all under $DRAFTLEAK_LAB_DIR/strapi4 ---------------------------------------
mkdir -p "$run/public/uploads"
cp "$app/public/robots.txt" "$run/public/robots.txt"
if [[ ! -f $run/secrets.env ]]; then
  # Fresh secrets per instance, so none is committed.
  node -e '
    const r = (n = 16) => require("node:crypto").randomBytes(n).toString("base64");
    console.log([
      `APP_KEYS=${[r(), r(), r(), r()].join(",")}`, `API_TOKEN_SALT=${r()}`, `ADMIN_JWT_SECRET=${r()}`,
      `JWT_SECRET=${r()}`, `TRANSFER_TOKEN_SALT=${r()}`,
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
  (cd "$app" && lab_start strapi4 "$run/strapi.log" node node_modules/@strapi/strapi/bin/strapi.js start)
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
    lab_log "strapi4: instance does not match its state file, resetting the database"
    lab_stop strapi4
    rm -rf "$run"/data.db* "$run/public/uploads" "$run/admin-token.json" "$run/state.json" "$run/public-role.default.json"
    mkdir -p "$run/public/uploads"
    start_strapi
  fi
  node "$here/lab.mjs" seed
fi

echo "$base_url"
