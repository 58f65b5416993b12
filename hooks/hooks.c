// SPDX-License-Identifier: MIT
/*
 * The hooks of a phase as a list, and its rules (order, what is skipped or
 * refused, the env file); see hooks.h. Running them is pid 1's loop's.
 */
#include "hooks.h"
#include "config/config.h"
#include "init/log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

struct env_read {
	struct hook_phase *h;
	const char *path;
};

/* Each bad line is warned about once, however many hooks follow: it is
 * known by its number and text. */
static void bad_env_line(void *arg, int line, const char *text)
{
	struct env_read *er = arg;
	struct hook_phase *h = er->h;
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
	h->warned = n;
	h->warned[h->nwarned++] = id;
}

static void read_env_file(struct hook_phase *h, const char *path)
{
	struct env_read er = { h, path };
	int err;
	char *text = cfg_read_file(path, &err);

	if (!text)
		return;
	cfg_parse_env_lines(text, &h->env, bad_env_line, &er);
	free(text);
}


/* The env a hook runs with: pid 1's, what earlier prestart hooks added,
 * the phase's POUCH_* variables. */
static char **hook_env(const struct hook_phase *h)
{
	char **env = NULL;

	if (cfg_env_merge(&env, environ) < 0 || cfg_env_merge(&env, h->env) < 0 ||
	    cfg_env_merge(&env, h->pvars) < 0) {
		cfg_free_words(env);
		return NULL;
	}
	return env;
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


int hook_phase_begin(struct hook_phase *h)
{
	char msg[PATH_MAX + 128];
	char *envvar = NULL;

	h->list = NULL;
	h->n = scandir(h->dir, &h->list, is_file, alphasort);
	if (h->n < 0)
		h->n = 0;
	h->next = 0;
	h->failures = 0;
	h->stopped = 0;
	h->refused = 0;
	h->init_done = !h->initscript;
	h->boot_done = !h->boot;
	h->in_boot = 0;
	h->pvars = NULL;
	h->envfile = NULL;
	h->argv = NULL;
	h->hook_env = NULL;
	/* the directory and hooks/ above it: nobody else may add a hook */
	if (h->n > 0 && cfg_path_unsafe(h->dir, geteuid(), msg, sizeof(msg)) > 0) {
		log_errorx("%s hooks refused: %s", h->phase, msg);
		h->refused = 1;
		h->failures++;
	}
	for (char **v = h->vars; v && *v; v++)
		if (cfg_env_set(&h->pvars, *v) < 0)
			return -ENOMEM;
	if (strcmp(h->phase, "prestart"))
		return 0;
	/* with no state directory, that was said already */
	h->envfile = make_env_file(h->state_dir, &envvar);
	if (!h->envfile && h->state_dir)
		log_warn("unable to create the prestart env file in %s", h->state_dir);
	if (envvar && cfg_env_set(&h->pvars, envvar) < 0) {
		free(envvar);
		return -ENOMEM;
	}
	free(envvar);
	return 0;
}

/* The phase ends early: a failure with prestart_failure = abort, a stop
 * during the prestart hooks. Poststop hooks all run. */
static int over(const struct hook_phase *h)
{
	int prestart = !strcmp(h->phase, "prestart");

	if (!prestart)
		return 0;
	return h->stopped || h->refused || (h->failures && h->stop_on_failure);
}

/* The phase's end has passed: the hook is not started, and that is said. */
static int out_of_time(const struct hook_phase *h, const char *name, int64_t now)
{
	if (!h->deadline_ms || now < h->deadline_ms)
		return 0;
	log_warnx("%s hook %s not run: the stop budget is spent", h->phase, name);
	return 1;
}

static void clear_current(struct hook_phase *h)
{
	cfg_free_words(h->argv);
	cfg_free_words(h->hook_env);
	h->argv = h->hook_env = NULL;
}

/* The initscript's (or the boot command's) words, or -1 (said, counted)
 * when it has none. */
static int initscript_argv(struct hook_phase *h, const char *line)
{
	const char *why;

	h->argv = cfg_split_words(line, &why);
	if (h->argv && h->argv[0])
		return 0;
	log_errorx("--initscript '%s': %s", line, h->argv ? "empty" : why);
	cfg_free_words(h->argv);
	h->argv = NULL;
	h->failures++;
	return -1;
}

int hook_phase_next(struct hook_phase *h, int64_t now)
{
	clear_current(h);
	h->in_boot = 0;
	if (!h->boot_done) {
		h->boot_done = 1;
		snprintf(h->name, sizeof(h->name), "tmpfiles");
		if (!over(h) && initscript_argv(h, h->boot) == 0) {
			h->in_boot = 1;
			goto found;
		}
	}
	if (!h->init_done) {
		h->init_done = 1;
		snprintf(h->name, sizeof(h->name), "initscript");
		if (!over(h) && initscript_argv(h, h->initscript) == 0)
			goto found;
	}
	while (h->next < h->n && !over(h)) {
		const char *name = h->list[h->next++]->d_name, *why;
		char *path, msg[PATH_MAX + 128];
		int r;

		if (out_of_time(h, name, now) || asprintf(&path, "%s/%s", h->dir, name) < 0)
			continue;
		why = not_runnable(path, name);
		r = why ? 0 : cfg_path_unsafe(path, geteuid(), msg, sizeof(msg));
		if (why) {
			log_warnx("%s hook %s skipped: %s", h->phase, name, why);
		} else if (r != 0) {
			if (r < 0)
				snprintf(msg, sizeof(msg), "%s", strerror(-r));
			log_errorx("%s hook %s refused: %s", h->phase, name, msg);
			h->failures++;
			hook_env_taken(h);
		} else if (!(h->argv = calloc(2, sizeof(*h->argv)))) {
			h->failures++;
		} else {
			h->argv[0] = path;
			path = NULL;
			snprintf(h->name, sizeof(h->name), "%s", name);
			free(path);
			goto found;
		}
		free(path);
	}
	return 0;
found:
	h->hook_env = hook_env(h);
	if (!h->hook_env) {
		log_errorx("%s hook %s: out of memory", h->phase, h->name);
		h->failures++;
		clear_current(h);
		return hook_phase_next(h, now);
	}
	return 1;
}

void hook_env_taken(struct hook_phase *h)
{
	if (h->envfile)
		read_env_file(h, h->envfile);
}

void hook_phase_done(struct hook_phase *h, int status)
{
	hook_env_taken(h);
	if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	if (h->in_boot) { /* its lines that failed were said */
		log_warnx("%s: tmpfiles.d: not every line could be applied (status %d)",
			  h->phase, status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return;
	}
	h->failures++;
	if (status < 0)
		return; /* could not start: said by whoever tried */
	if (WIFSIGNALED(status))
		log_errorx("%s hook %s: killed by signal %d", h->phase, h->name,
			   WTERMSIG(status));
	else
		log_errorx("%s hook %s: failed with status %d", h->phase, h->name,
			   WEXITSTATUS(status));
}

void hook_phase_end(struct hook_phase *h)
{
	clear_current(h);
	for (int i = 0; i < h->n; i++)
		free(h->list[i]);
	free(h->list);
	h->list = NULL;
	h->n = 0;
	if (h->envfile)
		(void)unlink(h->envfile);
	free(h->envfile);
	h->envfile = NULL;
	cfg_free_words(h->pvars);
	h->pvars = NULL;
	free(h->warned);
	h->warned = NULL;
	h->nwarned = 0;
}
