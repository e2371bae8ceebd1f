#!/usr/bin/env bash
# Turns the WordPress lab's misconfigurations on and off, on the running instance. Each toggle
# only adds or removes files, and waits until the change shows over HTTP.
#   misconfig.sh list | status | on NAME | off NAME | off-all
# Names (each one is a mistake real sites make):
#   autoindex     Apache "Options +Indexes" on the uploads folder (Debian's stock /var/www vhost
#                 has Options Indexes; a site copied into it lists its uploads)
#   rest-drafts   a "headless preview" mu-plugin that widens the REST post query to drafts and lets
#                 anyone read them
#   sched-public  a "show upcoming posts" mu-plugin that makes the future status public
#   debug-log     WP_DEBUG + WP_DEBUG_LOG left on: wp-content/debug.log in the web root
#   cfg-backup    an editor's backup wp-config.php.bak beside wp-config.php in the web root
#   front-drafts  a "front page preview" pre_get_posts snippet that widens the home page's main
#                 query to drafts and scheduled posts (the theme prints status-draft/status-future)
#   sched-by-id   a "headless pre-render" map_meta_cap filter that makes scheduled posts readable by
#                 id through the REST API (the lists and ?status=future stay closed)
#   draft-media   a "media library for the front end" map_meta_cap filter that makes every
#                 attachment readable, those of drafts included (the drafts stay closed)
#   month-listing Options +Indexes on the uploads folder with a "Silence is golden" index.php
#                 in its top folder only: the top answers a blank page, each month folder lists
#                 (excludes autoindex: the top folder either lists or it does not)
#   db-dump       a mariadb-dump of the site's database left in the web root as backup.sql
#   backup-folder a cron job's gzipped database dumps in wp-content/backups/, with Options
#                 +Indexes on that folder so that the admin can fetch them from a browser
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/env.sh"

names=(autoindex rest-drafts sched-public debug-log cfg-backup front-drafts sched-by-id draft-media month-listing db-dump backup-folder)

usage() {
  echo "usage: $0 list | status | on NAME | off NAME | off-all   (NAME: ${names[*]})" >&2
  exit 2
}

[[ -f $WP_STATE ]] || { lab_log "wordpress: no $WP_STATE; run up.sh first"; exit 1; }

# The file each toggle adds.
file_for() {
  case $1 in
    autoindex) echo "$WP_LAB/apache/misconfig.d/autoindex.conf" ;;
    rest-drafts) echo "$WP_CONTENT/mu-plugins/wplab-rest-drafts.php" ;;
    sched-public) echo "$WP_CONTENT/mu-plugins/wplab-sched-public.php" ;;
    debug-log) echo "$WP_LAB/config.d/debug-log.php" ;;
    cfg-backup) echo "$WP_WWW/wp-config.php.bak" ;;
    front-drafts | sched-by-id | draft-media) echo "$WP_CONTENT/mu-plugins/wplab-$1.php" ;;
    month-listing) echo "$WP_LAB/apache/misconfig.d/month-listing.conf" ;;
    db-dump) echo "$WP_WWW/backup.sql" ;;
    backup-folder) echo "$WP_CONTENT/backups" ;;
    *) usage ;;
  esac
}

# Apache re-reads its config on SIGUSR1 (graceful restart) without dropping the listener.
apache_graceful() {
  kill -USR1 "$(cat "$DRAFTLEAK_LAB_DIR/$WP_PROC_WEB.pid")"
}

# is_on NAME: whether the toggle's file is there.
is_on() {
  [[ -e $(file_for "$1") ]]
}

