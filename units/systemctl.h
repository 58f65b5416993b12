/* SPDX-License-Identifier: MIT */
/*
 * pouch-init as `systemctl` and `service` (called by those names, or as
 * `pouch-init systemctl ...`): the file commands work on the image's
 * files (also with no pid 1: a Dockerfile RUN), the runtime ones ask
 * pid 1 through the control socket, and with no pouch-init running they
 * are no-ops, as systemctl is in a chroot. See docs/CONTROL.md.
 */
#ifndef POUCH_SYSTEMCTL_H
#define POUCH_SYSTEMCTL_H

int systemctl_main(int argc, char **argv);
int service_main(int argc, char **argv);

#endif
