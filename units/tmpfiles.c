// SPDX-License-Identifier: MIT
/*
 * tmpfiles.d (tmpfiles.d(5)) as systemd-tmpfiles --create --remove
 * --boot applies it before the units start: files of the same name in
 * /etc/tmpfiles.d hide those in /run/tmpfiles.d, which hide those in
 * /usr/local/lib/tmpfiles.d, /usr/lib/tmpfiles.d and /lib/tmpfiles.d;
 * all are read in file-name order; of two lines for one path the first
 * wins. Done: d D e v q Q (directories, owner and mode; D's contents
 * are kept: the image's files stay), f f+ F w w+ (files), p (fifos), L
 * L+ (symlinks), c b (device nodes), C (copies), z Z (owner and mode of
 * what exists), r R (removal), x X (nothing to do: there is no
 * cleaning). Not done, and said: ages (no cleaning), t T h H a A
 * (xattrs, attributes, ACLs), the '~' and '^' argument modifiers.
 * Every change is made through directory descriptors with O_NOFOLLOW;
 * a symlink on the way is followed only when it is root's in a
 * directory no one else may write (see dirs.c).
 */
#include "units.h"
#include "units-internal.h"
#include "config/nametab.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <stdarg.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

NAMETAB_BEGIN
static const char tmp_dirs[][26] = {
	"/etc/tmpfiles.d", "/run/tmpfiles.d", "/usr/local/lib/tmpfiles.d",
	"/usr/lib/tmpfiles.d", "/lib/tmpfiles.d",
};
NAMETAB_END

struct line {
	char type;
	int plus, boot, ignore_err, b64, cred;
	char path[PATH_MAX];
	mode_t mode;
	int has_mode, mode_mask, mode_create_only;
	uid_t uid;
	gid_t gid;
	int has_uid, has_gid;
	char age[64];
	char arg[PATH_MAX * 2];
	int has_arg;
};

struct tctx {
	const struct tmpfiles_opts *o;
	const char *file;
	int line;
	int failed;
	int failing;		/* the note being made is a failure */
	char **paths;		/* seen, for "the first wins" */
};

static void say(struct tctx *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(struct tctx *t, const char *fmt, ...)
{
	char msg[PATH_MAX + 256];
	va_list ap;

	if (t->o->failures_only && !t->failing)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (t->o->note)
		t->o->note(t->o->arg, t->file, t->line, msg);
}

static void fail(struct tctx *t, const struct line *l, const char *what, int err)
{
	if (l->ignore_err)
		return;
	t->failed++;
	t->failing = 1;
	say(t, "%c %s: unable to %s: %s", l->type, l->path, what, strerror(err));
	t->failing = 0;
}

/* ---- fields ---- */

static int lookup_id(const struct tctx *t, int group, const char *name,
		     unsigned *id)
{
	char path[PATH_MAX], *end;
	const char *own = group ? t->o->group : t->o->passwd;
	unsigned long n = strtoul(name, &end, 10);
	FILE *f;
	int found = 0;

	if (!*end && end != name) {
		*id = (unsigned)n;
		return 0;
	}
	if (own)
		units_fmt(path, sizeof(path), "%s", own);
	else if (units_host(t->o->root, group ? "/etc/group" : "/etc/passwd",
			    path, sizeof(path)) < 0)
		return -ENOENT;
	f = fopen(path, "re");
	if (!f)
		return -ENOENT;
	if (group) {
		struct group *g;

		while (!found && (g = fgetgrent(f)))
			if (!strcmp(g->gr_name, name)) {
				*id = g->gr_gid;
				found = 1;
			}
	} else {
		struct passwd *p;

		while (!found && (p = fgetpwent(f)))
			if (!strcmp(p->pw_name, name)) {
				*id = p->pw_uid;
				found = 1;
			}
	}
	fclose(f);
	return found ? 0 : -ENOENT;
}

static char *field(char **p)
{
	char *s = *p, *start;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s) {
		*p = s;
		return NULL;
	}
	start = s;
	while (*s && !isspace((unsigned char)*s))
		s++;
	if (*s)
		*s++ = '\0';
	*p = s;
	return start;
}

