// SPDX-License-Identifier: MIT
/*
 * Unit names (systemd.unit(5)): their valid characters, type suffixes,
 * templates and instances, systemd's escaping, and the service name a
 * unit becomes in pouch-init's one namespace (nginx.service is nginx).
 */
#include "units.h"
#include "units-internal.h"
#include "config/nametab.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

NAMETAB_BEGIN
static const char types[][10] = {
	"service", "socket", "target", "device", "mount", "automount",
	"swap", "timer", "path", "slice", "scope",
};
NAMETAB_END

const char *unit_name_type(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot ? dot + 1 : "";
}

int unit_name_valid(const char *name)
{
	const char *type = unit_name_type(name), *at = strchr(name, '@');
	size_t n = strlen(name), k;
	int known = 0;

	if (n == 0 || n > 255 || type == name + 1 || !*type)
		return 0;
	for (k = 0; k < sizeof(types) / sizeof(*types); k++)
		known |= !strcmp(type, types[k]);
	if (!known)
		return 0;
	if (at && (at == name || strchr(at + 1, '@')))
		return 0;
	for (const char *p = name; p < type - 1; p++)
		if (!isalnum((unsigned char)*p) && !strchr(":-_.\\@", *p))
			return 0;
	return 1;
}

const char *unit_name_instance(const char *name, size_t *len)
{
	const char *at = strchr(name, '@'), *dot = strrchr(name, '.');

	if (!at || !dot || dot < at)
		return NULL;
	*len = (size_t)(dot - at - 1);
	return at + 1;
}

int unit_name_template(const char *name, char *buf, size_t len)
{
	const char *at = strchr(name, '@'), *dot = strrchr(name, '.');

	if (!at || !dot || dot < at || dot == at + 1)
		return -EINVAL;
	if ((size_t)units_fmt(buf, len, "%.*s%s", (int)(at - name + 1), name,
			     dot) >= len)
		return -EINVAL;
	return 0;
}

void unit_name_mangle(const char *name, char *buf, size_t len)
{
	const char *type = unit_name_type(name);
	int known = 0;

	for (size_t k = 0; type != name && k < sizeof(types) / sizeof(*types); k++)
		known |= !strcmp(type, types[k]);
	units_fmt(buf, len, "%s%s", name, known ? "" : ".service");
}

void unit_service_name(const char *unit, char *buf, size_t len)
{
	size_t n = strlen(unit);

	if (n > 8 && !strcmp(unit + n - 8, ".service"))
		n -= 8;
	units_fmt(buf, len, "%.*s", (int)n, unit);
}

void unit_unescape(const char *s, size_t n, int path, char *buf, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < len; i++) {
		if (s[i] == '-' && path) {
			buf[o++] = '/';
		} else if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' &&
			   isxdigit((unsigned char)s[i + 2]) &&
			   isxdigit((unsigned char)s[i + 3])) {
			char hex[3] = { s[i + 2], s[i + 3], 0 };

			buf[o++] = (char)strtol(hex, NULL, 16);
			i += 3;
		} else {
			buf[o++] = s[i];
		}
	}
	buf[o] = '\0';
}
