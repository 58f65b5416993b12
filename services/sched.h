/* SPDX-License-Identifier: MIT */
/*
 * The scheduler: every supervision decision over all services and CMD.
 * Pure: no system calls. It takes events (a process exited, a service is
 * ready, a probe's result, a pidfile's pid, a timer, an operator's
 * command, a new configuration, a stop) and queues actions as data
 * (spawn, signal, probe, kill what is left, say something) that run/
 * carries out, feeding back what happened. Each service's own state
 * machine is services/svc.h; the stop budget is services/budget.h.
 *
 * Phases: run -> stop CMD -> stop the services (reverse dependency
 * order) -> stop the rest (everything else in the pid namespace) -> done.
 */
#ifndef POUCH_SCHED_H
#define POUCH_SCHED_H

#include "budget.h"
#include "svc.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SCHED_PROBE_MS 100	/* readiness re-check while a service starts */
#define SCHED_PIDFILE_MS 50	/* pidfile re-read while a daemon forks */

enum sched_role { ROLE_MAIN = 0, ROLE_LAUNCHER, ROLE_PROBE, ROLE_HEALTH,
		  ROLE_EXEC };

/* A unit's command sequences beside its main process (systemd's
 * "control process": one at a time, each command to completion):
 * ExecCondition=, ExecStartPre=, a oneshot's further ExecStart=,
 * ExecStartPost=, ExecReload=, ExecStop=, ExecStopPost=. */
enum sched_exec { EX_NONE = 0, EX_CONDITION, EX_PRE, EX_MORE, EX_POST,
		  EX_RELOAD, EX_STOP, EX_STOP_POST };

enum sched_phase { PH_RUN = 0, PH_STOP_CMD, PH_STOP_SERVICES, PH_STOP_REST,
		   PH_DONE };

/* One service (or CMD): its state machine and what the scheduler needs
 * to decide for it. Processes are only numbers here. */
struct sched_unit {
	struct svc svc;
	const struct cfg_service *cfg;
	const struct cfg_service *next_cfg; /* changed on reload: used once down */
	int is_cmd, removed, restart_pending;
	pid_t pgid;		/* process group of the run (its session, or the daemon's) */
	pid_t sid;		/* session the run was started in (0 for CMD) */
	pid_t launcher;		/* forking: the process that daemonizes */
	pid_t probe_pid, health_pid;
	pid_t old_pgid;		/* a previous run's leftovers: SIGKILL at the next start */
	int await_pidfile;
	int64_t probe_at, health_at; /* next readiness / health check; 0 none */
	int health_fails;
	int health;		/* 0 unknown, 1 healthy, -1 unhealthy */
	int quiet_stop;		/* the next stop sends no signal (already sent) */
	int64_t stop_began;
	int sigkilled;		/* SIGKILL was needed to stop it */
	int stop_clamped;	/* its stop timer is the budget's deadline */
	int ran;		/* a process of this run was started (its
				 * RuntimeDirectory= is removed at its end) */
	enum svc_state logged;	/* the state last reported */
	/* its command sequence under way (enum sched_exec): */
	enum sched_exec ex;
	const struct cfg_service *ex_cfg; /* the configuration it is from */
	size_t ex_next;		/* the command running: index in its list */
	pid_t ex_pid;		/* its process; 0 while none */
	int64_t ex_at;		/* deadline of a reload or stop-post command */
	int ex_began;		/* this run started a process (pre or main):
				 * its ExecStopPost= is due at its end */
	int ex_stop_post_due;	/* ExecStopPost= waits for the command running */
	int ex_spawn_due;	/* a start waits for the stop's commands */
	const struct cfg_service *rm_runtime; /* the RuntimeDirectory= of
				 * the run that ended: removed once its
				 * ExecStopPost= is done */
	unsigned ex_seq;	/* counts the commands asked for */
	unsigned reloads, reloads_done; /* ExecReload= sequences begun, ended */
	int reload_failed;	/* the last one ended with a failure */
	int next_quiet;		/* its next_cfg is taken without a start */
	unsigned mark;		/* a propagation (PartOf= ...) reached it */
};

