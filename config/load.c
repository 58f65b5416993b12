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
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int add_msg(char ***list, size_t *n, char *full)
{
	char **e = realloc(*list, (*n + 1) * sizeof(*e));

	if (!e) {
		free(full);
		return -ENOMEM;
	}
	e[(*n)++] = full;
	*list = e;
	return 0;
}

static char *vformat(const char *file, int line, const char *fmt, va_list ap)
{
	char msg[512], *full;
	int n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!file) /* msg is the whole message */
		return strdup(msg);
	n = line > 0 ? asprintf(&full, "%s:%d: %s", file, line, msg)
		     : asprintf(&full, "%s: %s", file, msg);
	return n < 0 ? NULL : full;
}

void cfg_error(struct cfg *cfg, const char *file, int line, const char *fmt,
	       ...)
{
	va_list ap;
	char *full;

	va_start(ap, fmt);
	full = vformat(file, line, fmt, ap);
	va_end(ap);
	if (full)
		(void)add_msg(&cfg->errors, &cfg->nerrors, full);
}

/* A warning (logged as one) or a note (logged as info), kept for check. */
static void keep_msg(char ***list, size_t *n, int warn, const char *file,
		     int line, const char *fmt, va_list ap)
{
	char *full = vformat(file, line, fmt, ap);

	if (!full)
		return;
	if (warn)
		log_warnx("%s", full);
	else
		log_info("%s", full);
	(void)add_msg(list, n, full);
}

void cfg_warn(struct cfg *cfg, const char *file, int line, const char *fmt,
	      ...)
{
	va_list ap;

	va_start(ap, fmt);
	keep_msg(&cfg->warnings, &cfg->nwarnings, 1, file, line, fmt, ap);
	va_end(ap);
}

void cfg_note(struct cfg *cfg, const char *file, int line, const char *fmt,
	      ...)
{
	va_list ap;

	va_start(ap, fmt);
	keep_msg(&cfg->notes, &cfg->nnotes, 0, file, line, fmt, ap);
	va_end(ap);
}

static const char *skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* inih's rule: the first of chars, or a ';' that follows white space. */
static const char *find_comment(const char *s, const char *chars)
{
	int was_space = 0;

	while (*s && (!chars || !strchr(chars, *s)) &&
	       !(was_space && *s == ';')) {
		was_space = isspace((unsigned char)*s);
		s++;
	}
	return s;
}

/* Cut s at its inline comment, as inih does. */
static void cut_comment(char *s)
{
	s[find_comment(s, NULL) - s] = '\0';
}

/* An indented line that reads as a key is one, never more words for the
 * key above: a known key of its section followed by '=' or ':', or any
 * lower-case name followed by blanks and '=' (then an unknown key). */
static int reads_as_key(const struct cfg_ctx *c, const char *s)
{
	const char *t;
	size_t n = 0;

	while (islower((unsigned char)s[n]) || s[n] == '_' ||
	       (n && isdigit((unsigned char)s[n])))
		n++;
	if (!n)
		return 0;
	t = skip_blank(s + n);
	if (cfg_known_key(c, s, n) && (*t == '=' || *t == ':'))
		return 1;
	return t > s + n && *t == '=';
}

/* Look at a raw line before inih does: section headers, syntax errors,
 * continuation lines. Returns how much indentation inih must not see
 * (a key line's). */
static size_t inspect_line(struct cfg_ctx *c, const char *raw)
{
	const char *s = skip_blank(raw), *end;
	char name[64];
	size_t n;

	c->cont = c->key_line = c->comment_cut = 0;
	if (!*s || *s == '\n' || *s == '\r' || *s == ';' || *s == '#')
		return 0;
	if (s > raw && c->prev_key[0] && !reads_as_key(c, s)) {
		c->cont = 1;
		c->comment_cut = *find_comment(s, NULL) == ';';
		return 0;
	}
	if (*s == '[') {
		end = strchr(s, ']');
		n = end ? (size_t)(end - s - 1) : 0;
		if (!end || n >= sizeof(name)) {
			cfg_error(c->cfg, c->file, c->line,
				  "bad section header (want [name])");
			c->skip = 1;
			return 0;
		}
		memcpy(name, s + 1, n);
		name[n] = '\0';
		c->prev_key[0] = '\0';
		cfg_section(c, name);
		return 0;
	}
	if (!strpbrk(s, "=:")) {
		cfg_error(c->cfg, c->file, c->line,
			  "expected 'key = value', got '%.*s'",
			  (int)strcspn(s, "\r\n"), s);
		return 0;
	}
	n = strcspn(s, "=:");
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	snprintf(c->prev_key, sizeof(c->prev_key), "%.*s", (int)n, s);
	c->key_line = 1;
	end = find_comment(s, "=:");
	c->comment_cut = *end && *find_comment(end + 1, NULL) == ';';
	return (size_t)(s - raw);
}

