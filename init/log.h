/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics for pouch-init: one line, one write(2), errno preserved.
 * log_error/log_warn/... append strerror(errno); the x variants do not.
 * Shape: "pouch-init: warning: service sshd: unable to exec ...: reason".
 */
#ifndef POUCH_LOG_H
#define POUCH_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level {
	LOG_LVL_ERROR = 0,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

/* Messages above this level are dropped; errors are always written. */
extern enum log_level log_max_level;

void log_set_prog(const char *name);
/* Lines go to w (one call each, with its '\n') instead of stderr; NULL:
 * back to stderr. pid 1's output relay takes them so that they never
 * land inside a service's line. */
void log_set_writer(void (*w)(const char *line, size_t len));
int log_level_parse(const char *s, enum log_level *out);

void log_msg(enum log_level lvl, int with_errno, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_vmsg(enum log_level lvl, int with_errno, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#define log_error(...) log_msg(LOG_LVL_ERROR, 1, __VA_ARGS__)
#define log_errorx(...) log_msg(LOG_LVL_ERROR, 0, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, 1, __VA_ARGS__)
#define log_warnx(...) log_msg(LOG_LVL_WARN, 0, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, 0, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, 0, __VA_ARGS__)

/* Setup-phase only: log the error and exit with status. */
void fatalx(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

#endif
