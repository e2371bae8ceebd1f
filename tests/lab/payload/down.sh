#!/usr/bin/env bash
# Stops the Payload (next start) that up.sh started, by its PID file's process group only. Safe to
# run twice. The database and uploads stay in $DRAFTLEAK_LAB_DIR/payload, so the next up.sh is quick.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/proc.sh"
lab_stop payload
