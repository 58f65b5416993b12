// SPDX-License-Identifier: MIT
/*
 * Line-wise relaying of service output; see output.h.
 */
#include "output.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

int outq_open(struct outq *q, int fd)
{
	char path[64];
	struct stat st;

	memset(q, 0, sizeof(q[0]));
	q->fd = -1;
	q->buf = malloc(OUT_QUEUE_MAX);
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISSOCK(st.st_mode)) {
		q->is_socket = 1;
		q->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		return q->fd < 0 ? -errno : 0;
	}
	/* A pipe or terminal: a new open file description, so O_NONBLOCK
	 * is ours alone and CMD, which shares fd 1, still blocks. A regular
	 * file never blocks; share its offset with CMD. */
	if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		q->fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	}
	if (q->fd < 0)
		q->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	return q->fd < 0 ? -errno : 0;
}

static ssize_t raw_write(struct outq *q, const char *p, size_t n)
{
	ssize_t w;

	do
		w = q->is_socket ? send(q->fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL)
				 : write(q->fd, p, n);
	while (w < 0 && errno == EINTR);
	return w;
}

/* The queue is allocated once, at its full size, by outq_open; only
 * the pages it really uses count. */
static void enqueue(struct outq *q, const char *p, size_t n)
{
	if (!q->buf || q->len + n > OUT_QUEUE_MAX) {
		q->dropped += n;
		return;
	}
	memcpy(q->buf + q->len, p, n);
	q->len += n;
	q->want_pollout = 1;
}

void outq_put(struct outq *q, const char *data, size_t len)
{
	ssize_t w;

	if (q->fd < 0)
		return;
	if (q->batch && q->len + len > OUT_QUEUE_MAX)
		(void)outq_flush(q); /* make room if the reader lets us */
	if (q->len || q->batch) {
		enqueue(q, data, len);
		return;
	}
	w = raw_write(q, data, len);
	if (w < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			enqueue(q, data, len);
		else
			q->dropped += len; /* EPIPE: nobody reads any more */
		return;
	}
	if ((size_t)w < len)
		enqueue(q, data + w, len - (size_t)w);
}

int outq_flush(struct outq *q)
{
	char note[160];
	ssize_t w;
	int n;

	for (;;) {
		while (q->len) {
			w = raw_write(q, q->buf, q->len);
			if (w <= 0)
				return 0;
			memmove(q->buf, q->buf + w, q->len - (size_t)w);
			q->len -= (size_t)w;
		}
		if (!q->dropped || !q->buf)
			break;
		n = snprintf(note, sizeof(note),
			     "pouch-init: warning: dropped %llu bytes of service output while the reader stalled\n",
			     (unsigned long long)q->dropped);
		q->dropped = 0;
		memcpy(q->buf, note, (size_t)n); /* the queue is empty */
		q->len = (size_t)n;
	}
	q->want_pollout = 0;
	return 1;
}

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

	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (become(f, &a) == 0)
		f->fd = open_checked(f, &err, &st);
	else
		err = EPERM;
	unbecome(&a);
	if (f->fd >= 0) {
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
		if (f->fd < 0)
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
	f->fd = -1;
	f->max_size = max_size;
	f->max_files = max_files;
	a[(*n)++] = f;
	(void)file_open(f, NULL, 0);
	return f;
}

void outfile_free(struct outfile *f)
{
	if (f->dropped) /* still failing at the end */
		log_warnx("log file %s: %llu bytes were lost (write errors)",
			  f->path, (unsigned long long)f->dropped);
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f->svc);
	free(f->groups);
	free(f);
}

static void file_put(struct outfile *f, const char *p, size_t n)
{
	size_t off = 0;
	ssize_t w;

	if (f->size + n > f->max_size && f->size > 0)
		rotate(f);
	if (f->fd < 0)
		return; /* refused or unopenable: said so once */
	/* a short write is retried, so that an error says what it is */
	while (off < n) {
		w = write(f->fd, p + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off < n) {
		if (!f->dropped)
			log_warn("unable to write log file %s", f->path);
		f->dropped += n - off;
		f->size += off;
		return;
	}
	if (f->dropped) {
		log_warnx("log file %s: %llu bytes were lost (write errors)",
			  f->path, (unsigned long long)f->dropped);
		f->dropped = 0;
	}
	f->size += (uint64_t)n;
}

static void emit(struct outsrc *s, const char *p, size_t n)
{
	char buf[OUT_NAME_MAX + 2 + OUT_LINE_MAX + 1];
	size_t plen;

	if (s->file) {
		file_put(s->file, p, n);
		return;
	}
	if (!s->q)
		return; /* its log file was refused */
	plen = strnlen(s->name, OUT_NAME_MAX);
	memcpy(buf, s->name, plen);
	buf[plen++] = '|';
	buf[plen++] = ' ';
	memcpy(buf + plen, p, n);
	outq_put(s->q, buf, plen + n);
}

static void take(struct outsrc *s, const char *p, size_t n)
{
	if (!s->line && !(s->line = malloc(OUT_LINE_MAX)))
		return; /* out of memory: this chunk is lost */
	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t part = nl ? (size_t)(nl - p) + 1 : n;
		size_t room = OUT_LINE_MAX - 1 - s->len;

		if (part > room)
			part = room;
		memcpy(s->line + s->len, p, part);
		s->len += part;
		p += part;
		n -= part;
		if (s->line[s->len - 1] == '\n' || s->len == OUT_LINE_MAX - 1) {
			if (s->line[s->len - 1] != '\n')
				s->line[s->len++] = '\n';
			emit(s, s->line, s->len);
			s->len = 0;
		}
	}
}

/* Most services are quiet: keep no line buffer while none is needed. */
static void release(struct outsrc *s)
{
	if (s->len == 0) {
		free(s->line);
		s->line = NULL;
	}
}

void outsrc_flush(struct outsrc *s)
{
	if (s->len) {
		s->line[s->len++] = '\n';
		emit(s, s->line, s->len);
		s->len = 0;
	}
	release(s);
}

int outsrc_read_max(struct outsrc *s, size_t max, int *empty)
{
	char buf[16384];
	size_t got = 0;
	ssize_t r;

	*empty = 0;
	while (got < max) {
		size_t want = max - got < sizeof(buf) ? max - got : sizeof(buf);

		r = read(s->fd, buf, want);
		if (r > 0) {
			got += (size_t)r;
			/* the lines of one read go out in one write */
			if (s->q)
				s->q->batch = 1;
			take(s, buf, (size_t)r);
			if (s->q) {
				s->q->batch = 0;
				(void)outq_flush(s->q);
			}
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			*empty = 1;
			break;
		}
		outsrc_flush(s);
		return 1;
	}
	release(s);
	return 0;
}

int outsrc_read(struct outsrc *s)
{
	int empty;

	return outsrc_read_max(s, 16 * 16384, &empty);
}
