// SPDX-License-Identifier: MIT
/*
 * Carrying out the scheduler's actions (services/sched.h) and feeding
 * back what happened: spawns, signals, checks, pidfiles; reaping, with
 * every pid routed by the pid map; notify messages and the claims of a
 * main process (MAINPID=, pidfiles), checked before they reach the
 * scheduler. Nothing here decides what a service does next.
 */
#include "init/log.h"
#include "init/loop.h"
#include "init/signames.h"
#include "run/notifyproto.h"
#include "run/outer.h"
#include "run/proc.h"
#include "run/sock.h"
#include "init/super-internal.h"
#include "units/units.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* in one turn of the loop, a unit whose spawns fail at once is stopped
 * after this many (restart_delay = 0 with no start limit) */
#define SPAWNS_PER_TURN 10000

const char *rt_name(struct super *sp, size_t i)
{
	return sp->sch.u[i].is_cmd ? "CMD" : sp->sch.u[i].cfg->name;
}

/* ---- signals ---- */

/* Signal the main process. One it did not start itself (a daemon from
 * its pidfile, a MAINPID=) is held by a pidfd: once it is gone, its pid
 * may be another process's, and that one must not get the signal. */
static int kill_main(struct super *sp, size_t i, int sig)
{
	const struct sched_unit *u = rt_unit(sp, i);

	if (u->svc.pid <= 0)
		return -1;
	if (sp->rt[i].main_pidfd >= 0)
		return (int)syscall(SYS_pidfd_send_signal, sp->rt[i].main_pidfd,
				    sig, NULL, 0);
	return kill(u->svc.pid, sig);
}

/* ---- process groups (struct grp) ---- */

/* Whether g's number still names the unit's group: see struct grp. */
static int grp_ours(struct super *sp, size_t i, struct grp *g)
{
	const struct sched_unit *u = rt_unit(sp, i);
	int64_t now = proc_ticks_now();

	if (g->pgid <= 1)
		return 0;
	/* no process in a group of that number at all: gone, without the
	 * scan of /proc (a stop of many services reaps many leaders) */
	if (!g->child && !g->sess && kill(-g->pgid, 0) < 0 && errno == ESRCH)
		goto gone;
	if (g->child ||
	    (u->svc.pid == g->pgid && sp->rt[i].main_pidfd >= 0 &&
	     syscall(SYS_pidfd_send_signal, sp->rt[i].main_pidfd, 0, NULL, 0) == 0) ||
	    proc_member_before(g->pgid, g->sess, g->valid, &g->proof)) {
		g->valid = now;
		return 1;
	}
gone:
	log_debug("%s%s: %s %d is gone; its number is not its own again",
		  u->is_cmd ? "" : "service ", rt_name(sp, i),
		  g->sess ? "session" : "process group", (int)g->pgid);
	*g = (struct grp){ 0 };
	return 0;
}

static int grp_signal(struct super *sp, size_t i, struct grp *g, int sig)
{
	if (!grp_ours(sp, i, g))
		return -ESRCH;
	return kill(-g->pgid, sig) == 0 ? 0 : -errno;
}

/* The scheduler named the unit's group anew (a run started; a daemon
 * was found by its pidfile): the one before is the last run's. */
static void grp_learn(struct super *sp, size_t i, int child)
{
	struct grp *g = sp->rt[i].grp;
	pid_t pgid = rt_unit(sp, i)->pgid;

	if (pgid == g[0].pgid && !child)
		return;
	if (pgid != g[0].pgid)
		g[1] = g[0];
	if (g[1].pgid == pgid) /* its number was free, so that one is gone */
		g[1] = (struct grp){ 0 };
	g[0] = (struct grp){ .pgid = pgid > 1 ? pgid : 0, .child = child,
			     .valid = proc_ticks_now() };
}

/* A run started its session (its first process leads it). */
static void sess_learn(struct super *sp, size_t i)
{
	pid_t sid = rt_unit(sp, i)->sid;

	sp->rt[i].sess = (struct grp){ .pgid = sid > 1 ? sid : 0, .child = 1,
				       .sess = 1, .valid = proc_ticks_now() };
}

/* A leader of one of its groups or of its session was reaped (tick:
 * just before). */
static void grp_reaped(struct super *sp, size_t i, pid_t pid, int64_t tick)
{
	for (int k = 0; k < 3; k++) {
		struct grp *g = k < 2 ? &sp->rt[i].grp[k] : &sp->rt[i].sess;

		if (g->pgid == pid && g->child) {
			g->child = 0;
			g->valid = tick;
		}
	}
}

static void signal_group(struct super *sp, size_t i, int sig)
{
	if (grp_signal(sp, i, &sp->rt[i].grp[0], sig) == 0)
		return;
	(void)kill_main(sp, i, sig);
}

