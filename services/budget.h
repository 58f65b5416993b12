/* SPDX-License-Identifier: MIT */
/*
 * The stop budget: how `[init] shutdown_timeout` is shared between CMD,
 * the services and the poststop hooks. Pure: from the configuration only.
 *
 *   |<------------------------- total (shutdown_timeout) ----------------->|
 *   |<- CMD (cmd_ms) ->|<- services, reverse order (services_ms) ->|       |
 *   |<----------------- stop_ms: then SIGKILL to all ------------>|reserve|
 *
 * reserve_ms is `[hooks] poststop_reserve`, or by default, when there are
 * poststop hooks, the smaller of `[hooks] timeout` and a quarter of the
 * total (none without hooks). services_ms is the longest chain of
 * stop_timeouts along `after`/`requires` (a service stops once everything
 * that depends on it has stopped). cmd_ms is `[cmd] stop_timeout`, or by
 * default what is left of stop_ms after services_ms, but at least a
 * second (or stop_ms, when that is shorter).
 *
 * A total of 0 (shutdown_timeout = 0, -t 0) is no budget: no deadline,
 * CMD is never SIGKILLed for it (cmd_ms 0, unless [cmd] stop_timeout),
 * each service keeps its own stop_timeout (0: none either).
 */
#ifndef POUCH_BUDGET_H
#define POUCH_BUDGET_H

#include "config/config.h"

#include <stddef.h>
#include <stdint.h>

struct budget {
	int64_t total_ms, reserve_ms, stop_ms, services_ms, cmd_ms;
	const struct cfg_service *chain_end; /* the chain's last service, or NULL */
};

#define BUDGET_CMD_MIN_MS 1000

void budget_plan(const struct cfg *cfg, int has_poststop, struct budget *b);

/* What does not fit, as one message per problem into msgs (each up to
 * 256 bytes); returns how many (at most max). */
size_t budget_problems(const struct cfg *cfg, const struct budget *b,
		       char (*msgs)[256], size_t max);

#endif
