// SPDX-License-Identifier: MIT
/*
 * The scheduler; see sched.h. Every decision that concerns more than one
 * event of one service is here: dependency order, readiness gates,
 * probes and health retries, forking daemons, leftovers, the stop and
 * its budget, operators' commands, reload diffs. Nothing here touches
 * the system: what must happen is queued as an action.
 */
#include "sched.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* ---- actions ---- */

#define SCHED_RETRY_MS 100

static struct sched_act *push(struct sched *s, enum sched_act_kind kind,
			      int u)
{
	struct sched_act *a;

	if (s->nacts == s->acap) {
		size_t cap = s->acap ? s->acap * 2 : 32;

		a = realloc(s->acts, cap * sizeof(*a));
		if (!a)
			return NULL; /* out of memory: the action is lost */
		s->acts = a;
		s->acap = cap;
	}
	a = &s->acts[s->nacts++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->u = u;
	return a;
}

int sched_take(struct sched *s, struct sched_act *a)
{
	if (s->ahead == s->nacts) {
		s->ahead = s->nacts = 0;
		/* a burst (a thousand services starting at once) leaves no
		 * large queue behind */
		if (s->acap > 256) {
			free(s->acts);
			s->acts = NULL;
			s->acap = 0;
		}
		return 0;
	}
	*a = s->acts[s->ahead++];
	return 1;
}

static void say(struct sched *s, int u, enum sched_level level,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void say(struct sched *s, int u, enum sched_level level,
		const char *fmt, ...)
{
	struct sched_act *a = push(s, SA_SAY, u);
	va_list ap;

	if (!a)
		return;
	a->level = level;
	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof(a->msg), fmt, ap);
	va_end(ap);
}

static void signal_unit(struct sched *s, size_t i, int sig, int group)
{
	struct sched_act *a = push(s, SA_SIGNAL, (int)i);

	if (a) {
		a->sig = sig;
		a->group = group;
	}
}

static void kill_group(struct sched *s, size_t i, pid_t pgid, int sig)
{
	struct sched_act *a = push(s, SA_KILL_GROUP, (int)i);

	if (a) {
		a->pid = pgid;
		a->sig = sig;
	}
}

static void kill_probe(struct sched *s, size_t i, pid_t pid)
{
	struct sched_act *a = push(s, SA_KILL_PROBE, (int)i);

	if (a)
		a->pid = pid;
}

/* ---- one unit ---- */

static const char *name_of(const struct sched_unit *u)
{
	return u->is_cmd ? "cmd" : u->cfg->name;
}

static void note(struct sched *s, size_t i);

/* Say that u needs a SIGKILL to stop, and remember it. */
static void note_kill(struct sched *s, size_t i, const char *why)
{
	struct sched_unit *u = &s->u[i];
	struct sched_act *a = push(s, SA_KILLED, (int)i);

	u->sigkilled = 1;
	if (!a)
		return;
	a->was = u->svc.state; /* not stopping: it never had its stop signal */
	a->ms = s->now - u->stop_began;
	a->sig = u->cfg->stop_signal;
	snprintf(a->msg, sizeof(a->msg), "%s", why);
}

/* While the container stops, no service's stop outlasts the budget. */
static void keep_to_deadline(struct sched *s, struct sched_unit *u)
{
	if (s->phase == PH_RUN || u->svc.state != SVC_STOPPING || u->svc.killed ||
	    !s->deadline)
		return;
	u->stop_clamped = u->svc.timer_at > s->deadline;
	if (u->stop_clamped || !u->svc.timer_at) {
		u->stop_clamped = 1;
		u->svc.timer_at = s->deadline;
	}
}

static int live(enum svc_state st)
{
	return st == SVC_STARTING || st == SVC_RUNNING || st == SVC_STOPPING;
}

/* A run is over (its processes are gone, or a oneshot without
 * RemainAfterExit= is done): its RuntimeDirectory= goes, as systemd's,
 * unless RuntimeDirectoryPreserve=yes, or =restart and it starts again
 * (from backoff, at once, or an operator's restart). */
static void run_over(struct sched *s, size_t i, int spawn)
{
	struct sched_unit *u = &s->u[i];
	const struct cfg_service *c = u->cfg;
	enum svc_state st = u->svc.state;
	int again = spawn || st == SVC_BACKOFF || u->restart_pending;
	struct sched_act *a;

	if (!u->ran || (live(st) && !spawn) ||
	    (st == SVC_DONE && c->remain_after_exit))
		return;
	u->ran = 0;
	if (!c->dirs[DIR_RUNTIME].names || !c->dirs[DIR_RUNTIME].names[0] ||
	    c->runtime_preserve == 1 || (c->runtime_preserve == 2 && again))
		return;
	if (u->ex_stop_post_due || u->ex == EX_STOP_POST) {
		u->rm_runtime = c; /* once its ExecStopPost= is done */
		return;
	}
	a = push(s, SA_REMOVE_RUNTIME, (int)i);
	if (a)
		a->cfg = c;
}

/* sig to u; a stop's signal is followed by SIGHUP with SendSIGHUP=yes,
 * and anything but SIGKILL by SIGCONT (a stopped process could not act
 * on it). */
static void send_stop(struct sched *s, size_t i, int sig, int group,
		      int stopping)
{
	const struct cfg_service *c = s->u[i].cfg;

	signal_unit(s, i, sig, group);
	if (stopping && sig == c->stop_signal && c->send_sighup)
		signal_unit(s, i, SIGHUP, group);
	if (sig != SIGKILL && sig != SIGCONT)
		signal_unit(s, i, SIGCONT, group);
}

/* ---- command sequences (ExecStartPre= and friends) ---- */

static void drive(struct sched *s, size_t i, enum svc_event ev, long arg);

static const char *const ex_names[] = {
	[EX_NONE] = "", [EX_CONDITION] = "ExecCondition=",
	[EX_PRE] = "ExecStartPre=", [EX_MORE] = "ExecStart=",
	[EX_POST] = "ExecStartPost=", [EX_RELOAD] = "ExecReload=",
	[EX_STOP] = "ExecStop=", [EX_STOP_POST] = "ExecStopPost=",
};

const char *sched_exec_name(enum sched_exec ex)
{
	return ex <= EX_STOP_POST ? ex_names[ex] : "?";
}

static const struct cfg_cmds *ex_list(const struct cfg_service *c,
				      enum sched_exec ex)
{
	switch (ex) {
	case EX_CONDITION:
		return &c->exec_condition;
	case EX_PRE:
		return &c->start_pre;
	case EX_MORE:
		return &c->start;
	case EX_POST:
		return &c->start_post;
	case EX_RELOAD:
		return &c->reload;
	case EX_STOP:
		return &c->stop;
	case EX_STOP_POST:
		return &c->stop_post;
	default:
		return NULL;
	}
}

/* The sequences that are part of a start: given up when it is. */
static int ex_starting(enum sched_exec ex)
{
	return ex >= EX_CONDITION && ex <= EX_POST;
}

static void signal_exec(struct sched *s, size_t i, pid_t pid, int sig)
{
	struct sched_act *a = pid > 0 ? push(s, SA_SIGNAL_EXEC, (int)i) : NULL;

	if (a) {
		a->pid = pid;
		a->sig = sig;
	}
}

/* Ask for command k of sequence ex: 0, or -1 when there is no such
 * command (the sequence is complete). */
static int ex_run(struct sched *s, size_t i, enum sched_exec ex, size_t k)
{
	struct sched_unit *u = &s->u[i];
	const struct cfg_cmds *l = ex_list(u->ex_cfg, ex);
	struct sched_act *a;
	int64_t limit;

	if (!l || k >= l->n)
		return -1;
	u->ex = ex;
	u->ex_next = k;
	u->ex_pid = 0;
	u->ex_seq++;
	/* the start's and the stop's are within the unit's own timers */
	limit = ex == EX_RELOAD ? u->ex_cfg->ready_timeout_ms
		: ex == EX_STOP_POST ? u->ex_cfg->stop_timeout_ms : 0;
	u->ex_at = limit > 0 ? s->now + limit : 0;
	if (ex == EX_PRE)
		u->ex_began = 1;
	say(s, (int)i, SL_DEBUG, "running its %s %s", sched_exec_name(ex),
	    l->v[k].argv[0]);
	a = push(s, SA_SPAWN_EXEC, (int)i);
	if (!a) { /* out of memory: as a command that could not start */
		u->ex_at = s->now + SCHED_RETRY_MS;
		return 0;
	}
	a->cmd = &l->v[k];
	a->ex = ex;
	a->seq = u->ex_seq;
	return 0;
}

static int ex_begin(struct sched *s, size_t i, enum sched_exec ex)
{
	struct sched_unit *u = &s->u[i];

	u->ex_cfg = u->cfg;
	return ex_run(s, i, ex, ex == EX_MORE ? 1 : 0);
}

/* Stop the command under way (a start given up, a stop taking over);
 * sig 0: leave it as it is, forgotten (a stop given up). */
static void ex_abandon(struct sched *s, size_t i, int sig)
{
	struct sched_unit *u = &s->u[i];

	if (u->ex_pid > 0 && sig) {
		signal_exec(s, i, u->ex_pid, sig);
		if (sig != SIGKILL) {
			signal_exec(s, i, u->ex_pid, SIGCONT);
			return; /* its exit is still the unit's */
		}
	}
	u->ex_pid = 0; /* its exit is no one's now */
	u->ex = EX_NONE;
	u->ex_at = 0;
	u->ex_seq++; /* one asked for and not started yet is not wanted */
}

/* A stop that waits for nothing any more is done. */
static void stop_if_empty(struct sched *s, size_t i)
{
	struct sched_unit *u = &s->u[i];

	if (u->svc.state == SVC_STOPPING && u->svc.pid <= 0 && u->launcher <= 0 &&
	    u->ex == EX_NONE && u->pgid <= 0)
		drive(s, i, EV_GROUP_EMPTY, 0);
}

/* The stop's commands are done: now the stop signal, to what is left. */
static void stop_signal_now(struct sched *s, size_t i)
{
	struct sched_unit *u = &s->u[i];
	const struct cfg_service *c = u->cfg;
	int group = c->kill_mode == KILL_GROUP;

	if (u->svc.state != SVC_STOPPING || u->svc.killed)
		return;
	if (u->svc.pid > 0) {
		send_stop(s, i, c->stop_signal, group, 1);
	} else if (u->pgid > 0 && c->kill_mode != KILL_PROCESS) {
		kill_group(s, i, u->pgid, c->stop_signal);
		kill_group(s, i, u->pgid, SIGCONT);
	} else {
		u->pgid = 0;
	}
	stop_if_empty(s, i);
}

static void begin_start(struct sched *s, size_t i);
static void start_from(struct sched *s, size_t i, enum sched_exec from);

/* Nothing runs for u: what is due now. */
static void ex_idle(struct sched *s, size_t i)
{
	struct sched_unit *u = &s->u[i];

	if (u->ex != EX_NONE)
		return;
	if (u->ex_stop_post_due) {
		u->ex_stop_post_due = 0;
		if (ex_begin(s, i, EX_STOP_POST) == 0)
			return;
	}
	if (u->rm_runtime) { /* the run's, its ExecStopPost= done */
		struct sched_act *a = push(s, SA_REMOVE_RUNTIME, (int)i);

		if (a)
			a->cfg = u->rm_runtime;
		u->rm_runtime = NULL;
	}
	if (u->ex_spawn_due) {
		u->ex_spawn_due = 0;
		if (u->svc.state == SVC_STARTING && u->svc.pid <= 0)
			begin_start(s, i);
	}
	stop_if_empty(s, i);
}

static void say_status(char *buf, size_t len, int status)
{
	if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
}

/* Sequence ex of u is over: ok, or failed with status. */
static void ex_done(struct sched *s, size_t i, enum sched_exec ex, int ok,
		    int status)
{
	struct sched_unit *u = &s->u[i];
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;

	u->ex = EX_NONE;
	u->ex_at = 0;
	switch (ex) {
	case EX_CONDITION:
		if (ok)
			start_from(s, i, EX_PRE);
		else
			drive(s, i, code >= 1 && code <= 254 ? EV_SKIPPED
							     : EV_ASSERT_FAILED, 0);
		break;
	case EX_PRE:
		if (ok) {
			start_from(s, i, EX_NONE);
			break;
		}
		drive(s, i, EV_SPAWN_FAILED, status);
		if (u->svc.state == SVC_FAILED) /* said when it is reported */
			u->svc.why = "its ExecStartPre= failed";
		break;
	case EX_MORE:
		if (!ok)
			drive(s, i, EV_POST_FAILED, status);
		else if (ex_begin(s, i, EX_POST) < 0)
			drive(s, i, EV_POST_DONE, 0);
		break;
	case EX_POST:
		drive(s, i, ok ? EV_POST_DONE : EV_POST_FAILED, status);
		break;
	case EX_RELOAD:
		u->reloads_done = u->reloads;
		u->reload_failed = !ok;
		break;
	case EX_STOP:
		stop_signal_now(s, i);
		break;
	default:
		break;
	}
	ex_idle(s, i);
}

/* The command of u's sequence exited (or could not start). */
static void ex_exited(struct sched *s, size_t i, int status)
{
	struct sched_unit *u = &s->u[i];
	enum sched_exec ex = u->ex;
	const struct cfg_cmds *l = ex_list(u->ex_cfg, ex);
	const struct cfg_cmd *cmd = l && u->ex_next < l->n ? &l->v[u->ex_next] : NULL;
	int ok = cmd && ((cmd->flags & CFG_EXEC_IGNORE) ||
			 (WIFEXITED(status) && WEXITSTATUS(status) == 0));
	char how[48];

	u->ex_pid = 0;
	u->ex_at = 0;
	if (!cmd || (ex_starting(ex) && u->svc.state != SVC_STARTING)) {
		u->ex = EX_NONE; /* a start given up: it was stopped */
		ex_idle(s, i);
		return;
	}
	if (!ok) {
		say_status(how, sizeof(how), status);
		if (ex == EX_CONDITION && WIFEXITED(status) &&
		    WEXITSTATUS(status) >= 1 && WEXITSTATUS(status) <= 254)
			say(s, (int)i, SL_WARN, "skipped: %s%s %s (%s:%d)",
			    sched_exec_name(ex), cmd->argv[0], how, cmd->file,
			    cmd->line);
		else
			say(s, (int)i, ex == EX_STOP || ex == EX_STOP_POST ? SL_WARN
									  : SL_ERROR,
			    "%s%s %s (%s:%d)%s", sched_exec_name(ex), cmd->argv[0],
			    how, cmd->file, cmd->line,
			    ex == EX_CONDITION || ex == EX_PRE ? ": not started"
			    : ex == EX_MORE || ex == EX_POST ? ": the start failed"
			    : "");
	}
	if ((ok || ex == EX_STOP || ex == EX_STOP_POST) &&
	    ex_run(s, i, ex, u->ex_next + 1) == 0)
		return;
	ex_done(s, i, ex, ok, status);
}

void sched_exec_started(struct sched *s, size_t i, pid_t pid)
{
	s->u[i].ex_pid = pid;
}

void sched_exec_failed(struct sched *s, size_t i, int status)
{
	if (i < s->n && s->u[i].ex != EX_NONE)
		ex_exited(s, i, status);
}

static int reload_one(struct sched *s, size_t i)
{
	struct sched_unit *u = &s->u[i];
	const struct cfg_service *c = u->cfg;

	if (!c->reload.n) {
		if (!c->reload_signal)
			return -2;
		return sched_signal(s, i, c->reload_signal, 0);
	}
	if (u->svc.state != SVC_RUNNING &&
	    !(u->svc.state == SVC_DONE && c->remain_after_exit))
		return -1;
	if (u->ex != EX_NONE)
		return -3;
	u->reloads++;
	(void)ex_begin(s, i, EX_RELOAD);
	return 0;
}

static void pass_on(struct sched *s, size_t i, size_t off, int back,
		    int (*op)(struct sched *, size_t));

/* ReloadPropagatedFrom= (and PropagatesReloadTo=): a reload of one of
 * them reloads this one. */
static int reload_on(struct sched *s, size_t i)
{
	int r = reload_one(s, i);

	pass_on(s, i, offsetof(struct cfg_service, reload_from), 1, reload_on);
	return r;
}

int sched_reload_unit(struct sched *s, size_t i)
{
	if (s->phase != PH_RUN)
		return -1;
	s->mark++;
	return reload_on(s, i);
}

int sched_idle(const struct sched *s, size_t i)
{
	const struct sched_unit *u = &s->u[i];

	return svc_final(&u->svc) && u->ex == EX_NONE && !u->ex_stop_post_due;
}

/* Feed one event to u's state machine and queue what it asks for. */
static void drive(struct sched *s, size_t i, enum svc_event ev, long arg)
{
	struct sched_unit *u = &s->u[i];
	enum svc_state before = u->svc.state;
	struct svc_action a = svc_step(&u->svc, ev, arg, s->now);
	enum svc_state st = u->svc.state;
	const struct cfg_service *c = u->cfg;

	if (before != SVC_STOPPING && u->svc.state == SVC_STOPPING)
		u->stop_began = s->now;
	keep_to_deadline(s, u);
	if (ev == EV_STOP && u->quiet_stop)
		a.signal = 0;
	u->quiet_stop = 0;
	if (a.signal == SIGKILL && ev == EV_TIMER)
		note_kill(s, i, u->stop_clamped ? "the end of the stop budget"
				: u->is_cmd ? "[cmd] stop_timeout"
					    : "its stop_timeout");
	if (a.signal == SIGKILL && ev == EV_EXITED)
		note_kill(s, i, "what is left of its group once its main process exited, kill_mode = mixed");
	if (a.signal)
		send_stop(s, i, a.signal, a.group, st == SVC_STOPPING);
	/* a command under way goes with its unit's SIGKILL, and with a
	 * start that is given up */
	if (a.signal == SIGKILL && u->ex_pid > 0)
		ex_abandon(s, i, SIGKILL);
	if (ex_starting(u->ex) && st != SVC_STARTING)
		ex_abandon(s, i, st == SVC_STOPPING ? c->stop_signal : SIGKILL);
	/* a reload is over when its run is (it stops, or its main process
	 * exited): the stop or the restart wins */
	if (u->ex == EX_RELOAD && st != before)
		ex_abandon(s, i, SIGKILL);
	/* a stop given up at its timeout (SendSIGKILL=no) leaves its
	 * command as it leaves the rest: what comes next does not wait */
	if (ev == EV_TIMER && before == SVC_STOPPING && svc_final(&u->svc) &&
	    !a.signal)
		ex_abandon(s, i, 0);
	if (a.stop_cmds) {
		if (u->ex != EX_NONE)
			ex_abandon(s, i, SIGKILL); /* a reload: the stop wins */
		if (ex_begin(s, i, EX_STOP) < 0)
			stop_signal_now(s, i);
	}
	/* the end of a run that started: its ExecStopPost= */
	if (live(before) && u->ex_began && st != SVC_SKIPPED &&
	    (a.spawn || (!live(st) && !(st == SVC_DONE && c->remain_after_exit)))) {
		u->ex_began = 0;
		u->ex_stop_post_due = c->stop_post.n > 0;
	}
	run_over(s, i, a.spawn);
	if (a.spawn) {
		if (u->ex_stop_post_due || (u->ex != EX_NONE && !ex_starting(u->ex)))
			u->ex_spawn_due = 1; /* after the stop's commands */
		else
			begin_start(s, i);
	}
	if (a.post && u->ex == EX_NONE) {
		if (ex_begin(s, i, c->type == TYPE_ONESHOT ? EX_MORE : EX_POST) < 0 &&
		    ex_begin(s, i, EX_POST) < 0)
			drive(s, i, EV_POST_DONE, 0);
	}
	if (u->svc.state != SVC_STARTING) {
		u->probe_at = 0;
		u->await_pidfile = 0;
		if (u->probe_pid > 0)
			kill_probe(s, i, u->probe_pid);
	}
	if (u->svc.state != SVC_RUNNING && u->health_pid > 0)
		kill_probe(s, i, u->health_pid);
	ex_idle(s, i);
	note(s, i);
}

/* ---- the links between units beside the order (BindsTo=, PartOf=,
 * Conflicts=, ReloadPropagatedFrom=, Wants=) ---- */

static int lists(char **l, const char *name)
{
	for (size_t k = 0; l && l[k]; k++)
		if (!strcmp(l[k], name))
			return 1;
	return 0;
}

/* j is linked to i: i's list names j, or j's list names i. */
static int linked(const struct sched *s, size_t i, size_t j, size_t off, int back)
{
	const struct sched_unit *a = &s->u[back ? j : i], *b = &s->u[back ? i : j];
	char **l = *(char **const *)((const char *)a->cfg + off);

	return i != j && !a->is_cmd && !b->is_cmd && !a->removed && !b->removed &&
	       lists(l, b->cfg->name);
}

/* A unit's Conflicts= (either way): starting it stops them. */
static void conflicts_stop(struct sched *s, size_t i)
{
	size_t off = offsetof(struct cfg_service, conflicts);

	for (size_t j = 0; j < s->n && s->phase == PH_RUN; j++) {
		struct sched_unit *o = &s->u[j];

		if ((linked(s, i, j, off, 0) || linked(s, i, j, off, 1)) &&
		    !svc_final(&o->svc) && o->svc.state != SVC_STOPPING) {
			say(s, (int)j, SL_WARN, "stopped: %s conflicts with it",
			    s->u[i].cfg->name);
			o->restart_pending = 0;
			drive(s, j, EV_STOP, 0);
		}
	}
}

/* u is down (stopped, failed): what BindsTo= it goes down too. */
static void bound_stop(struct sched *s, size_t i)
{
	size_t off = offsetof(struct cfg_service, binds_to);

	for (size_t j = 0; j < s->n && s->phase == PH_RUN; j++) {
		struct sched_unit *o = &s->u[j];

		if (!linked(s, i, j, off, 1) || svc_final(&o->svc) ||
		    o->svc.state == SVC_STOPPING)
			continue;
		say(s, (int)j, SL_WARN, "stopped: it is bound to %s, which is down",
		    s->u[i].cfg->name);
		o->restart_pending = 0;
		drive(s, j, EV_STOP, 0);
	}
}

/* An operator's command on u goes on to the units linked to it by the
 * list at off (back: the lists that name u), each once. */
static void pass_on(struct sched *s, size_t i, size_t off, int back,
		    int (*op)(struct sched *, size_t))
{
	unsigned mark = s->mark;

	s->u[i].mark = mark;
	for (size_t j = 0; j < s->n; j++)
		if (s->u[j].mark != mark && linked(s, i, j, off, back)) {
			s->u[j].mark = mark;
			(void)op(s, j);
		}
}

/* A start of u: its old leftovers go, its conditions are asked, then
 * its commands before the main process, then the main process. */
static void begin_start(struct sched *s, size_t i)
{
	struct sched_unit *u = &s->u[i];

	if (u->old_pgid > 0) /* what its last run left behind */
		kill_group(s, i, u->old_pgid, SIGKILL);
	u->old_pgid = 0;
	u->pgid = 0; /* the new run has no group until its process starts */
	conflicts_stop(s, i);
	/* a unit's conditions are asked right before each start */
	if (u->cfg->nconds) {
		if (!push(s, SA_CONDITIONS, (int)i))
			goto retry;
		return;
	}
	start_from(s, i, EX_CONDITION);
	return;
retry:
	/* out of memory for the action: the start is not lost (a unit
	 * starting with no process would wait for ever), it is tried
	 * again shortly */
	u->svc.state = SVC_BACKOFF;
	u->svc.timer_at = s->now + SCHED_RETRY_MS;
}

/* The start goes on from `from`: ExecCondition=, ExecStartPre=, then
 * (EX_NONE) the main process. */
static void start_from(struct sched *s, size_t i, enum sched_exec from)
{
	struct sched_unit *u = &s->u[i];

	if (from == EX_CONDITION && ex_begin(s, i, EX_CONDITION) == 0)
		return;
	if (from != EX_NONE && ex_begin(s, i, EX_PRE) == 0)
		return;
	if (!u->cfg->argv) { /* a oneshot with no ExecStart=: done at once */
		drive(s, i, EV_EXITED, 0);
		return;
	}
	if (!push(s, SA_SPAWN, (int)i)) {
		u->svc.state = SVC_BACKOFF;
		u->svc.timer_at = s->now + SCHED_RETRY_MS;
	}
}

/* A changed service that is down takes its new configuration now. */
static void swap_cfg(struct sched *s, size_t i)
{
	struct sched_unit *u = &s->u[i];
	const struct cfg_service *nc = u->next_cfg;

	enum svc_state was = u->svc.state;

	u->next_cfg = NULL;
	svc_free(&u->svc);
	u->cfg = nc;
	if (svc_init(&u->svc, nc) < 0)
		say(s, (int)i, SL_ERROR, "out of memory");
	/* daemon-reload: it stays as it was (stopped, failed, done) */
	if (u->next_quiet && svc_final(&u->svc) == 0 && was != SVC_WAITING)
		u->svc.state = was == SVC_FAILED || was == SVC_SKIPPED ? was : SVC_STOPPED;
	u->next_quiet = 0;
	u->logged = u->svc.state;
	push(s, SA_REBIND, (int)i);
}

/* Report what changed, once per change; react to final states. */
static void note(struct sched *s, size_t i)
{
	struct sched_unit *u = &s->u[i];
	enum svc_state st = u->svc.state, was;
	struct sched_act *a;

	if (st == u->logged)
		return;
	was = u->logged;
	u->logged = st;
	if (st != SVC_RUNNING) {
		u->health_at = 0;
		u->health = 0;
		u->health_fails = 0;
	} else if (u->cfg->health_argv) {
		u->health_at = s->now + u->cfg->health_interval_ms;
	}
	if (svc_final(&u->svc) && u->next_cfg && s->phase == PH_RUN) {
		if (u->restart_pending) /* a restart asked for: it starts */
			u->next_quiet = 0;
		u->restart_pending = 0;
		swap_cfg(s, i); /* enabled: waiting, and scheduled */
		return;
	}
	if (svc_final(&u->svc) && u->restart_pending && s->phase == PH_RUN) {
		u->restart_pending = 0;
		drive(s, i, EV_START, 0);
		return;
	}
	a = push(s, SA_STATE, (int)i);
	if (a) {
		a->was = was;
		a->state = st;
	}
	if (u->is_cmd && svc_final(&u->svc) && s->phase == PH_RUN)
		sched_shutdown(s, "cmd-exited", 0, 0);
	if (!u->is_cmd && (st == SVC_STOPPED || st == SVC_FAILED) && s->phase == PH_RUN)
		bound_stop(s, i);
	if (!u->is_cmd && st == SVC_FAILED && u->cfg->essential &&
	    s->phase == PH_RUN) {
		say(s, -1, SL_ERROR, "essential service %s failed: stopping the container",
		    u->cfg->name);
		s->essential_failed = 1;
		sched_shutdown(s, "service-failed", 0, 0);
	}
}

/* ---- dependencies ---- */

static int by_name(const struct sched *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!s->u[i].is_cmd && !s->u[i].removed &&
		    strcmp(s->u[i].cfg->name, name) == 0)
			return (int)i;
	return -1;
}

