// SPDX-License-Identifier: MIT
/*
 * Starting a unit's processes: each run's environment, output pipes and
 * spawn spec, as the service runs (its user, groups, capabilities,
 * limits, directory), and its readiness and health checks the same way
 * with their output on /dev/null.
 */
#include "init/log.h"
#include "run/outer.h"
#include "init/super-internal.h"
#include "units/units.h"
#include "config/values.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

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

/* The text of a service's env file spec ('-': may be missing; key: the
 * key that names it, for messages), once who may change it was judged
 * (unsafe, with why): NULL with *ret 0 when there is nothing to read, or
 * -errno (said). */
static char *env_text(const struct cfg_service *c, const char *key,
		      const char *spec, int unsafe, const char *why, int *ret)
{
	const char *path = spec + (spec[0] == '-');
	int err = unsafe;
	char *text;

	*ret = 0;
	if (unsafe > 0) {
		log_errorx("service %s: %s%s refused: %s", c->name, key, path, why);
		*ret = -EPERM;
		return NULL;
	}
	text = err < 0 ? NULL : cfg_read_file(path, &err);
	if (text)
		return text;
	if (err < 0)
		err = -err;
	if (spec[0] == '-' && err == ENOENT)
		return NULL;
	errno = err;
	log_error("service %s: unable to read %s%s", c->name, key, path);
	*ret = -err;
	return NULL;
}

/* services.d's env_file: who may change it, as for the configuration
 * itself. */
static int env_file(const struct cfg_service *c, char ***env)
{
	const char *spec = c->env_file, *path = spec + (spec[0] == '-');
	char why[PATH_MAX + 128], *text;
	int ret, bad;

	text = env_text(c, "env_file ", spec,
			cfg_path_unsafe(path, geteuid(), why, sizeof(why)), why, &ret);
	if (!text)
		return ret;
	bad = cfg_parse_env_text(text, env);
	free(text);
	if (bad) {
		log_errorx("service %s: env_file %s:%d: expected KEY=VALUE",
			   c->name, path, bad);
		return -EINVAL;
	}
	return 0;
}

static void bad_env_line(void *arg, int line)
{
	const char **what = arg;

	log_warnx("service %s: EnvironmentFile=%s:%d: not KEY=VALUE: ignored",
		  what[0], what[1], line);
}

/* A unit's EnvironmentFile= ('-': may be missing), in systemd's syntax.
 * Who may change it is checked as for env_file, for the user the command
 * runs as: a file the service's user (or its group) may change, in its
 * own /run/NAME, is read for its commands that run as that user, and not
 * for those that run as root (`+`, `!`, no User=), which would take an
 * LD_PRELOAD from it: said once, they run without it. Anyone else able
 * to change it refuses the start. */
static int unit_env_file(struct super *sp, size_t i, const char *spec,
			 char ***env, int as_root)
{
	const struct cfg_service *c = rt_cfg(sp, i);
	const char *path = spec + (spec[0] == '-'), *what[2] = { c->name, path };
	char *text, why[PATH_MAX + 128];
	int ret, unsafe = as_root ? cfg_path_unsafe(path, geteuid(), why, sizeof(why))
			       : cfg_path_unsafe_for(path, c->uid, c->gid, why, sizeof(why));

	if (unsafe > 0 && as_root && c->has_user &&
	    cfg_path_unsafe_for(path, c->uid, c->gid, why, sizeof(why)) == 0) {
		if (!sp->rt[i].envfile_said)
			log_warnx("service %s: EnvironmentFile=%s: its user may change it: not read for its commands that run as root",
				  c->name, path);
		sp->rt[i].envfile_said = 1;
		return 0;
	}
	text = env_text(c, "EnvironmentFile=", spec, unsafe, why, &ret);
	if (!text)
		return ret;
	(void)units_parse_env_file(text, env, bad_env_line, what);
	free(text);
	return 0;
}

