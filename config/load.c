// SPDX-License-Identifier: MIT
/*
 * Loading init.ini and services.d with inih. inih reads each line through
 * our reader, so we know the line number of every key (Debian's inih is
 * built without INI_HANDLER_LINENO) and can report syntax errors, unknown
 * sections and over-long lines ourselves, all of them, not just the first.
 */
#include "config.h"
#include "config-internal.h"
#include "init/log.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void cfg_error(struct cfg *cfg, const char *file, int line, const char *fmt,
	       ...)
{
	char msg[512], *full, **e;
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = line > 0 ? asprintf(&full, "%s:%d: %s", file, line, msg)
		     : asprintf(&full, "%s: %s", file, msg);
	if (n < 0)
		return;
	e = realloc(cfg->errors, (cfg->nerrors + 1) * sizeof(*e));
	if (!e) {
		free(full);
		return;
	}
	e[cfg->nerrors++] = full;
	cfg->errors = e;
}

static const char *skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Look at a raw line before inih does: section headers, syntax errors,
 * continuation lines. */
static void inspect_line(struct cfg_ctx *c, const char *raw)
{
	const char *s = skip_blank(raw), *end;
	char name[64];
	size_t n;

	c->cont = 0;
	if (!*s || *s == '\n' || *s == '\r' || *s == ';' || *s == '#')
		return;
	if (s > raw && c->prev_key[0]) {
		c->cont = 1;
		return;
	}
	if (*s == '[') {
		end = strchr(s, ']');
		n = end ? (size_t)(end - s - 1) : 0;
		if (!end || n >= sizeof(name)) {
			cfg_error(c->cfg, c->file, c->line,
				  "bad section header (want [name])");
			c->skip = 1;
			return;
		}
		memcpy(name, s + 1, n);
		name[n] = '\0';
		c->prev_key[0] = '\0';
		cfg_section(c, name);
		return;
	}
	if (!strpbrk(s, "=:")) {
		cfg_error(c->cfg, c->file, c->line,
			  "expected 'key = value', got '%.*s'",
			  (int)strcspn(s, "\r\n"), s);
		return;
	}
	n = strcspn(s, "=:");
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	snprintf(c->prev_key, sizeof(c->prev_key), "%.*s", (int)n, s);
}

static char *reader(char *buf, int num, void *stream)
{
	struct cfg_ctx *c = stream;
	const char *p = c->text + c->pos, *nl;
	size_t len;

	if (!*p)
		return NULL;
	nl = strchr(p, '\n');
	len = nl ? (size_t)(nl - p) + 1 : strlen(p);
	c->pos += len;
	c->line++;
	if (len >= (size_t)num - 1) {
		cfg_error(c->cfg, c->file, c->line,
			  "line too long (at most %d characters)", num - 2);
		strcpy(buf, "\n");
		c->cont = 0;
		return buf;
	}
	memcpy(buf, p, len);
	buf[len] = '\0';
	inspect_line(c, buf);
	return buf;
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct cfg_ctx *c = user;

	(void)section;
	if (c->skip)
		return 1;
	cfg_key(c, name, value);
	return 1;
}

