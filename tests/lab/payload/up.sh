#!/usr/bin/env bash
# Payload lab: installs Payload 3.90.2 + Next 16.4.6 (npm, SQLite through libsql) if missing, builds
# the Next app, starts it on 127.0.0.1:3030, seeds it through its REST API and writes
# $DRAFTLEAK_LAB_DIR/payload/state.json.
# Idempotent: on a running, seeded lab it only re-reads the ids. RESET=1 rebuilds from scratch.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/proc.sh"
source "$here/env.sh"

app=$PAYLOAD_LAB_APP

if [[ ${RESET:-0} == 1 ]]; then
  lab_log "payload: RESET=1, removing $PAYLOAD_LAB_STATE and the build"
  lab_stop payload
  rm -rf "$PAYLOAD_LAB_STATE" "$app/.next"
fi
mkdir -p "$PAYLOAD_LAB_STATE/media"

# --- install ---------------------------------------------------------------------------------
# node_modules is keyed on the lock file and the Node ABI. No native builds: libsql and swc come
# as npm platform packages.
key=$(lab_cache_key "$app/package-lock.json")
cache=$DRAFTLEAK_LAB_CACHE/payload-$key
marker=$app/node_modules/.draftleak-lab-key
if [[ -f $marker && $(cat "$marker") == "$key" ]]; then
  : # installed and current
elif [[ -d $cache/node_modules ]]; then
  lab_log "payload: restoring node_modules from $cache"
  lab_cache_restore "$cache/node_modules" "$app/node_modules"
  echo "$key" >"$marker"
else
  lab_log "payload: npm ci (no cache at $cache)"
  # Pitfall 1: the registry here is an incomplete snapshot, so only the committed lock is trusted.
  (cd "$app" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$key" >"$marker"
  lab_cache_save "$cache" node_modules "$app/node_modules"
  lab_log "payload: node_modules saved to $cache"
fi
version=$(node -p "require('$app/node_modules/payload/package.json').version")

# --- build ---------------------------------------------------------------------------------------
# The built .next depends on the app's own files too, so it carries a second key over them.
build_key=$(cd "$app" && find app collections migrations payload.config.js next.config.mjs jsconfig.json package-lock.json -type f -print0 \
  | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
build_marker=$app/.next/.draftleak-lab-build-key
if [[ -f $build_marker && $(cat "$build_marker") == "$build_key" ]]; then
  : # built and current
elif [[ -f $cache/next/.draftleak-lab-build-key && $(cat "$cache/next/.draftleak-lab-build-key") == "$build_key" ]]; then
  lab_log "payload: restoring .next from $cache"
  lab_stop payload
  # A full copy, not links: Next writes into .next while it runs.
  rm -rf "$app/.next"
  cp -a "$cache/next" "$app/.next"
else
  lab_log "payload: next build (about 20-50 s, 1.4 GB peak)"
  lab_stop payload
  rm -rf "$app/.next"
  if ! (cd "$app" && "$app/node_modules/.bin/next" build >"$PAYLOAD_LAB_STATE/build.log" 2>&1); then
    tail -n 40 "$PAYLOAD_LAB_STATE/build.log" >&2
    exit 1
  fi
  echo "$build_key" >"$build_marker"
  # The build cache is only useful for rebuilding; the saved copy needs the output only.
  rm -rf "$app/.next/cache"
  lab_cache_save "$cache" next "$app/.next"
  lab_log "payload: .next saved to $cache"
fi

# --- start ---------------------------------------------------------------------------------------
payload_start

# --- seed (creates only what is missing) and state file ------------------------------------------
PAYLOAD_LAB_VERSION=$version node "$here/seed.mjs"
echo "$PAYLOAD_LAB_URL"
