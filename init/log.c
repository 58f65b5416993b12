// SPDX-License-Identifier: MIT
/*
 * Logging: every message is formatted into one buffer and written with a
 * single write(2) to stderr, so lines from pid 1 never interleave with the
 * lines of its children. errno is preserved across every call.
 */
#include "init/log.h"
#include "config/nametab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum log_level log_max_level = LOG_LVL_WARN;
static const char *prog = "pouch-init";
static void (*writer)(const char *line, size_t len);

NAMETAB_BEGIN
static const char level_names[][8] = {
	[LOG_LVL_ERROR] = "error",
	[LOG_LVL_WARN] = "warning",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug",
};
NAMETAB_END

void log_set_prog(const char *name)
{
	prog = name;
}

void log_set_writer(void (*w)(const char *line, size_t len))
{
	writer = w;
}

int log_level_parse(const char *s, enum log_level *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(*level_names); i++) {
		if (strcasecmp(s, level_names[i]) == 0 ||
		    (i == LOG_LVL_WARN && strcasecmp(s, "warn") == 0)) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

void log_vmsg(enum log_level lvl, int with_errno, const char *fmt, va_list ap)
{
	char buf[1024];
	int saved = errno;
	size_t n;
	int r;

	if (lvl > log_max_level && lvl != LOG_LVL_ERROR) {
		errno = saved;
		return;
	}
	r = snprintf(buf, sizeof(buf), "%s: %s: ", prog, level_names[lvl]);
	n = r < 0 ? 0 : (size_t)r;
	r = vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	n = r < 0 ? n : n + (size_t)r;
	if (n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	if (with_errno) {
		r = snprintf(buf + n, sizeof(buf) - n, ": %s", strerror(saved));
		n = r < 0 ? n : n + (size_t)r;
		if (n > sizeof(buf) - 2)
			n = sizeof(buf) - 2;
	}
	buf[n++] = '\n';
	if (writer)
		writer(buf, n);
	else
		while (write(STDERR_FILENO, buf, n) < 0 && errno == EINTR)
			;
	errno = saved;
}

void log_msg(enum log_level lvl, int with_errno, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(lvl, with_errno, fmt, ap);
	va_end(ap);
}

void fatalx(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LVL_ERROR, 0, fmt, ap);
	va_end(ap);
	exit(status);
}
