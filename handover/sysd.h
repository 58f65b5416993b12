/* SPDX-License-Identifier: MIT */
/*
 * PouchContainer's rich modes that hand pid 1 to the image's own init
 * after the prestart hooks have run: `systemd` (units generated under
 * /run/systemd/system from CMD and services.d) and `sbin-init`.
 */
#ifndef POUCH_SYSD_H
#define POUCH_SYSD_H

#include "config/config.h"
#include "init/opts.h"

#include <stdint.h>

/* What the generated units and scripts need. */
struct sysd_gen {
	const char *unit_dir;	/* /run/systemd/system */
	const char *state_dir;	/* env files (STATE/env, 0700), CMD's output FIFOs, scripts */
	const char *self;	/* pouch-init's path inside the container */
	char **env;		/* what CMD and the services get */
	int64_t hook_timeout_ms; /* [hooks] timeout, for the poststop hooks */
};

/* Write the units into g->unit_dir: pouch-cmd for CMD and pouch-NAME for
 * each service. The environment goes into root-only EnvironmentFile=s,
 * never into a unit. Returns 0 or -errno. */
int sysd_write_units(const struct sysd_gen *g, const struct init_opts *o,
		     const struct cfg *cfg) __attribute__((warn_unused_result));

/* Quote one word for an ExecStart= or Environment= line. */
char *sysd_quote(const char *word);

/* Exec the image's systemd (or /sbin/init for sbin-init); returns only
 * on failure, with a message. */
void sysd_exec(const struct init_opts *o, const char *relay_dir);

/* sbin-init mode: which init is /sbin/init? Register CMD in its inittab
 * (a script that runs CMD, the poststop hooks, then shuts down). */
enum sbin_kind { SBIN_NONE = 0, SBIN_BUSYBOX, SBIN_SYSVINIT, SBIN_OTHER };
enum sbin_kind sbin_kind(const char *path);
int sbin_register(const struct sysd_gen *g, const struct init_opts *o,
		  enum sbin_kind kind) __attribute__((warn_unused_result));

/* `pouch-init exec-env FILE -- CMD...` (sbin-init's CMD script). */
int sysd_exec_env(int argc, char **argv);

/* `pouch-init run-hooks poststop` from ExecStopPost=: the hooks, with
 * systemd's EXIT_CODE/EXIT_STATUS turned into the POUCH_* variables. */
int sysd_poststop(int argc, char **argv);

#endif
