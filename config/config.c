// SPDX-License-Identifier: MIT
/*
 * Defaults, one-file loading, cross-service validation (missing
 * dependencies, cycles) and freeing of the configuration.
 */
#include "config-internal.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

cfg_more_fn cfg_more;

void cfg_defaults(struct cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->init.shutdown_timeout_ms = 10000;
	cfg->init.log_level = -1;
	cfg->init.cmd_ready_timeout_ms = 30000;
	cfg->init.cmd_restart = RESTART_NEVER;
	cfg->init.cmd_stop_signal = SIGTERM;
	cfg->init.hook_timeout_ms = 30000;
	cfg->init.cmd_stop_timeout_ms = -1;
	cfg->init.poststop_reserve_ms = -1;
	cfg->init.prestart_failure = PRESTART_ABORT;
}

void cfg_set_more(cfg_more_fn fn)
{
	cfg_more = fn;
}

static void svc_defaults(struct cfg_service *s)
{
	memset(s, 0, sizeof(*s));
	s->restart = RESTART_ALWAYS;
	s->restart_delay_ms = 100;
	s->restart_delay_max_ms = 30000;
	s->start_limit = 10;
	s->start_limit_window_ms = 60000;
	s->ready_timeout_ms = 30000;
	s->stop_signal = SIGTERM;
	s->reload_signal = SIGHUP;
	s->stop_timeout_ms = 5000;
	s->log_max_size = 10 << 20;
	s->log_max_files = 5;
	s->health_interval_ms = 10000;
	s->health_retries = 3;
	s->enabled = 1;
	s->send_sigkill = 1;
	for (int i = 0; i < CFG_NDIRS; i++)
		s->dirs[i].mode = 0755;
}

struct cfg_service *cfg_new_service(struct cfg *cfg, const char *name)
{
	struct cfg_service *svcs, *s;
	char *n = strdup(name);

	if (!n)
		return NULL;
	svcs = realloc(cfg->svcs, (cfg->nsvcs + 1) * sizeof(*svcs));
	if (!svcs) {
		free(n);
		return NULL;
	}
	cfg->svcs = svcs;
	s = &svcs[cfg->nsvcs++];
	svc_defaults(s);
	s->name = n;
	return s;
}

