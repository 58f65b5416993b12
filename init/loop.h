/* SPDX-License-Identifier: MIT */
/*
 * Helpers of pid 1's loop (init/super.c runs the one loop: prestart
 * hooks, CMD and the services or CMD alone, poststop hooks): the clock,
 * which signals are pid 1's own, and job control when pid 1 is init.
 */
#ifndef POUCH_LOOP_H
#define POUCH_LOOP_H

#include <stdint.h>
#include <sys/types.h>

int64_t loop_now_ms(void);

/* A SIGPIPE or SIGXFSZ that pid 1 caused itself (a write to a closed
 * pipe, past RLIMIT_FSIZE): ours, never forwarded. */
struct signalfd_siginfo;
int loop_self_inflicted(pid_t self, const struct signalfd_siginfo *si);

/* CMD (pid, and its process group) was stopped by job control signal
 * sig while pid 1 is the namespace's init: resume it, saying so once. */
void loop_resume_job(pid_t pid, int sig);

#endif
