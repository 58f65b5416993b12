// SPDX-License-Identifier: MIT
/*
 * Shell-style word splitting for `exec`, `env` and friends, and the env
 * file format. No expansion of any kind: what is written is what runs.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

size_t cfg_count_words(char *const *w)
{
	size_t n = 0;

	while (w && w[n])
		n++;
	return n;
}

void cfg_free_words(char **w)
{
	for (size_t i = 0; w && w[i]; i++)
		free(w[i]);
	free(w);
}

static int push(char ***list, size_t *n, char *word)
{
	char **l = realloc(*list, (*n + 2) * sizeof(*l));

	if (!l)
		return -ENOMEM;
	l[(*n)++] = word;
	l[*n] = NULL;
	*list = l;
	return 0;
}

/* One word starting at *sp; advances *sp. */
static char *one_word(const char **sp, const char **why)
{
	const char *s = *sp;
	char *out = malloc(strlen(s) + 1), *o = out, q = 0;

	if (!out)
		return NULL;
	for (; *s && (q || !isspace((unsigned char)*s)); s++) {
		if (q == '\'') {
			if (*s == '\'')
				q = 0;
			else
				*o++ = *s;
		} else if (*s == '\\' && s[1] &&
			   (!q || strchr("\"\\$`", s[1]))) {
			*o++ = *++s;
		} else if (q == '"' && *s == '"') {
			q = 0;
		} else if (!q && (*s == '\'' || *s == '"')) {
			q = *s;
		} else {
			*o++ = *s;
		}
	}
	if (q) {
		free(out);
		*why = q == '"' ? "unterminated double quote"
				: "unterminated single quote";
		errno = EINVAL;
		return NULL;
	}
	*o = '\0';
	*sp = s;
	return out;
}

char **cfg_split_words(const char *s, const char **why)
{
	char **list = NULL, *w;
	size_t n = 0;

	*why = "out of memory";
	if (push(&list, &n, NULL) < 0)
		return NULL;
	n = 0;
	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			return list;
		w = one_word(&s, why);
		if (!w || push(&list, &n, w) < 0) {
			free(w);
			cfg_free_words(list);
			return NULL;
		}
	}
}

static int valid_key(const char *kv)
{
	const char *eq = strchr(kv, '=');

	if (!eq || eq == kv)
		return 0;
	for (const char *p = kv; p < eq; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_') ||
		    (p == kv && isdigit((unsigned char)*p)))
			return 0;
	return 1;
}

int cfg_env_set(char ***env, const char *kv)
{
	size_t klen = (size_t)(strchr(kv, '=') - kv), n = cfg_count_words(*env);
	char *copy = strdup(kv);

	if (!copy)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (strncmp((*env)[i], kv, klen + 1) == 0) {
			free((*env)[i]);
			(*env)[i] = copy;
			return 0;
		}
	}
	if (push(env, &n, copy) < 0) {
		free(copy);
		return -ENOMEM;
	}
	return 0;
}

int cfg_env_merge(char ***env, char *const *add)
{
	for (; add && *add; add++)
		if (strchr(*add, '=') && cfg_env_set(env, *add) < 0)
			return -ENOMEM;
	return 0;
}

/* The value part of an env-file line, unquoted, into out. */
static int env_value(const char *v, char *out)
{
	char q = 0;

	while (*v == ' ' || *v == '\t')
		v++;
	if (*v == '"' || *v == '\'')
		q = *v++;
	for (; *v; v++) {
		if (q && *v == q) {
			*out = '\0';
			v++;
			while (*v == ' ' || *v == '\t')
				v++;
			return *v == '\0' || *v == '#' ? 0 : -EINVAL;
		}
		if (q == '"' && *v == '\\' && v[1]) {
			v++;
			*out++ = *v == 'n' ? '\n' : *v;
			continue;
		}
		if (!q && *v == '#' && (v[-1] == ' ' || v[-1] == '\t'))
			break;
		*out++ = *v;
	}
	if (q)
		return -EINVAL;
	while (!q && out[-1] == ' ')
		out--;
	*out = '\0';
	return 0;
}

static int env_line(char *line, char ***env)
{
	char *p = line, *kv;
	size_t klen;
	int r;

	while (isspace((unsigned char)*p))
		p++;
	if (!*p || *p == '#')
		return 0;
	if (strncmp(p, "export ", 7) == 0)
		p += 7;
	if (!valid_key(p))
		return -EINVAL;
	klen = (size_t)(strchr(p, '=') - p);
	kv = malloc(strlen(p) + 2);
	if (!kv)
		return -ENOMEM;
	memcpy(kv, p, klen + 1);
	kv[klen + 1] = '\0';
	r = env_value(p + klen + 1, kv + klen + 1);
	if (r == 0)
		r = cfg_env_set(env, kv);
	free(kv);
	return r;
}

int cfg_parse_env_lines(const char *text, char ***env,
			void (*bad)(void *arg, int line, const char *text),
			void *arg)
{
	int lineno = 0, first = 0;

	if (strncmp(text, "\xef\xbb\xbf", 3) == 0)
		text += 3; /* a UTF-8 byte order mark */
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		char *line = strndup(text, len);

		lineno++;
		if (!line)
			return first ? first : lineno;
		if (len && line[len - 1] == '\r')
			line[len - 1] = '\0';
		if (env_line(line, env) < 0) {
			/* skipped; the lines after it still count */
			if (!first)
				first = lineno;
			if (bad)
				bad(arg, lineno, line);
		}
		free(line);
		text += len + (nl ? 1 : 0);
	}
	return first;
}

int cfg_parse_env_text(const char *text, char ***env)
{
	return cfg_parse_env_lines(text, env, NULL, NULL);
}
