// SPDX-License-Identifier: MIT
/*
 * pouch-init: pid 1 for rich containers. main() is the list of steps:
 * block signals, parse the command line, become a subreaper when not
 * pid 1, start CMD, run the loop, exit with CMD's status.
 */
#include "log.h"
#include "loop.h"
#include "opts.h"
#include "spawn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#ifndef POUCH_VERSION
#define POUCH_VERSION "0.0.0"
#endif

#define EXIT_SETUP 125

extern char **environ;

static void parse_args(int argc, char **argv, struct init_opts *o)
{
	char err[256];
	int r = opts_parse(argc, argv, environ, o, err, sizeof(err));

	if (r < 0) {
		log_errorx("%s (see --help)", err);
		exit(EXIT_SETUP);
	}
	if (r == OPTS_HELP) {
		fputs(opts_usage, stdout);
		exit(0);
	}
	if (r == OPTS_VERSION) {
		puts("pouch-init version " POUCH_VERSION);
		exit(0);
	}
	if (o->verbose)
		log_max_level = o->verbose > 1 ? LOG_LVL_DEBUG : LOG_LVL_INFO;
	if (o->mode == MODE_SYSTEMD || o->mode == MODE_SBIN_INIT)
		fatalx(EXIT_SETUP, "mode %s is not available in this build",
		       opts_mode_name(o->mode));
	if (o->initscript)
		fatalx(EXIT_SETUP, "--initscript is not available in this build");
	if (!o->cmd)
		fatalx(EXIT_SETUP, "no command given (see --help)");
}

static void become_reaper(struct loop *l)
{
	l->self = getpid();
	l->is_pid1 = l->self == 1;
	if (l->is_pid1)
		return;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		log_warn("unable to become a child subreaper");
	else
		log_info("not pid 1: running as a child subreaper");
}

static void start_cmd(struct loop *l)
{
	struct spawn_spec sp;
	int r, err;

	spawn_spec_init(&sp);
	sp.argv = l->opts->cmd;
	sp.mask = &l->inh->mask;
	sp.ignored = &l->inh->ignored;
	sp.group = SPAWN_PGRP;
	sp.tty_foreground = 1;
	r = spawn_start(&sp, &l->cmd_pid, &err);
	if (r < 0) {
		errno = -r;
		log_error("unable to start %s", l->opts->cmd[0]);
		exit(EXIT_SETUP);
	}
	l->cmd_running = 1;
	if (err) {
		errno = err;
		log_error("unable to exec %s", l->opts->cmd[0]);
		return; /* the child exits 126/127; the loop reaps it */
	}
	log_info("started %s (pid %d)", l->opts->cmd[0], (int)l->cmd_pid);
}

int main(int argc, char **argv)
{
	static struct sig_inherit inh;
	struct init_opts opts;
	struct loop l = { .opts = &opts, .inh = &inh };
	sigset_t all;
	int r;

	r = spawn_sig_setup(&inh, &all);
	if (r < 0) {
		errno = -r;
		log_error("unable to set up signals");
		return EXIT_SETUP;
	}
	parse_args(argc, argv, &opts);
	become_reaper(&l);
	l.sigfd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
	if (l.sigfd < 0) {
		log_error("unable to open a signalfd");
		return EXIT_SETUP;
	}
	if (opts.stop_timeout_ms >= 0)
		l.stop_timeout_ms = opts.stop_timeout_ms;
	else if (opts.mode != MODE_DUMB_INIT)
		l.stop_timeout_ms = 10000;
	start_cmd(&l);
	return loop_run(&l);
}
