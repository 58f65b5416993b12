// SPDX-License-Identifier: MIT
/*
 * The hook runner; see hooks.h. A small loop of its own around ppoll():
 * the signalfd (to reap and to notice a stop) and the hook's output pipe,
 * with the hook's deadline as the timeout.
 */
#include "hooks.h"
#include "config/config.h"
#include "init/log.h"
#include "init/loop.h"
#include "init/output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

const char *hook_skip_reason(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.')
		return "hidden file";
	if (n && name[n - 1] == '~')
		return "editor backup";
	if (strstr(name, ".dpkg-") || strstr(name, ".rpmnew") ||
	    strstr(name, ".rpmsave") || strstr(name, ".ucf-"))
		return "package manager leftover";
	return NULL;
}

static int is_file(const struct dirent *e)
{
	return strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
}

int hook_dir_used(const char *dir)
{
	struct dirent **list;
	int n = scandir(dir, &list, is_file, alphasort);

	for (int i = 0; i < n; i++)
		free(list[i]);
	if (n > 0)
		free(list);
	return n > 0;
}

/* One running hook. */
struct hook_proc {
	const char *name;
	pid_t pid;
	int status;
	int done;
	struct outsrc out;
	char label[OUT_NAME_MAX + 1]; /* "phase/name", its output's prefix */
};

struct env_read {
	struct hook_run *h;
	const char *path;
};

/* Each bad line is warned about once, however many hooks follow: it is
 * known by its number and text. */
static void bad_env_line(void *arg, int line, const char *text)
{
	struct env_read *er = arg;
	struct hook_run *h = er->h;
	uint64_t id = 1469598103934665603ULL ^ (uint64_t)line, *n;

	for (const char *t = text; *t; t++)
		id = (id ^ (unsigned char)*t) * 1099511628211ULL;
	for (size_t i = 0; i < h->nwarned; i++)
		if (h->warned[i] == id)
			return;
	log_warnx("%s:%d: expected KEY=VALUE; the line is ignored", er->path,
		  line);
	n = realloc(h->warned, (h->nwarned + 1) * sizeof(*n));
	if (!n)
		return;
	n[h->nwarned++] = id;
	h->warned = n;
}

static void read_env_file(struct hook_run *h, const char *path)
{
	struct env_read er = { h, path };
	int err;
	char *text = cfg_read_file(path, &err);

	if (!text)
		return;
	cfg_parse_env_lines(text, &h->env, bad_env_line, &er);
	free(text);
}

static char **hook_env(const struct hook_run *h)
{
	char **env = NULL;

	if (cfg_env_merge(&env, environ) < 0 || cfg_env_merge(&env, h->env) < 0 ||
	    cfg_env_merge(&env, h->vars) < 0) {
		cfg_free_words(env);
		return NULL;
	}
	return env;
}

static void on_signals(struct hook_run *h, struct hook_proc *p)
{
	struct signalfd_siginfo si[16];
	ssize_t n;
	pid_t pid;
	int st;

	while ((n = read(h->sigfd, si, sizeof(si))) > 0) {
		for (ssize_t i = 0; i < n / (ssize_t)sizeof(*si); i++) {
			int sig = (int)si[i].ssi_signo;

			if ((sig == SIGTERM || sig == SIGINT) && !h->stop_signal) {
				h->stop_signal = sig;
				h->stopped_at = loop_now_ms();
			}
		}
	}
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid == p->pid) {
			p->status = st;
			p->done = 1;
		}
	}
}

/* A hook's output is read only while pid 1's stderr takes what was read
 * before: a hook that writes faster than the reader waits in write(), as
 * it would on a terminal, and nothing is dropped. One read of HOOK_READ
 * bytes fits the queue whatever the lines (a prefix of at most 66 bytes
 * on each 1-byte line). */
#define HOOK_READ 4096

/* Read what the hook wrote, keeping to the queue's room; 1 at EOF. */
static int relay(struct hook_proc *p, int *empty)
{
	struct outq *q = p->out.q;

	*empty = 0;
	if (q && q->len && !outq_flush(q))
		return 0;
	return outsrc_read_max(&p->out, HOOK_READ, empty);
}

