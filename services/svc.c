// SPDX-License-Identifier: MIT
/*
 * The state x event table of a service. Every transition is here and is
 * unit-tested; nothing here touches the system.
 */
#include "svc.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static const char *const state_names[SVC_NSTATES] = {
	[SVC_WAITING] = "starting", /* not yet spawned, shown as starting */
	[SVC_STARTING] = "starting",
	[SVC_RUNNING] = "running",
	[SVC_STOPPING] = "stopping",
	[SVC_STOPPED] = "stopped",
	[SVC_BACKOFF] = "backoff",
	[SVC_FAILED] = "failed",
	[SVC_BLOCKED] = "blocked",
	[SVC_DONE] = "done",
	[SVC_SKIPPED] = "skipped",
};

static const char *const event_names[EV_NEVENTS] = {
	"go", "start", "stop", "spawned", "spawn-failed", "ready", "forked",
	"exited", "group-empty", "timer", "dep-failed", "unhealthy", "skipped",
	"assert-failed", "post-done", "post-failed",
};

const char *svc_state_name(enum svc_state st)
{
	return st < SVC_NSTATES ? state_names[st] : "?";
}

const char *svc_event_name(enum svc_event ev)
{
	return ev < EV_NEVENTS ? event_names[ev] : "?";
}

int svc_init(struct svc *s, const struct cfg_service *cfg)
{
	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->state = cfg->enabled ? SVC_WAITING : SVC_STOPPED;
	s->delay_ms = cfg->restart_delay_ms;
	s->last_status = -1;
	return 0;
}

void svc_free(struct svc *s)
{
	free(s->starts);
	s->starts = NULL;
}

int svc_settled(const struct svc *s)
{
	return s->state != SVC_WAITING && s->state != SVC_STARTING;
}

int svc_up(const struct svc *s)
{
	return (s->state == SVC_RUNNING && s->ready) || s->state == SVC_DONE ||
	       s->state == SVC_SKIPPED;
}

int svc_final(const struct svc *s)
{
	return s->state == SVC_STOPPED || s->state == SVC_FAILED ||
	       s->state == SVC_DONE || s->state == SVC_BLOCKED ||
	       s->state == SVC_SKIPPED;
}

int svc_has_post(const struct cfg_service *c)
{
	return c->start_post.n > 0 || (c->type == TYPE_ONESHOT && c->start.n > 1);
}

static int in_set(const struct cfg_status_set *set, int status)
{
	if (WIFEXITED(status))
		return (set->code[WEXITSTATUS(status) / 8] >> (WEXITSTATUS(status) % 8)) & 1;
	return WIFSIGNALED(status) && WTERMSIG(status) >= 1 &&
	       WTERMSIG(status) <= 64 && ((set->sigs >> (WTERMSIG(status) - 1)) & 1);
}

int svc_clean(const struct cfg_service *c, int status)
{
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;

	/* a unit's ExecStart=-...: any end of it counts as a success */
	if (c->exec_flags & CFG_EXEC_IGNORE)
		return 1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 1;
	if (c->origin == ORIGIN_SERVICES_D)
		return 0;
	if (c->type != TYPE_ONESHOT &&
	    (sig == SIGHUP || sig == SIGINT || sig == SIGTERM || sig == SIGPIPE))
		return 1;
	return in_set(&c->success_status, status);
}

static enum svc_end end_of(const struct cfg_service *c, int status)
{
	if (svc_clean(c, status))
		return END_CLEAN;
	return WIFSIGNALED(status) ? END_SIGNAL : END_CODE;
}

int svc_starts_in_window(const struct svc *s, int64_t now)
{
	int n = 0, len = s->starts ? s->nring : 1;

	/* a limit a reload changed counts from the next start on */
	if (s->starts && s->nring != s->cfg->start_limit)
		return 0;
	for (int i = 0; i < s->cfg->start_limit && i < s->nstarts && i < len; i++)
		if (now - (s->starts ? s->starts[i] : s->first_start) <
		    s->cfg->start_limit_window_ms)
			n++;
	return n;
}