static char *trim(char *s)
{
	char *e = s + strlen(s);

	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* A line longer than inih's buffer: we find its value as inih would and
 * hand inih a short line with a placeholder in its stead; the handler
 * takes the value from us. */
static char *long_line(struct cfg_ctx *c, char *buf, int num, const char *p,
		       size_t len)
{
	char *line = malloc(len + 1), *v;
	size_t skip;

	if (!line) {
		cfg_error(c->cfg, c->file, c->line, "out of memory");
		strcpy(buf, "\n");
		return buf;
	}
	memcpy(line, p, len);
	line[len] = '\0';
	skip = inspect_line(c, line);
	strcpy(buf, "\n");
	if (c->cont) {
		v = trim(line);
		cut_comment(v);
		strcpy(buf, " \x01\n");
	} else if (c->key_line &&
		   (*(v = line + (find_comment(line + skip, "=:") - line)) == '=' ||
		    *v == ':')) {
		v++;
		cut_comment(v);
		v = trim(v);
		snprintf(buf, (size_t)num, "%s=\x01\n", c->prev_key);
	} else {
		free(line);
		return buf; /* a comment, a section, an error already reported */
	}
	c->long_value = strdup(v);
	if (!c->long_value) {
		cfg_error(c->cfg, c->file, c->line, "out of memory");
		strcpy(buf, "\n");
	}
	free(line);
	return buf;
}

static char *reader(char *buf, int num, void *stream)
{
	struct cfg_ctx *c = stream;
	const char *p = c->text + c->pos, *nl;
	size_t len, skip;

	free(c->long_value); /* not taken: inih called no handler */
	c->long_value = NULL;
	if (!*p)
		return NULL;
	if (c->pos == 0 && strncmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3; /* a UTF-8 byte order mark */
		c->pos += 3;
	}
	nl = strchr(p, '\n');
	len = nl ? (size_t)(nl - p) + 1 : strlen(p);
	c->pos += len;
	c->line++;
	if (len >= (size_t)num - 1)
		return long_line(c, buf, num, p, len);
	memcpy(buf, p, len);
	buf[len] = '\0';
	skip = inspect_line(c, buf);
	for (size_t i = 0; skip && i + skip <= len; i++)
		buf[i] = buf[i + skip]; /* an indented key: not a continuation */
	return buf;
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct cfg_ctx *c = user;

	(void)section;
	if (!c->long_value && c->cont) {
		/* inih (r55) keeps inline comments on continuation lines:
		 * the rule is the same on every line */
		c->long_value = strdup(value);
		if (!c->long_value)
			return 0;
		cut_comment(c->long_value);
		(void)trim(c->long_value); /* only trailing blanks are left */
	}
	if (c->long_value)
		value = c->long_value;
	if (!c->skip)
		cfg_key(c, name, value);
	free(c->long_value);
	c->long_value = NULL;
	return 1;
}

int cfg_parse_text(struct cfg_ctx *c)
{
	int r = ini_parse_stream(reader, c, handler, c);

	free(c->long_value);
	c->long_value = NULL;
	if (r == -2) {
		cfg_error(c->cfg, c->file, 0, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/* path as an absolute path without "." parts or doubled slashes, to
 * tell whether a reported path lies on it. */
static void lexical(char *out, size_t len, const char *path)
{
	size_t n = 0;

	out[0] = '\0';
	if (path[0] != '/' && getcwd(out, len))
		n = strlen(out);
	for (const char *p = path; *p && n + 2 < len;) {
		size_t k;

		while (*p == '/')
			p++;
		k = strcspn(p, "/");
		if (k == 0)
			break;
		if (!(k == 1 && p[0] == '.') && n + 1 + k < len) {
			out[n++] = '/';
			memcpy(out + n, p, k);
			n += k;
		}
		p += k;
	}
	out[n] = '\0';
}

struct unsafe_report {
	struct cfg *cfg;
	char given[PATH_MAX];
};

static void report_unsafe(void *arg, const char *path, const char *why)
{
	struct unsafe_report *u = arg;
	struct cfg *cfg = u->cfg;
	size_t n = strlen(path);
	int on_path = n == 1 || (strncmp(u->given, path, n) == 0 &&
				 (u->given[n] == '/' || !u->given[n]));
	char *msg;

	if ((on_path ? asprintf(&msg, "%s: %s", path, why)
		     : asprintf(&msg, "%s: %s (reached through %s)", path, why,
				u->given)) < 0)
		return;
	for (size_t i = 0; i < cfg->nerrors; i++) {
		if (strcmp(cfg->errors[i], msg) == 0) {
			free(msg);
			return;
		}
	}
	(void)add_msg(&cfg->errors, &cfg->nerrors, msg);
}

/* The root path lies in (src->root when under it, else /) and the path
 * inside it. */
static const char *split_root(const struct cfg_sources *src, const char *path,
			      const char **inside)
{
	const char *root = src ? src->root : NULL;
	size_t rl = root ? strlen(root) : 0;

	while (rl && root[rl - 1] == '/')
		rl--;
	*inside = path;
	if (!rl || strncmp(path, root, rl) || path[rl] != '/')
		return NULL;
	*inside = path + rl;
	return root;
}

int cfg_resolve(const struct cfg_sources *src, const char *path, char *real,
		size_t len)
{
	const char *inside, *root = split_root(src, path, &inside);
	int r = cfg_path_check(root, inside, geteuid(), 0, NULL, NULL, real,
			       len);

	return r < 0 ? r : 0;
}

int cfg_report_unsafe(struct cfg *cfg, const struct cfg_sources *src,
		      const char *path, int flags, char *real, size_t len)
{
	struct unsafe_report *u = malloc(sizeof(*u));
	const char *inside, *root = split_root(src, path, &inside);
	int r;

	if (!u)
		return -ENOMEM;
	u->cfg = cfg;
	lexical(u->given, sizeof(u->given), path);
	r = cfg_path_check(root, inside, geteuid(), flags, report_unsafe, u,
			   real, len);
	free(u);
	return r;
}

/* A file of the configuration root, checked and read: NULL with *err
 * when it cannot be read (ENOENT when missing). */
static char *load_file(struct cfg *cfg, const struct cfg_sources *src,
		       const char *path, int *err)
{
	char real[PATH_MAX];
	int r = cfg_report_unsafe(cfg, src, path, CFG_PATH_HOLDER, real,
				  sizeof(real));

	if (r < 0) {
		*err = -r;
		return NULL;
	}
	return cfg_read_file(real, err);
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

static int not_hidden(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

static int is_ini(const char *name)
{
	size_t len = strlen(name);

	return len >= 5 && strcmp(name + len - 4, ".ini") == 0;
}

/* One services.d/NAME.ini: the file it leads to, to tell two names of
 * one file (a symlink to another entry) from two services. */
struct entry {
	char *path;
	dev_t dev;
	ino_t ino;
	int known;		/* dev and ino are set */
	int link;		/* the entry itself is a symlink */
	int same_as;		/* -1, or the entry that this one is another name of */
};

static int same_file(const struct entry *a, const struct entry *b)
{
	return a->known && b->known && a->dev == b->dev && a->ino == b->ino;
}

/* Of the names of one file, the file's own name wins (the first one
 * that is not a symlink), else the first in order. */
static void find_same(struct entry *e, int n)
{
	for (int i = 0; i < n; i++) {
		int best = -1;

		for (int j = 0; j < n; j++)
			if (same_file(&e[i], &e[j]) &&
			    (best < 0 || (e[best].link && !e[j].link)))
				best = j;
		e[i].same_as = best >= 0 && best != i ? best : -1;
	}
}

static void stem_of(const char *path, char *out, size_t len)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	snprintf(out, len, "%.*s", (int)(strlen(base) - 4), base);
}

/* The NAME.ini entries (others are reported), each with what it leads to. */
static struct entry *list_services(struct cfg *cfg, const struct cfg_sources *src,
				   const char *sdir, int *count)
{
	struct dirent **names = NULL;
	struct entry *e;
	char rdir[PATH_MAX];
	int n, k = 0;

	/* in an image's tree, services.d may be a symlink inside it */
	n = scandir(cfg_resolve(src, sdir, rdir, sizeof(rdir)) == 0 ? rdir : sdir,
		    &names, not_hidden, alphasort);

	*count = 0;
	if (n < 0) {
		if (errno != ENOENT)
			cfg_error(cfg, sdir, 0, "unable to read: %s", strerror(errno));
		return NULL;
	}
	e = calloc((size_t)n + 1, sizeof(*e));
	for (int i = 0; i < n; i++) {
		char *path, real[PATH_MAX];
		struct stat st;

		if (e && asprintf(&path, "%s/%s", sdir, names[i]->d_name) >= 0) {
			if (!is_ini(names[i]->d_name)) {
				cfg_warn(cfg, path, 0,
					 "ignored: not a service (services.d holds NAME.ini files)");
				free(path);
			} else {
				e[k].path = path;
				e[k].link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
				if (cfg_resolve(src, path, real, sizeof(real)) == 0 &&
				    stat(real, &st) == 0) {
					e[k].known = 1;
					e[k].dev = st.st_dev;
					e[k].ino = st.st_ino;
				}
				k++;
			}
		}
		free(names[i]);
	}
	free(names);
	if (!e)
		return NULL;
	find_same(e, k);
	*count = k;
	return e;
}

static int load_services(const char *dir, const struct cfg_sources *src,
			 struct cfg *cfg)
{
	char *sdir, *text, name[NAME_MAX + 1];
	struct entry *e;
	int err, n = 0, r;

	if (asprintf(&sdir, "%s/services.d", dir) < 0)
		return -ENOMEM;
	r = cfg_report_unsafe(cfg, src, sdir, 0, NULL, 0);
	e = r == -ENOENT ? NULL : list_services(cfg, src, sdir, &n);
	r = r == -ENOMEM ? r : 0;
	for (int i = 0; i < n && r >= 0; i++) {
		if (e[i].same_as >= 0) {
			stem_of(e[e[i].same_as].path, name, sizeof(name));
			cfg_warn(cfg, e[i].path, 0,
				 "the same file as %s: one service '%s', not two",
				 e[e[i].same_as].path, name);
			continue;
		}
		text = load_file(cfg, src, e[i].path, &err);
		if (!text)
			cfg_error(cfg, e[i].path, 0, "unable to read: %s",
				  strerror(err));
		else
			r = cfg_load_service_string(cfg, e[i].path, text, src);
		free(text);
	}
	for (int i = 0; i < n; i++)
		free(e[i].path);
	free(e);
	free(sdir);
	return r;
}

int cfg_load(const char *dir, const struct cfg_sources *src, struct cfg *cfg)
{
	char *path, *text;
	int err, r;

	cfg_defaults(cfg);
	cfg->dir = strdup(dir);
	if (!cfg->dir)
		return -ENOMEM;
	r = cfg_report_unsafe(cfg, src, dir, 0, NULL, 0);
	if (r == -ENOENT)
		return 0; /* no configuration root: the defaults */
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		cfg_error(cfg, dir, 0, "unable to read: %s", strerror(-r));
	if (asprintf(&path, "%s/init.ini", dir) < 0)
		return -ENOMEM;
	text = load_file(cfg, src, path, &err);
	r = 0;
	if (text)
		r = cfg_load_init_string(cfg, path, text);
	else if (err != ENOENT)
		cfg_error(cfg, path, 0, "unable to read: %s", strerror(err));
	free(text);
	free(path);
	if (r == 0)
		r = load_services(dir, src, cfg);
	if (r == 0 && cfg_more)
		r = cfg_more(cfg, src);
	if (r < 0)
		return r;
	cfg_validate(cfg);
	return cfg->nerrors ? -EINVAL : 0;
}
