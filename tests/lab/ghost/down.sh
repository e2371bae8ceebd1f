#!/usr/bin/env bash
# Stops the Ghost lab started by up.sh, by its PID file (process group) only. Safe to run twice.
# The state folder ($DRAFTLEAK_LAB_DIR/ghost) is kept, so the next up.sh is a quick restart.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/proc.sh"
lab_stop ghost
