// SPDX-License-Identifier: MIT
/*
 * Line-wise relaying of service output; see output.h.
 *
 * What a source reads is passed on as pieces (a prefix, a kept partial
 * line, bytes of the read buffer) gathered in one batch of iovecs per
 * destination and written with one writev(): nothing is copied unless a
 * destination cannot take it at once. A source reads only while its
 * destination may take a line from it: no other source's line is in
 * progress there, and (for pid 1's stdout and stderr) fewer than
 * OUT_QUEUE_MAX bytes are queued. Otherwise it waits in the destination's
 * FIFO, out of epoll, keeping at most what its last read gave (pend).
 * A source that ends a line while others wait gives way to them.
 */
#include "run/output.h"
#include "init/log.h"
#include "init/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define OUT_READ (64 * 1024)	 /* one read from a pipe */
#define OUT_IOV 1024		 /* pieces in one writev */
#define OUT_STAGE (64 * 1024)	 /* small pieces are copied together ... */
#define OUT_SMALL 512		 /* ... up to this size: one piece per batch */
#define OUT_OWN_MAX (64 * 1024)	 /* pid 1's own lines kept while a line streams */
#define OUT_EVENT_READ (256 * 1024) /* read from one source per event */
#define OUT_KICK_READ (1024 * 1024) /* read for waiting sources per turn */

/* The relay's working memory, allocated at its first use (not in the
 * binary's bss: pid 1 must start under a tight RLIMIT_AS). Until it can
 * be had, small ones from here do. */
struct bufs {
	char rbuf[OUT_READ];
	char stage[OUT_STAGE];
	struct iovec iov[OUT_IOV];
};
static struct bufs *big;
static char small_rbuf[1024];
static struct iovec small_iov[16];
static char *rbuf = small_rbuf;
static size_t rbuf_max = sizeof(small_rbuf);

/* The pieces gathered for one destination, not written yet. Small ones
 * (prefixes, short lines) are copied into stage, so that a read of short
 * lines goes out as one piece; larger ones point into rbuf, a source's
 * line or pend, and are flushed before any of those change. */
static struct {
	struct outq *q;
	struct iovec *iov;
	int n, max;
	size_t bytes, staged, stage_max;
	char *stage;
} batch = { .iov = small_iov, .max = 16 };

static int forced;		/* at the end: the queue limit is not applied */
static struct outq *log_q;	/* where pid 1's own log lines go */

static void batch_flush(void);
static void switch_now(struct outsrc *s, struct outq *q);

/* ---- destinations ---- */

int outq_open(struct outq *q, int fd)
{
	char path[64];
	struct stat st;

	memset(q, 0, sizeof(q[0]));
	q->fd = -1;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISSOCK(st.st_mode)) {
		q->is_socket = 1;
		q->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		return q->fd < 0 ? -errno : 0;
	}
	/* A pipe or terminal: a new open file description, so O_NONBLOCK
	 * is ours alone and whoever else shares fd 1 still blocks. A
	 * regular file never blocks; share its offset. */
	if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		q->fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	}
	if (q->fd < 0)
		q->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	return q->fd < 0 ? -errno : 0;
}

static size_t batched(const struct outq *q)
{
	return batch.q == q ? batch.bytes : 0;
}

/* May a line (or more of the owner's) go to q now? */
static int room(const struct outq *q)
{
	if (forced || q->file || q->fd < 0)
		return 1;
	return q->len + batched(q) < OUT_QUEUE_MAX;
}

/* Sources other than the owner (which waits first, for room only), or
 * pid 1's own lines, wait for the line in progress. */
static int others_wait(const struct outq *q)
{
	const struct outsrc *w = q->wait;

	if (w && w == q->owner)
		w = w->wnext;
	return w || q->ownlen;
}

/* Others wait for the owner's line: from now on it may hold q for
 * OUT_HOLD_MS in all, however it writes (a byte now and then resets
 * nothing), and pass OUT_HOLD_BYTES more; then it is cut. Its clock
 * stops only while it waits for room (the reader's doing). */
static void hold_start(struct outq *q)
{
	const struct outsrc *o = q->owner;

	if (!o || !o->streaming || q->hold_at || q->hold_left || !others_wait(q))
		return;
	q->hold_bytes = 0;
	if (o->waiting)
		q->hold_left = OUT_HOLD_MS;
	else
		q->hold_at = loop_now_ms() + OUT_HOLD_MS;
}

