#!/usr/bin/env bash
# Usage: misconfig.sh on|off|status open-read
# Payload's access rules are code, so the lab's payload.config.js reads an access mode from
# $DRAFTLEAK_LAB_DIR/payload/access-mode at server start; this script writes it and restarts.
#   open-read  `read: () => true` on the drafts-enabled `articles` collection: the real-world
#              mistake that serves drafts (`_status: "draft"`) to anonymous GET /api/articles
# `off` removes the file, which restores Payload's default (only logged-in users may read).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/proc.sh"
source "$here/env.sh"
if (($# != 2)) || [[ $2 != open-read ]]; then
  echo "usage: $0 on|off|status open-read" >&2
  exit 2
fi
action=$1 name=$2
current=$(cat "$PAYLOAD_LAB_MODE_FILE" 2>/dev/null || echo default)
case $action in
  status)
    [[ $current == "$name" ]] && echo "$name: on" || echo "$name: off"
    exit 0 ;;
  on) wanted=$name ;;
  off) wanted=default ;;
  *) echo "usage: $0 on|off|status open-read" >&2; exit 2 ;;
esac
lab_running payload || { echo "the payload lab is not running (bash $here/up.sh)" >&2; exit 1; }
if [[ $current == "$wanted" ]]; then
  echo "$name: already $action" >&2
  exit 0
fi
if [[ $wanted == default ]]; then rm -f "$PAYLOAD_LAB_MODE_FILE"; else echo "$wanted" >"$PAYLOAD_LAB_MODE_FILE"; fi
lab_stop payload
payload_start
echo "$name: $action (server restarted)" >&2
