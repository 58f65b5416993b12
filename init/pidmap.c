// SPDX-License-Identifier: MIT
/*
 * The pid map; see pidmap.h. Linear probing in a table kept at most half
 * full; a removal shifts the entries after it back, so there are no
 * tombstones and a lookup ends at the first free slot.
 */
#include "init/pidmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static size_t slot_of(size_t cap, pid_t pid)
{
	uint32_t h = (uint32_t)pid * 2654435761u; /* Knuth's multiplicative hash */

	return (size_t)h & (cap - 1);
}

static void insert(struct pm_ent *t, size_t cap, const struct pm_ent *e)
{
	size_t i = slot_of(cap, e->pid);

	while (t[i].pid && t[i].pid != e->pid)
		i = (i + 1) & (cap - 1);
	t[i] = *e;
}

static int grow(struct pidmap *m, size_t want)
{
	size_t cap = m->cap ? m->cap : 8;
	struct pm_ent *t;

	while (cap < want * 2)
		cap *= 2;
	if (cap == m->cap)
		return 0;
	t = calloc(cap, sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < m->cap; i++)
		if (m->t[i].pid)
			insert(t, cap, &m->t[i]);
	free(m->t);
	m->t = t;
	m->cap = cap;
	return 0;
}

int pidmap_reserve(struct pidmap *m, size_t n)
{
	return grow(m, n);
}

static long find(const struct pidmap *m, pid_t pid)
{
	size_t i;

	if (!m->cap || pid <= 0)
		return -1;
	for (i = slot_of(m->cap, pid); m->t[i].pid; i = (i + 1) & (m->cap - 1))
		if (m->t[i].pid == pid)
			return (long)i;
	return -1;
}

int pidmap_put(struct pidmap *m, pid_t pid, enum pm_owner owner,
	       uint32_t unit, unsigned role)
{
	struct pm_ent e = { pid, (uint16_t)owner, (uint16_t)role, unit };
	long at = find(m, pid);

	if (pid <= 0)
		return -EINVAL;
	if (at >= 0) {
		m->t[at] = e;
		return 0;
	}
	/* at most half full; when it cannot grow, up to one free slot */
	if (grow(m, m->n + 1) < 0 && m->n + 1 >= m->cap)
		return -ENOMEM;
	insert(m->t, m->cap, &e);
	m->n++;
	return 0;
}

int pidmap_get(const struct pidmap *m, pid_t pid, struct pm_ent *e)
{
	long at = find(m, pid);

	if (at < 0)
		return 0;
	if (e)
		*e = m->t[at];
	return 1;
}

/* Empty slot i and move back what probed past it. */
static void remove_at(struct pidmap *m, size_t i)
{
	size_t mask = m->cap - 1, j = i;

	m->t[i].pid = 0;
	m->n--;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!m->t[j].pid)
			return;
		home = slot_of(m->cap, m->t[j].pid);
		/* j's entry stays unless its home lies cyclically in (i, j] */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		m->t[i] = m->t[j];
		m->t[j].pid = 0;
		i = j;
	}
}

int pidmap_take(struct pidmap *m, pid_t pid, struct pm_ent *e)
{
	long at = find(m, pid);

	if (at < 0)
		return 0;
	if (e)
		*e = m->t[at];
	remove_at(m, (size_t)at);
	return 1;
}

void pidmap_drop_unit(struct pidmap *m, uint32_t unit)
{
	int again = 1;

	/* a removal may move an entry that wrapped around to a slot
	 * already passed: passes until one removes nothing */
	while (again) {
		again = 0;
		for (size_t i = 0; i < m->cap;) {
			if (m->t[i].pid && m->t[i].owner == PM_UNIT &&
			    m->t[i].unit == unit) {
				remove_at(m, i); /* slot i may hold another now */
				again = 1;
			} else {
				i++;
			}
		}
	}
}

void pidmap_free(struct pidmap *m)
{
	free(m->t);
	memset(m, 0, sizeof(*m));
}
