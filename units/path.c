// SPDX-License-Identifier: MIT
/*
 * Paths of the image's tree, seen from pid 1 (root "") or from outside
 * (`check --root DIR`): joining, reading small files, following
 * symlinks inside the tree, and the safety rule of config/paths.c for
 * the files pid 1 acts on (unit files, init.d scripts).
 */
#include "units.h"
#include "units-internal.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <pwd.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int units_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}

static const char *norm_root(const char *root)
{
	return root && strcmp(root, "/") ? root : "";
}

int units_host(const char *root, const char *path, char *buf, size_t len)
{
	root = norm_root(root);
	if ((size_t)units_fmt(buf, len, "%s%s", root, path) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* Like cfg_read_file, also for /proc and /sys files, whose size is 0 */
char *units_read(const char *root, const char *path)
{
	char host[PATH_MAX], *buf = NULL, *nb;
	size_t len = 0, cap = 0;
	struct stat st;
	ssize_t n;
	int fd;

	if (units_host(root, path, host, sizeof(host)) < 0)
		return NULL;
	fd = open(host, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			if (cap > (1 << 20) + 8192 || !(nb = realloc(buf, cap))) {
				free(buf);
				close(fd);
				return NULL;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (n < 0 || memchr(buf, '\0', len)) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

int units_first_line(const char *root, const char *path, char *buf,
		     size_t len)
{
	char *t = units_read(root, path), *s;
	size_t n;

	if (!t)
		return -ENOENT;
	s = t;
	while (isspace((unsigned char)*s))
		s++;
	n = strcspn(s, "\n");
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	units_fmt(buf, len, "%.*s", (int)n, s);
	free(t);
	return 0;
}

int units_os_release(const char *root, const char *key, char *buf,
		     size_t len)
{
	if (units_kv_file(root, "/etc/os-release", key, buf, len) == 0)
		return 0;
	return units_kv_file(root, "/usr/lib/os-release", key, buf, len);
}

int units_kv_file(const char *root, const char *path, const char *key,
		  char *buf, size_t len)
{
	char *t = units_read(root, path);
	size_t k = strlen(key);
	int r = -ENOENT;

	buf[0] = '\0';
	for (char *l = t; l && *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != 0)) {
		size_t n = strcspn(l, "\n");
		char *v;

		if (strncmp(l, key, k) || l[k] != '=')
			continue;
		v = l + k + 1;
		n -= k + 1;
		if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
			v++;
			n -= 2;
		}
		units_fmt(buf, len, "%.*s", (int)n, v);
		r = 0;
		break;
	}
	free(t);
	return r;
}

int units_lstat(const char *root, const char *path, struct stat *st)
{
	char host[PATH_MAX];

	if (units_host(root, path, host, sizeof(host)) < 0)
		return -ENAMETOOLONG;
	return lstat(host, st) < 0 ? -errno : 0;
}

int units_readlink(const char *root, const char *path, char *out, size_t len)
{
	char host[PATH_MAX], target[PATH_MAX];
	const char *slash;
	ssize_t n;

	if (units_host(root, path, host, sizeof(host)) < 0)
		return -ENAMETOOLONG;
	n = readlink(host, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	if (target[0] == '/') {
		units_fmt(out, len, "%s", target);
		return 0;
	}
	slash = strrchr(path, '/');
	if ((size_t)units_fmt(out, len, "%.*s/%s", slash ? (int)(slash - path) : 0,
			     path, target) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int units_chase(const char *root, const char *path, char *out, size_t len)
{
	char real[PATH_MAX];
	size_t rl;
	int r;

	root = norm_root(root);
	r = cfg_path_check(*root ? root : NULL, path, geteuid(), 0, NULL, NULL,
			   real, sizeof(real));
	if (r < 0)
		return r;
	rl = strlen(root);
	if (rl && strncmp(real, root, rl) == 0)
		units_fmt(out, len, "%s", real[rl] ? real + rl : "/");
	else
		units_fmt(out, len, "%s", real);
	return 0;
}

struct first_why {
	char *why;
	size_t len;
	int n;
};

static void take_why(void *arg, const char *path, const char *why)
{
	struct first_why *f = arg;

	if (f->n++ == 0)
		units_fmt(f->why, f->len, "%s: %s", path, why);
}

int units_safe(const char *root, const char *path, char *why, size_t len)
{
	struct first_why f = { why, len, 0 };
	int r;

	root = norm_root(root);
	r = cfg_path_check(*root ? root : NULL, path, geteuid(), CFG_PATH_HOLDER,
			   take_why, &f, NULL, 0);
	if (r < 0) {
		units_fmt(why, len, "%s: %s", path, strerror(-r));
		return r;
	}
	return r > 0 ? -EPERM : 0;
}

int units_strv_has(char *const *v, const char *s)
{
	for (; v && *v; v++)
		if (!strcmp(*v, s))
			return 1;
	return 0;
}

int units_strv_add(char ***v, const char *s, int uniq)
{
	size_t n = cfg_count_words(*v);
	char **nv, *c;

	if (uniq && units_strv_has(*v, s))
		return 0;
	c = strdup(s);
	nv = c ? realloc(*v, (n + 2) * sizeof(*nv)) : NULL;
	if (!nv) {
		free(c);
		return -ENOMEM;
	}
	nv[n] = c;
	nv[n + 1] = NULL;
	*v = nv;
	return 0;
}

void units_self(const char *root, struct units_self *me)
{
	char path[PATH_MAX];
	struct passwd *pw;
	struct group *gr;
	FILE *f;

	me->uid = (unsigned)geteuid();
	me->gid = (unsigned)getegid();
	units_fmt(me->user, sizeof(me->user), "%u", me->uid);
	units_fmt(me->group, sizeof(me->group), "%u", me->gid);
	units_fmt(me->home, sizeof(me->home), "%s", me->uid ? "/" : "/root");
	units_fmt(me->shell, sizeof(me->shell), "/bin/sh");
	if (me->uid == 0)
		units_fmt(me->user, sizeof(me->user), "root");
	if (me->gid == 0)
		units_fmt(me->group, sizeof(me->group), "root");
	if (units_host(root, "/etc/passwd", path, sizeof(path)) == 0 &&
	    (f = fopen(path, "re"))) {
		while ((pw = fgetpwent(f))) {
			if (pw->pw_uid != me->uid)
				continue;
			units_fmt(me->user, sizeof(me->user), "%s", pw->pw_name);
			units_fmt(me->home, sizeof(me->home), "%s", pw->pw_dir);
			units_fmt(me->shell, sizeof(me->shell), "%s", pw->pw_shell);
			break;
		}
		fclose(f);
	}
	if (units_host(root, "/etc/group", path, sizeof(path)) == 0 &&
	    (f = fopen(path, "re"))) {
		while ((gr = fgetgrent(f))) {
			if (gr->gr_gid != me->gid)
				continue;
			units_fmt(me->group, sizeof(me->group), "%s", gr->gr_name);
			break;
		}
		fclose(f);
	}
}