/* The main process alone (kill_mode mixed or process), when known. */
static void signal_main(struct super *sp, size_t i, int sig)
{
	if (kill_main(sp, i, sig) < 0)
		signal_group(sp, i, sig);
}

/* A process it did not start is held by a pidfd from now (before it is
 * checked, so that the check and the signals are about the same
 * process). -1 when the pid is gone already. */
static int hold_pid(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static void take_main(struct super *sp, size_t i, int pidfd)
{
	struct rt *r = &sp->rt[i];

	if (r->main_pidfd >= 0)
		close(r->main_pidfd);
	r->main_pidfd = pidfd;
}

/* Name every process a final SIGKILL is about to hit (from /proc:
 * pid 1's own pid namespace; at most 32 of them, then a count). */
static void say_leftovers(struct super *sp)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int said = 0, more = 0;

	while (d && (e = readdir(d))) {
		char path[64], buf[256], *p;
		long pid = strtol(e->d_name, &p, 10);
		ssize_t n;
		int fd;

		if (*p || pid <= 1 || pid == sp->self)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		p = strrchr(buf, ')');
		if (!p || p[1] != ' ' || p[2] == 'Z' || !strchr(buf, '('))
			continue;
		*p = '\0';
		if (said++ < 32)
			log_warnx("pid %ld (%s) still runs at the end of the stop: SIGKILL",
				  pid, strchr(buf, '(') + 1);
		else
			more++;
	}
	if (d)
		closedir(d);
	if (more)
		log_warnx("... and %d more processes: SIGKILL", more);
}

void run_kill_rest(struct super *sp, int sig)
{
	char path[64], buf[4096];
	ssize_t n;
	int fd;

	if (sp->is_pid1) {
		if (sig == SIGKILL)
			say_leftovers(sp);
		(void)kill(-1, sig);
		return;
	}
	/* a subreaper signals only what descends from it */
	for (size_t i = 0; i < sp->n; i++)
		for (int k = 0; k < 2; k++)
			(void)grp_signal(sp, i, &sp->rt[i].grp[k], sig);
	snprintf(path, sizeof(path), "/proc/self/task/%d/children",
		 (int)sp->self);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	/* all of them, however many: read on, a number cut at the end of
	 * a read is kept for the next (they are its unreaped children) */
	for (size_t have = 0;;) {
		char *p = buf, *end;

		n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n > 0)
			have += (size_t)n;
		buf[have] = '\0';
		for (;;) {
			long pid = strtol(p, &end, 10);

			if (end == p || (n > 0 && *end == '\0'))
				break; /* none, or maybe cut */
			if (pid > 1)
				(void)kill((pid_t)pid, sig);
			p = end;
		}
		if (n <= 0)
			break;
		have -= (size_t)(p - buf);
		memmove(buf, p, have);
		if (have >= sizeof(buf) - 1)
			break; /* not a list of pids */
	}
	close(fd);
}

/* ---- who a process is ---- */

/* File a child (or an adopted main process) under unit i. One that
 * cannot be filed could never be routed: it is killed. */
static int file_pid(struct super *sp, size_t i, pid_t pid, enum sched_role role)
{
	if (pidmap_put(&sp->pm, pid, PM_UNIT, (uint32_t)i, role) == 0)
		return 0;
	log_errorx("%s%s: out of memory to track pid %d: killing it",
		   rt_unit(sp, i)->is_cmd ? "" : "service ", rt_name(sp, i),
		   (int)pid);
	(void)kill(pid, SIGKILL);
	return -1;
}

/* Whether pid is one of unit i's processes: its main process or
 * launcher, a process of the session its run was started in, or a
 * descendant of its main process or launcher. A process in another pid
 * namespace has pid 0 here and is no one's. */
static int belongs(struct super *sp, size_t i, pid_t pid)
{
	const struct sched_unit *u = &sp->sch.u[i];
	pid_t anc[2] = { u->svc.pid, u->launcher };
	struct proc_ids ids;

	if (pid <= 1)
		return 0;
	if (pid == u->svc.pid || pid == u->launcher)
		return 1;
	if (proc_ids(pid, &ids) < 0)
		return 0;
	/* (its session's number only while it is still that session) */
	if (u->sid > 1 && ids.sid == u->sid && sp->rt[i].sess.pgid == u->sid &&
	    grp_ours(sp, i, &sp->rt[i].sess))
		return 1;
	return proc_descends(pid, anc, 2);
}

/* May unit i take pid as its main process? Never pid 1, pouch-init
 * itself, a hook, a check, or a process that CMD or another service
 * tracks; and when the claim comes from an unprivileged writer (owner,
 * -1 when it is the unit's own process that says so), only a process
 * that writer could signal itself. */
