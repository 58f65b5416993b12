// SPDX-License-Identifier: MIT
/*
 * The supervisor's loop, scheduling and shutdown; see super.h.
 * Nothing here blocks but epoll_wait(); nothing here exits.
 */
#include "init/log.h"
#include "init/loop.h"
#include "init/signames.h"
#include "run/outer.h"
#include "run/sock.h"
#include "run/state.h"
#include "init/super-internal.h"
#include "units/units.h"

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int super_watch_fd(struct super *sp, int fd, struct watch *w)
{
	struct epoll_event ev = { .events = EPOLLIN };

	/* kind and index, not a pointer: the service table may grow */
	ev.data.u64 = watch_data(w);
	return epoll_ctl(sp->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static void set_pollout(struct super *sp, struct outq *q, struct watch *w,
			int *polled)
{
	struct epoll_event ev = { .events = EPOLLOUT };

	ev.data.u64 = watch_data(w);
	if (q->fd < 0 || q->want_pollout == *polled)
		return;
	if (epoll_ctl(sp->epfd, q->want_pollout ? EPOLL_CTL_ADD : EPOLL_CTL_DEL,
		      q->fd, &ev) == 0)
		*polled = q->want_pollout;
}

/* Tell the outer systemd how many services are up; READY=1 the first
 * time all of them (and CMD) are. */
void super_outer_update(struct super *sp)
{
	size_t up = 0, total = 0;
	char msg[96];
	int ready;

	if (!outer_enabled())
		return;
	if (sp->sch.phase != PH_RUN)
		return; /* STOPPING=1 was said */
	for (size_t i = 0; i < sp->sch.n; i++) {
		const struct sched_unit *u = &sp->sch.u[i];

		if (u->is_cmd || u->removed || !u->cfg->enabled)
			continue;
		total++;
		up += svc_up(&u->svc) != 0;
	}
	ready = !sp->outer_ready && sched_is_ready(&sp->sch, "");
	snprintf(msg, sizeof(msg), "%sSTATUS=%zu of %zu services up",
		 ready ? "READY=1\n" : "", up, total);
	sp->outer_ready |= ready;
	outer_notify(msg);
}

/* ---- signals ---- */

static void forward(struct super *sp, int sig)
{
	pid_t pid;
	char buf[16];

	if (sp->sch.cmd == SCHED_NO_CMD)
		return;
	pid = sp->sch.u[sp->sch.cmd].svc.pid;
	if (pid <= 0)
		return;
	log_debug("forwarding SIG%s to CMD", sig_name(sig, buf, sizeof(buf)));
	(void)kill(sp->opts->kill_group ? -pid : pid, sig);
}

/* Outside the run one rule holds: while the prestart hooks run, SIGTERM
 * and SIGINT stop the container (the hook gets SIGTERM, CMD never
 * starts, the poststop hooks run); every other signal is dropped, as
 * there is no CMD yet to take it. While the poststop hooks run, every
 * signal is dropped: they run on every exit path. */
static void life_signal(struct super *sp, int sig)
{
	char buf[16];

	if (sp->life == LIFE_PRESTART && (sig == SIGTERM || sig == SIGINT)) {
		if (!sp->stop_signal) {
			sp->stop_signal = sig;
			sp->stopped_at = sp->now;
		}
		hk_stop(sp, sig);
		return;
	}
	log_debug("SIG%s dropped: the %s hooks run", sig_name(sig, buf, sizeof(buf)),
		  sp->life == LIFE_PRESTART ? "prestart" : "poststop");
}

/* systemd mode's relay: CMD's two FIFOs (opened for writing too, so
 * that a restart of CMD's unit never ends them) to pid 1's stdout and
 * stderr, as CMD wrote them. */
static void relay_start(struct super *sp)
{
	for (int i = 0; i < 2; i++) {
		int fd = open(sp->plan->relay[i], O_RDWR | O_NONBLOCK | O_CLOEXEC);

		if (fd < 0) {
			log_warn("unable to relay %s", sp->plan->relay[i]);
			continue;
		}
		sp->relay[i] = outsrc_new(fd, NULL, sp->epfd,
					  ((uint64_t)W_RELAY << 32) | (uint32_t)i);
		if (!sp->relay[i]) {
			close(fd);
			continue;
		}
		outsrc_retarget(sp->relay[i], i ? sp->errq : &sp->qout);
	}
	sp->life = LIFE_RUN;
}

static void relay_end(struct super *sp)
{
	for (int i = 0; i < 2; i++) {
		if (!sp->relay[i])
			continue;
		(void)outsrc_read(sp->relay[i]);
		outsrc_finish(sp->relay[i]);
		outsrc_free(sp->relay[i]);
		sp->relay[i] = NULL;
	}
	(void)outq_flush(&sp->qout);
	(void)outq_flush(sp->errq);
	sp->life = LIFE_EXIT;
}

static void on_signal(struct super *sp, const struct signalfd_siginfo *si)
{
	int sig = (int)si->ssi_signo, fwd, has_cmd, cmd_sig = 0;

	if (sig == SIGCHLD)
		return; /* reaped after every batch */
	if (loop_self_inflicted(sp->self, si))
		return;
	if (sp->plan->plain) {
		plain_signal(sp, si);
		return;
	}
	if (sp->plan->relay[0]) {
		/* systemd-shutdown's SIGTERM (or an operator's) ends the relay,
		 * once what it holds is out */
		if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP)
			relay_end(sp);
		return;
	}
	if (sp->life != LIFE_RUN) {
		life_signal(sp, sig);
		return;
	}
	if (sp->cfg->init.reload_signal && sig == sp->cfg->init.reload_signal) {
		super_reload(sp, NULL);
		return;
	}
	fwd = opts_forward_sig(sp->opts, sig);
	if (sig != SIGTERM && sig != SIGINT) {
		if (fwd)
			forward(sp, fwd);
		return;
	}
	if (sp->sch.phase != PH_RUN) {
		if (fwd)
			forward(sp, fwd);
		return;
	}
	has_cmd = sp->sch.cmd != SCHED_NO_CMD;
	if (fwd == 0 && has_cmd)
		return; /* rewritten to nothing: the operator keeps us up */
	/* SIGINT goes on to CMD as itself; SIGTERM becomes CMD's
	 * stop_signal, or with -r TERM:QUIT the rewritten signal */
	if (sig == SIGINT && fwd && has_cmd) {
		forward(sp, fwd);
		cmd_sig = -1;
	} else if (sig == SIGTERM && fwd != SIGTERM) {
		cmd_sig = fwd;
	}
	sched_shutdown(&sp->sch, "signal", sig, cmd_sig);
	run_actions(sp);
}

/* Not inlined: its buffer is on the stack only while signals are read,
 * not below the loop for pid 1's whole life (the pages a frame once
 * spanned stay pid 1's private memory). */
static __attribute__((noinline)) void read_signals(struct super *sp)
{
	struct signalfd_siginfo si[16];
	ssize_t n;

	do {
		n = read(sp->sigfd, si, sizeof(si));
		for (ssize_t i = 0; n > 0 && i < n / (ssize_t)sizeof(*si); i++)
			on_signal(sp, &si[i]);
	} while (n == (ssize_t)sizeof(si));
	run_reap(sp);
}

/* ---- output ---- */

static int64_t output_deadline(const struct super *sp)
{
	int64_t at = 0, t;

	for (size_t i = 0; i < sp->nfiles + 2; i++) {
		t = outq_deadline(i == 0 ? &sp->qout : i == 1 ? &sp->qerr
						 : &sp->files[i - 2]->q);
		if (t > 0 && (at == 0 || t < at))
			at = t;
	}
	return at;
}

static void output_tick(struct super *sp)
{
	struct outq *q;
	int64_t t;

	for (size_t i = 0; i < sp->nfiles + 2; i++) {
		q = i == 0 ? &sp->qout : i == 1 ? &sp->qerr : &sp->files[i - 2]->q;
		t = outq_deadline(q);
		if (t > 0 && t <= sp->now)
			outq_tick(q, sp->now);
	}
}

/* Stopped: has everything written been passed on (or is it too late)? */
static int output_done(const struct super *sp)
{
	if (sp->now >= sp->sch.deadline)
		return 1;
	for (size_t i = 0; i < sp->n; i++) {
		const struct rt *r = &sp->rt[i];

		if ((r->out && !outsrc_idle(r->out)) ||
		    (r->err && !outsrc_idle(r->err)))
			return 0;
	}
	return (sp->qout.fd < 0 || !sp->qout.len) &&
	       (sp->qerr.fd < 0 || !sp->qerr.len);
}

/* At the end: whatever the services wrote, and a word on what was lost. */
static void output_finish(struct super *sp)
{
	uint64_t lost;

	for (size_t i = 0; i < sp->n; i++) {
		if (sp->rt[i].out)
			outsrc_finish(sp->rt[i].out);
		if (sp->rt[i].err)
			outsrc_finish(sp->rt[i].err);
	}
	(void)outq_flush(&sp->qout);
	(void)outq_flush(&sp->qerr);
	lost = sp->qout.dropped + sp->qout.len + sp->qerr.dropped + sp->qerr.len;
	if (lost)
		log_warnx("%llu bytes of service output were lost: the reader of pouch-init's output stalled",
			  (unsigned long long)lost);
	lost = sp->qout.own_lost + sp->qerr.own_lost;
	if (lost)
		log_warnx("%llu of pid 1's own lines were lost: its output was not read",
			  (unsigned long long)lost);
	(void)outq_flush(sp->errq);
}

/* ---- the loop ---- */

static int64_t next_deadline(const struct super *sp)
{
	int64_t at = 0;

#define EARLIER(t) \
	do { if ((t) > 0 && (at == 0 || (t) < at)) at = (t); } while (0)
	if (sp->life == LIFE_RUN && sp->rt)
		EARLIER(sched_next_deadline(&sp->sch));
	EARLIER(ctl_next_deadline(sp));
	EARLIER(output_deadline(sp));
	EARLIER(sp->watchdog_at);
	EARLIER(hk_deadline(sp));
	EARLIER(sp->kill_at);
	/* once stopped, waiting for the output's readers */
	if (sp->life == LIFE_RUN && sp->rt && sp->sch.phase == PH_DONE)
		EARLIER(sp->sch.deadline);
#undef EARLIER
	return at;
}

static void run_timers(struct super *sp)
{
	hk_timer(sp);
	plain_timer(sp);
	if (sp->life == LIFE_RUN && sp->rt) {
		sched_tick(&sp->sch, sp->now);
		run_actions(sp);
	}
	ctl_tick(sp);
	output_tick(sp);
	if (sp->watchdog_at && sp->watchdog_at <= sp->now) {
		outer_notify("WATCHDOG=1");
		sp->watchdog_at = sp->now + sp->watchdog_ms;
	}
}

static void on_event(struct super *sp, struct epoll_event *ev)
{
	struct watch wd = { (enum watch_kind)(ev->data.u64 >> 32),
			    (size_t)(uint32_t)ev->data.u64 }, *w = &wd;
	struct rt *r;

	if ((w->kind == W_NOTIFY || w->kind == W_OUT || w->kind == W_ERR) &&
	    w->idx >= sp->n)
		return;
	switch (w->kind) {
	case W_SIGNAL:
		read_signals(sp);
		break;
	case W_NOTIFY:
		run_notify(sp, w->idx);
		break;
	case W_EXEC:
		run_exec_result(sp, w->idx / 3, (int)(w->idx % 3));
		break;
	case W_HOOK:
		hk_read(sp);
		break;
	case W_RELAY:
		if (w->idx < 2 && sp->relay[w->idx])
			(void)outsrc_read(sp->relay[w->idx]);
		break;
	case W_OUT:
	case W_ERR:
		r = &sp->rt[w->idx];
		if (w->kind == W_OUT ? r->out : r->err)
			(void)outsrc_read(w->kind == W_OUT ? r->out : r->err);
		break;
	case W_QOUT:
		(void)outq_flush(&sp->qout);
		break;
	case W_QERR:
		(void)outq_flush(&sp->qerr);
		break;
	case W_CTL_LISTEN:
		ctl_accept(sp);
		break;
	case W_CTL_CLIENT:
		ctl_event(sp, w->idx, ev->events);
		break;
	}
}

static void finish_run(struct super *sp);
static void begin_poststop(struct super *sp);

/* What the scheduler may do now; the stop of the rest ends when no
 * child is left; then the output goes out and the run is over. */
static void step(struct super *sp)
{
	/* a start that made a unit ready may let the next one start: until
	 * nothing moves (each pass moves a unit on, or the stop) */
	for (size_t pass = 0; pass < 2 * sp->sch.n + 8; pass++) {
		sched_step(&sp->sch, sp->now);
		if (!run_actions(sp))
			break;
	}
	run_turn_over(sp);
	/* a stop that has only a group left to wait for (no main process:
	 * a daemon with no pid file) may be done now */
	run_check_groups(sp);
	run_actions(sp);
	if (sp->sch.phase == PH_STOP_REST) {
		run_reap(sp);
		if (sp->childless)
			sched_no_children(&sp->sch);
	}
	if (sp->sch.phase == PH_DONE && output_done(sp))
		finish_run(sp);
}

/* Not inlined: its events are not below super_run()'s frame when CMD
 * and the hooks are spawned (see read_signals). */
static __attribute__((noinline)) void loop(struct super *sp)
{
	struct epoll_event evs[64];
	int64_t at;
	int n, timeout;

	for (;;) {
		sp->now = loop_now_ms();
		if (sp->life == LIFE_RUN && sp->rt)
			step(sp);
		if (sp->life == LIFE_EXIT)
			return;
		set_pollout(sp, &sp->qout, &sp->wqout, &sp->qout_polled);
		set_pollout(sp, &sp->qerr, &sp->wqerr, &sp->qerr_polled);
		at = next_deadline(sp);
		timeout = at == 0 ? -1 : at <= sp->now ? 0 : (int)(at - sp->now);
		n = epoll_wait(sp->epfd, evs, 64, timeout);
		if (n < 0 && errno != EINTR)
			log_warn("epoll_wait");
		sp->now = loop_now_ms();
		sched_clock(&sp->sch, sp->now);
		for (int i = 0; i < n; i++)
			on_event(sp, &evs[i]);
		run_timers(sp);
	}
}

/* ---- setup ---- */

/* CMD's configuration, from [cmd] (the scheduler sets its stop's share
 * of the budget). */
static void cmd_config(const struct super *sp, const struct cfg *cfg,
		       struct cfg_service *c)
{
	const struct cfg_init *in = &cfg->init;

	memset(c, 0, sizeof(*c));
	c->name = "cmd";
	c->argv = sp->opts->cmd;
	c->restart = in->cmd_restart;
	c->restart_delay_ms = 100;
	c->restart_delay_max_ms = 30000;
	c->start_limit = 10;
	c->start_limit_window_ms = 60000;
	c->stop_signal = in->cmd_stop_signal;
	c->kill_mode = in->cmd_kill_mode;
	/* a terminal stays CMD's; otherwise its output comes through pid 1,
	 * as it is, a line at a time among the services' lines */
	c->out.kind = isatty(STDOUT_FILENO) ? OUT_INHERIT : OUT_PREFIX;
	c->err.kind = isatty(STDERR_FILENO) ? OUT_INHERIT : OUT_PREFIX;
	c->after = in->cmd_after;
	c->enabled = 1;
}

/* Each notify service gets its own socket, so a message is known to be
 * its own even when the sender has exited before we read it. The socket
 * is a path in a private directory of the state directory (mode 0711),
 * the socket itself 0600 and given to the service's user at each start:
 * no other uid, and no process of another container that shares our
 * network namespace, can reach it. */
int super_notify_name(const struct super *sp, size_t i, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%zu", sp->notify_dir, i);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int super_open_notify(struct super *sp, size_t idx)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	const char *name = sp->sch.u[idx].cfg->name;
	struct rt *r = &sp->rt[idx];
	int one = 1, err;
	mode_t old;

	if (!sp->notify_dir[0] &&
	    (err = state_notify_dir(sp->state_dir, sp->notify_dir,
				    sizeof(sp->notify_dir))) < 0) {
		sp->notify_dir[0] = '\0';
		errno = -err;
		log_warn("service %s: unable to make a directory for notify sockets in %s",
			 name, sp->state_dir);
		return -1;
	}
	if (super_notify_name(sp, idx, a.sun_path, sizeof(a.sun_path)) < 0) {
		log_warnx("service %s: no notify socket: the state directory's path %s is too long",
			  name, sp->state_dir);
		return -1;
	}
	(void)unlink(a.sun_path);
	r->notifyfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	/* any uid may reach it (a daemon that drops its privileges itself
	 * still says READY=1); what counts is the sender's credentials,
	 * checked for every message (the socket is in pid 1's own private
	 * directory: no other container sees it) */
	if (r->notifyfd >= 0) /* descriptors sent along: sock.h */
		r->refuses_fds = sock_refuse_fds(r->notifyfd) == 0;
	old = umask(0111);
	err = r->notifyfd < 0 ||
	      setsockopt(r->notifyfd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ||
	      bind(r->notifyfd, (struct sockaddr *)&a, sizeof(a)) < 0;
	umask(old);
	if (err) {
		log_warn("service %s: unable to open its notify socket %s; it gets no NOTIFY_SOCKET",
			 name, a.sun_path);
		if (r->notifyfd >= 0)
			close(r->notifyfd);
		r->notifyfd = -1;
		return -1;
	}
	r->wnotify = (struct watch){ W_NOTIFY, (uint32_t)idx };
	return super_watch_fd(sp, r->notifyfd, &r->wnotify);
}

static const char *const outer_vars[] = { "NOTIFY_SOCKET", "WATCHDOG_USEC",
					   "WATCHDOG_PID", NULL };

/* Remove KEY=... entries of the names given from a NULL-terminated env. */
static void drop_vars(char **env, const char *const *names)
{
	size_t j = 0;

	for (size_t i = 0; env && env[i]; i++) {
		int drop = 0;

		for (size_t k = 0; names[k]; k++) {
			size_t n = strlen(names[k]);

			drop |= !strncmp(env[i], names[k], n) && env[i][n] == '=';
		}
		if (drop)
			free(env[i]);
		else
			env[j++] = env[i];
	}
	if (env)
		env[j] = NULL;
}

static int same_file(int a, int b)
{
	struct stat x, y;

	return fstat(a, &x) == 0 && fstat(b, &y) == 0 && x.st_dev == y.st_dev &&
	       x.st_ino == y.st_ino;
}

/* pid 1's stdout and stderr, written without blocking; one destination
 * when they are the same file (2>&1, a terminal). pid 1's own log goes
 * there too, so that it never lands inside a service's line. */
static void open_output(struct super *sp)
{
	if (outq_open(&sp->qout, STDOUT_FILENO) < 0)
		sp->qout.fd = -1;
	sp->errq = &sp->qerr;
	if (sp->qout.fd >= 0 && same_file(STDOUT_FILENO, STDERR_FILENO)) {
		sp->errq = &sp->qout;
		sp->qerr.fd = -1;
	} else if (outq_open(&sp->qerr, STDERR_FILENO) < 0) {
		sp->qerr.fd = -1;
	}
	outq_take_log(sp->errq);
}

/* What every run needs: the loop's epoll set, the signalfd, pid 1's
 * output, the state directory. */
static int setup_base(struct super *sp, int sigfd)
{
	sp->self = getpid();
	sp->is_pid1 = sp->self == 1;
	sp->sigfd = sigfd;
	sp->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (sp->epfd < 0)
		return -errno;
	sp->wsig.kind = W_SIGNAL;
	sp->wqout.kind = W_QOUT;
	sp->wqerr.kind = W_QERR;
	if (super_watch_fd(sp, sigfd, &sp->wsig) < 0)
		return -errno;
	if (sp->plan->plain)
		return 0; /* CMD has the terminal and the output; no socket */
	open_output(sp);
	if (sp->plan->relay[0])
		return 0;
	if (state_dir_open(state_dir_configured(sp->cfg->init.state_dir),
			   sp->state_dir, sizeof(sp->state_dir)) < 0)
		sp->state_dir[0] = '\0';
	return 0;
}

/* CMD and the services, with the env the prestart hooks made. */
static int setup_services(struct super *sp, char **extra_env)
{
	struct cfg_service cmd;
	struct rlimit hard;

	/* many services, many pipes: take the hard limit for ourselves and
	 * give children back what we inherited */
	getrlimit(RLIMIT_NOFILE, &sp->nofile);
	hard = sp->nofile;
	hard.rlim_cur = hard.rlim_max;
	(void)setrlimit(RLIMIT_NOFILE, &hard);
	sp->base_env = environ;
	if (extra_env || outer_enabled()) {
		char **env = NULL;

		if (cfg_env_merge(&env, environ) < 0 ||
		    cfg_env_merge(&env, extra_env) < 0) {
			cfg_free_words(env);
			return -ENOMEM;
		}
		/* the outer systemd's sockets and watchdog are pid 1's own */
		if (outer_enabled())
			drop_vars(env, outer_vars);
		sp->base_env = env;
	}
	cmd_config(sp, sp->cfg, &cmd);
	if (sched_init(&sp->sch, sp->cfg, sp->opts->cmd ? &cmd : NULL,
		       sp->has_poststop, sp->now) < 0)
		return -ENOMEM;
	/* a main process, a launcher or a check of each, and room to grow */
	if (pidmap_reserve(&sp->pm, 2 * sp->sch.n + 8) < 0 || run_grow(sp) < 0)
		return -ENOMEM;
	if (!sp->rt && !(sp->rt = calloc(1, sizeof(*sp->rt))))
		return -ENOMEM; /* no unit at all: the run has a table still */
	ctl_open(sp);
	return 0;
}

/* A stop that had to SIGKILL a service is not a clean one: 1 where the
 * status would otherwise be 0. */
static int exit_status(const struct super *sp)
{
	int st = sched_cmd_status(&sp->sch), code = 0;

	if (sp->sch.essential_failed)
		return 1; /* CMD had not exited, or the reason would be it */
	if (st >= 0)
		code = opts_exit_status(sp->opts, st);
	else if (sp->sch.cmd != SCHED_NO_CMD && sp->sch.stop_signal)
		code = 128 + sp->sch.stop_signal; /* stopped before CMD ran */
	return code == 0 && sched_any_killed(&sp->sch) ? 1 : code;
}

static void fill_end(const struct super *sp, struct super_end *end)
{
	const struct sched *s = &sp->sch;
	int st = sched_cmd_status(s);
	size_t len = 0;
	int64_t until;

	end->reason = s->reason ? s->reason : "shutdown";
	end->exit_signal = st >= 0 && WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	end->killed[0] = '\0';
	for (size_t i = 0; i < s->n; i++) {
		const struct sched_unit *u = &s->u[i];
		int n;

		if (!u->sigkilled)
			continue;
		n = snprintf(end->killed + len, sizeof(end->killed) - len, "%s%s",
			     len ? " " : "", u->is_cmd ? "cmd" : u->cfg->name);
		if (n < 0 || (size_t)n >= sizeof(end->killed) - len)
			break;
		len += (size_t)n;
	}
	/* the hooks keep their reserve even when the stop ran late */
	until = s->stop_started + s->b.total_ms;
	if (until < sp->now + s->b.reserve_ms)
		until = sp->now + s->b.reserve_ms;
	end->poststop_until = s->stop_started ? until : 0;
}

static void teardown(struct super *sp)
{
	for (size_t k = 0; k < sp->nasked; k++)
		free(sp->asked[k]);
	free(sp->asked);
	sp->asked = NULL;
	sp->nasked = 0;
	for (int i = 0; i < 2; i++)
		if (sp->relay[i])
			outsrc_free(sp->relay[i]);
	if (sp->hk.out)
		outsrc_free(sp->hk.out);
	if (sp->hk.active)
		hook_phase_end(&sp->hk.hp);
	free(sp->hk.dir);
	free(sp->post_vars);
	cfg_free_words(sp->hooks_env);
	cfg_free_words(sp->hk.hp.env);
	ctl_close(sp);
	/* the first configuration is the caller's; reloads made the rest */
	for (size_t i = 0; i < sp->nold; i++) {
		if (sp->old_cfgs[i] == sp->cfg_orig)
			continue;
		cfg_free(sp->old_cfgs[i]);
		free(sp->old_cfgs[i]);
	}
	free(sp->old_cfgs);
	if (sp->cfg != sp->cfg_orig) {
		cfg_free(sp->cfg);
		free(sp->cfg);
	}
	for (size_t i = 0; sp->rt && i < sp->n; i++)
		run_release(sp, i);
	free(sp->rt);
	sched_free(&sp->sch);
	pidmap_free(&sp->pm);
	if (sp->notify_dir[0])
		(void)rmdir(sp->notify_dir);
	(void)outq_flush(sp->errq ? sp->errq : &sp->qerr); /* what was said since */
	outq_take_log(NULL);
	free(sp->qout.buf);
	free(sp->qerr.buf);
	free(sp->qout.own);
	free(sp->qerr.own);
	if (sp->qout.fd >= 0)
		close(sp->qout.fd);
	if (sp->qerr.fd >= 0)
		close(sp->qerr.fd);
	if (sp->base_env != environ)
		cfg_free_words(sp->base_env);
	if (sp->epfd >= 0)
		close(sp->epfd);
}

/* Are there poststop hooks (whose time the stop keeps)? */
static int poststop_used(const struct init_opts *o)
{
	char *dir;
	int used;

	if (asprintf(&dir, "%s/hooks/poststop.d", o->config_dir) < 0)
		return 0;
	used = hook_dir_used(dir);
	free(dir);
	return used;
}

/* The prestart hooks ran, or were stopped: CMD and the services, or
 * the poststop hooks, or the end. */
static void enter_run(struct super *sp)
{
	if (!sp->plan->services) {
		sp->plan->env = sp->hooks_env; /* the caller's now */
		sp->hooks_env = NULL;
		sp->life = LIFE_EXIT;
		return;
	}
	if (setup_services(sp, sp->hooks_env) < 0) {
		log_error("unable to set up the supervisor");
		sp->code = 125;
		begin_poststop(sp);
		return;
	}
	sp->life = LIFE_RUN;
	sp->watchdog_ms = outer_watchdog_ms();
	if (sp->watchdog_ms > 0)
		sp->watchdog_at = sp->now + sp->watchdog_ms;
	super_outer_update(sp);
	run_reap(sp);
}

/* CMD and the services have stopped: the status, then the poststop hooks. */
static void finish_run(struct super *sp)
{
	output_finish(sp);
	sp->code = exit_status(sp);
	sp->now = loop_now_ms();
	fill_end(sp, sp->end);
	begin_poststop(sp);
}

/* The poststop hooks see how the container stopped. */
static void begin_poststop(struct super *sp)
{
	const struct super_end *e = sp->end;
	char sbuf[16], **vars = sp->post_varp;
	int sig = e->exit_signal;

	if (!sp->plan->poststop) {
		sp->life = LIFE_EXIT;
		return;
	}
	sp->life = LIFE_POSTSTOP;
	if (!sp->plan->vars && !sp->post_vars &&
	    !(sp->post_vars = calloc(5, sizeof(*sp->post_vars)))) {
		log_warnx("poststop hooks: out of memory");
		sp->life = LIFE_EXIT;
		return;
	}
	if (sp->plan->vars) {
		hk_begin(sp, "poststop", sp->plan->vars, e->poststop_until);
		return;
	}
	if (sp->code != 128 + sig)
		sig = 0; /* the signal name only when it is the status */
	snprintf(sp->post_vars[0], sizeof(sp->post_vars[0]), "POUCH_HOOK=poststop");
	snprintf(sp->post_vars[1], sizeof(sp->post_vars[1]), "POUCH_EXIT_CODE=%d", sp->code);
	snprintf(sp->post_vars[2], sizeof(sp->post_vars[2]), "POUCH_EXIT_SIGNAL=%s",
		 sig ? sig_name(sig, sbuf, sizeof(sbuf)) : "");
	snprintf(sp->post_vars[3], sizeof(sp->post_vars[3]), "POUCH_STOP_REASON=%s", e->reason);
	snprintf(sp->post_vars[4], sizeof(sp->post_vars[4]), "POUCH_KILLED=%s", e->killed);
	for (int i = 0; i < 5; i++)
		vars[i] = sp->post_vars[i];
	vars[5] = NULL;
	hk_begin(sp, "poststop", vars, e->poststop_until);
}

/* A stop that began at t: the poststop hooks end with the budget, and
 * keep their reserve when the rest ran late. 0: no budget. */
static int64_t stop_end(const struct budget *b, int64_t t, int64_t now)
{
	int64_t until = t + b->total_ms;

	if (!b->total_ms)
		return 0;
	return until < now + b->reserve_ms ? now + b->reserve_ms : until;
}

void super_hooks_over(struct super *sp)
{
	struct hook_phase *hp = &sp->hk.hp;
	int prestart = !strcmp(hp->phase, "prestart");
	int failures = hp->failures, abort = hp->stop_on_failure;

	sp->plan->failures += failures;
	if (prestart) {
		sp->hooks_env = hp->env;
		hp->env = NULL;
	}
	hook_phase_end(hp);
	if (!prestart) {
		sp->life = LIFE_EXIT;
		if (!sp->plan->services)
			sp->code = failures ? 1 : 0;
		return;
	}
	if (sp->stop_signal) {
		sp->code = 128 + sp->stop_signal;
		sp->end->reason = "signal";
		sp->end->poststop_until = stop_end(&sp->b, sp->stopped_at, sp->now);
		sp->plan->stop_signal = sp->stop_signal;
		begin_poststop(sp);
	} else if (failures && abort) {
		log_errorx("a prestart hook failed: not starting (prestart_failure = abort)");
		sp->code = 125;
		sp->end->reason = "prestart-failed";
		begin_poststop(sp);
	} else {
		if (failures)
			log_warnx("%d prestart hook%s failed; going on (prestart_failure = continue)",
				  failures, failures == 1 ? "" : "s");
		enter_run(sp);
	}
}

int super_run(const struct init_opts *opts, const struct sig_inherit *inh,
	      struct cfg *cfg, int sigfd, struct super_plan *plan,
	      struct super_end *end)
{
	static char *pre_vars[] = { "POUCH_HOOK=prestart", NULL };
	/* In .bss, not in this frame: 3 KB here would put every frame
	 * below it (spawning, reading signals) 3 KB deeper, and each page
	 * the stack once reached stays pid 1's private memory; in .bss it
	 * shares pages glibc writes anyway (init/layout.ld). One run at a
	 * time: nothing calls super_run() from inside it. */
	static struct super sp;
	int code;

	memset(&sp, 0, sizeof(sp));
	sp.opts = opts;
	sp.inh = inh;
	sp.cfg = cfg;
	sp.cfg_orig = cfg;
	sp.plan = plan;
	sp.end = end;
	sp.epfd = -1;
	sp.ctlfd = -1;
	sp.sch.cmd = SCHED_NO_CMD;
	sp.qout.fd = sp.qerr.fd = -1;
	sp.has_poststop = plan->poststop && poststop_used(opts);
	memset(end, 0, sizeof(*end));
	end->reason = "shutdown";
	plan->env = NULL;
	plan->failures = plan->stop_signal = 0;
	if (setup_base(&sp, sigfd) < 0) {
		log_error("unable to set up pid 1's loop");
		teardown(&sp);
		return 125;
	}
	sp.now = loop_now_ms();
	budget_plan(cfg, sp.has_poststop, &sp.b);
	if (plan->plain) {
		plain_start(&sp);
		run_reap(&sp); /* CMD may be gone already */
	} else if (plan->relay[0]) {
		relay_start(&sp);
	} else if (plan->prestart) {
		sp.life = LIFE_PRESTART;
		sp.hk.grace_ms = sp.b.stop_ms;
		hk_begin(&sp, "prestart", pre_vars, 0);
	} else if (plan->services) {
		enter_run(&sp);
	} else {
		begin_poststop(&sp);
	}
	if (sp.life != LIFE_EXIT)
		loop(&sp);
	code = sp.code;
	teardown(&sp);
	return code;
}

/* ---- reload ---- */

/* Free the configurations that reloads replaced and nothing uses any
 * more (the first one is the caller's, to free). */
static void release_cfgs(struct super *sp)
{
	size_t j = 0;

	for (size_t i = 0; i < sp->nold; i++) {
		struct cfg *c = sp->old_cfgs[i];

		if (sched_uses(&sp->sch, c)) {
			sp->old_cfgs[j++] = c;
			continue;
		}
		if (c != sp->cfg_orig) {
			cfg_free(c);
			free(c);
		}
	}
	sp->nold = j;
}

/* What a reload does with init.ini: CMD's settings and the stop budget
 * are read when used, or applied here; the sockets stay where they are
 * until the next start, and a reload says so. */
static void reload_init(struct super *sp, const struct cfg_init *was,
			struct ctl_client *c);

/* A configuration a reload replaces is kept while units use it. */
/* gcc 12's analyzer loses the realloc'd array across the reload path and
 * calls it a leak; release_cfgs() and teardown free it. */
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
static int keep_old(struct super *sp, struct cfg *c)
{
	size_t n = sp->nold + 1;
	struct cfg **t = realloc(sp->old_cfgs, n * sizeof(*t));

	if (!t)
		return -ENOMEM;
	t[n - 1] = c;
	sp->old_cfgs = t;
	sp->nold = n;
	return 0;
}
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/* To the ctl client that asked, or to the log for a reload by signal. */
#define reply(c, ...)                                   \
	do {                                            \
		if (c)                                  \
			ctl_printf(c, __VA_ARGS__);     \
	} while (0)

/* Re-read services.d: start new services, stop removed ones, restart
 * changed ones, leave the rest alone. A broken configuration changes
 * nothing. */
void super_reload(struct super *sp, struct ctl_client *c)
{
	super_reload_defs(sp, c, 0);
}

void super_reload_defs(struct super *sp, struct ctl_client *c, int defs_only)
{
	struct cfg *nc = calloc(1, sizeof(*nc));
	int added, removed, changed, same, r;
	struct sched_reload rl = { .defs_only = defs_only };
	struct cfg_service cmd;

	if (!nc) {
		reply(c, "ERR 1 out of memory\n");
		return;
	}
	r = cfg_load(sp->cfg->dir, NULL, nc);
	for (size_t k = 0; r == 0 && nc->init.units && k < sp->nasked; k++)
		if (units_load_one(nc, NULL, sp->asked[k]) == -ENOMEM)
			r = -ENOMEM;
	/* -t on the command line is the budget, whatever init.ini says */
	if (sp->opts->stop_timeout_ms >= 0)
		nc->init.shutdown_timeout_ms = sp->opts->stop_timeout_ms;
	if (r < 0) {
		reply(c, "ERR 6 configuration rejected, nothing changed\n");
		for (size_t i = 0; i < nc->nerrors; i++)
			reply(c, "%s\n", nc->errors[i]);
		if (!c)
			for (size_t i = 0; i < nc->nerrors; i++)
				log_errorx("%s", nc->errors[i]);
		cfg_free(nc);
		free(nc);
		return;
	}
	if (keep_old(sp, sp->cfg) < 0) {
		reply(c, "ERR 1 out of memory\n");
		cfg_free(nc);
		free(nc);
		return;
	}
	cmd_config(sp, nc, &cmd);
	if (sched_reload(&sp->sch, nc, &cmd, &rl) < 0)
		log_errorx("reload: out of memory for a new service");
	sp->cfg = nc;
	added = rl.added;
	removed = rl.removed;
	changed = rl.changed;
	same = rl.same;
	run_actions(sp);
	log_info("reload: %d added, %d removed, %d changed, %d unchanged",
		 added, removed, changed, same);
	reply(c, "OK\nadded %d, removed %d, changed %d, unchanged %d\n", added,
	      removed, changed, same);
	reload_init(sp, &sp->old_cfgs[sp->nold - 1]->init, c);
	release_cfgs(sp);
}

int super_load_unit(struct super *sp, const char *name)
{
	char **n, svc[300];
	int i;

	if (!sp->cfg->init.units || !name || !*name || strchr(name, '/') ||
	    sp->nasked >= 256)
		return -1;
	n = realloc(sp->asked, (sp->nasked + 1) * sizeof(*n));
	if (!n)
		return -1;
	sp->asked = n;
	if (!(n[sp->nasked] = strdup(name)))
		return -1;
	sp->nasked++;
	super_reload_defs(sp, NULL, 1); /* nothing else starts or stops */
	snprintf(svc, sizeof(svc), "%s", name);
	if (strlen(svc) > 8 && !strcmp(svc + strlen(svc) - 8, ".service"))
		svc[strlen(svc) - 8] = '\0';
	i = sched_find(&sp->sch, svc);
	if (i < 0) /* no such unit: not asked for again */
		free(sp->asked[--sp->nasked]);
	return i;
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void reload_init(struct super *sp, const struct cfg_init *was,
			struct ctl_client *c)
{
	const struct cfg_init *in = &sp->cfg->init;

	if (!sp->opts->verbose && in->log_level >= 0)
		log_max_level = (enum log_level)in->log_level;
	else if (!sp->opts->verbose && was->log_level >= 0)
		log_max_level = LOG_LVL_WARN;
	if (!same_str(was->control_socket, in->control_socket)) {
		log_warnx("reload: %s: [init] control_socket changed; the socket stays %s until the container starts again",
			  in->file ? in->file : "init.ini", sp->ctl_path);
		reply(c, "init.ini: control_socket changed: it takes effect when the container starts again\n");
	}
}
