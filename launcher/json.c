// SPDX-License-Identifier: MIT
/*
 * The JSON scanner and text edits of pouch-runc; see json.h.
 */
#include "json.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scan {
	struct lch_json *j;
	size_t pos;
};

static int fail(struct scan *s, const char *why)
{
	if (!s->j->err) {
		s->j->err = why;
		s->j->err_at = s->pos;
	}
	return -1;
}

static int new_node(struct scan *s, enum lch_jtype type)
{
	struct lch_json *j = s->j;

	if (j->nn == j->cap) {
		int cap = j->cap ? j->cap * 2 : 64;
		struct lch_jnode *n = realloc(j->n, (size_t)cap * sizeof(*n));

		if (!n)
			return fail(s, "out of memory");
		j->n = n;
		j->cap = cap;
	}
	j->n[j->nn] = (struct lch_jnode){ .type = type, .start = s->pos,
					  .first = -1, .next = -1 };
	return j->nn++;
}

static void skip_ws(struct scan *s)
{
	while (s->pos < s->j->len && strchr(" \t\n\r", s->j->text[s->pos]) &&
	       s->j->text[s->pos])
		s->pos++;
}

static int peek(struct scan *s)
{
	return s->pos < s->j->len ? (unsigned char)s->j->text[s->pos] : -1;
}

static int is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static int scan_string(struct scan *s)
{
	int n = new_node(s, LCH_J_STRING), c;

	if (n < 0)
		return -1;
	s->pos++; /* the opening quote */
	for (;;) {
		c = peek(s);
		if (c < 0)
			return fail(s, "unterminated string");
		if (c < 0x20)
			return fail(s, "control character in a string");
		s->pos++;
		if (c == '"')
			break;
		if (c != '\\')
			continue;
		c = peek(s);
		if (c < 0 || !strchr("\"\\/bfnrtu", c))
			return fail(s, "bad escape in a string");
		s->pos++;
		if (c == 'u') {
			for (int k = 0; k < 4; k++, s->pos++)
				if (!is_hex(peek(s)))
					return fail(s, "bad \\u escape in a string");
		}
	}
	s->j->n[n].end = s->pos;
	return n;
}

static int digits(struct scan *s)
{
	size_t from = s->pos;

	while (peek(s) >= '0' && peek(s) <= '9')
		s->pos++;
	return s->pos > from;
}

static int scan_number(struct scan *s)
{
	int n = new_node(s, LCH_J_NUMBER);

	if (n < 0)
		return -1;
	if (peek(s) == '-')
		s->pos++;
	if (peek(s) == '0')
		s->pos++;
	else if (!digits(s))
		return fail(s, "bad number");
	if (peek(s) == '.') {
		s->pos++;
		if (!digits(s))
			return fail(s, "bad number");
	}
	if (peek(s) == 'e' || peek(s) == 'E') {
		s->pos++;
		if (peek(s) == '+' || peek(s) == '-')
			s->pos++;
		if (!digits(s))
			return fail(s, "bad number");
	}
	s->j->n[n].end = s->pos;
	return n;
}

static int scan_word(struct scan *s, const char *w, enum lch_jtype type)
{
	size_t len = strlen(w);
	int n;

	if (s->j->len - s->pos < len || memcmp(s->j->text + s->pos, w, len))
		return fail(s, "unexpected character");
	n = new_node(s, type);
	if (n < 0)
		return -1;
	s->pos += len;
	s->j->n[n].end = s->pos;
	return n;
}

static int scan_value(struct scan *s, int depth);

/* link child after *last under parent */
static void link(struct lch_json *j, int parent, int *last, int child)
{
	if (*last < 0)
		j->n[parent].first = child;
	else
		j->n[*last].next = child;
	*last = child;
}

static int scan_members(struct scan *s, int n, int depth)
{
	int last = -1, k, v;

	for (;;) {
		skip_ws(s);
		if (peek(s) != '"')
			return fail(s, "expected a member name");
		if ((k = scan_string(s)) < 0)
			return -1;
		link(s->j, n, &last, k);
		skip_ws(s);
		if (peek(s) != ':')
			return fail(s, "expected ':'");
		s->pos++;
		if ((v = scan_value(s, depth + 1)) < 0)
			return -1;
		link(s->j, n, &last, v);
		s->j->n[n].count++;
		skip_ws(s);
		if (peek(s) == '}')
			return 0;
		if (peek(s) != ',')
			return fail(s, "expected ',' or '}'");
		s->pos++;
	}
}

