/* SPDX-License-Identifier: MIT */
/*
 * The supervisor: pid 1 with services.d. One epoll loop over the
 * signalfd, the notify socket and the services' output pipes, with the
 * earliest deadline as its timeout. It drives each service's state
 * machine (services/svc.h), starts them in dependency order, runs CMD as
 * the primary service, and shuts everything down in reverse order within
 * [init] shutdown_timeout.
 */
#ifndef POUCH_SUPER_H
#define POUCH_SUPER_H

#include "config/config.h"

#include <stdint.h>
#include "init/opts.h"
#include "run/spawn.h"

/* How the container stopped, for the poststop hooks. */
struct super_end {
	const char *reason;	/* POUCH_STOP_REASON */
	int exit_signal;	/* CMD's death signal, 0 none */
	char killed[512];	/* what had to be SIGKILLed, space-separated */
	int64_t poststop_until;	/* CLOCK_MONOTONIC ms the hooks must end by; 0: none */
};

/* What a run of the loop does: pid 1's whole life is prestart, services
 * (CMD and services.d) and poststop; the hand-over modes run the prestart
 * hooks alone, systemd's ExecStopPost the poststop hooks alone. */
struct super_plan {
	int prestart, services, poststop;
	int plain;		/* CMD alone, as tini runs it: reap, forward, its status */
	const char *relay[2];	/* systemd mode's relay: these FIFOs to stdout, stderr */
	int64_t stop_timeout_ms; /* plain: SIGKILL CMD this long after SIGTERM; 0 never */
	char **vars;		/* poststop alone: its POUCH_* variables */
	int64_t hook_timeout_ms; /* > 0: instead of [hooks] timeout */
	/* out */
	char **env;		/* what the prestart hooks added to the env */
	int failures;		/* hooks that failed */
	int stop_signal;	/* prestart alone: SIGTERM/SIGINT stopped it */
};

/* Run the plan; returns the container's exit status (prestart or
 * poststop alone: 0, or 1 when a hook failed, 128+n on a stop). */
int super_run(const struct init_opts *opts, const struct sig_inherit *inh,
	      struct cfg *cfg, int sigfd, struct super_plan *plan,
	      struct super_end *end);

#endif