/* Wait for the hook with its deadline; kill its group when it overruns.
 * Then take what is left in its pipe (not waiting for its children that
 * may keep it open). */
static void wait_hook(struct hook_run *h, struct hook_proc *p, int64_t deadline)
{
	struct outq *q = p->out.q;
	struct pollfd pfd[3];
	struct timespec ts;
	int64_t left, began = loop_now_ms();
	int killed = 0, empty = 0, termed = 0, cut = deadline < began + h->timeout_ms;

	for (;;) {
		int queued = q && q->len && q->fd >= 0;

		if (p->done && (p->out.fd < 0 || (empty && !queued)))
			break;
		/* SIGTERM to pid 1 while a prestart hook runs: the hook is
		 * stopped too (TERM, then SIGKILL after the grace) */
		if (h->stop_signal && !termed && !p->done &&
		    !strcmp(h->phase, "prestart")) {
			termed = 1;
			(void)kill(-p->pid, SIGTERM);
			if (h->stop_grace_ms > 0 &&
			    loop_now_ms() + h->stop_grace_ms < deadline) {
				deadline = loop_now_ms() + h->stop_grace_ms;
				cut = 1;
			}
		}
		left = deadline - loop_now_ms();
		if (left <= 0 && !p->done && !killed) {
			log_warnx("%s hook %s: no result after %lld ms (%s): SIGKILL to its process group",
				  h->phase, p->name, (long long)(loop_now_ms() - began),
				  termed ? "the container is stopping"
				  : cut ? "the stop budget ended" : "[hooks] timeout");
			(void)kill(-p->pid, SIGKILL);
			killed = 1;
		}
		if (left <= 0 && p->done)
			break; /* the reader stalls: leave the rest */
		if (left < 0)
			left = 0;
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000;
		pfd[0] = (struct pollfd){ h->sigfd, POLLIN, 0 };
		pfd[1] = (struct pollfd){ queued || p->done ? -1 : p->out.fd, POLLIN, 0 };
		pfd[2] = (struct pollfd){ queued ? q->fd : -1, POLLOUT, 0 };
		if (!p->done || queued) {
			if (ppoll(pfd, 3, killed ? NULL : &ts, NULL) < 0 &&
			    errno != EINTR)
				break;
			if (pfd[2].revents)
				(void)outq_flush(q);
		}
		if (p->out.fd >= 0 && (pfd[1].revents || p->done) && relay(p, &empty)) {
			close(p->out.fd);
			p->out.fd = -1;
		}
		if (!p->done)
			on_signals(h, p);
	}
	if (p->out.fd >= 0) {
		outsrc_flush(&p->out);
		close(p->out.fd);
		p->out.fd = -1;
	}
	if (killed)
		p->status = SIGKILL;
}

/* Each hook has [hooks] timeout, and all of them end with the phase. */
static int64_t hook_deadline(const struct hook_run *h)
{
	int64_t at = loop_now_ms() + h->timeout_ms;

	return h->deadline_ms && h->deadline_ms < at ? h->deadline_ms : at;
}

static int run_one(struct hook_run *h, char **argv, const char *name,
		   struct outq *q)
{
	struct hook_proc p = { .name = name };
	struct spawn_spec sp;
	char **env = hook_env(h);
	int pipefd[2], err, devnull;

	if (!env || pipe2(pipefd, O_CLOEXEC) < 0) {
		cfg_free_words(env);
		log_error("%s hook %s: unable to start", h->phase, name);
		return -1;
	}
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	spawn_spec_init(&sp, h->inh, argv);
	sp.envp = env;
	sp.group = SPAWN_SESSION;
	sp.close_fds = 1;
	sp.fds[0] = devnull;
	sp.fds[1] = sp.fds[2] = pipefd[1];
	p.out.fd = pipefd[0];
	p.out.q = q;
	snprintf(p.label, sizeof(p.label), "%s/%s", h->phase, name);
	p.out.name = p.label;
	if (spawn_start(&sp, &p.pid, &err) < 0) {
		log_error("%s hook %s: unable to start", h->phase, name);
		p.done = 1;
		p.status = 126 << 8;
	} else if (err) {
		errno = err;
		log_error("%s hook %s: unable to exec %s", h->phase, name, argv[0]);
	}
	close(pipefd[1]);
	if (devnull >= 0)
		close(devnull);
	cfg_free_words(env);
	(void)fcntl(p.out.fd, F_SETFL, O_NONBLOCK);
	if (!p.done)
		wait_hook(h, &p, hook_deadline(h));
	if (p.out.fd >= 0)
		close(p.out.fd);
	(void)outq_flush(q);
	if (WIFEXITED(p.status) && WEXITSTATUS(p.status) == 0)
		return 0;
	if (WIFSIGNALED(p.status))
		log_errorx("%s hook %s: killed by signal %d", h->phase, name,
			   WTERMSIG(p.status));
	else
		log_errorx("%s hook %s: failed with status %d", h->phase, name,
			   WEXITSTATUS(p.status));
	return -1;
}