# wp_wait_body PATH REGEX on|off [SECONDS]: waits until the body of PATH matches REGEX (on) or no
# longer does (off), for toggles that change what a page says rather than its status.
wp_wait_body() {
  local path=$1 regex=$2 want=$3 limit=${4:-30} start=$SECONDS body
  while true; do
    body=$(curl -s -m 10 "$WP_BASE$path" || true)
    if grep -Eq -- "$regex" <<<"$body"; then
      [[ $want == on ]] && return 0
    else
      [[ $want == off ]] && return 0
    fi
    if (( SECONDS - start > limit )); then
      lab_log "wordpress: $path $([[ $want == on ]] && echo "does not match" || echo "still matches") $regex (waited ${limit}s)"
      return 1
    fi
    sleep 0.2
  done
}

# wait_for NAME on|off: polls the URL that shows the misconfiguration until it does (or no longer does).
wait_for() {
  local name=$1 state=$2 draft sched
  case $name in
    # With month-listing on, the top uploads folder answers its index.php (200) either way.
    autoindex) wp_wait_status /wp-content/uploads/ "$([[ $state == on ]] || is_on month-listing && echo 200 || echo 403)" ;;
    rest-drafts)
      draft=$(wp_state_get 's.posts["draft-1"].id')
      wp_wait_status "/wp-json/wp/v2/posts/$draft" "$([[ $state == on ]] && echo 200 || echo 401)"
      ;;
    sched-public)
      sched=$(wp_state_get 's.posts.scheduled.id')
      wp_wait_status "/?p=$sched" "$([[ $state == on ]] && echo 200 || echo 404)"
      ;;
    debug-log) wp_wait_status /wp-content/debug.log "$([[ $state == on ]] && echo 200 || echo 404)" ;;
    cfg-backup) wp_wait_status /wp-config.php.bak "$([[ $state == on ]] && echo 200 || echo 404)" ;;
    front-drafts) wp_wait_body / 'status-draft' "$state" ;;
    sched-by-id)
      # sched-public makes the future status public: the post is readable by id either way.
      sched=$(wp_state_get 's.posts.scheduled.id')
      wp_wait_status "/wp-json/wp/v2/posts/$sched" "$([[ $state == on ]] || is_on sched-public && echo 200 || echo 401)"
      ;;
    draft-media)
      # rest-drafts makes the draft readable, and with it the files attached to it.
      draft=$(wp_state_get 's.posts["draft-1"].id')
      wp_wait_body "/wp-json/wp/v2/media?parent=$draft" "\"post\":$draft[,}]" "$([[ $state == on ]] || is_on rest-drafts && echo on || echo off)"
      ;;
    month-listing)
      # The month folder of the draft's media lists; without the toggle it is 403 (no index, no
      # Indexes), unless autoindex lists the whole uploads tree.
      wp_wait_status "$(wp_state_get 'new URL(s.media["media-draft-image"].url).pathname.replace(/[^/]*$/, "")')" "$([[ $state == on ]] || is_on autoindex && echo 200 || echo 403)"
      ;;
    db-dump) wp_wait_status /backup.sql "$([[ $state == on ]] && echo 200 || echo 404)" ;;
    backup-folder) wp_wait_status /wp-content/backups/ "$([[ $state == on ]] && echo 200 || echo 404)" ;;
  esac
}

turn_on() {
  local name=$1 file
  file=$(file_for "$name")
  if { [[ $name == autoindex ]] && is_on month-listing; } || { [[ $name == month-listing ]] && is_on autoindex; }; then
    lab_log "wordpress: autoindex and month-listing exclude each other (the top uploads folder lists or it does not)"
    exit 1
  fi
  case $name in
    autoindex)
      cat >"$file" <<EOF
# draftleak lab misconfiguration "autoindex"
<Directory $WP_CONTENT/uploads>
  Options +Indexes
</Directory>
EOF
      apache_graceful
      ;;
    rest-drafts | sched-public | front-drafts | sched-by-id | draft-media)
      install -m 644 -o www-data -g www-data "$here/lib/mu-plugins/$(basename "$file")" "$file"
      ;;
    month-listing)
      # The index file some hardening guides and hosts drop into uploads/: it covers the folder it
      # sits in, and nothing below it.
      printf '<?php\n// Silence is golden.\n' >"$WP_CONTENT/uploads/index.php"
      chown www-data:www-data "$WP_CONTENT/uploads/index.php"
      cat >"$file" <<EOF
