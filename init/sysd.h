/* SPDX-License-Identifier: MIT */
/*
 * PouchContainer's rich modes that hand pid 1 to the image's own init
 * after the prestart hooks have run: `systemd` (units generated under
 * /run/systemd/system from CMD and services.d) and `sbin-init`.
 */
#ifndef POUCH_SYSD_H
#define POUCH_SYSD_H

#include "config/config.h"
#include "opts.h"

/* Write the units into dir (normally /run/systemd/system): pouch-cmd
 * for CMD and pouch-NAME for each service; self is pouch-init's path
 * inside the container (for the poststop hooks); env is what CMD and the
 * services get. Returns 0 or -errno. */
int sysd_write_units(const char *dir, const struct init_opts *o,
		     const struct cfg *cfg, const char *self, char **env)
	__attribute__((warn_unused_result));

/* Quote one word for an ExecStart= or Environment= line. */
char *sysd_quote(const char *word);

/* Exec the image's systemd (or /sbin/init for sbin-init); returns only
 * on failure, with a message. */
void sysd_exec(const struct init_opts *o, const char *relay_dir);

/* sbin-init mode: which init is /sbin/init? Register CMD in its inittab
 * (a script that runs CMD, the poststop hooks, then shuts down). */
enum sbin_kind { SBIN_NONE = 0, SBIN_BUSYBOX, SBIN_SYSVINIT, SBIN_OTHER };
enum sbin_kind sbin_kind(const char *path);
int sbin_register(const struct init_opts *o, const char *self, char **env,
		  enum sbin_kind kind) __attribute__((warn_unused_result));

/* `pouch-init run-hooks poststop` from ExecStopPost=: the hooks, with
 * systemd's EXIT_CODE/EXIT_STATUS turned into the POUCH_* variables. */
int sysd_poststop(int argc, char **argv);

#endif
