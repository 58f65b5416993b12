// SPDX-License-Identifier: MIT
/*
 * vfork-style clone + exec for pid 1 and its services. See spawn.h for
 * the contract. The child shares pid 1's memory until it execs (so no
 * page is copied, and pid 1 takes no copy-on-write faults afterwards) and
 * runs on a stack of its own; pid 1 is suspended meanwhile. The child
 * only makes system calls and writes to its own stack.
 */
#include "run/spawn.h"
#include "config/nametab.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define CHILD_STACK (64 * 1024) /* the child uses a few KiB of it */
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
 * block holding the NULL-terminated array and the strings; in `stack`
 * when it fits (a plain pid 1 then never touches the heap). */
static char **path_candidates(const char *file, void *stack, size_t room)
{
	const char *path = getenv("PATH");
	size_t flen = strlen(file), n = 1, i = 0, need;
	char **list, *str;

	if (strchr(file, '/'))
		path = "";
	else if (!path || !*path)
		path = DEFAULT_PATH;
	for (const char *p = path; *p; p++)
		n += *p == ':';
	need = (n + 1) * sizeof(*list) + strlen(path) + n * (flen + 2);
	list = need <= room ? stack : malloc(need);
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
	/* a unit's IgnoreSIGPIPE= */
	sa.sa_handler = sp->sigpipe == 1 ? SIG_IGN : SIG_DFL;
	if (sp->sigpipe)
		(void)sigaction(SIGPIPE, &sa, NULL);
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

enum child_step {
	STEP_EXEC = 0, STEP_FDS, STEP_RLIMIT, STEP_CHDIR, STEP_CAPS,
	STEP_GROUPS, STEP_SETGID, STEP_SETUID, STEP_AMBIENT, STEP_NNP,
	STEP_NICE, STEP_OOM,
};

NAMETAB_BEGIN
static const char step_names[][31] = {
	"exec", "set up stdio for", "set rlimits for", "chdir for",
	"set capabilities for", "setgroups for", "setgid for", "setuid for",
	"raise ambient capabilities for", "set no_new_privs for",
	"set the nice value (Nice=) for", "set OOMScoreAdjust= for",
};
NAMETAB_END

static __attribute__((noreturn)) void child_fail(int errfd, int step, int err)
{
	int msg[2] = { err, step };

	while (write(errfd, msg, sizeof(msg)) < 0 && errno == EINTR)
		;
	_exit(spawn_exec_status(step == STEP_EXEC ? err : EPERM));
}

static int child_fds(const struct spawn_spec *sp)
{
	for (int i = 0; i < 3; i++) {
		if (sp->fds[i] < 0)
			continue;
		if (sp->fds[i] == i) {
			if (fcntl(i, F_SETFD, 0) < 0)
				return -1;
		} else if (dup2(sp->fds[i], i) < 0) {
			return -1;
		}
	}
	return 0;
}

static void close_fds_except(int keep)
{
	if (keep > 3)
		(void)close_range(3, (unsigned)keep - 1, 0);
	(void)close_range((unsigned)keep + 1, ~0U, 0);
	if (keep < 3)
		(void)close_range(3, ~0U, 0);
}

/* A unit's capability settings, carried out by the child. */
static int unit_caps(const struct spawn_spec *sp)
{
	return !sp->has_caps && (sp->has_bounding || sp->has_ambient);
}

static int kept(const struct spawn_spec *sp, int cap)
{
	int keep = 0;

	if (!sp->has_caps)
		return !sp->has_bounding || cap >= 64 || ((sp->bounding >> cap) & 1);
	for (size_t i = 0; i < sp->ncaps; i++)
		keep |= sp->caps[i] == cap;
	return keep;
}

static int child_drop_bounding(const struct spawn_spec *sp)
{
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++) {
		int keep = kept(sp, cap);

		if (!keep && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 &&
		    errno != EINVAL)
			return -1;
	}
	return 0;
}

/* Everything between fork and exec, in the order the kernel needs:
 * limits first, bounding set while still privileged, then groups, gid,
 * uid (keeping capabilities across), the directory as the user, then
 * ambient. */
