#!/usr/bin/env bash
# Starts every lab CMS (installing what is missing) and seeds it. Idempotent.
# Usage: bash tests/lab/up-all.sh [cms...]   (default: every folder with an up.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/proc.sh"
labs=("$@")
if ((${#labs[@]} == 0)); then
  for dir in "$here"/*/; do [[ -f $dir/up.sh ]] && labs+=("$(basename "$dir")"); done
fi
for cms in "${labs[@]}"; do
  start=$SECONDS
  lab_log "== $cms: up"
  bash "$here/$cms/up.sh"
  lab_log "== $cms: up in $((SECONDS - start)) s"
done
