// SPDX-License-Identifier: MIT
/*
 * Making directories as root without being led astray: a path is
 * walked one component at a time with O_NOFOLLOW from the image's root;
 * a symlink on the way is followed only when root (or pid 1's own uid)
 * owns it and the directory that holds it is writable by no one else
 * (or is sticky), so a symlink that an unprivileged user planted in
 * /run/NAME or /var/lib/NAME never redirects a chown or a chmod. Used
 * for RuntimeDirectory= and friends and for tmpfiles.d.
 */
#include "units.h"
#include "units-internal.h"
#include "config/nametab.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINKS 40

/* May we follow the symlink name in dirfd? */
static int link_trusted(int dirfd, const char *name)
{
	struct stat l, d;
	uid_t me = geteuid();

	if (fstatat(dirfd, name, &l, AT_SYMLINK_NOFOLLOW) < 0 || fstat(dirfd, &d) < 0)
		return 0;
	if (l.st_uid != 0 && l.st_uid != me)
		return 0;
	if ((d.st_mode & (S_IWGRP | S_IWOTH)) && !(d.st_mode & S_ISVTX))
		return 0;
	return d.st_uid == 0 || d.st_uid == me;
}

int units_open_dir(const char *root, const char *path, int create,
		   mode_t last_mode, int *created)
{
	char rest[2 * PATH_MAX], comp[NAME_MAX + 1], target[PATH_MAX];
	int rootfd, fd, links = 0;
	const char *p;

	if (created)
		*created = 0;
	rootfd = open(root && *root ? root : "/", O_DIRECTORY | O_CLOEXEC | O_PATH);
	if (rootfd < 0)
		return -errno;
	fd = dup(rootfd);
	if (fd < 0) {
		close(rootfd);
		return -errno;
	}
	units_fmt(rest, sizeof(rest), "%s", path);
	p = rest;
	for (;;) {
		size_t n;
		int nfd, last;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		n = strcspn(p, "/");
		if (n > NAME_MAX) {
			close(fd);
			close(rootfd);
			return -ENAMETOOLONG;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		p += n;
		last = !p[strspn(p, "/")];
		if (!strcmp(comp, "."))
			continue;
		nfd = openat(fd, comp, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_PATH);
		if (nfd < 0 && errno == ENOENT && create) {
			if (mkdirat(fd, comp, last ? last_mode & 07777 : 0755) == 0) {
				if (created && last)
					*created = 1;
			} else if (errno != EEXIST) {
				nfd = -errno;
				close(fd);
				close(rootfd);
				return nfd;
			}
			nfd = openat(fd, comp, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_PATH);
		}
		if (nfd < 0 && (errno == ELOOP || errno == ENOTDIR)) {
			struct stat st;
			ssize_t tl;

			if (fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
			    !S_ISLNK(st.st_mode)) {
				close(fd);
				close(rootfd);
				return -ENOTDIR;
			}
			if (++links > MAX_LINKS || !link_trusted(fd, comp)) {
				close(fd);
				close(rootfd);
				return links > MAX_LINKS ? -ELOOP : -EPERM;
			}
			tl = readlinkat(fd, comp, target, sizeof(target) - 1);
			if (tl < 0) {
				nfd = -errno;
				close(fd);
				close(rootfd);
				return nfd;
			}
			target[tl] = '\0';
			{
				char nr[2 * PATH_MAX];

				units_fmt(nr, sizeof(nr), "%s/%s", target, p);
				units_fmt(rest, sizeof(rest), "%s", nr);
			}
			p = rest;
			if (target[0] == '/') {
				close(fd);
				fd = dup(rootfd);
				if (fd < 0) {
					close(rootfd);
					return -errno;
				}
			}
			continue;
		}
		if (nfd < 0) {
			nfd = -errno;
			close(fd);
			close(rootfd);
			return nfd;
		}
		close(fd);
		fd = nfd;
	}
	close(rootfd);
	/* a real descriptor (O_PATH cannot fchown everywhere) */
	{
		int real = openat(fd, ".", O_DIRECTORY | O_RDONLY | O_CLOEXEC);

		close(fd);
		return real < 0 ? -errno : real;
	}
}

NAMETAB_BEGIN
static const char bases[CFG_NDIRS][11] = {
	"/run", "/var/lib", "/var/cache", "/var/log", "/etc",
};
static const char env_names[CFG_NDIRS][24] = {
	"RUNTIME_DIRECTORY", "STATE_DIRECTORY", "CACHE_DIRECTORY",
	"LOGS_DIRECTORY", "CONFIGURATION_DIRECTORY",
};
NAMETAB_END

int units_make_dirs(const struct cfg_service *s, const char *root, char *why,
		    size_t len)
{
	uid_t uid = s->has_user ? s->uid : 0;
	gid_t gid = s->has_user || s->has_group ? s->gid : 0;

	for (int k = 0; k < CFG_NDIRS; k++)
		for (char **n = s->dirs[k].names; n && *n; n++) {
			char path[PATH_MAX];
			int fd, r = 0;

			units_fmt(path, sizeof(path), "%s/%s", bases[k], *n);
			fd = units_open_dir(root, path, 1, s->dirs[k].mode, NULL);
			if (fd < 0) {
				units_fmt(why, len, "unable to make %s: %s", path,
					 fd == -EPERM ? "a symlink on the way is not root's"
						      : strerror(-fd));
				return fd;
			}
			if (k != DIR_CONFIG && fchown(fd, uid, gid) < 0)
				r = -errno;
			if (r == 0 && fchmod(fd, s->dirs[k].mode) < 0)
				r = -errno;
			close(fd);
			if (r < 0) {
				units_fmt(why, len, "unable to set the owner and mode of %s: %s",
					 path, strerror(-r));
				return r;
			}
		}
	return 0;
}

/* rm -rf name in dirfd, never following a symlink */
static int rm_at(int dfd, const char *name, int depth)
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	int fd, r = 0;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dfd, name, 0) < 0 ? -errno : 0;
	if (depth > 64)
		return -ELOOP;
	fd = openat(dfd, name, O_DIRECTORY | O_NOFOLLOW | O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && r == 0)
			r = rm_at(dirfd(d), e->d_name, depth + 1);
	closedir(d);
	if (r == 0 && unlinkat(dfd, name, AT_REMOVEDIR) < 0)
		r = -errno;
	return r;
}

