/* SPDX-License-Identifier: MIT */
/*
 * Starting a child the way an init must: everything (argv, the PATH
 * candidates, the environment) is prepared before the child is made (a
 * vfork-style clone: no memory is copied); after it the
 * child uses only async-signal-safe calls: restores the signal mask and
 * the ignored set pid 1 inherited, takes its own process group (and the
 * terminal's foreground, if there is one), then execs. An exec failure is
 * sent back to the parent over a close-on-exec pipe as an errno.
 */
#ifndef POUCH_SPAWN_H
#define POUCH_SPAWN_H

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <stdint.h>
#include <sys/types.h>

enum spawn_group {
	SPAWN_PGRP = 0,  /* own process group, same session */
	SPAWN_SESSION,   /* own session (setsid) */
};

struct spawn_rlimit {
	int resource;
	struct rlimit lim;
};

struct spawn_spec {
	char *const *argv;
	const char *file;	    /* the program to run; NULL: argv[0] */
	char *const *envp;	    /* NULL: the current environment */
	const sigset_t *mask;	    /* mask to give the child */
	const sigset_t *ignored;    /* signals to set back to SIG_IGN */
	enum spawn_group group;
	int tty_foreground;	    /* make it the terminal's foreground group */
	int fds[3];		    /* stdin, stdout, stderr; -1: inherit */
	const char *workdir;
	int workdir_optional;	    /* a chdir that fails is no failure */
	int has_nice;		    /* a unit's Nice= */
	int nice;
	const char *oom_adj;	    /* a unit's OOMScoreAdjust=, as text */
	int sigpipe;		    /* 1: SIGPIPE ignored, 2: its default */
	int has_umask;
	mode_t umask;
	const struct spawn_rlimit *rlimits;
	size_t nrlimits;
	int set_ids;		    /* switch to uid/gid/groups */
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	size_t ngroups;
	int has_caps;		    /* keep only caps[] (bounding, ambient) */
	const int *caps;
	size_t ncaps;
	/* a unit's (with has_caps 0): CapabilityBoundingSet= keeps only
	 * the bits of bounding (in the bounding set, and in what the
	 * process has), AmbientCapabilities= raises those of ambient
	 * (kept across the user switch) */
	int has_bounding, has_ambient;
	uint64_t bounding, ambient;
	uint64_t ambient_ok;	    /* private: those of ambient pid 1 has */
	void *capset;		    /* cap_t prepared by spawn_start */
	int no_new_privs;
	int close_fds;		    /* close every fd above 2 */
	int *exec_fd;		    /* set_ids: see spawn_start_step */
};

/* The signal state pid 1 inherited, captured before it blocks anything. */
struct sig_inherit {
	sigset_t mask;
	sigset_t ignored;
};

/* Record the inherited mask and ignored set, reset ignored signals to
 * SIG_DFL and block every signal. Returns 0 or -errno. */
int spawn_sig_setup(struct sig_inherit *si, sigset_t *blocked)
	__attribute__((warn_unused_result));

/* Start a child and exec. On success returns 0 with *pid set; when exec (or a
 * setup step before it) failed, also returns 0 and sets *exec_errno and
 * *step (what failed: "exec", "setuid", ...); the child exits 126/127.
 * Returns -errno when no child could be made. */
int spawn_start(const struct spawn_spec *sp, pid_t *pid, int *exec_errno)
	__attribute__((warn_unused_result));
int spawn_start_step(const struct spawn_spec *sp, pid_t *pid, int *exec_errno,
		     const char **step) __attribute__((warn_unused_result));
/* A child that switches to another user is forked, not made vfork-style:
 * until it execs it is a process of that user, who could stop it with
 * SIGSTOP, and a vfork parent waits for the exec. With sp->exec_fd set,
 * its exec result is not waited for either: *exec_fd is the read end
 * (non-blocking) of the result's pipe, to be read once it is readable
 * with spawn_exec_result(). */
int spawn_exec_result(int fd, int *exec_errno, const char **step);

/* A spec for argv with the signal state pid 1 inherited, and nothing
 * else set: every fd inherited. */
void spawn_spec_init(struct spawn_spec *sp, const struct sig_inherit *inh,
		     char *const *argv);

/* Exit status of a child whose exec failed with err: 127 not found, else 126. */
int spawn_exec_status(int err);

#endif
