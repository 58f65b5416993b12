/* SPDX-License-Identifier: MIT */
/*
 * Private to units/: helpers shared by its files.
 */
#ifndef POUCH_UNITS_INTERNAL_H
#define POUCH_UNITS_INTERNAL_H

#include "units.h"

#include <stddef.h>
#include <sys/stat.h>

/* syntax.c: systemd's cunescape_one, p after the '\' */
int units_cunescape_one(const char *p, char *o, size_t *olen);

/* path.c: snprintf, for paths and messages whose truncation is handled
 * by the callers (or harmless: a name too long is then not found) */
int units_fmt(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* find.c: forget the aliases read so far (a reload reads them anew) */
void units_cache_drop(void);

/* path.c: root + path, into buf ("" root for /): 0 or -ENAMETOOLONG */
int units_host(const char *root, const char *path, char *buf, size_t len);
/* Read a small file of the image ("" when missing): malloc'd or NULL */
char *units_read(const char *root, const char *path);
/* The first line of a file, trimmed, in buf: 0 or -errno */
int units_first_line(const char *root, const char *path, char *buf,
		     size_t len);
/* A KEY=VALUE of an os-release style file (quotes removed), in buf */
int units_os_release(const char *root, const char *key, char *buf,
		     size_t len);
/* The same for any such file (/etc/machine-info) */
int units_kv_file(const char *root, const char *path, const char *key,
		  char *buf, size_t len);
/* Resolve symlinks of path inside root (absolute links stay in it);
 * the image path it leads to in out. 0, or -errno (-ELOOP ...). Only
 * the last component with last. */
int units_chase(const char *root, const char *path, char *out, size_t len);
/* lstat of an image path */
int units_lstat(const char *root, const char *path, struct stat *st);
/* The target of a symlink (the image path when absolute; else joined
 * with the link's directory), in out: 0 or -errno */
int units_readlink(const char *root, const char *path, char *out, size_t len);
/* Is an image path safe to act on (root's; see cfg_path_check)? 0 yes,
 * else -EPERM with why, or -errno */
int units_safe(const char *root, const char *path, char *why, size_t len);

/* Append a copy of s to a NULL-terminated list (no duplicates when
 * uniq): 0 or -ENOMEM */
int units_strv_add(char ***v, const char *s, int uniq);
int units_strv_has(char *const *v, const char *s);

/* The manager's own user, for %u %U %g %G %h %s */
struct units_self {
	char user[64], group[64], home[256], shell[256];
	unsigned uid, gid;
};
void units_self(const char *root, struct units_self *me);

/* dirs.c: open the directory path (image path) under root, made when
 * create (components 0755 root's, the last last_mode), symlinks followed
 * only when root's in a directory no one else may write: a descriptor,
 * or -errno (-EPERM: an untrusted symlink). */
int units_open_dir(const char *root, const char *path, int create,
		   mode_t last_mode, int *created);
/* rm -rf of name in dirfd, never through a symlink: 0 or -errno */
int units_remove_at(int dirfd, const char *name);

/* cond.c: a condition's name ("PathExists"); can it be evaluated; one
 * evaluated now (negation included): 1 holds */
const char *units_cond_name(enum cfg_cond_kind k);
int units_cond_known(enum cfg_cond_kind k);
int units_cond_one(const struct cfg_cond *c, const char *root);

/* service.c: a unit's dependencies, by unit name, resolved by load.c
 * once every unit is known */
enum dep_kind { DEP_AFTER = 0, DEP_BEFORE, DEP_REQUIRES, DEP_REQUISITE,
		DEP_WANTS, DEP_BINDS_TO, DEP_PART_OF, DEP_CONFLICTS,
		DEP_RELOAD_FROM, DEP_RELOAD_TO, DEP_NKINDS };
extern const char dep_key[DEP_NKINDS][21]; /* "After", ... */

struct unit_dep {
	enum dep_kind kind;
	char *name;
	char *file;
	int line;
};

struct unit_deps {
	struct unit_dep *v;
	size_t n;
};
void unit_deps_free(struct unit_deps *d);

/* Make a service of u in cfg (named name): 0 with *svc its index, 1 when
 * the unit is refused (said with cfg_warn), -ENOMEM. Its dependencies
 * go to deps. */
int unit_to_service(struct cfg *cfg, const struct cfg_sources *src,
		    const struct unit *u, const char *name, size_t *svc,
		    struct unit_deps *deps) __attribute__((warn_unused_result));
/* The notes of a unit's syntax problems and unknown sections */
int units_is_systemd_own(const struct unit *u);

#endif