/* The owner waits for room: its hold's clock stops ... */
static void hold_pause(struct outq *q)
{
	int64_t left;

	if (!q->hold_at)
		return;
	left = q->hold_at - loop_now_ms();
	q->hold_left = left > 0 ? left : 1;
	q->hold_at = 0;
}

/* ... and goes on once it has room again. */
static void hold_resume(struct outq *q)
{
	if (!q->hold_left)
		return;
	q->hold_at = loop_now_ms() + q->hold_left;
	q->hold_left = 0;
}

static int kickable(const struct outq *q)
{
	return q->wait && room(q) && (!q->owner || q->owner == q->wait);
}

static void q_free(struct outq *q)
{
	free(q->buf);
	q->buf = NULL;
	q->off = q->len = q->cap = 0;
	q->want_pollout = 0;
}

/* gcc 12's analyzer loses q->buf on the long path through the batch
 * (q comes from a global) and calls the realloc'd buffer leaked, here
 * or in q_write */
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
static void q_append(struct outq *q, const char *p, size_t n)
{
	char *b = q->buf;
	size_t cap = q->cap;

	if (q->off + q->len + n > cap && q->off) {
		memmove(b, b + q->off, q->len);
		q->off = 0;
	}
	if (q->len + n > cap) {
		for (cap = cap ? cap : 16384; cap < q->len + n; cap *= 2)
			;
		b = realloc(b, cap);
		if (!b) {
			q->dropped += n;
			return;
		}
	}
	memcpy(b + q->off + q->len, p, n);
	q->buf = b;
	q->cap = cap;
	q->len += n;
	q->want_pollout = 1;
}

static ssize_t q_writev(struct outq *q, const struct iovec *iov, int n)
{
	struct msghdr mh = { .msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)n };
	ssize_t w;

	do
		w = q->is_socket ? sendmsg(q->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL)
				 : writev(q->fd, iov, n);
	while (w < 0 && errno == EINTR);
	return w;
}

/* To pid 1's stdout or stderr: at once if nothing is queued before it,
 * the rest queued. */
static void q_write(struct outq *q, const struct iovec *iov, int n, size_t total)
{
	size_t w = 0;
	ssize_t r;

	if (q->fd < 0)
		return; /* no stdout (or stderr) at all */
	if (q->len == 0) {
		r = q_writev(q, iov, n);
		if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			q->dropped += total; /* EPIPE: nobody reads any more */
			return;
		}
		w = r > 0 ? (size_t)r : 0;
	}
	for (int i = 0; i < n; i++) {
		if (w >= iov[i].iov_len) {
			w -= iov[i].iov_len;
			continue;
		}
		q_append(q, (const char *)iov[i].iov_base + w, iov[i].iov_len - w);
		w = 0;
	}
}
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/* pid 1's own lines wait while a line is being written to q. */
static void own_flush(struct outq *q)
{
	struct iovec v;

	if (!q->ownlen || q->owner || batched(q) || batch.q == q)
		return;
	v = (struct iovec){ q->own, q->ownlen };
	q_write(q, &v, 1, q->ownlen);
	free(q->own);
	q->own = NULL;
	q->ownlen = 0;
}

static void own_line(const char *p, size_t n)
{
	struct outq *q = log_q;
	struct iovec v = { (void *)p, n };
	char *b;

	if (!q->owner && batch.q != q) {
		/* what nobody reads is not kept without bound: whole
		 * lines are dropped once the queue is full, and counted */
		if (q->len + n > OUT_QUEUE_MAX) {
			q->own_lost++;
			return;
		}
		q_write(q, &v, 1, n);
		return;
	}
	if (q->ownlen + n > OUT_OWN_MAX || !(b = realloc(q->own, q->ownlen + n))) {
		q->own_lost++;
		return;
	}
	memcpy(b + q->ownlen, p, n);
	q->own = b;
	q->ownlen += n;
	hold_start(q);
}

void outq_take_log(struct outq *q)
{
	log_q = q && q->fd >= 0 ? q : NULL;
	log_set_writer(log_q ? own_line : NULL);
}

/* ---- log files ---- */

/* The service's identity for file operations (setfsuid: pid 1's other
 * capabilities for files go with it), and back. */
struct as_user {
	int on;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	int ngroups;
};

