// SPDX-License-Identifier: MIT
/*
 * What only `pouch-init check` looks at: what pid 1 needs when a service
 * starts rather than when it loads the configuration (the binary, the
 * env file, the user), so that an image can be checked before it runs,
 * also from outside (`check --root DIR`: everything is looked up in
 * DIR's tree, symlinks included).
 */
#include "config.h"
#include "values.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <unistd.h>

/* execvp's search path when PATH is unset (spawn.c's) */
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* PATH as seen from the tree being checked. */
static int in_tree(const struct cfg_sources *src, const char *path, char *out,
		   size_t len)
{
	const char *root = src && src->root ? src->root : "";

	return (size_t)snprintf(out, len, "%s%s", root, path) < len ? 0
								    : -ENAMETOOLONG;
}

struct env_check {
	struct cfg *cfg;
	const char *file, *service;
};

static void note_bad_line(void *arg, int line, const char *text)
{
	struct env_check *ec = arg;

	(void)text;
	cfg_error(ec->cfg, ec->file, line,
		  "expected KEY=VALUE (env_file of service %s)", ec->service);
}

/* An env_file must exist unless optional ('-'), be root's, and hold
 * KEY=VALUE lines: pid 1 refuses the start otherwise. */
static void check_env_file(struct cfg *cfg, const struct cfg_sources *src,
			   const struct cfg_service *s)
{
	const char *path = s->env_file + (s->env_file[0] == '-');
	char host[PATH_MAX], real[PATH_MAX], **env = NULL, *text;
	struct env_check ec;
	int r, err;

	if (in_tree(src, path, host, sizeof(host)) < 0)
		return;
	r = cfg_report_unsafe(cfg, src, host, CFG_PATH_HOLDER, real, sizeof(real));
	if (r == -ENOENT && s->env_file[0] == '-')
		return;
	if (r < 0) {
		cfg_error(cfg, s->file, s->env_file_line, "env_file = %s: %s",
			  s->env_file, strerror(-r));
		return;
	}
	text = cfg_read_file(real, &err);
	if (!text) {
		cfg_error(cfg, s->file, s->env_file_line, "env_file = %s: %s",
			  s->env_file, strerror(err));
		return;
	}
	ec.cfg = cfg;
	ec.file = host;
	ec.service = s->name;
	cfg_parse_env_lines(text, &env, note_bad_line, &ec);
	cfg_free_words(env);
	free(text);
}

/* Could execve run path (in the tree)? NULL, or why not. */
static const char *runnable(const struct cfg_sources *src, const char *path)
{
	char host[PATH_MAX], real[PATH_MAX];
	struct stat st;
	int r;

	if (in_tree(src, path, host, sizeof(host)) < 0)
		return strerror(ENAMETOOLONG);
	r = cfg_resolve(src, host, real, sizeof(real));
	if (r < 0)
		return strerror(-r);
	if (stat(real, &st) < 0)
		return strerror(errno);
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	if (access(real, X_OK) < 0)
		return "not executable";
	return NULL;
}

/* exec's first word, looked for as execvp does: a path as it is
 * (relative to workdir), a name on PATH (pid 1's; in an image's tree,
 * the default one). */
static void check_exec(struct cfg *cfg, const struct cfg_sources *src,
		       const struct cfg_service *s)
{
	const char *file = s->argv[0], *path = getenv("PATH"), *why, *p;
	char cand[PATH_MAX];
	int seen = 0;

	if (strchr(file, '/')) {
		snprintf(cand, sizeof(cand), "%s%s%s",
			 file[0] == '/' ? "" : s->workdir ? s->workdir : "",
			 file[0] == '/' ? "" : "/", file);
		why = runnable(src, cand);
		if (why)
			cfg_error(cfg, s->file, s->exec_line, "exec: %s: %s",
				  file, why);
		return;
	}
	if ((src && src->root) || !path || !*path)
		path = DEFAULT_PATH;
	for (p = path; *p; p += *p == ':') {
		size_t n = strcspn(p, ":");

		snprintf(cand, sizeof(cand), "%.*s/%s", (int)n,
			 n ? p : ".", file);
		p += n;
		why = runnable(src, cand);
		if (!why)
			return;
		seen |= strcmp(why, "not executable") == 0;
	}
	if (seen)
		cfg_error(cfg, s->file, s->exec_line,
			  "exec: '%s' is on PATH but not executable", file);
	else
		cfg_error(cfg, s->file, s->exec_line,
			  "exec: '%s' not found on PATH (%s)", file, path);
}

/* Users are looked up when a service starts; one missing now may be
 * made by a prestart hook. */
static void check_user(struct cfg *cfg, const struct cfg_sources *src,
		       struct cfg_service *s)
{
	char why[PATH_MAX + 64];
	int r = cfg_resolve_user(src, s, why, sizeof(why));

	if (r == -ENOENT)
		cfg_warn(cfg, s->file,
			 strstr(why, "unknown user") ? s->user_line : s->group_line,
			 "%s; it is looked up again when the service starts",
			 why);
	else if (r < 0)
		cfg_error(cfg, s->file, 0, "%s", why);
}

void cfg_check_files(struct cfg *cfg, const struct cfg_sources *src)
{
	for (size_t i = 0; i < cfg->nsvcs; i++) {
		struct cfg_service *s = &cfg->svcs[i];

		if (s->argv && s->argv[0])
			check_exec(cfg, src, s);
		if (s->env_file)
			check_env_file(cfg, src, s);
		if (s->has_user || s->has_group)
			check_user(cfg, src, s);
	}
}

/* Is cap in our own set `which`? */
static int have_cap(cap_t self, int cap, cap_flag_t which)
{
	cap_flag_value_t v = CAP_CLEAR;

	return self && cap_get_flag(self, (cap_value_t)cap, which, &v) == 0 &&
	       v == CAP_SET;
}

void cfg_check_privileges(struct cfg *cfg)
{
	cap_t self = cap_get_proc();
	unsigned uid = (unsigned)geteuid();

	for (size_t i = 0; i < cfg->nsvcs; i++) {
		struct cfg_service *s = &cfg->svcs[i];
		char name[CFG_CAP_NAME_MAX];

		if ((s->has_user || s->has_group) &&
		    !(have_cap(self, CAP_SETUID, CAP_EFFECTIVE) &&
		      have_cap(self, CAP_SETGID, CAP_EFFECTIVE)))
			cfg_error(cfg, s->file, s->has_user ? s->user_line : s->group_line,
				  "%s needs CAP_SETUID and CAP_SETGID, which pouch-init (uid %u) does not have: run the container as root, or leave user and group out (the service then runs as uid %u)",
				  s->has_user ? "user =" : "group =", uid, uid);
		if (!s->has_caps)
			continue;
		if (!have_cap(self, CAP_SETPCAP, CAP_EFFECTIVE)) {
			cfg_error(cfg, s->file, 0,
				  "capabilities = needs CAP_SETPCAP, which pouch-init (uid %u) does not have: run the container as root, or leave capabilities out",
				  uid);
			continue;
		}
		for (size_t k = 0; k < s->ncaps; k++) {
			if (have_cap(self, s->caps[k], CAP_PERMITTED))
				continue;
			cfg_error(cfg, s->file, 0,
				  "capabilities: pouch-init (uid %u) does not have %s itself, so it cannot give it",
				  uid, cfg_cap_name(s->caps[k], name));
		}
	}
	cap_free(self);
}
