// SPDX-License-Identifier: MIT
/*
 * The key tables of services.d/NAME.ini and init.ini: one row a key, one
 * small parser a value type. A parser returns 0, or a message that the
 * caller reports as "FILE:LINE: KEY: message".
 */
#include "config-internal.h"
#include "config/nametab.h"
#include "values.h"
#include "init/log.h"
#include "init/signames.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The parsers store what they allocate into a service of cfg->svcs,
 * which cfg_new_service() realloc'd, or append it to word lists with
 * realloc and memcpy: gcc 12's analyzer loses both and calls every string
 * stored leaked (cfg_free() frees them). It did not follow the parsers
 * while they were called through a table of function pointers. */
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif

static char msgbuf[256];

static const char *dup_into(char **dst, const char *v)
{
	char *d = strdup(v);

	if (!d)
		return "out of memory";
	free(*dst);
	*dst = d;
	return NULL;
}

static const char *words_into(char ***dst, const char *v, int need_one)
{
	const char *why;
	char **w = cfg_split_words(v, &why);

	if (!w)
		return why;
	if (need_one && !w[0]) {
		cfg_free_words(w);
		return "needs a command";
	}
	cfg_free_words(*dst);
	*dst = w;
	return NULL;
}

/* Append words to a list (for continuation lines of list keys). */
static const char *words_append(char ***dst, const char *v)
{
	const char *why;
	char **w = cfg_split_words(v, &why), **n;
	size_t a = cfg_count_words(*dst), b = cfg_count_words(w);

	if (!w)
		return why;
	n = realloc(*dst, (a + b + 1) * sizeof(*n));
	if (!n) {
		cfg_free_words(w);
		return "out of memory";
	}
	memcpy(n + a, w, (b + 1) * sizeof(*n));
	free(w);
	*dst = n;
	return NULL;
}

static const char *duration(int64_t *dst, const char *v)
{
	return cfg_parse_duration_ms(v, dst) < 0
		       ? "bad duration (e.g. 100ms, 10s, 5m, 1h)"
		       : NULL;
}

static const char *signal_value(int *dst, const char *v)
{
	int s = sig_parse(v, 0);

	if (s < 0 || s == SIGKILL || s == SIGSTOP)
		return "bad signal (e.g. TERM, HUP, USR1, RTMIN+3)";
	*dst = s;
	return NULL;
}

static const char *restart_value(enum cfg_restart *dst, const char *v)
{
	if (!strcmp(v, "always"))
		*dst = RESTART_ALWAYS;
	else if (!strcmp(v, "on-failure"))
		*dst = RESTART_ON_FAILURE;
	else if (!strcmp(v, "never") || !strcmp(v, "no"))
		*dst = RESTART_NEVER;
	else
		return "bad value (always, on-failure, never)";
	return NULL;
}

static const char *bool_value(int *dst, const char *v)
{
	return cfg_parse_bool(v, dst) < 0 ? "bad boolean (yes or no)" : NULL;
}

/* ---- services.d keys ---- */

static const char *k_exec(struct cfg_ctx *c, struct cfg_service *s,
			  const char *v)
{
	if (!c->cont)
		s->exec_line = c->line;
	if (c->cont) /* a long command line goes on on indented lines */
		return words_append(&s->argv, v);
	return words_into(&s->argv, v, 1);
}

static const char *k_type(struct cfg_ctx *c, struct cfg_service *s,
			  const char *v)
{
	NAMETAB_BEGIN
	static const char names[][8] = { "simple", "forking", "oneshot",
					  "notify" };
	NAMETAB_END

	(void)c;
	for (int i = 0; i < 4; i++) {
		if (!strcmp(v, names[i])) {
			s->type = (enum cfg_type)i;
			return NULL;
		}
	}
	return "bad value (simple, forking, oneshot, notify)";
}

