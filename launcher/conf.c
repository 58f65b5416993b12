// SPDX-License-Identifier: MIT
/*
 * pouch-runc's own configuration, /etc/pouch-runc.conf: the real runtime,
 * the rich modes a bundle may ask for, and the host directories and host
 * hooks a bundle may name. It is the host administrator's, so it must be
 * owned by root and writable by nobody else, like sshd's StrictModes.
 * Parsed with inih through our reader: we count lines (every error is
 * FILE:LINE), strip indentation (so an indented key is a key, never a
 * continuation of the previous value), and hand inih a placeholder for
 * the value of a line longer than its buffer.
 */
#include "lch.h"

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONF_MAX_BYTES (1 << 20)
#define LONG_VALUE "\x01"

static const char *const mode_names[] = { "pouch", "dumb-init", "systemd",
					  "sbin-init" };

unsigned lch_mode_bit(const char *mode, size_t len)
{
	for (size_t i = 0; i < sizeof(mode_names) / sizeof(*mode_names); i++)
		if (strlen(mode_names[i]) == len && !memcmp(mode, mode_names[i], len))
			return 1u << i;
	return 0;
}

const char *lch_mode_list(unsigned modes)
{
	static char buf[64];
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(mode_names) / sizeof(*mode_names); i++)
		if (modes & (1u << i))
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s",
					      o ? " " : "", mode_names[i]);
	return o ? buf : "(none)";
}

enum section { SEC_NONE, SEC_RUNTIME, SEC_CONFIG, SEC_INITSCRIPT, SEC_BAD };

struct ctx {
	struct lch_conf c; /* copied out at the end */
	const char *text;
	size_t pos;
	int line;
	enum section sec;
	struct lch_entry *entry; /* of the current [config]/[initscript] */
	unsigned seen;		 /* keys given in the current section */
	char *long_value;	 /* the value behind LONG_VALUE */
	int runtime_line;	 /* of [runtime], once seen */
};