static const char *claim_refused(struct super *sp, size_t i, pid_t pid,
				 long owner)
{
	struct proc_ids ids;
	struct pm_ent e;

	if (pid <= 1 || pid == sp->self)
		return "pid 1 or pouch-init itself";
	if (pidmap_get(&sp->pm, pid, &e)) {
		if (e.owner != PM_UNIT)
			return "a hook's process";
		if (e.unit != i)
			return sp->sch.u[e.unit].is_cmd ? "a process of CMD"
						      : "a process of another service";
		if (e.role == ROLE_PROBE || e.role == ROLE_HEALTH)
			return "one of its own checks";
		if (e.role == ROLE_EXEC)
			return "one of its own commands (ExecStartPre= and the like)";
	}
	if (proc_ids(pid, &ids) < 0)
		return "no such process";
	if (owner < 0)
		return belongs(sp, i, pid) ? NULL : "not a process of this service";
	if (owner > 0 && ids.ruid != (uid_t)owner && ids.suid != (uid_t)owner &&
	    !belongs(sp, i, pid))
		return "a process its writer could not signal itself";
	return NULL;
}

/* Unit i follows pid as its main process from now (held by pidfd). */
static int adopt_main(struct super *sp, size_t i, pid_t pid, int pidfd)
{
	struct sched_unit *u = rt_unit(sp, i);
	struct pm_ent e;

	if (file_pid(sp, i, pid, ROLE_MAIN) < 0) {
		if (pidfd >= 0)
			close(pidfd);
		return -1;
	}
	/* the main process it replaces is no one's from now: an orphan */
	if (u->svc.pid > 0 && u->svc.pid != pid &&
	    pidmap_get(&sp->pm, u->svc.pid, &e) && e.owner == PM_UNIT &&
	    e.unit == i && e.role == ROLE_MAIN)
		(void)pidmap_take(&sp->pm, u->svc.pid, NULL);
	take_main(sp, i, pidfd);
	return 0;
}

/* A pidfile is trusted as root's when root owns it, nobody else may
 * write it and it has one name; otherwise the uid that could have
 * written it is the claim's owner (see claim_refused). */
static int read_pidfile(struct super *sp, size_t i, pid_t *pid, int *pidfd)
{
	const char *path = rt_cfg(sp, i)->pidfile, *why;
	char buf[32];
	struct stat st;
	ssize_t n;
	long v;
	char *end;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EAGAIN;
	buf[n] = '\0';
	v = strtol(buf, &end, 10);
	if (end == buf || (*end && *end != '\n') || v <= 1 || v > 4194304)
		return -EAGAIN; /* not (yet) a pid */
	*pidfd = hold_pid((pid_t)v);
	if (*pidfd < 0 && errno == ESRCH)
		return -EAGAIN; /* gone already (a stale pidfile) */
	if (st.st_uid == 0 && !(st.st_mode & (S_IWGRP | S_IWOTH)) &&
	    st.st_nlink == 1)
		why = claim_refused(sp, i, (pid_t)v, 0);
	else
		why = claim_refused(sp, i, (pid_t)v,
				    st.st_uid && st.st_nlink == 1 ? (long)st.st_uid : -1);
	if (why) {
		if (!sp->rt[i].claim_said)
			log_warnx("service %s: pidfile %s names pid %ld, %s: not followed",
				  rt_cfg(sp, i)->name, path, v, why);
		sp->rt[i].claim_said = 1;
		if (*pidfd >= 0)
			close(*pidfd);
		*pidfd = -1;
		return -EPERM;
	}
	*pid = (pid_t)v;
	return 0;
}

/* The process group to signal for a daemon found by its pidfile: its
 * own, unless that group is another's (then the daemon alone). */
static pid_t daemon_group(struct super *sp, size_t i, pid_t pid)
{
	pid_t pg = getpgid(pid);
	struct pm_ent e;

	if (pg <= 1)
		return pid;
	for (size_t k = 0; k < sp->n; k++) {
		const struct sched_unit *o = rt_unit(sp, k);

		if (k != i && (o->pgid == pg || o->sid == pg))
			return pid;
	}
	if (pidmap_get(&sp->pm, pg, &e) && (e.owner != PM_UNIT || e.unit != i))
		return pid;
	return pg;
}

static void pidfile_check(struct super *sp, size_t i)
{
	pid_t pid = 0;
	int pidfd = -1;

	if (read_pidfile(sp, i, &pid, &pidfd) == 0 &&
	    adopt_main(sp, i, pid, pidfd) == 0) {
		sched_pidfile(&sp->sch, i, pid, daemon_group(sp, i, pid));
		grp_learn(sp, i, 0);
		return;
	}
	sched_pidfile(&sp->sch, i, 0, 0);
}

/* ---- readiness ---- */

/* A connect in progress: 1 connected, 0 not yet, -1 failed (closed
 * unless pending). */
/* A connect in progress: 1 it connected, 0 not yet, -1 it failed (the
 * socket is closed then). Asked without waiting: its error, else whether
 * it has a peer. */
