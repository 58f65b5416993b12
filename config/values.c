// SPDX-License-Identifier: MIT
/*
 * Parsing of durations, sizes and booleans; see values.h.
 */
#include "values.h"
#include "config/nametab.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A non-negative decimal number followed by a suffix; overflow-checked. */
static int number(const char *s, uint64_t *v, const char **suffix)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	*suffix = end;
	return 0;
}

static int trailing_blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

static int scale(uint64_t v, uint64_t mul, uint64_t max, uint64_t *out)
{
	if (v > max / mul)
		return -ERANGE;
	*out = v * mul;
	return 0;
}

int cfg_parse_duration_ms(const char *s, int64_t *ms)
{
	NAMETAB_BEGIN
	static const struct {
		char sfx[3];
		uint64_t mul;
	} units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
		{ "", 1000 },
	};
	NAMETAB_END
	const char *sfx;
	uint64_t v, out;
	size_t len;
	int r;

	if (!s || (r = number(s, &v, &sfx)) < 0)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(*units); i++) {
		len = strlen(units[i].sfx);
		if (strncmp(sfx, units[i].sfx, len) || !trailing_blank(sfx + len))
			continue;
		r = scale(v, units[i].mul, (uint64_t)INT64_MAX / 2, &out);
		if (r < 0)
			return r;
		*ms = (int64_t)out;
		return 0;
	}
	return -EINVAL;
}

int cfg_parse_size(const char *s, uint64_t *bytes)
{
	static const char units[] = "BKMGT";
	const char *sfx, *u;
	uint64_t v, mul = 1;
	int r;

	if (!s || (r = number(s, &v, &sfx)) < 0)
		return -EINVAL;
	if (trailing_blank(sfx)) {
		*bytes = v;
		return 0;
	}
	u = strchr(units, toupper((unsigned char)*sfx));
	if (!u || !*sfx)
		return -EINVAL;
	for (const char *p = units; p < u; p++)
		mul *= 1024;
	sfx++;
	if ((*sfx == 'i' || *sfx == 'I') && (sfx[1] == 'B' || sfx[1] == 'b'))
		sfx += 2;
	else if ((*sfx == 'B' || *sfx == 'b') && u != units)
		sfx++;
	if (!trailing_blank(sfx))
		return -EINVAL;
	return scale(v, mul, UINT64_MAX, bytes);
}

int cfg_parse_bool(const char *s, int *out)
{
	NAMETAB_BEGIN
	static const char yes[][5] = { "yes", "true", "on", "1" };
	static const char no[][6] = { "no", "false", "off", "0" };
	NAMETAB_END

	for (size_t i = 0; s && i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -EINVAL;
}

/* libcap 2.66's names, by number, without their "cap_" */
NAMETAB_BEGIN
static const char cap_names[][19] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid",
	"kill", "setgid", "setuid", "setpcap", "linux_immutable",
	"net_bind_service", "net_broadcast", "net_admin", "net_raw",
	"ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot",
	"sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
	"sys_resource", "sys_time", "sys_tty_config", "mknod", "lease",
	"audit_write", "audit_control", "setfcap", "mac_override",
	"mac_admin", "syslog", "wake_alarm", "block_suspend", "audit_read",
	"perfmon", "bpf", "checkpoint_restore",
};
NAMETAB_END

int cfg_parse_cap(const char *s, int *cap)
{
	size_t len = 0;

	if (isdigit((unsigned char)*s)) {
		unsigned long n = strtoul(s, NULL, 0);

		if (n >= 64)
			return -EINVAL;
		*cap = (int)n;
		return 0;
	}
	while (isalpha((unsigned char)s[len]) || s[len] == '_')
		len++;
	if (len <= 4 || strncasecmp(s, "cap_", 4))
		return -EINVAL;
	for (size_t i = 0; i < NAMETAB_LEN(cap_names); i++) {
		if (strlen(cap_names[i]) == len - 4 &&
		    !strncasecmp(s + 4, cap_names[i], len - 4)) {
			*cap = (int)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *cfg_cap_name(int cap, char *buf)
{
	if (cap >= 0 && (size_t)cap < NAMETAB_LEN(cap_names))
		snprintf(buf, CFG_CAP_NAME_MAX, "cap_%s", cap_names[cap]);
	else
		snprintf(buf, CFG_CAP_NAME_MAX, "%u", (unsigned)cap);
	return buf;
}
