// SPDX-License-Identifier: MIT
/*
 * Reading /proc/PID/stat and /proc/PID/status; see proc.h. Small fixed
 * buffers, no allocation: pid 1 calls this from its loop.
 */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static ssize_t read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* "PID (COMM) S PPID PGRP SID ...": COMM may hold ')' and spaces, so
 * the fields start after the last ')'. */
static int parse_stat(const char *buf, struct proc_ids *ids)
{
	const char *p = strrchr(buf, ')');
	long ppid, pgrp, sid;
	char state;

	if (!p || sscanf(p + 1, " %c %ld %ld %ld", &state, &ppid, &pgrp, &sid) != 4)
		return -EINVAL;
	ids->ppid = (pid_t)ppid;
	ids->pgrp = (pid_t)pgrp;
	ids->sid = (pid_t)sid;
	return state == 'X' ? -ESRCH : 0; /* a zombie still tells */
}

static int parse_uids(const char *buf, struct proc_ids *ids)
{
	const char *p = strstr(buf, "\nUid:");
	unsigned long r, e, s;

	if (!p || sscanf(p + 5, "%lu %lu %lu", &r, &e, &s) != 3)
		return -EINVAL;
	ids->ruid = (uid_t)r;
	ids->suid = (uid_t)s;
	return 0;
}

int proc_ids(pid_t pid, struct proc_ids *ids)
{
	char path[64], buf[1024];
	ssize_t n;
	int r;

	if (pid <= 0)
		return -ESRCH;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	n = read_small(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	r = parse_stat(buf, ids);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	n = read_small(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	return parse_uids(buf, ids);
}

int proc_descends(pid_t pid, const pid_t *anc, int n)
{
	struct proc_ids ids;

	for (int depth = 0; pid > 1 && depth < 64; depth++) {
		for (int i = 0; i < n; i++)
			if (anc[i] > 1 && anc[i] == pid)
				return 1;
		if (proc_ids(pid, &ids) < 0)
			return 0;
		pid = ids.ppid;
	}
	return 0;
}
