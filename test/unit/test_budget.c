// SPDX-License-Identifier: MIT
/*
 * Unit tests of the stop budget: the poststop reserve, the services'
 * longest chain of stop_timeouts, CMD's share, and what does not fit.
 */
#include "t.h"

#include "services/budget.h"

#include <stdlib.h>

static char *deps_a[] = { "a", NULL };
static char *deps_b[] = { "b", NULL };

static void svc(struct cfg_service *s, char *name, int64_t stop, char **after)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->file = name;
	s->stop_timeout_ms = stop;
	s->after = after;
}

int main(void)
{
	struct cfg cfg;
	struct cfg_service s[3];
	struct budget b;
	char msgs[4][256];

	cfg_defaults(&cfg);
	cfg.svcs = s;
	/* no services, no hooks: CMD has it all */
	cfg.nsvcs = 0;
	budget_plan(&cfg, 0, &b);
	CHECK_EQ(b.total_ms, 10000);
	CHECK_EQ(b.reserve_ms, 0);
	CHECK_EQ(b.cmd_ms, 10000);
	/* a chain c -> b -> a (c after b after a): stop c, then b, then a */
	svc(&s[0], "a", 1000, NULL);
	svc(&s[1], "b", 2000, deps_a);
	svc(&s[2], "c", 3000, deps_b);
	cfg.nsvcs = 3;
	budget_plan(&cfg, 0, &b);
	CHECK_EQ(b.services_ms, 6000);
	CHECK_STR(b.chain_end->name, "a");
	CHECK_EQ(b.cmd_ms, 4000);
	CHECK_EQ(budget_problems(&cfg, &b, msgs, 4), 0);
	/* poststop hooks: a quarter of the budget, or [hooks] timeout */
	budget_plan(&cfg, 1, &b);
	CHECK_EQ(b.reserve_ms, 2500);
	CHECK_EQ(b.stop_ms, 7500);
	CHECK_EQ(b.cmd_ms, 1500);
	cfg.init.hook_timeout_ms = 1000;
	budget_plan(&cfg, 1, &b);
	CHECK_EQ(b.reserve_ms, 1000);
	cfg.init.poststop_reserve_ms = 0;
	budget_plan(&cfg, 1, &b);
	CHECK_EQ(b.reserve_ms, 0);
	/* independent services stop at once: the longest one counts */
	s[1].after = s[2].after = NULL;
	budget_plan(&cfg, 0, &b);
	CHECK_EQ(b.services_ms, 3000);
	CHECK_EQ(b.cmd_ms, 7000);
	/* too long: CMD keeps at least a second, and check says so */
	s[2].stop_timeout_ms = 9800;
	budget_plan(&cfg, 0, &b);
	CHECK_EQ(b.cmd_ms, 1000);
	CHECK_EQ(budget_problems(&cfg, &b, msgs, 4), 1);
	CHECK(strstr(msgs[0], "does not fit") != NULL);
	s[2].stop_timeout_ms = 20000;
	budget_plan(&cfg, 0, &b);
	CHECK_EQ(budget_problems(&cfg, &b, msgs, 4), 2);
	CHECK(strstr(msgs[1], "c: stop_timeout (20000 ms) is longer than the whole stop") != NULL);
	/* an explicit [cmd] stop_timeout is kept */
	s[2].stop_timeout_ms = 3000;
	cfg.init.cmd_stop_timeout_ms = 500;
	budget_plan(&cfg, 0, &b);
	CHECK_EQ(b.cmd_ms, 500);
	/* a cycle (rejected by validation) does not hang the plan */
	s[0].after = deps_b;
	s[1].after = deps_a;
	budget_plan(&cfg, 0, &b);
	CHECK(b.services_ms > 0);
	cfg.svcs = NULL;
	cfg.nsvcs = 0;
	cfg_free(&cfg);
	return t_done("test_budget");
}