static int connect_done(int *fd)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(int), plen = sizeof(peer);
	int err = 0;

	if (getsockopt(*fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && !err &&
	    getpeername(*fd, (struct sockaddr *)&peer, &plen) < 0 &&
	    errno == ENOTCONN)
		return 0;
	close(*fd);
	*fd = -1;
	return err ? -1 : 1;
}

/* Start a non-blocking connect to host (numeric; NULL: the family's
 * loopback address). 1 connected, 0 in progress (kept in *fd), -1
 * refused or failed. */
static int connect_start(int family, const char *host, int port, int *fd)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons((uint16_t)port),
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int ok;

	if (host && inet_pton(family, host, family == AF_INET
						    ? (void *)&a4.sin_addr
						    : (void *)&a6.sin6_addr) != 1)
		return -1;
	*fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (*fd < 0)
		return -1;
	ok = family == AF_INET
		     ? connect(*fd, (struct sockaddr *)&a4, sizeof(a4)) == 0
		     : connect(*fd, (struct sockaddr *)&a6, sizeof(a6)) == 0;
	if (!ok && errno == EINPROGRESS)
		return 0;
	close(*fd);
	*fd = -1;
	return ok ? 1 : -1;
}

/* ready = tcp:[HOST:]PORT. 1 ready, 0 not (yet). The given address, or
 * 127.0.0.1 and ::1 both: ready when either accepts. A loopback connect
 * refused or still pending at the next check gives the other family
 * its turn first. */
static int tcp_check(const struct cfg_service *c, int *fd)
{
	int fam = AF_UNSPEC, r, order[2];
	socklen_t len = sizeof(fam);

	if (*fd >= 0) {
		(void)getsockopt(*fd, SOL_SOCKET, SO_DOMAIN, &fam, &len);
		r = connect_done(fd);
		if (r > 0 || c->ready_host)
			return r > 0;
		if (r == 0) {
			close(*fd);
			*fd = -1;
		}
	}
	if (c->ready_host)
		return connect_start(strchr(c->ready_host, ':') ? AF_INET6
								: AF_INET,
				     c->ready_host, c->ready_port, fd) > 0;
	order[0] = fam == AF_INET ? AF_INET6 : AF_INET;
	order[1] = order[0] == AF_INET ? AF_INET6 : AF_INET;
	for (int i = 0; i < 2; i++) {
		r = connect_start(order[i], NULL, c->ready_port, fd);
		if (r >= 0)
			return r;
	}
	return 0;
}

/* ready = tcp: or file: */
static void ready_check(struct super *sp, size_t i)
{
	const struct cfg_service *c = rt_cfg(sp, i);
	int ok = c->ready == READY_TCP ? tcp_check(c, &sp->rt[i].probe_fd)
				       : access(c->ready_path, F_OK) == 0;

	if (ok)
		sched_ready(&sp->sch, i);
	else
		sched_not_yet(&sp->sch, i);
}

static void start_check(struct super *sp, size_t i, int health)
{
	const struct cfg_service *c = rt_cfg(sp, i);
	pid_t pid;

	if (run_start_check(sp, i, health ? c->health_argv : c->ready_argv,
			    &pid) < 0) {
		if (!health)
			sched_not_yet(&sp->sch, i);
		return;
	}
	if (file_pid(sp, i, pid, health ? ROLE_HEALTH : ROLE_PROBE) < 0) {
		if (!health)
			sched_not_yet(&sp->sch, i);
		return;
	}
	if (health)
		sched_health_started(&sp->sch, i, pid);
	else
		sched_probe_started(&sp->sch, i, pid);
}

/* ---- notify ---- */

/* A sender that has exited (and was reaped) before we read its message,
 * as `notify READY=1` run by a service's shell does. A process of
 * another pid namespace has pid 0; one of ours is taken when it ran as
 * root, as the service's user, or as the user its main process runs as
 * now (a daemon that dropped its privileges itself): a process of that
 * user could signal the service anyway. */
static int sender_gone(struct super *sp, size_t i, const struct ucred *cred)
{
	const struct cfg_service *c = rt_cfg(sp, i);
	uid_t uid = c->has_user ? c->uid : geteuid();
	pid_t main_pid = rt_unit(sp, i)->svc.pid;
	struct proc_ids main;

	if (cred->pid <= 0 || kill(cred->pid, 0) == 0 || errno != ESRCH)
		return 0;
	if (cred->uid == uid || cred->uid == 0)
		return 1;
	return main_pid > 0 && proc_ids(main_pid, &main) == 0 &&
	       cred->uid == main.ruid;
}

