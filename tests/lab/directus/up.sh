#!/usr/bin/env bash
# Directus lab: installs Directus 11.3.5 (npm, SQLite) if missing, starts it on 127.0.0.1:8055,
# seeds it through its REST API and writes $DRAFTLEAK_LAB_DIR/directus/state.json.
# Idempotent: on a running, seeded lab it only re-reads the ids. RESET=1 rebuilds from scratch.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/proc.sh"
source "$here/env.sh"

app=$here/app

if [[ ${RESET:-0} == 1 ]]; then
  lab_log "directus: RESET=1, removing $DIRECTUS_LAB_STATE"
  lab_stop directus
  rm -rf "$DIRECTUS_LAB_STATE"
fi
mkdir -p "$DIRECTUS_LAB_STATE" "$STORAGE_LOCAL_ROOT" "$EXTENSIONS_PATH"

# --- install ---------------------------------------------------------------------------------
# node_modules is keyed on the lock file and the Node ABI (sqlite3 and isolated-vm are native).
key=$(lab_cache_key "$app/package-lock.json")
cache=$DRAFTLEAK_LAB_CACHE/directus-$key
marker=$app/node_modules/.draftleak-lab-key
if [[ -f $marker && $(cat "$marker") == "$key" ]]; then
  : # installed and current
elif [[ -d $cache/node_modules ]]; then
  lab_log "directus: restoring node_modules from $cache"
  lab_cache_restore "$cache/node_modules" "$app/node_modules"
  echo "$key" >"$marker"
else
  lab_log "directus: npm ci (no cache at $cache; this builds sqlite3 and isolated-vm from source)"
  # Pitfall 1: the registry here is an incomplete snapshot, so only the committed lock is trusted.
  # Pitfall 9: npm 11 warns that install scripts are "not yet covered by allowScripts" but runs
  # them; sqlite3 and isolated-vm need them. prebuild-install fails fast on github.com and falls
  # back to node-gyp (nodedir=/usr in ~/.npmrc, so no header download). isolated-vm is the longest
  # C++ build of all the labs and node-gyp compiles one file at a time unless JOBS is set.
  (cd "$app" && JOBS=${JOBS:-max} npm ci --no-audit --no-fund --loglevel=error)
  echo "$key" >"$marker"
  lab_cache_save "$cache" node_modules "$app/node_modules"
  lab_log "directus: node_modules saved to $cache"
fi
version=$(node -p "require('$app/node_modules/directus/package.json').version")

# --- bootstrap and start ------------------------------------------------------------------------
if ! lab_running directus; then
  if [[ ! -f $DIRECTUS_LAB_STATE/bootstrapped || ! -f $DB_FILENAME ]]; then
    lab_log "directus: bootstrap (database $DB_FILENAME)"
    # Pitfall 5: a failed bootstrap (e.g. an ADMIN_EMAIL in .test) leaves a half-made database
    # behind, so start from an empty file every time and mark success explicitly.
    rm -f "$DB_FILENAME"
    if ! (cd "$DIRECTUS_LAB_STATE" && "$app/node_modules/.bin/directus" bootstrap >>"$DIRECTUS_LAB_STATE/bootstrap.log" 2>&1); then
      tail -n 30 "$DIRECTUS_LAB_STATE/bootstrap.log" >&2
      rm -f "$DB_FILENAME"
      exit 1
    fi
    touch "$DIRECTUS_LAB_STATE/bootstrapped"
  fi
  # cwd is the state dir, so nothing Directus writes lands in the repository.
  (cd "$DIRECTUS_LAB_STATE" && lab_start directus "$DIRECTUS_LAB_STATE/directus.log" "$app/node_modules/.bin/directus" start)
fi
if ! lab_wait_http "$PUBLIC_URL/server/ping" 120; then
  tail -n 30 "$DIRECTUS_LAB_STATE/directus.log" >&2
  exit 1
fi

# --- seed (creates only what is missing) and state file ------------------------------------------
DIRECTUS_LAB_VERSION=$version node "$here/seed.mjs"
echo "$PUBLIC_URL"
