// SPDX-License-Identifier: MIT
/*
 * Running services: building each run's environment and spawn spec,
 * carrying out the state machine's actions, routing reaped pids, and the
 * readiness checks (notify, tcp, file, exec, forking pidfiles).
 */
#include "log.h"
#include "loop.h"
#include "signames.h"
#include "notifyproto.h"
#include "outer.h"
#include "proc.h"
#include "super-internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PROBE_MS 100	/* readiness re-check while a service starts */
#define PIDFILE_MS 50

extern char **environ;

/* Signal the main process. One it did not start itself (a daemon from
 * its pidfile, a MAINPID=) is held by a pidfd: once it is gone, its pid
 * may be another process's, and that one must not get the signal. */
static int kill_main(struct rt *r, int sig)
{
	if (r->svc.pid <= 0)
		return -1;
	if (r->main_pidfd >= 0)
		return (int)syscall(SYS_pidfd_send_signal, r->main_pidfd, sig, NULL, 0);
	return kill(r->svc.pid, sig);
}

/* The main process alone (kill_mode mixed or process), when known. */
static void signal_main(struct rt *r, int sig)
{
	if (kill_main(r, sig) == 0)
		return;
	run_signal_group(r, sig);
}

void run_signal_group(struct rt *r, int sig)
{
	if (r->pgid > 0 && kill(-r->pgid, sig) == 0)
		return;
	(void)kill_main(r, sig);
}

/* r follows pid, a process it did not start: held by a pidfd from now
 * (before it is checked, so that the check and the signals are about the
 * same process). -1 when the pid is gone already. */
static int hold_pid(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static void take_main(struct rt *r, int pidfd)
{
	if (r->main_pidfd >= 0)
		close(r->main_pidfd);
	r->main_pidfd = pidfd;
}

static int env_add(char ***env, const char *key, const char *val)
{
	char *kv;
	int ret;

	if (asprintf(&kv, "%s=%s", key, val) < 0)
		return -ENOMEM;
	ret = cfg_env_set(env, kv);
	free(kv);
	return ret;
}

static int env_file(const struct cfg_service *c, char ***env)
{
	const char *spec = c->env_file, *path = spec + (spec[0] == '-');
	int optional = spec[0] == '-', err, bad;
	char *text = NULL, why[PATH_MAX + 128];

	/* who may change it, as for the configuration itself */
	err = cfg_path_unsafe(path, geteuid(), why, sizeof(why));
	if (err > 0) {
		log_errorx("service %s: env_file %s refused: %s", c->name, path,
			   why);
		return -EPERM;
	}
	text = err < 0 ? NULL : cfg_read_file(path, &err);
	if (!text) {
		if (err < 0)
			err = -err;
		if (optional && err == ENOENT)
			return 0;
		errno = err;
		log_error("service %s: unable to read env_file %s", c->name,
			  path);
		return -err;
	}
	bad = cfg_parse_env_text(text, env);
	free(text);
	if (bad) {
		log_errorx("service %s: env_file %s:%d: expected KEY=VALUE",
			   c->name, path, bad);
		return -EINVAL;
	}
	return 0;
}

/* The notify socket is the service's user's alone (0600). */
static void give_notify_socket(struct super *sp, struct rt *r)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const struct cfg_service *c = r->cfg;

	if (r->notifyfd < 0 || super_notify_name(sp, r, path, sizeof(path)) < 0)
		return;
	if (chown(path, c->has_user ? c->uid : geteuid(),
		  c->has_user || c->has_group ? c->gid : getegid()) < 0)
		log_warn("service %s: unable to give its notify socket %s to its user",
			 c->name, path);
}

/* The service's user and groups, looked up now (again: again at each
 * start, after the prestart hooks, one of which may have made the
 * user), or only when not known yet. */
static int resolve_ids(struct rt *r, int again)
{
	char why[PATH_MAX + 64];
	int ret;

	if (!(r->cfg->has_user || r->cfg->has_group) ||
	    (!again && r->cfg->ids_resolved))
		return 0;
	ret = cfg_resolve_user(NULL, r->cfg, why, sizeof(why));
	if (ret < 0)
		log_errorx("service %s: unable to start%s: %s", r->cfg->name,
			   again ? "" : " its check", why);
	return ret;
}

/* The container's env, the hooks' additions, then the service's own;
 * with_notify: NOTIFY_SOCKET too (not for probes). */
