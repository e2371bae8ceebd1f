<?php
/**
 * Plugin Name: Media library for the front end
 * Description: draftleak lab misconfiguration "draft-media". The "fix" people apply when
 * /wp-json/wp/v2/media leaves out images uploaded in a post's editor before the post is
 * published (an attachment is as readable as its parent): reading any attachment is mapped to a
 * capability every visitor has. The posts stay closed (a draft still answers 401), but the media
 * list names the files of drafts, and /wp-json/wp/v2/media?parent=<draft id> lists them.
 */
add_filter(
	'map_meta_cap',
	function ( $caps, $cap, $user_id, $args ) {
		if ( 'read_post' === $cap && ! empty( $args[0] ) && 'attachment' === get_post_type( $args[0] ) ) {
			return array( 'exist' );
		}
		return $caps;
	},
	10,
	4
);