/* Say once per service that something was refused. */
static void refuse_once(struct super *sp, size_t i, const char *what, long v,
			const char *why)
{
	if (sp->rt[i].claim_said)
		return;
	sp->rt[i].claim_said = 1;
	log_warnx("service %s: %s%ld refused: %s (said once)",
		  rt_cfg(sp, i)->name, what, v, why);
}

static void notify_msg(struct super *sp, size_t i, const char *buf,
		       size_t len, const struct ucred *cred)
{
	struct rt *r = &sp->rt[i];
	struct notify_msg m;
	const char *why;

	if (!cred || !(belongs(sp, i, cred->pid) || sender_gone(sp, i, cred))) {
		refuse_once(sp, i, "a notify message from pid ",
			    cred ? (long)cred->pid : 0L,
			    cred && cred->pid ? "not a process of this service"
					      : "a process outside this container's pid namespace");
		return;
	}
	(void)notify_parse(buf, len, &m);
	if (m.status) {
		free(r->status);
		r->status = strndup(m.status, m.status_len < STATUS_MAX ? m.status_len : STATUS_MAX);
		log_info("service %s: %.*s", rt_cfg(sp, i)->name,
			 (int)m.status_len, m.status);
	}
	if (m.mainpid) {
		int pidfd = hold_pid(m.mainpid);

		why = pidfd < 0 && errno == ESRCH ? "no such process"
						  : claim_refused(sp, i, m.mainpid, -1);
		if (why) {
			refuse_once(sp, i, "MAINPID=", (long)m.mainpid, why);
			if (pidfd >= 0)
				close(pidfd);
		} else if (adopt_main(sp, i, m.mainpid, pidfd) == 0) {
			sched_mainpid(&sp->sch, i, m.mainpid);
		}
	}
	if (m.ready)
		sched_ready(&sp->sch, i);
}

/* The sender's credentials (the kernel's, SO_PASSCRED). The socket takes
 * no descriptors; where the kernel cannot refuse them, those sent along
 * are closed without waiting (FDSTORE is not kept). */
static const struct ucred *take_cmsgs(struct msghdr *mh)
{
	const struct ucred *cred = NULL;
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET)
			continue;
		if (cm->cmsg_type == SCM_CREDENTIALS &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(struct ucred)))
			cred = (const struct ucred *)CMSG_DATA(cm);
	}
	sock_drop_fds(mh);
	return cred;
}

void run_notify(struct super *sp, size_t i)
{
	char buf[4096], ctl[CMSG_SPACE(sizeof(struct ucred)) +
			    CMSG_SPACE(SOCK_MAX_FDS * sizeof(int))];
	struct iovec iov = { buf, sizeof(buf) };
	const struct ucred *cred;
	struct msghdr mh;
	ssize_t n;

	if (i >= sp->n)
		return;
	for (int k = 0; k < 64; k++) {
		const struct sched_unit *u = rt_unit(sp, i);

		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = ctl;
		mh.msg_controllen = sizeof(ctl);
		n = recvmsg(sp->rt[i].notifyfd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0)
			return;
		cred = take_cmsgs(&mh);
		if (u->svc.pid > 0 || u->svc.state == SVC_STARTING)
			notify_msg(sp, i, buf, (size_t)n, cred);
	}
	run_actions(sp);
}

/* Its main process is gone: what it wrote comes before what is said of
 * it (as far as its destination takes it now), and its partial line ends
 * after the last of it. */
void run_drain(struct super *sp, size_t i)
{
	struct outsrc *s[2] = { sp->rt[i].out, sp->rt[i].err };

	for (int k = 0; k < 2; k++) {
		if (!s[k])
			continue;
		(void)outsrc_read(s[k]);
		outsrc_run_ended(s[k]);
	}
}

/* ---- the actions ---- */

static void do_spawn(struct super *sp, size_t i)
{
	struct sched_unit *u = rt_unit(sp, i);
	enum sched_role role;
	pid_t pid;

	if (u->svc.state != SVC_STARTING || u->svc.pid > 0 || u->launcher > 0)
		return; /* stopped before its turn came */
	if (++sp->rt[i].spawns > SPAWNS_PER_TURN) {
		log_errorx("%s%s: %d starts failed at once: stopped",
			   u->is_cmd ? "" : "service ", rt_name(sp, i),
			   SPAWNS_PER_TURN);
		sched_spawn_failed(&sp->sch, i, 1 << 8);
		(void)sched_stop(&sp->sch, i);
		return;
	}
	if (run_start(sp, i, &pid) < 0) {
		sched_spawn_failed(&sp->sch, i, 1 << 8);
		return;
	}
	take_main(sp, i, -1); /* its own child: its pid stays until reaped */
	role = sched_spawned(&sp->sch, i, pid);
	(void)file_pid(sp, i, pid, role);
	grp_learn(sp, i, 1);
	sess_learn(sp, i);
}

/* One of a unit's commands beside its main process, when the
 * scheduler still wants it. */
