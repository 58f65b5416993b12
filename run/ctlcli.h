/* SPDX-License-Identifier: MIT */
/*
 * The client side of the control socket: `pouch-init ctl ...`.
 */
#ifndef POUCH_CTLCLI_H
#define POUCH_CTLCLI_H

#include <stddef.h>

int ctl_main(int argc, char **argv);
/* Where pid 1's control socket is ($POUCH_CONTROL_SOCKET, the config
 * root's init.ini, the state directory's places), in buf. */
const char *ctl_socket_path(char *buf, size_t len);
/* One request line (its words separated by single spaces) to the
 * control socket at path (NULL: ctl_socket_path), quietly: 0 with
 * *status (0 for OK, else the ERR status) and *body (malloc'd: the
 * answer's body for OK, the message for ERR), or -1 with errno when
 * there is no socket or no answer. */
int ctl_call(const char *path, const char *line, int *status, char **body);

#endif
