/* SPDX-License-Identifier: MIT */
/*
 * sd_notify datagrams: newline-separated VAR=VALUE assignments. Parsed
 * without state, so that the parser can be tested and fuzzed on its own.
 * Understood: READY=1, STATUS=, MAINPID=, STOPPING=1, RELOADING=1,
 * WATCHDOG=1; everything else is counted as ignored.
 */
#ifndef POUCH_NOTIFYPROTO_H
#define POUCH_NOTIFYPROTO_H

#include <stddef.h>
#include <sys/types.h>

struct notify_msg {
	int ready, stopping, reloading, watchdog;
	const char *status;	/* points into the datagram; NULL: none */
	size_t status_len;
	pid_t mainpid;		/* 0: none given */
	int bad_mainpid;	/* MAINPID= that is not a pid */
	int ignored;		/* assignments not understood */
};

/* Parse buf[0..len) (NUL bytes end it). Returns 0. */
int notify_parse(const char *buf, size_t len, struct notify_msg *m);

#endif
