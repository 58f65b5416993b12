/* SPDX-License-Identifier: MIT */
/*
 * pid 1's state directory: where the control socket and the services'
 * notify sockets live. The first of these that is (or can be made) a
 * directory owned by pid 1's user and writable by nobody else:
 *
 *   [init] state_dir, else env POUCH_STATE_DIR (when set; never a
 *   fallback from it)
 *   /run/pouch
 *   $XDG_RUNTIME_DIR/pouch
 *   /tmp/pouch-UID  (made 0711)
 *
 * The ctl client looks in the same places, in the same order.
 */
#ifndef POUCH_STATE_H
#define POUCH_STATE_H

#include <stddef.h>

/* [init] state_dir when set, else env POUCH_STATE_DIR, else NULL. */
const char *state_dir_configured(const char *from_config);

/* Pick (creating it if needed) the state directory into dir. Returns 0,
 * or -errno when no candidate is usable (the configured one when set). */
int state_dir_open(const char *configured, char *dir, size_t len)
	__attribute__((warn_unused_result));

/* The first candidate that holds leaf (e.g. "control.sock"), into path;
 * when none does, the first candidate's. Makes nothing. */
void state_dir_find(const char *configured, const char *leaf, char *path,
		    size_t len);

/* A private directory for notify sockets inside dir: DIR/notify.XXXXXX,
 * root-owned mode 0711 (others may pass, not list). Returns 0 or -errno. */
int state_notify_dir(const char *dir, char *out, size_t len)
	__attribute__((warn_unused_result));

#endif
