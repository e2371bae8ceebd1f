<?php
/**
 * Plugin Name: Headless preview helper
 * Description: draftleak lab misconfiguration "rest-drafts". The kind of snippet headless sites
 * paste so that their front end can fetch drafts from the REST API for previews, without asking
 * who is calling: the REST post query is widened to drafts, and reading a draft is mapped to a
 * capability every visitor has.
 */
add_filter(
	'rest_post_query',
	function ( $args ) {
		$args['post_status'] = array( 'publish', 'draft' );
		return $args;
	}
);
add_filter(
	'map_meta_cap',
	function ( $caps, $cap, $user_id, $args ) {
		if ( 'read_post' === $cap && ! empty( $args[0] ) ) {
			$post = get_post( $args[0] );
			if ( $post && 'draft' === $post->post_status ) {
				return array( 'exist' );
			}
		}
		return $caps;
	},
	10,
	4
);
