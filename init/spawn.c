// SPDX-License-Identifier: MIT
/*
 * fork + exec for pid 1 and its services. See spawn.h for the contract.
 */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

extern char **environ;

int spawn_sig_setup(struct sig_inherit *si, sigset_t *blocked)
{
	struct sigaction sa;

	sigemptyset(&si->ignored);
	for (int sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (sigaction(sig, NULL, &sa) < 0)
			continue; /* glibc-reserved realtime signals */
		if (sa.sa_handler != SIG_IGN)
			continue;
		sigaddset(&si->ignored, sig);
		sa.sa_handler = SIG_DFL;
		if (sigaction(sig, &sa, NULL) < 0)
			return -errno;
	}
	sigfillset(blocked);
	if (sigprocmask(SIG_SETMASK, blocked, &si->mask) < 0)
		return -errno;
	return 0;
}

int spawn_exec_status(int err)
{
	return err == ENOENT || err == ENOTDIR ? 127 : 126;
}

/* Every path execve should try, in PATH order, as execvp would: one
 * allocation holding the NULL-terminated array and the strings. */
static char **path_candidates(const char *file)
{
	const char *path = getenv("PATH");
	size_t flen = strlen(file), n = 1, i = 0;
	char **list, *str;

	if (strchr(file, '/'))
		path = "";
	else if (!path || !*path)
		path = DEFAULT_PATH;
	for (const char *p = path; *p; p++)
		n += *p == ':';
	list = malloc((n + 1) * sizeof(*list) + strlen(path) + n * (flen + 2));
	if (!list)
		return NULL;
	str = (char *)(list + n + 1);
	for (const char *p = path;; p++) {
		const char *end = strchrnul(p, ':');
		size_t dlen = (size_t)(end - p);

		list[i++] = str;
		memcpy(str, p, dlen);
		if (dlen)
			str[dlen++] = '/';
		memcpy(str + dlen, file, flen + 1);
		str += dlen + flen + 1;
		if (!*end)
			break;
		p = end;
	}
	list[i] = NULL;
	return list;
}

static void child_signals(const struct spawn_spec *sp)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	for (int sig = 1; sp->ignored && sig < NSIG; sig++)
		if (sigismember(sp->ignored, sig) == 1)
			(void)sigaction(sig, &sa, NULL);
	(void)sigprocmask(SIG_SETMASK, sp->mask, NULL);
}

static void child_group(const struct spawn_spec *sp)
{
	if (sp->group == SPAWN_SESSION) {
		(void)setsid();
		return;
	}
	(void)setpgid(0, 0);
	/* SIGTTOU is still blocked here, so this is allowed from the
	 * background; ENOTTY when there is no terminal is fine. */
	if (sp->tty_foreground && isatty(STDIN_FILENO))
		(void)tcsetpgrp(STDIN_FILENO, getpgrp());
}

static __attribute__((noreturn)) void
child_exec(const struct spawn_spec *sp, char **cands, char **sh_argv, int errfd)
{
	char *const *envp = sp->envp ? sp->envp : environ;
	int err = ENOENT, e;

	child_group(sp);
	child_signals(sp);
	for (size_t i = 0; cands[i]; i++) {
		execve(cands[i], sp->argv, envp);
		e = errno;
		if (e == ENOEXEC) {
			sh_argv[1] = cands[i];
			execve("/bin/sh", sh_argv, envp);
		}
		if (e == EACCES)
			err = e;
		else if (e != ENOENT && e != ENOTDIR) {
			err = e;
			break;
		}
	}
	while (write(errfd, &err, sizeof(err)) < 0 && errno == EINTR)
		;
	_exit(spawn_exec_status(err));
}

static char **sh_argv_for(char *const *argv)
{
	size_t n = 0;
	char **sh;

	while (argv[n])
		n++;
	sh = calloc(n + 2, sizeof(*sh));
	if (!sh)
		return NULL;
	sh[0] = (char *)"sh";
	for (size_t i = 1; i < n; i++)
		sh[i + 1] = argv[i];
	return sh;
}

static int wait_exec(int fd, int *exec_errno)
{
	ssize_t r;
	int err = 0;

	do
		r = read(fd, &err, sizeof(err));
	while (r < 0 && errno == EINTR);
	*exec_errno = r == (ssize_t)sizeof(err) ? err : 0;
	return 0;
}

int spawn_start(const struct spawn_spec *sp, pid_t *pid, int *exec_errno)
{
	char **cands = path_candidates(sp->argv[0]);
	char **sh_argv = sh_argv_for(sp->argv);
	int fds[2], ret = -ENOMEM;
	pid_t p;

	*exec_errno = 0;
	if (!cands || !sh_argv)
		goto out_free;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		ret = -errno;
		goto out_free;
	}
	p = fork();
	if (p < 0) {
		ret = -errno;
		goto out_close;
	}
	if (p == 0)
		child_exec(sp, cands, sh_argv, fds[1]);
	if (sp->group == SPAWN_PGRP)
		(void)setpgid(p, p); /* closes the race with kill(-pgid) */
	close(fds[1]);
	fds[1] = -1;
	*pid = p;
	ret = wait_exec(fds[0], exec_errno);
out_close:
	close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
out_free:
	free(cands);
	free(sh_argv);
	return ret;
}