int cfg_parse_text(struct cfg_ctx *c)
{
	int r = ini_parse_stream(reader, c, handler, c);

	if (r == -2) {
		cfg_error(c->cfg, c->file, 0, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

int cfg_file_unsafe(const struct stat *st, uid_t euid, char *why, size_t len)
{
	if (st->st_mode & S_IWOTH) {
		snprintf(why, len, "writable by every user");
		return CFG_UNSAFE_REFUSE;
	}
	if ((st->st_mode & S_IWGRP) && st->st_gid != 0) {
		snprintf(why, len, "writable by group %u", (unsigned)st->st_gid);
		return CFG_UNSAFE_WARN;
	}
	if (st->st_uid != 0 && st->st_uid != euid) {
		snprintf(why, len, "owned by uid %u", (unsigned)st->st_uid);
		return CFG_UNSAFE_WARN;
	}
	return 0;
}

/* A configuration file others could change: refused when every user
 * may write it, a warning for a group or another owner. */
static void check_unsafe(struct cfg *cfg, const char *path, const struct stat *st)
{
	char why[64];

	switch (cfg_file_unsafe(st, geteuid(), why, sizeof(why))) {
	case CFG_UNSAFE_REFUSE:
		cfg_error(cfg, path, 0, "%s: refused (pid 1 runs what it says)", why);
		break;
	case CFG_UNSAFE_WARN:
		log_warnx("%s: %s (pid 1 runs what it says)", path, why);
		break;
	}
}

char *cfg_read_file(const char *path, int *err)
{
	return cfg_read_file_st(path, err, NULL);
}

char *cfg_read_file_st(const char *path, int *err, struct stat *out)
{
	struct stat st;
	char *buf;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		*err = errno;
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (out)
		*out = st;
	if (!S_ISREG(st.st_mode) || st.st_size > (1 << 20)) {
		*err = S_ISREG(st.st_mode) ? EFBIG : EISDIR;
		close(fd);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	n = buf ? read(fd, buf, (size_t)st.st_size) : -1;
	*err = errno;
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	if (strlen(buf) != (size_t)n) {
		free(buf);
		*err = EILSEQ;
		return NULL;
	}
	return buf;
}

static int is_ini(const struct dirent *e)
{
	size_t len = strlen(e->d_name);

	return e->d_name[0] != '.' && len >= 5 &&
	       strcmp(e->d_name + len - 4, ".ini") == 0;
}

/* The *.ini entries of services.d in byte order; NULL when unreadable. */
static struct dirent **list_services(const char *dir, int *n, int *err)
{
	struct dirent **list = NULL;

	*err = 0;
	*n = scandir(dir, &list, is_ini, alphasort);
	if (*n < 0) {
		*err = errno;
		*n = 0;
		return NULL;
	}
	return list;
}

static int load_services(const char *dir, const struct cfg_sources *src,
			 struct cfg *cfg)
{
	char *sdir, *path, *text;
	struct dirent **names;
	struct stat st;
	int err, n, r = 0;

	if (asprintf(&sdir, "%s/services.d", dir) < 0)
		return -ENOMEM;
	names = list_services(sdir, &n, &err);
	if (err && err != ENOENT)
		cfg_error(cfg, sdir, 0, "unable to read: %s", strerror(err));
	for (int i = 0; names && i < n && r >= 0; i++) {
		if (asprintf(&path, "%s/%s", sdir, names[i]->d_name) < 0) {
			r = -ENOMEM;
			break;
		}
		text = cfg_read_file_st(path, &err, &st);
		if (!text)
			cfg_error(cfg, path, 0, "unable to read: %s",
				  strerror(err));
		else
			r = cfg_load_service_string(cfg, path, text, src);
		if (text)
			check_unsafe(cfg, path, &st);
		free(text);
		free(path);
	}
	for (int i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	free(sdir);
	return r;
}

int cfg_load(const char *dir, const struct cfg_sources *src, struct cfg *cfg)
{
	struct stat st;
	char *path, *text;
	int err, r = 0;

	cfg_defaults(cfg);
	cfg->dir = strdup(dir);
	if (!cfg->dir || asprintf(&path, "%s/init.ini", dir) < 0)
		return -ENOMEM;
	text = cfg_read_file_st(path, &err, &st);
	if (text) {
		r = cfg_load_init_string(cfg, path, text);
		check_unsafe(cfg, path, &st);
	}
	else if (err != ENOENT)
		cfg_error(cfg, path, 0, "unable to read: %s", strerror(err));
	free(text);
	free(path);
	if (r == 0)
		r = load_services(dir, src, cfg);
	if (r < 0)
		return r;
	cfg_validate(cfg);
	return cfg->nerrors ? -EINVAL : 0;
}
