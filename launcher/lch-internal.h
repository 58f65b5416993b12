/* SPDX-License-Identifier: MIT */
/*
 * What pouch-runc's command line front (main.c) hands to `rich-run`
 * (richrun.c): the real runtime, pouch-init, the administrator's
 * configuration and the runtime's global options.
 */
#ifndef POUCH_LCH_INTERNAL_H
#define POUCH_LCH_INTERNAL_H

#include "lch.h"

struct lch_host {
	const char *runtime;	  /* the real runc or crun */
	const char *init;	  /* pouch-init on the host */
	const struct lch_conf *conf;
	char **globals;		  /* the runtime's global options, as given */
	int nglobals;
};

/* 1 when the runtime can mount recursively read-only ("rro": its
 * `features` says so, and the kernel has mount_setattr) */
int lch_runtime_rro(const char *runtime);

int rich_run(int argc, char **argv, const struct lch_host *h);

#endif
