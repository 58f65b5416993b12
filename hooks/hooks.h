/* SPDX-License-Identifier: MIT */
/*
 * Prestart and poststop hooks: every executable in a hooks directory, in
 * byte order of file name, and their rules (what is skipped or refused,
 * the env file the prestart hooks write). pid 1's loop runs them, each in
 * its own session with a deadline, its output prefixed on pid 1's stderr.
 */
#ifndef POUCH_HOOKS_H
#define POUCH_HOOKS_H


#include <stddef.h>
#include <stdint.h>

/* One phase's hooks: the initscript (prestart), then every file of the
 * directory in byte order. pid 1's loop runs each with hook_phase_next's
 * argv and env, and says how it ended with hook_phase_done. */
struct hook_phase {
	/* in */
	const char *phase;	  /* "prestart" or "poststop" */
	const char *dir;	  /* CONFIG/hooks/PHASE.d */
	const char *boot;	  /* prestart: "PATH ARGS", run first of all,
				   * whose failure is said and does not
				   * count (the tmpfiles.d of units) */
	const char *initscript;	  /* prestart: "PATH ARGS", run first */
	const char *state_dir;	  /* prestart: holds the env file; NULL: none */
	int64_t timeout_ms;	  /* per hook */
	int64_t deadline_ms;	  /* CLOCK_MONOTONIC end of the phase; 0: none */
	int stop_on_failure;	  /* prestart_failure = abort */
	char **vars;		  /* POUCH_* variables for this phase */
	int stopped;		  /* set by the loop: a stop during prestart */
	/* out */
	char **env;		  /* prestart: the env file's additions */
	int failures;
	char name[256];		  /* the hook now: its name ... */
	char **argv;		  /* ... its command ... */
	char **hook_env;	  /* ... and its environment */
	/* private */
	struct dirent **list;
	int n, next, refused, init_done, boot_done, in_boot;
	char *envfile;
	char **pvars;
	uint64_t *warned;	  /* env file lines warned about */
	size_t nwarned;
};

/* Why a file in a hooks directory is skipped, or NULL to run it. */
const char *hook_skip_reason(const char *name);

/* List the phase's hooks (and, for prestart, make its env file). 0 or
 * -errno. */
int hook_phase_begin(struct hook_phase *h) __attribute__((warn_unused_result));
/* The next hook to run into h->name, h->argv, h->hook_env; 0 when the
 * phase is over (all run, a prestart stop, an abort). Skipped and refused
 * hooks are said and passed over. */
int hook_phase_next(struct hook_phase *h, int64_t now);
/* The hook last given ended with wait status status (-1: it could not be
 * started): what it wrote to POUCH_ENV_FILE is taken in, a failure said
 * and counted. */
void hook_phase_done(struct hook_phase *h, int status);
/* Read the env file again (after a refused hook). */
void hook_env_taken(struct hook_phase *h);
void hook_phase_end(struct hook_phase *h);

/* Does CONFIG/hooks/PHASE.d hold any file? */
int hook_dir_used(const char *dir);

struct cfg;
struct cfg_sources;
/* Add a configuration error for every hook that would run, and every
 * hooks directory, that someone other than root (or our euid) could
 * change (see cfg_path_check). cfg->dir is the configuration root. */
void hook_check(struct cfg *cfg, const struct cfg_sources *src);

#endif