static const char *k_pidfile(struct cfg_ctx *c, struct cfg_service *s,
			     const char *v)
{
	(void)c;
	if (v[0] != '/')
		return "needs an absolute path";
	return dup_into(&s->pidfile, v);
}

/* Users and groups are names here; they are looked up when the service
 * starts (cfg_resolve_user), after the prestart hooks. */
static const char *k_user(struct cfg_ctx *c, struct cfg_service *s,
			  const char *v)
{
	if (!*v)
		return "needs a user name or uid";
	s->has_user = 1;
	s->user_line = c->line;
	return dup_into(&s->user, v);
}

static const char *k_group(struct cfg_ctx *c, struct cfg_service *s,
			   const char *v)
{
	if (!*v)
		return "needs a group name or gid";
	s->has_group = 1;
	s->group_line = c->line;
	return dup_into(&s->group, v);
}

static const char *k_workdir(struct cfg_ctx *c, struct cfg_service *s,
			     const char *v)
{
	(void)c;
	if (v[0] != '/')
		return "needs an absolute path";
	return dup_into(&s->workdir, v);
}

static const char *check_env(char **w)
{
	for (size_t i = 0; w && w[i]; i++) {
		const char *eq = strchr(w[i], '=');

		if (!eq || eq == w[i]) {
			snprintf(msgbuf, sizeof(msgbuf),
				 "'%s' is not KEY=VALUE", w[i]);
			return msgbuf;
		}
	}
	return NULL;
}

static const char *k_env(struct cfg_ctx *c, struct cfg_service *s,
			 const char *v)
{
	const char *why;
	char **w = cfg_split_words(v, &why);

	(void)c;
	if (!w)
		return why;
	why = check_env(w);
	for (size_t i = 0; !why && w[i]; i++)
		if (cfg_env_set(&s->env, w[i]) < 0)
			why = "out of memory";
	cfg_free_words(w);
	return why;
}

static const char *k_env_file(struct cfg_ctx *c, struct cfg_service *s,
			      const char *v)
{
	(void)c;
	s->env_file_line = c->line;
	if (v[v[0] == '-'] != '/')
		return "needs an absolute path (a leading '-' makes it optional)";
	return dup_into(&s->env_file, v);
}

static const char *k_umask(struct cfg_ctx *c, struct cfg_service *s,
			   const char *v)
{
	char *end;
	long m;

	(void)c;
	errno = 0;
	m = strtol(v, &end, 8);
	if (errno || *end || end == v || m < 0 || m > 0777)
		return "bad umask (octal, e.g. 0022)";
	s->umask = (mode_t)m;
	s->has_umask = 1;
	return NULL;
}

static const char *k_restart(struct cfg_ctx *c, struct cfg_service *s,
			     const char *v)
{
	(void)c;
	s->has_restart = 1;
	return restart_value(&s->restart, v);
}

static const char *k_restart_delay(struct cfg_ctx *c, struct cfg_service *s,
				   const char *v)
{
	(void)c;
	return duration(&s->restart_delay_ms, v);
}

static const char *k_restart_delay_max(struct cfg_ctx *c,
				       struct cfg_service *s, const char *v)
{
	(void)c;
	return duration(&s->restart_delay_max_ms, v);
}

static const char *k_start_limit(struct cfg_ctx *c, struct cfg_service *s,
				 const char *v)
{
	const char *slash = strchr(v, '/');
	char *end;
	long n;

	(void)c;
	errno = 0;
	n = strtol(v, &end, 10);
	if (!slash || end != slash || errno || n < 1 || n > 10000)
		return "bad start limit (N/WINDOW, e.g. 10/60s; N from 1 to 10000)";
	if (cfg_parse_duration_ms(slash + 1, &s->start_limit_window_ms) < 0)
		return "bad start limit window (e.g. 10/60s)";
	s->start_limit = (int)n;
	return NULL;
}

static const char *k_essential(struct cfg_ctx *c, struct cfg_service *s,
			       const char *v)
{
	(void)c;
	return bool_value(&s->essential, v);
}

