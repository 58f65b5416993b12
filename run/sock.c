/* SPDX-License-Identifier: MIT */
#include "run/sock.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SO_PASSRIGHTS
#define SO_PASSRIGHTS 83
#endif

int sock_refuse_fds(int fd)
{
	int zero = 0;

	if (setsockopt(fd, SOL_SOCKET, SO_PASSRIGHTS, &zero, sizeof(zero)) < 0)
		return -errno;
	return 0;
}

void sock_drop_fds(struct msghdr *mh)
{
	static const struct linger off = { 0, 0 };
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		unsigned char *p = CMSG_DATA(cm), *end = (unsigned char *)cm + cm->cmsg_len;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		for (; p + sizeof(int) <= end; p += sizeof(int)) {
			struct stat st;
			int fd;

			memcpy(&fd, p, sizeof(fd));
			if (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode))
				(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &off,
						 sizeof(off));
			close(fd);
		}
	}
}

void sock_close(int fd, int refuses)
{
	char buf[1] = { 0 }, ctl[CMSG_SPACE(SOCK_MAX_FDS * sizeof(int))];

	for (int k = 0; !refuses && k < 4096; k++) {
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { 0 };

		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = ctl;
		mh.msg_controllen = sizeof(ctl);
		if (recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) < 0)
			break;
		sock_drop_fds(&mh);
	}
	close(fd);
}
