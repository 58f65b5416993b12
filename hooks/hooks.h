/* SPDX-License-Identifier: MIT */
/*
 * Prestart and poststop hooks: every executable in a hooks directory, in
 * byte order of file name, each in its own process group with a deadline,
 * its output prefixed on pouch-init's stderr. While hooks run, pid 1 keeps
 * reaping and keeps reading its signals.
 */
#ifndef POUCH_HOOKS_H
#define POUCH_HOOKS_H

#include "init/spawn.h"

#include <stddef.h>
#include <stdint.h>

struct hook_run {
	const char *phase;	  /* "prestart" or "poststop" */
	const char *dir;	  /* CONFIG/hooks/PHASE.d */
	const char *initscript;	  /* prestart: "PATH ARGS", run first */
	const char *state_dir;	  /* prestart: holds the env file; NULL: none */
	int64_t timeout_ms;	  /* per hook */
	int64_t deadline_ms;	  /* CLOCK_MONOTONIC end of the phase; 0: none */
	int stop_on_failure;	  /* abort: stop at the first failure */
	int sigfd;
	const struct sig_inherit *inh;
	char **vars;		  /* POUCH_* variables for this phase */
	char **env;		  /* prestart: the env file's additions (out) */
	int stop_signal;	  /* out: SIGTERM/SIGINT arrived meanwhile */
	int64_t stopped_at;	  /* out: when it arrived */
	int64_t stop_grace_ms;	  /* prestart: a running hook has this long after
				   * SIGTERM before SIGKILL; 0: its timeout */
	int failures;		  /* out */
	uint64_t *warned;	  /* env file lines warned about (private) */
	size_t nwarned;
};

/* Why a file in a hooks directory is skipped, or NULL to run it. */
const char *hook_skip_reason(const char *name);

/* Run the phase. Returns 0, or -1 when a hook failed (see failures). */
int hook_run_phase(struct hook_run *h);

/* Does CONFIG/hooks/PHASE.d hold any file? */
int hook_dir_used(const char *dir);

struct cfg;
struct cfg_sources;
/* Add a configuration error for every hook that would run, and every
 * hooks directory, that someone other than root (or our euid) could
 * change (see cfg_path_check). cfg->dir is the configuration root. */
void hook_check(struct cfg *cfg, const struct cfg_sources *src);

#endif