static const char *check_names(char **w)
{
	for (size_t i = 0; w && w[i]; i++) {
		for (const char *p = w[i]; *p; p++) {
			if (!isalnum((unsigned char)*p) && !strchr("_.@-", *p)) {
				snprintf(msgbuf, sizeof(msgbuf),
					 "bad service name '%s'", w[i]);
				return msgbuf;
			}
		}
	}
	return NULL;
}

static const char *k_after(struct cfg_ctx *c, struct cfg_service *s,
			   const char *v)
{
	const char *why = words_append(&s->after, v);

	if (!s->after_line)
		s->after_line = c->line;
	return why ? why : check_names(s->after);
}

static const char *k_requires(struct cfg_ctx *c, struct cfg_service *s,
			      const char *v)
{
	const char *why = words_append(&s->requires, v);

	if (!s->requires_line)
		s->requires_line = c->line;
	return why ? why : check_names(s->requires);
}

/* tcp:PORT, tcp:HOST:PORT, tcp:[V6ADDR]:PORT; HOST a numeric address
 * (pid 1 does no name lookups). */
static const char *tcp_ready(struct cfg_service *s, const char *v)
{
	const char *colon = strrchr(v, ':'), *host = v;
	unsigned char addr[sizeof(struct in6_addr)];
	char buf[INET6_ADDRSTRLEN + 1];
	size_t n = colon ? (size_t)(colon - v) : 0;
	char *end;
	long port;

	errno = 0;
	port = strtol(colon ? colon + 1 : v, &end, 10);
	if (errno || *end || end == (colon ? colon + 1 : v) || port < 1 ||
	    port > 65535)
		return "bad port in tcp:PORT, tcp:HOST:PORT or tcp:[V6ADDR]:PORT (1..65535)";
	if (colon && n >= 2 && v[0] == '[' && v[n - 1] == ']') {
		host = v + 1;
		n -= 2;
	} else if (colon && memchr(v, ':', n)) {
		return "an IPv6 address goes in brackets: tcp:[V6ADDR]:PORT";
	}
	if (colon && n >= sizeof(buf))
		return "bad address in tcp:HOST:PORT (a numeric IPv4 or [IPv6] address; names are not looked up)";
	if (colon) {
		memcpy(buf, host, n);
		buf[n] = '\0';
		if (inet_pton(host == v ? AF_INET : AF_INET6, buf, addr) != 1)
			return host == v ? "bad address in tcp:HOST:PORT (a numeric IPv4 or [IPv6] address; names are not looked up)"
					 : "bad IPv6 address in tcp:[V6ADDR]:PORT";
	}
	s->ready = READY_TCP;
	s->ready_port = (int)port;
	free(s->ready_host);
	s->ready_host = colon ? strdup(buf) : NULL;
	return colon && !s->ready_host ? "out of memory" : NULL;
}

static const char *k_ready(struct cfg_ctx *c, struct cfg_service *s,
			   const char *v)
{
	(void)c;
	if (!strcmp(v, "none")) {
		s->ready = READY_NONE;
	} else if (!strcmp(v, "notify")) {
		s->ready = READY_NOTIFY;
	} else if (!strncmp(v, "tcp:", 4)) {
		return tcp_ready(s, v + 4);
	} else if (!strncmp(v, "file:", 5)) {
		if (v[5] != '/')
			return "file:PATH needs an absolute path";
		s->ready = READY_FILE;
		return dup_into(&s->ready_path, v + 5);
	} else if (!strncmp(v, "exec:", 5)) {
		s->ready = READY_EXEC;
		return words_into(&s->ready_argv, v + 5, 1);
	} else {
		return "bad value (none, notify, tcp:[HOST:]PORT, file:PATH, exec:CMD)";
	}
	return NULL;
}

static const char *k_ready_timeout(struct cfg_ctx *c, struct cfg_service *s,
				   const char *v)
{
	(void)c;
	return duration(&s->ready_timeout_ms, v);
}

