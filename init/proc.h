/* SPDX-License-Identifier: MIT */
/*
 * What /proc says about another process: its parent, group and session,
 * and its user ids. Used to decide whether a pid named by a service (in
 * a pidfile, in MAINPID=) or the sender of a notify message is one of
 * that service's processes.
 */
#ifndef POUCH_PROC_H
#define POUCH_PROC_H

#include <sys/types.h>

struct proc_ids {
	pid_t ppid, pgrp, sid;
	uid_t ruid, suid;
};

/* Fill ids for pid from /proc/PID/stat and /proc/PID/status. Returns 0,
 * or -errno (-ESRCH when the process is gone). */
int proc_ids(pid_t pid, struct proc_ids *ids)
	__attribute__((warn_unused_result));

/* Whether pid descends from one of anc[0..n-1] (pid itself included),
 * following parents at most 64 levels up. */
int proc_descends(pid_t pid, const pid_t *anc, int n);

#endif