static int scan_elements(struct scan *s, int n, int depth)
{
	int last = -1, v;

	for (;;) {
		if ((v = scan_value(s, depth + 1)) < 0)
			return -1;
		link(s->j, n, &last, v);
		s->j->n[n].count++;
		skip_ws(s);
		if (peek(s) == ']')
			return 0;
		if (peek(s) != ',')
			return fail(s, "expected ',' or ']'");
		s->pos++;
	}
}

static int scan_container(struct scan *s, int depth, int object)
{
	int n = new_node(s, object ? LCH_J_OBJECT : LCH_J_ARRAY);

	if (n < 0)
		return -1;
	if (depth >= LCH_JSON_MAX_DEPTH)
		return fail(s, "nested too deeply");
	s->pos++;
	skip_ws(s);
	if (peek(s) != (object ? '}' : ']') &&
	    (object ? scan_members(s, n, depth) : scan_elements(s, n, depth)) < 0)
		return -1;
	s->pos++;
	s->j->n[n].end = s->pos;
	return n;
}

static int scan_value(struct scan *s, int depth)
{
	int c;

	skip_ws(s);
	c = peek(s);
	switch (c) {
	case '{': return scan_container(s, depth, 1);
	case '[': return scan_container(s, depth, 0);
	case '"': return scan_string(s);
	case 't': return scan_word(s, "true", LCH_J_TRUE);
	case 'f': return scan_word(s, "false", LCH_J_FALSE);
	case 'n': return scan_word(s, "null", LCH_J_NULL);
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return scan_number(s);
		return fail(s, c < 0 ? "unexpected end of the text" : "unexpected character");
	}
}

int lch_json_parse(struct lch_json *j, const char *text, size_t len)
{
	struct scan s = { .j = j, .pos = 0 };

	memset(j, 0, sizeof(*j));
	j->text = text;
	j->len = len;
	return scan_value(&s, 0) < 0 ? -1 : 0;
}

void lch_json_free(struct lch_json *j)
{
	free(j->n);
	j->n = NULL;
	j->nn = j->cap = 0;
}

void lch_json_where(const struct lch_json *j, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < j->len; i++) {
		if (j->text[i] == '\n') {
			++*line;
			*col = 1;
		} else {
			++*col;
		}
	}
}

