#!/usr/bin/env bash
# Stops the Strapi 4 lab's server by its PID file (process group), never by name. Keeps the data in
# $DRAFTLEAK_LAB_DIR/strapi4, so the next up.sh starts again without seeding; RESET=1 up.sh wipes it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/proc.sh"
lab_stop strapi4