/* May a waiting unit start? 1 yes, 0 wait, -1 blocked. */
static int deps_allow(const struct sched *s, const struct sched_unit *u)
{
	char **lists[2] = { u->cfg->after, u->cfg->requires };

	for (int l = 0; l < 2; l++) {
		for (size_t k = 0; lists[l] && lists[l][k]; k++) {
			int j = by_name(s, lists[l][k]);
			const struct svc *d;

			if (j < 0)
				continue;
			d = &s->u[j].svc;
			if (l == 1 && (d->state == SVC_FAILED ||
				       d->state == SVC_BLOCKED ||
				       d->state == SVC_STOPPED))
				return -1;
			if (l == 1 ? !svc_up(d) : !svc_settled(d))
				return 0;
		}
	}
	return 1;
}

static int cmd_may_start(struct sched *s, const struct sched_unit *u)
{
	if (deps_allow(s, u) != 0)
		return 1; /* [cmd] after orders only */
	if (s->now < s->cmd_wait_until)
		return 0;
	say(s, (int)s->cmd, SL_WARN,
	    "its 'after' services are not ready after %lld ms, starting it anyway",
	    (long long)s->cfg->init.cmd_ready_timeout_ms);
	return 1;
}

/* Start every waiting unit whose dependencies allow it; unblock blocked
 * ones whose requirements came up. Repeats until nothing moves. */
