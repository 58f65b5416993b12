/* SPDX-License-Identifier: MIT */
/*
 * pouch-runc's pure part: turning an OCI config.json into a rich
 * container's, and writing the default config of `rich-run`. Works on
 * jansson values; no I/O.
 */
#ifndef POUCH_LCH_H
#define POUCH_LCH_H

#include <jansson.h>

#define LCH_INIT_PATH "/.pouch/init"
#define LCH_CONFIG_PATH "/etc/pouch"

/* The rich mode a config asks for: annotation io.pouch.rich-mode, else
 * POUCH_RICH_MODE in process.env; NULL when it asks for none. */
const char *lch_rich_mode(json_t *cfg);
int lch_mode_valid(const char *mode);

struct lch_rich {
	const char *mode;
	const char *init_binary;  /* host path of pouch-init */
	const char *config_dir;	  /* host dir for /etc/pouch, or NULL */
	const char *initscript;	  /* host path for an OCI prestart hook */
};

/* Rewrite cfg in place; 0, or -1 with *why. Everything else is kept. */
int lch_make_rich(json_t *cfg, const struct lch_rich *r, const char **why);

struct lch_spec {
	const char *rootfs;
	char **args;
	char **env;		/* KEY=VALUE, NULL-terminated, may be NULL */
	char **volumes;		/* SRC:DST[:ro] */
	int net_host;
	int terminal;
	const char *hostname;
	long nofile;		/* RLIMIT_NOFILE for the container */
};

/* The config.json a Docker user expects for `rich-run`. */
json_t *lch_default_spec(const struct lch_spec *s, const char **why);

#endif
