/* SPDX-License-Identifier: MIT */
/*
 * Private to config/: the parsing context shared by the line reader
 * (load.c) and the key table (keys.c).
 */
#ifndef POUCH_CONFIG_INTERNAL_H
#define POUCH_CONFIG_INTERNAL_H

#include "config.h"

struct cfg_ctx {
	struct cfg *cfg;
	const struct cfg_sources *src;
	const char *file;
	const char *text;
	size_t pos;
	int line;
	int cont;		/* this line continues the previous key */
	int key_line;		/* this line is "key = value" */
	int comment_cut;	/* its value ends at an inline comment */
	char *long_value;	/* of a line too long for inih (see load.c) */
	int skip;		/* inside an unknown section */
	char prev_key[64];
	char section[64];
	struct cfg_service *svc; /* NULL for init.ini */
	int seen_service;
};

int cfg_parse_text(struct cfg_ctx *c);

/* config.c: the hook cfg_set_more() set */
extern cfg_more_fn cfg_more;

void cfg_section(struct cfg_ctx *c, const char *name);
void cfg_key(struct cfg_ctx *c, const char *name, const char *value);
/* Is name[0..len) a key of the current section? */
int cfg_known_key(const struct cfg_ctx *c, const char *name, size_t len);

/* users.c */
int cfg_lookup_user(const struct cfg_sources *src, const char *name,
		    struct cfg_service *s, const char **why);
int cfg_lookup_group(const struct cfg_sources *src, const char *name,
		     gid_t *gid);
int cfg_user_groups(const struct cfg_sources *src, struct cfg_service *s);

#endif
