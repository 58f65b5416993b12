// SPDX-License-Identifier: MIT
/*
 * Line-wise relaying of service output; see output.h.
 */
#include "output.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

struct outfile *outfile_get(struct outfile ***all, size_t *n, const char *path,
			    uint64_t max_size, int max_files)
{
	struct outfile *f, **a;
	struct stat st;

	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*all)[i]->path, path) == 0) {
			return (*all)[i];
		}
	}
	f = calloc(1, sizeof(*f));
	a = realloc(*all, (*n + 1) * sizeof(*a));
	if (!f || !a || !(f->path = strdup(path))) {
		free(f);
		if (a)
			*all = a;
		return NULL;
	}
	*all = a;
	a[(*n)++] = f;
	f->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (f->fd < 0)
		log_warn("unable to open log file %s", path);
	else if (fstat(f->fd, &st) == 0)
		f->size = (uint64_t)st.st_size;
	f->max_size = max_size;
	f->max_files = max_files;
	return f;
}

static void rotate(struct outfile *f)
{
	char from[4096], to[4096];

	for (int i = f->max_files - 1; i >= 1; i--) {
		if (i == 1)
			snprintf(from, sizeof(from), "%s", f->path);
		else
			snprintf(from, sizeof(from), "%s.%d", f->path, i - 1);
		snprintf(to, sizeof(to), "%s.%d", f->path, i);
		(void)rename(from, to);
	}
	if (f->fd >= 0)
		close(f->fd);
	if (f->max_files == 1)
		(void)unlink(f->path);
	f->fd = open(f->path, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC | O_CLOEXEC,
		     0640);
	f->size = 0;
	if (f->fd < 0)
		log_warn("unable to reopen log file %s", f->path);
}

static void file_put(struct outfile *f, const char *p, size_t n)
{
	size_t off = 0;
	ssize_t w;

	if (f->size + n > f->max_size && f->size > 0)
		rotate(f);
	if (f->fd < 0) {
		f->dropped += n;
		return;
	}
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