static const char *k_stop_signal(struct cfg_ctx *c, struct cfg_service *s,
				 const char *v)
{
	(void)c;
	return signal_value(&s->stop_signal, v);
}

static const char *k_stop_timeout(struct cfg_ctx *c, struct cfg_service *s,
				  const char *v)
{
	(void)c;
	return duration(&s->stop_timeout_ms, v);
}

static const char *kill_mode_value(enum cfg_kill_mode *dst, const char *v)
{
	if (!strcmp(v, "group") || !strcmp(v, "control-group"))
		*dst = KILL_GROUP;
	else if (!strcmp(v, "mixed"))
		*dst = KILL_MIXED;
	else if (!strcmp(v, "process"))
		*dst = KILL_PROCESS;
	else
		return "bad value (group, mixed, process)";
	return NULL;
}

static const char *k_kill_mode(struct cfg_ctx *c, struct cfg_service *s,
			       const char *v)
{
	(void)c;
	return kill_mode_value(&s->kill_mode, v);
}

static const char *k_reload_signal(struct cfg_ctx *c, struct cfg_service *s,
				   const char *v)
{
	(void)c;
	return signal_value(&s->reload_signal, v);
}

static const char *output(struct cfg_output *o, const char *v)
{
	if (!strcmp(v, "prefix"))
		o->kind = OUT_PREFIX;
	else if (!strcmp(v, "inherit"))
		o->kind = OUT_INHERIT;
	else if (!strcmp(v, "null"))
		o->kind = OUT_NULL;
	else if (!strncmp(v, "file:", 5) && v[5] == '/') {
		o->kind = OUT_FILE;
		return dup_into(&o->path, v + 5);
	} else if (!strcmp(v, "journal")) {
#ifdef WITH_SYSTEMD
		o->kind = OUT_JOURNAL;
#else
		return "journal needs pouch-init built with WITH_SYSTEMD=1";
#endif
	} else
		return "bad value (inherit, prefix, null, file:/PATH, journal)";
	return NULL;
}

static const char *k_stdout(struct cfg_ctx *c, struct cfg_service *s,
			    const char *v)
{
	(void)c;
	return output(&s->out, v);
}

static const char *k_stderr(struct cfg_ctx *c, struct cfg_service *s,
			    const char *v)
{
	(void)c;
	return output(&s->err, v);
}

static const char *k_log_max_size(struct cfg_ctx *c, struct cfg_service *s,
				  const char *v)
{
	(void)c;
	if (cfg_parse_size(v, &s->log_max_size) < 0 || s->log_max_size < 1024)
		return "bad size (at least 1K; e.g. 512K, 10M, 1G)";
	return NULL;
}

static const char *k_log_max_files(struct cfg_ctx *c, struct cfg_service *s,
				   const char *v)
{
	char *end;
	long n;

	(void)c;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < 1 || n > 1000)
		return "bad count (1..1000)";
	s->log_max_files = (int)n;
	return NULL;
}

static const char *k_capabilities(struct cfg_ctx *c, struct cfg_service *s,
				  const char *v)
{
	const char *why;
	char **w = cfg_split_words(v, &why), *tok, *save;
	int cap;

	(void)c;
	if (!w)
		return why;
	free(s->caps);
	s->caps = NULL;
	s->ncaps = 0;
	why = NULL;
	for (size_t i = 0; w[i] && !why; i++) {
		for (tok = strtok_r(w[i], ",", &save); tok && !why;
		     tok = strtok_r(NULL, ",", &save)) {
			int *n = realloc(s->caps, (s->ncaps + 1) * sizeof(*n));

			if (!n) {
				why = "out of memory";
				break;
			}
			s->caps = n;
			if (cfg_parse_cap(tok, &cap) < 0) {
				snprintf(msgbuf, sizeof(msgbuf),
					 "unknown capability '%s'", tok);
				why = msgbuf;
				break;
			}
			s->caps[s->ncaps++] = cap;
		}
	}
	cfg_free_words(w);
	s->has_caps = 1;
	return why;
}