static void schedule(struct sched *s)
{
	int moved = 1;

	while (moved && s->phase == PH_RUN) {
		moved = 0;
		for (size_t i = 0; i < s->n && s->phase == PH_RUN; i++) {
			struct sched_unit *u = &s->u[i];
			int ok;

			if (u->removed)
				continue;
			if (u->svc.state == SVC_BLOCKED && deps_allow(s, u) > 0) {
				drive(s, i, EV_START, 0);
				moved = 1;
			}
			if (u->svc.state != SVC_WAITING)
				continue;
			ok = u->is_cmd ? cmd_may_start(s, u) : deps_allow(s, u);
			if (ok < 0)
				drive(s, i, EV_DEP_FAILED, 0);
			else if (ok > 0)
				drive(s, i, EV_GO, 0);
			moved |= ok != 0;
		}
	}
}

/* ---- the stop ---- */

void sched_shutdown(struct sched *s, const char *reason, int sig,
		    int cmd_sig)
{
	if (s->phase != PH_RUN)
		return;
	if (sig && !s->stop_signal)
		s->stop_signal = sig;
	if (cmd_sig < 0 && s->cmd != SCHED_NO_CMD)
		s->u[s->cmd].quiet_stop = 1;
	if (cmd_sig > 0)
		s->cmd_cfg.stop_signal = cmd_sig;
	/* from here on nothing starts again: not after a failure, not from
	 * backoff; whatever waits to start is stopped at once */
	for (size_t i = 0; i < s->n; i++)
		s->u[i].svc.no_restart = 1;
	push(s, SA_STOPPING, -1);
	s->reason = reason;
	s->phase = PH_STOP_CMD;
	budget_plan(s->cfg, s->has_poststop, &s->b);
	s->stop_started = s->now;
	s->deadline = s->b.total_ms ? s->now + s->b.stop_ms : 0; /* 0: none */
	s->cmd_cfg.stop_timeout_ms = s->b.cmd_ms;
	say(s, -1, SL_INFO,
	    "stopping (%s): CMD has %lld ms, the services %lld ms, all of it %lld ms, the poststop hooks %lld ms",
	    reason, (long long)s->b.cmd_ms, (long long)s->b.services_ms,
	    (long long)s->b.stop_ms, (long long)s->b.reserve_ms);
	if (s->cmd != SCHED_NO_CMD && !svc_final(&s->u[s->cmd].svc))
		drive(s, s->cmd, EV_STOP, 0);
	for (size_t i = 0; i < s->n; i++)
		if (s->u[i].svc.state == SVC_BACKOFF ||
		    s->u[i].svc.state == SVC_WAITING)
			drive(s, i, EV_STOP, 0);
}

