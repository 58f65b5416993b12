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

/* The group or session (fields 5, 6) and the start time (field 22, clock
 * ticks since boot), after the last ')'. */
static int parse_start(const char *buf, int by_sid, pid_t *id, long long *start)
{
	const char *p = strrchr(buf, ')');
	long pg, sid;
	int n = 0;

	if (!p || sscanf(p + 1, " %*c %*d %ld %ld%n", &pg, &sid, &n) != 2 || !n)
		return -EINVAL;
	p += 1 + n;
	/* tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime
	 * cstime priority nice threads itrealvalue: 15 fields */
	for (int k = 0; k < 15; k++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -EINVAL;
	}
	if (sscanf(p, " %lld", start) != 1)
		return -EINVAL;
	*id = (pid_t)(by_sid ? sid : pg);
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

static int is_member(long pid, pid_t id, int by_sid, int64_t before,
		     long long *start)
{
	char path[64], buf[1024];
	pid_t got;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	return read_small(path, buf, sizeof(buf)) > 0 &&
	       parse_start(buf, by_sid, &got, start) == 0 && got == id &&
	       *start <= before;
}

int proc_member_before(pid_t id, int by_sid, int64_t before,
		       struct proc_proof *pf)
{
	long long start;
	struct dirent *e;
	DIR *d;
	int found = 0;

	/* the process that showed it last time, if it is still the same */
	if (pf->pid > 0 && is_member(pf->pid, id, by_sid, before, &start) &&
	    start == pf->start)
		return 1;
	d = opendir("/proc");
	while (d && !found && (e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (*end || pid <= 0)
			continue;
		if (is_member(pid, id, by_sid, before, &start)) {
			pf->pid = (pid_t)pid;
			pf->start = start;
			found = 1;
		}
	}
	if (d)
		closedir(d);
	if (!found)
		pf->pid = 0;
	return found;
}
