/* SPDX-License-Identifier: MIT */
/*
 * Sockets pid 1 reads from others (notify sockets, the control socket)
 * take no descriptors: closing one that was sent along is a way to make
 * pid 1 wait (a TCP socket that lingers, with unsent data, blocks its
 * last close for as long as its owner chose).
 */
#ifndef POUCH_SOCK_H
#define POUCH_SOCK_H

#include <sys/socket.h>

/* The most descriptors one message may carry (the kernel's SCM_MAX_FD):
 * a buffer of this room is never truncated, so the kernel never closes
 * any itself in pid 1. */
#define SOCK_MAX_FDS 253

/* Make fd refuse SCM_RIGHTS: a sender's sendmsg() fails with EPERM.
 * Returns 0, or -errno when the kernel cannot (before Linux 6.16). */
int sock_refuse_fds(int fd);

/* Close the descriptors a message brought (a kernel that cannot refuse
 * them): a socket's linger is turned off first, so that its close does
 * not wait. */
void sock_drop_fds(struct msghdr *mh);

/* Close a datagram socket, dropping first what is queued on it as
 * sock_drop_fds() does (with refused descriptors nothing is queued). */
void sock_close(int fd, int refuses);

#endif
