#!/usr/bin/env bash
# Named misconfigurations of the Ghost lab (see misconfig.mjs for what each reproduces):
#   misconfig.sh on|off|status leaked-preview|draft-images
# `off` restores the default exactly (the saved post content / code injection value).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/proc.sh"
source "$here/env.sh"
if (($# != 2)); then
  echo "usage: $0 on|off|status leaked-preview|draft-images" >&2
  exit 2
fi
exec node "$here/misconfig.mjs" "$1" "$2"