/* Services nobody live depends on any more may stop now. */
static int has_live_dependent(const struct sched *s, const struct sched_unit *u)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct sched_unit *o = &s->u[i];
		char **lists[2] = { o->cfg->after, o->cfg->requires };

		if (o == u || sched_idle(s, i))
			continue;
		for (int l = 0; l < 2; l++)
			for (size_t k = 0; lists[l] && lists[l][k]; k++)
				if (strcmp(lists[l][k], u->cfg->name) == 0)
					return 1;
	}
	return 0;
}

static int all_final(const struct sched *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (!sched_idle(s, i))
			return 0;
	return 1;
}

static void stop_step(struct sched *s)
{
	struct sched_act *a;

	if (s->phase == PH_STOP_CMD &&
	    (s->cmd == SCHED_NO_CMD || svc_final(&s->u[s->cmd].svc)))
		s->phase = PH_STOP_SERVICES;
	if (s->phase != PH_STOP_SERVICES)
		return;
	for (size_t i = 0; i < s->n; i++) {
		struct sched_unit *u = &s->u[i];

		/* RemainAfterExit=: a done one with ExecStop= is stopped too */
		int up = !svc_final(&u->svc) ||
			 (u->svc.state == SVC_DONE && u->cfg->remain_after_exit &&
			  u->cfg->stop.n);

		if (up && u->svc.state != SVC_STOPPING && !has_live_dependent(s, u))
			drive(s, i, EV_STOP, 0);
	}
	if (!all_final(s))
		return;
	s->phase = PH_STOP_REST;
	a = push(s, SA_KILL_REST, -1);
	if (a)
		a->sig = SIGTERM;
}

