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
#include "opts.h"
#include "spawn.h"

/* Run until the container stops; returns its exit status. extra_env
 * (KEY=VALUE, may be NULL) is added to every service's and CMD's env. */
int super_run(const struct init_opts *opts, const struct sig_inherit *inh,
	      struct cfg *cfg, int sigfd, char **extra_env,
	      const char **stop_reason, int *exit_signal);

#endif