static void do_exec(struct super *sp, size_t i, const struct sched_act *a)
{
	struct sched_unit *u = rt_unit(sp, i);
	pid_t pid;

	if (a->seq != u->ex_seq || u->ex_pid > 0)
		return;
	/* a command whose start fails at once restarts the unit at once
	 * (RestartSec=0, no start limit): within this turn, as do_spawn's */
	if (++sp->rt[i].spawns > SPAWNS_PER_TURN) {
		log_errorx("service %s: %d starts failed at once: stopped",
			   rt_name(sp, i), SPAWNS_PER_TURN);
		sched_exec_failed(&sp->sch, i, 1 << 8);
		(void)sched_stop(&sp->sch, i);
		return;
	}
	if (run_start_exec(sp, i, a->cmd, a->ex == EX_CONDITION ||
			   (a->ex == EX_PRE && !u->cfg->exec_condition.n), &pid) < 0) {
		sched_exec_failed(&sp->sch, i, 1 << 8);
		return;
	}
	if (file_pid(sp, i, pid, ROLE_EXEC) < 0) {
		sched_exec_failed(&sp->sch, i, SIGKILL);
		return;
	}
	sched_exec_started(&sp->sch, i, pid);
}

/* A unit's Condition*= and Assert*=, right before its start: a few
 * stat()s and reads of small files (/proc, os-release) in pid 1, none
 * of which waits on another process. */
static void do_conditions(struct super *sp, size_t i)
{
	char why[PATH_MAX + 512];
	int r = units_conditions(rt_cfg(sp, i), NULL, why, sizeof(why));

	sched_conditions(&sp->sch, i,
			 r == UNITS_COND_MET ? SCHED_COND_MET
			 : r == UNITS_COND_FAILED ? SCHED_COND_FAILED
						  : SCHED_ASSERT_FAILED,
			 why);
}

/* A run's RuntimeDirectory= is removed at its end, in pid 1, as
 * systemd's manager does it: an rm -r by descriptor of the service's own
 * tree in /run (a tmpfs), never following a symlink in it. */
static void remove_runtime(struct super *sp, size_t i,
			   const struct cfg_service *c)
{
	int ret = units_remove_runtime_dirs(c, NULL);

	if (ret < 0) {
		errno = -ret;
		log_warn("service %s: unable to remove its RuntimeDirectory= under /run",
			 rt_name(sp, i));
	}
}

static void say_state(struct super *sp, size_t i, const struct sched_act *a)
{
	const struct sched_unit *u = rt_unit(sp, i);
	const char *why = u->svc.why ? u->svc.why : "?";

	super_outer_update(sp);
	switch (a->state) {
	case SVC_RUNNING:
		log_info("%s%s: running (pid %d)", u->is_cmd ? "" : "service ",
			 rt_name(sp, i), (int)u->svc.pid);
		break;
	case SVC_BACKOFF:
		log_warnx("service %s: restarting in %lld ms", rt_name(sp, i),
			  (long long)(u->svc.timer_at - sp->now));
		break;
	case SVC_FAILED:
		if (!u->is_cmd)
			log_errorx("service %s: failed (%s)", rt_name(sp, i), why);
		break;
	case SVC_BLOCKED:
		log_warnx("service %s: blocked (%s)", rt_name(sp, i), why);
		break;
	case SVC_SKIPPED: /* the condition was said */
		break;
	default:
		log_debug("service %s: %s", rt_name(sp, i), svc_state_name(a->state));
		break;
	}
}

static void say_exit(struct super *sp, size_t i, const struct sched_act *a)
{
	char buf[16];

	if (WIFSIGNALED(a->status))
		log_warnx("service %s (pid %d) killed by SIG%s", rt_name(sp, i),
			  (int)a->pid, sig_name(WTERMSIG(a->status), buf, sizeof(buf)));
	else if (WEXITSTATUS(a->status) != 0 || rt_cfg(sp, i)->type != TYPE_ONESHOT)
		log_info("service %s (pid %d) exited with status %d",
			 rt_name(sp, i), (int)a->pid, WEXITSTATUS(a->status));
}

static void say(struct super *sp, const struct sched_act *a)
{
	static const enum log_level lv[] = { LOG_LVL_ERROR, LOG_LVL_WARN,
					     LOG_LVL_INFO, LOG_LVL_DEBUG };
	const char *pre = a->u < 0 ? "" : rt_unit(sp, (size_t)a->u)->is_cmd
						  ? "CMD: " : "service ";
	const char *name = a->u < 0 || rt_unit(sp, (size_t)a->u)->is_cmd
				   ? "" : rt_name(sp, (size_t)a->u);

	log_msg(lv[a->level], 0, "%s%s%s%s", pre, name, *name ? ": " : "", a->msg);
}