static int become(const struct outfile *f, struct as_user *a)
{
	memset(a, 0, sizeof(*a));
	if (!f->as_user)
		return 0;
	a->ngroups = getgroups(0, NULL);
	if (a->ngroups > 0) {
		a->groups = malloc((size_t)a->ngroups * sizeof(gid_t));
		a->ngroups = a->groups ? getgroups(a->ngroups, a->groups) : -1;
	}
	/* without CAP_SETGID pid 1 keeps its own groups (it fails) */
	if (a->ngroups >= 0 && setgroups(f->ngroups, f->groups) < 0)
		a->ngroups = -1;
	a->gid = (gid_t)setfsgid(f->gid);
	a->uid = (uid_t)setfsuid(f->uid);
	a->on = 1;
	if ((uid_t)setfsuid((uid_t)-1) == f->uid &&
	    (gid_t)setfsgid((gid_t)-1) == f->gid)
		return 0;
	return -EPERM;
}

static void unbecome(struct as_user *a)
{
	if (!a->on)
		return;
	(void)setfsuid(a->uid);
	(void)setfsgid(a->gid);
	if (a->ngroups >= 0)
		(void)setgroups((size_t)a->ngroups, a->groups);
	free(a->groups);
	a->on = 0;
}

enum { REF_LINK = 1, REF_TYPE, REF_LINKS, REF_OWNER }; /* last_err > 0: errno */

/* Open f->path to append: never through a symbolic link, never anything
 * but a regular file with one link, owned by the service's user or root.
 * Returns the fd, or -1 with *err (an errno, or -REF_*). */
static int open_checked(struct outfile *f, int *err, struct stat *st)
{
	int fd;

	*err = 0;
	if (lstat(f->path, st) == 0 && !S_ISREG(st->st_mode)) {
		*err = S_ISLNK(st->st_mode) ? -REF_LINK : -REF_TYPE;
		return -1;
	}
	fd = open(f->path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
			   O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0640);
	if (fd < 0) {
		*err = errno == ELOOP ? -REF_LINK : errno == ENXIO ? -REF_TYPE : errno;
		return -1;
	}
	if (fstat(fd, st) < 0)
		*err = errno;
	else if (!S_ISREG(st->st_mode))
		*err = -REF_TYPE;
	else if (st->st_nlink != 1)
		*err = -REF_LINKS;
	else if (st->st_uid != f->uid && st->st_uid != 0)
		*err = -REF_OWNER;
	if (*err || fcntl(fd, F_SETFL, O_APPEND) < 0) {
		if (!*err)
			*err = errno;
		close(fd);
		return -1;
	}
	return fd;
}

static void why_of(int err, const struct stat *st, char *why, size_t len)
{
	switch (err) {
	case -REF_LINK:
		snprintf(why, len, "a symbolic link");
		break;
	case -REF_TYPE:
		snprintf(why, len, "not a regular file");
		break;
	case -REF_LINKS:
		snprintf(why, len, "%lu hard links", (unsigned long)st->st_nlink);
		break;
	case -REF_OWNER:
		snprintf(why, len, "owned by uid %u", (unsigned)st->st_uid);
		break;
	default:
		snprintf(why, len, "%s", strerror(err));
		break;
	}
}

/* (Re)open as the service; a failure is logged when it is a new one. */
static int file_open(struct outfile *f, char *why, size_t len)
{
	struct stat st = { 0 };
	struct as_user a;
	char buf[128];
	int err = 0;

	if (f->q.fd >= 0)
		close(f->q.fd);
	f->q.fd = -1;
	if (become(f, &a) == 0)
		f->q.fd = open_checked(f, &err, &st);
	else
		err = EPERM;
	unbecome(&a);
	if (f->q.fd >= 0) {
		f->size = (uint64_t)st.st_size;
		f->last_err = 0;
		return 0;
	}
	why_of(err, &st, why ? why : buf, why ? len : sizeof(buf));
	if (err != f->last_err)
		log_warnx(err < 0 ? "service %s: log file %s refused: %s; its output there is discarded"
				  : "service %s: unable to open log file %s: %s",
			  f->svc, f->path, why ? why : buf);
	f->last_err = err;
	return err < 0 ? -EPERM : -err;
}