static unsigned hex4(const char *p)
{
	unsigned v = 0;

	for (int k = 0; k < 4; k++) {
		int c = (unsigned char)p[k];

		v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* one \uXXXX escape at p (after the backslash and u), or a surrogate
 * pair; a lone surrogate is U+FFFD, as in Go */
static unsigned unicode_escape(const char *p, const char *end, size_t *used)
{
	unsigned cp = hex4(p), lo;

	*used = 4;
	if (cp < 0xd800 || cp > 0xdfff)
		return cp;
	if (cp < 0xdc00 && end - p >= 10 && p[4] == '\\' && p[5] == 'u') {
		lo = hex4(p + 6);
		if (lo >= 0xdc00 && lo <= 0xdfff) {
			*used = 10;
			return 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		}
	}
	return 0xfffd;
}

char *lch_json_string(const struct lch_json *j, int node, size_t *len)
{
	const struct lch_jnode *n;
	const char *p, *end;
	char *out, *o;
	size_t used;

	if (node < 0 || node >= j->nn || j->n[node].type != LCH_J_STRING)
		return NULL;
	n = &j->n[node];
	p = j->text + n->start + 1;
	end = j->text + n->end - 1;
	out = o = calloc(1, (size_t)(end - p) + 1); /* decoding never grows */
	if (!out)
		return NULL;
	while (p < end) {
		if (*p != '\\') {
			*o++ = *p++;
			continue;
		}
		p++;
		switch (*p++) {
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			o += put_utf8(o, unicode_escape(p, end, &used));
			p += used;
			break;
		default: *o++ = p[-1]; break; /* " \ / */
		}
	}
	*o = '\0';
	if (len)
		*len = (size_t)(o - out);
	return out;
}

int lch_json_is(const struct lch_json *j, int node, const char *s)
{
	size_t len;
	char *v = lch_json_string(j, node, &len);
	int same = v && len == strlen(s) && memcmp(v, s, len) == 0;

	free(v);
	return same;
}

/* Go's equalFoldRight for an ASCII field name and a decoded key: ASCII
 * letters match either case, 's' also matches U+017F and 'k' U+212A. */
static int go_fold_eq(const char *name, const char *key, size_t klen)
{
	const unsigned char *k = (const unsigned char *)key, *kend = k + klen;

	for (; *name; name++) {
		unsigned char c = (unsigned char)*name, l = c | 0x20;

		if (k >= kend)
			return 0;
		if (*k < 0x80) {
			if (*k != c && !(l >= 'a' && l <= 'z' && (*k | 0x20) == l))
				return 0;
			k++;
		} else if (l == 's' && kend - k >= 2 && k[0] == 0xc5 && k[1] == 0xbf) {
			k += 2;
		} else if (l == 'k' && kend - k >= 3 && k[0] == 0xe2 &&
			   k[1] == 0x84 && k[2] == 0xaa) {
			k += 3;
		} else {
			return 0;
		}
	}
	return k == kend;
}

static int find_member(const struct lch_json *j, int obj, const char *name,
		       int fold)
{
	int found = -1, k;
	size_t len, nlen = strlen(name);

	if (obj < 0 || obj >= j->nn || j->n[obj].type != LCH_J_OBJECT)
		return -1;
	for (k = j->n[obj].first; k >= 0; k = j->n[j->n[k].next].next) {
		char *key = lch_json_string(j, k, &len);
		int match;

		if (!key)
			return -2; /* ENOMEM: no answer is better than a wrong one */
		match = fold ? go_fold_eq(name, key, len)
			     : len == nlen && memcmp(key, name, len) == 0;
		free(key);
		if (match && found >= 0)
			return -2;
		if (match)
			found = j->n[k].next;
	}
	return found;
}

int lch_json_member(const struct lch_json *j, int obj, const char *name)
{
	return find_member(j, obj, name, 1);
}

int lch_json_key(const struct lch_json *j, int obj, const char *key)
{
	return find_member(j, obj, key, 0);
}

char *lch_json_quote(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(n * 6 + 3), *o = out;

	if (!out)
		return NULL;
	*o++ = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c < 0x20) {
			o += sprintf(o, "\\u%04x", c);
		} else {
			*o++ = (char)c;
		}
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

void lch_edit(struct lch_edits *e, size_t at, size_t del, const char *fmt, ...)
{
	struct lch_edit *n;
	va_list ap;
	char *text;
	int r;

	if (e->failed)
		return;
	va_start(ap, fmt);
	r = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (r < 0) {
		e->failed = 1;
		return;
	}
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 16;

		n = realloc(e->e, cap * sizeof(*n));
		if (!n) {
			free(text);
			e->failed = 1;
			return;
		}
		e->e = n;
		e->cap = cap;
	}
	e->e[e->n] = (struct lch_edit){ .at = at, .del = del, .seq = e->n,
					.text = text };
	e->n++;
}

static int by_offset(const void *a, const void *b)
{
	const struct lch_edit *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

char *lch_edits_apply(struct lch_edits *e, const char *text, size_t len,
		      size_t *out_len)
{
	size_t total = len, cur = 0, o = 0;
	char *out;

	if (e->failed)
		return NULL;
	qsort(e->e, e->n, sizeof(*e->e), by_offset);
	for (size_t i = 0; i < e->n; i++) {
		if (e->e[i].at < cur || e->e[i].at + e->e[i].del > len)
			return NULL; /* overlapping: a bug, refuse */
		cur = e->e[i].at + e->e[i].del;
		total += strlen(e->e[i].text);
	}
	out = malloc(total + 1);
	if (!out)
		return NULL;
	cur = 0;
	for (size_t i = 0; i < e->n; i++) {
		size_t t = strlen(e->e[i].text);

		memcpy(out + o, text + cur, e->e[i].at - cur);
		o += e->e[i].at - cur;
		memcpy(out + o, e->e[i].text, t);
		o += t;
		cur = e->e[i].at + e->e[i].del;
	}
	memcpy(out + o, text + cur, len - cur);
	o += len - cur;
	out[o] = '\0';
	*out_len = o;
	return out;
}

void lch_edits_free(struct lch_edits *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->e[i].text);
	free(e->e);
	memset(e, 0, sizeof(*e));
}