/* A unit's slot takes a new service (reload): its notify socket. */
static void rebind(struct super *sp, size_t i)
{
	if (rt_cfg(sp, i)->ready == READY_NOTIFY && sp->rt[i].notifyfd < 0)
		(void)super_open_notify(sp, i);
}

static void act(struct super *sp, const struct sched_act *a)
{
	size_t i = a->u >= 0 ? (size_t)a->u : 0;
	char buf[16];
	struct pm_ent e;

	if (a->u >= 0 && i >= sp->n)
		return; /* a unit that could not be made (out of memory) */
	switch (a->kind) {
	case SA_SPAWN:
		do_spawn(sp, i);
		break;
	case SA_CONDITIONS:
		do_conditions(sp, i);
		break;
	case SA_SIGNAL:
		(a->group ? signal_group : signal_main)(sp, i, a->sig);
		break;
	case SA_KILL_GROUP: /* one of the unit's groups, or nothing */
		for (int k = 0; k < 2; k++)
			if (a->pid > 1 && sp->rt[i].grp[k].pgid == a->pid)
				(void)grp_signal(sp, i, &sp->rt[i].grp[k], a->sig);
		break;
	case SA_KILL_REST:
		run_kill_rest(sp, a->sig);
		break;
	case SA_READ_PIDFILE:
		pidfile_check(sp, i);
		break;
	case SA_CHECK:
		ready_check(sp, i);
		break;
	case SA_SPAWN_PROBE:
	case SA_SPAWN_HEALTH:
		start_check(sp, i, a->kind == SA_SPAWN_HEALTH);
		break;
	case SA_KILL_PROBE: /* its own check, not reaped yet */
		if (a->pid > 1 && pidmap_get(&sp->pm, a->pid, &e) &&
		    e.owner == PM_UNIT && e.unit == i)
			(void)kill(-a->pid, SIGKILL);
		break;
	case SA_STATE:
		say_state(sp, i, a);
		break;
	case SA_EXITED:
		say_exit(sp, i, a);
		break;
	case SA_KILLED:
		log_warnx("%s%s: still running %lld ms after SIG%s (%s): SIGKILL",
			  rt_unit(sp, i)->is_cmd ? "" : "service ", rt_name(sp, i),
			  (long long)a->ms, sig_name(a->sig, buf, sizeof(buf)),
			  a->msg);
		break;
	case SA_SAY:
		say(sp, a);
		break;
	case SA_REBIND:
		rebind(sp, i);
		break;
	case SA_RELEASE:
		run_release(sp, i);
		break;
	case SA_STOPPING:
		outer_notify("STOPPING=1");
		break;
	case SA_REMOVE_RUNTIME:
		remove_runtime(sp, i, a->cfg);
		break;
	case SA_SPAWN_EXEC:
		do_exec(sp, i, a);
		break;
	case SA_SIGNAL_EXEC: /* its own command, not reaped yet: its session */
		if (a->pid > 1 && pidmap_get(&sp->pm, a->pid, &e) &&
		    e.owner == PM_UNIT && e.unit == i && e.role == ROLE_EXEC &&
		    kill(-a->pid, a->sig) < 0)
			(void)kill(a->pid, a->sig);
		break;
	}
}

size_t run_actions(struct super *sp)
{
	struct sched_act a;
	size_t done = 0;

	if (sp->dispatching)
		return 0; /* the dispatch under way takes what was queued */
	sp->dispatching = 1;
	for (;;) {
		if (sp->n < sp->sch.n && run_grow(sp) < 0)
			log_errorx("out of memory for a new service");
		if (!sched_take(&sp->sch, &a))
			break;
		act(sp, &a);
		done++;
	}
	sp->dispatching = 0;
	return done;
}

void run_turn_over(struct super *sp)
{
	for (size_t i = 0; i < sp->n; i++)
		sp->rt[i].spawns = 0;
}

/* ---- reaping ---- */

/* After orphans were reaped, and each turn: units whose stop waits for
 * their group. */
void run_check_groups(struct super *sp)
{
	for (size_t i = 0; i < sp->n; i++)
		if (sched_awaits_group(&sp->sch, i) &&
		    !grp_ours(sp, i, &sp->rt[i].grp[0]))
			sched_group_gone(&sp->sch, i);
}

static void unit_reaped(struct super *sp, const struct pm_ent *e, int status)
{
	size_t i = e->unit;
	const struct sched_unit *u;
	int alive = 0, was_main;

	if (i >= sp->n)
		return;
	u = rt_unit(sp, i);
	was_main = e->role == ROLE_MAIN && u->svc.pid == e->pid;
	if (e->role == ROLE_MAIN) {
		run_drain(sp, i);
		alive = u->pgid > 0 && u->pgid == sp->rt[i].grp[0].pgid &&
			grp_ours(sp, i, &sp->rt[i].grp[0]);
	}
	sched_reaped(&sp->sch, i, (enum sched_role)e->role, e->pid, status, alive);
	/* the pidfd held is the reaped main's, not a later one's */
	if (was_main && u->svc.pid != e->pid)
		take_main(sp, i, -1);
}

