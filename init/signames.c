// SPDX-License-Identifier: MIT
/*
 * The table of classic signal names and the arithmetic of realtime ones.
 */
#include "init/signames.h"
#include "config/nametab.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

NAMETAB_BEGIN
static const struct {
	char name[8];
	int sig;
} table[] = {
	{ "HUP", SIGHUP },	{ "INT", SIGINT },	{ "QUIT", SIGQUIT },
	{ "ILL", SIGILL },	{ "TRAP", SIGTRAP },	{ "ABRT", SIGABRT },
	{ "BUS", SIGBUS },	{ "FPE", SIGFPE },	{ "KILL", SIGKILL },
	{ "USR1", SIGUSR1 },	{ "SEGV", SIGSEGV },	{ "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE },	{ "ALRM", SIGALRM },	{ "TERM", SIGTERM },
	{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },	{ "CONT", SIGCONT },
	{ "STOP", SIGSTOP },	{ "TSTP", SIGTSTP },	{ "TTIN", SIGTTIN },
	{ "TTOU", SIGTTOU },	{ "URG", SIGURG },	{ "XCPU", SIGXCPU },
	{ "XFSZ", SIGXFSZ },	{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
	{ "WINCH", SIGWINCH },	{ "IO", SIGIO },	{ "PWR", SIGPWR },
	{ "SYS", SIGSYS },
	/* aliases, parsed but never printed */
	{ "IOT", SIGABRT },	{ "POLL", SIGIO },	{ "CLD", SIGCHLD },
};
NAMETAB_END

static int parse_num(const char *s, long lo, long hi)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -EINVAL;
	return (int)v;
}

static int parse_rt(const char *s)
{
	int base, off = 0;

	if (strncasecmp(s, "RTMIN", 5) == 0) {
		base = SIGRTMIN;
		s += 5;
		if (*s == '+')
			off = parse_num(s + 1, 0, SIGRTMAX - SIGRTMIN);
		else if (*s)
			return -EINVAL;
		if (off < 0)
			return -EINVAL;
	} else if (strncasecmp(s, "RTMAX", 5) == 0) {
		base = SIGRTMAX;
		s += 5;
		if (*s == '-')
			off = parse_num(s + 1, 0, SIGRTMAX - SIGRTMIN);
		else if (*s)
			return -EINVAL;
		if (off < 0)
			return -EINVAL;
		off = -off;
	} else {
		return -EINVAL;
	}
	return base + off;
}

int sig_parse(const char *s, int allow_zero)
{
	int v;

	if (!s || !*s)
		return -EINVAL;
	if (isdigit((unsigned char)*s)) {
		v = parse_num(s, allow_zero ? 0 : 1, SIGRTMAX);
		return v;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof(table) / sizeof(*table); i++)
		if (strcasecmp(s, table[i].name) == 0)
			return table[i].sig;
	return parse_rt(s);
}

const char *sig_name(int sig, char *buf, unsigned long len)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(*table); i++)
		if (table[i].sig == sig)
			return table[i].name;
	if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
		if (sig == SIGRTMIN)
			snprintf(buf, len, "RTMIN");
		else
			snprintf(buf, len, "RTMIN+%d", sig - SIGRTMIN);
	} else {
		snprintf(buf, len, "%d", sig);
	}
	return buf;
}