static char **build_env(struct super *sp, struct rt *r, int with_notify)
{
	const struct cfg_service *c = r->cfg;
	char **env = NULL, num[64], path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int ok = 0;

	if (cfg_env_merge(&env, sp->base_env) < 0)
		goto fail;
	if (c->has_user) {
		ok |= env_add(&env, "HOME", c->home);
		ok |= env_add(&env, "USER", c->user_name);
		ok |= env_add(&env, "LOGNAME", c->user_name);
		ok |= env_add(&env, "SHELL", c->shell);
	}
	if (with_notify && c->ready == READY_NOTIFY && r->notifyfd >= 0 &&
	    super_notify_name(sp, r, path, sizeof(path)) == 0)
		ok |= env_add(&env, "NOTIFY_SOCKET", path);
	if (ok < 0 || (c->env_file && env_file(c, &env) < 0))
		goto fail;
	if (cfg_env_merge(&env, c->env) < 0)
		goto fail;
	if (!r->is_cmd) {
		snprintf(num, sizeof(num), "%s", c->name);
		if (env_add(&env, "POUCH_SERVICE", num) < 0)
			goto fail;
	}
	if (!env)
		env = calloc(1, sizeof(*env));
	return env;
fail:
	cfg_free_words(env);
	return NULL;
}

/* A log file is opened, created and rotated as the service's user and
 * group (and may be owned by that user or root). */
static void file_user(const struct cfg_service *c, struct outfile_user *u)
{
	u->svc = c->name;
	u->uid = c->has_user ? c->uid : geteuid();
	u->gid = c->has_user || c->has_group ? c->gid : getegid();
	u->as_user = u->uid != geteuid() || u->gid != getegid();
	u->groups = c->groups;
	u->ngroups = c->has_user || c->has_group ? c->ngroups : 0;
}

/* The pipe of one stream: made at the first start that needs one and
 * kept across restarts and reloads (a pipe no longer used stays, idle);
 * where its lines go follows the configuration of each start. */
static int pipe_for(struct super *sp, struct rt *r, const struct cfg_output *o,
		    struct outsrc **src, int *wend, struct watch *w,
		    struct outq *q)
{
	struct outfile_user u;
	struct outfile *f;
	int p[2];

	if (o->kind != OUT_PREFIX && o->kind != OUT_FILE) {
		/* not used by this run: a log file it went to is let go */
		if (*src && (*src)->q && (*src)->q->file)
			outsrc_retarget(*src, NULL);
		return 0;
	}
	if (!*src) {
		if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
			return -errno;
		/* the writer's end blocks, as a daemon expects of its stdout */
		(void)fcntl(p[1], F_SETFL, 0);
		*src = outsrc_new(p[0], r->is_cmd ? NULL : r->cfg->name,
				  sp->epfd, watch_data(w));
		if (!*src) {
			close(p[0]);
			close(p[1]);
			return -ENOMEM;
		}
		*wend = p[1];
	}
	if (o->kind == OUT_FILE) {
		file_user(r->cfg, &u);
		f = outfile_get(&sp->files, &sp->nfiles, o->path, &u,
				r->cfg->log_max_size, r->cfg->log_max_files);
		q = f ? &f->q : NULL; /* NULL: refused, discarded */
	}
	outsrc_retarget(*src, q);
	return 0;
}

int run_setup_output(struct super *sp, struct rt *r)
{
	int ret;

	ret = pipe_for(sp, r, &r->cfg->out, &r->out, &r->out_w, &r->wout,
		       &sp->qout);
	if (ret == 0)
		ret = pipe_for(sp, r, &r->cfg->err, &r->err, &r->err_w,
			       &r->werr, sp->errq);
	return ret;
}

static int out_fd(const struct cfg_output *o, int wend, int devnull, int self)
{
	switch (o->kind) {
	case OUT_INHERIT:
		return self;
	case OUT_NULL:
		return devnull;
	default:
		return wend;
	}
}

static void fill_rlimits(struct super *sp, const struct cfg_service *c,
			 struct spawn_rlimit *rl, size_t *n)
{
	*n = 0;
	rl[(*n)++] = (struct spawn_rlimit){ RLIMIT_NOFILE, sp->nofile };
	for (int i = 0; c->rlimits && i < CFG_NRLIMITS; i++) {
		if (!c->rlimits[i].set)
			continue;
		if (c->rlimits[i].resource == RLIMIT_NOFILE)
			*n = 0;
		rl[(*n)++] = (struct spawn_rlimit){ c->rlimits[i].resource,
						    c->rlimits[i].lim };
	}
}

/* How r runs, for argv: its own command, or (probe) a readiness or
 * health check, which runs as the service runs but with its output on
 * /dev/null. */
