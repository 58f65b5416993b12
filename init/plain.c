// SPDX-License-Identifier: MIT
/*
 * Plain mode in pid 1's loop: CMD alone, as tini and catatonit run it
 * (`--mode dumb-init`, or no services.d and no hooks). Every signal goes
 * to CMD (or its group with -g), rewritten with -r; pid 1 reaps every
 * zombie and exits with CMD's status as soon as CMD is gone. A job
 * control stop of CMD makes a subreaper stop too, as a job under a shell
 * does; pid 1 itself resumes it, as nothing above it would.
 */
#include "init/log.h"
#include "init/loop.h"
#include "init/signames.h"
#include "init/super-internal.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

void plain_start(struct super *sp)
{
	struct spawn_spec s;
	int r, err;

	spawn_spec_init(&s, sp->inh, sp->opts->cmd);
	s.group = SPAWN_PGRP;
	s.tty_foreground = 1;
	r = spawn_start(&s, &sp->plain_pid, &err);
	if (r < 0) {
		errno = -r;
		log_error("unable to start %s", sp->opts->cmd[0]);
		sp->code = 125;
		sp->life = LIFE_EXIT;
		return;
	}
	sp->plain_running = 1;
	sp->life = LIFE_RUN;
	if (pidmap_put(&sp->pm, sp->plain_pid, PM_PLAIN, 0, 0) < 0) {
		log_errorx("out of memory to track %s: killed", sp->opts->cmd[0]);
		(void)kill(sp->plain_pid, SIGKILL);
		sp->plain_running = 0;
		sp->code = 125;
		sp->life = LIFE_EXIT;
		return;
	}
	if (err) {
		errno = err;
		log_error("unable to exec %s", sp->opts->cmd[0]);
		return; /* the child exits 126/127; it is reaped as usual */
	}
	log_info("started %s (pid %d)", sp->opts->cmd[0], (int)sp->plain_pid);
	/* setup's allocations are all freed: give the pages back, so the
	 * per-container cost of an idle pid 1 is as small as it can be */
	(void)malloc_trim(0);
}

static void signal_cmd(struct super *sp, int sig)
{
	pid_t target = sp->opts->kill_group ? -sp->plain_pid : sp->plain_pid;
	char buf[16];

	log_debug("forwarding SIG%s to %d", sig_name(sig, buf, sizeof(buf)),
		  (int)target);
	if (kill(target, sig) < 0 && errno != ESRCH)
		log_warn("unable to forward SIG%s to %d",
			 sig_name(sig, buf, sizeof(buf)), (int)target);
}

/* After `fg` a shell hands the terminal to our group: give it back to CMD. */
static void regain_foreground(struct super *sp)
{
	if (!isatty(STDIN_FILENO) || tcgetpgrp(STDIN_FILENO) != getpgrp())
		return;
	(void)tcsetpgrp(STDIN_FILENO, sp->plain_pid);
}

void plain_signal(struct super *sp, const struct signalfd_siginfo *si)
{
	int sig = (int)si->ssi_signo, fwd;

	if (!sp->plain_running)
		return;
	fwd = opts_forward_sig(sp->opts, sig);
	if (fwd == 0)
		return;
	if (fwd == SIGCONT)
		regain_foreground(sp);
	signal_cmd(sp, fwd);
	if ((sig == SIGTERM || sig == SIGINT) && sp->plan->stop_timeout_ms > 0 &&
	    sp->kill_at == 0)
		sp->kill_at = sp->now + sp->plan->stop_timeout_ms;
}

static void cmd_stopped(struct super *sp, int sig)
{
	if (sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU)
		return;
	if (sp->is_pid1) {
		loop_resume_job(sp->plain_pid, sig);
		return;
	}
	/* As under a shell: when CMD stops for job control and pid 1 is
	 * not the namespace's init, stop too so our parent sees it. */
	log_debug("CMD stopped by job control, stopping too");
	(void)raise(SIGSTOP);
}

void plain_reaped(struct super *sp, pid_t pid, int status)
{
	char buf[16];

	if (pid != sp->plain_pid || !sp->plain_running)
		return;
	if (WIFSTOPPED(status)) {
		cmd_stopped(sp, WSTOPSIG(status));
		return;
	}
	sp->plain_running = 0;
	sp->code = opts_exit_status(sp->opts, status);
	if (WIFSIGNALED(status))
		log_info("CMD (pid %d) killed by SIG%s", (int)pid,
			 sig_name(WTERMSIG(status), buf, sizeof(buf)));
	else
		log_info("CMD (pid %d) exited with status %d", (int)pid,
			 WEXITSTATUS(status));
	sp->life = LIFE_EXIT;
}

void plain_timer(struct super *sp)
{
	if (!sp->kill_at || sp->now < sp->kill_at || !sp->plain_running)
		return;
	log_warnx("CMD (pid %d) did not stop in %lld ms, killing it",
		  (int)sp->plain_pid, (long long)sp->plan->stop_timeout_ms);
	(void)kill(-sp->plain_pid, SIGKILL);
	(void)kill(sp->plain_pid, SIGKILL);
	sp->kill_at = 0;
}
