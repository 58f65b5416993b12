/* SPDX-License-Identifier: MIT */
/*
 * Typed values of the configuration: durations ("100ms", "10s", "5m",
 * "1h", a bare number is seconds), sizes ("10M", "512K", "1G", bytes when
 * bare), booleans (yes/no, true/false, on/off, 1/0). Pure functions,
 * shared by the command line and the INI loader.
 */
#ifndef POUCH_CONFIG_VALUES_H
#define POUCH_CONFIG_VALUES_H

#include <stdint.h>

int cfg_parse_duration_ms(const char *s, int64_t *ms)
	__attribute__((warn_unused_result));
int cfg_parse_size(const char *s, uint64_t *bytes)
	__attribute__((warn_unused_result));
int cfg_parse_bool(const char *s, int *out) __attribute__((warn_unused_result));

#endif