static void fill_spec(struct super *sp, struct rt *r, struct spawn_spec *s,
		      struct spawn_rlimit *rl, int devnull, char *const *argv,
		      int probe)
{
	const struct cfg_service *c = r->cfg;

	spawn_spec_init(s, sp->inh, argv);
	fill_rlimits(sp, c, rl, &s->nrlimits);
	s->rlimits = rl;
	if (r->is_cmd) {
		s->group = SPAWN_PGRP;
		s->tty_foreground = 1;
		/* not a terminal: through pid 1, as the services' lines */
		if (c->out.kind == OUT_PREFIX)
			s->fds[1] = r->out_w;
		if (c->err.kind == OUT_PREFIX)
			s->fds[2] = r->err_w;
		return;
	}
	s->group = SPAWN_SESSION;
	s->close_fds = 1;
	s->fds[0] = devnull;
	s->fds[1] = probe ? devnull : out_fd(&c->out, r->out_w, devnull, 1);
	s->fds[2] = probe ? devnull : out_fd(&c->err, r->err_w, devnull, 2);
	s->workdir = c->workdir;
	s->has_umask = c->has_umask;
	s->umask = c->umask;
	s->set_ids = c->has_user || c->has_group;
	s->uid = c->has_user ? c->uid : 0;
	s->gid = c->gid;
	s->groups = c->groups;
	s->ngroups = c->ngroups;
	s->has_caps = c->has_caps;
	s->caps = c->caps;
	s->ncaps = c->ncaps;
	s->no_new_privs = c->no_new_privs;
}

/* Start one run of r. Returns 0 with *pid, or -errno. */
/* stdout/stderr = journal: a journald stream each, named after the
 * service (/dev/null when journald cannot be reached, with a warning). */
static void journal_fds(struct rt *r, struct spawn_spec *s, int jfd[2],
			int devnull)
{
	const struct cfg_output *o[2] = { &r->cfg->out, &r->cfg->err };

	for (int k = 0; k < 2; k++) {
		if (o[k]->kind != OUT_JOURNAL)
			continue;
		jfd[k] = outer_journal_fd(r->cfg->name, k ? LOG_WARNING : LOG_INFO);
		if (jfd[k] < 0)
			log_warnx("service %s: no journald to log to", r->cfg->name);
		s->fds[k + 1] = jfd[k] >= 0 ? jfd[k] : devnull;
	}
}

/* A forked child's exec result pipe (spawn.h), read when it is ready. */
static void watch_exec(struct super *sp, struct rt *r, int which, int fd)
{
	if (fd < 0)
		return;
	if (r->exec_fd[which] >= 0)
		close(r->exec_fd[which]); /* an earlier run's, never read */
	r->exec_fd[which] = fd;
	if (super_watch_fd(sp, fd, &r->wexec[which]) < 0) {
		close(fd);
		r->exec_fd[which] = -1;
	}
}

void run_exec_result(struct super *sp, struct rt *r, int which)
{
	const char *step;
	int err;

	(void)sp;
	if (r->exec_fd[which] < 0 ||
	    spawn_exec_result(r->exec_fd[which], &err, &step) == -EAGAIN)
		return;
	close(r->exec_fd[which]);
	r->exec_fd[which] = -1;
	if (!err)
		return;
	errno = err;
	log_error("service %s: unable to %s %s", r->cfg->name, step,
		  which ? "its check" : r->cfg->argv[0]);
}

static int start(struct super *sp, struct rt *r, pid_t *pid)
{
	struct spawn_rlimit rl[CFG_NRLIMITS + 1];
	struct spawn_spec s;
	const char *step;
	char **env;
	int devnull, err, ret, jfd[2] = { -1, -1 }, efd = -1;

	if (r->old_pgid > 0) {
		/* what its last run left behind had until now */
		(void)kill(-r->old_pgid, SIGKILL);
		r->old_pgid = 0;
	}
	ret = resolve_ids(r, 1);
	if (ret < 0)
		return ret;
	/* after the user is known: its log files are opened as it */
	if (run_setup_output(sp, r) < 0)
		log_warn("%s%s: unable to set up its output",
			 r->is_cmd ? "" : "service ",
			 r->is_cmd ? "CMD" : r->cfg->name);
	env = build_env(sp, r, 1);
	if (!env)
		return -EINVAL;
	give_notify_socket(sp, r);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	fill_spec(sp, r, &s, rl, devnull, r->cfg->argv, 0);
	s.envp = env;
	s.exec_fd = &efd;
	journal_fds(r, &s, jfd, devnull);
	ret = spawn_start_step(&s, pid, &err, &step);
	if (ret == 0)
		watch_exec(sp, r, 0, efd);
	if (devnull >= 0)
		close(devnull);
	for (int k = 0; k < 2; k++)
		if (jfd[k] >= 0)
			close(jfd[k]);
	cfg_free_words(env);
	if (ret < 0)
		return ret;
	if (err) {
		errno = err;
		if (r->is_cmd)
			log_error("unable to %s %s", step, r->cfg->argv[0]);
		else
			log_error("service %s: unable to %s %s", r->cfg->name,
				  step, r->cfg->argv[0]);
	}
	r->pgid = *pid;
	r->sid = r->is_cmd ? 0 : *pid;
	take_main(r, -1); /* its own child: its pid stays until reaped */
	if (r->cfg->type == TYPE_FORKING)
		r->launcher = *pid;
	r->probe_at = r->cfg->ready == READY_NONE ? 0 : sp->now;
	free(r->status);
	r->status = NULL;
	return 0;
}