static const char *k_no_new_privs(struct cfg_ctx *c, struct cfg_service *s,
				  const char *v)
{
	(void)c;
	return bool_value(&s->no_new_privs, v);
}

static const char *rlimit_value(struct cfg_rlimit *rl, int resource,
				const char *v)
{
	char soft[64], *colon;
	uint64_t a, b;

	snprintf(soft, sizeof(soft), "%s", v);
	colon = strchr(soft, ':');
	if (colon)
		*colon++ = '\0';
	if (!strcmp(soft, "infinity") || !strcmp(soft, "unlimited"))
		a = RLIM_INFINITY;
	else if (cfg_parse_size(soft, &a) < 0)
		return "bad limit (N, SOFT:HARD, or infinity)";
	b = a;
	if (colon && (!strcmp(colon, "infinity") || !strcmp(colon, "unlimited")))
		b = RLIM_INFINITY;
	else if (colon && cfg_parse_size(colon, &b) < 0)
		return "bad limit (N, SOFT:HARD, or infinity)";
	if (a > b)
		return "soft limit above hard limit";
	rl->set = 1;
	rl->resource = resource;
	rl->lim.rlim_cur = a;
	rl->lim.rlim_max = b;
	return NULL;
}

#define RLIMIT_KEY(fn, idx, res)                                            \
	static const char *fn(struct cfg_ctx *c, struct cfg_service *s,     \
			      const char *v)                                \
	{                                                                   \
		(void)c;                                                    \
		if (!s->rlimits &&                                          \
		    !(s->rlimits = calloc(CFG_NRLIMITS, sizeof(*s->rlimits)))) \
			return "out of memory";                             \
		return rlimit_value(&s->rlimits[idx], res, v);              \
	}
RLIMIT_KEY(k_rlimit_nofile, 0, RLIMIT_NOFILE)
RLIMIT_KEY(k_rlimit_nproc, 1, RLIMIT_NPROC)
RLIMIT_KEY(k_rlimit_core, 2, RLIMIT_CORE)
RLIMIT_KEY(k_rlimit_memlock, 3, RLIMIT_MEMLOCK)
RLIMIT_KEY(k_rlimit_as, 4, RLIMIT_AS)

static const char *k_health(struct cfg_ctx *c, struct cfg_service *s,
			    const char *v)
{
	(void)c;
	if (strncmp(v, "exec:", 5))
		return "bad value (exec:CMD)";
	return words_into(&s->health_argv, v + 5, 1);
}

static const char *k_health_interval(struct cfg_ctx *c, struct cfg_service *s,
				     const char *v)
{
	(void)c;
	if (duration(&s->health_interval_ms, v) || s->health_interval_ms < 10)
		return "bad duration (at least 10ms; e.g. 10s)";
	return NULL;
}

static const char *k_health_retries(struct cfg_ctx *c, struct cfg_service *s,
				    const char *v)
{
	char *end;
	long n;

	(void)c;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < 1 || n > 1000)
		return "bad count (1..1000)";
	s->health_retries = (int)n;
	return NULL;
}

static const char *k_enabled(struct cfg_ctx *c, struct cfg_service *s,
			     const char *v)
{
	(void)c;
	return bool_value(&s->enabled, v);
}

/* The keys of a service file, in the order of s->seen's bits: the name,
 * whether continuation lines append to it; k_NAME() parses it. */
