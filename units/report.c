// SPDX-License-Identifier: MIT
/*
 * What `pouch-init check` says about units: for each unit (and init.d
 * script) that became a service, what it runs and how, with the notes
 * of its own files ("FILE:LINE: ... not applied (why)") beneath it;
 * then every other note (units enabled but not run, and why).
 */
#include "units.h"
#include "units-internal.h"
#include "config/nametab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *type_name(enum cfg_type t)
{
	NAMETAB_BEGIN
	static const char n[][8] = { "simple", "forking", "oneshot", "notify" };
	NAMETAB_END

	return n[t];
}

/* The words as a unit would quote them */
static void words(char *buf, size_t len, char *const *w)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; w && w[i] && n + 1 < len; i++) {
		int q = !w[i][0] || strpbrk(w[i], " \t\"'\\;") != NULL;

		n += (size_t)units_fmt(buf + n, len - n, "%s%s", i ? " " : "", q ? "\"" : "");
		for (const char *c = w[i]; *c && n + 3 < len; c++) {
			if (q && (*c == '"' || *c == '\\'))
				buf[n++] = '\\';
			buf[n++] = *c;
		}
		if (q && n + 1 < len)
			buf[n++] = '"';
		buf[n] = '\0';
	}
}

static void prefixes(char *buf, size_t len, unsigned f)
{
	units_fmt(buf, len, "%s%s%s%s%s", f & CFG_EXEC_IGNORE ? "-" : "",
		 f & CFG_EXEC_ARGV0 ? "@" : "", f & CFG_EXEC_PRIV ? "+" : "",
		 f & CFG_EXEC_NOSETUID ? "!" : "", f & CFG_EXEC_EXPAND ? "" : ":");
}

static void cmds(void (*out)(void *, const char *), void *arg, const char *what,
		 const struct cfg_cmds *c)
{
	char line[4096], w[3800], p[8];

	for (size_t i = 0; i < c->n; i++) {
		words(w, sizeof(w), c->v[i].argv);
		prefixes(p, sizeof(p), c->v[i].flags);
		units_fmt(line, sizeof(line), "  %s: %s%s", what, p, w);
		out(arg, line);
	}
}

static void list(void (*out)(void *, const char *), void *arg, const char *what,
		 char *const *l)
{
	char line[4096], w[4000];

	if (!l || !l[0])
		return;
	words(w, sizeof(w), l);
	units_fmt(line, sizeof(line), "  %s: %s", what, w);
	out(arg, line);
}

static int note_of(const char *note, char *const *sources)
{
	for (char *const *s = sources; s && *s; s++) {
		size_t n = strlen(*s);

		if (!strncmp(note, *s, n) && note[n] == ':')
			return 1;
	}
	return 0;
}

static const char *out_name(const struct cfg_output *o, char *buf, size_t len)
{
	NAMETAB_BEGIN
	static const char n[][8] = { "prefix", "inherit", "null", "file",
				     "journal" };
	NAMETAB_END

	if (o->kind == OUT_FILE)
		units_fmt(buf, len, "file:%s", o->path);
	else
		units_fmt(buf, len, "%s", n[o->kind]);
	return buf;
}