static void child_setup(const struct spawn_spec *sp, int errfd)
{
	if (child_fds(sp) < 0)
		child_fail(errfd, STEP_FDS, errno);
	/* errfd is close-on-exec; everything else inherited goes now */
	if (sp->close_fds)
		close_fds_except(errfd);
	for (size_t i = 0; i < sp->nrlimits; i++)
		if (setrlimit(sp->rlimits[i].resource, &sp->rlimits[i].lim) < 0)
			child_fail(errfd, STEP_RLIMIT, errno);
	if (sp->has_umask)
		umask(sp->umask);
	/* before the user switch: a lower value needs privilege */
	if (sp->has_nice && setpriority(PRIO_PROCESS, 0, sp->nice) < 0)
		child_fail(errfd, STEP_NICE, errno);
	if (sp->oom_adj) {
		int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);

		if (fd < 0 || write(fd, sp->oom_adj, strlen(sp->oom_adj)) < 0)
			child_fail(errfd, STEP_OOM, errno);
		close(fd);
	}
	if ((sp->has_caps || sp->has_bounding) && child_drop_bounding(sp) < 0)
		child_fail(errfd, STEP_CAPS, errno);
	if (sp->set_ids) {
		if ((sp->has_caps || sp->has_ambient) &&
		    prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
			child_fail(errfd, STEP_CAPS, errno);
		if (setgroups(sp->ngroups, sp->groups) < 0)
			child_fail(errfd, STEP_GROUPS, errno);
		if (setgid(sp->gid) < 0)
			child_fail(errfd, STEP_SETGID, errno);
		if (setuid(sp->uid) < 0)
			child_fail(errfd, STEP_SETUID, errno);
	}
	/* as the service's user: its own symbolic links get it nowhere it
	 * could not go */
	if (sp->workdir && chdir(sp->workdir) < 0 && !sp->workdir_optional)
		child_fail(errfd, STEP_CHDIR, errno);
	if (sp->has_caps) {
		if (cap_set_proc((cap_t)sp->capset) < 0)
			child_fail(errfd, STEP_CAPS, errno);
		for (size_t i = 0; i < sp->ncaps; i++)
			if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE,
				  sp->caps[i], 0, 0) < 0)
				child_fail(errfd, STEP_AMBIENT, errno);
	}
	if (unit_caps(sp)) {
		if (cap_set_proc((cap_t)sp->capset) < 0)
			child_fail(errfd, STEP_CAPS, errno);
		for (int cap = 0; sp->has_ambient && cap <= CAP_LAST_CAP && cap < 64; cap++)
			if (((sp->ambient >> cap) & 1) && kept(sp, cap) &&
			    ((sp->ambient_ok >> cap) & 1) &&
			    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
				child_fail(errfd, STEP_AMBIENT, errno);
	}
	if (sp->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(errfd, STEP_NNP, errno);
}

static __attribute__((noreturn)) void
child_exec(const struct spawn_spec *sp, char **cands, char **sh_argv, int errfd)
{
	char *const *envp = sp->envp ? sp->envp : environ;
	int err = ENOENT, e;

	child_group(sp);
	child_setup(sp, errfd);
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
	child_fail(errfd, STEP_EXEC, err);
}

struct child_args {
	const struct spawn_spec *sp;
	char **cands, **sh_argv;
	int errfd;
};

static int child_main(void *arg)
{
	struct child_args *a = arg;

	child_exec(a->sp, a->cands, a->sh_argv, a->errfd);
}

/* Like vfork(), but the child runs on a stack of its own, mapped for
 * this one spawn (a guard page below it) and unmapped once the child has
 * exec'd or exited: the pages it touched are given back, so they do not
 * stay in pid 1's private memory as they would on pid 1's own stack.
 * The AddressSanitizer build forks instead: its shadow memory must not
 * be shared with a child that never returns from its frames. */
static pid_t clone_vfork(struct child_args *a)
{
#ifdef __SANITIZE_ADDRESS__
	pid_t p = fork();

	if (p == 0)
		child_main(a);
	return p;
#else
	long pg = sysconf(_SC_PAGESIZE);
	size_t len = CHILD_STACK + (size_t)(pg > 0 ? pg : 4096);
	char *m;
	pid_t p;

	if (a->sp->set_ids) { /* see spawn.h: never vfork for another user */
		p = fork();
		if (p == 0)
			child_main(a);
		return p;
	}
	m = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
		 -1, 0);
	if (m == MAP_FAILED)
		return -1;
	if (mprotect(m + len - CHILD_STACK, CHILD_STACK, PROT_READ | PROT_WRITE) < 0) {
		int e = errno;

		(void)munmap(m, len);
		errno = e;
		return -1;
	}
	p = clone(child_main, m + len, CLONE_VM | CLONE_VFORK | SIGCHLD, a);
	if (p < 0) {
		int e = errno;

		(void)munmap(m, len);
		errno = e;
		return -1;
	}
	(void)munmap(m, len); /* CLONE_VFORK: the child is done with it */
	return p;
#endif
}

static char **sh_argv_for(char *const *argv, char **stack, size_t room)
{
	size_t n = 0;
	char **sh;

	while (argv[n])
		n++;
	sh = n + 2 <= room ? stack : calloc(n + 2, sizeof(*sh));
	if (!sh)
		return NULL;
	memset(sh, 0, (n + 2) * sizeof(*sh));
	sh[0] = (char *)"sh";
	for (size_t i = 1; i < n; i++)
		sh[i + 1] = argv[i];
	return sh;
}

int spawn_exec_result(int fd, int *exec_errno, const char **step)
{
	ssize_t r;
	int msg[2] = { 0, 0 };

	do
		r = read(fd, msg, sizeof(msg));
	while (r < 0 && errno == EINTR);
	if (r < 0 && errno == EAGAIN)
		return -EAGAIN; /* not yet */
	*exec_errno = r == (ssize_t)sizeof(msg) ? msg[0] : 0;
	*step = "exec";
	if (*exec_errno && msg[1] >= 0 &&
	    msg[1] < (int)(sizeof(step_names) / sizeof(*step_names)))
		*step = step_names[msg[1]];
	return 0;
}