#define SVC_KEYS(X)                                                  \
	X(exec, 1) X(type, 0) X(pidfile, 0) X(user, 0) X(group, 0)   \
	X(workdir, 0) X(env, 1) X(env_file, 0) X(umask, 0)           \
	X(restart, 0) X(restart_delay, 0) X(restart_delay_max, 0)    \
	X(start_limit, 0) X(essential, 0) X(after, 1) X(requires, 1) \
	X(ready, 0) X(ready_timeout, 0) X(stop_signal, 0)            \
	X(stop_timeout, 0) X(kill_mode, 0) X(reload_signal, 0)       \
	X(stdout, 0) X(stderr, 0) X(log_max_size, 0)                 \
	X(log_max_files, 0) X(capabilities, 0) X(no_new_privs, 0)    \
	X(rlimit_nofile, 0) X(rlimit_nproc, 0) X(rlimit_core, 0)     \
	X(rlimit_memlock, 0) X(rlimit_as, 0) X(health, 0)            \
	X(health_interval, 0) X(health_retries, 0) X(enabled, 0)

enum svc_key {
#define X(name, list) SVC_KEY_##name,
	SVC_KEYS(X)
#undef X
};

NAMETAB_BEGIN
static const struct {
	char name[18];
	unsigned char list;
} svc_keys[] = {
#define X(name, list) { #name, list },
	SVC_KEYS(X)
#undef X
};
NAMETAB_END

static const char *svc_parse(enum svc_key k, struct cfg_ctx *c,
			     struct cfg_service *s, const char *v)
{
	switch (k) {
#define X(name, list)          \
	case SVC_KEY_##name:   \
		return k_##name(c, s, v);
		SVC_KEYS(X)
#undef X
	}
	return NULL;
}

/* ---- init.ini keys ---- */

static const char *i_shutdown_timeout(struct cfg_ctx *c, struct cfg_init *in,
				      const char *v)
{
	(void)c;
	return duration(&in->shutdown_timeout_ms, v);
}

static const char *i_log_level(struct cfg_ctx *c, struct cfg_init *in,
			       const char *v)
{
	enum log_level l;

	(void)c;
	if (log_level_parse(v, &l) < 0)
		return "bad value (error, warning, info, debug)";
	in->log_level = (int)l;
	return NULL;
}

static const char *i_control_socket(struct cfg_ctx *c, struct cfg_init *in,
				    const char *v)
{
	(void)c;
	if (v[0] != '/' || strlen(v) >= 108)
		return "needs an absolute path shorter than 108 characters";
	return dup_into(&in->control_socket, v);
}

static const char *i_state_dir(struct cfg_ctx *c, struct cfg_init *in,
			       const char *v)
{
	(void)c;
	/* sockets are made under it: leave them room in sun_path */
	if (v[0] != '/' || strlen(v) > 80)
		return "needs an absolute path of at most 80 characters";
	return dup_into(&in->state_dir, v);
}

static const char *i_reload_signal(struct cfg_ctx *c, struct cfg_init *in,
				   const char *v)
{
	(void)c;
	if (!*v) {
		in->reload_signal = 0;
		return NULL;
	}
	return signal_value(&in->reload_signal, v);
}

static const char *i_cmd_after(struct cfg_ctx *c, struct cfg_init *in,
			       const char *v)
{
	const char *why = words_append(&in->cmd_after, v);

	if (!in->cmd_after_line)
		in->cmd_after_line = c->line;
	return why ? why : check_names(in->cmd_after);
}

static const char *i_cmd_ready_timeout(struct cfg_ctx *c, struct cfg_init *in,
				       const char *v)
{
	(void)c;
	return duration(&in->cmd_ready_timeout_ms, v);
}

static const char *i_cmd_restart(struct cfg_ctx *c, struct cfg_init *in,
				 const char *v)
{
	(void)c;
	return restart_value(&in->cmd_restart, v);
}

static const char *i_cmd_stop_signal(struct cfg_ctx *c, struct cfg_init *in,
				     const char *v)
{
	(void)c;
	return signal_value(&in->cmd_stop_signal, v);
}

static const char *i_cmd_stop_timeout(struct cfg_ctx *c, struct cfg_init *in,
				      const char *v)
{
	(void)c;
	return duration(&in->cmd_stop_timeout_ms, v);
}