int units_remove_at(int dirfd, const char *name)
{
	return rm_at(dirfd, name, 0);
}

int units_remove_runtime_dirs(const struct cfg_service *s, const char *root)
{
	int r = 0;

	for (char **n = s->dirs[DIR_RUNTIME].names; n && *n; n++) {
		char path[PATH_MAX], *slash;
		int fd;

		units_fmt(path, sizeof(path), "/run/%s", *n);
		slash = strrchr(path, '/');
		*slash = '\0';
		fd = units_open_dir(root, path, 0, 0, NULL);
		if (fd < 0) {
			r = r ? r : (fd == -ENOENT ? 0 : fd);
			continue;
		}
		{
			int e = rm_at(fd, slash + 1, 0);

			r = r ? r : e;
		}
		close(fd);
	}
	return r;
}

int units_dirs_env(const struct cfg_service *s, char ***env)
{
	for (int k = 0; k < CFG_NDIRS; k++) {
		char val[4096];
		size_t n = 0;
		int w;

		if (!s->dirs[k].names || !s->dirs[k].names[0])
			continue;
		w = units_fmt(val, sizeof(val), "%s=", env_names[k]);
		n = (size_t)w;
		for (char **d = s->dirs[k].names; d && *d && n < sizeof(val); d++) {
			w = units_fmt(val + n, sizeof(val) - n, "%s%s/%s",
				     d == s->dirs[k].names ? "" : ":", bases[k], *d);
			n += (size_t)w;
		}
		if (n >= sizeof(val) || cfg_env_set(env, val) < 0)
			return -ENOMEM;
	}
	return 0;
}
