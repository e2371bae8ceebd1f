# Payload configuration for the lab, shared by up.sh, misconfig.sh and seed.mjs. Source it after
# lib/proc.sh. payload.config.js reads these from the environment (no .env file in the repo).
PAYLOAD_LAB_STATE=$DRAFTLEAK_LAB_DIR/payload
PAYLOAD_LAB_APP=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/app
export PAYLOAD_LAB_STATE PAYLOAD_LAB_APP

# Bound to loopback only, on the lab's fixed port.
export PAYLOAD_LAB_HOST=127.0.0.1 PAYLOAD_LAB_PORT=3030
export PAYLOAD_LAB_URL=http://127.0.0.1:3030
export NODE_ENV=production
export DATABASE_URL=file:$PAYLOAD_LAB_STATE/payload.db
# Fixed test values: this instance only ever listens on 127.0.0.1 and holds seeded test data.
export PAYLOAD_SECRET=draftleak-lab-payload-secret-000000
export PAYLOAD_LAB_ADMIN_EMAIL=${PAYLOAD_LAB_ADMIN_EMAIL:-admin@example.com}
export PAYLOAD_LAB_ADMIN_PASSWORD=${PAYLOAD_LAB_ADMIN_PASSWORD:-draftleak-lab-password}
# No telemetry (payload.config.js also sets telemetry: false).
export NEXT_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

# The access mode payload.config.js reads at server start (misconfig.sh writes it).
PAYLOAD_LAB_MODE_FILE=$PAYLOAD_LAB_STATE/access-mode

# payload_start: starts `next start` from the built app (pitfall 7: the process renames itself
# next-server, so it is only ever stopped by its PID file's process group) and waits for the API.
payload_start() {
  if ! lab_running payload; then
    (cd "$PAYLOAD_LAB_APP" && lab_start payload "$PAYLOAD_LAB_STATE/payload.log" \
      "$PAYLOAD_LAB_APP/node_modules/.bin/next" start -H "$PAYLOAD_LAB_HOST" -p "$PAYLOAD_LAB_PORT")
  fi
  # The first request initialises Payload and runs the committed migrations (prodMigrations).
  if ! lab_wait_http "$PAYLOAD_LAB_URL/api/users/init" 120; then
    tail -n 30 "$PAYLOAD_LAB_STATE/payload.log" >&2
    return 1
  fi
}