static const char *i_cmd_kill_mode(struct cfg_ctx *c, struct cfg_init *in,
				   const char *v)
{
	(void)c;
	return kill_mode_value(&in->cmd_kill_mode, v);
}

static const char *i_poststop_reserve(struct cfg_ctx *c, struct cfg_init *in,
				      const char *v)
{
	(void)c;
	return duration(&in->poststop_reserve_ms, v);
}

static const char *i_hook_timeout(struct cfg_ctx *c, struct cfg_init *in,
				  const char *v)
{
	(void)c;
	return duration(&in->hook_timeout_ms, v);
}

static const char *i_prestart_failure(struct cfg_ctx *c, struct cfg_init *in,
				      const char *v)
{
	(void)c;
	if (!strcmp(v, "abort"))
		in->prestart_failure = PRESTART_ABORT;
	else if (!strcmp(v, "continue"))
		in->prestart_failure = PRESTART_CONTINUE;
	else
		return "bad value (abort, continue)";
	return NULL;
}

/* units = enabled | no (yes and the other booleans too) */
static const char *i_units(struct cfg_ctx *c, struct cfg_init *in,
			   const char *v)
{
	in->units_line = c->line;
	if (!strcmp(v, "enabled")) {
		in->units = 1;
		return NULL;
	}
	if (!strcmp(v, "disabled")) {
		in->units = 0;
		return NULL;
	}
	return cfg_parse_bool(v, &in->units) < 0
		       ? "bad value (enabled or no)"
		       : NULL;
}

/* The keys of init.ini, in the order of in->seen's bits: the section,
 * the name, its parser, whether continuation lines append to it. */
#define INIT_KEYS(X)                                      \
	X(init, shutdown_timeout, i_shutdown_timeout, 0)  \
	X(init, log_level, i_log_level, 0)                \
	X(init, control_socket, i_control_socket, 0)      \
	X(init, reload_signal, i_reload_signal, 0)        \
	X(init, state_dir, i_state_dir, 0)                \
	X(init, units, i_units, 0)                        \
	X(cmd, after, i_cmd_after, 1)                     \
	X(cmd, ready_timeout, i_cmd_ready_timeout, 0)     \
	X(cmd, restart, i_cmd_restart, 0)                 \
	X(cmd, stop_signal, i_cmd_stop_signal, 0)         \
	X(cmd, stop_timeout, i_cmd_stop_timeout, 0)       \
	X(cmd, kill_mode, i_cmd_kill_mode, 0)             \
	X(hooks, timeout, i_hook_timeout, 0)              \
	X(hooks, prestart_failure, i_prestart_failure, 0) \
	X(hooks, poststop_reserve, i_poststop_reserve, 0)

enum init_key {
#define X(section, name, parse, list) INIT_KEY_##parse,
	INIT_KEYS(X)
#undef X
};

NAMETAB_BEGIN
static const struct {
	char section[6], name[17];
	unsigned char list;
} init_keys[] = {
#define X(section, name, parse, list) { #section, #name, list },
	INIT_KEYS(X)
#undef X
};
NAMETAB_END

static const char *init_parse(enum init_key k, struct cfg_ctx *c,
			      struct cfg_init *in, const char *v)
{
	switch (k) {
#define X(section, name, parse, list) \
	case INIT_KEY_##parse:        \
		return parse(c, in, v);
		INIT_KEYS(X)
#undef X
	}
	return NULL;
}

static int same(const char *key, const char *name, size_t len)
{
	return strlen(key) == len && strncmp(key, name, len) == 0;
}

int cfg_known_key(const struct cfg_ctx *c, const char *name, size_t len)
{
	if (c->svc) {
		for (size_t i = 0; i < sizeof(svc_keys) / sizeof(*svc_keys); i++)
			if (same(svc_keys[i].name, name, len))
				return 1;
		return 0;
	}
	for (size_t i = 0; i < sizeof(init_keys) / sizeof(*init_keys); i++)
		if (!strcmp(c->section, init_keys[i].section) &&
		    same(init_keys[i].name, name, len))
			return 1;
	return 0;
}

