// SPDX-License-Identifier: MIT
/*
 * Helpers of pid 1's loop; see loop.h.
 */
#include "init/loop.h"
#include "init/log.h"
#include "init/signames.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <time.h>

int64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void loop_resume_job(pid_t pid, int sig)
{
	static int said;
	char buf[16];

	if (!said)
		log_warnx("CMD was stopped by SIG%s, but a container has no job control: resuming it (said once)",
			  sig_name(sig, buf, sizeof(buf)));
	said = 1;
	if (kill(-pid, SIGCONT) < 0)
		(void)kill(pid, SIGCONT);
}

int loop_self_inflicted(pid_t self, const struct signalfd_siginfo *si)
{
	/* A write to a closed pipe or past RLIMIT_FSIZE signals pid 1
	 * itself; that is ours, not something to forward. */
	return (si->ssi_signo == SIGPIPE || si->ssi_signo == SIGXFSZ) &&
	       si->ssi_code == SI_USER && (pid_t)si->ssi_pid == self;
}
