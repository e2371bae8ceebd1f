<?php
/**
 * The lab's WordPress driver: wp-cli is not packaged in Debian 12 (and its PHAR would have to come
 * from GitHub), so the lab drives WordPress through its own API from the PHP CLI.
 *
 *   php wp.php DOCROOT install         installs WordPress (idempotent), pretty permalinks
 *   php wp.php DOCROOT seed            users, posts in every status, media attached to a draft (once)
 *   php wp.php DOCROOT state BASEURL   prints the lab state (ids, URLs, markers) as JSON
 *   php wp.php DOCROOT get-option NAME / set-option NAME VALUE
 *
 * Every seeded item carries the post meta _wplab_key, so `state` finds it again on a re-run and
 * `seed` never duplicates content.
 */

if ( PHP_SAPI !== 'cli' ) {
	exit( 1 );
}
[ , $docroot, $command ] = $argv + [ null, null, null ];
if ( ! $docroot || ! $command ) {
	fwrite( STDERR, "usage: php wp.php DOCROOT install|seed|state|get-option|set-option ...\n" );
	exit( 2 );
}

// WordPress reads the request from $_SERVER even on the CLI.
$port                        = getenv( 'WP_PORT' ) ?: '8081';
$_SERVER['HTTP_HOST']        = "127.0.0.1:$port";
$_SERVER['SERVER_NAME']      = '127.0.0.1';
$_SERVER['SERVER_PORT']      = $port;
$_SERVER['REQUEST_URI']      = '/';
$_SERVER['REQUEST_METHOD']   = 'GET';
$_SERVER['SERVER_PROTOCOL']  = 'HTTP/1.1';
$_SERVER['REMOTE_ADDR']      = '127.0.0.1';

// There is no MTA: wp_install() would try to mail the admin. Both functions are pluggable.
function wp_mail() {
	return true;
}
function wp_new_blog_notification() {
}

if ( $command === 'install' ) {
	// Without this, loading WordPress on an empty database redirects to the installer and dies.
	define( 'WP_INSTALLING', true );
}
require $docroot . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/media.php';
require_once ABSPATH . 'wp-admin/includes/image.php';

const WPLAB_USERS = [
	'alice' => [ 'role' => 'author', 'pass' => 'alice-pass-wplab' ],
	'bob'   => [ 'role' => 'subscriber', 'pass' => 'bob-pass-wplab' ],
];

/** Lab posts in creation order: key => [status, date (site time = UTC), title, author login, extra]. */
function wplab_posts(): array {
	return [
		'published-1' => [ 'publish', '2024-05-01 10:00:00', 'WPLab published one', 'admin', [] ],
		'published-2' => [ 'publish', '2024-05-02 10:00:00', 'WPLab published two', 'admin', [] ],
		'published-3' => [ 'publish', '2024-05-03 10:00:00', 'WPLab published three', 'alice', [] ],
		'draft-1'     => [ 'draft', '2024-05-04 10:00:00', 'WPLab draft one', 'admin', [ 'post_name' => 'wplab-draft-1' ] ],
		'draft-2'     => [ 'draft', '2024-05-05 10:00:00', 'WPLab draft two', 'admin', [] ],
		'scheduled'   => [ 'future', '2035-01-01 09:00:00', 'WPLab scheduled', 'admin', [ 'post_name' => 'wplab-scheduled' ] ],
		'private'     => [ 'private', '2024-05-06 10:00:00', 'WPLab private', 'admin', [] ],
		'pending'     => [ 'pending', '2024-05-07 10:00:00', 'WPLab pending', 'alice', [] ],
		'protected'   => [ 'publish', '2024-05-08 10:00:00', 'WPLab password protected', 'admin', [ 'post_password' => 'letmein' ] ],
	];
}

/** Lab media: key => [file name, parent post key, title]. */
function wplab_media(): array {
	return [
		'media-draft-image'  => [ 'wplab-draft-secret-image.png', 'draft-1', 'WPLab draft image' ],
		'media-draft-pdf'    => [ 'wplab-draft-secret-report.pdf', 'draft-1', 'WPLab draft report' ],
		'media-public-image' => [ 'wplab-public-image.png', 'published-1', 'WPLab public image' ],
	];
}

function wplab_marker( string $key ): string {
	return 'WPLAB-SECRET-' . strtoupper( $key );
}

