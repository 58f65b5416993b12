// SPDX-License-Identifier: MIT
/*
 * pouch-runc: a drop-in runc that makes rich containers, and `rich-run`,
 * a one-command way to run a root filesystem as one. Every runc command
 * passes through unchanged (exec, so the exit status and signals are
 * runc's own); `create` and `run` of a bundle that asks for a rich mode
 * get their config.json rewritten first.
 */
#include "lch.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef POUCH_VERSION
#define POUCH_VERSION "0.0.0"
#endif

static void die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

static void die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("pouch-runc: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static int executable(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

/* The real runc: POUCH_RUNC_RUNTIME, else the first `runc` on PATH that
 * is not this very program. */
static char *find_runc(void)
{
	const char *env = getenv("POUCH_RUNC_RUNTIME"), *path = getenv("PATH");
	char self[PATH_MAX], cand[PATH_MAX], real[PATH_MAX];
	char *copy, *dir, *save;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	self[n > 0 ? n : 0] = '\0';
	if (env && *env)
		return strdup(env);
	copy = strdup(path && *path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		snprintf(cand, sizeof(cand), "%s/runc", dir);
		if (!executable(cand) || !realpath(cand, real) || !strcmp(real, self))
			continue;
		free(copy);
		return strdup(cand);
	}
	free(copy);
	return NULL;
}

/* pouch-init next to this program, else POUCH_INIT_BINARY. */
static char *find_init(void)
{
	char self[PATH_MAX], cand[PATH_MAX + 16], *slash;
	const char *env = getenv("POUCH_INIT_BINARY");
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(cand, sizeof(cand), "%s/pouch-init", self);
			if (executable(cand))
				return strdup(cand);
		}
	}
	if (env && *env && executable(env))
		return realpath(env, NULL);
	return NULL;
}

static void version(void)
{
	char *init = find_init(), *runc = find_runc();

	printf("pouch-runc version %s (pouch-init: %s; runc: %s)\n", POUCH_VERSION,
	       init ? init : "not found", runc ? runc : "not found");
	free(init);
	free(runc);
}

/* runc's global flags that take a value. */
static int global_takes_value(const char *a)
{
	static const char *const with[] = { "--root", "--log", "--log-format",
					    "--criu", "--rootless" };

	for (size_t i = 0; i < sizeof(with) / sizeof(*with); i++)
		if (strcmp(a, with[i]) == 0)
			return 1;
	return 0;
}

static int command_index(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] != '-')
			return i;
		if (global_takes_value(argv[i]))
			i++;
	}
	return -1;
}

static const char *bundle_of(int argc, char **argv, int cmd)
{
	for (int i = cmd + 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if ((!strcmp(argv[i], "--bundle") || !strcmp(argv[i], "-b")) && i + 1 < argc)
			return argv[i + 1];
		if (!strncmp(argv[i], "--bundle=", 9))
			return argv[i] + 9;
		if (!strncmp(argv[i], "-b=", 3))
			return argv[i] + 3;
	}
	return ".";
}

static void rewrite_bundle(const char *bundle)
{
	char path[PATH_MAX];
	struct lch_rich r = { 0 };
	json_error_t jerr;
	const char *why, *v;
	json_t *cfg, *ann;
	char *init, *tmp;

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	if (access(path, F_OK) < 0)
		return; /* runc says what is missing */
	cfg = json_load_file(path, 0, &jerr);
	if (!cfg)
		die(1, "%s:%d: %s", path, jerr.line, jerr.text);
	r.mode = lch_rich_mode(cfg);
	if (!r.mode) {
		json_decref(cfg);
		return;
	}
	if (!lch_mode_valid(r.mode))
		die(1, "%s: unknown rich mode '%s' (pouch, dumb-init, systemd, sbin-init)",
		    path, r.mode);
	init = find_init();
	if (!init)
		die(1, "no pouch-init next to pouch-runc and POUCH_INIT_BINARY is not an executable");
	r.init_binary = init;
	ann = json_object_get(cfg, "annotations");
	v = json_string_value(json_object_get(ann, "io.pouch.config"));
	r.config_dir = v && *v ? v : NULL;
	v = json_string_value(json_object_get(ann, "io.pouch.initscript"));
	r.initscript = v && *v ? v : NULL;
	if (r.config_dir && access(r.config_dir, R_OK | X_OK) < 0)
		die(1, "io.pouch.config: %s: %s", r.config_dir, strerror(errno));
	if (r.initscript && !executable(r.initscript))
		die(1, "io.pouch.initscript: %s is not executable", r.initscript);
	if (lch_make_rich(cfg, &r, &why) < 0)
		die(1, "%s: %s", path, why);
	if (asprintf(&tmp, "%s.pouch-runc.tmp", path) < 0 ||
	    json_dump_file(cfg, tmp, JSON_COMPACT) < 0 || rename(tmp, path) < 0)
		die(1, "unable to write %s: %s", path, strerror(errno));
	free(tmp);
	free(init);
	json_decref(cfg);
}

static void exec_runc(int argc, char **argv)
{
	char *runc = find_runc();

	(void)argc;
	if (!runc)
		die(127, "no runc found (set POUCH_RUNC_RUNTIME or put runc on PATH)");
	argv[0] = runc;
	fflush(stdout);
	execv(runc, argv);
	die(127, "unable to exec %s: %s", runc, strerror(errno));
}

int rich_run(int argc, char **argv, const char *runc, char *init);

int main(int argc, char **argv)
{
	int cmd = command_index(argc, argv);

	if (argc > 1 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-v"))) {
		version();
		exec_runc(argc, argv);
	}
	if (cmd > 0 && !strcmp(argv[cmd], "rich-run")) {
		char *runc = find_runc(), *init = find_init();

		if (!runc)
			die(127, "no runc found (set POUCH_RUNC_RUNTIME or put runc on PATH)");
		if (!init)
			die(125, "no pouch-init next to pouch-runc and POUCH_INIT_BINARY is not an executable");
		return rich_run(argc - cmd, argv + cmd, runc, init);
	}
	if (cmd > 0 && (!strcmp(argv[cmd], "create") || !strcmp(argv[cmd], "run")))
		rewrite_bundle(bundle_of(argc, argv, cmd));
	exec_runc(argc, argv);
	return 127;
}