void cfg_section(struct cfg_ctx *c, const char *name)
{
	snprintf(c->section, sizeof(c->section), "%s", name);
	c->skip = 0;
	if (c->svc) {
		if (strcmp(name, "service") == 0) {
			if (c->seen_service)
				cfg_error(c->cfg, c->file, c->line,
					  "duplicate section [service]");
			c->seen_service = 1;
			c->svc->line = c->line;
			return;
		}
		cfg_error(c->cfg, c->file, c->line,
			  "unknown section [%s] (a service file has [service])",
			  name);
		c->skip = 1;
		return;
	}
	if (strcmp(name, "init") && strcmp(name, "cmd") && strcmp(name, "hooks")) {
		cfg_error(c->cfg, c->file, c->line,
			  "unknown section [%s] (init.ini has [init], [cmd], [hooks])",
			  name);
		c->skip = 1;
	}
}

static void report(struct cfg_ctx *c, const char *key, const char *value,
		   const char *why)
{
	/* a quote left open because inih took the rest for a comment */
	int cut = why && c->comment_cut && !strncmp(why, "unterminated", 12);

	if (why)
		cfg_error(c->cfg, c->file, c->line, "%s = %s: %s%s", key, value,
			  why,
			  cut ? " (a ';' after a blank starts a comment, also "
				"inside quotes: write 'a; b', not 'a ; b')"
			      : "");
}

_Static_assert(sizeof(svc_keys) / sizeof(*svc_keys) <= 64, "seen holds 64 keys");
_Static_assert(sizeof(init_keys) / sizeof(*init_keys) <= 64, "seen holds 64 keys");

static void svc_key(struct cfg_ctx *c, const char *name, const char *value)
{
	struct cfg_service *s = c->svc;

	if (!c->section[0]) {
		cfg_error(c->cfg, c->file, c->line,
			  "key '%s' outside of [service]", name);
		return;
	}
	for (size_t i = 0; i < sizeof(svc_keys) / sizeof(*svc_keys); i++) {
		if (strcmp(name, svc_keys[i].name))
			continue;
		if ((s->seen >> i & 1) && !(c->cont && svc_keys[i].list)) {
			cfg_error(c->cfg, c->file, c->line,
				  c->cont ? "'%s' does not continue on an indented line"
					  : "duplicate key '%s'",
				  name);
			return;
		}
		s->seen |= (uint64_t)1 << i;
		report(c, name, value, svc_parse((enum svc_key)i, c, s, value));
		return;
	}
	cfg_error(c->cfg, c->file, c->line, "unknown key '%s' in [service]",
		  name);
}

void cfg_key(struct cfg_ctx *c, const char *name, const char *value)
{
	struct cfg_init *in = &c->cfg->init;

	if (c->svc) {
		svc_key(c, name, value);
		return;
	}
	if (!c->section[0]) {
		cfg_error(c->cfg, c->file, c->line,
			  "key '%s' outside of a section", name);
		return;
	}
	for (size_t i = 0; i < sizeof(init_keys) / sizeof(*init_keys); i++) {
		if (strcmp(c->section, init_keys[i].section) ||
		    strcmp(name, init_keys[i].name))
			continue;
		if ((in->seen >> i & 1) && !(c->cont && init_keys[i].list)) {
			cfg_error(c->cfg, c->file, c->line,
				  c->cont ? "'%s' does not continue on an indented line"
					  : "duplicate key '%s'",
				  name);
			return;
		}
		in->seen |= (uint64_t)1 << i;
		report(c, name, value, init_parse((enum init_key)i, c, in, value));
		return;
	}
	cfg_error(c->cfg, c->file, c->line, "unknown key '%s' in [%s]", name,
		  c->section);
}
