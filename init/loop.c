// SPDX-License-Identifier: MIT
/*
 * The event loop. Nothing here blocks but ppoll(); nothing here exits.
 */
#include "loop.h"
#include "log.h"
#include "signames.h"

#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

int64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void signal_cmd(struct loop *l, int sig)
{
	char buf[16];
	pid_t target = l->opts->kill_group ? -l->cmd_pid : l->cmd_pid;

	log_debug("forwarding SIG%s to %d", sig_name(sig, buf, sizeof(buf)),
		  (int)target);
	if (kill(target, sig) < 0 && errno != ESRCH)
		log_warn("unable to forward SIG%s to %d",
			 sig_name(sig, buf, sizeof(buf)), (int)target);
}

/* After `fg` a shell hands the terminal to our group: give it back to CMD. */
static void regain_foreground(struct loop *l)
{
	if (!isatty(STDIN_FILENO) || tcgetpgrp(STDIN_FILENO) != getpgrp())
		return;
	(void)tcsetpgrp(STDIN_FILENO, l->cmd_pid);
}

static void cmd_stopped(struct loop *l, int sig)
{
	if (sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU)
		return;
	/* pid 1 has no shell above it to resume a stopped job: CMD (its
	 * process group, which the terminal stopped) goes on at once */
	if (l->is_pid1) {
		loop_resume_job(l->cmd_pid, sig);
		return;
	}
	/* As under a shell: when CMD stops for job control and pid 1 is
	 * not the namespace's init, stop too so our parent sees it. */
	log_debug("CMD stopped by job control, stopping too");
	(void)raise(SIGSTOP);
}

static void cmd_exited(struct loop *l, int status)
{
	char buf[16];

	l->cmd_running = 0;
	l->exit_code = opts_exit_status(l->opts, status);
	if (WIFSIGNALED(status))
		log_info("CMD (pid %d) killed by SIG%s", (int)l->cmd_pid,
			 sig_name(WTERMSIG(status), buf, sizeof(buf)));
	else
		log_info("CMD (pid %d) exited with status %d", (int)l->cmd_pid,
			 WEXITSTATUS(status));
}

void loop_reap(struct loop *l)
{
	int status;
	pid_t pid;

	for (;;) {
		pid = waitpid(-1, &status, WNOHANG | WUNTRACED);
		if (pid <= 0)
			break;
		if (pid != l->cmd_pid || !l->cmd_running)
			continue; /* an orphan: reaped, nothing else to do */
		if (WIFSTOPPED(status))
			cmd_stopped(l, WSTOPSIG(status));
		else
			cmd_exited(l, status);
	}
	if (pid < 0 && errno != ECHILD && errno != EINTR)
		log_warn("waitpid");
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

static void on_signal(struct loop *l, const struct signalfd_siginfo *si)
{
	int sig = (int)si->ssi_signo, fwd;

	if (sig == SIGCHLD) {
		loop_reap(l);
		return;
	}
	if (loop_self_inflicted(l->self, si) || !l->cmd_running)
		return;
	fwd = opts_forward_sig(l->opts, sig);
	if (fwd == 0)
		return;
	if (fwd == SIGCONT)
		regain_foreground(l);
	signal_cmd(l, fwd);
	if ((sig == SIGTERM || sig == SIGINT) && l->stop_timeout_ms > 0 &&
	    l->kill_at_ms == 0)
		l->kill_at_ms = loop_now_ms() + l->stop_timeout_ms;
}

static void read_signals(struct loop *l)
{
	struct signalfd_siginfo si[4]; /* a small frame: pid 1's stack stays small */
	ssize_t n;

	for (;;) {
		n = read(l->sigfd, si, sizeof(si));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				log_warn("unable to read signals");
			return;
		}
		for (size_t i = 0; i < (size_t)n / sizeof(*si); i++)
			on_signal(l, &si[i]);
		if ((size_t)n < sizeof(si))
			return;
	}
}

static void deadline_passed(struct loop *l)
{
	log_warnx("CMD (pid %d) did not stop in %lld ms, killing it",
		  (int)l->cmd_pid, (long long)l->stop_timeout_ms);
	(void)kill(-l->cmd_pid, SIGKILL);
	(void)kill(l->cmd_pid, SIGKILL);
	l->kill_at_ms = 0;
}

static struct timespec *poll_timeout(const struct loop *l, struct timespec *ts)
{
	int64_t left;

	if (l->kill_at_ms == 0)
		return NULL;
	left = l->kill_at_ms - loop_now_ms();
	if (left < 0)
		left = 0;
	ts->tv_sec = left / 1000;
	ts->tv_nsec = (left % 1000) * 1000000;
	return ts;
}

int loop_run(struct loop *l)
{
	struct pollfd pfd = { .fd = l->sigfd, .events = POLLIN };
	struct timespec ts;
	int r;

	/* setup's allocations are all freed: give the pages back, so the
	 * per-container cost of an idle pid 1 is as small as it can be */
	(void)malloc_trim(0);
	loop_reap(l); /* CMD may already be gone */
	while (l->cmd_running) {
		r = ppoll(&pfd, 1, poll_timeout(l, &ts), NULL);
		if (r < 0 && errno != EINTR)
			log_warn("ppoll");
		if (r > 0)
			read_signals(l);
		if (l->cmd_running && l->kill_at_ms &&
		    loop_now_ms() >= l->kill_at_ms)
			deadline_passed(l);
	}
	loop_reap(l);
	return l->exit_code;
}