static void add_error(struct lch_conf *c, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add_error(struct lch_conf *c, int line, const char *fmt, ...)
{
	char msg[512], *full, **e;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if ((line > 0 ? asprintf(&full, "%s:%d: %s", c->file, line, msg)
		      : asprintf(&full, "%s: %s", c->file, msg)) < 0)
		return;
	e = realloc(c->errors, (c->nerrors + 1) * sizeof(*e));
	if (!e) {
		free(full);
		return;
	}
	c->errors = e;
	c->errors[c->nerrors++] = full;
}

#define conf_error(x, ...) add_error(&(x)->c, __VA_ARGS__)

static int valid_name(const char *s, size_t n)
{
	if (n == 0 || n > 64 || !*s || !strchr("abcdefghijklmnopqrstuvwxyz"
					"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", *s))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_.-", s[i]) || !s[i])
			return 0;
	return 1;
}

static struct lch_entry *add_entry(struct ctx *x, int scripts, const char *name,
				   size_t n)
{
	struct lch_conf *c = &x->c;
	struct lch_entry **v = scripts ? &c->scripts : &c->configs, *e;
	size_t *cnt = scripts ? &c->nscripts : &c->nconfigs;

	if (lch_conf_entry(*v, *cnt, name, n)) {
		conf_error(x, x->line, "[%s %.*s] is given twice",
			   scripts ? "initscript" : "config", (int)n, name);
		return NULL;
	}
	e = realloc(*v, (*cnt + 1) * sizeof(*e));
	if (!e)
		return NULL;
	*v = e;
	e += (*cnt)++;
	*e = (struct lch_entry){ .name = strndup(name, n), .timeout_s = 30,
				 .line = x->line };
	return e;
}

/* "[config NAME]" or "[initscript NAME]": kind is [s, sp), the name
 * after the blanks at sp, up to end */
static void entry_section(struct ctx *x, const char *s, const char *sp,
			  const char *end)
{
	int scripts = sp - s == 10;
	const char *name = sp;
	size_t len;

	while (*name == ' ' || *name == '\t')
		name++;
	len = (size_t)(end - name);
	if (!valid_name(name, len)) {
		conf_error(x, x->line, "bad name '%s' in [%.*s] (want letters, digits, '_', '.', '-')",
			   lch_printable(name, len), (int)(sp - s), s);
		return;
	}
	x->entry = add_entry(x, scripts, name, len);
	if (x->entry)
		x->sec = scripts ? SEC_INITSCRIPT : SEC_CONFIG;
}

/* "[name]" or "[kind NAME]" */
static void section(struct ctx *x, const char *s)
{
	const char *end = strchr(s, ']'), *sp;
	size_t n;

	x->sec = SEC_BAD;
	x->entry = NULL;
	x->seen = 0;
	if (!end) {
		conf_error(x, x->line, "bad section header (want [name])");
		return;
	}
	s++;
	while (*s == ' ' || *s == '\t')
		s++;
	n = (size_t)(end - s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	for (sp = s; sp < s + n && *sp != ' ' && *sp != '\t'; sp++)
		;
	if (sp == s + n)
		sp = NULL;
	end++;
	end += strspn(end, " \t\r\n");
	if (*end && *end != ';' && *end != '#') {
		conf_error(x, x->line, "text after the section header");
		return;
	}
	if (n == 7 && !memcmp(s, "runtime", 7)) {
		if (x->runtime_line)
			conf_error(x, x->line, "[runtime] is given twice (first at line %d)",
				   x->runtime_line);
		else
			x->sec = SEC_RUNTIME;
		x->runtime_line = x->runtime_line ? x->runtime_line : x->line;
		return;
	}
	if (sp && ((sp - s == 6 && !memcmp(s, "config", 6)) ||
		   (sp - s == 10 && !memcmp(s, "initscript", 10)))) {
		entry_section(x, s, sp, s + n);
		return;
	}
	conf_error(x, x->line, "unknown section [%s] (want [runtime], [config NAME] or [initscript NAME])",
		   lch_printable(s, n));
}

/* the value of a line inih cannot hold: after '=' or ':', without an
 * inline comment, trimmed, as inih would give it */
static char *value_of(const char *s, size_t len)
{
	const char *v = s + strcspn(s, "=:"), *end = s + len;

	if (v >= end)
		return NULL;
	v++;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	for (const char *p = v; p < end; p++)
		if (*p == ';' && p > v && (p[-1] == ' ' || p[-1] == '\t')) {
			end = p;
			break;
		}
	while (end > v && strchr(" \t\r\n", end[-1]))
		end--;
	return strndup(v, (size_t)(end - v));
}

static char *reader(char *buf, int num, void *stream)
{
	struct ctx *x = stream;
	const char *p = x->text + x->pos, *nl;
	size_t len, key;

	if (!*p)
		return NULL;
	nl = strchr(p, '\n');
	len = nl ? (size_t)(nl - p) + 1 : strlen(p);
	x->pos += len;
	x->line++;
	while (len && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	if (!len || *p == ';' || *p == '#' || *p == '\n' || *p == '\r') {
		strcpy(buf, "\n");
		return buf;
	}
	if (*p == '[') {
		char head[256];

		snprintf(head, sizeof(head), "%.*s", (int)(len < 255 ? len : 255), p);
		section(x, head);
		strcpy(buf, "\n"); /* sections are ours: inih need not see them */
		return buf;
	}
	key = strcspn(p, "=:\n");
	if (key >= len || p[key] == '\n') {
		conf_error(x, x->line, "expected 'key = value', got '%s'",
			   lch_printable(p, strcspn(p, "\r\n")));
		strcpy(buf, "\n");
		return buf;
	}
	if (len < (size_t)num - 1) {
		memcpy(buf, p, len);
		buf[len] = '\0';
		return buf;
	}
	/* too long for inih's buffer: give it the key and keep the value */
	free(x->long_value);
	x->long_value = value_of(p, len);
	if (key > (size_t)num - 8) {
		conf_error(x, x->line, "key too long");
		strcpy(buf, "\n");
		return buf;
	}
	snprintf(buf, (size_t)num, "%.*s= " LONG_VALUE "\n", (int)key, p);
	return buf;
}

/* gcc 12's analyzer takes a string stored into an entry reached through
 * the handler's context for a leak (lch_conf_free frees it) */
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
static int set_path(struct ctx *x, char **dst, const char *v)
{
	if (*v != '/') {
		conf_error(x, x->line, "'%s' is not an absolute path", lch_printable(v, strlen(v)));
		return -1;
	}
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p >= 0x7f) {
			conf_error(x, x->line, "'%s': a path of printable ASCII, please",
				   lch_printable(v, strlen(v)));
			return -1;
		}
	free(*dst);
	*dst = strdup(v);
	return 0;
}
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif

static void set_modes(struct ctx *x, const char *v)
{
	unsigned m = 0;

	for (const char *p = v; *p;) {
		size_t n = strcspn(p, " \t,");
		unsigned bit = lch_mode_bit(p, n);

		if (n && !bit) {
			conf_error(x, x->line, "unknown rich mode '%s' (%s)",
				   lch_printable(p, n), LCH_MODE_NAMES);
			return;
		}
		m |= bit;
		p += n;
		p += strspn(p, " \t,");
	}
	x->c.modes = m;
}

/* "30s", "2m", "1h", "30" (seconds): whole seconds from 1 s to 24 h */
static void set_timeout(struct ctx *x, int *dst, const char *v)
{
	char *end;
	unsigned long long n;
	unsigned long long ms;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (end == v || errno || *v == '-' || n > 86400000ULL)
		goto bad;
	if (!strcmp(end, "ms"))
		ms = n;
	else if (!strcmp(end, "s") || !*end)
		ms = n * 1000;
	else if (!strcmp(end, "m"))
		ms = n * 60000;
	else if (!strcmp(end, "h"))
		ms = n * 3600000;
	else
		goto bad;
	if (ms < 1000 || ms > 86400000ULL || ms % 1000) {
		conf_error(x, x->line, "timeout '%s': whole seconds from 1s to 24h (an OCI hook's timeout is in seconds)",
			   lch_printable(v, strlen(v)));
		return;
	}
	*dst = (int)(ms / 1000);
	return;
bad:
	conf_error(x, x->line, "bad timeout '%s' (want a duration: 30s, 2m)",
		   lch_printable(v, strlen(v)));
}

/* each key once per section: its bit in x->seen */
static int once(struct ctx *x, const char *name, unsigned bit)
{
	if (x->seen & bit) {
		conf_error(x, x->line, "'%s' is given twice in this section", name);
		return 0;
	}
	x->seen |= bit;
	return 1;
}

static int handler(void *user, const char *sec, const char *name,
		   const char *value)
{
	struct ctx *x = user;

	(void)sec;
	if (!strcmp(value, LONG_VALUE))
		value = x->long_value ? x->long_value : "";
	switch (x->sec) {
	case SEC_BAD:
		return 1; /* said already */
	case SEC_NONE:
		conf_error(x, x->line, "'%s' outside a section", name);
		return 1;
	case SEC_RUNTIME:
		if (!strcmp(name, "runtime") && once(x, name, 1))
			(void)set_path(x, &x->c.runtime, value);
		else if (!strcmp(name, "modes") && once(x, name, 2))
			set_modes(x, value);
		else if (strcmp(name, "runtime") && strcmp(name, "modes"))
			conf_error(x, x->line, "unknown key '%s' in [runtime] (runtime, modes)", name);
		return 1;
	case SEC_CONFIG:
	case SEC_INITSCRIPT:
		if (!strcmp(name, "path") && once(x, name, 1))
			(void)set_path(x, &x->entry->path, value);
		else if (x->sec == SEC_INITSCRIPT && !strcmp(name, "timeout") &&
			 once(x, name, 2))
			set_timeout(x, &x->entry->timeout_s, value);
		else if (strcmp(name, "path") &&
			 (x->sec == SEC_CONFIG || strcmp(name, "timeout")))
			conf_error(x, x->line, "unknown key '%s' in [%s %s] (%s)", name,
				   x->sec == SEC_CONFIG ? "config" : "initscript",
				   x->entry->name,
				   x->sec == SEC_CONFIG ? "path" : "path, timeout");
		return 1;
	}
	return 1;
}

int lch_conf_parse(struct lch_conf *out, const char *file, const char *text)
{
	struct ctx x = { .text = text, .sec = SEC_NONE };
	struct lch_conf *c = &x.c;
	int r;

	c->file = strdup(file);
	c->found = 1;
	c->modes = LCH_MODES_DEFAULT;
	if (!c->file) {
		*out = x.c;
		return -1;
	}
	r = ini_parse_stream(reader, &x, handler, &x);
	if (r == -2)
		conf_error(&x, 0, "out of memory");
	for (size_t i = 0; i < c->nconfigs; i++)
		if (!c->configs[i].path)
			conf_error(&x, c->configs[i].line, "[config %s] has no 'path ='",
				   c->configs[i].name);
	for (size_t i = 0; i < c->nscripts; i++)
		if (!c->scripts[i].path)
			conf_error(&x, c->scripts[i].line, "[initscript %s] has no 'path ='",
				   c->scripts[i].name);
	free(x.long_value);
	*out = x.c;
	return out->nerrors ? -1 : 0;
}

static void free_entries(struct lch_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].path);
	}
	free(v);
}