/* After each prestart hook, what it wrote to POUCH_ENV_FILE is taken in. */
static int after_hook(struct hook_run *h, int r, const char *envfile)
{
	if (envfile)
		read_env_file(h, envfile);
	if (r < 0)
		h->failures++;
	return r < 0 && h->stop_on_failure ? -1 : 0;
}

static int run_initscript(struct hook_run *h, struct outq *q,
			  const char *envfile)
{
	const char *why;
	char **argv = cfg_split_words(h->initscript, &why);
	int r;

	if (!argv || !argv[0]) {
		log_errorx("--initscript '%s': %s", h->initscript,
			   argv ? "empty" : why);
		cfg_free_words(argv);
		h->failures++;
		return h->stop_on_failure ? -1 : 0;
	}
	r = run_one(h, argv, "initscript", q);
	cfg_free_words(argv);
	return after_hook(h, r, envfile);
}

/* Why a file in a hooks directory does not run (skipped with a warning),
 * or NULL. */
static const char *not_runnable(const char *path, const char *name)
{
	const char *why = hook_skip_reason(name);
	struct stat st;

	if (!why && (stat(path, &st) < 0 || !S_ISREG(st.st_mode)))
		why = "not a regular file";
	if (!why && access(path, X_OK) < 0)
		why = "not executable";
	return why;
}

static int run_file(struct hook_run *h, struct outq *q, const char *envfile,
		    const char *name)
{
	char *path, *argv[2], msg[PATH_MAX + 128];
	const char *why;
	int r;

	if (asprintf(&path, "%s/%s", h->dir, name) < 0)
		return after_hook(h, -1, envfile);
	why = not_runnable(path, name);
	r = why ? 0 : cfg_path_unsafe(path, geteuid(), msg, sizeof(msg));
	if (why) {
		log_warnx("%s hook %s skipped: %s", h->phase, name, why);
	} else if (r != 0) {
		if (r < 0)
			snprintf(msg, sizeof(msg), "%s", strerror(-r));
		log_errorx("%s hook %s refused: %s", h->phase, name, msg);
		r = after_hook(h, -1, envfile);
	} else {
		argv[0] = path;
		argv[1] = NULL;
		r = after_hook(h, run_one(h, argv, name, q), envfile);
	}
	free(path);
	return r;
}

/* The phase's end has passed: the hook is not started, and that is said. */
static int out_of_time(const struct hook_run *h, const char *name)
{
	if (!h->deadline_ms || loop_now_ms() < h->deadline_ms)
		return 0;
	log_warnx("%s hook %s not run: the stop budget is spent", h->phase, name);
	return 1;
}

static int run_dir(struct hook_run *h, struct outq *q, const char *envfile)
{
	struct dirent **list = NULL;
	int n = scandir(h->dir, &list, is_file, alphasort), ret = 0, refused = 0;
	char msg[PATH_MAX + 128];

	/* the directory and hooks/ above it: nobody else may add a hook */
	if (n > 0 && cfg_path_unsafe(h->dir, geteuid(), msg, sizeof(msg)) > 0) {
		log_errorx("%s hooks refused: %s", h->phase, msg);
		ret = after_hook(h, -1, envfile);
		refused = 1;
	}
	for (int i = 0; i < n; i++) {
		/* a stop skips the rest of the prestart hooks, never a poststop
		 * hook: those run on every exit path */
		if (!refused && ret == 0 &&
		    !(h->stop_signal && !strcmp(h->phase, "prestart")) &&
		    !out_of_time(h, list[i]->d_name))
			ret = run_file(h, q, envfile, list[i]->d_name);
		free(list[i]);
	}
	free(list);
	return ret;
}