/* Remember a start. The ring of start times is only made at a second
 * start, so a service that never restarts costs nothing for it; a
 * limit above SVC_START_RING_MAX (a unit's StartLimitBurst=0: none) is
 * never reached, and keeps none. */
static int record_start(struct svc *s, int64_t now)
{
	int lim = s->cfg->start_limit;

	if (lim > SVC_START_RING_MAX)
		return 0;
	if (s->starts && s->nring != lim) { /* a reload changed the limit */
		free(s->starts);
		s->starts = NULL;
		s->nstarts = 0;
	}
	if (!s->starts && s->nstarts >= 1 && lim > 1) {
		s->starts = calloc((size_t)lim, sizeof(*s->starts));
		if (!s->starts)
			return -1;
		s->nring = lim;
		s->starts[0] = s->first_start;
		s->nstarts = 1; /* (the latest start, while the limit was 1) */
	}
	if (s->starts)
		s->starts[s->nstarts % lim] = now;
	else
		s->first_start = now;
	s->nstarts++;
	return 0;
}

static struct svc_action none(void)
{
	struct svc_action a = { 0, 0, 0, 0, 0 };

	return a;
}

/* Spawn now, unless the start limit says this would be one too many. */
static struct svc_action spawn(struct svc *s, int64_t now)
{
	struct svc_action a = none();

	if (svc_starts_in_window(s, now) >= s->cfg->start_limit) {
		s->state = SVC_FAILED;
		s->why = "start limit reached";
		s->timer_at = 0;
		return a;
	}
	if (record_start(s, now) < 0) {
		s->state = SVC_FAILED;
		s->why = "out of memory";
		s->timer_at = 0;
		return a;
	}
	s->state = SVC_STARTING;
	s->ready = 0;
	s->pid = 0;
	s->started_at = now;
	s->stop_wanted = 0;
	s->restart_after_stop = 0;
	s->killed = 0;
	s->posting = 0;
	s->post_done = 0;
	s->fail_end = END_CODE;
	/* a unit's start budget (TimeoutStartSec=) covers the commands
	 * before its main process too */
	s->timer_at = s->cfg->ready_timeout_ms > 0 && s->cfg->type != TYPE_ONESHOT &&
		      (s->cfg->exec_condition.n || s->cfg->start_pre.n)
			      ? now + s->cfg->ready_timeout_ms : 0;
	a.spawn = 1;
	return a;
}

static struct svc_action begin_stop(struct svc *s, int64_t now, int wanted)
{
	struct svc_action a = none();
	/* ExecStop= only for a run that came up (systemd's rule) */
	int cmds = s->cfg->stop.n > 0 &&
		   (s->state == SVC_RUNNING || s->state == SVC_DONE);

	s->stop_wanted = wanted;
	s->restart_after_stop = !wanted;
	s->state = SVC_STOPPING;
	s->killed = 0;
	/* stop_timeout = 0: no SIGKILL, however long it takes */
	s->timer_at = s->cfg->stop_timeout_ms > 0 ? now + s->cfg->stop_timeout_ms : 0;
	a.signal = cmds ? 0 : s->cfg->stop_signal;
	a.group = s->cfg->kill_mode == KILL_GROUP;
	a.stop_cmds = cmds;
	return a;
}

/* Whether Restart= restarts after this end (systemd's table), with
 * RestartPreventExitStatus= and RestartForceExitStatus= (status >= 0:
 * the wait status of the exit). */
