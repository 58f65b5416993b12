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
#include "opts.h"
#include "spawn.h"

/* How the container stopped, for the poststop hooks. */
struct super_end {
	const char *reason;	/* POUCH_STOP_REASON */
	int exit_signal;	/* CMD's death signal, 0 none */
	char killed[512];	/* what had to be SIGKILLed, space-separated */
	int64_t poststop_until;	/* CLOCK_MONOTONIC ms the hooks must end by; 0: none */
};

/* Run until the container stops; returns its exit status. extra_env
 * (KEY=VALUE, may be NULL) is added to every service's and CMD's env.
 * has_poststop: there are poststop hooks (their time is reserved). */
int super_run(const struct init_opts *opts, const struct sig_inherit *inh,
	      struct cfg *cfg, int sigfd, char **extra_env, int has_poststop,
	      struct super_end *end);

#endif
