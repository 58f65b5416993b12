// SPDX-License-Identifier: MIT
/*
 * The sd_notify message parser; see notifyproto.h.
 */
#include "run/notifyproto.h"

#include <string.h>

static int is(const char *line, size_t n, const char *what)
{
	size_t w = strlen(what);

	return n == w && memcmp(line, what, w) == 0;
}

static int prefix(const char *line, size_t n, const char *what)
{
	size_t w = strlen(what);

	return n >= w && memcmp(line, what, w) == 0;
}

/* A pid: decimal digits only, 2 .. 2^22 (the kernel's PID_MAX_LIMIT). */
static pid_t parse_pid(const char *s, size_t n)
{
	long v = 0;

	if (n == 0 || n > 8)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v > 1 && v <= 4194304 ? (pid_t)v : 0;
}

static void one(const char *line, size_t n, struct notify_msg *m)
{
	if (n == 0)
		return;
	if (is(line, n, "READY=1"))
		m->ready = 1;
	else if (is(line, n, "STOPPING=1"))
		m->stopping = 1;
	else if (is(line, n, "RELOADING=1"))
		m->reloading = 1;
	else if (is(line, n, "WATCHDOG=1"))
		m->watchdog = 1;
	else if (prefix(line, n, "STATUS=")) {
		m->status = line + 7;
		m->status_len = n - 7;
	} else if (prefix(line, n, "MAINPID=")) {
		m->mainpid = parse_pid(line + 8, n - 8);
		m->bad_mainpid = m->mainpid == 0;
	} else
		m->ignored++;
}

int notify_parse(const char *buf, size_t len, struct notify_msg *m)
{
	const char *end;

	memset(m, 0, sizeof(*m));
	end = memchr(buf, '\0', len);
	if (end)
		len = (size_t)(end - buf);
	while (len) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl ? (size_t)(nl - buf) : len;

		one(buf, n, m);
		buf += n + (nl != NULL);
		len -= n + (nl != NULL);
	}
	return 0;
}
