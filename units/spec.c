// SPDX-License-Identifier: MIT
/*
 * Specifiers (systemd.unit(5), "Specifiers"), as the system manager
 * expands them: %n %i %p ... of the unit's name, %t %S %C ... of the
 * system's directories, %u %U %h %s %g %G of the manager's own user
 * (pouch-init's: root, unless it runs as another uid), %H %v %m %b %o
 * ... of the host. %d (the credentials directory) is not supported:
 * pouch-init passes no credentials.
 */
#include "units.h"
#include "units-internal.h"
#include "config/nametab.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static const char *arch_name(const char *machine)
{
	NAMETAB_BEGIN
	static const struct {
		char uname[8], systemd[9];
	} map[] = {
		{ "x86_64", "x86-64" }, { "i386", "x86" }, { "i486", "x86" },
		{ "i586", "x86" }, { "i686", "x86" }, { "aarch64", "arm64" },
		{ "armv7l", "arm" }, { "armv6l", "arm" }, { "ppc64le", "ppc64-le" },
		{ "s390x", "s390x" }, { "riscv64", "riscv64" },
		{ "mips64", "mips64" },
	};
	NAMETAB_END

	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (!strcmp(machine, map[i].uname))
			return map[i].systemd;
	return machine;
}

/* The prefix of the unit's name: before '@', or before the suffix. */
static size_t prefix_len(const char *id)
{
	const char *at = strchr(id, '@'), *dot = strrchr(id, '.');

	if (at)
		return (size_t)(at - id);
	return dot ? (size_t)(dot - id) : strlen(id);
}

static void id128(const char *root, const char *path, char *buf, size_t len)
{
	char raw[64];
	size_t o = 0;

	buf[0] = '\0';
	if (units_first_line(root, path, raw, sizeof(raw)) < 0)
		return;
	for (char *p = raw; *p && o + 1 < len; p++)
		if (*p != '-')
			buf[o++] = *p;
	buf[o] = '\0';
}

