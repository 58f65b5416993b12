/* SPDX-License-Identifier: MIT */
/*
 * A small JSON scanner for config.json. It records where each value lies
 * in the text, and pouch-runc changes the text by inserting or replacing
 * byte ranges, never by re-serialising: every value it did not change
 * reaches runc byte for byte (integers above INT64_MAX, bytes that are not
 * UTF-8, \u0000 in a string). The grammar is the one runc's Go decoder
 * accepts: strict JSON, any byte but a control character in a string, and
 * nothing read after the first value. Member names are matched as Go
 * matches struct fields (case-insensitively, with its two Unicode special
 * cases); a name given twice is reported, not guessed at.
 */
#ifndef POUCH_LCH_JSON_H
#define POUCH_LCH_JSON_H

#include <stddef.h>

enum lch_jtype {
	LCH_J_OBJECT,
	LCH_J_ARRAY,
	LCH_J_STRING,
	LCH_J_NUMBER,
	LCH_J_TRUE,
	LCH_J_FALSE,
	LCH_J_NULL,
};

struct lch_jnode {
	enum lch_jtype type;
	size_t start, end; /* the value is text[start, end) */
	int first;	   /* first child (objects: key, value, key, ...) or -1 */
	int next;	   /* next sibling or -1 */
	int count;	   /* elements of an array, members of an object */
};

struct lch_json {
	const char *text;
	size_t len;
	struct lch_jnode *n; /* n[0] is the top value */
	int nn, cap;
	const char *err; /* why the parse failed ... */
	size_t err_at;	 /* ... and where */
};

#define LCH_JSON_MAX_DEPTH 512

/* Parse the first JSON value of text; 0, or -1 with j->err and
 * j->err_at (also for ENOMEM). lch_json_free in every case. */
int lch_json_parse(struct lch_json *j, const char *text, size_t len)
	__attribute__((warn_unused_result));
void lch_json_free(struct lch_json *j);

/* 1-based line and column of a byte offset */
void lch_json_where(const struct lch_json *j, size_t off, int *line, int *col);

/* The value of the member of object obj that Go's encoding/json would
 * decode into a struct field called name: -1 when there is none (or obj
 * is not an object), -2 when two members match. */
int lch_json_member(const struct lch_json *j, int obj, const char *name);

/* The value of member key (exact bytes: a map key); -1 none, -2 twice. */
int lch_json_key(const struct lch_json *j, int obj, const char *key);

/* A string value decoded (escapes resolved; raw bytes kept as they are),
 * NUL-terminated; *len without the NUL (the text may hold \u0000).
 * NULL when node is not a string, or on ENOMEM. */
char *lch_json_string(const struct lch_json *j, int node, size_t *len);

/* 1 when node is a string that decodes to exactly s */
int lch_json_is(const struct lch_json *j, int node, const char *s);

/* s quoted as a JSON string; NULL on ENOMEM */
char *lch_json_quote(const char *s);

/* Edits of the text: delete del bytes at offset at and insert text there.
 * Edits at one offset apply in the order they were made. */
struct lch_edit {
	size_t at, del, seq;
	char *text;
};

struct lch_edits {
	struct lch_edit *e;
	size_t n, cap;
	int failed; /* ENOMEM on the way: apply fails */
};

void lch_edit(struct lch_edits *e, size_t at, size_t del, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The edited text (NUL-terminated, *out_len without it), or NULL on
 * ENOMEM or overlapping edits. */
char *lch_edits_apply(struct lch_edits *e, const char *text, size_t len,
		      size_t *out_len);
void lch_edits_free(struct lch_edits *e);

#endif