/* UnsetEnvironment=: NAME, or NAME=VALUE only with that value. */
static void env_unset(char **env, const char *what)
{
	size_t n = strcspn(what, "="), k = 0;

	for (size_t j = 0; env && env[j]; j++) {
		int gone = what[n] ? !strcmp(env[j], what)
				   : !strncmp(env[j], what, n) && env[j][n] == '=';

		if (gone)
			free(env[j]);
		else
			env[k++] = env[j];
	}
	if (env)
		env[k] = NULL;
}

/* The notify socket is the service's user's alone (0600). */
static void give_notify_socket(struct super *sp, size_t i)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const struct cfg_service *c = rt_cfg(sp, i);

	if (sp->rt[i].notifyfd < 0 ||
	    super_notify_name(sp, i, path, sizeof(path)) < 0)
		return;
	if (chown(path, c->has_user ? c->uid : geteuid(),
		  c->has_user || c->has_group ? c->gid : getegid()) < 0)
		log_warn("service %s: unable to give its notify socket %s to its user",
			 c->name, path);
}

/* The service's user and groups, looked up now (again: again at each
 * start, after the prestart hooks, one of which may have made the
 * user), or only when not known yet. */
static int resolve_ids(struct cfg_service *c, int again)
{
	char why[PATH_MAX + 64];
	int ret;

	if (!(c->has_user || c->has_group) || (!again && c->ids_resolved))
		return 0;
	ret = cfg_resolve_user(NULL, c, why, sizeof(why));
	if (ret < 0)
		log_errorx("service %s: unable to start%s: %s", c->name,
			   again ? "" : " its check", why);
	return ret;
}

/* The container's env, the hooks' additions, then the service's own;
 * with_notify: NOTIFY_SOCKET too (not for probes). */
static char **build_env(struct super *sp, size_t i, int with_notify,
			unsigned flags)
{
	int as_root;

	const struct cfg_service *c = rt_cfg(sp, i);
	const struct rt *r = &sp->rt[i];
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
	    super_notify_name(sp, i, path, sizeof(path)) == 0)
		ok |= env_add(&env, "NOTIFY_SOCKET", path);
	if (ok < 0 || (c->env_file && env_file(c, &env) < 0))
		goto fail;
	/* $RUNTIME_DIRECTORY and the like; Environment= may set them over */
	if (units_dirs_env(c, &env) < 0)
		goto fail;
	if (cfg_env_merge(&env, c->env) < 0)
		goto fail;
	/* a unit's EnvironmentFile= (read at each command: an
	 * ExecStartPre= may write one), then UnsetEnvironment= */
	as_root = !c->has_user || (flags & (CFG_EXEC_PRIV | CFG_EXEC_NOSETUID));
	for (char **f = c->env_files; f && *f; f++)
		if (unit_env_file(sp, i, *f, &env, as_root) < 0)
			goto fail;
	for (char **u = c->unset_env; u && *u; u++)
		env_unset(env, *u);
	if (!rt_unit(sp, i)->is_cmd) {
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
static int pipe_for(struct super *sp, size_t i, const struct cfg_output *o,
		    struct outsrc **src, int *wend, struct watch *w,
		    struct outq *q)
{
	const struct cfg_service *c = rt_cfg(sp, i);
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
		*src = outsrc_new(p[0], rt_unit(sp, i)->is_cmd ? NULL : c->name,
				  sp->epfd, watch_data(w));
		if (!*src) {
			close(p[0]);
			close(p[1]);
			return -ENOMEM;
		}
		*wend = p[1];
	}
	if (o->kind == OUT_FILE) {
		file_user(c, &u);
		f = outfile_get(&sp->files, &sp->nfiles, o->path, &u,
				c->log_max_size, c->log_max_files);
		q = f ? &f->q : NULL; /* NULL: refused, discarded */
	}
	outsrc_retarget(*src, q);
	return 0;
}