void sched_no_children(struct sched *s)
{
	if (s->phase == PH_STOP_REST)
		s->phase = PH_DONE;
}

static void deadline_passed(struct sched *s)
{
	struct sched_act *a;

	if (s->killed_all) {
		say(s, -1, SL_WARN, "processes survived SIGKILL; giving up on them");
		s->phase = PH_DONE;
		return;
	}
	say(s, -1, SL_WARN,
	    "the stop took all of its %lld ms (shutdown_timeout %lld ms less poststop_reserve %lld ms): SIGKILL to what is left",
	    (long long)s->b.stop_ms, (long long)s->b.total_ms,
	    (long long)s->b.reserve_ms);
	for (size_t i = 0; i < s->n; i++) {
		struct sched_unit *u = &s->u[i];
		int stopping = u->svc.state == SVC_STOPPING;

		if (svc_final(&u->svc))
			continue;
		if (!stopping)
			u->stop_began = s->now;
		if (!u->svc.killed && (u->svc.pid > 0 || stopping || u->await_pidfile))
			note_kill(s, i, stopping ? "the end of the stop budget"
					: "the end of the stop budget, before its turn to stop came");
		u->quiet_stop = 1;
		drive(s, i, EV_STOP, 0); /* no restart from here on */
		if (u->svc.state == SVC_STOPPING) {
			u->svc.killed = 1; /* this SIGKILL is the last word */
			u->svc.timer_at = s->now + SVC_KILL_GRACE_MS;
		}
		signal_unit(s, i, SIGKILL, 1);
	}
	a = push(s, SA_KILL_REST, -1);
	if (a)
		a->sig = SIGKILL;
	s->killed_all = 1;
	s->deadline = s->now + SVC_KILL_GRACE_MS;
	s->phase = PH_STOP_REST;
}

/* ---- readiness and health ---- */

