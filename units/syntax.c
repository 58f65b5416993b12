// SPDX-License-Identifier: MIT
/*
 * systemd's unit-file syntax (systemd.syntax(7)): [Section] headers,
 * Key=Value lines, '#' and ';' comment lines (also inside a continued
 * line), a '\' at the end of a line continues it (the '\' becomes a
 * space); and its values: words unquoted as extract_first_word() does
 * (quotes anywhere in a word, C escapes inside and outside quotes),
 * booleans, time spans.
 */
#include "units.h"
#include "units-internal.h"
#include "config/nametab.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int add_kv(struct unit *u, const char *section, const char *key,
		  size_t klen, const char *value, int fileidx, int line)
{
	struct unit_kv *kv = realloc(u->kv, (u->nkv + 1) * sizeof(*kv));

	if (!kv)
		return -ENOMEM;
	u->kv = kv;
	kv += u->nkv;
	kv->section = strdup(section);
	kv->key = strndup(key, klen);
	kv->value = strdup(value);
	kv->file = fileidx;
	kv->line = line;
	if (!kv->section || !kv->key || !kv->value) {
		free(kv->section);
		free(kv->key);
		free(kv->value);
		return -ENOMEM;
	}
	u->nkv++;
	return 0;
}

static char *strip(char *s)
{
	char *e = s + strlen(s);

	while (*s && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Does s end with a '\' that is not itself escaped? */
static int continues(const char *s)
{
	int esc = 0;

	for (; *s; s++)
		esc = esc ? 0 : *s == '\\';
	return esc;
}

struct parse {
	struct unit *u;
	int fileidx;
	char section[128];
	int in_bad;		/* after a bad section header */
	void (*bad)(void *arg, const char *file, int line, const char *msg);
	void *arg;
};

static void bad(struct parse *p, int line, const char *msg)
{
	if (p->bad)
		p->bad(p->arg, p->u->files[p->fileidx], line, msg);
}

static int one_line(struct parse *p, char *l, int line)
{
	char *eq, *key, *value;
	size_t n;

	if (*l == '[') {
		n = strlen(l);
		if (n < 3 || l[n - 1] != ']' || n - 2 >= sizeof(p->section)) {
			bad(p, line, "bad section header; the lines up to the next section are ignored");
			p->section[0] = '\0';
			p->in_bad = 1;
			return 0;
		}
		memcpy(p->section, l + 1, n - 2);
		p->section[n - 2] = '\0';
		p->in_bad = 0;
		return 0;
	}
	if (!p->section[0]) {
		if (!p->in_bad)
			bad(p, line, "assignment outside of a section: ignored");
		return 0;
	}
	eq = strchr(l, '=');
	if (!eq) {
		bad(p, line, "missing '=': line ignored");
		return 0;
	}
	*eq = '\0';
	key = strip(l);
	value = strip(eq + 1);
	if (!*key) {
		bad(p, line, "missing key name: line ignored");
		return 0;
	}
	return add_kv(p->u, p->section, key, strlen(key), value, p->fileidx,
		      line);
}

int unit_parse_text(struct unit *u, int fileidx, const char *text,
		    void (*badfn)(void *arg, const char *file, int line,
				  const char *msg),
		    void *arg)
{
	struct parse p = { .u = u, .fileidx = fileidx, .bad = badfn, .arg = arg };
	char *cont = NULL;
	int lineno = 0, first = 0, r = 0;

	if (!strncmp(text, "\xef\xbb\xbf", 3))
		text += 3;
	while (*text && r == 0) {
		size_t len = strcspn(text, "\n");
		char *raw = strndup(text, len), *l, *joined;

		text += len + (text[len] == '\n');
		lineno++;
		if (!raw)
			break;
		l = strip(raw);
		if (cont && (*l == '#' || *l == ';')) {
			free(raw);
			continue; /* a comment inside a continued line */
		}
		if (!cont && (!*l || *l == '#' || *l == ';')) {
			free(raw);
			continue;
		}
		if (!cont)
			first = lineno;
		if (asprintf(&joined, "%s%s", cont ? cont : "", l) < 0)
			joined = NULL;
		free(raw);
		free(cont);
		cont = NULL;
		if (!joined) {
			r = -ENOMEM;
			break;
		}
		if (continues(joined) && *text) {
			joined[strlen(joined) - 1] = ' ';
			cont = joined;
			continue;
		}
		if (continues(joined))
			joined[strlen(joined) - 1] = ' ';
		r = one_line(&p, joined, first);
		free(joined);
	}
	if (cont && r == 0)
		r = one_line(&p, cont, first);
	free(cont);
	return r;
}

/* ---- words ---- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Append code point c as UTF-8. */
static size_t put_utf8(char *o, unsigned long c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (c >> 18));
	o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* systemd's cunescape_one: p after the '\'. Returns the characters
 * taken (>0) with the bytes in o (*olen), or -EINVAL. */
int units_cunescape_one(const char *p, char *o, size_t *olen)
{
	static const char simple[] = "abfnrtv\\\"'s";
	static const char value[] = "\a\b\f\n\r\t\v\\\"' ";
	const char *k = *p ? strchr(simple, *p) : NULL;
	unsigned long c = 0;
	int n, digits;

	if (k) {
		o[0] = value[k - simple];
		*olen = 1;
		return 1;
	}
	if (*p == 'x' || *p == 'u' || *p == 'U') {
		digits = *p == 'x' ? 2 : *p == 'u' ? 4 : 8;
		for (n = 1; n <= digits; n++) {
			int h = hexval((unsigned char)p[n]);

			if (h < 0)
				return -EINVAL;
			c = c * 16 + (unsigned long)h;
		}
		if (c == 0 || c > 0x10ffff)
			return -EINVAL;
		if (*p == 'x') {
			o[0] = (char)c;
			*olen = 1;
		} else {
			*olen = put_utf8(o, c);
		}
		return digits + 1;
	}
	if (*p >= '0' && *p <= '7') {
		for (n = 0; n < 3; n++) {
			if (p[n] < '0' || p[n] > '7')
				return -EINVAL;
			c = c * 8 + (unsigned long)(p[n] - '0');
		}
		if (c == 0 || c > 255)
			return -EINVAL;
		o[0] = (char)c;
		*olen = 1;
		return 3;
	}
	return -EINVAL;
}

int unit_next_word(const char **pp, char **out, const char **why)
{
	const char *p = *pp;
	char *o, *w, q = 0;
	size_t olen;
	int n;

	*out = NULL;
	while (*p && isspace((unsigned char)*p))
		p++;
	if (!*p) {
		*pp = p;
		return 0;
	}
	w = o = malloc(strlen(p) * 2 + 8);
	if (!w) {
		*why = "out of memory";
		return -ENOMEM;
	}
	for (; *p; p++) {
		if (!q && isspace((unsigned char)*p))
			break;
		if (q && *p == q) {
			q = 0;
		} else if (!q && (*p == '"' || *p == '\'')) {
			q = *p;
		} else if (*p == '\\') {
			n = units_cunescape_one(p + 1, o, &olen);
			if (n < 0) {
				free(w);
				*why = p[1] ? "bad escape sequence"
					    : "a '\\' at the end";
				return -EINVAL;
			}
			o += olen;
			p += n;
		} else {
			*o++ = *p;
		}
	}
	if (q) {
		free(w);
		*why = "unterminated quote";
		return -EINVAL;
	}
	*o = '\0';
	*pp = p;
	*out = w;
	return 1;
}

char **unit_split(const char *s, const char **why)
{
	char **v = calloc(1, sizeof(*v)), *w, **nv;
	size_t n = 0;
	int r;

	if (!v) {
		*why = "out of memory";
		return NULL;
	}
	while ((r = unit_next_word(&s, &w, why)) > 0) {
		nv = realloc(v, (n + 2) * sizeof(*v));
		if (!nv) {
			free(w);
			r = -ENOMEM;
			*why = "out of memory";
			break;
		}
		v = nv;
		v[n++] = w;
		v[n] = NULL;
	}
	if (r < 0) {
		cfg_free_words(v);
		return NULL;
	}
	return v;
}

int unit_parse_bool(const char *s, int *b)
{
	NAMETAB_BEGIN
	static const char yes[][5] = { "1", "yes", "y", "true", "t", "on" };
	static const char no[][6] = { "0", "no", "n", "false", "f", "off" };
	NAMETAB_END

	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
		if (!strcasecmp(s, yes[i])) {
			*b = 1;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*b = 0;
			return 0;
		}
	}
	return -EINVAL;
}

NAMETAB_BEGIN
static const struct {
	char name[10];
	double ms;
} time_units[] = {
	{ "usec", 0.001 }, { "us", 0.001 }, { "\xc2\xb5s", 0.001 },
	{ "msec", 1 }, { "ms", 1 },
	{ "seconds", 1000 }, { "second", 1000 }, { "sec", 1000 }, { "s", 1000 },
	{ "minutes", 60000 }, { "minute", 60000 }, { "min", 60000 },
	{ "m", 60000 },
	{ "hours", 3600000 }, { "hour", 3600000 }, { "hr", 3600000 },
	{ "h", 3600000 },
	{ "days", 86400000 }, { "day", 86400000 }, { "d", 86400000 },
	{ "weeks", 604800000 }, { "week", 604800000 }, { "w", 604800000 },
	{ "months", 2629800000.0 }, { "month", 2629800000.0 },
	{ "M", 2629800000.0 },
	{ "years", 31557600000.0 }, { "year", 31557600000.0 },
	{ "y", 31557600000.0 },
};
NAMETAB_END

int unit_parse_timespan(const char *s, int64_t def_unit_ms, int64_t *ms)
{
	double total = 0;
	int parts = 0;

	while (isspace((unsigned char)*s))
		s++;
	if (!strcmp(s, "infinity")) {
		*ms = -1;
		return 0;
	}
	while (*s) {
		char *end;
		double v;
		size_t k, best = 0, bi = 0;

		if (*s == '-' || *s == '+')
			return -EINVAL;
		v = strtod(s, &end);
		if (end == s || !isfinite(v))
			return -EINVAL;
		s = end;
		while (isspace((unsigned char)*s))
			s++;
		for (k = 0; k < sizeof(time_units) / sizeof(*time_units); k++) {
			size_t n = strlen(time_units[k].name);

			if (!strncmp(s, time_units[k].name, n) && n > best &&
			    !isalpha((unsigned char)s[n])) {
				best = n;
				bi = k;
			}
		}
		total += best ? v * time_units[bi].ms : v * (double)def_unit_ms;
		s += best;
		parts++;
		while (isspace((unsigned char)*s))
			s++;
		if (!best && *s)
			return -EINVAL; /* a bare number is the last part */
	}
	if (!parts || total > 9.2e15)
		return -EINVAL;
	*ms = (int64_t)(total + 0.5);
	if (*ms == 0 && total > 0)
		*ms = 1;
	return 0;
}
