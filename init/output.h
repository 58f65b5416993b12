/* SPDX-License-Identifier: MIT */
/*
 * Service output: each service's stdout and stderr come through a pipe to
 * pid 1, which writes whole lines, prefixed "name| ", to its own stdout or
 * stderr, or to a file with size-based rotation. pid 1 never blocks on
 * output: its own stdout/stderr are written without blocking, a stalled
 * reader fills a bounded queue, and what does not fit is counted, dropped
 * and reported once the reader is back.
 */
#ifndef POUCH_OUTPUT_H
#define POUCH_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define OUT_QUEUE_MAX (256 * 1024) /* bytes kept while a reader stalls */
#define OUT_LINE_MAX 4096	   /* a longer line is cut here */
#define OUT_NAME_MAX 64	   /* and a longer name in its prefix */

/* pid 1's own stdout or stderr, written without blocking. */
struct outq {
	int fd;
	int is_socket;
	char *buf;
	size_t len;
	uint64_t dropped;
	int want_pollout;	/* set when the queue holds data */
	int batch;		/* lines are gathered, written once per read */
};

/* Who a log file is opened, created and rotated as. */
struct outfile_user {
	const char *svc;	/* for messages */
	int as_user;		/* switch to uid/gid/groups for file operations */
	uid_t uid;		/* also the owner a file may have, besides root */
	gid_t gid;
	const gid_t *groups;
	size_t ngroups;
};

/* A log file with rotation: PATH, PATH.1 ... PATH.(max_files-1). It is
 * opened, created and rotated as the service's user, never through a
 * symbolic link, and written only when it is a regular file with one
 * link, owned by that user or root. */
struct outfile {
	char *path;
	char *svc;
	int fd;			/* -1 while it cannot be written */
	int as_user;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	size_t ngroups;
	uint64_t size, max_size;
	int max_files;
	uint64_t dropped;
	int last_err;		/* the failure last logged; 0 none */
};

/* One stream of one service: the read end of its pipe. */
struct outsrc {
	int fd;
	const char *name;	/* prefix mode: lines go out as "name| line" */
	struct outq *q;		/* prefix mode */
	struct outfile *file;	/* file mode */
	char *line;		/* a partial line; allocated while one is kept */
	size_t len;
};

int outq_open(struct outq *q, int fd) __attribute__((warn_unused_result));
/* Queue or write one line (already formatted, ending in '\n'). */
void outq_put(struct outq *q, const char *data, size_t len);
/* Write what is queued; returns 1 when the queue is empty. */
int outq_flush(struct outq *q);

/* A log file by path (shared by the services that name it), opened on
 * the first use. NULL when it is already used by another user's service. */
struct outfile *outfile_get(struct outfile ***all, size_t *n, const char *path,
			    const struct outfile_user *u, uint64_t max_size,
			    int max_files);
void outfile_free(struct outfile *f);

/* Read what is in the pipe and pass on whole lines. Returns 0 while the
 * pipe is open, 1 at end of file (partial line flushed). */
int outsrc_read(struct outsrc *s);
/* The same, reading at most max bytes; *empty is set when the pipe had
 * nothing more for now. */
int outsrc_read_max(struct outsrc *s, size_t max, int *empty);
void outsrc_flush(struct outsrc *s);

#endif