int cfg_cmds_add(struct cfg_cmds *c, char **argv, unsigned flags,
		 const char *file, int line)
{
	struct cfg_cmd *v = realloc(c->v, (c->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	c->v = v;
	v[c->n].argv = argv;
	v[c->n].flags = flags;
	v[c->n].line = line;
	v[c->n].file = file ? strdup(file) : NULL;
	if (file && !v[c->n].file)
		return -ENOMEM;
	c->n++;
	return 0;
}

void cfg_cmds_free(struct cfg_cmds *c)
{
	for (size_t i = 0; i < c->n; i++) {
		cfg_free_words(c->v[i].argv);
		free(c->v[i].file);
	}
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

int cfg_status_in(const struct cfg_status_set *set, int status)
{
	if (WIFEXITED(status))
		return set->code[WEXITSTATUS(status) / 8] >>
			       (WEXITSTATUS(status) % 8) & 1;
	if (WIFSIGNALED(status) && WTERMSIG(status) >= 1 &&
	    WTERMSIG(status) <= 64)
		return (int)(set->sigs >> (WTERMSIG(status) - 1) & 1);
	return 0;
}

/* The service name is the file's stem. */
static char *stem(const char *file)
{
	const char *base = strrchr(file, '/');
	size_t n;

	base = base ? base + 1 : file;
	n = strlen(base);
	if (n > 4 && strcmp(base + n - 4, ".ini") == 0)
		n -= 4;
	return strndup(base, n);
}

static int valid_name(const char *n)
{
	if (!*n)
		return 0;
	for (; *n; n++)
		if (!isalnum((unsigned char)*n) && !strchr("_.@-", *n))
			return 0;
	return 1;
}

/* Checks that need the whole file: exec present, type needs. */
static void finish_service(struct cfg *cfg, struct cfg_service *s,
			   int seen_service)
{
	if (!seen_service) {
		cfg_error(cfg, s->file, 1, "no [service] section");
		return;
	}
	if (!s->argv && !s->exec_line) /* a bad exec is reported as such */
		cfg_error(cfg, s->file, s->line, "[service] needs 'exec ='");
	if (s->type == TYPE_FORKING && !s->pidfile)
		cfg_error(cfg, s->file, s->line,
			  "type = forking needs 'pidfile =' to follow the daemon");
	if (s->type == TYPE_ONESHOT && !s->has_restart)
		s->restart = RESTART_NEVER;
	if (s->type == TYPE_NOTIFY && s->ready == READY_NONE)
		s->ready = READY_NOTIFY;
	if (s->restart_delay_max_ms < s->restart_delay_ms)
		s->restart_delay_max_ms = s->restart_delay_ms;
}

int cfg_load_service_string(struct cfg *cfg, const char *file, const char *text,
			    const struct cfg_sources *src)
{
	struct cfg_service *s;
	struct cfg_ctx c;
	char *name = stem(file);

	if (!name)
		return -ENOMEM;
	if (!valid_name(name) || strcmp(name, "cmd") == 0) {
		cfg_error(cfg, file, 0,
			  strcmp(name, "cmd") == 0
				  ? "service name 'cmd' is reserved for the CMD"
				  : "bad service name (letters, digits, _ . @ -)");
		free(name);
		return 0;
	}
	if (cfg_find(cfg, name)) {
		cfg_error(cfg, file, 0, "duplicate service '%s'", name);
		free(name);
		return 0;
	}
	s = cfg_new_service(cfg, name);
	free(name);
	if (!s)
		return -ENOMEM;
	s->text_hash = 1469598103934665603ULL; /* FNV-1a */
	for (const char *t = text; *t; t++)
		s->text_hash = (s->text_hash ^ (unsigned char)*t) * 1099511628211ULL;
	s->file = strdup(file);
	if (!s->file)
		return -ENOMEM;
	memset(&c, 0, sizeof(c));
	c.cfg = cfg;
	c.src = src;
	c.file = s->file;
	c.text = text;
	c.svc = s;
	if (cfg_parse_text(&c) < 0)
		return -ENOMEM;
	finish_service(cfg, s, c.seen_service);
	return 0;
}

int cfg_load_init_string(struct cfg *cfg, const char *file, const char *text)
{
	struct cfg_ctx c;

	free(cfg->init.file);
	cfg->init.file = strdup(file);
	if (!cfg->init.file)
		return -ENOMEM;
	memset(&c, 0, sizeof(c));
	c.cfg = cfg;
	c.file = cfg->init.file;
	c.text = text;
	return cfg_parse_text(&c);
}

/* By name first, then by alias (a unit's other names). */
struct cfg_service *cfg_find(const struct cfg *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nsvcs; i++)
		if (strcmp(cfg->svcs[i].name, name) == 0)
			return &cfg->svcs[i];
	for (size_t i = 0; i < cfg->nsvcs; i++)
		for (char **a = cfg->svcs[i].aliases; a && *a; a++)
			if (strcmp(*a, name) == 0)
				return &cfg->svcs[i];
	return NULL;
}

static void check_deps(struct cfg *cfg, const char *file, int line,
		       const char *key, char **names, const char *self)
{
	for (size_t i = 0; names && names[i]; i++) {
		if (self && strcmp(names[i], self) == 0)
			cfg_error(cfg, file, line, "%s: '%s' depends on itself",
				  key, self);
		else if (!cfg_find(cfg, names[i]))
			cfg_error(cfg, file, line, "%s: no service '%s'", key,
				  names[i]);
	}
}

/* Depth-first search; color: 0 new, 1 on the stack, 2 done. */
static int find_cycle(struct cfg *cfg, size_t i, char *color, size_t *stack,
		      size_t depth)
{
	struct cfg_service *s = &cfg->svcs[i];
	char **lists[2] = { s->after, s->requires };

	color[i] = 1;
	stack[depth] = i;
	for (int l = 0; l < 2; l++) {
		for (size_t k = 0; lists[l] && lists[l][k]; k++) {
			struct cfg_service *d = cfg_find(cfg, lists[l][k]);
			size_t j;

			if (!d || d == s)
				continue;
			j = (size_t)(d - cfg->svcs);
			if (color[j] == 1) {
				char path[512] = "";
				size_t from = 0;

				while (stack[from] != j)
					from++;
				for (size_t x = from; x <= depth; x++) {
					strncat(path, cfg->svcs[stack[x]].name,
						sizeof(path) - strlen(path) - 1);
					strncat(path, " -> ",
						sizeof(path) - strlen(path) - 1);
				}
				strncat(path, d->name,
					sizeof(path) - strlen(path) - 1);
				cfg_error(cfg, s->file,
					  l ? s->requires_line : s->after_line,
					  "dependency cycle: %s", path);
				color[i] = 2;
				return 1;
			}
			if (color[j] == 0 &&
			    find_cycle(cfg, j, color, stack, depth + 1)) {
				color[i] = 2;
				return 1;
			}
		}
	}
	color[i] = 2;
	return 0;
}

void cfg_validate(struct cfg *cfg)
{
	char *color = calloc(cfg->nsvcs + 1, 1);
	size_t *stack = calloc(cfg->nsvcs + 1, sizeof(*stack));

	for (size_t i = 0; i < cfg->nsvcs; i++) {
		struct cfg_service *s = &cfg->svcs[i];

		check_deps(cfg, s->file, s->after_line, "after", s->after,
			   s->name);
		check_deps(cfg, s->file, s->requires_line, "requires",
			   s->requires, s->name);
	}
	if (cfg->init.cmd_after)
		check_deps(cfg, cfg->init.file, cfg->init.cmd_after_line,
			   "after", cfg->init.cmd_after, NULL);
	if (cfg->init.poststop_reserve_ms >= 0 && cfg->init.shutdown_timeout_ms > 0 &&
	    cfg->init.poststop_reserve_ms >= cfg->init.shutdown_timeout_ms)
		cfg_error(cfg, cfg->init.file ? cfg->init.file : "init.ini", 0,
			  "[hooks] poststop_reserve (%lld ms) leaves nothing of shutdown_timeout (%lld ms) to stop CMD and the services",
			  (long long)cfg->init.poststop_reserve_ms,
			  (long long)cfg->init.shutdown_timeout_ms);
	for (size_t i = 0; color && stack && i < cfg->nsvcs; i++)
		if (color[i] == 0)
			(void)find_cycle(cfg, i, color, stack, 0);
	free(color);
	free(stack);
}

void cfg_free_service(struct cfg_service *s)
{
	free(s->name);
	free(s->file);
	cfg_free_words(s->argv);
	free(s->pidfile);
	free(s->groups);
	free(s->user);
	free(s->group);
	free(s->user_name);
	free(s->home);
	free(s->shell);
	free(s->workdir);
	cfg_free_words(s->env);
	free(s->env_file);
	cfg_free_words(s->after);
	cfg_free_words(s->requires);
	free(s->ready_path);
	free(s->ready_host);
	cfg_free_words(s->ready_argv);
	free(s->out.path);
	free(s->err.path);
	free(s->caps);
	free(s->rlimits);
	cfg_free_words(s->health_argv);
	free(s->unit);
	cfg_free_words(s->aliases);
	free(s->description);
	cfg_cmds_free(&s->start);
	cfg_cmds_free(&s->exec_condition);
	cfg_cmds_free(&s->start_pre);
	cfg_cmds_free(&s->start_post);
	cfg_cmds_free(&s->reload);
	cfg_cmds_free(&s->stop);
	cfg_cmds_free(&s->stop_post);
	cfg_free_words(s->supp_groups);
	cfg_free_words(s->env_files);
	cfg_free_words(s->unset_env);
	for (int i = 0; i < CFG_NDIRS; i++)
		cfg_free_words(s->dirs[i].names);
	for (size_t i = 0; i < s->nconds; i++) {
		free(s->conds[i].arg);
		free(s->conds[i].file);
	}
	free(s->conds);
	cfg_free_words(s->wants);
	cfg_free_words(s->binds_to);
	cfg_free_words(s->part_of);
	cfg_free_words(s->conflicts);
	cfg_free_words(s->reload_from);
	cfg_free_words(s->status_argv);
	cfg_free_words(s->sources);
}

void cfg_free(struct cfg *cfg)
{
	for (size_t i = 0; i < cfg->nsvcs; i++)
		cfg_free_service(&cfg->svcs[i]);
	free(cfg->svcs);
	for (size_t i = 0; i < cfg->nerrors; i++)
		free(cfg->errors[i]);
	free(cfg->errors);
	for (size_t i = 0; i < cfg->nwarnings; i++)
		free(cfg->warnings[i]);
	free(cfg->warnings);
	for (size_t i = 0; i < cfg->nnotes; i++)
		free(cfg->notes[i]);
	free(cfg->notes);
	free(cfg->dir);
	free(cfg->init.control_socket);
	free(cfg->init.state_dir);
	cfg_free_words(cfg->init.cmd_after);
	free(cfg->init.file);
	memset(cfg, 0, sizeof(*cfg));
}
