#!/usr/bin/env bash
# Named misconfigurations of the Strapi 4 lab, set through the admin API (users-permissions roles):
#   public-find    Public role gets find + findOne on article: drafts readable with
#                  ?publicationState=preview on find, and by id on findOne
#   public-upload  Public role gets find + findOne on upload: GET /api/upload/files lists every file
# Usage: misconfig.sh on|off|status NAME. `off` restores the default Public role exactly.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/proc.sh"
(($# == 2)) || { echo "usage: $0 on|off|status public-find|public-upload" >&2; exit 2; }
run=$DRAFTLEAK_LAB_DIR/strapi4
[[ -f $run/state.json ]] || { echo "the Strapi 4 lab is not up (no $run/state.json); run up.sh" >&2; exit 1; }
set -a
source "$run/secrets.env"
set +a
export STRAPI_LAB_DIR=$run STRAPI_LAB_BASE_URL=http://127.0.0.1:1338
exec node "$here/lab.mjs" misconfig "$1" "$2"