/* A check that is no longer wanted goes with its process group. */
static void kill_probe(pid_t *pid)
{
	if (*pid > 0)
		(void)kill(-*pid, SIGKILL);
}

void run_note_kill(struct super *sp, struct rt *r, const char *why)
{
	char buf[16];

	r->sigkilled = 1;
	log_warnx("%s%s: still running %lld ms after SIG%s (%s): SIGKILL",
		  r->is_cmd ? "" : "service ", r->is_cmd ? "CMD" : r->cfg->name,
		  (long long)(sp->now - r->stop_began),
		  sig_name(r->cfg->stop_signal, buf, sizeof(buf)), why);
}

/* While the container stops, no service's stop outlasts the budget. */
static void keep_to_deadline(struct super *sp, struct rt *r)
{
	if (sp->phase == PH_RUN || r->svc.state != SVC_STOPPING || r->svc.killed ||
	    !sp->deadline)
		return;
	r->stop_clamped = !r->svc.timer_at || r->svc.timer_at > sp->deadline;
	if (r->stop_clamped)
		r->svc.timer_at = sp->deadline;
}

void run_drive(struct super *sp, struct rt *r, enum svc_event ev, long arg)
{
	enum svc_state before = r->svc.state;
	struct svc_action a = svc_step(&r->svc, ev, arg, sp->now);
	pid_t pid;

	if (before != SVC_STOPPING && r->svc.state == SVC_STOPPING)
		r->stop_began = sp->now;
	keep_to_deadline(sp, r);
	if (ev == EV_STOP && r->quiet_stop)
		a.signal = 0;
	r->quiet_stop = 0;
	if (a.signal == SIGKILL && ev == EV_TIMER)
		run_note_kill(sp, r, r->stop_clamped ? "the end of the stop budget"
				     : r->is_cmd ? "[cmd] stop_timeout"
						 : "its stop_timeout");
	if (a.signal == SIGKILL && ev == EV_EXITED)
		run_note_kill(sp, r, "what is left of its group once its main process exited, kill_mode = mixed");
	for (int guard = 0; guard < 10001 && (a.spawn || a.signal); guard++) {
		if (a.signal && a.group)
			run_signal_group(r, a.signal);
		else if (a.signal)
			signal_main(r, a.signal);
		/* a stopped process could not act on its stop signal */
		if (a.signal && a.signal != SIGKILL && a.signal != SIGCONT)
			(a.group ? run_signal_group : signal_main)(r, SIGCONT);
		if (!a.spawn)
			break;
		if (start(sp, r, &pid) < 0)
			a = svc_step(&r->svc, EV_SPAWN_FAILED, 1 << 8, sp->now);
		else
			a = svc_step(&r->svc, EV_SPAWNED, pid, sp->now);
	}
	if (r->svc.state != SVC_STARTING) {
		r->probe_at = 0;
		r->await_pidfile = 0;
		kill_probe(&r->probe_pid);
	}
	if (r->svc.state != SVC_RUNNING)
		kill_probe(&r->health_pid);
	super_note(sp, r);
}

static struct rt *find_pid(struct super *sp, pid_t pid, int *what)
{
	for (size_t i = 0; i < sp->n; i++) {
		struct rt *r = &sp->rt[i];

		if (r->launcher == pid) {
			*what = 1;
			return r;
		}
		if (r->probe_pid == pid) {
			*what = 2;
			return r;
		}
		if (r->svc.pid == pid) {
			*what = 0;
			return r;
		}
		if (r->health_pid == pid) {
			*what = 3;
			return r;
		}
	}
	return NULL;
}

struct rt *run_owner(struct super *sp, pid_t pid)
{
	int what;

	return pid > 0 ? find_pid(sp, pid, &what) : NULL;
}

/* Whether pid is one of r's processes: its main process or launcher, a
 * process of the session its run was started in, or a descendant of its
 * main process or launcher. A process in another pid namespace has pid 0
 * here and is no one's. */