static void rotate(struct outfile *f)
{
	char from[PATH_MAX], to[PATH_MAX];
	struct as_user a;
	int err = 0;

	batch_flush(); /* what belongs to the old file */
	if (become(f, &a) < 0)
		err = EPERM;
	for (int i = f->max_files - 1; i >= 1 && !err; i--) {
		if (i == 1)
			snprintf(from, sizeof(from), "%s", f->path);
		else
			snprintf(from, sizeof(from), "%s.%d", f->path, i - 1);
		snprintf(to, sizeof(to), "%s.%d", f->path, i);
		if (rename(from, to) < 0 && errno != ENOENT && i == 1)
			err = errno;
	}
	if (!err && f->max_files == 1 && unlink(f->path) < 0 && errno != ENOENT)
		err = errno;
	unbecome(&a);
	if (err) {
		/* the file stays where it is; nothing else is opened */
		if (err != f->last_err)
			log_warnx("service %s: unable to rotate log file %s: %s; writing on",
				  f->svc, f->path, strerror(err));
		f->last_err = err;
		f->size = 0;
		return;
	}
	(void)file_open(f, NULL, 0);
}

static void file_write(struct outfile *f, struct iovec *iov, int n, size_t total)
{
	size_t done = 0;
	ssize_t w;

	if (f->q.fd < 0)
		return; /* refused or unopenable: said so once */
	while (n > 0) {
		w = writev(f->q.fd, iov, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
		for (; n > 0 && (size_t)w >= iov->iov_len; n--, iov++)
			w -= (ssize_t)iov->iov_len;
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	f->size += done;
	if (done < total) {
		if (!f->q.dropped)
			log_warn("unable to write log file %s", f->path);
		f->q.dropped += total - done;
		return;
	}
	if (f->q.dropped) {
		log_warnx("log file %s: %llu bytes were lost (write errors)",
			  f->path, (unsigned long long)f->q.dropped);
		f->q.dropped = 0;
	}
}

/* Rotation happens only here, before a line starts. */
static void file_line(struct outfile *f, size_t n)
{
	uint64_t size = f->size + batched(&f->q); /* what is written by now */

	if (size > 0 && size + n > f->max_size)
		rotate(f);
}

struct outfile *outfile_get(struct outfile ***all, size_t *n, const char *path,
			    const struct outfile_user *u, uint64_t max_size,
			    int max_files)
{
	struct outfile *f, **a;

	for (size_t i = 0; i < *n; i++) {
		f = (*all)[i];
		if (strcmp(f->path, path) != 0)
			continue;
		if (f->uid != u->uid || f->gid != u->gid || f->as_user != u->as_user) {
			log_warnx("service %s: log file %s is written for service %s, which runs as another user; refused",
				  u->svc, path, f->svc);
			return NULL;
		}
		f->refs++;
		if (f->q.fd < 0)
			(void)file_open(f, NULL, 0); /* perhaps fixed by now */
		return f;
	}
	f = calloc(1, sizeof(*f));
	a = realloc(*all, (*n + 1) * sizeof(*a));
	if (a)
		*all = a;
	if (!f || !a || !(f->path = strdup(path)) || !(f->svc = strdup(u->svc)) ||
	    (u->ngroups && !(f->groups = malloc(u->ngroups * sizeof(gid_t))))) {
		if (f) {
			free(f->path);
			free(f->svc);
		}
		free(f);
		return NULL;
	}
	if (u->ngroups)
		memcpy(f->groups, u->groups, u->ngroups * sizeof(gid_t));
	f->ngroups = u->ngroups;
	f->as_user = u->as_user;
	f->uid = u->uid;
	f->gid = u->gid;
	f->q.fd = -1;
	f->q.file = f;
	f->max_size = max_size;
	f->max_files = max_files;
	f->refs = 1;
	f->all = all;
	f->nall = n;
	a[(*n)++] = f;
	(void)file_open(f, NULL, 0);
	return f;
}

void outfile_put(struct outfile ***all, size_t *n, struct outfile *f)
{
	if (!f || --f->refs > 0)
		return;
	batch_flush();
	for (size_t i = 0; i < *n; i++) {
		if ((*all)[i] == f) {
			(*all)[i] = (*all)[--*n];
			break;
		}
	}
	if (f->q.dropped) /* still failing at the end */
		log_warnx("log file %s: %llu bytes were lost (write errors)",
			  f->path, (unsigned long long)f->q.dropped);
	if (f->q.fd >= 0)
		close(f->q.fd);
	free(f->path);
	free(f->svc);
	free(f->groups);
	free(f);
	if (*n == 0) {
		free(*all);
		*all = NULL;
	}
}

int outfile_reopen(struct outfile *f, char *why, size_t len)
{
	if (f->q.owner) {
		f->reopen = 1; /* when its line is done */
		return 0;
	}
	batch_flush();
	f->last_err = 0; /* asked for: say what fails */
	return file_open(f, why, len);
}

/* ---- the batch ---- */

/* The full-size buffers, once they can be had; only while the batch is
 * empty. */
static void grow(void)
{
	if (big || batch.n || !(big = malloc(sizeof(*big))))
		return;
	rbuf = big->rbuf;
	rbuf_max = sizeof(big->rbuf);
	batch.iov = big->iov;
	batch.max = OUT_IOV;
	batch.stage = big->stage;
	batch.stage_max = sizeof(big->stage);
}

static void batch_flush(void)
{
	struct outq *q = batch.q;
	int n = batch.n;
	size_t bytes = batch.bytes;

	if (!q)
		return;
	batch.q = NULL;
	batch.n = 0;
	batch.bytes = 0;
	batch.staged = 0; /* not reused before the write below */
	if (n) {
		if (q->file)
			file_write(q->file, batch.iov, n, bytes);
		else
			q_write(q, batch.iov, n, bytes);
	}
	own_flush(q);
}

static void emit(struct outq *q, const void *p, size_t n)
{
	struct iovec *last;

	if (!n)
		return;
	if (batch.q != q || batch.n == batch.max ||
	    (n <= OUT_SMALL && batch.staged + n > batch.stage_max))
		batch_flush();
	batch.q = q;
	if (n <= OUT_SMALL && n <= batch.stage_max) {
		memcpy(batch.stage + batch.staged, p, n);
		p = batch.stage + batch.staged;
		batch.staged += n;
	}
	last = batch.n ? &batch.iov[batch.n - 1] : NULL;
	if (last && (const char *)last->iov_base + last->iov_len == p)
		last->iov_len += n; /* contiguous: one piece */
	else
		batch.iov[batch.n++] = (struct iovec){ (void *)p, n };
	batch.bytes += n;
}

/* ---- sources ---- */

static void pause_src(struct outsrc *s)
{
	if (s->use_epoll && s->in_epoll) {
		(void)epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->fd, NULL);
		s->in_epoll = 0;
	}
}

static void resume_src(struct outsrc *s)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = s->evdata };

	if (s->use_epoll && !s->in_epoll && s->fd >= 0 && !s->eof &&
	    epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->fd, &ev) == 0)
		s->in_epoll = 1;
}

