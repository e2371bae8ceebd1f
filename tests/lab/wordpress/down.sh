#!/usr/bin/env bash
# Stops the WordPress lab: Apache, then MariaDB, each by the PID file up.sh recorded (never by
# name). Data stays in $WP_LAB, so the next up.sh is quick. Safe to run twice.
# --purge also deletes the lab folder.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/env.sh"
lab_stop "$WP_PROC_WEB"
# MariaDB flushes and exits on TERM; lab_stop waits up to 10 s before it would KILL.
lab_stop "$WP_PROC_DB"
if [[ ${1:-} == --purge ]]; then
  rm -rf "$WP_LAB"
  lab_log "wordpress: removed $WP_LAB"
fi
