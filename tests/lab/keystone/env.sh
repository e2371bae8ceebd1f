# Keystone configuration for the lab, shared by up.sh, misconfig.sh and seed.mjs. Source it after
# lib/proc.sh. app/keystone.ts reads these from the environment (no .env file in the repo).
KEYSTONE_LAB_STATE=$DRAFTLEAK_LAB_DIR/keystone
KEYSTONE_LAB_APP=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/app
export KEYSTONE_LAB_STATE KEYSTONE_LAB_APP

# Bound to loopback only, on the lab's fixed port.
export KEYSTONE_LAB_HOST=127.0.0.1 KEYSTONE_LAB_PORT=3040
export KEYSTONE_LAB_URL=http://127.0.0.1:3040
export NODE_ENV=production
export DATABASE_URL=file:$KEYSTONE_LAB_STATE/keystone.db
# Fixed test values: this instance only ever listens on 127.0.0.1 and holds seeded test data.
export SESSION_SECRET=draftleak-lab-keystone-session-secret-0000
export KEYSTONE_LAB_ADMIN_EMAIL=${KEYSTONE_LAB_ADMIN_EMAIL:-editor@example.com}
export KEYSTONE_LAB_ADMIN_PASSWORD=${KEYSTONE_LAB_ADMIN_PASSWORD:-draftleak-lab-password}
# No telemetry (keystone.ts also sets telemetry: false; Keystone only sends it from `keystone dev`).
export KEYSTONE_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 NEXT_TELEMETRY_DISABLED=1
# Prisma's CLI fetches its schema engine binary on every command, even `format` and `generate`,
# which are WebAssembly and never run it; the download cannot succeed here. Pointing the variable
# at an existing file skips the download; `keystone build` only runs format and generate, and the
# migrations are applied without the engine (up.sh), so the stand-in is never executed.
export PRISMA_SCHEMA_ENGINE_BINARY=/bin/false PRISMA_HIDE_UPDATE_MESSAGE=1

# The access mode keystone.ts reads at server start (misconfig.sh writes it).
KEYSTONE_LAB_MODE_FILE=$KEYSTONE_LAB_STATE/access-mode

# keystone_start: starts `keystone start --no-ui` from the built app and waits for the API.
keystone_start() {
  if ! lab_running keystone; then
    (cd "$KEYSTONE_LAB_APP" && lab_start keystone "$KEYSTONE_LAB_STATE/keystone.log" \
      node "$KEYSTONE_LAB_APP/node_modules/@keystone-6/core/bin/cli.js" start --no-ui)
  fi
  if ! lab_wait_http "$KEYSTONE_LAB_URL/api/graphql" 120; then
    tail -n 30 "$KEYSTONE_LAB_STATE/keystone.log" >&2
    return 1
  fi
}
