// SPDX-License-Identifier: MIT
/*
 * The state directory; see state.h. A directory is only used when it is
 * ours alone: not a symbolic link, owned by our euid, and writable by no
 * group or other user, so that nobody else can replace a socket in it.
 */
#include "run/state.h"
#include "init/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 0 when path is (or was made) a directory that is ours alone. */
static int own_dir(const char *path, mode_t mode)
{
	struct stat st;

	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(path, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return -EPERM;
	return access(path, W_OK | X_OK) < 0 ? -errno : 0;
}

/* Owned by root or our euid, not a symbolic link, written by no one else. */
static int trusted_dir(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
	       (st.st_uid == 0 || st.st_uid == geteuid()) &&
	       !(st.st_mode & (S_IWGRP | S_IWOTH));
}

/* Candidate i (0, 1, 2) into buf; -1 when there is none such. */
static int candidate(int i, char *buf, size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int n;

	switch (i) {
	case 0:
		n = snprintf(buf, len, "/run/pouch");
		break;
	case 1:
		if (!xdg || xdg[0] != '/')
			return -1;
		n = snprintf(buf, len, "%s/pouch", xdg);
		break;
	case 2:
		n = snprintf(buf, len, "/tmp/pouch-%u", (unsigned)geteuid());
		break;
	default:
		return -1;
	}
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

const char *state_dir_configured(const char *from_config)
{
	const char *env = getenv("POUCH_STATE_DIR");

	if (from_config && *from_config)
		return from_config;
	return env && *env ? env : NULL;
}

int state_dir_open(const char *configured, char *dir, size_t len)
{
	static int reported; /* rich_main and the supervisor both ask */
	int r = -ENOENT;

	if (configured && *configured) {
		if ((size_t)snprintf(dir, len, "%s", configured) >= len)
			return -ENAMETOOLONG;
		r = own_dir(dir, 0755);
		if (r < 0 && !reported++) {
			errno = -r;
			log_error("state_dir %s is not usable (it must be a directory owned by uid %u and writable by no one else)",
				  dir, (unsigned)geteuid());
		}
		return r;
	}
	for (int i = 0; i < 3; i++) {
		if (candidate(i, dir, len) < 0)
			continue;
		/* /tmp/pouch-UID: others may pass (to their notify
		 * socket), not list */
		r = own_dir(dir, i == 2 ? 0711 : 0755);
		if (r == 0)
			return 0;
		if (r != -EACCES && r != -EROFS && r != -ENOENT && !reported)
			log_warnx("%s is not usable as the state directory (%s); trying the next place",
				  dir, r == -EPERM ? "owned by another user or writable by others" : strerror(-r));
	}
	if (reported++)
		return r;
	log_errorx("no state directory: /run/pouch, $XDG_RUNTIME_DIR/pouch and /tmp/pouch-%u are not writable (mount a tmpfs on /run, or set [init] state_dir)",
		   (unsigned)geteuid());
	return r;
}

void state_dir_find(const char *configured, const char *leaf, char *path,
		    size_t len)
{
	char dir[256], try[512];

	if (configured && *configured) {
		snprintf(path, len, "%s/%s", configured, leaf);
		return;
	}
	path[0] = '\0';
	for (int i = 0; i < 3; i++) {
		int here;

		if (candidate(i, dir, sizeof(dir)) < 0)
			continue;
		snprintf(try, sizeof(try), "%s/%s", dir, leaf);
		/* only a directory that root or we own, written by no one
		 * else: anyone may make /tmp/pouch-0 */
		here = trusted_dir(dir) && access(try, F_OK) == 0;
		if (!path[0] || here)
			snprintf(path, len, "%s", try);
		if (here)
			return;
	}
}

int state_notify_dir(const char *dir, char *out, size_t len)
{
	if ((size_t)snprintf(out, len, "%s/notify.XXXXXX", dir) >= len)
		return -ENAMETOOLONG;
	if (!mkdtemp(out))
		return -errno;
	/* the services' users pass through to their own socket only */
	return chmod(out, 0711) < 0 ? -errno : 0;
}