static int belongs(const struct rt *r, pid_t pid)
{
	pid_t anc[2] = { r->svc.pid, r->launcher };
	struct proc_ids ids;

	if (pid <= 1)
		return 0;
	if (pid == r->svc.pid || pid == r->launcher)
		return 1;
	if (proc_ids(pid, &ids) < 0)
		return 0;
	if (r->sid > 1 && ids.sid == r->sid)
		return 1;
	return proc_descends(pid, anc, 2);
}

/* May r take pid as its main process? Never pid 1, pouch-init itself, or
 * a process that CMD or another service tracks; and when the claim comes
 * from an unprivileged writer (owner, -1 when it is r's own process that
 * says so), only a process that writer could signal itself. */
static const char *claim_refused(struct super *sp, struct rt *r, pid_t pid,
				 long owner)
{
	struct rt *o = run_owner(sp, pid);
	struct proc_ids ids;

	if (pid <= 1 || pid == sp->self)
		return "pid 1 or pouch-init itself";
	if (o && o != r)
		return o->is_cmd ? "a process of CMD" : "a process of another service";
	if (proc_ids(pid, &ids) < 0)
		return "no such process";
	if (owner < 0)
		return belongs(r, pid) ? NULL : "not a process of this service";
	if (owner > 0 && ids.ruid != (uid_t)owner && ids.suid != (uid_t)owner &&
	    !belongs(r, pid))
		return "a process its writer could not signal itself";
	return NULL;
}

/* A pidfile is trusted as root's when root owns it, nobody else may
 * write it and it has one name; otherwise the uid that could have
 * written it is the claim's owner (see claim_refused). */
static int read_pidfile(struct super *sp, struct rt *r, pid_t *pid, int *pidfd)
{
	const char *path = r->cfg->pidfile, *why;
	char buf[32];
	struct stat st;
	ssize_t n;
	long v;
	char *end;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EAGAIN;
	buf[n] = '\0';
	v = strtol(buf, &end, 10);
	if (end == buf || (*end && *end != '\n') || v <= 1 || v > 4194304)
		return -EAGAIN; /* not (yet) a pid */
	*pidfd = hold_pid((pid_t)v);
	if (*pidfd < 0 && errno == ESRCH)
		return -EAGAIN; /* gone already (a stale pidfile) */
	if (st.st_uid == 0 && !(st.st_mode & (S_IWGRP | S_IWOTH)) &&
	    st.st_nlink == 1)
		why = claim_refused(sp, r, (pid_t)v, 0);
	else
		why = claim_refused(sp, r, (pid_t)v,
				    st.st_uid && st.st_nlink == 1 ? (long)st.st_uid : -1);
	if (why) {
		if (!r->claim_said)
			log_warnx("service %s: pidfile %s names pid %ld, %s: not followed",
				  r->cfg->name, path, v, why);
		r->claim_said = 1;
		if (*pidfd >= 0)
			close(*pidfd);
		*pidfd = -1;
		return -EPERM;
	}
	*pid = (pid_t)v;
	return 0;
}

/* The process group to signal for a daemon found by its pidfile: its
 * own, unless that group is another's (then the daemon alone). */
static pid_t daemon_group(struct super *sp, struct rt *r, pid_t pid)
{
	pid_t pg = getpgid(pid);
	struct rt *o;

	if (pg <= 1)
		return pid;
	for (size_t i = 0; i < sp->n; i++) {
		o = &sp->rt[i];
		if (o != r && (o->pgid == pg || o->sid == pg))
			return pid;
	}
	o = run_owner(sp, pg);
	return o && o != r ? pid : pg;
}

/* Start a readiness or health check of r, as r runs. 0 with *pid. */
static int spawn_probe(struct super *sp, struct rt *r, char *const *argv,
		       pid_t *pid)
{
	struct spawn_rlimit rl[CFG_NRLIMITS + 1];
	struct spawn_spec s;
	const char *step;
	char **env;
	int devnull, err, efd = -1, ret = resolve_ids(r, 0);

	if (ret < 0)
		return ret;
	env = build_env(sp, r, 0);
	if (!env)
		return -ENOMEM;
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	fill_spec(sp, r, &s, rl, devnull, argv, 1);
	s.envp = env;
	s.exec_fd = &efd;
	ret = spawn_start_step(&s, pid, &err, &step);
	if (ret == 0)
		watch_exec(sp, r, 1, efd);
	if (devnull >= 0)
		close(devnull);
	cfg_free_words(env);
	if (ret == 0 && err) {
		errno = err;
		log_error("service %s: unable to %s its check %s", r->cfg->name,
			  step, argv[0]);
	}
	return ret;
}

static void launcher_exited(struct super *sp, struct rt *r, int status)
{
	r->launcher = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		run_drive(sp, r, EV_EXITED, status);
		return;
	}
	r->svc.pid = 0;
	r->await_pidfile = 1;
	r->probe_at = sp->now;
	run_probe(sp, r);
}