static int restarts(const struct svc *s, enum svc_end end, int status)
{
	const struct cfg_service *c = s->cfg;

	if (s->no_restart)
		return 0;
	if (status >= 0 && in_set(&c->restart_prevent, status))
		return 0;
	if (status >= 0 && in_set(&c->restart_force, status))
		return 1;
	switch (c->restart) {
	case RESTART_ALWAYS:
		return 1;
	case RESTART_ON_FAILURE:
		return end != END_CLEAN;
	case RESTART_ON_SUCCESS:
		return end == END_CLEAN;
	case RESTART_ON_ABNORMAL:
		return end == END_SIGNAL || end == END_TIMEOUT;
	case RESTART_ON_ABORT:
		return end == END_SIGNAL;
	default:
		return 0;
	}
}

/* The main process is gone and nothing asked for that: restart or not.
 * status: its wait status (-1: no exit, a timeout). why: the reason to
 * report if it fails for good (NULL: its exit). */
static struct svc_action after_exit(struct svc *s, enum svc_end end,
				    int status, int64_t now, const char *why)
{
	struct svc_action a = none();

	s->pid = 0;
	s->timer_at = 0;
	s->posting = 0;
	if (now - s->started_at >= SVC_STABLE_MS)
		s->delay_ms = s->cfg->restart_delay_ms;
	if (!restarts(s, end, status)) {
		if (end != END_CLEAN) {
			s->state = SVC_FAILED;
			s->why = why ? why : "exited with failure";
		} else {
			s->state = s->cfg->type == TYPE_ONESHOT ||
						   s->cfg->remain_after_exit
					   ? SVC_DONE : SVC_STOPPED;
		}
		return a;
	}
	s->restarts++;
	if (svc_starts_in_window(s, now) >= s->cfg->start_limit) {
		s->state = SVC_FAILED;
		s->why = "start limit reached";
		return a;
	}
	if (s->delay_ms == 0)
		return spawn(s, now);
	s->state = SVC_BACKOFF;
	s->timer_at = now + s->delay_ms;
	s->delay_ms = s->delay_ms * 2 > s->cfg->restart_delay_max_ms
			      ? s->cfg->restart_delay_max_ms
			      : s->delay_ms * 2;
	return a;
}

static struct svc_action stop_done(struct svc *s, int64_t now)
{
	if (s->restart_after_stop) /* not ready in time, unhealthy */
		return after_exit(s, s->fail_end, -1, now, s->why);
	s->pid = 0;
	s->timer_at = 0;
	s->state = SVC_STOPPED;
	return none();
}

/* The start is complete (the main process is up, or a oneshot's is
 * done): unless the commands after the start are still to run first. */
static struct svc_action become_up(struct svc *s, int64_t now)
{
	struct svc_action a = none();

	if (s->posting)
		return a;
	if (svc_has_post(s->cfg) && !s->post_done) {
		s->posting = 1;
		if (!s->timer_at && s->cfg->ready_timeout_ms > 0 &&
		    s->cfg->type != TYPE_ONESHOT)
			s->timer_at = now + s->cfg->ready_timeout_ms;
		a.post = 1;
		return a;
	}
	/* a forking daemon with no pid file to follow is up with no main
	 * process: with RemainAfterExit= (an init.d script's) it is done */
	s->state = s->cfg->type == TYPE_ONESHOT ||
				   (s->pid <= 0 && s->cfg->remain_after_exit)
			   ? SVC_DONE : SVC_RUNNING;
	s->ready = 1;
	/* RuntimeMaxSec=: from the start on */
	s->timer_at = s->state == SVC_RUNNING && s->cfg->runtime_max_ms > 0
			      ? s->started_at + s->cfg->runtime_max_ms : 0;
	return a;
}

static struct svc_action on_exit_running(struct svc *s, int status, int64_t now)
{
	enum svc_end end = end_of(s->cfg, status);

	s->last_status = status;
	if (s->state == SVC_STARTING && s->cfg->type == TYPE_ONESHOT &&
	    end == END_CLEAN && s->cfg->restart != RESTART_ALWAYS) {
		s->pid = 0;
		return become_up(s, now);
	}
	return after_exit(s, end, status, now, NULL);
}

