// SPDX-License-Identifier: MIT
/*
 * The stop budget; see budget.h.
 */
#include "budget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int depends_on(const struct cfg_service *s, const char *name)
{
	char **lists[2] = { s->after, s->requires };

	for (int l = 0; l < 2; l++)
		for (size_t k = 0; lists[l] && lists[l][k]; k++)
			if (strcmp(lists[l][k], name) == 0)
				return 1;
	return 0;
}

/* When service i has stopped, counted from the start of the services'
 * stop: its own stop_timeout after the last of its dependents. memo[i]
 * is -1 until known, -2 while being computed (a cycle counts nothing). */
static int64_t finish(const struct cfg *cfg, size_t i, int64_t *memo)
{
	int64_t after = 0, f;

	if (memo[i] >= 0)
		return memo[i];
	if (memo[i] == -2)
		return 0;
	memo[i] = -2;
	for (size_t j = 0; j < cfg->nsvcs; j++) {
		if (j == i || !depends_on(&cfg->svcs[j], cfg->svcs[i].name))
			continue;
		f = finish(cfg, j, memo);
		if (f > after)
			after = f;
	}
	memo[i] = after + cfg->svcs[i].stop_timeout_ms;
	return memo[i];
}

static void chain(const struct cfg *cfg, struct budget *b)
{
	int64_t *memo = cfg->nsvcs ? malloc(cfg->nsvcs * sizeof(*memo)) : NULL;

	b->services_ms = 0;
	b->chain_end = NULL;
	if (!memo)
		return;
	for (size_t i = 0; i < cfg->nsvcs; i++)
		memo[i] = -1;
	for (size_t i = 0; i < cfg->nsvcs; i++) {
		int64_t f = finish(cfg, i, memo);

		if (f > b->services_ms) {
			b->services_ms = f;
			b->chain_end = &cfg->svcs[i];
		}
	}
	free(memo);
}

void budget_plan(const struct cfg *cfg, int has_poststop, struct budget *b)
{
	const struct cfg_init *in = &cfg->init;
	int64_t left;

	b->total_ms = in->shutdown_timeout_ms;
	if (b->total_ms == 0) {
		b->reserve_ms = b->stop_ms = 0;
		chain(cfg, b);
		b->cmd_ms = in->cmd_stop_timeout_ms >= 0 ? in->cmd_stop_timeout_ms : 0;
		return;
	}
	if (in->poststop_reserve_ms >= 0)
		b->reserve_ms = in->poststop_reserve_ms;
	else if (has_poststop)
		b->reserve_ms = in->hook_timeout_ms < b->total_ms / 4
					? in->hook_timeout_ms
					: b->total_ms / 4;
	else
		b->reserve_ms = 0;
	if (b->reserve_ms > b->total_ms)
		b->reserve_ms = b->total_ms;
	b->stop_ms = b->total_ms - b->reserve_ms;
	chain(cfg, b);
	if (in->cmd_stop_timeout_ms >= 0) {
		b->cmd_ms = in->cmd_stop_timeout_ms;
		return;
	}
	left = b->stop_ms - b->services_ms;
	b->cmd_ms = left >= BUDGET_CMD_MIN_MS ? left
		    : b->stop_ms < BUDGET_CMD_MIN_MS ? b->stop_ms
						     : BUDGET_CMD_MIN_MS;
}

size_t budget_problems(const struct cfg *cfg, const struct budget *b,
		       char (*msgs)[256], size_t max)
{
	size_t n = 0;

	if (b->total_ms == 0)
		return 0; /* no budget: nothing to fit in */
	if (n < max && b->cmd_ms + b->services_ms > b->stop_ms)
		snprintf(msgs[n++], 256,
			 "the stop does not fit in shutdown_timeout (%lld ms): CMD's %lld ms, then %lld ms for the services (the longest chain ends with %s), leave %lld ms for poststop_reserve (%lld ms); what is still running at %lld ms is SIGKILLed",
			 (long long)b->total_ms, (long long)b->cmd_ms,
			 (long long)b->services_ms,
			 b->chain_end ? b->chain_end->name : "none",
			 (long long)(b->total_ms - b->cmd_ms - b->services_ms),
			 (long long)b->reserve_ms, (long long)b->stop_ms);
	for (size_t i = 0; i < cfg->nsvcs && n < max; i++)
		if (cfg->svcs[i].stop_timeout_ms > b->stop_ms)
			snprintf(msgs[n++], 256,
				 "%s: stop_timeout (%lld ms) is longer than the whole stop (shutdown_timeout minus poststop_reserve: %lld ms)",
				 cfg->svcs[i].file ? cfg->svcs[i].file : cfg->svcs[i].name,
				 (long long)cfg->svcs[i].stop_timeout_ms,
				 (long long)b->stop_ms);
	return n;
}
