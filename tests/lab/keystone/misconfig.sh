#!/usr/bin/env bash
# Usage: misconfig.sh on|off|status open-read
# Keystone's access control is code, so the lab's keystone.ts reads an access mode from
# $DRAFTLEAK_LAB_DIR/keystone/access-mode at server start; this script writes it and restarts.
#   open-read  the Post list keeps `operation: { query: allowAll }` but loses its
#              `filter: { query }` (anonymous visitors: status published only): the real-world
#              mistake that serves drafts to anonymous GraphQL queries of `posts`
# `off` removes the file, which restores the lab's default (drafts for signed-in users only).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/proc.sh"
source "$here/env.sh"
if (($# != 2)) || [[ $2 != open-read ]]; then
  echo "usage: $0 on|off|status open-read" >&2
  exit 2
fi
action=$1 name=$2
current=$(cat "$KEYSTONE_LAB_MODE_FILE" 2>/dev/null || echo default)
case $action in
  status)
    [[ $current == "$name" ]] && echo "$name: on" || echo "$name: off"
    exit 0 ;;
  on) wanted=$name ;;
  off) wanted=default ;;
  *) echo "usage: $0 on|off|status open-read" >&2; exit 2 ;;
esac
lab_running keystone || { echo "the keystone lab is not running (bash $here/up.sh)" >&2; exit 1; }
if [[ $current == "$wanted" ]]; then
  echo "$name: already $action" >&2
  exit 0
fi
if [[ $wanted == default ]]; then rm -f "$KEYSTONE_LAB_MODE_FILE"; else echo "$wanted" >"$KEYSTONE_LAB_MODE_FILE"; fi
lab_stop keystone
keystone_start
echo "$name: $action (server restarted)" >&2
