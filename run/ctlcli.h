/* SPDX-License-Identifier: MIT */
/*
 * The client side of the control socket: `pouch-init ctl ...`.
 */
#ifndef POUCH_CTLCLI_H
#define POUCH_CTLCLI_H

int ctl_main(int argc, char **argv);

#endif
