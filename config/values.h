/* SPDX-License-Identifier: MIT */
/*
 * Typed values of the configuration: durations ("100ms", "10s", "5m",
 * "1h", a bare number is seconds), sizes ("10M", "512K", "1G", bytes when
 * bare), booleans (yes/no, true/false, on/off, 1/0), capability names.
 * Pure functions, shared by the command line and the INI loader.
 */
#ifndef POUCH_CONFIG_VALUES_H
#define POUCH_CONFIG_VALUES_H

#include <stdint.h>

int cfg_parse_duration_ms(const char *s, int64_t *ms)
	__attribute__((warn_unused_result));
int cfg_parse_size(const char *s, uint64_t *bytes)
	__attribute__((warn_unused_result));
int cfg_parse_bool(const char *s, int *out) __attribute__((warn_unused_result));

/* A capability as libcap's cap_from_name() takes it: "cap_chown" in any
 * case, or a number below 64 (in C's bases: "0x15"); what follows the
 * name's letters and '_', or the number's digits, is not read. 0 with
 * *cap, or -EINVAL. */
int cfg_parse_cap(const char *s, int *cap) __attribute__((warn_unused_result));
/* Its name as cap_to_name() gives it ("cap_chown"), or its number when
 * it has none; buf holds CFG_CAP_NAME_MAX bytes. */
#define CFG_CAP_NAME_MAX 24
const char *cfg_cap_name(int cap, char *buf);

#endif
