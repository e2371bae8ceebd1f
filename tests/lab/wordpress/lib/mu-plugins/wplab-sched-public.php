<?php
/**
 * Plugin Name: Show upcoming posts
 * Description: draftleak lab misconfiguration "sched-public". The "show scheduled/future posts"
 * snippet: it marks the future status public so that upcoming posts can be listed, which makes
 * every scheduled post readable by anyone (front end, feed, search, REST single item) before its
 * publication date.
 */
add_action(
	'init',
	function () {
		global $wp_post_statuses;
		if ( isset( $wp_post_statuses['future'] ) ) {
			$wp_post_statuses['future']->public = true;
		}
	},
	99
);
