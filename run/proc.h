/* SPDX-License-Identifier: MIT */
/*
 * What /proc says about another process: its parent, group and session,
 * and its user ids. Used to decide whether a pid named by a service (in
 * a pidfile, in MAINPID=) or the sender of a notify message is one of
 * that service's processes.
 */
#ifndef POUCH_PROC_H
#define POUCH_PROC_H

#include <stdint.h>
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

/* Now, in the clock ticks of a process's start time (CLOCK_BOOTTIME). */
int64_t proc_ticks_now(void);

/* The process that last showed a group or session to be the old one. */
struct proc_proof {
	pid_t pid;		/* 0: none yet */
	long long start;
};

/* Whether a process of process group id (of session id, with by_sid)
 * started before the tick before, or in it (zombies included). Since a
 * group's or session's number is not given to another process while one
 * of its processes lives, such a process shows that the group known at
 * before is still the one of that number (a new process of that number
 * in the same tick would need the whole range of pids to go round within
 * 10 ms). The process of *pf is asked first; a full /proc scan only when
 * it is gone, and *pf is then the one found. */
int proc_member_before(pid_t id, int by_sid, int64_t before,
		       struct proc_proof *pf);

#endif