static int may_take(const struct outsrc *s)
{
	const struct outq *q = s->q;

	if (!q || forced)
		return 1;
	if (q->owner && q->owner != s)
		return 0;
	if (!q->owner && q->wait && !s->served)
		return 0; /* others came first */
	return room(q);
}

static void wait_for(struct outsrc *s)
{
	struct outq *q = s->q;
	struct outsrc *o = q->owner;

	if (s->waiting)
		return;
	s->waiting = 1;
	s->wnext = NULL;
	if (o == s) { /* it waits for room only: first again */
		s->wnext = q->wait;
		q->wait = s;
		if (!q->wait_tail)
			q->wait_tail = s;
		hold_pause(q); /* the reader's doing, not the writer's */
	} else {
		if (q->wait_tail)
			q->wait_tail->wnext = s;
		else
			q->wait = s;
		q->wait_tail = s;
		hold_start(q);
	}
	pause_src(s);
}

static void unwait(struct outsrc *s)
{
	struct outq *q = s->q;
	struct outsrc **pp, *prev = NULL;

	if (!s->waiting)
		return;
	for (pp = &q->wait; *pp && *pp != s; pp = &(*pp)->wnext)
		prev = *pp;
	if (*pp)
		*pp = s->wnext;
	if (q->wait_tail == s)
		q->wait_tail = prev;
	s->waiting = 0;
	s->wnext = NULL;
}

static void line_start(struct outsrc *s, size_t n)
{
	struct outq *q = s->q;

	if (q->file)
		file_line(q->file, n);
	else if (s->name) {
		emit(q, s->name, strnlen(s->name, OUT_NAME_MAX));
		emit(q, "| ", 2);
	}
}

