#!/usr/bin/env bash
# The WordPress lab: Debian 12's wordpress (6.1.9) on Apache 2.4 + mod_php 8.2 and MariaDB 10.11,
# bound to 127.0.0.1:$DRAFTLEAK_WP_PORT (8081) only. Idempotent: installs missing packages, starts
# what is not running, installs and seeds WordPress once, writes $WP_LAB/state.json and prints the
# base URL on its last stdout line. RESET=1 stops the lab and rebuilds it from an empty folder.
# Logs go to stderr.
set -euo pipefail
# www-data must read what root creates here (docroot copy, uploads, configs).
umask 022
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/env.sh"

if [[ ${RESET:-0} == 1 ]]; then
  bash "$here/down.sh"
  rm -rf "$WP_LAB"
fi

# --- packages --------------------------------------------------------------------------------
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${WP_PACKAGES[@]}" 2>/dev/null || true)
missing=()
for pkg in "${WP_PACKAGES[@]}"; do
  grep -qx "$pkg install ok installed" <<<"$installed" || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  lab_log "wordpress: installing ${missing[*]}"
  # Without systemd, package postinsts run the sysv init scripts through invoke-rc.d, which would
  # start apache2 on *:80 and a system MariaDB. A policy-rc.d that exits 101 forbids that; create
  # one only for the install when the machine has none.
  own_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    own_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Other labs may run apt at the same time: wait for the lock instead of failing.
  apt_opts=(--no-install-recommends -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  if ! apt-get install -y -q "${apt_opts[@]}" "${missing[@]}" >&2; then
    apt-get update -q -o DPkg::Lock::Timeout=300 >&2
    apt-get install -y -q "${apt_opts[@]}" "${missing[@]}" >&2
  fi
  ((own_policy)) && rm -f /usr/sbin/policy-rc.d
fi

# write_if_changed FILE: writes stdin to FILE unless FILE already holds exactly that; status 0 when
# it wrote. A running server never reads a half-written file, and an unchanged one is left alone.
write_if_changed() {
  local file=$1 tmp
  tmp=$(mktemp "$file.XXXXXX")
  cat >"$tmp"
  chmod 644 "$tmp"
  if cmp -s "$tmp" "$file"; then
    rm -f "$tmp"
    return 1
  fi
  mv "$tmp" "$file"
}

mkdir -p "$WP_LAB"/{logs,config.d,apache/run,apache/misconfig.d,mysql-run}
# www-data must be able to traverse the lab folder (docroot, database socket).
chmod 755 "$DRAFTLEAK_LAB_DIR" "$WP_LAB"

# --- docroot: a copy of Debian's WordPress with its own wp-config.php --------------------------
# Debian's /usr/share/wordpress/wp-config.php only loads /etc/wordpress/config-<host>.php. A copy of
# the core files in the lab makes an ordinary single-site layout instead (wp-config.php and
# wp-content/ in the web root, like most real installs) and leaves /etc alone. The copy is redone
# when the package version changes; wp-content and wp-config.php are kept.
core_version=$(dpkg-query -W -f='${Version}' wordpress)
if [[ $(cat "$WP_LAB/core-version" 2>/dev/null) != "$core_version" ]]; then
  lab_log "wordpress: copying the core files ($core_version) into $WP_WWW"
  mkdir -p "$WP_WWW"
  rm -rf "$WP_WWW/wp-admin" "$WP_WWW/wp-includes"
  for entry in /usr/share/wordpress/*; do
    name=$(basename "$entry")
    [[ $name == wp-content || $name == wp-config.php ]] && continue
    cp -a "$entry" "$WP_WWW/"
  done
  # Written last: an interrupted copy is redone on the next run.
  echo "$core_version" >"$WP_LAB/core-version"
fi
mkdir -p "$WP_CONTENT"/{plugins,themes,uploads,mu-plugins}
# Themes and plugins stay in the package (Debian links them the same way).
for dir in themes plugins; do
  for entry in /usr/share/wordpress/wp-content/$dir/*; do
    [[ -e $WP_CONTENT/$dir/$(basename "$entry") ]] || ln -s "$entry" "$WP_CONTENT/$dir/"
  done
done
[[ -f $WP_CONTENT/index.php ]] || printf '<?php\n// Silence is golden.\n' >"$WP_CONTENT/index.php"

# The lab's secrets are fixed and say so: recordings of the cfg-backup misconfiguration contain
# this file, and they are committed.
write_if_changed "$WP_WWW/wp-config.php" <<EOF || true
<?php
// Written by tests/lab/wordpress/up.sh (draftleak lab, loopback only). Not a secret.
define( 'DB_NAME', 'wplab' );
define( 'DB_USER', 'wplab' );
define( 'DB_PASSWORD', 'wplab-db-pass-not-a-secret' );
define( 'DB_HOST', 'localhost:$WP_DB_SOCK' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
define( 'AUTH_KEY', 'draftleak-lab-auth-key-not-a-secret' );
define( 'SECURE_AUTH_KEY', 'draftleak-lab-secure-auth-key-not-a-secret' );
define( 'LOGGED_IN_KEY', 'draftleak-lab-logged-in-key-not-a-secret' );
define( 'NONCE_KEY', 'draftleak-lab-nonce-key-not-a-secret' );
define( 'AUTH_SALT', 'draftleak-lab-auth-salt-not-a-secret' );
define( 'SECURE_AUTH_SALT', 'draftleak-lab-secure-auth-salt-not-a-secret' );
define( 'LOGGED_IN_SALT', 'draftleak-lab-logged-in-salt-not-a-secret' );
define( 'NONCE_SALT', 'draftleak-lab-nonce-salt-not-a-secret' );
\$table_prefix = 'wp_';
define( 'WP_HOME', '$WP_BASE' );
define( 'WP_SITEURL', '$WP_BASE' );
// Application passwords need https or a local environment.
define( 'WP_ENVIRONMENT_TYPE', 'local' );
// No loopback cron requests, no calls to wordpress.org (there is no internet here).
define( 'DISABLE_WP_CRON', true );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_AUTO_UPDATE_CORE', false );
// Misconfiguration toggles (misconfig.sh) drop settings here.
foreach ( glob( '$WP_LAB/config.d/*.php' ) ?: array() as \$wplab_config ) {
	require \$wplab_config;
}
if ( ! defined( 'WP_DEBUG' ) ) {
	define( 'WP_DEBUG', false );
}
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
EOF

# --- MariaDB ---------------------------------------------------------------------------------
# Only a unix socket in the lab folder (--skip-networking): no TCP port at all. As root, mariadbd
# needs --user=mysql and mysql-owned folders, or it fails with "Bind on unix socket: Permission denied".
chown mysql:mysql "$WP_LAB/mysql-run"
chmod 755 "$WP_LAB/mysql-run"
if [[ ! -d $WP_LAB/mysql-data/mysql ]]; then
  lab_log "wordpress: initialising the MariaDB datadir"
  rm -rf "$WP_LAB/mysql-data"
  # --force: mariadb-install-db aborts when neither the hostname nor localhost resolves (a bare
  # container without /etc/hosts).
  mariadb-install-db --no-defaults --user=mysql --datadir="$WP_LAB/mysql-data" \
    --auth-root-authentication-method=socket --skip-test-db --force >"$WP_LAB/logs/mariadb-install.log" 2>&1 \
    || { tail -20 "$WP_LAB/logs/mariadb-install.log" >&2; exit 1; }
fi
lab_start "$WP_PROC_DB" "$WP_LAB/logs/mariadb.log" mariadbd --no-defaults --user=mysql \
  --datadir="$WP_LAB/mysql-data" --socket="$WP_DB_SOCK" --pid-file="$WP_LAB/mysql-run/mysqld.pid" \
  --skip-networking --log-error="$WP_LAB/logs/mariadb.err" \
  --innodb-buffer-pool-size=64M --innodb-log-file-size=16M --innodb-flush-log-at-trx-commit=2
start=$SECONDS
until mariadb-admin --no-defaults --socket="$WP_DB_SOCK" -uroot ping >/dev/null 2>&1; do
  if ! lab_running "$WP_PROC_DB" || ((SECONDS - start > 60)); then
    lab_log "wordpress: MariaDB did not come up"
    tail -20 "$WP_LAB/logs/mariadb.err" >&2 || true
    exit 1
  fi
  sleep 0.3
done
mariadb --no-defaults --socket="$WP_DB_SOCK" -uroot <<'SQL'
CREATE DATABASE IF NOT EXISTS wplab CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'wplab'@'localhost' IDENTIFIED BY 'wplab-db-pass-not-a-secret';
GRANT ALL PRIVILEGES ON wplab.* TO 'wplab'@'localhost';
SQL

# --- Apache ----------------------------------------------------------------------------------
# A self-contained config: nothing from /etc/apache2 but Debian's stock autoindex and mime
# settings. Pretty-permalink rewrite rules sit in the <Directory> block (AllowOverride None);
# Debian's own htaccess has them commented out, and without them /wp-json/ does not route.
conf_changed=0
write_if_changed "$WP_LAB/apache/apache2.conf" <<EOF && conf_changed=1
# Written by tests/lab/wordpress/up.sh
ServerRoot /etc/apache2
ServerName 127.0.0.1
Listen 127.0.0.1:$WP_PORT
PidFile $WP_LAB/apache/apache2.pid
DefaultRuntimeDir $WP_LAB/apache/run
Mutex file:$WP_LAB/apache/run default
ErrorLog $WP_LAB/logs/apache-error.log
LogLevel warn
LoadModule mpm_prefork_module /usr/lib/apache2/modules/mod_mpm_prefork.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so
LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so
LoadModule env_module /usr/lib/apache2/modules/mod_env.so
LoadModule autoindex_module /usr/lib/apache2/modules/mod_autoindex.so
LoadModule php_module /usr/lib/apache2/modules/libphp8.2.so
User www-data
Group www-data
StartServers 2
MinSpareServers 2
MaxSpareServers 4
MaxRequestWorkers 12
KeepAlive On
LogFormat "%h %t \"%r\" %>s %b" lab
CustomLog $WP_LAB/logs/apache-access.log lab
Include /etc/apache2/mods-available/mime.conf
Include /etc/apache2/mods-available/autoindex.conf
DocumentRoot $WP_WWW
DirectoryIndex index.php index.html
<Directory />
  Options FollowSymLinks
  AllowOverride None
  Require all denied
</Directory>
<Directory $WP_WWW>
  Options FollowSymLinks
  AllowOverride None
  Require all granted
  RewriteEngine On
  RewriteBase /
  RewriteRule ^index\.php$ - [L]
  RewriteCond %{REQUEST_FILENAME} !-f
  RewriteCond %{REQUEST_FILENAME} !-d
  RewriteRule . /index.php [L]
</Directory>
<Directory /usr/share/wordpress/wp-content>
  Require all granted
</Directory>
<FilesMatch "^\.ht">
  Require all denied
</FilesMatch>
<FilesMatch ".+\.php$">
  SetHandler application/x-httpd-php
</FilesMatch>
# Misconfiguration toggles (misconfig.sh) drop files here.
IncludeOptional $WP_LAB/apache/misconfig.d/*.conf
EOF
if ! apache2 -t -f "$WP_LAB/apache/apache2.conf" >"$WP_LAB/logs/apache-configtest.log" 2>&1; then
  cat "$WP_LAB/logs/apache-configtest.log" >&2
  exit 1
fi
# -DFOREGROUND keeps the Apache parent as the process lab_start recorded, so lab_stop (by PID file
# and process group) stops it and its children, and nothing else.
if lab_running "$WP_PROC_WEB" && ((conf_changed)); then
  # A running Apache keeps its old config until told to re-read it (graceful restart).
  kill -USR1 "$(cat "$DRAFTLEAK_LAB_DIR/$WP_PROC_WEB.pid")"
fi
if ! lab_running "$WP_PROC_WEB" && curl -s -o /dev/null -m 3 "$WP_BASE/"; then
  lab_log "wordpress: something else already answers on 127.0.0.1:$WP_PORT (set DRAFTLEAK_WP_PORT)"
  exit 1
fi
lab_start "$WP_PROC_WEB" "$WP_LAB/logs/apache.log" apache2 -f "$WP_LAB/apache/apache2.conf" -DFOREGROUND
start=$SECONDS
until curl -s -o /dev/null -m 5 "$WP_BASE/wp-includes/version.php"; do
  if ! lab_running "$WP_PROC_WEB" || ((SECONDS - start > 60)); then
    lab_log "wordpress: Apache did not come up"
    tail -20 "$WP_LAB/logs/apache.log" "$WP_LAB/logs/apache-error.log" >&2 || true
    exit 1
  fi
  sleep 0.3
done

# --- WordPress: install, seed, state ---------------------------------------------------------
# Each PHP boot of WordPress costs about a second; skip all three when the seed finished before
# (wp.php sets wplab_seeded last, to the seed's version) and the state file is there.
seeded=$(mariadb --no-defaults --socket="$WP_DB_SOCK" -uroot -N -B \
  -e "SELECT option_value FROM wplab.wp_options WHERE option_name = 'wplab_seeded'" 2>/dev/null || true)
if [[ $seeded != 2 || ! -s $WP_STATE ]]; then
  wp_php install >&2
  wp_php seed >&2
  wp_php state "$WP_BASE" >"$WP_STATE.tmp"
  mv "$WP_STATE.tmp" "$WP_STATE"
fi
# Apache (www-data) writes wp-content/debug.log when the debug-log misconfiguration is on.
chown -R www-data:www-data "$WP_CONTENT"

# Smoke test: the REST list routes (pretty permalinks work) and answers JSON.
status=$(wp_status /wp-json/wp/v2/posts)
if [[ $status != 200 ]]; then
  lab_log "wordpress: /wp-json/wp/v2/posts answers $status"
  tail -20 "$WP_LAB/logs/apache-error.log" >&2 || true
  exit 1
fi
lab_log "wordpress: WordPress $(wp_state_get s.version) up at $WP_BASE, state in $WP_STATE"
echo "$WP_BASE"