static void probe(struct sched *s, size_t i)
{
	struct sched_unit *u = &s->u[i];

	u->probe_at = 0;
	if (u->svc.state != SVC_STARTING)
		return;
	if (u->await_pidfile) {
		push(s, SA_READ_PIDFILE, (int)i);
		return;
	}
	if (u->launcher)
		return; /* forking: readiness after the daemon is known */
	switch (u->cfg->ready) {
	case READY_TCP:
	case READY_FILE:
		push(s, SA_CHECK, (int)i);
		break;
	case READY_EXEC:
		if (u->probe_pid <= 0)
			push(s, SA_SPAWN_PROBE, (int)i);
		break;
	default:
		break;
	}
}

/* The health timer: start a check, or kill one that overran. */
static void health(struct sched *s, size_t i)
{
	struct sched_unit *u = &s->u[i];

	u->health_at = s->now + u->cfg->health_interval_ms;
	if (u->health_pid > 0) {
		say(s, (int)i, SL_WARN, "health check overran %lld ms, killing it",
		    (long long)u->cfg->health_interval_ms);
		kill_probe(s, i, u->health_pid);
		return; /* its exit counts as a failure */
	}
	push(s, SA_SPAWN_HEALTH, (int)i);
}

void sched_ready(struct sched *s, size_t i)
{
	if (i < s->n && s->u[i].svc.state == SVC_STARTING)
		drive(s, i, EV_READY, 0);
}

void sched_not_yet(struct sched *s, size_t i)
{
	if (i < s->n && s->u[i].svc.state == SVC_STARTING)
		s->u[i].probe_at = s->now + SCHED_PROBE_MS;
}

void sched_probe_started(struct sched *s, size_t i, pid_t pid)
{
	s->u[i].probe_pid = pid;
	s->u[i].probe_at = 0; /* its exit decides */
}

void sched_health_started(struct sched *s, size_t i, pid_t pid)
{
	s->u[i].health_pid = pid;
}

void sched_pidfile(struct sched *s, size_t i, pid_t pid, pid_t pgid)
{
	struct sched_unit *u = &s->u[i];

	if (u->svc.state != SVC_STARTING)
		return;
	if (pid <= 0) {
		u->probe_at = s->now + SCHED_PIDFILE_MS;
		return;
	}
	u->await_pidfile = 0;
	u->pgid = pgid;
	drive(s, i, EV_FORKED, pid);
	if (u->svc.state == SVC_STARTING)
		u->probe_at = s->now;
}

void sched_mainpid(struct sched *s, size_t i, pid_t pid)
{
	drive(s, i, EV_FORKED, pid);
}

static void probe_exited(struct sched *s, size_t i, int status)
{
	struct sched_unit *u = &s->u[i];

	u->probe_pid = 0;
	if (u->svc.state != SVC_STARTING)
		return;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		drive(s, i, EV_READY, 0);
	else
		u->probe_at = s->now + SCHED_PROBE_MS;
}

static void health_exited(struct sched *s, size_t i, int status)
{
	struct sched_unit *u = &s->u[i];

	u->health_pid = 0;
	if (u->svc.state != SVC_RUNNING)
		return;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		u->health_fails = 0;
		u->health = 1;
		return;
	}
	u->health_fails++;
	say(s, (int)i, SL_WARN, "health check failed (%d of %d)",
	    u->health_fails, u->cfg->health_retries);
	if (u->health_fails < u->cfg->health_retries)
		return;
	u->health = -1;
	say(s, (int)i, SL_ERROR, "unhealthy, restarting it per its policy");
	drive(s, i, EV_UNHEALTHY, 0);
}

/* ---- processes ---- */

enum sched_role sched_spawned(struct sched *s, size_t i, pid_t pid)
{
	struct sched_unit *u = &s->u[i];
	int forking = u->cfg->type == TYPE_FORKING;

	u->pgid = pid;
	u->ran = 1;
	u->ex_began = 1;
	u->sid = u->is_cmd ? 0 : pid;
	u->launcher = forking ? pid : 0;
	drive(s, i, EV_SPAWNED, pid);
	u->probe_at = u->cfg->ready == READY_NONE || u->svc.state != SVC_STARTING
			      ? 0 : s->now;
	return forking ? ROLE_LAUNCHER : ROLE_MAIN;
}

void sched_spawn_failed(struct sched *s, size_t i, int status)
{
	drive(s, i, EV_SPAWN_FAILED, status);
}

void sched_conditions(struct sched *s, size_t i, int result, const char *why)
{
	struct sched_unit *u = &s->u[i];

	/* only for the start that asked */
	if (i >= s->n || u->svc.state != SVC_STARTING || u->svc.pid > 0 ||
	    u->launcher > 0 || u->ex != EX_NONE)
		return;
	if (result == SCHED_COND_MET) {
		start_from(s, i, EX_CONDITION);
		return;
	}
	if (result == SCHED_COND_FAILED)
		say(s, (int)i, SL_WARN, "skipped: %s", why); /* it does not run */
	else
		say(s, (int)i, SL_ERROR, "not started: %s", why);
	drive(s, i, result == SCHED_COND_FAILED ? EV_SKIPPED : EV_ASSERT_FAILED, 0);
}

static void launcher_exited(struct sched *s, size_t i, int status)
{
	struct sched_unit *u = &s->u[i];

	u->launcher = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		drive(s, i, EV_EXITED, status);
		return;
	}
	u->svc.pid = 0;
	if (!u->cfg->pidfile) {
		/* no pid file to follow (an init.d script's start, a unit
		 * with no PIDFile=): up now, with no main process; what is
		 * left of its group is what its stop signals */
		drive(s, i, EV_READY, 0);
		return;
	}
	u->await_pidfile = 1;
	probe(s, i);
}

static void main_exited(struct sched *s, size_t i, int status, int group_alive)
{
	struct sched_unit *u = &s->u[i];
	pid_t pgid = u->pgid;
	struct sched_act *a;

	u->svc.group_alive = group_alive;
	if (s->phase != PH_RUN && !u->is_cmd && u->svc.state != SVC_STOPPING) {
		/* stopping: whatever ends now is not restarted */
		u->quiet_stop = 1;
		drive(s, i, EV_STOP, 0);
	}
	if (u->svc.state != SVC_STOPPING && !u->is_cmd &&
	    (a = push(s, SA_EXITED, (int)i))) {
		a->pid = u->svc.pid;
		a->status = status;
	}
	drive(s, i, EV_EXITED, status);
	if (u->is_cmd || !group_alive || u->svc.state == SVC_STOPPING ||
	    u->svc.state == SVC_DONE || u->cfg->kill_mode == KILL_PROCESS)
		return;
	/* its main process is gone, and it is not stopping: what is left of
	 * its group gets the stop signal now, and SIGKILL when it starts
	 * again (a oneshot that is done keeps them) */
	kill_group(s, i, pgid, u->cfg->stop_signal);
	kill_group(s, i, pgid, SIGCONT);
	if (u->svc.state == SVC_STARTING)
		kill_group(s, i, pgid, SIGKILL); /* restarted at once */
	else
		u->old_pgid = pgid;
}

