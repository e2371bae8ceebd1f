# Process helpers shared by the lab scripts. Source it; never run it.
# Every server a lab starts is recorded by PID file and stopped by that PID's process group only,
# never by name, so a lab never touches processes it did not start.

: "${DRAFTLEAK_LAB_DIR:=/tmp/draftleak-lab}"
: "${DRAFTLEAK_LAB_CACHE:=$HOME/.cache/draftleak-lab}"
export DRAFTLEAK_LAB_DIR DRAFTLEAK_LAB_CACHE
mkdir -p "$DRAFTLEAK_LAB_DIR" "$DRAFTLEAK_LAB_CACHE"

lab_log() { printf '[lab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# lab_start NAME LOGFILE CMD...: starts CMD in its own session (process group) in the background.
lab_start() {
  local name=$1 log=$2
  shift 2
  local pidfile="$DRAFTLEAK_LAB_DIR/$name.pid"
  if lab_running "$name"; then
    lab_log "$name already running (pid $(cat "$pidfile"))"
    return 0
  fi
  setsid "$@" >>"$log" 2>&1 < /dev/null &
  echo $! >"$pidfile"
  lab_log "$name started (pid $!), log $log"
}

lab_running() {
  local pidfile="$DRAFTLEAK_LAB_DIR/$1.pid"
  [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

# lab_stop NAME: TERM, then KILL after 10 s, to the process group recorded in NAME.pid.
lab_stop() {
  local name=$1 pidfile="$DRAFTLEAK_LAB_DIR/$1.pid" pid
  [[ -f $pidfile ]] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    lab_log "$name stopped (pid $pid)"
  fi
  rm -f "$pidfile"
}

# lab_wait_http URL SECONDS: waits until URL answers any HTTP status.
lab_wait_http() {
  local url=$1 limit=${2:-120} start=$SECONDS
  until curl -s -o /dev/null -m 5 "$url"; do
    if (( SECONDS - start > limit )); then lab_log "timed out waiting for $url"; return 1; fi
    sleep 1
  done
}

# lab_cache_key FILE...: a key for a node_modules cache: the lock files' hash plus the Node ABI.
lab_cache_key() {
  cat "$@" | sha256sum | cut -c1-16 | tr -d '\n'
  printf -- '-node%s' "$(node -p process.versions.modules)"
}

# lab_cache_restore SRC DEST: replaces DEST with a copy of SRC (a cached node_modules or build).
# Hard links when the cache is on the same file system (seconds, no extra space; nothing writes
# into these folders after they were cached), a full copy otherwise.
lab_cache_restore() {
  local src=$1 dest=$2
  rm -rf "$dest"
  cp -al "$src" "$dest" 2>/dev/null || { rm -rf "$dest"; cp -a "$src" "$dest"; }
}

# lab_cache_save CACHE NAME SRC: stores a full copy of SRC as CACHE/NAME (a copy, not links, so
# nothing the app later writes in place can change the cache), atomically, so an interrupted copy
# is never taken for a cache.
lab_cache_save() {
  local cache=$1 name=$2 src=$3
  mkdir -p "$cache"
  rm -rf "${cache:?}/$name.tmp"
  cp -a "$src" "$cache/$name.tmp"
  rm -rf "${cache:?}/$name"
  mv "$cache/$name.tmp" "$cache/$name"
}