function wplab_find( string $key ): ?WP_Post {
	$found = get_posts(
		[
			'post_type'      => 'any',
			'post_status'    => 'any',
			'meta_key'       => '_wplab_key',
			'meta_value'     => $key,
			'posts_per_page' => 1,
			'no_found_rows'  => true,
		]
	);
	if ( $found ) {
		return $found[0];
	}
	// 'any' skips statuses with exclude_from_search (inherit is fine for attachments).
	$found = get_posts( [ 'post_type' => 'attachment', 'post_status' => 'inherit', 'meta_key' => '_wplab_key', 'meta_value' => $key, 'posts_per_page' => 1 ] );
	return $found ? $found[0] : null;
}

function wplab_fail( string $message ): void {
	fwrite( STDERR, "wp.php: $message\n" );
	exit( 1 );
}

function wplab_install(): void {
	global $wp_rewrite;
	if ( ! is_blog_installed() ) {
		$result = wp_install( 'WPLab', 'admin', 'admin@wplab.invalid', true, '', wp_slash( 'wplab-admin-pass' ) );
		if ( is_wp_error( $result ) ) {
			wplab_fail( $result->get_error_message() );
		}
		echo "installed WordPress {$GLOBALS['wp_version']}\n";
	}
	// Plain permalinks (the install default) do not route /wp-json/; the rewrite rules that match
	// these live in the Apache config (no .htaccess: AllowOverride None).
	if ( get_option( 'permalink_structure' ) !== '/%postname%/' ) {
		$wp_rewrite->set_permalink_structure( '/%postname%/' );
		flush_rewrite_rules( false );
	}
}