enum sched_act_kind {
	SA_SPAWN,	/* start u's process: sched_spawned() or sched_spawn_failed() */
	SA_CONDITIONS,	/* before each start of a unit with Condition*= or
			 * Assert*=: evaluate them now, sched_conditions() */
	SA_SIGNAL,	/* sig to u's process group (group) or main process */
	SA_KILL_GROUP,	/* sig to process group pid (a run's leftovers) */
	SA_KILL_REST,	/* sig to every process of the namespace but pid 1 */
	SA_READ_PIDFILE, /* read u's pidfile: sched_pidfile() */
	SA_CHECK,	/* u's tcp: or file: readiness: sched_ready() or sched_not_yet() */
	SA_SPAWN_PROBE,	/* start u's ready = exec: check: sched_probe_started() */
	SA_SPAWN_HEALTH, /* start u's health check: sched_health_started() */
	SA_KILL_PROBE,	/* SIGKILL the process group pid of a check no longer wanted */
	SA_STATE,	/* u's state changed (from `was`): report it */
	SA_EXITED,	/* u's main process pid exited (not stopping): wait status in status */
	SA_KILLED,	/* u gets SIGKILL, ms after its stop signal; msg: why */
	SA_SAY,		/* a message about u (or none: u = -1) at level */
	SA_REBIND,	/* u took a new configuration entry */
	SA_RELEASE,	/* u's slot is reused: give back what it held */
	SA_STOPPING,	/* the container starts to stop */
	SA_REMOVE_RUNTIME, /* a run of u is over: remove the RuntimeDirectory=
			 * of cfg (the configuration that run had) */
	SA_SPAWN_EXEC,	/* start u's command cmd (of sequence ex) as u runs,
			 * with $MAINPID: sched_exec_started() or
			 * sched_exec_failed() */
	SA_SIGNAL_EXEC,	/* sig to u's command process pid (its session) */
};

enum sched_level { SL_ERROR = 0, SL_WARN, SL_INFO, SL_DEBUG };

struct sched_act {
	enum sched_act_kind kind;
	int u;			/* unit index, -1 none */
	int sig;
	int group;
	pid_t pid;
	int status;
	int64_t ms;
	enum svc_state was, state; /* SA_STATE: from, to */
	enum sched_level level;
	char msg[224];		/* SA_SAY: the message, without the name */
	const struct cfg_service *cfg; /* SA_REMOVE_RUNTIME */
	const struct cfg_cmd *cmd;	/* SA_SPAWN_EXEC */
	enum sched_exec ex;		/* SA_SPAWN_EXEC */
	unsigned seq;			/* SA_SPAWN_EXEC: still wanted while
					 * it is the unit's ex_seq */
};

struct sched {
	struct sched_unit *u;
	struct cfg_service cmd_cfg;	/* CMD's, from [cmd] */
	size_t n, cap;
	size_t cmd;		/* index of CMD, or SCHED_NO_CMD */
	const struct cfg *cfg;
	int has_poststop;
	int64_t now;
	int64_t cmd_wait_until;	/* [cmd] ready_timeout for its `after` */
	enum sched_phase phase;
	const char *reason;	/* POUCH_STOP_REASON */
	int stop_signal;	/* the signal that stopped us, 0 none */
	int essential_failed;
	int64_t deadline;	/* stopping: then SIGKILL to what is left */
	int64_t stop_started;
	int killed_all;
	struct budget b;
	unsigned mark;		/* the propagation under way */
	struct sched_act *acts;	/* queued, taken with sched_take() */
	size_t nacts, acap, ahead;
};

#define SCHED_NO_CMD ((size_t)-1)

/* cmd: CMD's configuration (made by the caller from [cmd]), or NULL. */
int sched_init(struct sched *s, const struct cfg *cfg,
	       const struct cfg_service *cmd, int has_poststop, int64_t now)
	__attribute__((warn_unused_result));
void sched_free(struct sched *s);

/* Take the next queued action into a; 0 when there is none. Actions
 * queued while carrying one out come after it. */
int sched_take(struct sched *s, struct sched_act *a);

/* Start what may start, move the stop along; call whenever something
 * happened (after the events of one loop turn). */
void sched_step(struct sched *s, int64_t now);
/* Timers that are due. */
void sched_tick(struct sched *s, int64_t now);
/* The time of the events that follow (call when the loop wakes: an
 * exit's restart delay counts from now, not from the last step). */
void sched_clock(struct sched *s, int64_t now);
/* The earliest deadline, CLOCK_MONOTONIC ms; 0: none. */
int64_t sched_next_deadline(const struct sched *s);

/* Results of SA_SPAWN. Returns the role to file pid under (the main
 * process, or the launcher of a forking daemon). status: the wait status
 * to count a failure as. */
enum sched_role sched_spawned(struct sched *s, size_t u, pid_t pid);
void sched_spawn_failed(struct sched *s, size_t u, int status);
/* Result of SA_CONDITIONS: SCHED_COND_MET (the spawn follows),
 * SCHED_COND_FAILED (skipped: not run, not failed, what needs it
 * starts) or SCHED_ASSERT_FAILED (the start fails); why: the one that
 * did not hold, "ConditionPathExists=/x failed (FILE:LINE)". */
