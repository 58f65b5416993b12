// SPDX-License-Identifier: MIT
/*
 * The hooks of a phase, run by pid 1's one loop: each through the common
 * spawn path, in its own session, its output relayed as "PHASE/NAME| "
 * lines on pid 1's stderr (a hook that writes faster than the reader
 * waits in write(), nothing is dropped), with [hooks] timeout and the
 * phase's end as its deadline. hooks/ says which hooks there are; this
 * runs them and feeds back how each ended.
 */
#include "init/log.h"
#include "init/loop.h"
#include "init/super-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Start the next hook of the phase; when there is none, the phase is over. */
static void start_next(struct super *sp)
{
	struct hookrun *h = &sp->hk;
	char label[OUT_NAME_MAX + 1];
	struct spawn_spec s;
	int p[2], devnull, err;

	while (hook_phase_next(&h->hp, sp->now)) {
		if (pipe2(p, O_CLOEXEC) < 0) {
			log_error("%s hook %s: unable to start", h->hp.phase, h->hp.name);
			hook_phase_done(&h->hp, -1);
			continue;
		}
		devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
		spawn_spec_init(&s, sp->inh, h->hp.argv);
		s.envp = h->hp.hook_env;
		s.group = SPAWN_SESSION;
		s.close_fds = 1;
		s.fds[0] = devnull;
		s.fds[1] = s.fds[2] = p[1];
		if (spawn_start(&s, &h->pid, &err) < 0) {
			log_error("%s hook %s: unable to start", h->hp.phase, h->hp.name);
			h->pid = 0;
		} else if (err) {
			errno = err;
			log_error("%s hook %s: unable to exec %s", h->hp.phase,
				  h->hp.name, h->hp.argv[0]);
		}
		close(p[1]);
		if (devnull >= 0)
			close(devnull);
		if (h->pid > 0 && pidmap_put(&sp->pm, h->pid, PM_HOOK, 0, 0) < 0) {
			log_errorx("%s hook %s: out of memory to track it: killed",
				   h->hp.phase, h->hp.name);
			(void)kill(-h->pid, SIGKILL);
			(void)kill(h->pid, SIGKILL);
			h->pid = 0; /* reaped as an orphan */
		}
		if (h->pid <= 0) {
			close(p[0]);
			hook_phase_done(&h->hp, -1);
			continue;
		}
		if ((size_t)snprintf(label, sizeof(label), "%s/%s", h->hp.phase,
				     h->hp.name) >= sizeof(label))
			label[sizeof(label) - 1] = '\0'; /* a long name is cut */
		(void)fcntl(p[0], F_SETFL, O_NONBLOCK);
		h->out = outsrc_new(p[0], label, sp->epfd,
				    ((uint64_t)W_HOOK << 32) | 0);
		if (!h->out)
			close(p[0]);
		else
			outsrc_retarget(h->out, sp->errq);
		h->began = sp->now;
		h->deadline = sp->now + h->hp.timeout_ms;
		h->cut = h->hp.deadline_ms && h->hp.deadline_ms < h->deadline;
		if (h->cut)
			h->deadline = h->hp.deadline_ms;
		h->termed = h->killed = 0;
		if (h->hp.stopped)
			hk_stop(sp, 0); /* the stop came first */
		return;
	}
	h->active = 0;
	super_hooks_over(sp);
}

void hk_begin(struct super *sp, const char *phase, char **vars,
	      int64_t deadline_ms)
{
	struct hookrun *h = &sp->hk;
	char *dir = NULL;
	int64_t timeout = sp->plan->hook_timeout_ms > 0 ? sp->plan->hook_timeout_ms
						       : sp->cfg->init.hook_timeout_ms;

	h->hp.phase = phase;
	free(h->dir);
	if (asprintf(&dir, "%s/hooks/%s.d", sp->opts->config_dir, phase) < 0)
		dir = NULL;
	h->dir = dir;
	h->hp.dir = dir ? dir : "/nonexistent";
	h->hp.initscript = strcmp(phase, "prestart") ? NULL : sp->opts->initscript;
	/* units: their tmpfiles.d, before anything else runs (a daemon's
	 * /run/NAME may exist only there), as systemd-tmpfiles --boot; not
	 * systemd's /run/nologin, which its systemd-user-sessions.service
	 * (not run here) would remove once the boot is over */
	h->hp.boot = !strcmp(phase, "prestart") && sp->cfg->init.units &&
			     sp->plan->services
			     ? "/proc/self/exe tmpfiles --boot --quiet --exclude-prefix /run/nologin"
			     : NULL;
	h->hp.state_dir = sp->state_dir[0] ? sp->state_dir : NULL;
	h->hp.timeout_ms = timeout;
	h->hp.deadline_ms = deadline_ms;
	h->hp.stop_on_failure = strcmp(phase, "prestart") == 0 &&
				sp->cfg->init.prestart_failure == PRESTART_ABORT;
	h->hp.vars = vars;
	h->active = 1;
	h->pid = 0;
	if (hook_phase_begin(&h->hp) < 0)
		log_warnx("%s hooks: out of memory", phase);
	start_next(sp);
}

/* What the hook left in its pipe goes out (its children that keep the
 * pipe open are not waited for); then its source goes. */
static void drop_output(struct super *sp)
{
	struct hookrun *h = &sp->hk;

	(void)sp;
	if (!h->out)
		return;
	(void)outsrc_read(h->out);
	outsrc_run_ended(h->out);
	outsrc_finish(h->out);
	outsrc_free(h->out);
	h->out = NULL;
}

void hk_reaped(struct super *sp, int status)
{
	struct hookrun *h = &sp->hk;

	h->pid = 0;
	drop_output(sp);
	hook_phase_done(&h->hp, h->killed ? SIGKILL : status);
	start_next(sp);
}

void hk_read(struct super *sp)
{
	if (sp->hk.out)
		(void)outsrc_read(sp->hk.out);
}

int64_t hk_deadline(const struct super *sp)
{
	const struct hookrun *h = &sp->hk;

	return h->active && h->pid > 0 && !h->killed ? h->deadline : 0;
}

void hk_timer(struct super *sp)
{
	struct hookrun *h = &sp->hk;

	if (!h->active || h->pid <= 0 || h->killed || sp->now < h->deadline)
		return;
	log_warnx("%s hook %s: no result after %lld ms (%s): SIGKILL to its process group",
		  h->hp.phase, h->hp.name, (long long)(sp->now - h->began),
		  h->termed ? "the container is stopping"
		  : h->cut ? "the stop budget ended" : "[hooks] timeout");
	(void)kill(-h->pid, SIGKILL);
	h->killed = 1;
}

/* A stop while the prestart hooks run: the running hook gets SIGTERM
 * too, then SIGKILL when the stop's time is up; no later prestart hook
 * runs. (sig 0: the stop was noted before this hook started.) */
void hk_stop(struct super *sp, int sig)
{
	struct hookrun *h = &sp->hk;

	(void)sig;
	h->hp.stopped = 1;
	if (!h->active || h->pid <= 0 || h->termed ||
	    strcmp(h->hp.phase, "prestart"))
		return;
	h->termed = 1;
	(void)kill(-h->pid, SIGTERM);
	if (h->grace_ms > 0 && sp->now + h->grace_ms < h->deadline) {
		h->deadline = sp->now + h->grace_ms;
		h->cut = 1;
	}
}