/** A small PNG drawn with GD when it is there, else a fixed 1x1 PNG. */
function wplab_png( string $label ): string {
	if ( function_exists( 'imagecreatetruecolor' ) ) {
		$image = imagecreatetruecolor( 320, 200 );
		imagefill( $image, 0, 0, imagecolorallocate( $image, 30, 90, 160 ) );
		imagestring( $image, 5, 10, 90, $label, imagecolorallocate( $image, 255, 255, 255 ) );
		ob_start();
		imagepng( $image );
		return (string) ob_get_clean();
	}
	return base64_decode( 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' );
}

/** A minimal one-page PDF whose text holds the marker. */
function wplab_pdf( string $marker ): string {
	return "%PDF-1.1\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
		. "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 100]>>endobj\n% $marker\ntrailer<</Root 1 0 R>>\n%%EOF\n";
}

function wplab_seed(): void {
	wp_set_current_user( 1 );
	$users = [ 'admin' => 1 ];
	foreach ( WPLAB_USERS as $login => $user ) {
		$existing = get_user_by( 'login', $login );
		if ( $existing ) {
			$users[ $login ] = $existing->ID;
			continue;
		}
		$id = wp_insert_user( [ 'user_login' => $login, 'user_pass' => $user['pass'], 'user_email' => "$login@wplab.invalid", 'role' => $user['role'], 'display_name' => ucfirst( $login ) ] );
		if ( is_wp_error( $id ) ) {
			wplab_fail( $id->get_error_message() );
		}
		$users[ $login ] = $id;
	}

	$ids = [];
	foreach ( wplab_posts() as $key => [ $status, $date, $title, $author, $extra ] ) {
		$existing = wplab_find( $key );
		if ( $existing ) {
			$ids[ $key ] = $existing->ID;
			continue;
		}
		$marker = wplab_marker( $key );
		$id     = wp_insert_post(
			array_merge(
				[
					'post_type'     => 'post',
					'post_status'   => $status,
					'post_title'    => $title,
					'post_content'  => "<!-- wp:paragraph --><p>This is $title. Marker: $marker</p><!-- /wp:paragraph -->",
					'post_excerpt'  => "Marker: $marker",
					'post_author'   => $users[ $author ],
					'post_date'     => $date,
					'post_date_gmt' => $date,
					// Fixed dates: the uploads folder follows the parent post's date (2024/05).
					'edit_date'     => true,
					'meta_input'    => [ '_wplab_key' => $key ],
				],
				$extra
			),
			true
		);
		if ( is_wp_error( $id ) ) {
			wplab_fail( "$key: " . $id->get_error_message() );
		}
		$ids[ $key ] = $id;
	}

	$tmpdir = get_temp_dir();
	foreach ( wplab_media() as $key => [ $file, $parent_key, $title ] ) {
		if ( wplab_find( $key ) ) {
			continue;
		}
		$tmp  = wp_tempnam( $file, $tmpdir );
		$data = str_ends_with( $file, '.pdf' ) ? wplab_pdf( wplab_marker( 'pdf' ) ) : wplab_png( $title );
		file_put_contents( $tmp, $data );
		$id = media_handle_sideload( [ 'name' => $file, 'tmp_name' => $tmp ], $ids[ $parent_key ], $title );
		if ( is_wp_error( $id ) ) {
			wplab_fail( "$key: " . $id->get_error_message() );
		}
		update_post_meta( $id, '_wplab_key', $key );
	}

	// The published post shows its image, as published posts do: pages and feeds link the file,
	// so a listing of its month folder is not a list of unlinked files. Written straight to the
	// table: wp_update_post() would add a revision, a new id in the gaps the by-id rules probe.
	$public_image = wplab_find( 'media-public-image' );
	$published    = wplab_find( 'published-1' );
	if ( $public_image && $published ) {
		$src = wp_get_attachment_url( $public_image->ID );
		if ( ! str_contains( $published->post_content, $src ) ) {
			global $wpdb;
			$image = sprintf( '<!-- wp:image {"id":%1$d} --><figure class="wp-block-image"><img src="%2$s" alt="" class="wp-image-%1$d"/></figure><!-- /wp:image -->', $public_image->ID, esc_url( $src ) );
			$wpdb->update( $wpdb->posts, [ 'post_content' => $published->post_content . $image ], [ 'ID' => $published->ID ] );
			clean_post_cache( $published->ID );
		}
	}

	// An application password, so tests can compare an authenticated REST view with the anonymous one.
	if ( ! get_option( 'wplab_app_password' ) && class_exists( 'WP_Application_Passwords' ) ) {
		$created = WP_Application_Passwords::create_new_application_password( 1, [ 'name' => 'draftleak-lab' ] );
		if ( ! is_wp_error( $created ) ) {
			update_option( 'wplab_app_password', $created[0], false );
		}
	}
	// Last, so that an interrupted seed runs again (up.sh skips a finished one). The value is the
	// seed's version, which up.sh compares: a lab seeded by an older driver is completed.
	update_option( 'wplab_seeded', '2', false );
}

function wplab_state( string $base ): array {
	$posts = [];
	foreach ( array_keys( wplab_posts() ) as $key ) {
		$post = wplab_find( $key );
		if ( ! $post ) {
			wplab_fail( "not seeded: $key" );
		}
		$posts[ $key ] = [
			'id'       => $post->ID,
			'status'   => $post->post_status,
			'slug'     => $post->post_name,
			'date_gmt' => str_replace( ' ', 'T', $post->post_date_gmt ),
			'marker'   => wplab_marker( $key ),
			// What an anonymous visitor would be linked to: a non-published post has no pretty URL.
			'url'      => $post->post_status === 'publish' ? get_permalink( $post ) : $base . '/?p=' . $post->ID,
		];
	}
	$media = [];
	foreach ( wplab_media() as $key => [ $file, $parent_key ] ) {
		$attachment = wplab_find( $key );
		if ( ! $attachment ) {
			wplab_fail( "not seeded: $key" );
		}
		$media[ $key ] = [
			'id'     => $attachment->ID,
			'parent' => $attachment->post_parent,
			'parent_key' => $parent_key,
			'url'    => wp_get_attachment_url( $attachment->ID ),
		];
	}
	$uploads = wp_get_upload_dir();
	$users   = [];
	foreach ( [ 'admin', 'alice', 'bob' ] as $login ) {
		$user            = get_user_by( 'login', $login );
		$users[ $login ] = [ 'id' => $user ? $user->ID : null, 'role' => $user ? ( $user->roles[0] ?? null ) : null ];
	}
	return [
		'baseUrl'     => $base,
		'version'     => $GLOBALS['wp_version'],
		'restUrl'     => $base . '/wp-json/',
		'uploadsUrl'  => $uploads['baseurl'] . '/',
		'admin'       => [ 'user' => 'admin', 'password' => 'wplab-admin-pass', 'appPassword' => get_option( 'wplab_app_password' ) ?: null ],
		'users'       => $users,
		'builtin'     => [ 'hello-world' => 1, 'sample-page' => 2, 'privacy-policy' => 3 ],
		'posts'       => $posts,
		'media'       => $media,
	];
}

switch ( $command ) {
	case 'install':
		wplab_install();
		break;
	case 'seed':
		wplab_seed();
		break;
	case 'state':
		echo wp_json_encode( wplab_state( rtrim( $argv[3] ?? home_url(), '/' ) ), JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES ), "\n";
		break;
	case 'get-option':
		echo wp_json_encode( get_option( $argv[3] ) ), "\n";
		break;
	case 'set-option':
		update_option( $argv[3], $argv[4] );
		break;
	default:
		wplab_fail( "unknown command $command" );
}
