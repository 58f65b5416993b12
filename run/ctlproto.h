/* SPDX-License-Identifier: MIT */
/*
 * The control protocol's requests: one line of words, parsed without any
 * state, so that the parser can be tested and fuzzed on its own. See
 * docs/CONTROL.md for the commands.
 */
#ifndef POUCH_CTLPROTO_H
#define POUCH_CTLPROTO_H

#include <stddef.h>
#include <stdint.h>

enum ctl_op { CTL_STATUS, CTL_START, CTL_STOP, CTL_RESTART, CTL_SIGNAL,
	      CTL_WAIT, CTL_SHUTDOWN, CTL_RELOAD, CTL_REOPEN,
	      CTL_DAEMON_RELOAD };

struct ctl_req {
	enum ctl_op op;
	const char *name;	/* a service (in the line); NULL: none given */
	int json;		/* status --json */
	int sig;		/* signal */
	int main_only;		/* signal --main: the main process only
				 * (systemctl kill --kill-who=main) */
	int64_t timeout_ms;	/* wait-ready --timeout; -1: none */
};

#define CTL_NAME_MAX 63		/* longer names are no service's */

/* Parse a request line (split in place). Returns 0, or -1 with a message
 * for "ERR 2" in err. */
int ctl_parse(char *line, struct ctl_req *rq, char *err, size_t errlen)
	__attribute__((warn_unused_result));

#endif