enum { SCHED_ASSERT_FAILED = -1, SCHED_COND_FAILED = 0, SCHED_COND_MET = 1 };
void sched_conditions(struct sched *s, size_t u, int result, const char *why);
/* A process of u exited (init reaped it): pid, in the role it was filed
 * under (ignored when u no longer has it in that role); group_alive:
 * others of u's process group still run. */
void sched_reaped(struct sched *s, size_t u, enum sched_role role, pid_t pid,
		  int status, int group_alive);
/* Units that wait for their process group to empty (init checks them
 * after reaping orphans), and the news that it did. */
int sched_awaits_group(const struct sched *s, size_t u);
void sched_group_gone(struct sched *s, size_t u);
/* Readiness: met (notify READY=1, tcp, file, exec exit 0), or not yet. */
void sched_ready(struct sched *s, size_t u);
void sched_not_yet(struct sched *s, size_t u);
void sched_probe_started(struct sched *s, size_t u, pid_t pid);
void sched_health_started(struct sched *s, size_t u, pid_t pid);
/* The daemon's pid from its pidfile (0: not there or not taken yet), and
 * the process group to signal for it. */
void sched_pidfile(struct sched *s, size_t u, pid_t pid, pid_t pgid);
/* MAINPID= from a notify message (already checked to be u's). */
void sched_mainpid(struct sched *s, size_t u, pid_t pid);

/* Stop the container. sig: the signal that asked for it (0: none);
 * cmd_sig: what CMD gets: 0 its stop_signal, > 0 this one (a -r
 * rewrite), < 0 nothing (it got the signal already: SIGINT passed on). */
void sched_shutdown(struct sched *s, const char *reason, int sig,
		    int cmd_sig);
/* Nothing is left to reap: the stop of the rest is complete. */
void sched_no_children(struct sched *s);

/* An operator's command (ctl). 0, or -1 when the container is stopping. */
int sched_start(struct sched *s, size_t u);
int sched_stop(struct sched *s, size_t u);
int sched_restart(struct sched *s, size_t u);
/* Results of SA_SPAWN_EXEC (status: the wait status to count a failure
 * as). */
void sched_exec_started(struct sched *s, size_t u, pid_t pid);
void sched_exec_failed(struct sched *s, size_t u, int status);
/* Reload u: its ExecReload= commands, else reload_signal to its main
 * process. 0 begun (a sequence: reloads counts it, reloads_done and
 * reload_failed say how it ended), -1 not running, -2 it has no way to
 * reload, -3 busy with another command. */
int sched_reload_unit(struct sched *s, size_t u);
/* A sequence's name in messages ("ExecStartPre="). */
const char *sched_exec_name(enum sched_exec ex);
/* Nothing of u is running or due: final, with no command under way. */
int sched_idle(const struct sched *s, size_t u);

/* sig to u's main process, or its process group; -1 when it has none. */
int sched_signal(struct sched *s, size_t u, int sig, int group);

/* A new, valid configuration: start new services, stop removed ones,
 * restart changed ones; cmd: CMD's configuration made from its [cmd]. */
struct sched_reload {
	int defs_only;	/* in: systemctl daemon-reload: the definitions
			 * only; a changed one applies at its next start, a
			 * new one waits to be started, a removed one that
			 * runs runs on until it stops */
	int added, removed, changed, same; /* out */
};
int sched_reload(struct sched *s, const struct cfg *ncfg,
		 const struct cfg_service *cmd, struct sched_reload *r)
	__attribute__((warn_unused_result));

/* A unit by name ("cmd" for CMD); -1 when there is none. */
int sched_find(const struct sched *s, const char *name);
/* The unit tracking pid in any role, and the role; -1 none. */
int sched_owner(const struct sched *s, pid_t pid, enum sched_role *role);
/* Ready: NAME ("" for every unit meant to be up, and CMD's start). */
int sched_is_ready(const struct sched *s, const char *name);
/* Whether u counts for "everything is ready". */
int sched_counts(const struct sched *s, size_t u);

/* CMD's last wait status, -1 when it has not exited. */
int sched_cmd_status(const struct sched *s);
/* Whether a service (not CMD) had to be SIGKILLed to stop. */
int sched_any_killed(const struct sched *s);
/* Whether a configuration's entries are still used by a unit. */
int sched_uses(const struct sched *s, const struct cfg *c);

#endif
