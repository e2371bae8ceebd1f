# Settings shared by the Ghost lab scripts. Source it after ../lib/proc.sh; never run it.
GHOST_PORT=2368
GHOST_URL=http://127.0.0.1:$GHOST_PORT
GHOST_LAB_STATE=$DRAFTLEAK_LAB_DIR/ghost
GHOST_CONTENT=$GHOST_LAB_STATE/content
# The lab's owner account, made by the setup call in seed.mjs (example.com: a reserved domain).
GHOST_OWNER_EMAIL=owner@example.com
GHOST_OWNER_PASSWORD=draftleak-lab-Owner-2368
export GHOST_PORT GHOST_URL GHOST_LAB_STATE GHOST_CONTENT GHOST_OWNER_EMAIL GHOST_OWNER_PASSWORD
