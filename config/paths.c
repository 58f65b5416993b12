// SPDX-License-Identifier: MIT
/*
 * Who may change a file that pid 1 acts on, as sshd's StrictModes asks:
 * the file, the directory that holds it and every directory above it up
 * to / must be owned by root (or by pouch-init's own euid) and writable
 * by neither group nor others. An ancestor directory with the sticky bit
 * (/tmp) may be writable by others, since nobody can then replace the
 * entry in it that we go through, as long as that entry is owned right.
 *
 * Paths are resolved one component at a time, like the kernel does, so
 * that every directory a symlink leads through is checked too; with a
 * root (an image's tree, for `check --root`), absolute symlinks and ".."
 * stay inside it.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINKS 40

struct walk {
	size_t rootlen;		/* cur[0..rootlen) is the root, "" for / */
	uid_t euid;
	gid_t egid;		/* a group that may write too; (gid_t)-1 none */
	void (*fn)(void *arg, const char *path, const char *why);
	void *arg;
	int problems;
	char cur[PATH_MAX];	/* the resolved host path so far */
	size_t curlen;
	struct stat st;		/* of cur */
	int checked;		/* cur was checked as a directory passed through */
	char par[PATH_MAX];	/* the directory that holds cur */
	struct stat par_st;
	int has_par;
	char *rest, *spare;	/* what is left to resolve; a second buffer */
	const char *next;	/* in rest */
};

#define REST_SIZE (2 * PATH_MAX)

static const char *host(const char *p)
{
	return *p ? p : "/";
}

/* What makes st unsafe, in why; 0 when nothing. An ancestor directory
 * with the sticky bit, itself owned right, may be writable. */
static int why_of(const struct stat *st, uid_t euid, gid_t egid, int ancestor,
		  char *why, size_t len)
{
	int owner = st->st_uid != 0 && st->st_uid != euid;
	int grp = (st->st_mode & S_IWGRP) && (egid == (gid_t)-1 || st->st_gid != egid);
	int oth = !!(st->st_mode & S_IWOTH);
	size_t n = 0;

	if (ancestor && S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX) &&
	    !owner)
		grp = oth = 0;
	why[0] = '\0';
	if (owner)
		n += (size_t)snprintf(why + n, len - n, "owned by uid %u",
				      (unsigned)st->st_uid);
	if (grp && n < len)
		n += (size_t)snprintf(why + n, len - n,
				      "%swritable by group %u", n ? ", " : "",
				      (unsigned)st->st_gid);
	if (oth && n < len)
		(void)snprintf(why + n, len - n, "%swritable by others",
			       n ? ", " : "");
	return owner || grp || oth;
}

static void judge(struct walk *w, const char *path, const struct stat *st,
		  int ancestor)
{
	char why[128];

	if (!why_of(st, w->euid, w->egid, ancestor, why, sizeof(why)))
		return;
	w->problems++;
	if (w->fn)
		w->fn(w->arg, host(path), why);
}

/* A sticky directory that others may write: an entry in it must be
 * owned right, or its owner could replace it. */
static int open_sticky(const struct walk *w, const struct stat *st)
{
	return S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX) &&
	       (st->st_mode & (S_IWGRP | S_IWOTH)) &&
	       (st->st_uid == 0 || st->st_uid == w->euid);
}

/* We are about to look a name up in cur: it is a directory passed
 * through. */
static void pass_through(struct walk *w)
{
	if (!w->checked)
		judge(w, w->cur, &w->st, 1);
	w->checked = 1;
}

static int restat(struct walk *w)
{
	if (stat(host(w->cur), &w->st) < 0)
		return -errno;
	if (!S_ISDIR(w->st.st_mode))
		return -ENOTDIR;
	w->checked = 0;
	w->has_par = 0;
	return 0;
}

/* What is left becomes target + "/" + what is left. */
static int prepend(struct walk *w, const char *target)
{
	char *t;

	if ((size_t)snprintf(w->spare, REST_SIZE, "%s/%s", target, w->next) >=
	    REST_SIZE)
		return -ENAMETOOLONG;
	t = w->rest;
	w->rest = w->spare;
	w->spare = t;
	w->next = w->rest;
	return 0;
}

static int follow(struct walk *w, const char *link, const struct stat *lst)
{
	char target[PATH_MAX];
	ssize_t n;

	if (open_sticky(w, &w->st) && lst->st_uid != 0 &&
	    lst->st_uid != w->euid) {
		w->problems++;
		if (w->fn) {
			char why[64];

			snprintf(why, sizeof(why), "owned by uid %u",
				 (unsigned)lst->st_uid);
			w->fn(w->arg, link, why);
		}
	}
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	if (target[0] == '/') {
		int r;

		w->curlen = w->rootlen;
		w->cur[w->curlen] = '\0';
		r = restat(w);
		if (r < 0)
			return r;
	}
	return prepend(w, target);
}

static void up(struct walk *w)
{
	char *slash;

	if (w->curlen <= w->rootlen)
		return;
	slash = strrchr(w->cur + w->rootlen, '/');
	w->curlen = slash ? (size_t)(slash - w->cur) : w->rootlen;
	w->cur[w->curlen] = '\0';
}