/* Report every hook (and hooks directory) others could change. */
static void check_phase(struct cfg *cfg, const struct cfg_sources *src,
			const char *dir)
{
	struct dirent **list = NULL;
	char *path, real[PATH_MAX];
	int n, r = cfg_report_unsafe(cfg, src, dir, CFG_PATH_HOLDER, NULL, 0);

	if (r == -ENOENT)
		return;
	n = scandir(dir, &list, is_file, alphasort);
	for (int i = 0; i < n; i++) {
		if (asprintf(&path, "%s/%s", dir, list[i]->d_name) >= 0) {
			/* with a root, a symlink leads inside that tree */
			r = cfg_resolve(src, path, real, sizeof(real));
			if (!not_runnable(r >= 0 ? real : path, list[i]->d_name))
				(void)cfg_report_unsafe(cfg, src, path,
							CFG_PATH_HOLDER, NULL, 0);
			free(path);
		}
		free(list[i]);
	}
	free(list);
}

void hook_check(struct cfg *cfg, const struct cfg_sources *src)
{
	static const char *const phases[] = { "prestart", "poststop" };
	char *dir;

	if (!cfg->dir || asprintf(&dir, "%s/hooks", cfg->dir) < 0)
		return;
	if (cfg_report_unsafe(cfg, src, dir, 0, NULL, 0) != -ENOENT) {
		for (int i = 0; i < 2; i++) {
			char *d;

			if (asprintf(&d, "%s/%s.d", dir, phases[i]) < 0)
				break;
			check_phase(cfg, src, d);
			free(d);
		}
	}
	free(dir);
}

/* The prestart env file, in the state directory: the one place pouch-init
 * writes to, so a read-only root filesystem needs nothing else. */
static char *make_env_file(const char *dir, char **var)
{
	char *path;
	int fd;

	if (!dir || !*dir) {
		errno = ENOENT;
		return NULL;
	}
	if (asprintf(&path, "%s/hook-env.XXXXXX", dir) < 0)
		return NULL;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0 || asprintf(var, "POUCH_ENV_FILE=%s", path) < 0) {
		if (fd >= 0) {
			close(fd);
			(void)unlink(path);
		}
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

int hook_run_phase(struct hook_run *h)
{
	char *envfile = NULL, *envvar = NULL, **vars = NULL;
	struct outq q;
	int ret = 0;

	h->failures = 0;
	if (outq_open(&q, 2) < 0)
		q.fd = -1;
	if (strcmp(h->phase, "prestart") == 0) {
		/* with no state directory, that was said already */
		envfile = make_env_file(h->state_dir, &envvar);
		if (!envfile && h->state_dir)
			log_warn("unable to create the prestart env file in %s",
				 h->state_dir);
		for (char **v = h->vars; v && *v; v++)
			if (cfg_env_set(&vars, *v) < 0)
				log_warnx("out of memory");
		if (envvar && cfg_env_set(&vars, envvar) < 0)
			log_warnx("out of memory");
		{
			char **keep = h->vars;

			h->vars = vars;
			if (h->initscript)
				ret = run_initscript(h, &q, envfile);
			if (ret == 0)
				ret = run_dir(h, &q, envfile);
			h->vars = keep;
		}
	} else {
		ret = run_dir(h, &q, NULL);
	}
	if (envfile)
		(void)unlink(envfile);
	free(h->warned);
	h->warned = NULL;
	h->nwarned = 0;
	free(envfile);
	free(envvar);
	cfg_free_words(vars);
	if (!outq_flush(&q) || q.dropped)
		log_warnx("%s hooks: %llu bytes of their output were lost (stderr stalled)",
			  h->phase, (unsigned long long)(q.len + q.dropped));
	free(q.buf);
	if (q.fd >= 0)
		close(q.fd);
	return h->failures ? -1 : ret;
}