static void stream_end(struct outsrc *s)
{
	struct outq *q = s->q;

	s->streaming = 0;
	q->owner = NULL;
	q->hold_at = q->hold_left = 0;
	q->hold_bytes = 0;
	if (q->file && q->file->reopen) {
		q->file->reopen = 0;
		batch_flush();
		(void)file_open(q->file, NULL, 0);
	}
	own_flush(q);
}

enum cut_why { CUT_STALLED, CUT_LONG, CUT_BYTES };

/* End the owner's line where it is: it held q too long while others
 * waited. What it writes next is a line of its own, after theirs. */
static void cut(struct outsrc *s, enum cut_why why)
{
	const char *who = s->name ? s->name : "CMD", *svc = s->name ? "service " : "";

	if (!s->warned && why == CUT_STALLED)
		log_warnx("%s%s: a line stalled for %d ms while others waited to write: it ends there",
			  svc, who, OUT_HOLD_MS);
	else if (!s->warned && why == CUT_LONG)
		log_warnx("%s%s: a line went on for %d ms while others waited to write: it is cut there, the rest follows as a line of its own",
			  svc, who, OUT_HOLD_MS);
	else if (!s->warned)
		log_warnx("%s%s: a line went on for more than %d MiB while others waited to write: it is cut there, the rest follows as a line of its own",
			  svc, who, OUT_HOLD_BYTES >> 20);
	s->warned = 1;
	s->served = 0; /* a turn it had from kick ends here too */
	emit(s->q, "\n", 1);
	stream_end(s);
}

/* Keep a partial line (shorter than OUT_HOLD) until its end comes. */
static void keep(struct outsrc *s, const char *p, size_t n)
{
	if (!s->line && !(s->line = malloc(OUT_HOLD))) {
		s->len = 0;
		return; /* out of memory: this piece is lost */
	}
	batch_flush(); /* the batch may point into s->line */
	memcpy(s->line + s->len, p, n);
	s->len += n;
}

/* Take s's next n bytes at p. Returns how many it took: fewer when it
 * must wait for its destination, or gives way at a line's end. */
static size_t feed(struct outsrc *s, const char *p, size_t n)
{
	struct outq *q = s->q;
	size_t done = 0, part;
	const char *at, *nl;

	if (!q)
		return n;
	while (done < n) {
		at = p + done;
		nl = memchr(at, '\n', n - done);
		part = nl ? (size_t)(nl - at) + 1 : n - done;
		if (!nl && !s->streaming && s->len + part < OUT_HOLD) {
			keep(s, at, part);
			return n;
		}
		if (!may_take(s))
			break;
		if (!s->streaming) {
			line_start(s, s->len + part);
			emit(q, s->line, s->len);
			s->len = 0;
		}
		emit(q, at, part);
		done += part;
		if (!nl) {
			if (q->hold_at || q->hold_left)
				q->hold_bytes += part;
			s->streaming = 1;
			q->owner = s;
			hold_start(q);
			if (q->hold_bytes >= OUT_HOLD_BYTES && others_wait(q) && !forced) {
				cut(s, CUT_BYTES);
				break; /* the rest waits for its turn */
			}
		} else if (s->streaming) {
			stream_end(s);
		}
		if (nl && q->wait && !forced)
			break; /* give way */
	}
	return done;
}

static void release_line(struct outsrc *s)
{
	if (s->line && !s->len) {
		batch_flush();
		free(s->line);
		s->line = NULL;
	}
}

static void drop_pend(struct outsrc *s)
{
	batch_flush();
	free(s->pend);
	s->pend = NULL;
	s->poff = s->plen = 0;
}

static int save_pend(struct outsrc *s, const char *p, size_t n)
{
	s->pend = malloc(n);
	if (!s->pend)
		return -1;
	memcpy(s->pend, p, n);
	s->poff = 0;
	s->plen = n;
	return 0;
}

/* End a partial line: it was all there is. Not while its data waits
 * (the end comes after it), nor while another line is in progress. */
static void end_line(struct outsrc *s)
{
	struct outq *q = s->q;

	if (!q) {
		s->len = 0;
	} else if (s->plen) {
		return;
	} else if (s->streaming) {
		emit(q, "\n", 1);
		stream_end(s);
	} else if (s->len && (!q->owner || forced)) {
		line_start(s, s->len + 1);
		emit(q, s->line, s->len);
		emit(q, "\n", 1);
		s->len = 0;
	}
	release_line(s);
}

