<?php
/**
 * Plugin Name: Headless scheduled pre-render
 * Description: draftleak lab misconfiguration "sched-by-id". The snippet headless front ends add
 * so that their build can fetch a scheduled post by id (/wp-json/wp/v2/posts/<id>) and pre-render
 * it before its date: reading a post whose status is future is mapped to a capability every
 * visitor has. The lists are unchanged (the REST list still holds only published posts and
 * refuses ?status=future); each scheduled post is readable by its id.
 */
add_filter(
	'map_meta_cap',
	function ( $caps, $cap, $user_id, $args ) {
		if ( 'read_post' === $cap && ! empty( $args[0] ) ) {
			$post = get_post( $args[0] );
			if ( $post && 'future' === $post->post_status ) {
				return array( 'exist' );
			}
		}
		return $caps;
	},
	10,
	4
);
