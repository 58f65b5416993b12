// SPDX-License-Identifier: MIT
/*
 * The control socket of the supervisor: a unix stream socket, mode 0600,
 * peers checked by SO_PEERCRED (root and our own uid). Line protocol: one
 * request line, then a response whose first line is "OK" or
 * "ERR <status> <message>", then the body; the server closes. pid 1 never
 * blocks on a client: non-blocking sockets, bounded buffers, at most
 * CTL_MAX_CLIENTS at once, and every client dropped after CTL_IDLE_MS.
 */
#include "init/log.h"
#include "init/loop.h"
#include "init/signames.h"
#include "config/values.h"
#include "run/ctlproto.h"
#include "run/sock.h"
#include "init/super-internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* c->out, made cap bytes long; 0, or -1 (the answer is lost). gcc
 * 12's analyzer loses c->out (c is one of a static array's clients)
 * and calls the buffer realloc'd into it leaked. */
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
static int grow_out(struct ctl_client *c, size_t cap)
{
	char *b = realloc(c->out, cap);

	if (!b) {
		c->overflow = 1;
		return -1;
	}
	c->out = b;
	c->outcap = cap;
	return 0;
}
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif

static void drop(struct super *sp, struct ctl_client *c)
{
	(void)epoll_ctl(sp->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->out);
	free(c->in);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/* Room for n more bytes (and a NUL) in c's answer; 0 or -1. The
 * answer grows by doubling, up to CTL_OUT_MAX. */
static int out_room(struct ctl_client *c, size_t n)
{
	size_t need = c->outlen + n + 1, cap = c->outcap ? c->outcap : 4096;

	if (need <= c->outcap)
		return 0;
	if (need > CTL_OUT_MAX) {
		c->overflow = 1;
		return -1;
	}
	while (cap < need)
		cap *= 2;
	if (cap > CTL_OUT_MAX)
		cap = CTL_OUT_MAX;
	return grow_out(c, cap);
}

void ctl_printf(struct ctl_client *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || c->overflow || out_room(c, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(c->out + c->outlen, (size_t)n + 1, fmt, ap);
	va_end(ap);
	c->outlen += (size_t)n;
}

/* Write what we can; drop the client once all is written. An answer
 * that did not fit is never sent cut: the client gets an error. */
static void flush(struct super *sp, struct ctl_client *c, size_t idx)
{
	struct epoll_event ev = { .events = EPOLLOUT };
	ssize_t w;

	if (c->overflow && c->outoff == 0) {
		c->overflow = 0;
		c->outlen = 0;
		ctl_printf(c, "ERR 1 the answer is larger than %d MiB; ask for one service\n",
			   CTL_OUT_MAX >> 20);
	}
	while (c->outoff < c->outlen) {
		w = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (!c->polled_out) {
				ev.data.u64 = ((uint64_t)W_CTL_CLIENT << 32) | idx;
				(void)epoll_ctl(sp->epfd, EPOLL_CTL_MOD, c->fd, &ev);
				c->polled_out = 1;
			}
			return;
		}
		if (w <= 0)
			break;
		c->outoff += (size_t)w;
	}
	drop(sp, c);
}

void ctl_open(struct super *sp)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	const char *path = sp->ctl_path;
	struct watch w = { W_CTL_LISTEN, 0 };
	char dir[108], *slash;
	mode_t old;

	sp->ctlfd = -1;
	sp->clients = calloc(CTL_MAX_CLIENTS, sizeof(*sp->clients));
	if (!sp->clients) {
		log_warnx("no control socket: out of memory");
		return;
	}
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		sp->clients[i].fd = -1;
	if (sp->cfg->init.control_socket)
		snprintf(sp->ctl_path, sizeof(sp->ctl_path), "%s",
			 sp->cfg->init.control_socket);
	else if (!sp->state_dir[0] ||
		 (size_t)snprintf(sp->ctl_path, sizeof(sp->ctl_path),
				  "%s/control.sock", sp->state_dir) >=
			 sizeof(sp->ctl_path)) {
		log_warnx("no control socket: no usable state directory");
		sp->ctl_path[0] = '\0';
		return;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		(void)mkdir(dir, 0755);
	}
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	sp->ctlfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (sp->ctlfd < 0)
		goto fail;
	(void)unlink(path);
	old = umask(0177); /* 0600 from the start, no window */
	if (bind(sp->ctlfd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		umask(old);
		goto fail;
	}
	umask(old);
	(void)sock_refuse_fds(sp->ctlfd); /* root's only: no fallback needed */
	if (listen(sp->ctlfd, 64) < 0 || super_watch_fd(sp, sp->ctlfd, &w) < 0)
		goto fail;
	return;
fail:
	log_warn("unable to open the control socket %s", path);
	if (sp->ctlfd >= 0)
		close(sp->ctlfd);
	sp->ctlfd = -1;
}

void ctl_close(struct super *sp)
{
	for (int i = 0; sp->clients && i < CTL_MAX_CLIENTS; i++)
		if (sp->clients[i].fd >= 0)
			drop(sp, &sp->clients[i]);
	free(sp->clients);
	sp->clients = NULL;
	if (sp->ctlfd >= 0) {
		close(sp->ctlfd);
		(void)unlink(sp->ctl_path);
		sp->ctlfd = -1;
	}
}

static void refuse(int fd, const char *msg)
{
	(void)send(fd, msg, strlen(msg), MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
}

void ctl_accept(struct super *sp)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd, slot;

	for (int n = 0; n < 64; n++) {
		fd = accept4(sp->ctlfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
		    (cred.uid != 0 && cred.uid != getuid())) {
			refuse(fd, "ERR 77 permission denied\n");
			continue;
		}
		for (slot = 0; slot < CTL_MAX_CLIENTS; slot++)
			if (sp->clients[slot].fd < 0)
				break;
		if (slot == CTL_MAX_CLIENTS) {
			refuse(fd, "ERR 75 too many clients, try again\n");
			continue;
		}
		sp->clients[slot].in = malloc(CTL_IN_MAX);
		if (!sp->clients[slot].in) {
			refuse(fd, "ERR 1 out of memory\n");
			continue;
		}
		sp->clients[slot].fd = fd;
		sp->clients[slot].deadline = sp->now + CTL_IDLE_MS;
		{
			struct watch w = { W_CTL_CLIENT, (size_t)slot };

			if (super_watch_fd(sp, fd, &w) < 0)
				drop(sp, &sp->clients[slot]);
		}
	}
}

static const char *health_name(const struct sched_unit *u)
{
	if (!u->cfg->health_argv)
		return "none";
	return u->health > 0 ? "healthy" : u->health < 0 ? "unhealthy" : "starting";
}

static int last_exit(const struct sched_unit *u)
{
	int st = u->svc.last_status;

	if (st < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void json_str(struct ctl_client *c, const char *s)
{
	ctl_printf(c, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			ctl_printf(c, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			ctl_printf(c, "\\u%04x", *s);
		else
			ctl_printf(c, "%c", *s);
	}
	ctl_printf(c, "\"");
}

static const char *unit_name(const struct sched_unit *u)
{
	return u->is_cmd ? "cmd" : u->cfg->name;
}

/* only: one unit's index, or -1 for all */
static void status_json(struct super *sp, struct ctl_client *c, int only)
{
	int first = 1;

	ctl_printf(c, "OK\n{\"services\": [");
	for (size_t i = 0; i < sp->sch.n; i++) {
		const struct sched_unit *r = &sp->sch.u[i];
		const char *st = i < sp->n ? sp->rt[i].status : NULL;

		if ((only >= 0 && i != (size_t)only) || (r->removed && svc_final(&r->svc)))
			continue;
		ctl_printf(c, "%s{\"name\": ", first ? "" : ", ");
		json_str(c, unit_name(r));
		ctl_printf(c, ", \"state\": \"%s\", \"pid\": ", svc_state_name(r->svc.state));
		if (r->svc.pid > 0)
			ctl_printf(c, "%d", (int)r->svc.pid);
		else
			ctl_printf(c, "null");
		ctl_printf(c, ", \"restarts\": %d, \"last_exit\": ", r->svc.restarts);
		if (last_exit(r) >= 0)
			ctl_printf(c, "%d", last_exit(r));
		else
			ctl_printf(c, "null");
		ctl_printf(c, ", \"ready\": %s, \"health\": \"%s\", \"uptime_ms\": %lld, \"status\": ",
		     svc_up(&r->svc) ? "true" : "false", health_name(r),
		     r->svc.pid > 0 ? (long long)(sp->now - r->svc.started_at) : 0LL);
		json_str(c, st ? st : "");
		ctl_printf(c, "}");
		first = 0;
	}
	ctl_printf(c, "]}\n");
}

static void status_table(struct super *sp, struct ctl_client *c, int only)
{
	ctl_printf(c, "OK\n%-20s %-9s %7s %9s %8s %9s %5s %s\n", "NAME", "STATE", "PID",
	     "UPTIME", "RESTARTS", "LAST_EXIT", "READY", "HEALTH");
	for (size_t i = 0; i < sp->sch.n; i++) {
		const struct sched_unit *r = &sp->sch.u[i];
		char pid[16] = "-", up[24] = "-", le[16] = "-";

		if ((only >= 0 && i != (size_t)only) || (r->removed && svc_final(&r->svc)))
			continue;
		if (r->svc.pid > 0) {
			snprintf(pid, sizeof(pid), "%d", (int)r->svc.pid);
			snprintf(up, sizeof(up), "%llds",
				 (long long)(sp->now - r->svc.started_at) / 1000);
		}
		if (last_exit(r) >= 0)
			snprintf(le, sizeof(le), "%d", last_exit(r));
		ctl_printf(c, "%-20s %-9s %7s %9s %8d %9s %5s %s\n",
		     unit_name(r), svc_state_name(r->svc.state),
		     pid, up, r->svc.restarts, le, svc_up(&r->svc) ? "yes" : "no",
		     health_name(r));
	}
}

/* A client whose answer waits: no more reading (a client that
 * half-closed its side would wake us all the time; a hang-up is still
 * reported). */
static void hold(struct super *sp, struct ctl_client *c)
{
	struct epoll_event ev = { .events = 0 };

	ev.data.u64 = ((uint64_t)W_CTL_CLIENT << 32) | (uint64_t)(c - sp->clients);
	(void)epoll_ctl(sp->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Is NAME (or, without a name, everything) ready? */
static void cmd_wait(struct super *sp, struct ctl_client *c,
		     const struct ctl_req *rq)
{
	snprintf(c->wait_name, sizeof(c->wait_name), "%s",
		 rq->name ? rq->name : "");
	c->wait_until = rq->timeout_ms >= 0 ? sp->now + rq->timeout_ms : 0;
	if (c->wait_name[0] && sched_find(&sp->sch, c->wait_name) < 0) {
		ctl_printf(c, "ERR 3 no service '%s'\n", c->wait_name);
		return;
	}
	if (sched_is_ready(&sp->sch, c->wait_name)) {
		ctl_printf(c, "OK\nready\n");
		return;
	}
	c->waiting = 1;
	c->deadline = c->wait_until; /* 0: as long as it takes */
	hold(sp, c);
}

/* What a wait-ready still waits for: "db (starting), cmd (starting)". */
static void waiting_for(struct super *sp, struct ctl_client *c)
{
	int first = 1;

	for (size_t i = 0; i < sp->sch.n; i++) {
		const struct sched_unit *r = &sp->sch.u[i];
		const char *name = unit_name(r);

		if (r->removed || (c->wait_name[0] && strcmp(c->wait_name, name)))
			continue;
		if (sched_is_ready(&sp->sch, name) ||
		    (!c->wait_name[0] && !sched_counts(&sp->sch, i)))
			continue;
		ctl_printf(c, "%s%s (%s)", first ? "" : ", ", name,
			   svc_state_name(r->svc.state));
		first = 0;
	}
}

/* What an operator asks of one service goes to the scheduler. */
static void cmd_service(struct super *sp, struct ctl_client *c,
			const struct ctl_req *rq)
{
	int i = sched_find(&sp->sch, rq->name), ret;

	/* a unit no target wants, started by name: loaded now */
	if (i < 0 && (rq->op == CTL_START || rq->op == CTL_RESTART) &&
	    sp->sch.phase == PH_RUN)
		i = super_load_unit(sp, rq->name);
	if (i < 0) {
		ctl_printf(c, "ERR 3 no service '%s'\n", rq->name);
		return;
	}
	if (sp->sch.phase != PH_RUN) {
		ctl_printf(c, "ERR 1 the container is stopping\n");
		return;
	}
	switch (rq->op) {
	case CTL_START:
		ret = sched_start(&sp->sch, (size_t)i);
		break;
	case CTL_STOP:
		ret = sched_stop(&sp->sch, (size_t)i);
		break;
	case CTL_RESTART:
		ret = sched_restart(&sp->sch, (size_t)i);
		break;
	case CTL_RELOAD: /* NAME: its ExecReload=, or its reload_signal */
		ret = sched_reload_unit(&sp->sch, (size_t)i);
		if (ret == -2) {
			ctl_printf(c, "ERR 4 service '%s' has no way to reload\n", rq->name);
			return;
		}
		if (ret == -3) {
			ctl_printf(c, "ERR 1 service '%s' is busy with another command\n",
				   rq->name);
			return;
		}
		if (ret == 0 && sp->sch.u[i].cfg->reload.n) {
			/* the answer comes when its commands are done */
			run_actions(sp);
			c->waiting = 2;
			c->wait_unit = (size_t)i;
			c->wait_gen = sp->sch.u[i].reloads;
			c->deadline = 0;
			hold(sp, c);
			return;
		}
		break;
	default: /* signal */
		ret = sched_signal(&sp->sch, (size_t)i, rq->sig, 1);
		break;
	}
	if (ret < 0) {
		ctl_printf(c, "ERR 4 service '%s' is not running\n", rq->name);
		return;
	}
	/* done before the answer goes */
	run_actions(sp);
	ctl_printf(c, "OK\n");
}

/* Every file: output is reopened (after an external logrotate moved
 * them), each at its next line boundary. */
static void cmd_reopen(struct super *sp, struct ctl_client *c)
{
	char why[128], body[2048];
	size_t failed = 0, len = 0;
	int w;

	body[0] = '\0';
	for (size_t i = 0; i < sp->nfiles; i++) {
		if (outfile_reopen(sp->files[i], why, sizeof(why)) == 0)
			continue;
		failed++;
		w = snprintf(body + len, sizeof(body) - len, "%s: %s\n",
			     sp->files[i]->path, why);
		if (w > 0 && (size_t)w < sizeof(body) - len)
			len += (size_t)w;
	}
	log_info("reopened %zu of %zu log files", sp->nfiles - failed,
		 sp->nfiles);
	if (failed) {
		ctl_printf(c, "ERR 1 unable to reopen %zu of %zu log files\n",
			   failed, sp->nfiles);
		for (size_t off = 0; off < len; off += 512)
			ctl_printf(c, "%.512s", body + off);
	} else
		ctl_printf(c, "OK\nreopened %zu log files\n", sp->nfiles);
}

static void handle(struct super *sp, struct ctl_client *c, char *line)
{
	struct ctl_req rq;
	int only = -1;
	char err[128];

	if (ctl_parse(line, &rq, err, sizeof(err)) < 0) {
		ctl_printf(c, "ERR 2 %s\n", err);
		return;
	}
	switch (rq.op) {
	case CTL_STATUS:
		if (rq.name && (only = sched_find(&sp->sch, rq.name)) < 0) {
			ctl_printf(c, "ERR 3 no service '%s'\n", rq.name);
			return;
		}
		(rq.json ? status_json : status_table)(sp, c, only);
		break;
	case CTL_WAIT:
		cmd_wait(sp, c, &rq);
		break;
	case CTL_SHUTDOWN:
		sched_shutdown(&sp->sch, "shutdown", 0, 0);
		run_actions(sp);
		ctl_printf(c, "OK\n");
		break;
	case CTL_RELOAD:
		if (rq.name)
			cmd_service(sp, c, &rq);
		else
			super_reload(sp, c);
		break;
	case CTL_REOPEN:
		cmd_reopen(sp, c);
		break;
	case CTL_DAEMON_RELOAD:
		super_reload_defs(sp, c, 1);
		break;
	default:
		cmd_service(sp, c, &rq);
		break;
	}
}

void ctl_event(struct super *sp, size_t idx, uint32_t events)
{
	struct ctl_client *c;
	char *nl;
	ssize_t r;

	if (!sp->clients || idx >= CTL_MAX_CLIENTS)
		return;
	c = &sp->clients[idx];
	if (idx >= CTL_MAX_CLIENTS || c->fd < 0)
		return;
	if (c->outlen && (events & EPOLLOUT)) {
		flush(sp, c, idx);
		return;
	}
	if (c->outlen || c->waiting) {
		/* a request is answered or pending: only notice a hang-up */
		if (events & (EPOLLHUP | EPOLLERR))
			drop(sp, c);
		return;
	}
	r = recv(c->fd, c->in + c->inlen, CTL_IN_MAX - 1 - c->inlen, MSG_DONTWAIT);
	if (r <= 0) {
		if (r == 0 || (errno != EAGAIN && errno != EINTR))
			drop(sp, c);
		return;
	}
	c->inlen += (size_t)r;
	c->in[c->inlen] = '\0';
	nl = strchr(c->in, '\n');
	if (!nl) {
		if (c->inlen >= CTL_IN_MAX - 1) {
			ctl_printf(c, "ERR 2 request too long\n");
			flush(sp, c, idx);
		}
		return;
	}
	*nl = '\0';
	handle(sp, c, c->in);
	if (!c->waiting)
		flush(sp, c, idx);
}

/* A reload's answer, once its commands are done. */
static void reload_done(struct super *sp, struct ctl_client *c, size_t idx)
{
	const struct sched_unit *u = c->wait_unit < sp->sch.n
					     ? &sp->sch.u[c->wait_unit] : NULL;

	if (u && u->reloads_done != c->wait_gen && u->ex == EX_RELOAD)
		return;
	c->waiting = 0;
	if (!u || u->reloads_done != c->wait_gen)
		ctl_printf(c, "ERR 1 the reload was cut short (the service stopped)\n");
	else if (u->reload_failed)
		ctl_printf(c, "ERR 1 a command of its reload failed\n");
	else
		ctl_printf(c, "OK\n");
	flush(sp, c, idx);
}

void ctl_tick(struct super *sp)
{
	for (size_t i = 0; sp->clients && i < CTL_MAX_CLIENTS; i++) {
		struct ctl_client *c = &sp->clients[i];

		if (c->fd < 0)
			continue;
		if (c->waiting == 2) {
			reload_done(sp, c, i);
		} else if (c->waiting && sched_is_ready(&sp->sch, c->wait_name)) {
			c->waiting = 0;
			ctl_printf(c, "OK\nready\n");
			flush(sp, c, i);
		} else if (c->waiting && sp->sch.phase != PH_RUN) {
			c->waiting = 0;
			ctl_printf(c, "ERR 1 the container is stopping\n");
			flush(sp, c, i);
		} else if (c->deadline && sp->now >= c->deadline) {
			if (c->waiting) {
				c->waiting = 0;
				ctl_printf(c, "ERR 5 not ready in time: waiting for ");
				waiting_for(sp, c);
				ctl_printf(c, "\n");
				flush(sp, c, i);
			} else {
				drop(sp, c); /* idle, or never reads */
			}
		}
	}
}

int64_t ctl_next_deadline(const struct super *sp)
{
	int64_t at = 0;

	for (size_t i = 0; sp->clients && i < CTL_MAX_CLIENTS; i++) {
		const struct ctl_client *c = &sp->clients[i];

		if (c->fd >= 0 && c->deadline && (at == 0 || c->deadline < at))
			at = c->deadline;
	}
	return at;
}