void spawn_spec_init(struct spawn_spec *sp, const struct sig_inherit *inh,
		     char *const *argv)
{
	memset(sp, 0, sizeof(*sp));
	sp->fds[0] = sp->fds[1] = sp->fds[2] = -1;
	sp->argv = argv;
	sp->mask = &inh->mask;
	sp->ignored = &inh->ignored;
}

int spawn_start(const struct spawn_spec *sp, pid_t *pid, int *exec_errno)
{
	const char *step;

	return spawn_start_step(sp, pid, exec_errno, &step);
}

static cap_t make_capset(const struct spawn_spec *sp)
{
	cap_t c = cap_init();
	cap_value_t v;

	for (size_t i = 0; c && i < sp->ncaps; i++) {
		v = sp->caps[i];
		if (cap_set_flag(c, CAP_PERMITTED, 1, &v, CAP_SET) < 0 ||
		    cap_set_flag(c, CAP_EFFECTIVE, 1, &v, CAP_SET) < 0 ||
		    cap_set_flag(c, CAP_INHERITABLE, 1, &v, CAP_SET) < 0) {
			cap_free(c);
			return NULL;
		}
	}
	return c;
}

/* A unit's: what pid 1 has, less what CapabilityBoundingSet= drops, with
 * AmbientCapabilities= inheritable (and effective, for the ambient
 * raise after the user switch). A switch to another user without
 * AmbientCapabilities= keeps no capability (the kernel cleared them at
 * setuid: asking for them again would fail the start), only the
 * inheritable ones the bounding set keeps. */
static cap_t make_unit_capset(struct spawn_spec *sp)
{
	cap_t c = cap_get_proc();
	int lost = sp->set_ids && sp->uid != 0 && !sp->has_ambient;

	sp->ambient_ok = 0;
	for (int v = 0; c && v <= CAP_LAST_CAP; v++) {
		cap_value_t cv = v;
		cap_flag_value_t have = CAP_CLEAR;
		int r = 0;

		if (!kept(sp, v) || lost) {
			r |= cap_set_flag(c, CAP_PERMITTED, 1, &cv, CAP_CLEAR);
			r |= cap_set_flag(c, CAP_EFFECTIVE, 1, &cv, CAP_CLEAR);
			if (!kept(sp, v))
				r |= cap_set_flag(c, CAP_INHERITABLE, 1, &cv, CAP_CLEAR);
		} else if (sp->has_ambient && v < 64 && ((sp->ambient >> v) & 1) &&
			   cap_get_flag(c, cv, CAP_PERMITTED, &have) == 0 &&
			   have == CAP_SET) {
			r |= cap_set_flag(c, CAP_INHERITABLE, 1, &cv, CAP_SET);
			r |= cap_set_flag(c, CAP_EFFECTIVE, 1, &cv, CAP_SET);
			sp->ambient_ok |= 1ULL << v;
		}
		if (r < 0) {
			cap_free(c);
			return NULL;
		}
	}
	return c;
}

int spawn_start_step(const struct spawn_spec *sp_in, pid_t *pid,
		     int *exec_errno, const char **step)
{
	struct spawn_spec copy = *sp_in, *sp = &copy;
	void *cand_buf[64];
	char *sh_buf[32];
	char **cands = path_candidates(sp->file ? sp->file : sp->argv[0],
				       cand_buf, sizeof(cand_buf));
	char **sh_argv = sh_argv_for(sp->argv, sh_buf, 32);
	int fds[2], ret = -ENOMEM;
	struct child_args args;
	pid_t p;

	*exec_errno = 0;
	*step = "exec";
	if (!cands || !sh_argv)
		goto out_free;
	if (sp->has_caps && !(sp->capset = make_capset(sp)))
		goto out_free;
	if (unit_caps(sp) && !(sp->capset = make_unit_capset(sp)))
		goto out_free;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		ret = -errno;
		goto out_free;
	}
	args = (struct child_args){ sp, cands, sh_argv, fds[1] };
	p = clone_vfork(&args);
	if (p < 0) {
		ret = -errno;
		goto out_close;
	}
	if (sp->group == SPAWN_PGRP)
		(void)setpgid(p, p); /* closes the race with kill(-pgid) */
	close(fds[1]);
	fds[1] = -1;
	*pid = p;
	if (sp->set_ids && sp->exec_fd) {
		/* the result comes when it comes: the caller reads it */
		(void)fcntl(fds[0], F_SETFL, O_NONBLOCK);
		*sp->exec_fd = fds[0];
		fds[0] = -1;
		ret = 0;
		goto out_close;
	}
	ret = spawn_exec_result(fds[0], exec_errno, step); /* blocks until the exec */
out_close:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
out_free:
	if (sp->capset)
		cap_free(sp->capset);
	if ((void *)cands != (void *)cand_buf)
		free(cands);
	if (sh_argv != sh_buf)
		free(sh_argv);
	return ret;
}