static void probe_exited(struct super *sp, struct rt *r, int status)
{
	r->probe_pid = 0;
	if (r->svc.state != SVC_STARTING)
		return;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		run_drive(sp, r, EV_READY, 0);
	else
		r->probe_at = sp->now + PROBE_MS;
}

static void health_exited(struct super *sp, struct rt *r, int status)
{
	r->health_pid = 0;
	if (r->svc.state != SVC_RUNNING)
		return;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		r->health_fails = 0;
		r->health = 1;
		return;
	}
	r->health_fails++;
	log_warnx("service %s: health check failed (%d of %d)", r->cfg->name,
		  r->health_fails, r->cfg->health_retries);
	if (r->health_fails < r->cfg->health_retries)
		return;
	r->health = -1;
	log_errorx("service %s: unhealthy, restarting it per its policy",
		   r->cfg->name);
	run_drive(sp, r, EV_UNHEALTHY, 0);
}

/* The health timer: start a check, or kill one that overran. */
void run_health(struct super *sp, struct rt *r)
{
	pid_t pid;

	r->health_at = sp->now + r->cfg->health_interval_ms;
	if (r->health_pid > 0) {
		log_warnx("service %s: health check overran %lld ms, killing it",
			  r->cfg->name, (long long)r->cfg->health_interval_ms);
		(void)kill(-r->health_pid, SIGKILL);
		return; /* its exit counts as a failure */
	}
	if (spawn_probe(sp, r, r->cfg->health_argv, &pid) == 0)
		r->health_pid = pid;
}

static void main_exited(struct super *sp, struct rt *r, int status)
{
	pid_t pgid = r->pgid;
	char buf[16];

	run_drain(sp, r);
	r->svc.group_alive = r->pgid > 0 && kill(-r->pgid, 0) == 0;
	if (sp->phase != PH_RUN && !r->is_cmd && r->svc.state != SVC_STOPPING) {
		/* shutting down: whatever ends now is not restarted */
		r->quiet_stop = 1;
		run_drive(sp, r, EV_STOP, 0);
	}
	if (r->svc.state != SVC_STOPPING && !r->is_cmd) {
		if (WIFSIGNALED(status))
			log_warnx("service %s (pid %d) killed by SIG%s",
				  r->cfg->name, (int)r->svc.pid,
				  sig_name(WTERMSIG(status), buf, sizeof(buf)));
		else if (WEXITSTATUS(status) != 0 ||
			 r->cfg->type != TYPE_ONESHOT)
			log_info("service %s (pid %d) exited with status %d",
				 r->cfg->name, (int)r->svc.pid,
				 WEXITSTATUS(status));
	}
	run_drive(sp, r, EV_EXITED, status);
	take_main(r, -1);
	if (!r->is_cmd && r->svc.group_alive && r->svc.state != SVC_STOPPING &&
	    r->svc.state != SVC_DONE && r->cfg->kill_mode != KILL_PROCESS) {
		/* its main process is gone, and it is not stopping: what is
		 * left of its group gets the stop signal now, and SIGKILL
		 * when it starts again (a oneshot that is done keeps them) */
		(void)kill(-pgid, r->cfg->stop_signal);
		(void)kill(-pgid, SIGCONT);
		if (r->pgid == pgid)
			r->old_pgid = pgid;
		else
			(void)kill(-pgid, SIGKILL); /* already restarted */
	}
}

/* After orphans were reaped: services whose stop waits for their group. */
static void check_groups(struct super *sp)
{
	for (size_t i = 0; i < sp->n; i++) {
		struct rt *r = &sp->rt[i];

		if (r->svc.state == SVC_STOPPING && r->svc.pid == 0 &&
		    r->pgid > 0 && kill(-r->pgid, 0) < 0 && errno == ESRCH)
			run_drive(sp, r, EV_GROUP_EMPTY, 0);
	}
}

void run_reap(struct super *sp)
{
	struct rt *r;
	int status, what, orphans = 0;
	pid_t pid;

	/* the one place pid 1 waits for a child: every exit is routed from
	 * here, and no child left at all is known from here too */
	sp->childless = 0;
	while ((pid = waitpid(-1, &status, WNOHANG | WUNTRACED)) > 0) {
		if (sp->plan->plain) {
			plain_reaped(sp, pid, status);
			continue;
		}
		if (pid == sp->hk.pid && !WIFSTOPPED(status)) {
			hk_reaped(sp, status);
			continue;
		}
		r = find_pid(sp, pid, &what);
		if (WIFSTOPPED(status)) {
			int sig = WSTOPSIG(status);

			if (r && r->is_cmd && what == 0 && sp->is_pid1 &&
			    (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU))
				loop_resume_job(pid, sig);
			continue;
		}
		if (!r) {
			orphans++;
			continue;
		}
		if (what == 3)
			health_exited(sp, r, status);
		else if (what == 1)
			launcher_exited(sp, r, status);
		else if (what == 2)
			probe_exited(sp, r, status);
		else
			main_exited(sp, r, status);
	}
	if (pid < 0 && errno == ECHILD)
		sp->childless = 1;
	if (orphans || sp->phase != PH_RUN)
		check_groups(sp);
}

