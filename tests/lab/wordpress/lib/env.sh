# Settings shared by the WordPress lab scripts. Source it; never run it.
# Runtime state (database, docroot, uploads, logs) lives under $WP_LAB, never in the repository.
here_lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here_lib/../../lib/proc.sh"

WP_LAB_SRC=$(cd "$here_lib/.." && pwd)
WP_LAB="$DRAFTLEAK_LAB_DIR/wordpress"
WP_PORT=${DRAFTLEAK_WP_PORT:-8081}
WP_BASE="http://127.0.0.1:$WP_PORT"
WP_WWW="$WP_LAB/www"
WP_CONTENT="$WP_WWW/wp-content"
WP_DB_SOCK="$WP_LAB/mysql-run/mysqld.sock"
WP_STATE="$WP_LAB/state.json"
# Names of the PID files in $DRAFTLEAK_LAB_DIR (see lab_start/lab_stop).
WP_PROC_DB=wordpress-mariadb
WP_PROC_WEB=wordpress-apache
export WP_LAB WP_PORT WP_BASE WP_WWW WP_DB_SOCK

# Debian 12 packages. wp-cli is not packaged, so lib/wp.php drives WordPress with its own PHP.
# php-xml is only a Suggests of wordpress, but without SimpleXML /wp-sitemap.xml answers 501 and
# every XML-RPC call fails to parse: false signals for a scanner.
# Installed without Recommends (a third fewer packages); the one Recommends the lab needs, the
# default theme, is named. wordpress-l10n (31 MB of translations) is left out.
WP_PACKAGES=(wordpress wordpress-theme-twentytwentythree mariadb-server apache2 libapache2-mod-php php-cli php-xml php-mysql php-mbstring php-gd)

# wp_php COMMAND [ARGS...]: runs the PHP driver against the lab's WordPress.
wp_php() {
  php -d display_errors=stderr -d error_reporting='E_ALL & ~E_DEPRECATED' "$WP_LAB_SRC/lib/wp.php" "$WP_WWW" "$@"
}

# wp_status PATH: the HTTP status of an anonymous GET, without following redirects.
wp_status() {
  curl -s -o /dev/null -m 10 -w '%{http_code}' "$WP_BASE$1" || true
}

# wp_wait_status PATH STATUS [SECONDS]: waits until PATH answers STATUS.
wp_wait_status() {
  local path=$1 want=$2 limit=${3:-30} start=$SECONDS got
  while true; do
    got=$(wp_status "$path")
    [[ $got == "$want" ]] && return 0
    if (( SECONDS - start > limit )); then
      lab_log "wordpress: $path answers $got, expected $want (waited ${limit}s)"
      return 1
    fi
    sleep 0.2
  done
}

# wp_state_get EXPR: a value from state.json (EXPR is JavaScript on `s`), e.g. 's.posts["draft-1"].id'.
wp_state_get() {
  node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(eval(process.argv[2]))' "$WP_STATE" "$1"
}
