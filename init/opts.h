/* SPDX-License-Identifier: MIT */
/*
 * The pid-1 command line: `pouch-init [OPTIONS] [--] CMD [ARG...]`.
 * Pure: turns argv and the two environment defaults into struct init_opts
 * and reports bad input as one message. No I/O.
 */
#ifndef POUCH_OPTS_H
#define POUCH_OPTS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#define OPTS_NSIG 65 /* signals 1..64 */

enum init_mode {
	MODE_POUCH = 0,
	MODE_DUMB_INIT,
	MODE_SYSTEMD,
	MODE_SBIN_INIT,
};

struct init_opts {
	const char *config_dir;
	enum init_mode mode;
	int kill_group;
	int subreaper;
	int verbose;
	const char *initscript;
	int64_t stop_timeout_ms; /* -1: not given on the command line */
	int rewrite[OPTS_NSIG]; /* -1: forward unchanged, 0: drop, else target */
	uint8_t remap_exit[32]; /* bit per exit status reported as 0 */
	char **cmd;		/* NULL-terminated; NULL when no CMD given */
};

enum opts_result {
	OPTS_RUN = 0,
	OPTS_HELP,
	OPTS_VERSION,
};

/* Returns an enum opts_result, or -EINVAL with a message in err. Reads
 * POUCH_CONFIG_DIR and POUCH_RICH_MODE from env (a NULL-terminated array). */
int opts_parse(int argc, char **argv, char **env, struct init_opts *o,
	       char *err, size_t errlen) __attribute__((warn_unused_result));

int opts_mode_parse(const char *s, enum init_mode *out)
	__attribute__((warn_unused_result));
const char *opts_mode_name(enum init_mode m);

/* Exit status of the container for a wait(2) status of CMD: the code,
 * 128+n for a signal death, then remapped to 0 when -e asked for it. */
int opts_exit_status(const struct init_opts *o, int wstatus);

/* The signal to forward for one received signal: 0 means drop. */
int opts_forward_sig(const struct init_opts *o, int sig);

extern const char opts_usage[];

#endif
