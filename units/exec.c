// SPDX-License-Identifier: MIT
/*
 * Command lines of units (systemd.service(5), "Command lines"): the
 * prefixes "-@:+!" and "!!", words unquoted with C escapes, a ';' word
 * between commands ("\;" is an argument), specifiers in every word; at
 * each start, $VAR and ${VAR} from the command's environment; and the
 * EnvironmentFile= syntax, systemd's, not services.d's.
 */
#include "units.h"
#include "units-internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int push(char ***v, size_t *n, char *w)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(*nv));

	if (!nv) {
		free(w);
		return -ENOMEM;
	}
	nv[(*n)++] = w;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

static unsigned prefixes(const char **f)
{
	unsigned fl = 0;
	int argv0 = 0, noexpand = 0, priv = 0;

	for (;; (*f)++) {
		if (**f == '-' && !(fl & CFG_EXEC_IGNORE)) {
			fl |= CFG_EXEC_IGNORE;
		} else if (**f == '@' && !argv0) {
			argv0 = 1;
			fl |= CFG_EXEC_ARGV0;
		} else if (**f == ':' && !noexpand) {
			noexpand = 1;
		} else if (**f == '+' && !priv && !(fl & CFG_EXEC_NOSETUID)) {
			priv = 1;
			fl |= CFG_EXEC_PRIV;
		} else if (**f == '!' && !priv && !(fl & CFG_EXEC_NOSETUID) &&
			   priv != 2) {
			fl |= CFG_EXEC_NOSETUID;
		} else if (**f == '!' && !priv && priv != 2) {
			fl &= ~(unsigned)CFG_EXEC_NOSETUID; /* "!!" */
			priv = 2;
		} else {
			break;
		}
	}
	if (!noexpand)
		fl |= CFG_EXEC_EXPAND;
	return fl;
}

static int is_filename(const char *p)
{
	return *p && !strchr(p, '/') && strcmp(p, ".") && strcmp(p, "..");
}

/* One command from *p; *sep set when a ';' ends it. */
static int one_command(const struct unit_spec *sp, const char **p,
		       struct cfg_cmds *cmds, const char *file, int line,
		       int *sep, const char **why)
{
	char *first = NULL, *path = NULL, *w, *res, **argv = NULL;
	const char *f;
	size_t n = 0;
	unsigned fl;
	int r;

	*sep = 0;
	r = unit_next_word(p, &first, why);
	if (r <= 0)
		return r;
	if (!strcmp(first, ";")) {
		free(first);
		*sep = 1;
		return 0;
	}
	f = first;
	fl = prefixes(&f);
	r = unit_specifiers(sp, f, &path, why);
	free(first);
	if (r < 0)
		return r;
	if (!*path || (path[0] != '/' && !is_filename(path)) ||
	    path[strlen(path) - 1] == '/') {
		*why = !*path ? "no command after the prefixes"
			      : "neither an absolute path nor a program name";
		free(path);
		return -EINVAL;
	}
	if (push(&argv, &n, path) < 0)
		goto oom;
	if (fl & CFG_EXEC_ARGV0 && !**p) {
		*why = "'@' needs the name the program is to see as argv[0]";
		cfg_free_words(argv);
		return -EINVAL;
	}
	for (;;) {
		while (isspace((unsigned char)**p))
			(*p)++;
		if (!**p)
			break;
		if (**p == ';' && (!(*p)[1] || isspace((unsigned char)(*p)[1]))) {
			(*p)++;
			*sep = 1;
			break;
		}
		if (**p == '\\' && (*p)[1] == ';' &&
		    (!(*p)[2] || isspace((unsigned char)(*p)[2]))) {
			*p += 2;
			if (!(w = strdup(";")) || push(&argv, &n, w) < 0)
				goto oom;
			continue;
		}
		r = unit_next_word(p, &w, why);
		if (r < 0) {
			cfg_free_words(argv);
			return r;
		}
		if (r == 0)
			break;
		r = unit_specifiers(sp, w, &res, why);
		free(w);
		if (r < 0) {
			cfg_free_words(argv);
			return r;
		}
		if (push(&argv, &n, res) < 0)
			goto oom;
	}
	if (cfg_cmds_add(cmds, argv, fl, file, line) < 0)
		goto oom;
	return 1;
oom:
	cfg_free_words(argv);
	*why = "out of memory";
	return -ENOMEM;
}