/* A connect in progress: 1 connected, 0 not yet, -1 failed (closed
 * unless pending). */
/* A connect in progress: 1 it connected, 0 not yet, -1 it failed (the
 * socket is closed then). Asked without waiting: its error, else whether
 * it has a peer. */
static int connect_done(int *fd)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(int), plen = sizeof(peer);
	int err = 0;

	if (getsockopt(*fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && !err &&
	    getpeername(*fd, (struct sockaddr *)&peer, &plen) < 0 &&
	    errno == ENOTCONN)
		return 0;
	close(*fd);
	*fd = -1;
	return err ? -1 : 1;
}

/* Start a non-blocking connect to host (numeric; NULL: the family's
 * loopback address). 1 connected, 0 in progress (kept in *fd), -1
 * refused or failed. */
static int connect_start(int family, const char *host, int port, int *fd)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons((uint16_t)port),
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int ok;

	if (host && inet_pton(family, host, family == AF_INET
						    ? (void *)&a4.sin_addr
						    : (void *)&a6.sin6_addr) != 1)
		return -1;
	*fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (*fd < 0)
		return -1;
	ok = family == AF_INET
		     ? connect(*fd, (struct sockaddr *)&a4, sizeof(a4)) == 0
		     : connect(*fd, (struct sockaddr *)&a6, sizeof(a6)) == 0;
	if (!ok && errno == EINPROGRESS)
		return 0;
	close(*fd);
	*fd = -1;
	return ok ? 1 : -1;
}

/* ready = tcp:[HOST:]PORT. 1 ready, 0 not (yet). The given address, or
 * 127.0.0.1 and ::1 both: ready when either accepts. A loopback connect
 * refused or still pending at the next check gives the other family
 * its turn first. */
static int tcp_check(const struct cfg_service *c, int *fd)
{
	int fam = AF_UNSPEC, r, order[2];
	socklen_t len = sizeof(fam);

	if (*fd >= 0) {
		(void)getsockopt(*fd, SOL_SOCKET, SO_DOMAIN, &fam, &len);
		r = connect_done(fd);
		if (r > 0 || c->ready_host)
			return r > 0;
		if (r == 0) {
			close(*fd);
			*fd = -1;
		}
	}
	if (c->ready_host)
		return connect_start(strchr(c->ready_host, ':') ? AF_INET6
								: AF_INET,
				     c->ready_host, c->ready_port, fd) > 0;
	order[0] = fam == AF_INET ? AF_INET6 : AF_INET;
	order[1] = order[0] == AF_INET ? AF_INET6 : AF_INET;
	for (int i = 0; i < 2; i++) {
		r = connect_start(order[i], NULL, c->ready_port, fd);
		if (r >= 0)
			return r;
	}
	return 0;
}

static void probe_exec(struct super *sp, struct rt *r)
{
	pid_t pid;

	if (r->probe_pid)
		return;
	if (spawn_probe(sp, r, r->cfg->ready_argv, &pid) < 0) {
		r->probe_at = sp->now + PROBE_MS;
		return;
	}
	r->probe_pid = pid;
	r->probe_at = 0; /* its exit decides */
}

void run_probe(struct super *sp, struct rt *r)
{
	pid_t pid = 0;
	int pidfd = -1;

	r->probe_at = 0;
	if (r->svc.state != SVC_STARTING)
		return;
	if (r->await_pidfile) {
		if (read_pidfile(sp, r, &pid, &pidfd) == 0) {
			r->await_pidfile = 0;
			take_main(r, pidfd);
			r->pgid = daemon_group(sp, r, pid);
			run_drive(sp, r, EV_FORKED, pid);
			if (r->svc.state == SVC_STARTING)
				r->probe_at = sp->now;
		} else {
			r->probe_at = sp->now + PIDFILE_MS;
		}
		return;
	}
	if (r->launcher)
		return; /* forking: readiness after the daemon is known */
	switch (r->cfg->ready) {
	case READY_TCP:
		if (tcp_check(r->cfg, &r->probe_fd))
			run_drive(sp, r, EV_READY, 0);
		else
			r->probe_at = sp->now + PROBE_MS;
		break;
	case READY_FILE:
		if (access(r->cfg->ready_path, F_OK) == 0)
			run_drive(sp, r, EV_READY, 0);
		else
			r->probe_at = sp->now + PROBE_MS;
		break;
	case READY_EXEC:
		probe_exec(sp, r);
		break;
	default:
		break;
	}
}