/* A run's output ends with what its pipe holds now: once that is read,
 * its partial line is ended (and it switches to next_q, if set). */
static void mark_end(struct outsrc *s)
{
	int n = 0;

	if (s->eof || s->fd < 0 || ioctl(s->fd, FIONREAD, &n) < 0 || n < 0)
		n = 0;
	s->marked = 1;
	s->mark_after = (size_t)n;
}

/* At the mark: 1 done, 0 while another line in progress keeps its
 * partial line from ending. */
static int at_mark(struct outsrc *s)
{
	end_line(s);
	if (s->len || s->streaming)
		return 0;
	s->marked = 0;
	if (s->switching)
		switch_now(s, s->next_q);
	return 1;
}

/* Move s's output on: what it holds first, then what it can read, within
 * max bytes read. Returns 1 at end of file. */
static int pump(struct outsrc *s, size_t max, int *empty)
{
	size_t got = 0, took;
	ssize_t r;

	*empty = 0;
	if (s->plen) {
		took = feed(s, s->pend + s->poff, s->plen);
		s->poff += took;
		s->plen -= took;
		if (s->plen) {
			wait_for(s);
			return 0;
		}
		drop_pend(s);
	}
	while (got < max && !s->eof) {
		size_t want = max - got < rbuf_max ? max - got : rbuf_max;

		if (s->marked && !s->mark_after) {
			if (!at_mark(s)) {
				wait_for(s);
				return 0;
			}
			continue;
		}
		if (!may_take(s)) {
			wait_for(s);
			return 0;
		}
		batch_flush(); /* rbuf is read into again */
		grow();
		if (s->marked && want > s->mark_after)
			want = s->mark_after; /* not a byte of the next run */
		r = read(s->fd, rbuf, want < rbuf_max ? want : rbuf_max);
		if (r > 0) {
			got += (size_t)r;
			if (s->marked)
				s->mark_after -= (size_t)r;
			took = feed(s, rbuf, (size_t)r);
			if (took < (size_t)r) {
				if (save_pend(s, rbuf + took, (size_t)r - took) < 0)
					s->q->dropped += (size_t)r - took;
				else
					wait_for(s);
				return 0;
			}
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
		    s->marked && s->mark_after) {
			s->mark_after = 0; /* less came than counted */
			continue;
		}
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			*empty = 1;
			return 0;
		}
		s->eof = 1; /* end of file, or an error: no more from it */
		pause_src(s);
		end_line(s);
		return 1;
	}
	return s->eof;
}

/* Let the sources that wait for q have their turns, in order. */
static void kick(struct outq *q)
{
	size_t budget = OUT_KICK_READ;
	struct outsrc *s;
	int empty;

	while (kickable(q) && budget) {
		s = q->wait;
		q->wait = s->wnext;
		if (!q->wait)
			q->wait_tail = NULL;
		s->waiting = 0;
		s->wnext = NULL;
		if (q->owner == s)
			hold_resume(q); /* it has room again */
		s->served = 1;
		(void)pump(s, budget < OUT_READ ? budget : OUT_READ, &empty);
		s->served = 0;
		budget -= budget < OUT_READ ? budget : OUT_READ;
		if (!s->waiting)
			resume_src(s);
		release_line(s);
	}
	batch_flush();
}

static void settle(struct outq *q)
{
	batch_flush();
	if (q && kickable(q))
		kick(q);
}