# draftleak lab misconfiguration "month-listing"
<Directory $WP_CONTENT/uploads>
  Options +Indexes
</Directory>
EOF
      apache_graceful
      ;;
    db-dump)
      # What "mysqldump wplab > backup.sql" in the web root leaves: schema and every row, drafts'
      # text and users' password hashes included.
      mariadb-dump --no-defaults --socket="$WP_DB_SOCK" -uroot --single-transaction wplab >"$file.tmp"
      chmod 644 "$file.tmp"
      mv "$file.tmp" "$file"
      ;;
    backup-folder)
      # A nightly "mysqldump | gzip" into wp-content/backups/ (two nights, fixed dates), and
      # directory indexes on that folder so that the admin can pick a file from a browser.
      mkdir -p "$file"
      for day in 2024-05-09 2024-05-10; do
        mariadb-dump --no-defaults --socket="$WP_DB_SOCK" -uroot --single-transaction wplab | gzip -n >"$file/wplab-db-$day.sql.gz"
      done
      chmod 755 "$file"
      chmod 644 "$file"/*
      cat >"$WP_LAB/apache/misconfig.d/backup-folder.conf" <<EOF
# draftleak lab misconfiguration "backup-folder"
<Directory $WP_CONTENT/backups>
  Options +Indexes
</Directory>
EOF
      apache_graceful
      ;;
    debug-log)
      # WP_DEBUG_DISPLAY stays off, as on the sites that "only log": pages look normal, and the
      # log is public at /wp-content/debug.log.
      cat >"$file" <<'EOF'
<?php
// draftleak lab misconfiguration "debug-log"
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_LOG', true );
define( 'WP_DEBUG_DISPLAY', false );
EOF
      # One XML-RPC request makes WordPress 6.1 on PHP 8.2 log real lines (IXR dynamic-property
      # deprecations, with server paths); any later page adds more.
      curl -s -o /dev/null -m 20 -H 'content-type: text/xml' \
        --data '<?xml version="1.0"?><methodCall><methodName>system.listMethods</methodName><params></params></methodCall>' \
        "$WP_BASE/xmlrpc.php" || true
      ;;
    cfg-backup)
      cp -p "$WP_WWW/wp-config.php" "$file"
      ;;
  esac
  wait_for "$name" on
  lab_log "wordpress: $name on"
}

turn_off() {
  local name=$1 file
  file=$(file_for "$name")
  rm -rf "$file"
  case $name in
    autoindex) apache_graceful ;;
    month-listing)
      rm -f "$WP_CONTENT/uploads/index.php"
      apache_graceful
      ;;
    db-dump) rm -f "$file.tmp" ;;
    backup-folder)
      rm -f "$WP_LAB/apache/misconfig.d/backup-folder.conf"
      apache_graceful
      ;;
    debug-log)
      # A request that started before the config went away may still append to the log: delete
      # it until it stays deleted.
      for _ in $(seq 1 50); do
        rm -f "$WP_CONTENT/debug.log"
        [[ $(wp_status /wp-content/debug.log) == 404 ]] && break
        sleep 0.2
      done
      ;;
  esac
  wait_for "$name" off
  lab_log "wordpress: $name off"
}

case ${1:-} in
  list) printf '%s\n' "${names[@]}" ;;
  status)
    for name in "${names[@]}"; do
      [[ -e $(file_for "$name") ]] && echo "$name on" || echo "$name off"
    done
    ;;
  on) [[ -n ${2:-} ]] || usage; file_for "$2" >/dev/null; turn_on "$2" ;;
  off) [[ -n ${2:-} ]] || usage; file_for "$2" >/dev/null; turn_off "$2" ;;
  off-all) for name in "${names[@]}"; do turn_off "$name"; done ;;
  *) usage ;;
esac
