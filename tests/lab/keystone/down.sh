#!/usr/bin/env bash
# Stops the Keystone server that up.sh started, by its PID file's process group only. Safe to run
# twice. The database stays in $DRAFTLEAK_LAB_DIR/keystone, so the next up.sh is quick.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/proc.sh"
lab_stop keystone
