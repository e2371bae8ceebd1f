# Directus configuration for the lab, shared by up.sh, seed.mjs and misconfig.sh. Source it after
# lib/proc.sh. Directus reads all of these from the environment (no .env file in the repo).
DIRECTUS_LAB_STATE=$DRAFTLEAK_LAB_DIR/directus
export DIRECTUS_LAB_STATE

# Bound to loopback only, on the lab's fixed port.
export HOST=127.0.0.1 PORT=8055
export PUBLIC_URL=http://127.0.0.1:8055
export NODE_ENV=production
export DB_CLIENT=sqlite3 DB_FILENAME=$DIRECTUS_LAB_STATE/data.db
export STORAGE_LOCATIONS=local STORAGE_LOCAL_DRIVER=local STORAGE_LOCAL_ROOT=$DIRECTUS_LAB_STATE/uploads
export EXTENSIONS_PATH=$DIRECTUS_LAB_STATE/extensions
# Fixed test values: this instance only ever listens on 127.0.0.1 and holds seeded test data.
export KEY=draftleak-lab-directus-key-00000000 SECRET=draftleak-lab-directus-secret-0000000
# Pitfall 5: Directus rejects an ADMIN_EMAIL in the .test TLD ("Value has to be a valid email
# address"), so use example.com. With these three set, `directus bootstrap` asks nothing.
export ADMIN_EMAIL=${DIRECTUS_LAB_ADMIN_EMAIL:-admin@example.com}
export ADMIN_PASSWORD=${DIRECTUS_LAB_ADMIN_PASSWORD:-draftleak-lab-password}
export ADMIN_TOKEN=${DIRECTUS_LAB_ADMIN_TOKEN:-draftleak-lab-admin-token}
# No telemetry; the "Update available" banner is an npm lookup that does not delay startup.
export TELEMETRY=false
export LOG_LEVEL=${DIRECTUS_LAB_LOG_LEVEL:-info} LOG_STYLE=raw
# draftleak scans with up to 50 requests a second; keep Directus' own limiter (off by default) off.
export RATE_LIMITER_ENABLED=false