int unit_parse_exec(const struct unit_spec *sp, const char *value,
		    struct cfg_cmds *cmds, const char *file, int line,
		    const char **why)
{
	const char *p = value;
	struct cfg_cmds got = { 0 };
	int sep, r;

	while (isspace((unsigned char)*p))
		p++;
	if (!*p) { /* an empty assignment resets the list */
		cfg_cmds_free(cmds);
		return 0;
	}
	do {
		r = one_command(sp, &p, &got, file, line, &sep, why);
		if (r < 0) {
			cfg_cmds_free(&got);
			return r;
		}
	} while (sep || r > 0);
	for (size_t i = 0; i < got.n; i++) {
		if (cfg_cmds_add(cmds, got.v[i].argv, got.v[i].flags, file,
				 line) < 0) {
			cfg_cmds_free(&got); /* the ones not moved yet */
			*why = "out of memory";
			return -ENOMEM;
		}
		got.v[i].argv = NULL;
	}
	cfg_cmds_free(&got);
	return 0;
}

/* ---- $VAR at start ---- */

static const char *env_get(char *const *env, const char *name, size_t n)
{
	for (; env && *env; env++)
		if (!strncmp(*env, name, n) && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

/* gcc 12's analyzer loses a word stored by push() into the array it
 * realloc'd and calls it leaked (the pattern launcher/conf.c names);
 * each word is freed with the array, or by push() when it fails. */
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif

/* A value split at blanks, quotes respected and removed, a '\' taking
 * the next character as it is (systemd: EXTRACT_UNQUOTE|EXTRACT_RELAX). */
static int split_value(const char *v, char ***out, size_t *n)
{
	while (*v) {
		char *w, *o, q = 0;

		while (isspace((unsigned char)*v))
			v++;
		if (!*v)
			break;
		w = o = calloc(strlen(v) + 1, 1);
		if (!w)
			return -ENOMEM;
		for (; *v && (q || !isspace((unsigned char)*v)); v++) {
			if (q && *v == q)
				q = 0;
			else if (!q && (*v == '"' || *v == '\''))
				q = *v;
			else if (*v == '\\' && v[1])
				*o++ = *++v;
			else if (*v != '\\')
				*o++ = *v;
		}
		*o = '\0';
		if (push(out, n, w) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* ${VAR} anywhere and $$ in one word (systemd's replace_env). */
static char *replace_word(const char *s, char *const *env)
{
	size_t cap = strlen(s) + 1, n = 0;
	char *o = malloc(cap), *no;

	if (!o)
		return NULL;
	while (*s) {
		const char *add = s, *end;
		size_t al = 1, skip = 1;

		if (s[0] == '$' && s[1] == '$') {
			skip = 2;
		} else if (s[0] == '$' && s[1] == '{' && (end = strchr(s + 2, '}'))) {
			add = env_get(env, s + 2, (size_t)(end - s - 2));
			add = add ? add : "";
			al = strlen(add);
			skip = (size_t)(end - s) + 1;
		}
		if (n + al + 1 > cap) {
			cap = (n + al + 1) * 2;
			no = realloc(o, cap);
			if (!no) {
				free(o);
				return NULL;
			}
			o = no;
		}
		memcpy(o + n, add, al);
		n += al;
		s += skip;
	}
	o[n] = '\0';
	return o;
}

char **units_expand_argv(char *const *argv, char *const *env)
{
	char **out = calloc(1, sizeof(*out)), *w;
	size_t n = 0;

	for (size_t i = 0; out && argv && argv[i]; i++) {
		const char *a = argv[i];

		if (i > 0 && a[0] == '$' && a[1] != '{' && a[1] != '$') {
			const char *v = env_get(env, a + 1, strlen(a + 1));

			if (v && split_value(v, &out, &n) < 0)
				goto oom;
			continue;
		}
		w = i == 0 ? strdup(a) : replace_word(a, env);
		if (!w || push(&out, &n, w) < 0)
			goto oom;
	}
	return out;
oom:
	cfg_free_words(out);
	return NULL;
}
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/* ---- EnvironmentFile= ---- */

static int valid_name(const char *k)
{
	if (!*k || isdigit((unsigned char)*k))
		return 0;
	for (; *k; k++)
		if (!isalnum((unsigned char)*k) && *k != '_')
			return 0;
	return 1;
}

struct envp {
	char ***env;
	char *key, *val;
	size_t kn, vn, vtrim;	/* vtrim: value length without trailing blanks */
	int line, first_bad;
	void (*bad)(void *arg, int line);
	void *arg;
};

static int env_push(struct envp *e)
{
	char *kv;
	int r = 0;

	e->key[e->kn] = '\0';
	while (e->kn && isspace((unsigned char)e->key[e->kn - 1]))
		e->key[--e->kn] = '\0';
	e->val[e->vtrim] = '\0';
	if (!valid_name(e->key)) {
		if (!e->first_bad)
			e->first_bad = e->line;
		if (e->bad)
			e->bad(e->arg, e->line);
	} else if (asprintf(&kv, "%s=%s", e->key, e->val) < 0) {
		r = -ENOMEM;
	} else {
		r = cfg_env_set(e->env, kv);
		free(kv);
	}
	e->kn = e->vn = e->vtrim = 0;
	return r;
}

enum { PRE_KEY, KEY, PRE_VALUE, VALUE, VALUE_ESC, SQ, DQ, DQ_ESC, COMMENT,
       COMMENT_ESC };

int units_parse_env_file(const char *text, char ***env,
			 void (*bad)(void *arg, int line), void *arg)
{
	size_t len = strlen(text);
	struct envp e = { .env = env, .key = malloc(len + 1),
			  .val = malloc(len + 1), .bad = bad, .arg = arg };
	int st = PRE_KEY, line = 1, r = 0;

	if (!e.key || !e.val) {
		free(e.key);
		free(e.val);
		return 1;
	}
	for (const char *p = text; *p && r == 0; p++) {
		char c = *p;

		switch (st) {
		case PRE_KEY:
			if (c == '#' || c == ';')
				st = COMMENT;
			else if (!isspace((unsigned char)c)) {
				st = KEY;
				e.line = line;
				e.key[e.kn++] = c;
			}
			break;
		case KEY:
			if (c == '\n') {
				e.key[e.kn] = '\0';
				if (!e.first_bad)
					e.first_bad = e.line;
				if (bad)
					bad(arg, e.line);
				e.kn = 0;
				st = PRE_KEY;
			} else if (c == '=') {
				st = PRE_VALUE;
			} else {
				e.key[e.kn++] = c;
			}
			break;
		case PRE_VALUE:
			if (c == '\n') {
				r = env_push(&e);
				st = PRE_KEY;
			} else if (c == '\'') {
				st = SQ;
			} else if (c == '"') {
				st = DQ;
			} else if (c == '\\') {
				st = VALUE_ESC;
			} else if (!isspace((unsigned char)c)) {
				e.val[e.vn++] = c;
				e.vtrim = e.vn;
				st = VALUE;
			}
			break;
		case VALUE:
			if (c == '\n') {
				r = env_push(&e);
				st = PRE_KEY;
			} else if (c == '\\') {
				st = VALUE_ESC;
			} else {
				e.val[e.vn++] = c;
				if (!isspace((unsigned char)c))
					e.vtrim = e.vn;
			}
			break;
		case VALUE_ESC:
			if (c != '\n') {
				e.val[e.vn++] = c;
				e.vtrim = e.vn;
			}
			st = VALUE;
			break;
		case SQ:
			if (c == '\'') {
				st = PRE_VALUE;
			} else {
				e.val[e.vn++] = c;
				e.vtrim = e.vn;
			}
			break;
		case DQ:
			if (c == '"')
				st = PRE_VALUE;
			else if (c == '\\')
				st = DQ_ESC;
			else {
				e.val[e.vn++] = c;
				e.vtrim = e.vn;
			}
			break;
		case DQ_ESC:
			if (strchr("\"\\`$", c)) {
				e.val[e.vn++] = c;
			} else if (c != '\n') {
				e.val[e.vn++] = '\\';
				e.val[e.vn++] = c;
			}
			e.vtrim = e.vn;
			st = DQ;
			break;
		case COMMENT:
			if (c == '\\')
				st = COMMENT_ESC;
			else if (c == '\n')
				st = PRE_KEY;
			break;
		case COMMENT_ESC:
			st = COMMENT;
			break;
		}
		if (c == '\n')
			line++;
	}
	if (r == 0 && (st == PRE_VALUE || st == VALUE || st == VALUE_ESC ||
		       st == SQ || st == DQ || st == DQ_ESC))
		r = env_push(&e);
	else if (r == 0 && st == KEY && bad)
		bad(arg, e.line);
	if (r == 0 && st == KEY && !e.first_bad)
		e.first_bad = e.line;
	free(e.key);
	free(e.val);
	return r < 0 ? (e.first_bad ? e.first_bad : 1) : e.first_bad;
}
