// SPDX-License-Identifier: MIT
/*
 * Unit tests of the pid map: filed, found, replaced, taken, dropped by
 * unit, through growth and removals that shift entries back, against a
 * plain array as the model.
 */
#include "t.h"

#include "init/pidmap.h"

#include <errno.h>
#include <stdlib.h>

#define MODEL 4096

static struct pm_ent model[MODEL]; /* by pid; pid 0: not filed */

static int agrees(const struct pidmap *m)
{
	size_t n = 0;

	for (pid_t p = 1; p < MODEL; p++) {
		struct pm_ent e;
		int got = pidmap_get(m, p, &e);

		if (got != (model[p].pid != 0))
			return 0;
		if (got && (e.owner != model[p].owner || e.unit != model[p].unit ||
			    e.role != model[p].role))
			return 0;
		n += got;
	}
	return n == m->n;
}

int main(void)
{
	struct pidmap m = { 0 };
	struct pm_ent e;
	unsigned seed = 7;
	int ok = 1;

	CHECK(!pidmap_get(&m, 5, &e) && !pidmap_take(&m, 5, &e));
	CHECK(pidmap_put(&m, 0, PM_HOOK, 0, 0) == -EINVAL &&
	     pidmap_put(&m, -3, PM_HOOK, 0, 0) == -EINVAL);
	CHECK(pidmap_put(&m, 42, PM_UNIT, 3, 1) == 0 && pidmap_get(&m, 42, &e) &&
	     e.owner == PM_UNIT && e.unit == 3 && e.role == 1);
	CHECK(pidmap_put(&m, 42, PM_UNIT, 4, 0) == 0 && m.n == 1 &&
	     pidmap_get(&m, 42, &e) && e.unit == 4 && e.role == 0);
	CHECK(pidmap_take(&m, 42, &e) && e.unit == 4 && !pidmap_get(&m, 42, NULL) &&
	     m.n == 0);
	model[42].pid = 0;
	/* many random operations, in a range dense enough to collide */
	for (int k = 0; k < 200000 && ok; k++) {
		pid_t p;
		int op;

		seed = seed * 1103515245u + 12345u;
		p = (pid_t)(1 + (seed >> 8) % (MODEL - 1));
		op = (int)((seed >> 4) % 3);
		if (op < 2) {
			unsigned u = (seed >> 20) % 7, role = (seed >> 24) % 4;

			ok &= pidmap_put(&m, p, PM_UNIT, u, role) == 0;
			model[p] = (struct pm_ent){ p, PM_UNIT, (uint16_t)role, u };
		} else {
			ok &= pidmap_take(&m, p, NULL) == (model[p].pid != 0);
			model[p].pid = 0;
		}
		if (k % 20000 == 0)
			ok &= agrees(&m);
	}
	CHECK(ok && agrees(&m));
	CHECK(m.n * 2 <= m.cap);
	pidmap_drop_unit(&m, 3);
	for (pid_t p = 1; p < MODEL; p++)
		if (model[p].pid && model[p].unit == 3)
			model[p].pid = 0;
	CHECK(agrees(&m));
	pidmap_free(&m);
	CHECK(m.cap == 0 && m.n == 0 && !pidmap_get(&m, 1, NULL));
	return t_done("pidmap");
}