static struct svc_action on_post(struct svc *s, enum svc_event ev, long arg,
				 int64_t now)
{
	if (!s->posting)
		return none();
	s->posting = 0;
	if (ev == EV_POST_DONE) {
		s->post_done = 1;
		return become_up(s, now);
	}
	s->why = "a command after its start failed";
	if (s->pid <= 0) /* a oneshot: nothing left to stop */
		return after_exit(s, end_of(s->cfg, (int)arg) == END_SIGNAL
					     ? END_SIGNAL : END_CODE,
				  -1, now, s->why);
	s->fail_end = END_CODE;
	return begin_stop(s, now, 0);
}

static struct svc_action on_spawned(struct svc *s, long pid, int64_t now)
{
	s->pid = (pid_t)pid;
	if (s->cfg->type == TYPE_ONESHOT)
		return none();
	if (s->cfg->ready == READY_NONE && s->cfg->type == TYPE_SIMPLE)
		return become_up(s, now);
	/* the budget may have begun before (ExecStartPre=); 0: none */
	if (!s->timer_at && s->cfg->ready_timeout_ms > 0)
		s->timer_at = now + s->cfg->ready_timeout_ms;
	return none();
}

/* The checks before a spawn said no: nothing was started. */
static struct svc_action not_started(struct svc *s, int skipped)
{
	s->timer_at = 0;
	s->ready = 0;
	s->state = skipped ? SVC_SKIPPED : SVC_FAILED;
	s->why = skipped ? "a start condition failed" : "an assert failed";
	return none();
}

static struct svc_action step_starting(struct svc *s, enum svc_event ev,
				       long arg, int64_t now)
{
	switch (ev) {
	case EV_SPAWNED:
		return on_spawned(s, arg, now);
	case EV_SPAWN_FAILED:
		return on_exit_running(s, (int)arg, now);
	case EV_FORKED:
		s->pid = (pid_t)arg;
		if (s->cfg->ready != READY_NONE)
			return none();
		/* the pidfile is the readiness */
		__attribute__((fallthrough));
	case EV_READY:
		if (s->cfg->type == TYPE_ONESHOT)
			return none();
		return become_up(s, now);
	case EV_POST_DONE:
	case EV_POST_FAILED:
		return on_post(s, ev, arg, now);
	case EV_EXITED:
		return on_exit_running(s, (int)arg, now);
	case EV_TIMER:
		s->why = "not ready in time";
		s->fail_end = END_TIMEOUT;
		return begin_stop(s, now, 0);
	case EV_STOP:
		return begin_stop(s, now, 1);
	case EV_SKIPPED:
	case EV_ASSERT_FAILED:
		return s->pid ? none() : not_started(s, ev == EV_SKIPPED);
	default:
		return none();
	}
}

static struct svc_action step_running(struct svc *s, enum svc_event ev,
				      long arg, int64_t now)
{
	switch (ev) {
	case EV_EXITED:
		return on_exit_running(s, (int)arg, now);
	case EV_FORKED:
		s->pid = (pid_t)arg;
		return none();
	case EV_STOP:
		return begin_stop(s, now, 1);
	case EV_UNHEALTHY:
		s->why = "unhealthy";
		s->fail_end = END_TIMEOUT; /* as systemd's watchdog */
		return begin_stop(s, now, 0);
	case EV_TIMER: /* only with RuntimeMaxSec=, which a reload may
			* have taken away or made longer since */
		if (!s->timer_at || s->cfg->runtime_max_ms <= 0 ||
		    now < s->started_at + s->cfg->runtime_max_ms) {
			s->timer_at = s->timer_at && s->cfg->runtime_max_ms > 0
					      ? s->started_at + s->cfg->runtime_max_ms : 0;
			return none();
		}
		s->why = "it ran longer than its RuntimeMaxSec=";
		s->fail_end = END_TIMEOUT;
		return begin_stop(s, now, 0);
	default:
		return none();
	}
}

