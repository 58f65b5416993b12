// SPDX-License-Identifier: MIT
/*
 * Reading /proc/PID/stat and /proc/PID/status; see proc.h. Small fixed
 * buffers, no allocation: pid 1 calls this from its loop.
 */
#include "run/proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

/* The start time (field 22, clock ticks since boot) after the last ')'. */
static int parse_start(const char *buf, pid_t *pgrp, long long *start)
{
	const char *p = strrchr(buf, ')');
	long pg;
	int n = 0;

	if (!p || sscanf(p + 1, " %*c %*d %ld%n", &pg, &n) != 1 || !n)
		return -EINVAL;
	p += 1 + n;
	/* sid tty tpgid flags minflt cminflt majflt cmajflt utime stime
	 * cutime cstime priority nice threads itrealvalue: 16 fields */
	for (int k = 0; k < 16; k++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -EINVAL;
	}
	if (sscanf(p, " %lld", start) != 1)
		return -EINVAL;
	*pgrp = (pid_t)pg;
	return 0;
}

int64_t proc_ticks_now(void)
{
	static long hz;
	struct timespec ts;

	if (!hz)
		hz = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (int64_t)ts.tv_sec * hz + (int64_t)ts.tv_nsec / (1000000000 / hz);
}

int proc_group_before(pid_t pgid, int64_t before)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int found = 0;

	while (d && !found && (e = readdir(d))) {
		char path[64], buf[1024], *end;
		long pid = strtol(e->d_name, &end, 10);
		long long start;
		pid_t pg;

		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		if (read_small(path, buf, sizeof(buf)) > 0 &&
		    parse_start(buf, &pg, &start) == 0 && pg == pgid &&
		    start <= before)
			found = 1;
	}
	if (d)
		closedir(d);
	return found;
}