void sched_reaped(struct sched *s, size_t i, enum sched_role role, pid_t pid,
		  int status, int group_alive)
{
	const struct sched_unit *u = &s->u[i];
	pid_t was[] = { u->svc.pid, u->launcher, u->probe_pid, u->health_pid,
			u->ex_pid };

	/* the caller's map and the unit agree on who this was, or it is
	 * no longer the unit's (an orphan now) */
	if (i >= s->n || pid <= 0 || role > ROLE_EXEC || was[role] != pid)
		return;
	switch (role) {
	case ROLE_EXEC:
		ex_exited(s, i, status);
		break;
	case ROLE_HEALTH:
		health_exited(s, i, status);
		break;
	case ROLE_LAUNCHER:
		launcher_exited(s, i, status);
		break;
	case ROLE_PROBE:
		probe_exited(s, i, status);
		break;
	case ROLE_MAIN:
		main_exited(s, i, status, group_alive);
		break;
	}
}

int sched_awaits_group(const struct sched *s, size_t i)
{
	const struct sched_unit *u = &s->u[i];

	return u->svc.state == SVC_STOPPING && u->svc.pid == 0 && u->pgid > 0 &&
	       u->ex == EX_NONE && u->launcher <= 0;
}

void sched_group_gone(struct sched *s, size_t i)
{
	if (sched_awaits_group(s, i))
		drive(s, i, EV_GROUP_EMPTY, 0);
}

/* ---- time ---- */

void sched_step(struct sched *s, int64_t now)
{
	s->now = now;
	schedule(s);
	if (s->phase != PH_RUN)
		stop_step(s);
}

void sched_clock(struct sched *s, int64_t now)
{
	s->now = now;
}

void sched_tick(struct sched *s, int64_t now)
{
	s->now = now;
	for (size_t i = 0; i < s->n; i++) {
		struct sched_unit *u = &s->u[i];

		if (u->svc.timer_at && u->svc.timer_at <= now)
			drive(s, i, EV_TIMER, 0);
		if (u->probe_at && u->probe_at <= now)
			probe(s, i);
		if (u->health_at && u->health_at <= now)
			health(s, i);
		if (u->ex_at && u->ex_at <= now) {
			u->ex_at = 0;
			if (u->ex_pid > 0) {
				say(s, (int)i, SL_WARN, "its %s command ran out of time: SIGKILL",
				    sched_exec_name(u->ex));
				signal_exec(s, i, u->ex_pid, SIGKILL);
			} else if (u->ex != EX_NONE) { /* it never started */
				sched_exec_failed(s, i, 1 << 8);
			}
		}
	}
	if (s->phase != PH_RUN && s->phase != PH_DONE && s->deadline &&
	    now >= s->deadline)
		deadline_passed(s);
}

int64_t sched_next_deadline(const struct sched *s)
{
	int64_t at = 0;

#define EARLIER(t) \
	do { if ((t) > 0 && (at == 0 || (t) < at)) at = (t); } while (0)
	for (size_t i = 0; i < s->n; i++) {
		EARLIER(s->u[i].svc.timer_at);
		EARLIER(s->u[i].probe_at);
		EARLIER(s->u[i].health_at);
		EARLIER(s->u[i].ex_at);
	}
	if (s->phase == PH_RUN && s->cmd != SCHED_NO_CMD &&
	    s->u[s->cmd].svc.state == SVC_WAITING)
		EARLIER(s->cmd_wait_until);
	if (s->phase != PH_RUN && s->phase != PH_DONE)
		EARLIER(s->deadline);
#undef EARLIER
	return at;
}

/* ---- units ---- */

static int unit_init(struct sched_unit *u, const struct cfg_service *cfg,
		     int is_cmd)
{
	memset(u, 0, sizeof(*u));
	u->cfg = cfg;
	u->is_cmd = is_cmd;
	if (svc_init(&u->svc, cfg) < 0)
		return -ENOMEM;
	u->logged = u->svc.state;
	return 0;
}

static int grow(struct sched *s)
{
	struct sched_unit *n;
	size_t cap;

	if (s->n < s->cap)
		return 0;
	cap = s->cap ? s->cap * 2 : 8;
	n = realloc(s->u, cap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	s->u = n;
	s->cap = cap;
	return 0;
}

/* CMD's configuration, kept here so that the stop can set its share. */
static void take_cmd_cfg(struct sched *s, const struct cfg_service *cmd)
{
	s->cmd_cfg = *cmd;
	s->cmd_cfg.name = (char *)"cmd";
	budget_plan(s->cfg, s->has_poststop, &s->b);
	s->cmd_cfg.stop_timeout_ms = s->b.cmd_ms;
}

int sched_init(struct sched *s, const struct cfg *cfg,
	       const struct cfg_service *cmd, int has_poststop, int64_t now)
{
	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->has_poststop = has_poststop;
	s->now = now;
	s->cmd = SCHED_NO_CMD;
	s->cmd_wait_until = now + cfg->init.cmd_ready_timeout_ms;
	for (size_t i = 0; i < cfg->nsvcs; i++) {
		if (grow(s) < 0 || unit_init(&s->u[s->n], &cfg->svcs[i], 0) < 0)
			return -ENOMEM;
		s->n++;
	}
	if (cmd) {
		take_cmd_cfg(s, cmd);
		if (grow(s) < 0 || unit_init(&s->u[s->n], &s->cmd_cfg, 1) < 0)
			return -ENOMEM;
		s->cmd = s->n++;
	}
	return 0;
}

void sched_free(struct sched *s)
{
	for (size_t i = 0; i < s->n; i++)
		svc_free(&s->u[i].svc);
	free(s->u);
	free(s->acts);
	memset(s, 0, sizeof(*s));
	s->cmd = SCHED_NO_CMD;
}

int sched_find(const struct sched *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!s->u[i].removed && strcmp(name_of(&s->u[i]), name) == 0)
			return (int)i;
	return -1;
}

int sched_owner(const struct sched *s, pid_t pid, enum sched_role *role)
{
	for (size_t i = 0; pid > 0 && i < s->n; i++) {
		const struct sched_unit *u = &s->u[i];

		if (u->launcher == pid)
			*role = ROLE_LAUNCHER;
		else if (u->probe_pid == pid)
			*role = ROLE_PROBE;
		else if (u->svc.pid == pid)
			*role = ROLE_MAIN;
		else if (u->health_pid == pid)
			*role = ROLE_HEALTH;
		else if (u->ex_pid == pid)
			*role = ROLE_EXEC;
		else
			continue;
		return (int)i;
	}
	return -1;
}

int sched_counts(const struct sched *s, size_t i)
{
	const struct sched_unit *u = &s->u[i];

	if (u->removed)
		return 0;
	return u->is_cmd || u->svc.state != SVC_STOPPED;
}

int sched_is_ready(const struct sched *s, const char *name)
{
	if (*name) {
		int i = sched_find(s, name);
		const struct sched_unit *u = i >= 0 ? &s->u[i] : NULL;

		return u && (u->is_cmd ? u->svc.state == SVC_RUNNING : svc_up(&u->svc));
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct sched_unit *u = &s->u[i];

		if (!sched_counts(s, i))
			continue;
		if (u->is_cmd ? u->svc.state != SVC_RUNNING && u->svc.last_status < 0
			      : !svc_up(&u->svc))
			return 0;
	}
	return 1;
}

