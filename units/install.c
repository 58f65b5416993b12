// SPDX-License-Identifier: MIT
/*
 * The file side of `systemctl enable, disable, mask, unmask, preset`,
 * as systemd does it: enable makes the [Install] section's links
 * (WantedBy= in TARGET.wants/, RequiredBy= in TARGET.requires/,
 * UpheldBy= in TARGET.upholds/, Alias= beside, Also= too) in
 * /etc/systemd/system (/run/systemd/system with --runtime), each
 * pointing to the unit's file; disable removes every such link that
 * leads to the unit; mask links NAME to /dev/null. Links are made
 * through directory descriptors (dirs.c), never through a symlink that
 * is not root's.
 */
#include "units.h"
#include "units-internal.h"
#include "config/nametab.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void unit_changes_free(struct unit_changes *c)
{
	cfg_free_words(c->created);
	cfg_free_words(c->removed);
	free(c->error);
	memset(c, 0, sizeof(*c));
}

static int set_error(struct unit_changes *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int set_error(struct unit_changes *c, int err, const char *fmt, ...)
{
	va_list ap;

	if (c->error)
		return err;
	va_start(ap, fmt);
	if (vasprintf(&c->error, fmt, ap) < 0)
		c->error = NULL;
	va_end(ap);
	return err;
}

static const char *config_dir(int flags)
{
	return flags & UNITS_INSTALL_RUNTIME ? UNITS_RUN : UNITS_ETC;
}

/* LINK -> target (image paths); 0 made or already so, -EEXIST other */
static int make_link(const char *root, const char *link, const char *target,
		     struct unit_changes *c)
{
	char dir[PATH_MAX], name[NAME_MAX + 1], have[PATH_MAX], *slash, *e;
	ssize_t n;
	int fd, r = 0;

	units_fmt(dir, sizeof(dir), "%s", link);
	slash = strrchr(dir, '/');
	units_fmt(name, sizeof(name), "%s", slash + 1);
	*slash = '\0';
	fd = units_open_dir(root, dir, 1, 0755, NULL);
	if (fd < 0)
		return set_error(c, fd, "Failed to create %s: %s", dir, strerror(-fd));
	n = readlinkat(fd, name, have, sizeof(have) - 1);
	if (n >= 0) {
		have[n] = '\0';
		if (strcmp(have, target))
			r = set_error(c, -EEXIST,
				      "Failed to enable unit: File %s already exists and is a symlink to %s.",
				      link, have);
	} else if (symlinkat(target, fd, name) < 0) {
		r = errno == EEXIST ? set_error(c, -EEXIST,
						"Failed to enable unit: File %s already exists.",
						link)
				    : set_error(c, -errno, "Failed to create %s: %s", link,
						strerror(errno));
	} else if (asprintf(&e, "%s\t%s", link, target) >= 0) {
		r = units_strv_add(&c->created, e, 0);
		free(e);
	} else {
		r = -ENOMEM;
	}
	close(fd);
	return r;
}

static int remove_link(const char *root, const char *link,
		       struct unit_changes *c)
{
	char dir[PATH_MAX], *slash;
	int fd, r = 0;

	units_fmt(dir, sizeof(dir), "%s", link);
	slash = strrchr(dir, '/');
	*slash = '\0';
	fd = units_open_dir(root, dir, 0, 0, NULL);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	if (unlinkat(fd, slash + 1, 0) < 0)
		r = errno == ENOENT ? 0 : set_error(c, -errno, "Failed to remove %s: %s",
						    link, strerror(errno));
	else
		r = units_strv_add(&c->removed, link, 0);
	close(fd);
	return r;
}

/* The instance enable makes of u (asked as name), or NULL (none) */
static int link_name(const struct unit *u, const char *name, char *buf,
		     size_t len)
{
	size_t il;
	const char *inst = unit_name_instance(name, &il);
	const struct unit_kv *di;

	if (!inst) {
		units_fmt(buf, len, "%s", u->id);
		return 0;
	}
	if (il) {
		units_fmt(buf, len, "%s", name);
		return 0;
	}
	di = unit_get(u, "Install", "DefaultInstance");
	if (!di || !di->value[0])
		return -ENOENT;
	units_fmt(buf, len, "%.*s%s%s", (int)(inst - name), name, di->value, inst);
	return 0;
}

static int enable_one(const char *root, const char *name, int flags,
		      struct unit_changes *c, int depth)
{
	NAMETAB_BEGIN
	static const char keys[][2][11] = {
		{ "WantedBy", "wants" }, { "RequiredBy", "requires" },
		{ "UpheldBy", "upholds" },
	};
	NAMETAB_END
	char lname[300], link[PATH_MAX];
	struct unit u;
	char **w;
	int r;

	if (depth > 8)
		return 0;
	if ((r = unit_read(root, name, &u)) < 0)
		return r;
	if (u.load == UNIT_NOT_FOUND || u.load == UNIT_BAD)
		r = set_error(c, -ENOENT, "Failed to enable unit: Unit file %s does not exist.", name);
	else if (u.load == UNIT_MASKED)
		r = set_error(c, -ERFKILL, "Failed to enable unit: Unit file %s is masked.", name);
	else if (link_name(&u, name, lname, sizeof(lname)) < 0)
		r = 0; /* a template with no instance and no DefaultInstance */
	for (size_t k = 0; r == 0 && u.load == UNIT_LOADED && k < 3; k++) {
		w = unit_get_words(&u, "Install", keys[k][0]);
		for (char **t = w; r == 0 && t && *t; t++) {
			char tn[300];

			unit_name_mangle(*t, tn, sizeof(tn));
			units_fmt(link, sizeof(link), "%s/%s.%s/%s", config_dir(flags),
				 tn, keys[k][1], lname);
			r = make_link(root, link, u.path, c);
		}
		cfg_free_words(w);
	}
	if (r == 0 && u.load == UNIT_LOADED) {
		w = unit_get_words(&u, "Install", "Alias");
		for (char **a = w; r == 0 && a && *a; a++) {
			units_fmt(link, sizeof(link), "%s/%s", config_dir(flags), *a);
			r = make_link(root, link, u.path, c);
		}
		cfg_free_words(w);
		w = unit_get_words(&u, "Install", "Also");
		for (char **a = w; r == 0 && a && *a; a++) {
			char an[300];

			unit_name_mangle(*a, an, sizeof(an));
			r = enable_one(root, an, flags, c, depth + 1);
		}
		cfg_free_words(w);
	}
	unit_free(&u);
	return r;
}

int units_enable(const char *root, const char *name, int flags,
		 struct unit_changes *c)
{
	return enable_one(root, name, flags, c, 0);
}

/* Does the link at path (named nm) lead to u? */
static int leads_to(const char *root, const char *path, const char *nm,
		    const struct unit *u)
{
	char target[PATH_MAX], tmpl[300];

	if (units_readlink(root, path, target, sizeof(target)) < 0 ||
	    !strcmp(target, "/dev/null"))
		return 0;
	if (units_strv_has(u->names, nm) || (u->path && !strcmp(target, u->path) &&
					      (!strchr(u->id, '@') || strstr(u->id, "@.") ||
					       !strcmp(nm, u->id))))
		return 1;
	/* disabling a template removes its instances */
	return strstr(u->id, "@.") && unit_name_template(nm, tmpl, sizeof(tmpl)) == 0 &&
	       !strcmp(tmpl, u->id);
}

static int disable_in(const char *root, const char *dir, const struct unit *u,
		      struct unit_changes *c)
{
	char host[PATH_MAX], path[PATH_MAX], sub[PATH_MAX];
	struct dirent **e = NULL;
	int n, r = 0;
	char **alias = unit_get_words(u, "Install", "Alias");

	if (units_host(root, dir, host, sizeof(host)) < 0) {
		cfg_free_words(alias);
		return 0;
	}
	n = scandir(host, &e, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *nm = e[i]->d_name, *dot = strrchr(nm, '.');
		struct stat st;

		units_fmt(path, sizeof(path), "%s/%s", dir, nm);
		if (r == 0 && dot && (!strcmp(dot, ".wants") || !strcmp(dot, ".requires") ||
				      !strcmp(dot, ".upholds"))) {
			struct dirent **s = NULL;
			int k;

			units_fmt(sub, sizeof(sub), "%s/%s", host, nm);
			k = scandir(sub, &s, NULL, alphasort);
			for (int j = 0; j < k; j++) {
				char lp[PATH_MAX];

				units_fmt(lp, sizeof(lp), "%s/%s", path, s[j]->d_name);
				if (r == 0 && units_lstat(root, lp, &st) == 0 &&
				    S_ISLNK(st.st_mode) && leads_to(root, lp, s[j]->d_name, u))
					r = remove_link(root, lp, c);
				free(s[j]);
			}
			free(s);
		} else if (r == 0 && units_strv_has(alias, nm) &&
			   units_lstat(root, path, &st) == 0 && S_ISLNK(st.st_mode) &&
			   leads_to(root, path, nm, u)) {
			r = remove_link(root, path, c);
		}
		free(e[i]);
	}
	free(e);
	cfg_free_words(alias);
	return r;
}

static int disable_one(const char *root, const char *name, int flags,
		       struct unit_changes *c, int depth)
{
	struct unit u;
	char **also;
	int r;

	if (depth > 8)
		return 0;
	if ((r = unit_read(root, name, &u)) < 0)
		return r;
	if (u.load == UNIT_NOT_FOUND) {
		unit_free(&u);
		return set_error(c, -ENOENT, "Failed to disable unit: Unit file %s does not exist.", name);
	}
	r = disable_in(root, config_dir(flags), &u, c);
	also = unit_get_words(&u, "Install", "Also");
	for (char **a = also; r == 0 && a && *a; a++) {
		char an[300];

		unit_name_mangle(*a, an, sizeof(an));
		r = disable_one(root, an, flags, c, depth + 1);
	}
	cfg_free_words(also);
	unit_free(&u);
	return r;
}

int units_disable(const char *root, const char *name, int flags,
		  struct unit_changes *c)
{
	return disable_one(root, name, flags, c, 0);
}

int units_mask(const char *root, const char *name, int flags,
	       struct unit_changes *c)
{
	char link[PATH_MAX];
	struct stat st;

	if (!unit_name_valid(name))
		return set_error(c, -EINVAL, "Failed to mask unit: Invalid unit name %s.", name);
	units_fmt(link, sizeof(link), "%s/%s", config_dir(flags), name);
	if (units_lstat(root, link, &st) == 0 && !S_ISLNK(st.st_mode))
		return set_error(c, -EEXIST, "Failed to mask unit: File %s already exists.", link);
	if (units_lstat(root, link, &st) == 0) {
		char target[PATH_MAX];

		if (units_readlink(root, link, target, sizeof(target)) == 0 &&
		    !strcmp(target, "/dev/null"))
			return 0;
		if (remove_link(root, link, c) < 0)
			return -EIO;
	}
	return make_link(root, link, "/dev/null", c);
}

int units_unmask(const char *root, const char *name, int flags,
		 struct unit_changes *c)
{
	char link[PATH_MAX], target[PATH_MAX];

	units_fmt(link, sizeof(link), "%s/%s", config_dir(flags), name);
	if (units_readlink(root, link, target, sizeof(target)) < 0 ||
	    strcmp(target, "/dev/null"))
		return 0;
	return remove_link(root, link, c);
}

/* ---- presets ---- */

NAMETAB_BEGIN
static const char preset_dirs[][37] = {
	"/etc/systemd/system-preset", "/run/systemd/system-preset",
	"/usr/local/lib/systemd/system-preset", "/usr/lib/systemd/system-preset",
	"/lib/systemd/system-preset",
};
NAMETAB_END

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 enable, 0 disable, by the first matching line (none: enable) */
int units_preset_says(const char *root, const char *name)
{
	char **names = NULL, host[PATH_MAX], path[PATH_MAX];
	int verdict = 1, found = 0;

	for (size_t d = 0; d < NAMETAB_LEN(preset_dirs); d++) {
		struct dirent **e = NULL;
		int n;

		if (units_host(root, preset_dirs[d], host, sizeof(host)) < 0)
			continue;
		n = scandir(host, &e, NULL, alphasort);
		for (int i = 0; i < n; i++) {
			size_t l = strlen(e[i]->d_name);

			if (l > 7 && !strcmp(e[i]->d_name + l - 7, ".preset"))
				(void)units_strv_add(&names, e[i]->d_name, 1);
			free(e[i]);
		}
		free(e);
	}
	if (names)
		qsort(names, cfg_count_words(names), sizeof(*names), cmp_str);
	for (char **nm = names; !found && nm && *nm; nm++)
		for (size_t d = 0; d < NAMETAB_LEN(preset_dirs); d++) {
			char *t, *save, *line;

			units_fmt(path, sizeof(path), "%s/%s", preset_dirs[d], *nm);
			if (!(t = units_read(root, path)))
				continue;
			for (line = strtok_r(t, "\n", &save); line && !found;
			     line = strtok_r(NULL, "\n", &save)) {
				char verb[16], pat[256];

				if (sscanf(line, " %15s %255s", verb, pat) != 2 ||
				    verb[0] == '#' || verb[0] == ';')
					continue;
				if (fnmatch(pat, name, 0))
					continue;
				found = 1;
				verdict = !strcmp(verb, "enable");
			}
			free(t);
			break;
		}
	cfg_free_words(names);
	return verdict;
}

int units_preset(const char *root, const char *name, int mode,
		 struct unit_changes *c)
{
	if (units_preset_says(root, name))
		return mode == 2 ? 0 : units_enable(root, name, 0, c);
	return mode == 1 ? 0 : units_disable(root, name, 0, c);
}