/* A sender that has exited (and was reaped) before we read its message,
 * as `notify READY=1` run by a service's shell does. A process of
 * another pid namespace has pid 0; one of ours is taken when it ran as
 * root, as the service's user, or as the user its main process runs as
 * now (a daemon that dropped its privileges itself): a process of that
 * user could signal the service anyway. */
static int sender_gone(const struct rt *r, const struct ucred *cred)
{
	uid_t uid = r->cfg->has_user ? r->cfg->uid : geteuid();
	struct proc_ids main;

	if (cred->pid <= 0 || kill(cred->pid, 0) == 0 || errno != ESRCH)
		return 0;
	if (cred->uid == uid || cred->uid == 0)
		return 1;
	return r->svc.pid > 0 && proc_ids(r->svc.pid, &main) == 0 &&
	       cred->uid == main.ruid;
}

/* Say once per service that something was refused. */
static void refuse_once(struct rt *r, const char *what, long v, const char *why)
{
	if (r->claim_said)
		return;
	r->claim_said = 1;
	log_warnx("service %s: %s%ld refused: %s (said once)", r->cfg->name,
		  what, v, why);
}

static void notify_msg(struct super *sp, struct rt *r, const char *buf,
		       size_t len, const struct ucred *cred)
{
	struct notify_msg m;
	const char *why;

	if (!cred || !(belongs(r, cred->pid) || sender_gone(r, cred))) {
		refuse_once(r, "a notify message from pid ",
			    cred ? (long)cred->pid : 0L,
			    cred && cred->pid ? "not a process of this service"
					      : "a process outside this container's pid namespace");
		return;
	}
	(void)notify_parse(buf, len, &m);
	if (m.status) {
		free(r->status);
		r->status = strndup(m.status, m.status_len < STATUS_MAX ? m.status_len : STATUS_MAX);
		log_info("service %s: %.*s", r->cfg->name, (int)m.status_len, m.status);
	}
	if (m.mainpid) {
		int pidfd = hold_pid(m.mainpid);

		why = pidfd < 0 && errno == ESRCH ? "no such process"
						  : claim_refused(sp, r, m.mainpid, -1);
		if (why) {
			refuse_once(r, "MAINPID=", (long)m.mainpid, why);
			if (pidfd >= 0)
				close(pidfd);
		} else {
			take_main(r, pidfd);
			run_drive(sp, r, EV_FORKED, m.mainpid);
		}
	}
	if (m.ready && r->svc.state == SVC_STARTING)
		run_drive(sp, r, EV_READY, 0);
}

/* The sender's credentials (the kernel's, SO_PASSCRED); descriptors sent
 * along are closed (FDSTORE is not kept). */
static const struct ucred *take_cmsgs(struct msghdr *mh)
{
	const struct ucred *cred = NULL;
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET)
			continue;
		if (cm->cmsg_type == SCM_CREDENTIALS &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(struct ucred)))
			cred = (const struct ucred *)CMSG_DATA(cm);
		if (cm->cmsg_type != SCM_RIGHTS)
			continue;
		for (int *fd = (int *)CMSG_DATA(cm);
		     (char *)fd < (char *)cm + cm->cmsg_len; fd++)
			close(*fd);
	}
	return cred;
}

void run_notify(struct super *sp, struct rt *r)
{
	char buf[4096], ctl[CMSG_SPACE(sizeof(struct ucred)) +
			    CMSG_SPACE(16 * sizeof(int))];
	struct iovec iov = { buf, sizeof(buf) };
	const struct ucred *cred;
	struct msghdr mh;
	ssize_t n;

	for (int i = 0; i < 64; i++) {
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = ctl;
		mh.msg_controllen = sizeof(ctl);
		n = recvmsg(r->notifyfd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0)
			return;
		cred = take_cmsgs(&mh);
		if (r->svc.pid > 0 || r->svc.state == SVC_STARTING)
			notify_msg(sp, r, buf, (size_t)n, cred);
	}
}

/* Its main process is gone: what it wrote comes before what is said of
 * it (as far as its destination takes it now), and its partial line ends
 * after the last of it. */
void run_drain(struct super *sp, struct rt *r)
{
	struct outsrc *s[2] = { r->out, r->err };

	(void)sp;
	for (int k = 0; k < 2; k++) {
		if (!s[k])
			continue;
		(void)outsrc_read(s[k]);
		outsrc_run_ended(s[k]);
	}
}
