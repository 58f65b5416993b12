/* SPDX-License-Identifier: MIT */
/*
 * The outer service manager, when pouch-init runs as a service of a
 * VM's systemd (build with WITH_SYSTEMD=1, linking libsystemd): READY=1
 * once every service is up, STATUS= as they change, STOPPING=1,
 * WATCHDOG=1 pings, and journald streams for `stdout = journal`.
 * Without WITH_SYSTEMD every call does nothing.
 */
#ifndef POUCH_OUTER_H
#define POUCH_OUTER_H

#include <stdint.h>

/* Whether this build talks to systemd. */
int outer_enabled(void);
/* Send a notification (sd_notify's "KEY=VALUE\n..." text). */
void outer_notify(const char *state);
/* The watchdog ping period (half of WATCHDOG_USEC) in ms; 0 when none. */
int64_t outer_watchdog_ms(void);
/* A journald stream for a service's output, as IDENTIFIER at syslog
 * PRIORITY; -1 when there is none. */
int outer_journal_fd(const char *identifier, int priority);

#endif
