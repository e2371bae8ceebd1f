#!/usr/bin/env bash
# Usage: misconfig.sh on|off|status public-items|public-files
# Switches a real Directus misconfiguration on the running lab (see misconfig.mjs for what each
# does). `off` restores the default exactly. Needs the lab started by up.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/proc.sh"
source "$here/env.sh"
if (($# != 2)); then
  echo "usage: $0 on|off|status public-items|public-files" >&2
  exit 2
fi
lab_running directus || { echo "the directus lab is not running (bash $here/up.sh)" >&2; exit 1; }
node "$here/misconfig.mjs" "$1" "$2"
# Directus caches permissions only when CACHE_ENABLED is set (it is not in this lab), so the change
# applies to the next request.
