/* SPDX-License-Identifier: MIT */
/*
 * Service output: each stream of a service (and CMD's, when it is not a
 * terminal) comes through a pipe to pid 1, the single writer of every
 * destination: its own stdout and stderr (lines prefixed "name| ", CMD's
 * bytes as they are) and log files (rotated by size). Each line is written
 * whole before any other line starts on the same destination, whatever its
 * length: a partial line is kept until its end comes, up to OUT_HOLD
 * bytes; a longer one is streamed, and holds its destination until its
 * newline. But once others wait to write there, it may go on for
 * OUT_HOLD_MS in all (not counting its waits for room), however slowly
 * its bytes come, and for OUT_HOLD_BYTES more: then it is cut, the
 * others write their lines, and its rest follows as a line of its own.
 * pid 1 never blocks: its stdout and stderr are written without
 * blocking, and once OUT_QUEUE_MAX bytes wait for one of them, the pipes
 * that feed it are not read until it drains, so that their writers wait
 * in write(), as on a slow terminal, and nothing is dropped.
 */
#ifndef POUCH_OUTPUT_H
#define POUCH_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define OUT_QUEUE_MAX (256 * 1024) /* queued for a destination, then its sources wait */
#define OUT_HOLD 4096		   /* a partial line kept whole; a longer one streams */
#define OUT_HOLD_MS 1000	   /* a streamed line may go on this long in all ... */
#define OUT_HOLD_BYTES (4 * 1024 * 1024) /* ... and go on this much, once others wait */
#define OUT_NAME_MAX 64		   /* a longer name is cut in its prefix */

struct outsrc;
struct outfile;

/* A destination: pid 1's stdout or stderr, or a log file (q.file). */
struct outq {
	int fd;			/* -1: none, what comes is discarded */
	int is_socket;
	struct outfile *file;	/* a log file: written at once, never queued */
	char *buf;		/* queued bytes buf[off, off+len); NULL when none */
	size_t off, len, cap;
	uint64_t dropped;	/* bytes that could not be written */
	int want_pollout;	/* set when bytes are queued */
	struct outsrc *owner;	/* the source whose line is being written */
	struct outsrc *wait, *wait_tail; /* sources waiting to write */
	int64_t hold_at;	/* others wait for the owner: its line is cut then */
	int64_t hold_left;	/* ms it has left, while it waits for room */
	uint64_t hold_bytes;	/* what the owner's line passed since others wait */
	char *own;		/* pid 1's own lines, while a line is written */
	size_t ownlen;
	uint64_t own_lost;	/* pid 1's own lines dropped: q full, unread */
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

/* A log file with rotation: PATH, PATH.1 ... PATH.(max_files-1). */
struct outfile {
	struct outq q;		/* q.fd: -1 while it cannot be written */
	char *path;
	char *svc;
	int as_user;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	size_t ngroups;
	uint64_t size, max_size;
	int max_files;
	int refs;		/* sources writing to it */
	struct outfile ***all;	/* the registry it is in (outfile_get's) */
	size_t *nall;
	int reopen;		/* asked for while a line was being written */
	int last_err;		/* the failure last logged; 0 none */
};

/* One stream of one service: the read end of its pipe. */
struct outsrc {
	int fd;
	const char *name;	/* prefix "name| " on pid 1's output; NULL none */
	struct outq *q;		/* where its lines go; NULL: discarded */
	char *line;		/* a partial line, allocated while one is kept */
	size_t len;
	int streaming;		/* a long line is being written: q->owner */
	char *pend;		/* read, not yet taken: waiting for q */
	size_t poff, plen;
	struct outsrc *wnext;
	int waiting, served, eof, warned;
	int marked;		/* a run ended: mark_after more bytes are its */
	size_t mark_after;
	int switching;		/* to next_q at the mark */
	struct outq *next_q;
	int epfd;		/* with use_epoll: read only while in it */
	int use_epoll, in_epoll;
	uint64_t evdata;
	char *owned_name;	/* a copy that name points to, freed with it */
};

int outq_open(struct outq *q, int fd) __attribute__((warn_unused_result));
/* Write what is queued; returns 1 when the queue is empty. Sources that
 * waited for room are read again. */
int outq_flush(struct outq *q);
/* 0, or the time at which outq_tick has something to do (1: at once). */
int64_t outq_deadline(const struct outq *q);
void outq_tick(struct outq *q, int64_t now_ms);
/* Every line of pid 1's own log (log.h) goes to q from now on (NULL:
 * back to plain writes). */
void outq_take_log(struct outq *q);

/* A log file by path (shared by the services that name it), opened on
 * the first use. NULL when it is already used by another user's service. */
struct outfile *outfile_get(struct outfile ***all, size_t *n, const char *path,
			    const struct outfile_user *u, uint64_t max_size,
			    int max_files);
/* One reference fewer (sources let theirs go themselves); closed and
 * freed with the last. */
void outfile_put(struct outfile ***all, size_t *n, struct outfile *f);
/* Reopen (after an external rotation) at the next line boundary. Returns
 * 0 or -errno; a refusal's reason goes to why. */
int outfile_reopen(struct outfile *f, char *why, size_t len);

/* A new source on the read end fd; name is copied. With epfd >= 0 it is
 * watched for EPOLLIN there (evdata), and left out while it waits. */
struct outsrc *outsrc_new(int fd, const char *name, int epfd, uint64_t evdata);
/* Close it; what it still holds is written first (see outsrc_finish),
 * and its log file's reference is let go. */
void outsrc_free(struct outsrc *s);
/* Its lines go to q (taking its reference, for a log file) from what is
 * written from now on: what its pipe holds, what it has read and its
 * partial line go where they were meant to first. NULL: discarded. */
void outsrc_retarget(struct outsrc *s, struct outq *q);

/* Read what is in the pipe and pass on lines. Returns 0 while the pipe is
 * open, 1 at end of file (partial line flushed). */
int outsrc_read(struct outsrc *s);
/* The same, reading at most max bytes; *empty is set when the pipe had
 * nothing more for now. */
int outsrc_read_max(struct outsrc *s, size_t max, int *empty);
/* End its partial line now, if it may. */
void outsrc_flush(struct outsrc *s);
/* Its run ended: what its pipe holds now is the run's last output, and
 * its partial line ends after it. */
void outsrc_run_ended(struct outsrc *s);
/* Nothing waits in its pipe or here: all it wrote has been passed on,
 * but for a partial line (outsrc_finish ends it). */
int outsrc_idle(const struct outsrc *s);
/* At the end: what it read and holds goes out now, queue limit or not. */
void outsrc_finish(struct outsrc *s);

#endif
