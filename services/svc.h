/* SPDX-License-Identifier: MIT */
/*
 * The supervision state machine of one service, CMD included. Pure: no
 * system calls. svc_step() takes an event and the time, changes the state
 * and the one deadline (timer_at), and returns what init/ must do.
 *
 *   waiting --deps settled--> starting --ready--> running
 *   starting/running --exit--> backoff --timer--> starting
 *                          \-> stopped | done | failed (final)
 *   any live state --stop--> stopping --exit/timer(KILL)--> stopped
 *   waiting --a requirement failed--> blocked
 *   starting (not spawned yet) --a condition failed--> skipped (final,
 *                          counts as up: what needs it starts)
 *                      \--an assert failed--> failed
 */
#ifndef POUCH_SVC_H
#define POUCH_SVC_H

#include "config/config.h"

#include <stdint.h>
#include <sys/types.h>

enum svc_state {
	SVC_WAITING = 0, /* wants to start; waits for its dependencies */
	SVC_STARTING,
	SVC_RUNNING,
	SVC_STOPPING,
	SVC_STOPPED,
	SVC_BACKOFF,
	SVC_FAILED,
	SVC_BLOCKED,
	SVC_DONE,
	SVC_SKIPPED,	/* a unit's Condition*= failed before its start:
			 * not run, and not failed (systemd's "skipped") */
	SVC_NSTATES,
};

enum svc_event {
	EV_GO = 0,	   /* dependencies settled: start now */
	EV_START,	   /* operator or boot wants it up */
	EV_STOP,	   /* operator or shutdown wants it down */
	EV_SPAWNED,	   /* arg: pid */
	EV_SPAWN_FAILED,   /* fork or exec failed */
	EV_READY,	   /* readiness met */
	EV_FORKED,	   /* forking: arg is the daemon's pid from pidfile */
	EV_EXITED,	   /* main process exited; arg: wait status (init/ sets
			    * group_alive first: others left in its group) */
	EV_GROUP_EMPTY,	   /* nothing left in its process group */
	EV_TIMER,	   /* timer_at passed */
	EV_DEP_FAILED,	   /* a `requires` dependency failed for good */
	EV_UNHEALTHY,	   /* health check failed health_retries times */
	EV_SKIPPED,	   /* starting, before the spawn: a condition failed */
	EV_ASSERT_FAILED,  /* starting, before the spawn: an assert failed */
	EV_POST_DONE,	   /* the commands after the start (a unit's
			    * ExecStartPost=, a oneshot's further
			    * ExecStart=) succeeded: up now */
	EV_POST_FAILED,	   /* one of them failed; arg: its wait status */
	EV_NEVENTS,
};

/* What init/ must do after a step. */
struct svc_action {
	int spawn;	/* start the process now */
	int signal;	/* send this (0: none) ... */
	int group;	/* ... to the whole process group, else the main process */
	int post;	/* run the commands after the start (svc_has_post),
			 * then EV_POST_DONE or EV_POST_FAILED */
	int stop_cmds;	/* run the stop commands (ExecStop=) first, then
			 * send cfg->stop_signal (signal is 0 then) */
};

/* How a run ended, for the restart policy (systemd's classes). */
enum svc_end { END_CLEAN = 0, END_CODE, END_SIGNAL, END_TIMEOUT };

struct svc {
	const struct cfg_service *cfg;
	enum svc_state state;
	pid_t pid;		/* main process; 0 when none */
	int64_t timer_at;	/* CLOCK_MONOTONIC ms; 0 when none */
	int64_t started_at;
	int64_t delay_ms;	/* next restart delay */
	int restarts;
	int last_status;	/* wait status of the last exit; -1 none */
	int stop_wanted;	/* stop requested: do not restart */
	int restart_after_stop; /* stopping because of a failure */
	int killed;		/* SIGKILL sent while stopping */
	int ready;
	int group_alive;	/* set by init/ before EV_EXITED */
	int no_restart;		/* the container stops: nothing starts again */
	int posting;		/* starting: the commands after the start run */
	int post_done;		/* this run's commands after the start are done */
	enum svc_end fail_end;	/* stopping after a failure: what kind */
	const char *why;	/* last reason for failed/blocked */
	int64_t first_start;	/* until a second start makes the ring */
	int64_t *starts;	/* ring of start times, start_limit long */
	int nring;		/* ... as it was made (a reload may change it) */
	int nstarts;
};

#define SVC_STABLE_MS 10000	/* a run this long resets the backoff */
#define SVC_KILL_GRACE_MS 2000	/* after SIGKILL, wait this long at most */
#define SVC_START_RING_MAX 10000 /* a start limit above this is none */

int svc_init(struct svc *s, const struct cfg_service *cfg)
	__attribute__((warn_unused_result));
void svc_free(struct svc *s);

struct svc_action svc_step(struct svc *s, enum svc_event ev, long arg,
			   int64_t now);

const char *svc_state_name(enum svc_state st);
const char *svc_event_name(enum svc_event ev);
/* settled: a dependent ordered `after` it may start */
int svc_settled(const struct svc *s);
/* up: a dependent that `requires` it may start */
int svc_up(const struct svc *s);
/* final: will not change without an operator */
int svc_final(const struct svc *s);
/* a run of it has commands after the start: ExecStartPost=, or a
 * oneshot's ExecStart= after the first */
int svc_has_post(const struct cfg_service *c);
/* whether a wait status counts as a clean exit (exit 0; a unit's
 * SuccessExitStatus=, and SIGHUP, SIGINT, SIGTERM, SIGPIPE but for a
 * oneshot, as systemd's; anything with ExecStart=-) */
int svc_clean(const struct cfg_service *c, int status);
/* starts within the window before now, this one included */
int svc_starts_in_window(const struct svc *s, int64_t now);

#endif