static int expand(struct tctx *t, const char *in, char *out, size_t len)
{
	struct unit_spec sp = { .root = t->o->root };
	const char *why;
	char *r;

	if (unit_specifiers(&sp, in, &r, &why) < 0) {
		say(t, "'%s': %s: line ignored", in, why);
		return -EINVAL;
	}
	units_fmt(out, len, "%s", r);
	free(r);
	return 0;
}

/* C escapes in an argument */
static void unescape_arg(char *s)
{
	char *o = s, buf[8];
	size_t bl;

	for (char *p = s; *p; p++) {
		int n;

		if (*p == '\\' && (n = units_cunescape_one(p + 1, buf, &bl)) > 0) {
			memcpy(o, buf, bl);
			o += bl;
			p += n;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
}

static int parse_line(struct tctx *t, char *text, struct line *l)
{
	char *p = text, *type, *path, *mode, *user, *group, *age, *arg;

	memset(l, 0, sizeof(*l));
	type = field(&p);
	path = field(&p);
	if (!type || !path) {
		say(t, "expected TYPE PATH [MODE USER GROUP AGE ARGUMENT]: line ignored");
		return -EINVAL;
	}
	mode = field(&p);
	user = field(&p);
	group = field(&p);
	age = field(&p);
	while (isspace((unsigned char)*p))
		p++;
	arg = *p ? p : NULL;
	l->type = type[0];
	for (const char *m = type + 1; *m; m++) {
		if (*m == '+')
			l->plus = 1;
		else if (*m == '!')
			l->boot = 1;
		else if (*m == '-')
			l->ignore_err = 1;
		else if (*m == '~')
			l->b64 = 1;
		else if (*m == '^')
			l->cred = 1;
		else if (*m != '=') {
			say(t, "unknown modifier '%c' in '%s': line ignored", *m, type);
			return -EINVAL;
		}
	}
	if (!strchr("fFwdDevqQpLcbCxXrRzZtThHaA", l->type)) {
		say(t, "unknown type '%s': line ignored", type);
		return -EINVAL;
	}
	if (expand(t, path, l->path, sizeof(l->path)) < 0)
		return -EINVAL;
	if (l->path[0] != '/') {
		say(t, "%s: not an absolute path: line ignored", l->path);
		return -EINVAL;
	}
	if (mode && strcmp(mode, "-")) {
		char *m = mode, *end;
		long v;

		if (*m == '~')
			l->mode_mask = 1, m++;
		if (*m == ':')
			l->mode_create_only = 1, m++;
		v = strtol(m, &end, 8);
		if (*end || end == m || v < 0 || v > 07777) {
			say(t, "bad mode '%s': line ignored", mode);
			return -EINVAL;
		}
		l->mode = (mode_t)v;
		l->has_mode = 1;
	}
	if (user && strcmp(user, "-")) {
		unsigned id;

		if (*user == ':')
			user++;
		if (lookup_id(t, 0, user, &id) < 0) {
			say(t, "unknown user '%s': line ignored", user);
			return -EINVAL;
		}
		l->uid = id;
		l->has_uid = 1;
	}
	if (group && strcmp(group, "-")) {
		unsigned id;

		if (*group == ':')
			group++;
		if (lookup_id(t, 1, group, &id) < 0) {
			say(t, "unknown group '%s': line ignored", group);
			return -EINVAL;
		}
		l->gid = id;
		l->has_gid = 1;
	}
	if (age && strcmp(age, "-"))
		units_fmt(l->age, sizeof(l->age), "%s", age);
	if (arg) {
		char *e = arg + strlen(arg);

		while (e > arg && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (expand(t, arg, l->arg, sizeof(l->arg)) < 0)
			return -EINVAL;
		unescape_arg(l->arg);
		l->has_arg = 1;
	}
	return 0;
}

/* ---- doing it ---- */

/* The directory that holds path, opened safely, and the last name. */
static int open_parent(struct tctx *t, const char *path, int create,
		       char *name, size_t len)
{
	char dir[PATH_MAX], *slash;

	units_fmt(dir, sizeof(dir), "%s", path);
	while (strlen(dir) > 1 && dir[strlen(dir) - 1] == '/')
		dir[strlen(dir) - 1] = '\0';
	slash = strrchr(dir, '/');
	units_fmt(name, len, "%s", slash + 1);
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	return units_open_dir(t->o->root, dir, create, 0755, NULL);
}

/* Owner and mode of name in dirfd (never a symlink) */
static int adjust(const struct line *l, int dirfd, const char *name,
		  mode_t defmode, int created)
{
	struct stat st;
	char proc[64];
	int fd, r = 0;

	fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode)) {
		close(fd);
		return 0;
	}
	if ((created || !l->mode_create_only) && (l->has_mode || created)) {
		mode_t m = l->has_mode ? l->mode : defmode;

		if (l->mode_mask && !created)
			m = st.st_mode & 07777;
		units_fmt(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if ((st.st_mode & 07777) != m && chmod(proc, m) < 0)
			r = -errno;
	}
	if (r == 0 && (l->has_uid || l->has_gid || created) &&
	    fchownat(fd, "", l->has_uid ? l->uid : created ? 0 : (uid_t)-1,
		     l->has_gid ? l->gid : created ? 0 : (gid_t)-1,
		     AT_EMPTY_PATH) < 0)
		r = -errno;
	close(fd);
	return r;
}

static void do_dir(struct tctx *t, const struct line *l, int create)
{
	char name[NAME_MAX + 1];
	int created = 0, fd, pfd, r;

	if (create) {
		fd = units_open_dir(t->o->root, l->path, 1,
				    l->has_mode ? l->mode : 0755, &created);
		if (fd < 0) {
			fail(t, l, "create the directory", -fd);
			return;
		}
		close(fd);
	}
	pfd = open_parent(t, l->path, 0, name, sizeof(name));
	if (pfd < 0) {
		if (create || pfd != -ENOENT)
			fail(t, l, "open its directory", -pfd);
		return;
	}
	r = adjust(l, pfd, name, 0755, created);
	if (r < 0 && !(r == -ENOENT && !create))
		fail(t, l, "set its owner and mode", -r);
	close(pfd);
}

static void do_file(struct tctx *t, const struct line *l)
{
	char name[NAME_MAX + 1];
	int pfd, fd, created = 0, flags = O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
	int truncate = l->type == 'F' || (l->type == 'f' && l->plus);

	pfd = open_parent(t, l->path, 0, name, sizeof(name));
	if (pfd < 0) {
		fail(t, l, "open its directory", -pfd);
		return;
	}
	fd = openat(pfd, name, flags | O_CREAT | O_EXCL, l->has_mode ? l->mode : 0644);
	if (fd >= 0)
		created = 1;
	else if (errno == EEXIST)
		fd = openat(pfd, name, flags | (truncate ? O_TRUNC : 0));
	if (fd < 0) {
		fail(t, l, "create the file", errno);
		close(pfd);
		return;
	}
	if (l->has_arg && (created || truncate) &&
	    write(fd, l->arg, strlen(l->arg)) < 0)
		fail(t, l, "write it", errno);
	close(fd);
	if (adjust(l, pfd, name, 0644, created) < 0)
		fail(t, l, "set its owner and mode", errno);
	close(pfd);
}

static void do_write(struct tctx *t, const struct line *l)
{
	char name[NAME_MAX + 1];
	int pfd, fd;

	if (!l->has_arg)
		return;
	pfd = open_parent(t, l->path, 0, name, sizeof(name));
	if (pfd < 0) {
		if (pfd != -ENOENT)
			fail(t, l, "open its directory", -pfd);
		return;
	}
	fd = openat(pfd, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK |
				       (l->plus ? O_APPEND : 0));
	if (fd < 0) {
		if (errno != ENOENT)
			fail(t, l, "open it", errno);
	} else {
		if (write(fd, l->arg, strlen(l->arg)) < 0)
			fail(t, l, "write it", errno);
		close(fd);
	}
	close(pfd);
}

static void do_node(struct tctx *t, const struct line *l)
{
	char name[NAME_MAX + 1], target[PATH_MAX];
	int pfd, r = 0;
	struct stat st;

	pfd = open_parent(t, l->path, 0, name, sizeof(name));
	if (pfd < 0) {
		fail(t, l, "open its directory", -pfd);
		return;
	}
	if (l->type == 'L') {
		if (l->has_arg)
			units_fmt(target, sizeof(target), "%s", l->arg);
		else
			units_fmt(target, sizeof(target), "/usr/share/factory%s", l->path);
		if (l->plus && fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			(void)units_remove_at(pfd, name);
		if (symlinkat(target, pfd, name) < 0 && errno != EEXIST)
			fail(t, l, "make the symlink", errno);
	} else if (l->type == 'p') {
		if (l->plus && fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    !S_ISFIFO(st.st_mode))
			(void)unlinkat(pfd, name, 0);
		r = mkfifoat(pfd, name, l->has_mode ? l->mode : 0644);
		if (r < 0 && errno != EEXIST)
			fail(t, l, "make the fifo", errno);
		else if (adjust(l, pfd, name, 0644, r == 0) < 0)
			fail(t, l, "set its owner and mode", errno);
	} else { /* c, b: ARG is MAJOR:MINOR */
		unsigned maj, min;

		if (!l->has_arg || sscanf(l->arg, "%u:%u", &maj, &min) != 2) {
			t->failed++;
			say(t, "%c %s: needs MAJOR:MINOR", l->type, l->path);
		} else if ((r = mknodat(pfd, name,
					(l->type == 'c' ? S_IFCHR : S_IFBLK) |
						(l->has_mode ? l->mode : 0644),
					makedev(maj, min))) < 0 && errno != EEXIST) {
			fail(t, l, "make the device node", errno);
		} else if (adjust(l, pfd, name, 0644, r == 0) < 0) {
			fail(t, l, "set its owner and mode", errno);
		}
	}
	close(pfd);
}

static int copy_file(int sfd, int dfd, const char *name, mode_t mode)
{
	char buf[65536];
	ssize_t n;
	int out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			 mode & 07777);

	if (out < 0)
		return -errno;
	while ((n = read(sfd, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			close(out);
			return -EIO;
		}
	close(out);
	return n < 0 ? -errno : 0;
}

static int copy_tree(int sdir, const char *sname, int ddir, const char *dname,
		     int depth)
{
	struct stat st;
	int sfd, dfd, r = 0;
	struct dirent *e;
	DIR *d;

	if (depth > 32 || fstatat(sdir, sname, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -ELOOP;
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(sdir, sname, target, sizeof(target) - 1);

		if (n < 0)
			return -errno;
		target[n] = '\0';
		return symlinkat(target, ddir, dname) < 0 ? -errno : 0;
	}
	sfd = openat(sdir, sname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0)
		return -errno;
	if (S_ISREG(st.st_mode)) {
		r = copy_file(sfd, ddir, dname, st.st_mode);
		close(sfd);
		return r;
	}
	if (!S_ISDIR(st.st_mode) || mkdirat(ddir, dname, st.st_mode & 07777) < 0 ||
	    (dfd = openat(ddir, dname, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		r = -errno;
		close(sfd);
		return r ? r : -EINVAL;
	}
	d = fdopendir(sfd);
	while (d && (e = readdir(d)) && r == 0)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			r = copy_tree(dirfd(d), e->d_name, dfd, e->d_name, depth + 1);
	if (d)
		closedir(d);
	else
		close(sfd);
	close(dfd);
	return r;
}

static void do_copy(struct tctx *t, const struct line *l)
{
	char name[NAME_MAX + 1], sname[NAME_MAX + 1], src[PATH_MAX];
	int pfd, sfd, r;
	struct stat st;

	units_fmt(src, sizeof(src), "%s", l->has_arg ? l->arg : "");
	if (!l->has_arg)
		units_fmt(src, sizeof(src), "/usr/share/factory%s", l->path);
	pfd = open_parent(t, l->path, 0, name, sizeof(name));
	if (pfd < 0) {
		fail(t, l, "open its directory", -pfd);
		return;
	}
	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		close(pfd);
		return; /* there already */
	}
	sfd = open_parent(t, src, 0, sname, sizeof(sname));
	if (sfd < 0) {
		if (sfd != -ENOENT)
			fail(t, l, "open what it copies", -sfd);
		close(pfd);
		return;
	}
	r = copy_tree(sfd, sname, pfd, name, 0);
	if (r < 0 && r != -ENOENT)
		fail(t, l, "copy it", -r);
	close(sfd);
	close(pfd);
}

/* z, Z, r, R: on what exists, globs allowed */
static int each_match(struct tctx *t, const struct line *l,
		      void (*fn)(struct tctx *t, const struct line *l, int pfd,
				 const char *name))
{
	char host[PATH_MAX];
	size_t rl;
	glob_t g;

	if (units_host(t->o->root, l->path, host, sizeof(host)) < 0)
		return 0;
	rl = strlen(host) - strlen(l->path);
	if (glob(host, GLOB_NOSORT, NULL, &g) != 0)
		return 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char name[NAME_MAX + 1];
		int pfd = open_parent(t, g.gl_pathv[i] + rl, 0, name, sizeof(name));

		if (pfd < 0) {
			fail(t, l, "open its directory", -pfd);
			continue;
		}
		fn(t, l, pfd, name);
		close(pfd);
	}
	globfree(&g);
	return 0;
}

static void adjust_tree(struct tctx *t, const struct line *l, int pfd,
			const char *name, int depth)
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	int fd;

	if (adjust(l, pfd, name, 0644, 0) < 0 && errno != ENOENT)
		fail(t, l, "set the owner and mode", errno);
	if (l->type != 'Z' || depth > 64 ||
	    fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
		return;
	fd = openat(pfd, name, O_DIRECTORY | O_NOFOLLOW | O_RDONLY | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			adjust_tree(t, l, dirfd(d), e->d_name, depth + 1);
	if (d)
		closedir(d);
	else if (fd >= 0)
		close(fd);
}

static void adjust_one(struct tctx *t, const struct line *l, int pfd,
		       const char *name)
{
	adjust_tree(t, l, pfd, name, 0);
}

static void remove_one(struct tctx *t, const struct line *l, int pfd,
		       const char *name)
{
	struct stat st;
	int r = 0;

	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (l->type == 'R')
		r = units_remove_at(pfd, name);
	else if (S_ISDIR(st.st_mode))
		r = unlinkat(pfd, name, AT_REMOVEDIR) < 0 && errno != ENOTEMPTY &&
				    errno != EEXIST
			    ? -errno
			    : 0;
	else
		r = unlinkat(pfd, name, 0) < 0 ? -errno : 0;
	if (r < 0)
		fail(t, l, "remove it", -r);
}

static void apply(struct tctx *t, const struct line *l)
{
	if (l->age[0] && !strchr("xXrRzZ", l->type))
		say(t, "%c %s: age %s not applied (there is no cleaning)", l->type,
		    l->path, l->age);
	if (l->b64 || l->cred) {
		say(t, "%c %s: not applied (the '~' and '^' modifiers are not supported)",
		    l->type, l->path);
		return;
	}
	if (t->o->dry_run)
		return;
	switch (l->type) {
	case 'd': case 'D': case 'v': case 'q': case 'Q':
		do_dir(t, l, 1);
		break;
	case 'e':
		do_dir(t, l, 0);
		break;
	case 'f': case 'F':
		do_file(t, l);
		break;
	case 'w':
		do_write(t, l);
		break;
	case 'p': case 'L': case 'c': case 'b':
		do_node(t, l);
		break;
	case 'C':
		do_copy(t, l);
		break;
	case 'z': case 'Z':
		(void)each_match(t, l, adjust_one);
		break;
	case 'r': case 'R':
		(void)each_match(t, l, remove_one);
		break;
	default:
		break;
	}
}

static int excluded(const struct tmpfiles_opts *o, const char *path)
{
	for (char *const *e = o->exclude; e && *e; e++) {
		size_t n = strlen(*e);

		while (n > 1 && (*e)[n - 1] == '/')
			n--;
		if (!strncmp(path, *e, n) && (path[n] == '\0' || path[n] == '/'))
			return 1;
	}
	return 0;
}

int units_tmpfiles_text(const struct tmpfiles_opts *o, const char *file,
			const char *text)
{
	struct tctx t = { .o = o, .file = file };
	int r = 0;

	for (const char *p = text; *p && r == 0;) {
		size_t n = strcspn(p, "\n");
		char *raw = strndup(p, n), *s;
		struct line l;

		p += n + (p[n] == '\n');
		t.line++;
		if (!raw)
			return -ENOMEM;
		for (s = raw; isspace((unsigned char)*s); s++)
			;
		t.failing = 1; /* what parse_line says is a line that fails */
		r = *s && *s != '#' ? parse_line(&t, s, &l) : 0;
		t.failing = 0;
		if (r < 0) {
			r = 0;
			t.failed++;
		} else if (*s && *s != '#') {
			if (strchr("tThHaA", l.type))
				say(&t, "%c %s: not applied (extended attributes, file attributes and ACLs are not set)",
				    l.type, l.path);
			else if ((l.boot && !o->boot) || excluded(o, l.path))
				;
			else if (!strchr("xXrRzZ", l.type) && units_strv_has(t.paths, l.path))
				say(&t, "%s: a line before this one has it: ignored", l.path);
			else {
				if (!strchr("xXrRzZ", l.type))
					r = units_strv_add(&t.paths, l.path, 0);
				apply(&t, &l);
			}
		}
		free(raw);
	}
	cfg_free_words(t.paths);
	return r < 0 ? r : t.failed;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int units_tmpfiles(const struct tmpfiles_opts *o)
{
	char **names = NULL, host[PATH_MAX], path[PATH_MAX];
	int failed = 0;

	for (size_t d = 0; d < NAMETAB_LEN(tmp_dirs); d++) {
		struct dirent **e = NULL;
		int n;

		if (units_host(o->root, tmp_dirs[d], host, sizeof(host)) < 0)
			continue;
		n = scandir(host, &e, NULL, alphasort);
		for (int i = 0; i < n; i++) {
			size_t l = strlen(e[i]->d_name);

			if (l > 5 && !strcmp(e[i]->d_name + l - 5, ".conf") &&
			    units_strv_add(&names, e[i]->d_name, 1) < 0)
				failed = -ENOMEM;
			free(e[i]);
		}
		free(e);
	}
	if (names)
		qsort(names, cfg_count_words(names), sizeof(*names), cmp);
	for (char **nm = names; failed >= 0 && nm && *nm; nm++) {
		for (size_t d = 0; d < NAMETAB_LEN(tmp_dirs); d++) {
			char *text;
			struct stat st;
			char why[PATH_MAX + 64];
			int r;

			units_fmt(path, sizeof(path), "%s/%s", tmp_dirs[d], *nm);
			if (units_lstat(o->root, path, &st) < 0)
				continue;
			if (units_safe(o->root, path, why, sizeof(why)) < 0) {
				if (o->note)
					o->note(o->arg, path, 0, why);
				failed++;
				break;
			}
			text = units_read(o->root, path);
			if (text) { /* a link to /dev/null reads as empty */
				r = units_tmpfiles_text(o, path, text);
				failed = r < 0 ? r : failed + r;
			}
			free(text);
			break; /* the first one of that name hides the rest */
		}
	}
	cfg_free_words(names);
	return failed;
}
