/* SPDX-License-Identifier: MIT */
/*
 * The pid-1 event loop: one ppoll() over the signalfd, with the earliest
 * deadline as its timeout. It reaps every child, forwards signals to CMD
 * and returns the container's exit status when CMD is gone.
 */
#ifndef POUCH_LOOP_H
#define POUCH_LOOP_H

#include "opts.h"
#include "spawn.h"

#include <stdint.h>
#include <sys/types.h>

struct loop {
	const struct init_opts *opts;
	const struct sig_inherit *inh;
	int sigfd;
	int is_pid1;
	pid_t self;
	pid_t cmd_pid;
	int cmd_running;
	int exit_code;
	int64_t kill_at_ms;	 /* CLOCK_MONOTONIC; 0: no deadline armed */
	int64_t stop_timeout_ms; /* TERM/INT to pid 1, then KILL after this */
};

int64_t loop_now_ms(void);

/* Run until CMD has exited; returns the container's exit status. */
int loop_run(struct loop *l);

/* A SIGPIPE or SIGXFSZ that pid 1 caused itself (a write to a closed
 * pipe, past RLIMIT_FSIZE): ours, never forwarded. */
struct signalfd_siginfo;
int loop_self_inflicted(pid_t self, const struct signalfd_siginfo *si);

/* CMD (pid, and its process group) was stopped by job control signal
 * sig while pid 1 is the namespace's init: resume it, saying so once. */
void loop_resume_job(pid_t pid, int sig);

/* Reap every child that has exited; records CMD's status. */
void loop_reap(struct loop *l);

#endif