/* The value of specifier c in buf: 0, or -EINVAL (unknown). */
static int spec_value(const struct unit_spec *sp, char c, char *buf,
		      size_t len)
{
	const char *id = sp->id ? sp->id : "", *inst;
	struct units_self me;
	struct utsname un;
	size_t pl = prefix_len(id), il = 0;
	char tmp[PATH_MAX];

	inst = unit_name_instance(id, &il);
	buf[0] = '\0';
	switch (c) {
	case 'n':
		units_fmt(buf, len, "%s", id);
		break;
	case 'N':
		units_fmt(buf, len, "%.*s", (int)(strrchr(id, '.') ? strrchr(id, '.') - id : (long)strlen(id)), id);
		break;
	case 'p':
		units_fmt(buf, len, "%.*s", (int)pl, id);
		break;
	case 'P':
		unit_unescape(id, pl, 1, buf, len);
		break;
	case 'i':
		units_fmt(buf, len, "%.*s", inst ? (int)il : 0, inst ? inst : "");
		break;
	case 'I':
		unit_unescape(inst ? inst : "", il, 1, buf, len);
		break;
	case 'j':
	case 'J': {
		const char *dash = memrchr(id, '-', pl);
		const char *j = dash ? dash + 1 : id;
		size_t jl = pl - (size_t)(j - id);

		if (c == 'j')
			units_fmt(buf, len, "%.*s", (int)jl, j);
		else
			unit_unescape(j, jl, 1, buf, len);
		break;
	}
	case 'f':
		if (inst && il)
			unit_unescape(inst, il, 1, tmp + 1, sizeof(tmp) - 1);
		else
			unit_unescape(id, pl, 1, tmp + 1, sizeof(tmp) - 1);
		tmp[0] = '/';
		units_fmt(buf, len, "%s", tmp + (tmp[1] == '/'));
		break;
	case 'y':
		units_fmt(buf, len, "%s", sp->path ? sp->path : "");
		break;
	case 'Y': {
		const char *p = sp->path ? sp->path : "", *s = strrchr(p, '/');

		units_fmt(buf, len, "%.*s", s ? (int)(s - p) : 0, p);
		break;
	}
	case 't': units_fmt(buf, len, "/run"); break;
	case 'S': units_fmt(buf, len, "/var/lib"); break;
	case 'C': units_fmt(buf, len, "/var/cache"); break;
	case 'L': units_fmt(buf, len, "/var/log"); break;
	case 'E': units_fmt(buf, len, "/etc"); break;
	case 'T': units_fmt(buf, len, "/tmp"); break;
	case 'V': units_fmt(buf, len, "/var/tmp"); break;
	case 'u': case 'U': case 'g': case 'G': case 'h': case 's':
		units_self(sp->root, &me);
		if (c == 'u')
			units_fmt(buf, len, "%s", me.user);
		else if (c == 'U')
			units_fmt(buf, len, "%u", me.uid);
		else if (c == 'g')
			units_fmt(buf, len, "%s", me.group);
		else if (c == 'G')
			units_fmt(buf, len, "%u", me.gid);
		else if (c == 'h')
			units_fmt(buf, len, "%s", me.home);
		else
			units_fmt(buf, len, "%s", me.shell);
		break;
	case 'H': case 'l': case 'q':
		if (c == 'q' &&
		    units_kv_file(sp->root, "/etc/machine-info",
				  "PRETTY_HOSTNAME", buf, len) == 0 &&
		    buf[0])
			break;
		if (gethostname(tmp, sizeof(tmp)) < 0)
			tmp[0] = '\0';
		tmp[sizeof(tmp) - 1] = '\0';
		if (c != 'H')
			tmp[strcspn(tmp, ".")] = '\0';
		units_fmt(buf, len, "%s", tmp);
		break;
	case 'v': case 'a':
		if (uname(&un) < 0)
			return -EINVAL;
		units_fmt(buf, len, "%s", c == 'v' ? un.release : arch_name(un.machine));
		break;
	case 'm':
		id128(sp->root, "/etc/machine-id", buf, len);
		break;
	case 'b':
		id128(NULL, "/proc/sys/kernel/random/boot_id", buf, len);
		break;
	case 'o': (void)units_os_release(sp->root, "ID", buf, len); break;
	case 'w': (void)units_os_release(sp->root, "VERSION_ID", buf, len); break;
	case 'W': (void)units_os_release(sp->root, "VARIANT_ID", buf, len); break;
	case 'B': (void)units_os_release(sp->root, "BUILD_ID", buf, len); break;
	case 'M': (void)units_os_release(sp->root, "IMAGE_ID", buf, len); break;
	case 'A': (void)units_os_release(sp->root, "IMAGE_VERSION", buf, len); break;
	case '%': units_fmt(buf, len, "%%"); break;
	default:
		return -EINVAL;
	}
	return 0;
}

int unit_specifiers(const struct unit_spec *sp, const char *s, char **out,
		    const char **why)
{
	size_t cap = strlen(s) + 1, n = 0;
	char *o = malloc(cap), *no, val[PATH_MAX];

	*out = NULL;
	if (!o) {
		*why = "out of memory";
		return -ENOMEM;
	}
	for (; *s; s++) {
		const char *add = s;
		size_t al = 1;

		if (*s == '%') {
			if (!s[1] || spec_value(sp, s[1], val, sizeof(val)) < 0) {
				free(o);
				*why = s[1] == 'd' ? "%d (the credentials directory) is not supported"
						   : "unknown specifier";
				return -EINVAL;
			}
			add = val;
			al = strlen(val);
			s++;
		}
		if (n + al + 1 > cap) {
			cap = (n + al + 1) * 2;
			no = realloc(o, cap);
			if (!no) {
				free(o);
				*why = "out of memory";
				return -ENOMEM;
			}
			o = no;
		}
		memcpy(o + n, add, al);
		n += al;
	}
	o[n] = '\0';
	*out = o;
	return 0;
}