static struct svc_action step_stopping(struct svc *s, enum svc_event ev,
				       long arg, int64_t now)
{
	struct svc_action a = none();

	switch (ev) {
	case EV_EXITED:
		s->last_status = (int)arg;
		s->pid = 0;
		if (!s->group_alive || s->killed ||
		    s->cfg->kill_mode == KILL_PROCESS)
			return stop_done(s, now); /* process: the rest may stay */
		if (s->cfg->kill_mode == KILL_MIXED) {
			/* the main process is done: SIGKILL to the rest */
			s->killed = 1;
			s->timer_at = now + SVC_KILL_GRACE_MS;
			a.signal = SIGKILL;
			a.group = 1;
		}
		return a; /* wait until its group is empty */
	case EV_GROUP_EMPTY:
		return s->pid ? a : stop_done(s, now);
	case EV_TIMER:
		if (s->killed)
			return stop_done(s, now);
		if (s->cfg->origin != ORIGIN_SERVICES_D && !s->cfg->send_sigkill) {
			/* SendSIGKILL=no: the stop is given up, what is left
			 * is left (to the container's end) */
			s->why = "it did not stop in time (SendSIGKILL=no)";
			s->pid = 0;
			s->timer_at = 0;
			s->state = SVC_FAILED;
			return a;
		}
		s->killed = 1;
		s->timer_at = now + SVC_KILL_GRACE_MS;
		a.signal = SIGKILL;
		a.group = s->cfg->kill_mode != KILL_PROCESS;
		return a;
	case EV_STOP:
		s->stop_wanted = 1;
		s->restart_after_stop = 0;
		return a;
	default:
		return a;
	}
}

static struct svc_action step_idle(struct svc *s, enum svc_event ev,
				   int64_t now)
{
	switch (ev) {
	case EV_GO:
		return s->state == SVC_WAITING || s->state == SVC_BACKOFF
			       ? spawn(s, now)
			       : none();
	case EV_TIMER:
		if (s->state == SVC_BACKOFF && s->no_restart) {
			s->state = SVC_STOPPED;
			s->timer_at = 0;
			return none();
		}
		return s->state == SVC_BACKOFF ? spawn(s, now) : none();
	case EV_START:
		/* RemainAfterExit=: done is active, as systemd's */
		if (s->state == SVC_WAITING || s->state == SVC_BACKOFF ||
		    (s->state == SVC_DONE && s->cfg->remain_after_exit))
			return none();
		s->state = SVC_WAITING; /* an operator's start resets limits */
		s->nstarts = 0;
		s->delay_ms = s->cfg->restart_delay_ms;
		s->why = NULL;
		s->timer_at = 0;
		return none();
	case EV_STOP: /* what did not run stays as it was */
		/* RemainAfterExit=: its ExecStop= runs now */
		if (s->state == SVC_DONE && s->cfg->remain_after_exit &&
		    s->cfg->stop.n)
			return begin_stop(s, now, 1);
		if (s->state != SVC_FAILED && s->state != SVC_SKIPPED)
			s->state = SVC_STOPPED;
		s->timer_at = 0;
		return none();
	case EV_DEP_FAILED:
		if (s->state == SVC_WAITING) {
			s->state = SVC_BLOCKED;
			s->why = "a required service failed";
		}
		return none();
	default:
		return none();
	}
}

struct svc_action svc_step(struct svc *s, enum svc_event ev, long arg,
			   int64_t now)
{
	switch (s->state) {
	case SVC_STARTING:
		return step_starting(s, ev, arg, now);
	case SVC_RUNNING:
		return step_running(s, ev, arg, now);
	case SVC_STOPPING:
		return step_stopping(s, ev, arg, now);
	default:
		return step_idle(s, ev, now);
	}
}