static int setup_output(struct super *sp, size_t i)
{
	const struct cfg_service *c = rt_cfg(sp, i);
	struct rt *r = &sp->rt[i];
	int ret;

	ret = pipe_for(sp, i, &c->out, &r->out, &r->out_w, &r->wout, &sp->qout);
	if (ret == 0)
		ret = pipe_for(sp, i, &c->err, &r->err, &r->err_w, &r->werr,
			       sp->errq);
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

static const char *limit_name(int resource)
{
	switch (resource) {
	case RLIMIT_NOFILE: return "LimitNOFILE=";
	case RLIMIT_NPROC: return "LimitNPROC=";
	case RLIMIT_CORE: return "LimitCORE=";
	case RLIMIT_MEMLOCK: return "LimitMEMLOCK=";
	case RLIMIT_AS: return "LimitAS=";
	case RLIMIT_CPU: return "LimitCPU=";
	case RLIMIT_FSIZE: return "LimitFSIZE=";
	case RLIMIT_DATA: return "LimitDATA=";
	case RLIMIT_STACK: return "LimitSTACK=";
	case RLIMIT_RSS: return "LimitRSS=";
	case RLIMIT_LOCKS: return "LimitLOCKS=";
	case RLIMIT_SIGPENDING: return "LimitSIGPENDING=";
	case RLIMIT_MSGQUEUE: return "LimitMSGQUEUE=";
	case RLIMIT_NICE: return "LimitNICE=";
	case RLIMIT_RTPRIO: return "LimitRTPRIO=";
	default: return "LimitRTTIME=";
	}
}

/* What pid 1 itself has, read once (it never gains or loses a
 * capability, nor changes its OOM score, after its start): its
 * permitted set, and whether CAP_SYS_RESOURCE is effective. */
static struct {
	int known;
	uint64_t permitted;
	int sys_resource;
	int oom_adj;
} self;

static void self_learn(void)
{
	cap_t c;
	int err;
	char *text;

	if (self.known)
		return;
	self.known = 1;
	if ((c = cap_get_proc())) {
		for (int v = 0; v <= CAP_LAST_CAP && v < 64; v++) {
			cap_flag_value_t f = CAP_CLEAR;

			if (cap_get_flag(c, (cap_value_t)v, CAP_PERMITTED, &f) == 0 &&
			    f == CAP_SET)
				self.permitted |= 1ULL << v;
			if (v == CAP_SYS_RESOURCE &&
			    cap_get_flag(c, (cap_value_t)v, CAP_EFFECTIVE, &f) == 0)
				self.sys_resource = f == CAP_SET;
		}
		cap_free(c);
	}
	text = cfg_read_file("/proc/self/oom_score_adj", &err);
	self.oom_adj = text ? atoi(text) : 0;
	free(text);
}

static int may_raise_limits(void)
{
	self_learn();
	return self.sys_resource;
}

/* A unit's Limit*= above what the container allows (a hard limit pid 1
 * cannot raise, with no CAP_SYS_RESOURCE) is lowered to that, as
 * systemd does (said once per service); a services.d limit is as
 * written, and a start it fails is said. */
static void clamp_limit(struct super *sp, size_t i, const struct cfg_service *c,
			struct spawn_rlimit *r)
{
	struct rlimit have;

	if (c->origin == ORIGIN_SERVICES_D || getrlimit(r->resource, &have) < 0 ||
	    r->lim.rlim_max <= have.rlim_max || may_raise_limits())
		return;
	if (!sp->rt[i].limit_said)
		log_warnx("service %s: %s%llu is above the container's hard limit: %llu instead",
			  c->name, limit_name(r->resource),
			  (unsigned long long)r->lim.rlim_max,
			  (unsigned long long)have.rlim_max);
	sp->rt[i].limit_said = 1;
	r->lim.rlim_max = have.rlim_max;
	if (r->lim.rlim_cur > have.rlim_max)
		r->lim.rlim_cur = have.rlim_max;
}

/* AmbientCapabilities= that pid 1 does not have itself (the container
 * was not given them) cannot be raised: the others are, and that is
 * said once per service, by name. */
static void say_ambient(struct super *sp, size_t i, const struct cfg_service *c)
{
	if (!c->has_cap_ambient || sp->rt[i].ambient_said)
		return;
	self_learn();
	for (int v = 0; v <= CAP_LAST_CAP && v < 64; v++) {
		char name[CFG_CAP_NAME_MAX];

		if (!((c->cap_ambient >> v) & 1) || ((self.permitted >> v) & 1))
			continue;
		log_warnx("service %s: AmbientCapabilities=%s: the container does not have it: not raised",
			  c->name, cfg_cap_name(v, name));
		sp->rt[i].ambient_said = 1;
	}
}

/* OOMScoreAdjust= below pid 1's own needs CAP_SYS_RESOURCE, which a
 * container is rarely given: then it is not applied and that is said
 * once, as systemd ignores it in a container. */
static int oom_allowed(struct super *sp, size_t i, const struct cfg_service *c)
{
	int own;

	self_learn();
	own = self.oom_adj;
	if (c->oom_score_adjust >= own || may_raise_limits())
		return 1;
	if (!sp->rt[i].oom_said)
		log_warnx("service %s: OOMScoreAdjust=%d is below pid 1's own %d, which the container does not allow: not applied",
			  c->name, c->oom_score_adjust, own);
	sp->rt[i].oom_said = 1;
	return 0;
}

static void fill_rlimits(struct super *sp, size_t u, const struct cfg_service *c,
			 struct spawn_rlimit *rl, size_t *n)
{
	*n = 0;
	rl[(*n)++] = (struct spawn_rlimit){ RLIMIT_NOFILE, sp->nofile };
	for (int i = 0; c->rlimits && i < CFG_NRLIMITS; i++) {
		if (!c->rlimits[i].set)
			continue;
		if (c->rlimits[i].resource == RLIMIT_NOFILE)
			*n = 0;
		rl[*n] = (struct spawn_rlimit){ c->rlimits[i].resource,
						c->rlimits[i].lim };
		clamp_limit(sp, u, c, &rl[(*n)++]);
	}
}

/* How r runs, for argv: its own command, or (probe) a readiness or
 * health check, which runs as the service runs but with its output on
 * /dev/null. */
static void fill_spec(struct super *sp, size_t i, struct spawn_spec *s,
		      struct spawn_rlimit *rl, int devnull, char *const *argv,
		      int probe, unsigned flags)
{
	const struct cfg_service *c = rt_cfg(sp, i);
	const struct rt *r = &sp->rt[i];

	spawn_spec_init(s, sp->inh, argv);
	fill_rlimits(sp, i, c, rl, &s->nrlimits);
	say_ambient(sp, i, c);
	s->rlimits = rl;
	if (rt_unit(sp, i)->is_cmd) {
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
	s->workdir = c->workdir_home ? (c->has_user && c->home ? c->home : "/root")
				     : c->workdir;
	s->workdir_optional = c->workdir_optional;
	s->has_nice = c->has_nice;
	s->nice = c->nice;
	s->sigpipe = c->sigpipe;
	if (c->has_oom_score_adjust && oom_allowed(sp, i, c)) {
		snprintf(sp->rt[i].oom_adj, sizeof(sp->rt[i].oom_adj), "%d",
			 c->oom_score_adjust);
		s->oom_adj = sp->rt[i].oom_adj;
	}
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
	s->has_bounding = c->has_cap_bounding;
	s->bounding = c->cap_bounding;
	s->has_ambient = c->has_cap_ambient;
	s->ambient = c->cap_ambient;
	s->no_new_privs = c->no_new_privs;
	if (probe)
		return;
	/* a unit's ExecStart= prefixes: '!' runs it as root, '+' also with
	 * pid 1's own capabilities and no no_new_privs */
	if (flags & (CFG_EXEC_PRIV | CFG_EXEC_NOSETUID))
		s->set_ids = 0;
	if (flags & CFG_EXEC_PRIV) {
		s->has_caps = 0;
		s->has_bounding = s->has_ambient = 0;
		s->no_new_privs = 0;
	}
}

/* What a unit's main command runs this time: $VAR and ${VAR} expanded
 * with its environment (unless ':'), and with '@' the program apart
 * from the argv it gets. *argv: to free (NULL when none was made). */
static char *const *main_argv(char **cargv, unsigned flags, char **env,
			      char ***made, const char **file)
{
	char *const *argv = cargv;

	*made = NULL;
	*file = NULL;
	if (flags & CFG_EXEC_EXPAND) {
		*made = units_expand_argv(cargv, env);
		if (!*made)
			return NULL;
		argv = *made;
	}
	if ((flags & CFG_EXEC_ARGV0) && argv[0] && argv[1]) {
		*file = argv[0];
		argv++;
	}
	return argv;
}

/* stdout/stderr = journal: a journald stream each, named after the
 * service (/dev/null when journald cannot be reached, with a warning). */
static void journal_fds(const struct cfg_service *c, struct spawn_spec *s,
			int jfd[2], int devnull)
{
	const struct cfg_output *o[2] = { &c->out, &c->err };

	for (int k = 0; k < 2; k++) {
		if (o[k]->kind != OUT_JOURNAL)
			continue;
		jfd[k] = outer_journal_fd(c->name, k ? LOG_WARNING : LOG_INFO);
		if (jfd[k] < 0)
			log_warnx("service %s: no journald to log to", c->name);
		s->fds[k + 1] = jfd[k] >= 0 ? jfd[k] : devnull;
	}
}

/* A forked child's exec result pipe (spawn.h), read when it is ready. */
static void watch_exec(struct super *sp, size_t i, int which, int fd)
{
	struct rt *r = &sp->rt[i];

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

void run_exec_result(struct super *sp, size_t i, int which)
{
	struct rt *r = i < sp->n ? &sp->rt[i] : NULL;
	const char *step;
	int err;

	if (!r || r->exec_fd[which] < 0 ||
	    spawn_exec_result(r->exec_fd[which], &err, &step) == -EAGAIN)
		return;
	close(r->exec_fd[which]);
	r->exec_fd[which] = -1;
	if (!err)
		return;
	errno = err;
	log_error("service %s: unable to %s %s", rt_cfg(sp, i)->name, step,
		  which == 2 ? (r->exec_what ? r->exec_what : "its command")
		  : which ? "its check" : rt_cfg(sp, i)->argv[0]);
}

/*
 * A unit's RuntimeDirectory=, StateDirectory=, CacheDirectory=,
 * LogsDirectory= and ConfigurationDirectory=, made (or given their owner
 * and mode again) before each start. Here, in pid 1 as root before the
 * fork, not in the child: the child shares pid 1's memory until it execs
 * and may only make async-signal-safe calls (units_make_dirs formats
 * messages, and a failure must be said and fail the start), and the
 * child of a service with User= is already that user's process, which
 * could stop it halfway. It is a few mkdirat/fchown/fchmod calls on the
 * container's own /run, /var and /etc, walked by descriptor and never
 * through a symlink someone other than root could have planted (see
 * units/dirs.c), so pid 1's loop does not wait on anything.
 */
static int make_dirs(const struct cfg_service *c)
{
	char why[PATH_MAX + 128];
	int ret, any = 0;

	for (int k = 0; k < CFG_NDIRS; k++)
		any |= c->dirs[k].names && c->dirs[k].names[0];
	if (!any)
		return 0;
	ret = units_make_dirs(c, NULL, why, sizeof(why));
	if (ret < 0)
		log_errorx("service %s: unable to start: %s", c->name, why);
	return ret;
}

/* Start argv (with its CFG_EXEC_* flags) as unit i runs: its main
 * process (main: with NOTIFY_SOCKET; its exec result watched in slot 0)
 * or one of its commands beside it (slot 2). first: the first process of
 * a run, which looks its user up again and makes its directories. With
 * $MAINPID when there is a main process. 0 with *pid, or -errno. */
static int start_cmd(struct super *sp, size_t i, char **cargv, unsigned flags,
		     int main, int first, pid_t *pid)
{
	struct spawn_rlimit rl[CFG_NRLIMITS + 1];
	struct cfg_service *c = rt_cfg(sp, i);
	pid_t main_pid = rt_unit(sp, i)->svc.pid;
	struct spawn_spec s;
	const char *step, *file;
	char **env, **made, num[24];
	char *const *argv;
	int devnull, err, ret, jfd[2] = { -1, -1 }, efd = -1;

	ret = resolve_ids(c, first);
	/* owned by the user, as looked up for this start */
	if (ret == 0 && first)
		ret = make_dirs(c);
	if (ret < 0)
		return ret;
	/* after the user is known: its log files are opened as it */
	if (setup_output(sp, i) < 0)
		log_warn("%s%s: unable to set up its output",
			 rt_unit(sp, i)->is_cmd ? "" : "service ", rt_name(sp, i));
	env = build_env(sp, i, main, flags);
	if (!env)
		return -EINVAL;
	snprintf(num, sizeof(num), "%d", (int)main_pid);
	if (main_pid > 0 && env_add(&env, "MAINPID", num) < 0) {
		cfg_free_words(env);
		return -ENOMEM;
	}
	argv = main_argv(cargv, flags, env, &made, &file);
	if (!argv) {
		cfg_free_words(env);
		return -ENOMEM;
	}
	if (main)
		give_notify_socket(sp, i);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	fill_spec(sp, i, &s, rl, devnull, argv, 0, flags);
	s.file = file;
	s.envp = env;
	s.exec_fd = &efd;
	journal_fds(c, &s, jfd, devnull);
	ret = spawn_start_step(&s, pid, &err, &step);
	if (ret == 0 && !main)
		sp->rt[i].exec_what = cargv[0];
	if (ret == 0)
		watch_exec(sp, i, main ? 0 : 2, efd);
	if (devnull >= 0)
		close(devnull);
	for (int k = 0; k < 2; k++)
		if (jfd[k] >= 0)
			close(jfd[k]);
	cfg_free_words(env);
	cfg_free_words(made);
	if (ret < 0)
		return ret;
	if (err) {
		errno = err;
		if (rt_unit(sp, i)->is_cmd)
			log_error("unable to %s %s", step, cargv[0]);
		else
			log_error("service %s: unable to %s %s", c->name, step,
				  cargv[0]);
	}
	return 0;
}

/* Start one run of unit i: 0 with *pid, or -errno. */
int run_start(struct super *sp, size_t i, pid_t *pid)
{
	struct cfg_service *c = rt_cfg(sp, i);
	struct rt *r = &sp->rt[i];
	int ret = start_cmd(sp, i, c->argv, c->exec_flags, 1, 1, pid);

	if (ret < 0)
		return ret;
	free(r->status);
	r->status = NULL;
	return 0;
}

/* Start a readiness or health check of unit i, as the unit runs: 0 with
 * *pid, or -errno. */
int run_start_check(struct super *sp, size_t i, char *const *argv, pid_t *pid)
{
	struct spawn_rlimit rl[CFG_NRLIMITS + 1];
	struct cfg_service *c = rt_cfg(sp, i);
	struct spawn_spec s;
	const char *step;
	char **env;
	int devnull, err, efd = -1, ret = resolve_ids(c, 0);

	if (ret < 0)
		return ret;
	env = build_env(sp, i, 0, 0);
	if (!env)
		return -ENOMEM;
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	fill_spec(sp, i, &s, rl, devnull, argv, 1, 0);
	s.envp = env;
	s.exec_fd = &efd;
	ret = spawn_start_step(&s, pid, &err, &step);
	if (ret == 0)
		watch_exec(sp, i, 1, efd);
	if (devnull >= 0)
		close(devnull);
	cfg_free_words(env);
	if (ret == 0 && err) {
		errno = err;
		log_error("service %s: unable to %s its check %s", c->name, step,
			  argv[0]);
	}
	return ret;
}

/* Start one of unit i's commands beside its main process (first: the
 * first process of a run), as the main process runs (user, limits,
 * output...) but with the command's own prefixes: start_cmd(). */
int run_start_exec(struct super *sp, size_t i, const struct cfg_cmd *cmd,
		   int first, pid_t *pid)
{
	return start_cmd(sp, i, cmd->argv, cmd->flags, 0, first, pid);
}