/* One component: a symlink is followed, anything else entered. */
static int step(struct walk *w, const char *name, size_t len, int *links)
{
	struct stat st;
	size_t old = w->curlen;

	if (len == 1 && name[0] == '.')
		return 0;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		pass_through(w);
		up(w);
		return restat(w);
	}
	if (!S_ISDIR(w->st.st_mode))
		return -ENOTDIR;
	if (old + 1 + len + 1 > sizeof(w->cur))
		return -ENAMETOOLONG;
	pass_through(w);
	w->cur[old] = '/';
	memcpy(w->cur + old + 1, name, len);
	w->cur[old + 1 + len] = '\0';
	if (lstat(w->cur, &st) < 0)
		return -errno;
	if (S_ISLNK(st.st_mode)) {
		char link[PATH_MAX];

		if (++*links > MAX_LINKS)
			return -ELOOP;
		memcpy(link, w->cur, old + 1 + len + 1);
		w->curlen = old;
		w->cur[old] = '\0';
		return follow(w, link, &st);
	}
	memcpy(w->par, w->cur, old);
	w->par[old] = '\0';
	w->par_st = w->st;
	w->has_par = 1;
	w->curlen = old + 1 + len;
	w->st = st;
	w->checked = 0;
	return 0;
}

static int start(struct walk *w, const char *root, const char *path)
{
	size_t rl = root ? strlen(root) : 0;
	char *rest = w->rest;

	while (rl && root[rl - 1] == '/')
		rl--;
	if (rl >= sizeof(w->cur) / 2)
		return -ENAMETOOLONG;
	memcpy(w->cur, root ? root : "", rl);
	w->cur[rl] = '\0';
	w->rootlen = w->curlen = rl;
	rest[0] = '\0';
	if (path[0] != '/' && !root) {
		if (!getcwd(rest, REST_SIZE))
			return -errno;
		if (strlen(rest) + 1 >= REST_SIZE)
			return -ENAMETOOLONG;
		strcat(rest, "/");
	}
	if (strlen(rest) + strlen(path) + 1 > REST_SIZE)
		return -ENAMETOOLONG;
	strcat(rest, path);
	w->next = rest;
	return restat(w);
}

/* The next component of what is left, in name; 0 when none is left. */
static size_t next_name(struct walk *w, char *name)
{
	const char *p = w->next;
	size_t n;

	while (*p == '/')
		p++;
	n = strcspn(p, "/");
	if (n > NAME_MAX)
		n = NAME_MAX + 1; /* too long */
	else
		memcpy(name, p, n);
	name[n <= NAME_MAX ? n : 0] = '\0';
	w->next = p + strcspn(p, "/");
	return n;
}

static int path_check(const char *root, const char *path, uid_t euid,
		      gid_t egid, int flags,
		      void (*fn)(void *arg, const char *path, const char *why),
		      void *arg, char *real, size_t len)
{
	struct walk *w = calloc(1, sizeof(*w));
	char name[NAME_MAX + 2];
	int links = 0, r = -ENOMEM;
	size_t n;

	if (w) {
		w->rest = malloc(REST_SIZE);
		w->spare = malloc(REST_SIZE);
	}
	if (!w || !w->rest || !w->spare)
		goto out;
	w->euid = euid;
	w->egid = egid;
	w->fn = fn;
	w->arg = arg;
	r = start(w, root, path);
	while (r == 0 && (n = next_name(w, name)) > 0)
		r = n > NAME_MAX ? -ENAMETOOLONG : step(w, name, n, &links);
	if (r == 0) {
		judge(w, w->cur, &w->st, 0);
		if ((flags & CFG_PATH_HOLDER) && w->has_par &&
		    open_sticky(w, &w->par_st))
			judge(w, w->par, &w->par_st, 0);
		if (real && snprintf(real, len, "%s", host(w->cur)) >= (int)len)
			r = -ENAMETOOLONG;
	}
	if (r == 0)
		r = w->problems;
out:
	if (w) {
		free(w->rest);
		free(w->spare);
	}
	free(w);
	return r;
}

struct first {
	char *msg;
	size_t len;
	int n;
};

static void keep_first(void *arg, const char *path, const char *why)
{
	struct first *f = arg;

	if (f->n++ == 0)
		snprintf(f->msg, f->len, "%s: %s", path, why);
}

int cfg_path_check(const char *root, const char *path, uid_t euid, int flags,
		   void (*fn)(void *arg, const char *path, const char *why),
		   void *arg, char *real, size_t len)
{
	return path_check(root, path, euid, (gid_t)-1, flags, fn, arg, real, len);
}

int cfg_path_unsafe_for(const char *path, uid_t uid, gid_t gid, char *msg,
			size_t len)
{
	struct first f = { msg, len, 0 };

	msg[0] = '\0';
	return path_check(NULL, path, uid, gid, CFG_PATH_HOLDER, keep_first, &f,
			  NULL, 0);
}

int cfg_path_unsafe(const char *path, uid_t euid, char *msg, size_t len)
{
	return cfg_path_unsafe_for(path, euid, (gid_t)-1, msg, len);
}

int cfg_file_unsafe(const struct stat *st, uid_t euid, char *why, size_t len)
{
	return why_of(st, euid, (gid_t)-1, 0, why, len) ? CFG_UNSAFE_REFUSE : 0;
}