void lch_conf_free(struct lch_conf *c)
{
	free(c->file);
	free(c->runtime);
	free_entries(c->configs, c->nconfigs);
	free_entries(c->scripts, c->nscripts);
	for (size_t i = 0; i < c->nerrors; i++)
		free(c->errors[i]);
	free(c->errors);
	memset(c, 0, sizeof(*c));
}

const struct lch_entry *lch_conf_entry(const struct lch_entry *v, size_t n,
				       const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(v[i].name) == len && !memcmp(v[i].name, name, len))
			return &v[i];
	return NULL;
}

static int load_error(struct lch_conf *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int load_error(struct lch_conf *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	add_error(c, 0, "%s", msg);
	return -1;
}

static int say(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int say(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

/* who may own what the host trusts: root, or our own uid */
static int trusted_owner(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/* Every directory above path (absolute) must be owned by root and not
 * writable by group or others, unless sticky (as /tmp). */
static int check_dirs(const char *path, char *why, size_t whylen)
{
	char dir[PATH_MAX], *slash;
	struct stat st;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return say(why, whylen, "path too long");
	while ((slash = strrchr(dir, '/'))) {
		slash[slash == dir] = '\0';
		if (lstat(dir, &st) < 0)
			return say(why, whylen, "directory %s: %s", dir, strerror(errno));
		if (!trusted_owner(st.st_uid))
			return say(why, whylen, "directory %s is owned by uid %u, not root",
				   dir, (unsigned)st.st_uid);
		if ((st.st_mode & 022) && !(st.st_mode & S_ISVTX))
			return say(why, whylen, "directory %s is writable by %s (mode %04o)",
				   dir, st.st_mode & 002 ? "others" : "its group",
				   (unsigned)(st.st_mode & 07777));
		if (slash == dir)
			break;
	}
	return 0;
}

int lch_trusted(const char *path, int fd, char *why, size_t whylen)
{
	char real[PATH_MAX], abs[PATH_MAX], cwd[PATH_MAX];
	struct stat st;

	if ((fd >= 0 ? fstat(fd, &st) : stat(path, &st)) < 0)
		return say(why, whylen, "%s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return say(why, whylen, "not a regular file");
	if (!trusted_owner(st.st_uid))
		return say(why, whylen, "owned by uid %u, not root", (unsigned)st.st_uid);
	if (st.st_mode & 022)
		return say(why, whylen, "writable by %s (mode %04o); it must be writable by root only",
			   st.st_mode & 002 ? "others" : "its group",
			   (unsigned)(st.st_mode & 07777));
	if (path[0] != '/') {
		if (!getcwd(cwd, sizeof(cwd)) ||
		    snprintf(abs, sizeof(abs), "%s/%s", cwd, path) >= (int)sizeof(abs))
			return say(why, whylen, "unable to make the path absolute");
	} else {
		snprintf(abs, sizeof(abs), "%s", path);
	}
	if (check_dirs(abs, why, whylen) < 0)
		return -1;
	if (!realpath(abs, real))
		return say(why, whylen, "%s", strerror(errno));
	return strcmp(real, abs) ? check_dirs(real, why, whylen) : 0;
}

int lch_conf_load(struct lch_conf *c, const char *file)
{
	char *text = NULL, *name, why[512];
	ssize_t n;
	size_t got = 0;
	int fd, r;

	memset(c, 0, sizeof(*c));
	c->file = strdup(file ? file : LCH_CONF_FILE);
	c->modes = LCH_MODES_DEFAULT;
	if (!c->file)
		return -1;
	fd = open(c->file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT)
		return 0; /* no file: the defaults */
	if (fd < 0)
		return load_error(c, "unable to open: %s", strerror(errno));
	c->found = 1;
	if (lch_trusted(c->file, fd, why, sizeof(why)) < 0) {
		close(fd);
		return load_error(c, "%s", why);
	}
	if (!(text = malloc(CONF_MAX_BYTES + 1))) {
		close(fd);
		return load_error(c, "out of memory");
	}
	while ((n = read(fd, text + got, CONF_MAX_BYTES - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (n < 0 || got == CONF_MAX_BYTES || memchr(text, '\0', got)) {
		free(text);
		return load_error(c, n < 0 ? "unable to read" : "too big, or not text");
	}
	text[got] = '\0';
	name = c->file;
	c->file = NULL;
	lch_conf_free(c);
	r = lch_conf_parse(c, name, text);
	free(name);
	free(text);
	return r;
}
