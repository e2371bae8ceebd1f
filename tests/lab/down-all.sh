#!/usr/bin/env bash
# Stops every lab process this checkout started (by PID file only). Safe to run twice.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/proc.sh"
for dir in "$here"/*/; do
  [[ -f $dir/down.sh ]] && bash "$dir/down.sh" || true
done