static void one(const struct cfg *cfg, const struct cfg_service *s,
		const struct cfg_sources *src, char *done,
		void (*out)(void *, const char *), void *arg)
{
	NAMETAB_BEGIN
	static const char dirkeys[CFG_NDIRS][23] = {
		"RuntimeDirectory", "StateDirectory", "CacheDirectory",
		"LogsDirectory", "ConfigurationDirectory",
	};
	NAMETAB_END
	char line[4200], w[3800], p[8], o1[300], o2[300];

	units_fmt(line, sizeof(line), "%s %s: service %s%s, %s%s%s",
		 s->origin == ORIGIN_SYSV ? "init script" : "unit", s->unit,
		 s->name, s->enabled ? "" : " (not enabled: starts when asked to)",
		 type_name(s->type), s->remain_after_exit ? ", stays active after it exits" : "",
		 s->pidfile ? ", pid file " : "");
	if (s->pidfile)
		strncat(line, s->pidfile, sizeof(line) - strlen(line) - 1);
	out(arg, line);
	for (size_t i = 1; s->sources && s->sources[0] && s->sources[i]; i++) {
		units_fmt(line, sizeof(line), "  drop-in: %s", s->sources[i]);
		out(arg, line);
	}
	cmds(out, arg, "ExecCondition", &s->exec_condition);
	cmds(out, arg, "ExecStartPre", &s->start_pre);
	if (s->argv) {
		words(w, sizeof(w), s->argv);
		prefixes(p, sizeof(p), s->exec_flags);
		units_fmt(line, sizeof(line), "  runs: %s%s", p, w);
		out(arg, line);
	}
	for (size_t i = 1; i < s->start.n; i++) {
		words(w, sizeof(w), s->start.v[i].argv);
		units_fmt(line, sizeof(line), "  then: %s", w);
		out(arg, line);
	}
	cmds(out, arg, "ExecStartPost", &s->start_post);
	cmds(out, arg, "ExecReload", &s->reload);
	cmds(out, arg, "ExecStop", &s->stop);
	cmds(out, arg, "ExecStopPost", &s->stop_post);
	if (s->status_argv) {
		words(w, sizeof(w), s->status_argv);
		units_fmt(line, sizeof(line), "  still running: when `%s` exits 0", w);
		out(arg, line);
	}
	if (s->has_user || s->has_group) {
		units_fmt(line, sizeof(line), "  user: %s, group: %s", s->has_user ? s->user : "-",
			 s->has_group ? s->group : "(the user's)");
		out(arg, line);
	}
	list(out, arg, "after", s->after);
	list(out, arg, "requires", s->requires);
	list(out, arg, "wants", s->wants);
	list(out, arg, "conflicts", s->conflicts);
	list(out, arg, "environment files", s->env_files);
	for (int k = 0; k < CFG_NDIRS; k++)
		if (s->dirs[k].names) {
			words(w, sizeof(w), s->dirs[k].names);
			units_fmt(line, sizeof(line), "  %s: %s (mode %04o)", dirkeys[k], w,
				 (unsigned)s->dirs[k].mode);
			out(arg, line);
		}
	units_fmt(line, sizeof(line),
		 "  restart: %s; start timeout: %lld ms; stop: signal %d, timeout %lld ms%s, kill mode %s; output: %s, %s",
		 s->restart == RESTART_ALWAYS ? "always" : s->restart == RESTART_ON_FAILURE ? "on-failure"
		 : s->restart == RESTART_NEVER ? "no" : s->restart == RESTART_ON_SUCCESS ? "on-success"
		 : s->restart == RESTART_ON_ABNORMAL ? "on-abnormal" : s->restart == RESTART_ON_ABORT
		 ? "on-abort" : "on-watchdog",
		 (long long)s->ready_timeout_ms, s->stop_signal, (long long)s->stop_timeout_ms,
		 s->send_sigkill ? "" : " (no SIGKILL)",
		 s->kill_mode == KILL_GROUP ? "control-group" : s->kill_mode == KILL_MIXED ? "mixed" : "process",
		 out_name(&s->out, o1, sizeof(o1)),
		 out_name(&s->err, o2, sizeof(o2)));
	out(arg, line);
	for (size_t i = 0; i < s->nconds; i++) {
		const struct cfg_cond *c = &s->conds[i];

		units_fmt(line, sizeof(line), "  %s%s=%s%s%s: %s", c->assert ? "Assert" : "Condition",
			 units_cond_name(c->kind), c->trigger ? "|" : "", c->negate ? "!" : "",
			 c->arg,
			 !units_cond_known(c->kind) ? "not evaluated (taken as met)"
			 : src && src->root ? "evaluated at each start"
			 : units_cond_one(c, NULL) ? "holds now" : "does not hold now");
		out(arg, line);
	}
	for (size_t i = 0; i < cfg->nnotes; i++)
		if (!done[i] && note_of(cfg->notes[i], s->sources)) {
			done[i] = 1;
			units_fmt(line, sizeof(line), "  %s", cfg->notes[i]);
			out(arg, line);
		}
}

void units_report(const struct cfg *cfg, const struct cfg_sources *src,
		  void (*out)(void *arg, const char *line), void *arg)
{
	char *done = calloc(cfg->nnotes + 1, 1), line[4200];
	int header = 0;

	if (!done)
		return;
	for (size_t i = 0; i < cfg->nsvcs; i++)
		if (cfg->svcs[i].origin != ORIGIN_SERVICES_D)
			one(cfg, &cfg->svcs[i], src, done, out, arg);
	for (size_t i = 0; i < cfg->nnotes; i++) {
		if (done[i])
			continue;
		if (!header++)
			out(arg, "not run, or not applied:");
		units_fmt(line, sizeof(line), "  %s", cfg->notes[i]);
		out(arg, line);
	}
	free(done);
}