/* A job control stop: CMD (in the foreground) is resumed by pid 1 as a
 * shell's job would be by nothing above it. */
static void stopped(struct super *sp, pid_t pid, int status)
{
	int sig = WSTOPSIG(status);
	struct pm_ent e;

	if (!pidmap_get(&sp->pm, pid, &e))
		return;
	if (e.owner == PM_PLAIN) {
		plain_reaped(sp, pid, status);
		return;
	}
	if (e.owner == PM_UNIT && e.unit < sp->n && rt_unit(sp, e.unit)->is_cmd &&
	    e.role == ROLE_MAIN && sp->is_pid1 &&
	    (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU))
		loop_resume_job(pid, sig);
}

void run_reap(struct super *sp)
{
	struct pm_ent e;
	int status, orphans = 0;
	pid_t pid;

	/* the one place pid 1 waits for a child: every exit is routed from
	 * here, by the pid map, and no child left at all is known here too */
	sp->childless = 0;
	for (;;) {
		int64_t tick = sp->n ? proc_ticks_now() : 0;

		pid = waitpid(-1, &status, WNOHANG | WUNTRACED);
		if (pid <= 0)
			break;
		if (WIFSTOPPED(status)) {
			stopped(sp, pid, status);
			continue;
		}
		if (!pidmap_take(&sp->pm, pid, &e)) {
			/* a main that another replaced (MAINPID=) is no one's */
			for (size_t i = 0; i < sp->n; i++)
				grp_reaped(sp, i, pid, tick);
			orphans++;
			continue;
		}
		if (e.owner == PM_UNIT && e.unit < sp->n)
			grp_reaped(sp, e.unit, pid, tick);
		/* a stop that waited for a command may wait for a group now */
		if (e.owner == PM_UNIT && e.role == ROLE_EXEC)
			orphans++;
		switch (e.owner) {
		case PM_HOOK:
			hk_reaped(sp, status);
			break;
		case PM_PLAIN:
			plain_reaped(sp, pid, status);
			break;
		case PM_UNIT:
			unit_reaped(sp, &e, status);
			break;
		default:
			break;
		}
		/* what an exit asks for is done before the next is routed */
		run_actions(sp);
	}
	if (pid < 0 && errno == ECHILD)
		sp->childless = 1;
	if (sp->rt && (orphans || sp->sch.phase != PH_RUN)) {
		run_check_groups(sp);
		run_actions(sp);
	}
}

/* ---- slots ---- */

static void rt_init(struct super *sp, size_t i)
{
	struct rt *r = &sp->rt[i];

	memset(r, 0, sizeof(*r));
	r->out_w = r->err_w = -1;
	r->probe_fd = -1;
	r->notifyfd = -1;
	r->exec_fd[0] = r->exec_fd[1] = r->exec_fd[2] = -1;
	r->main_pidfd = -1;
	r->wout = (struct watch){ W_OUT, (uint32_t)i };
	r->werr = (struct watch){ W_ERR, (uint32_t)i };
	for (uint32_t k = 0; k < 3; k++)
		r->wexec[k] = (struct watch){ W_EXEC, (uint32_t)i * 3 + k };
}

int run_grow(struct super *sp)
{
	size_t n = sp->sch.n;
	struct rt *t;

	if (n <= sp->n)
		return 0;
	t = realloc(sp->rt, n * sizeof(*t));
	if (!t)
		return -ENOMEM;
	sp->rt = t;
	for (size_t i = sp->n; i < n; i++) {
		rt_init(sp, i);
		sp->n = i + 1;
		if (rt_cfg(sp, i)->ready == READY_NOTIFY)
			(void)super_open_notify(sp, i);
	}
	return 0;
}

/* Give back what a slot holds (at the end, or for a new service). */
void run_release(struct super *sp, size_t i)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct rt *r = &sp->rt[i];
	int fds[] = { r->out_w, r->err_w, r->probe_fd,
		      r->exec_fd[0], r->exec_fd[1], r->exec_fd[2], r->main_pidfd };

	if (r->notifyfd >= 0 && super_notify_name(sp, i, path, sizeof(path)) == 0)
		(void)unlink(path);
	if (r->notifyfd >= 0)
		sock_close(r->notifyfd, r->refuses_fds);
	/* what it still holds is written first */
	outsrc_free(r->out);
	outsrc_free(r->err);
	for (size_t k = 0; k < sizeof(fds) / sizeof(*fds); k++)
		if (fds[k] >= 0)
			close(fds[k]);
	free(r->status);
	pidmap_drop_unit(&sp->pm, (uint32_t)i);
	rt_init(sp, i);
}