int sched_cmd_status(const struct sched *s)
{
	return s->cmd == SCHED_NO_CMD ? -1 : s->u[s->cmd].svc.last_status;
}

int sched_any_killed(const struct sched *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->u[i].sigkilled && !s->u[i].is_cmd)
			return 1;
	return 0;
}

static int holds(const struct cfg *c, const struct cfg_service *e)
{
	return e && e >= c->svcs && e < c->svcs + c->nsvcs;
}

int sched_uses(const struct sched *s, const struct cfg *c)
{
	for (size_t i = 0; i < s->n; i++)
		if (!s->u[i].is_cmd &&
		    (holds(c, s->u[i].cfg) || holds(c, s->u[i].next_cfg) ||
		     holds(c, s->u[i].rm_runtime) ||
		     (s->u[i].ex != EX_NONE && holds(c, s->u[i].ex_cfg))))
			return 1;
	return 0;
}

/* ---- operators ---- */

static int start_one(struct sched *s, size_t i);
static int stop_one(struct sched *s, size_t i);
static int restart_one(struct sched *s, size_t i);

/* What it Wants=, Requires= or BindsTo= starts with it, as systemd's
 * start job pulls them in. */
static int start_one(struct sched *s, size_t i)
{
	drive(s, i, EV_START, 0);
	if (s->u[i].cfg->origin == ORIGIN_SERVICES_D)
		return 0; /* services.d's requires: blocked, not pulled in */
	pass_on(s, i, offsetof(struct cfg_service, wants), 0, start_one);
	pass_on(s, i, offsetof(struct cfg_service, requires), 0, start_one);
	pass_on(s, i, offsetof(struct cfg_service, binds_to), 0, start_one);
	return 0;
}

/* PartOf=: a stop of one of them stops this one. */
static int stop_one(struct sched *s, size_t i)
{
	s->u[i].restart_pending = 0;
	drive(s, i, EV_STOP, 0);
	pass_on(s, i, offsetof(struct cfg_service, part_of), 1, stop_one);
	return 0;
}

int sched_start(struct sched *s, size_t i)
{
	if (s->phase != PH_RUN)
		return -1;
	s->mark++;
	return start_one(s, i);
}

int sched_stop(struct sched *s, size_t i)
{
	if (s->phase != PH_RUN)
		return -1;
	s->mark++;
	return stop_one(s, i);
}

int sched_signal(struct sched *s, size_t i, int sig, int group)
{
	if (s->u[i].svc.pid <= 0)
		return -1;
	signal_unit(s, i, sig, group);
	return 0;
}

int sched_restart(struct sched *s, size_t i)
{
	if (s->phase != PH_RUN)
		return -1;
	s->mark++;
	return restart_one(s, i);
}

/* PartOf=: a restart of one of them restarts this one. */
static int restart_one(struct sched *s, size_t i)
{
	struct sched_unit *u = &s->u[i];

	pass_on(s, i, offsetof(struct cfg_service, part_of), 1, restart_one);
	if (svc_final(&u->svc) || u->svc.state == SVC_WAITING ||
	    u->svc.state == SVC_BACKOFF) {
		drive(s, i, EV_STOP, 0);
		drive(s, i, EV_START, 0);
	} else {
		u->restart_pending = 1;
		drive(s, i, EV_STOP, 0);
	}
	return 0;
}

/* ---- reload ---- */

/* A removed service's slot that a new one may take: final, and nothing
 * of it left to reap. */
static int slot_free(const struct sched_unit *u)
{
	return u->removed && svc_final(&u->svc) && u->svc.pid <= 0 &&
	       u->launcher <= 0 && u->probe_pid <= 0 && u->health_pid <= 0 &&
	       u->ex == EX_NONE && u->ex_pid <= 0 && !u->ex_stop_post_due &&
	       !u->rm_runtime;
}

static int add_unit(struct sched *s, const struct cfg_service *cfg)
{
	size_t i;

	for (i = 0; i < s->n && !slot_free(&s->u[i]); i++)
		;
	if (i < s->n) {
		svc_free(&s->u[i].svc);
		push(s, SA_RELEASE, (int)i);
	} else if (grow(s) < 0) {
		return -ENOMEM;
	}
	if (unit_init(&s->u[i], cfg, 0) < 0)
		return -ENOMEM;
	if (i == s->n)
		s->n++;
	push(s, SA_REBIND, (int)i);
	return 0;
}

/* Whether an entry of the new configuration has a unit already. */
static int bound(const struct sched *s, const struct cfg_service *e)
{
	for (size_t i = 0; i < s->n; i++)
		if (!s->u[i].is_cmd && !s->u[i].removed &&
		    (s->u[i].cfg == e || s->u[i].next_cfg == e))
			return 1;
	return 0;
}

int sched_reload(struct sched *s, const struct cfg *ncfg,
		 const struct cfg_service *cmd, struct sched_reload *r)
{
	int defs = r->defs_only;

	memset(r, 0, sizeof(*r));
	r->defs_only = defs;
	for (size_t i = 0; i < s->n; i++) {
		struct sched_unit *u = &s->u[i];
		struct cfg_service *ns;

		if (u->is_cmd || u->removed)
			continue;
		ns = cfg_find(ncfg, u->cfg->name);
		if (!ns && defs && !svc_final(&u->svc)) {
			r->same++; /* runs on, as it was defined */
			continue;
		}
		if (!ns) {
			u->removed = 1;
			u->restart_pending = 0;
			drive(s, i, EV_STOP, 0);
			r->removed++;
		} else if (ns->text_hash == u->cfg->text_hash) {
			/* its user as looked up at its start */
			cfg_copy_ids(ns, u->cfg);
			u->cfg = ns;
			u->svc.cfg = ns;
			push(s, SA_REBIND, (int)i);
			r->same++;
		} else {
			r->changed++;
			u->next_cfg = ns;
			u->next_quiet = defs;
			if (svc_final(&u->svc)) {
				swap_cfg(s, i);
			} else if (defs) {
				u->restart_pending = 0; /* at its next start */
			} else {
				u->restart_pending = ns->enabled;
				drive(s, i, EV_STOP, 0);
			}
		}
	}
	s->cfg = ncfg;
	for (size_t j = 0; j < ncfg->nsvcs; j++) {
		if (bound(s, &ncfg->svcs[j]))
			continue;
		if (add_unit(s, &ncfg->svcs[j]) < 0)
			return -ENOMEM;
		if (defs) { /* it waits to be started */
			for (size_t k = 0; k < s->n; k++)
				if (s->u[k].cfg == &ncfg->svcs[j] && s->u[k].svc.state == SVC_WAITING)
					s->u[k].svc.state = s->u[k].logged = SVC_STOPPED;
		}
		r->added++;
	}
	if (cmd && s->cmd != SCHED_NO_CMD)
		take_cmd_cfg(s, cmd);
	return 0;
}
