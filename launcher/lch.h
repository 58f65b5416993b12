/* SPDX-License-Identifier: MIT */
/*
 * pouch-runc's pure part: the administrator's configuration
 * (/etc/pouch-runc.conf), what a bundle asks for, the checks between the
 * two, the config.json rewrite of a rich container (text edits, see
 * json.h), and the default config of `rich-run`. No I/O but what
 * lch_conf_load says it does.
 */
#ifndef POUCH_LCH_H
#define POUCH_LCH_H

#include "json.h"

#include <jansson.h>
#include <stddef.h>

#define LCH_INIT_PATH "/.pouch/init"
#define LCH_CONFIG_PATH "/etc/pouch"
#define LCH_CONF_FILE "/etc/pouch-runc.conf"
#define LCH_MODE_NAMES "pouch, dumb-init, systemd, sbin-init"

/* rich modes as bits of lch_conf.modes */
enum {
	LCH_POUCH = 1 << 0,
	LCH_DUMB_INIT = 1 << 1,
	LCH_SYSTEMD = 1 << 2,
	LCH_SBIN_INIT = 1 << 3,
};
/* what a bundle may ask for when no configuration file allows more:
 * the modes that add no privilege */
#define LCH_MODES_DEFAULT (LCH_POUCH | LCH_DUMB_INIT)

/* the bit of a mode name (len bytes), 0 when unknown */
unsigned lch_mode_bit(const char *mode, size_t len);
/* "pouch dumb-init" for a set of bits, in a static buffer */
const char *lch_mode_list(unsigned modes);

/* ---- the administrator's configuration */
struct lch_entry {
	char *name;
	char *path;
	int timeout_s; /* [initscript]: the OCI hook's timeout */
	int line;      /* of its section header */
};

struct lch_conf {
	char *file;    /* the file read, or the one that was looked for */
	int found;     /* it exists (else every value is a default) */
	char *runtime; /* [runtime] runtime, or NULL */
	unsigned modes;
	struct lch_entry *configs, *scripts;
	size_t nconfigs, nscripts;
	char **errors; /* "FILE:LINE: message" */
	size_t nerrors;
};

/* Parse text as pouch-runc.conf named file: 0, or -1 with c->errors. */
int lch_conf_parse(struct lch_conf *c, const char *file, const char *text);
/* Read file (NULL: the default): a missing file gives the defaults; a
 * file not owned by root (or by us), writable by group or others, or in
 * such a directory is refused. 0, or -1 with c->errors. */
int lch_conf_load(struct lch_conf *c, const char *file);
void lch_conf_free(struct lch_conf *c);
/* A file the host may trust (the configuration, a host hook): a regular
 * file owned by root (or by us), writable by nobody else, in directories
 * likewise (sticky ones such as /tmp allowed). fd: the open file, or -1
 * to stat path. 0, or -1 with why. */
int lch_trusted(const char *path, int fd, char *why, size_t whylen);
/* the entry called name (len bytes) or NULL */
const struct lch_entry *lch_conf_entry(const struct lch_entry *v, size_t n,
				       const char *name, size_t len);

/* ---- what a bundle asks for */
struct lch_request {
	char *mode;	      /* the rich mode, or NULL: a plain container */
	size_t mode_len;
	const char *mode_from; /* "annotation io.pouch.rich-mode", ... */
	char *config, *initscript; /* names of entries, or NULL */
	size_t config_len, initscript_len;
	int sandbox;	 /* a pod's sandbox: never made rich */
	int already;	 /* process.args[0] is pouch-init already */
};

/* Read the request of a parsed config.json; 0, or -1 with *why (a
 * static or malloc'd message in why, at most whylen bytes). */
int lch_request_read(const struct lch_json *j, struct lch_request *rq,
		     char *why, size_t whylen);
void lch_request_free(struct lch_request *rq);
/* 1 when the text mentions a rich request at all (for a config.json the
 * scanner refused: such a bundle fails rather than runs plain) */
int lch_mentions_rich(const char *text, size_t len);

/* What the rich container gets, every path from the host's side. */
struct lch_rich {
	const char *mode;
	const char *init_binary;      /* pouch-init */
	const char *config_dir;	      /* for /etc/pouch, or NULL */
	int config_rro;		      /* the runtime can mount it recursively ro */
	const char *initscript;	      /* an OCI prestart hook, or NULL */
	int initscript_timeout_s;
};

/* Check a request against the configuration and resolve its names;
 * r->mode, r->config_dir, r->initscript and the timeout are set. 0, or
 * -1 with the message in why. */
int lch_request_check(const struct lch_request *rq, const struct lch_conf *c,
		      struct lch_rich *r, char *why, size_t whylen);

/* The rich container's config.json: j's text with the edits of r, in
 * *out (malloc'd, *out_len bytes). 0, or -1 with why. */
int lch_make_rich(const struct lch_json *j, const struct lch_rich *r,
		  char **out, size_t *out_len, char *why, size_t whylen);

/* A copy of s (len bytes) for a message: printable ASCII kept, every
 * other byte as \xNN, cut at 200 bytes; static buffer. */
const char *lch_printable(const char *s, size_t len);

/* ---- rich-run's bundle */
struct lch_spec {
	const char *rootfs;
	char **args;
	char **env;	/* KEY=VALUE, NULL-terminated, may be NULL */
	char **volumes; /* SRC:DST[:ro] */
	char **tmpfs;	/* PATH[:OPTIONS] */
	int net_host;
	int terminal;
	int read_only;
	long uid, gid;	/* process.user */
	const char *hostname;
	long nofile;	/* RLIMIT_NOFILE for the container */
};

/* The config.json a Docker user expects for `rich-run`. */
json_t *lch_default_spec(const struct lch_spec *s, const char **why);

#endif
