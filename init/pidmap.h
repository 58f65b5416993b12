/* SPDX-License-Identifier: MIT */
/*
 * Who a child is: the one map from a pid to its owner (a service's main
 * process or launcher, its readiness or health check, a hook, CMD alone),
 * filled when the loop spawns or adopts a process and emptied when it
 * reaps it. A pid that is not here is an orphan.
 */
#ifndef POUCH_PIDMAP_H
#define POUCH_PIDMAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum pm_owner { PM_NONE = 0, PM_UNIT, PM_HOOK, PM_PLAIN };

struct pm_ent {
	pid_t pid;		/* 0: a free slot */
	uint16_t owner;		/* enum pm_owner */
	uint16_t role;		/* PM_UNIT: enum sched_role */
	uint32_t unit;		/* PM_UNIT: the unit's index */
};

struct pidmap {
	struct pm_ent *t;	/* open addressing, a power of two long */
	size_t cap, n;
};

/* Make room for n entries; -ENOMEM when that failed (the map still
 * takes entries as long as it has a free slot). */
int pidmap_reserve(struct pidmap *m, size_t n);
/* File pid under an owner (replacing what it was filed under). -ENOMEM
 * only when the map is full and cannot grow. */
int pidmap_put(struct pidmap *m, pid_t pid, enum pm_owner owner,
	       uint32_t unit, unsigned role);
/* The entry of pid: 1 found (into *e when e is not NULL), 0 none. */
int pidmap_get(const struct pidmap *m, pid_t pid, struct pm_ent *e);
/* The same, and the entry is gone. */
int pidmap_take(struct pidmap *m, pid_t pid, struct pm_ent *e);
/* Forget every entry of a unit (its slot is reused). */
void pidmap_drop_unit(struct pidmap *m, uint32_t unit);
void pidmap_free(struct pidmap *m);

#endif
