/* SPDX-License-Identifier: MIT */
/*
 * Signal names without the SIG prefix, both ways: "TERM" <-> 15,
 * "RTMIN+3" <-> SIGRTMIN + 3. Pure; used by the command line, the
 * configuration and the hook variables.
 */
#ifndef POUCH_SIGNAMES_H
#define POUCH_SIGNAMES_H

/* Parse "TERM", "SIGTERM", "term", "15", "RTMIN+3", "RTMAX-1".
 * Returns the signal number, or -EINVAL. With allow_zero, "0" gives 0. */
int sig_parse(const char *s, int allow_zero) __attribute__((warn_unused_result));

/* Name without "SIG" ("TERM", "RTMIN+2"); buf of at least 16 bytes used
 * for realtime and unknown numbers. */
const char *sig_name(int sig, char *buf, unsigned long len);

#endif