int outq_flush(struct outq *q)
{
	ssize_t w;

	while (q->len && q->fd >= 0) {
		if (q->is_socket)
			w = send(q->fd, q->buf + q->off, q->len,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			w = write(q->fd, q->buf + q->off, q->len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			q->dropped += q->len; /* nobody reads any more */
			q->len = 0;
		}
		if (w <= 0)
			break;
		q->off += (size_t)w;
		q->len -= (size_t)w;
	}
	if (!q->len)
		q_free(q);
	settle(q);
	return q->len == 0;
}

int64_t outq_deadline(const struct outq *q)
{
	if (kickable(q))
		return 1; /* at once: a turn was cut short */
	return q->hold_at;
}

/* The owner's line had its time while others still wait: it ends
 * there. */
void outq_tick(struct outq *q, int64_t now_ms)
{
	struct outsrc *s = q->owner;

	if (q->hold_at && now_ms >= q->hold_at) {
		q->hold_at = 0;
		if (s && s->streaming && !s->waiting && others_wait(q))
			cut(s, q->hold_bytes ? CUT_LONG : CUT_STALLED);
		else
			q->hold_bytes = 0; /* nobody waits: a new hold when one does */
	}
	settle(q);
}

struct outsrc *outsrc_new(int fd, const char *name, int epfd, uint64_t evdata)
{
	struct outsrc *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->fd = fd;
	if (name && !(s->owned_name = strdup(name))) {
		free(s);
		return NULL;
	}
	s->name = s->owned_name;
	s->epfd = epfd;
	s->evdata = evdata;
	s->use_epoll = epfd >= 0;
	resume_src(s);
	if (s->use_epoll && !s->in_epoll) {
		free(s->owned_name);
		free(s);
		return NULL;
	}
	return s;
}

/* A file destination's reference, held by a source, let go. */
static void unref(struct outq *q)
{
	if (q && q->file)
		outfile_put(q->file->all, q->file->nall, q->file);
}

/* From now on s's lines go to q (taking its reference). */
static void switch_now(struct outsrc *s, struct outq *q)
{
	struct outq *old = s->q;

	if (old) {
		if (s->streaming) {
			emit(old, "\n", 1);
			stream_end(s);
		}
		unwait(s);
	}
	s->q = q;
	s->switching = 0;
	s->next_q = NULL;
	if (old) {
		settle(old);
		unref(old);
	}
	if (s->plen && q)
		wait_for(s);
	else
		resume_src(s);
}

/* Pass on what it can now (up to a mark), and watch it again. */
static void step(struct outsrc *s)
{
	int empty;

	if (s->waiting)
		return;
	(void)pump(s, OUT_EVENT_READ, &empty);
	if (!s->waiting)
		resume_src(s);
	release_line(s);
}

void outsrc_retarget(struct outsrc *s, struct outq *q)
{
	if (s->switching) { /* an earlier change, not done yet: this one wins */
		unref(s->next_q);
		s->switching = 0;
		s->next_q = NULL;
	}
	if (q == s->q) {
		unref(q); /* it holds one already */
		return;
	}
	if (!s->q) {
		switch_now(s, q);
		settle(q);
		return;
	}
	/* what the last run left (in the pipe, read, a partial line) goes
	 * where it was meant to; the switch comes after it */
	s->next_q = q;
	s->switching = 1;
	mark_end(s);
	step(s);
	settle(s->q);
}

void outsrc_run_ended(struct outsrc *s)
{
	mark_end(s);
	step(s);
	settle(s->q);
}

int outsrc_read_max(struct outsrc *s, size_t max, int *empty)
{
	int eof;

	*empty = 0;
	if (s->waiting)
		return 0;
	eof = pump(s, max, empty);
	release_line(s);
	settle(s->q);
	return eof;
}

int outsrc_read(struct outsrc *s)
{
	int empty;

	return outsrc_read_max(s, OUT_EVENT_READ, &empty);
}

void outsrc_flush(struct outsrc *s)
{
	end_line(s);
	settle(s->q);
}

int outsrc_idle(const struct outsrc *s)
{
	int n = 0;

	if (s->plen || s->waiting)
		return 0;
	return s->eof || s->fd < 0 || ioctl(s->fd, FIONREAD, &n) < 0 || n == 0;
}

void outsrc_finish(struct outsrc *s)
{
	struct outq *q = s->q;
	int empty;

	if (q && q->owner && q->owner != s)
		outsrc_finish(q->owner); /* its line first */
	forced = 1;
	if (q)
		unwait(s);
	if (s->fd >= 0 && !s->eof)
		(void)pump(s, OUT_EVENT_READ, &empty);
	forced = 0;
	outsrc_flush(s);
}

void outsrc_free(struct outsrc *s)
{
	if (!s)
		return;
	outsrc_finish(s);
	pause_src(s);
	s->eof = 1; /* not watched again */
	if (s->switching) {
		unref(s->next_q);
		s->switching = 0;
	}
	s->marked = 0;
	switch_now(s, NULL);
	batch_flush();
	if (s->fd >= 0)
		close(s->fd);
	free(s->line);
	free(s->pend);
	free(s->owned_name);
	free(s);
}
