// SPDX-License-Identifier: MIT
/*
 * Finding a unit as systemd does: the first directory of the search
 * path that has the name wins; a symlink to /dev/null (or an empty
 * file) masks it; a symlink to another name makes this name an alias
 * of that unit, which is then looked up by its own name; an instance
 * foo@bar.service with no file of its own comes from foo@.service.
 * Drop-ins (NAME.service.d/ *.conf) are collected for every name of the
 * unit, its template, its dashed prefixes (foo-.service.d) and the type
 * (service.d), a file name in a more important directory hiding the
 * same name in the others, and applied in file-name order.
 */
#include "units.h"
#include "units-internal.h"
#include "config/nametab.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const units_dirs[] = {
	"/run/systemd/generator.early",
	UNITS_ETC,
	UNITS_RUN,
	"/run/systemd/generator",
	"/usr/local/lib/systemd/system",
	"/lib/systemd/system",
	"/usr/lib/systemd/system",
	"/run/systemd/generator.late",
	NULL,
};

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static int under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && path[n] == '/';
}

static int is_vendor(const char *path)
{
	return under(path, "/lib") || under(path, "/usr/lib") ||
	       under(path, "/usr/local/lib");
}

/* ---- the aliases of the search path: symlinks at its top level ---- */

struct alias {
	char *link;		/* its name */
	char *target;		/* the unit name it leads to */
	char *path;		/* where the link is */
};

static struct {
	char *root;
	struct alias *v;
	size_t n;
	int built;
} cache;

void units_cache_drop(void)
{
	for (size_t i = 0; i < cache.n; i++) {
		free(cache.v[i].link);
		free(cache.v[i].target);
		free(cache.v[i].path);
	}
	free(cache.v);
	free(cache.root);
	memset(&cache, 0, sizeof(cache));
}

static int not_hidden(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* The entries are stored in the cache's realloc'd array, which gcc 12's
 * analyzer loses (units_cache_drop() frees them). */
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
static void scan_dir(const char *root, const char *dir)
{
	char host[PATH_MAX], path[PATH_MAX], target[PATH_MAX];
	struct dirent **names = NULL;
	int n;

	if (units_host(root, dir, host, sizeof(host)) < 0)
		return;
	n = scandir(host, &names, not_hidden, alphasort);
	for (int i = 0; i < n; i++) {
		struct stat st;
		struct alias *v, a = { 0 };

		units_fmt(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (unit_name_valid(names[i]->d_name) &&
		    units_lstat(root, path, &st) == 0 && S_ISLNK(st.st_mode) &&
		    units_readlink(root, path, target, sizeof(target)) == 0 &&
		    strcmp(target, "/dev/null") &&
		    strcmp(base(target), names[i]->d_name) &&
		    unit_name_valid(base(target))) {
			a.link = strdup(names[i]->d_name);
			a.target = strdup(base(target));
			a.path = strdup(path);
			v = a.link && a.target && a.path
				    ? realloc(cache.v, (cache.n + 1) * sizeof(*v))
				    : NULL;
			if (v) {
				cache.v = v;
				v[cache.n++] = a;
			} else {
				free(a.link);
				free(a.target);
				free(a.path);
			}
		}
		free(names[i]);
	}
	free(names);
}
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif

static void build_aliases(const char *root)
{
	const char *r = root ? root : "";

	if (cache.built && cache.root && !strcmp(cache.root, r))
		return;
	units_cache_drop();
	cache.root = strdup(r);
	cache.built = 1;
	for (int d = 0; units_dirs[d]; d++)
		scan_dir(root, units_dirs[d]);
}

/* ---- finding the fragment ---- */

struct found {
	char path[PATH_MAX];	/* the file (image path) */
	char link[PATH_MAX];	/* the first entry, when a symlink */
	char id[256];
	int masked, runtime, missing;
};

static int is_null(const char *root, const char *target)
{
	char real[PATH_MAX];

	return !strcmp(target, "/dev/null") ||
	       (units_chase(root, target, real, sizeof(real)) == 0 &&
		!strcmp(real, "/dev/null"));
}

/* name in the search path; 0 found, -ENOENT not there. */
static int find_name(const char *root, const char *name, struct found *f,
		     int depth)
{
	char path[PATH_MAX], target[PATH_MAX], real[PATH_MAX];
	struct stat st;

	for (int d = 0; units_dirs[d]; d++) {
		units_fmt(path, sizeof(path), "%s/%s", units_dirs[d], name);
		if (units_lstat(root, path, &st) < 0)
			continue;
		f->runtime = under(path, "/run");
		if (S_ISLNK(st.st_mode)) {
			if (units_readlink(root, path, target, sizeof(target)) < 0)
				continue;
			if (!f->link[0])
				units_fmt(f->link, sizeof(f->link), "%s", path);
			if (is_null(root, target)) {
				f->masked = 1;
				units_fmt(f->id, sizeof(f->id), "%s", name);
				return 0;
			}
			if (strcmp(base(target), name) && depth < 8 &&
			    unit_name_valid(base(target)))
				return find_name(root, base(target), f, depth + 1);
			if (units_chase(root, path, real, sizeof(real)) < 0) {
				f->missing = 1; /* a dangling link */
				units_fmt(f->id, sizeof(f->id), "%s", name);
				return 0;
			}
			units_fmt(f->path, sizeof(f->path), "%s", real);
		} else if (S_ISREG(st.st_mode)) {
			units_fmt(f->path, sizeof(f->path), "%s", path);
			if (st.st_size == 0)
				f->masked = 1; /* systemd: an empty file masks */
		} else {
			continue;
		}
		units_fmt(f->id, sizeof(f->id), "%s", name);
		return 0;
	}
	return -ENOENT;
}

/* ---- drop-ins ---- */

struct dropin {
	char *name, *path;
	int masked;
};

static int add_dropin(struct dropin **v, size_t *n, const char *name,
		      const char *path, int masked)
{
	struct dropin *nv;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i].name, name))
			return 0; /* hidden by a more important one */
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n].name = strdup(name);
	nv[*n].path = strdup(path);
	nv[*n].masked = masked;
	if (!nv[*n].name || !nv[*n].path)
		return -ENOMEM;
	(*n)++;
	return 0;
}

static int scan_dropins(const char *root, const char *dir, struct dropin **v,
			size_t *n)
{
	char host[PATH_MAX], path[PATH_MAX], target[PATH_MAX];
	struct dirent **names = NULL;
	int k, r = 0;

	if (units_host(root, dir, host, sizeof(host)) < 0)
		return 0;
	k = scandir(host, &names, not_hidden, alphasort);
	for (int i = 0; i < k; i++) {
		const char *nm = names[i]->d_name;
		size_t l = strlen(nm);
		struct stat st;

		units_fmt(path, sizeof(path), "%s/%s", dir, nm);
		if (r == 0 && l > 5 && !strcmp(nm + l - 5, ".conf") &&
		    units_lstat(root, path, &st) == 0)
			r = add_dropin(v, n, nm, path,
				       S_ISLNK(st.st_mode) &&
					       units_readlink(root, path, target, sizeof(target)) == 0 &&
					       is_null(root, target));
		free(names[i]);
	}
	free(names);
	return r;
}

static int cmp_dropin(const void *a, const void *b)
{
	return strcmp(((const struct dropin *)a)->name,
		      ((const struct dropin *)b)->name);
}

/* The directory names a unit's drop-ins may be in, most specific first. */
static int dropin_names(const struct unit *u, char ***out)
{
	char buf[300];
	const char *type = unit_name_type(u->id), *dash;
	int r = 0;

	for (char **nm = u->names; nm && *nm && r == 0; nm++) {
		units_fmt(buf, sizeof(buf), "%s.d", *nm);
		r = units_strv_add(out, buf, 1);
	}
	if (r == 0 && unit_name_template(u->id, buf, sizeof(buf) - 2) == 0) {
		strcat(buf, ".d");
		r = units_strv_add(out, buf, 1);
	}
	/* foo-bar-baz.service: foo-bar-.service.d, then foo-.service.d */
	for (dash = type - 1; r == 0 && dash > u->id; dash--) {
		if (*dash != '-' || strchr(u->id, '@') < dash)
			continue;
		units_fmt(buf, sizeof(buf), "%.*s.%s.d", (int)(dash - u->id + 1),
			 u->id, type);
		r = units_strv_add(out, buf, 1);
	}
	units_fmt(buf, sizeof(buf), "%s.d", type);
	return r ? r : units_strv_add(out, buf, 1);
}

static int collect_dropins(const char *root, struct unit *u,
			   struct dropin **v, size_t *n)
{
	char **dn = NULL, dir[PATH_MAX];
	int r = dropin_names(u, &dn);

	for (int d = 0; r == 0 && units_dirs[d]; d++)
		for (char **x = dn; r == 0 && x && *x; x++) {
			units_fmt(dir, sizeof(dir), "%s/%s", units_dirs[d], *x);
			r = scan_dropins(root, dir, v, n);
		}
	cfg_free_words(dn);
	if (*n > 1)
		qsort(*v, *n, sizeof(**v), cmp_dropin);
	return r;
}

/* ---- reading ---- */

static int add_file(struct unit *u, const char *path)
{
	char **f = realloc(u->files, (u->nfiles + 2) * sizeof(*f));

	if (!f)
		return -ENOMEM;
	u->files = f;
	f[u->nfiles] = strdup(path);
	if (!f[u->nfiles])
		return -ENOMEM;
	f[++u->nfiles] = NULL;
	return 0;
}

struct bad_ctx {
	struct unit *u;
};

static void syntax_bad(void *arg, const char *file, int line, const char *msg)
{
	struct bad_ctx *b = arg;
	char *s;

	/* kept as an assignment of its own, for the report */
	if (asprintf(&s, "%s:%d: %s", file, line, msg) < 0)
		return;
	(void)units_strv_add(&b->u->why_syntax, s, 0);
	free(s);
}

static int read_one(const char *root, struct unit *u, const char *path)
{
	char why[PATH_MAX + 128], *text;
	struct bad_ctx b = { u };
	int r;

	if (units_safe(root, path, why, sizeof(why)) < 0) {
		u->load = UNIT_BAD;
		free(u->why);
		if (asprintf(&u->why, "refused: %s (only root may be able to change a unit file)", why) < 0)
			u->why = NULL;
		return 0;
	}
	text = units_read(root, path);
	if (!text) {
		u->load = UNIT_BAD;
		free(u->why);
		if (asprintf(&u->why, "%s: unable to read", path) < 0)
			u->why = NULL;
		return 0;
	}
	r = add_file(u, path);
	if (r == 0)
		r = unit_parse_text(u, (int)u->nfiles - 1, text, syntax_bad, &b);
	free(text);
	return r;
}

static int set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = strdup(s);
	return *dst ? 0 : -ENOMEM;
}

/* Every name that leads to u->id (aliases, transitively). */
static int add_names(const char *root, struct unit *u)
{
	int r = units_strv_add(&u->names, u->id, 1), grew = 1;

	build_aliases(root);
	while (r == 0 && grew) {
		grew = 0;
		for (size_t i = 0; r == 0 && i < cache.n; i++) {
			if (!units_strv_has(u->names, cache.v[i].target) ||
			    units_strv_has(u->names, cache.v[i].link))
				continue;
			r = units_strv_add(&u->names, cache.v[i].link, 1);
			grew = 1;
		}
	}
	return r;
}

static int read_fragment(const char *root, struct unit *u, struct found *f)
{
	struct dropin *dv = NULL;
	size_t dn = 0;
	int r;

	if (f->masked) {
		u->load = UNIT_MASKED;
		u->runtime = f->runtime;
		return f->path[0] ? set_str(&u->path, f->path) : 0;
	}
	if (f->missing) {
		u->load = UNIT_NOT_FOUND;
		return set_str(&u->why, "a symlink that leads nowhere");
	}
	u->runtime = f->runtime;
	u->vendor = is_vendor(f->path);
	r = set_str(&u->path, f->path);
	if (r == 0)
		r = read_one(root, u, f->path);
	if (r == 0 && u->load == UNIT_LOADED)
		r = collect_dropins(root, u, &dv, &dn);
	for (size_t i = 0; i < dn; i++) {
		if (r == 0 && !dv[i].masked && u->load == UNIT_LOADED)
			r = read_one(root, u, dv[i].path);
		free(dv[i].name);
		free(dv[i].path);
	}
	free(dv);
	return r;
}

int unit_read(const char *root, const char *name, struct unit *u)
{
	struct found f;
	char tmpl[300];
	int r;

	memset(u, 0, sizeof(*u));
	memset(&f, 0, sizeof(f));
	r = set_str(&u->asked, name);
	if (r < 0)
		return r;
	if (!unit_name_valid(name)) {
		u->load = UNIT_BAD;
		r = set_str(&u->id, name);
		return r ? r : set_str(&u->why, "not a valid unit name");
	}
	if (find_name(root, name, &f, 0) < 0) {
		memset(&f, 0, sizeof(f));
		if (unit_name_template(name, tmpl, sizeof(tmpl)) < 0 ||
		    find_name(root, tmpl, &f, 0) < 0) {
			u->load = UNIT_NOT_FOUND;
			r = set_str(&u->id, name);
			return r ? r : set_str(&u->why, "no such unit file");
		}
		units_fmt(f.id, sizeof(f.id), "%s", name); /* an instance keeps its name */
	}
	if (f.link[0] && (r = set_str(&u->link, f.link)) < 0)
		return r;
	r = set_str(&u->id, f.id);
	if (r == 0)
		r = add_names(root, u);
	return r ? r : read_fragment(root, u, &f);
}

void unit_free(struct unit *u)
{
	free(u->id);
	free(u->asked);
	free(u->path);
	free(u->link);
	cfg_free_words(u->names);
	cfg_free_words(u->files);
	for (size_t i = 0; i < u->nkv; i++) {
		free(u->kv[i].section);
		free(u->kv[i].key);
		free(u->kv[i].value);
	}
	free(u->kv);
	free(u->why);
	cfg_free_words(u->why_syntax);
	memset(u, 0, sizeof(*u));
}

const struct unit_kv *unit_get(const struct unit *u, const char *section,
			       const char *key)
{
	for (size_t i = u->nkv; i-- > 0;)
		if (!strcmp(u->kv[i].section, section) &&
		    !strcmp(u->kv[i].key, key))
			return &u->kv[i];
	return NULL;
}

char **unit_get_words(const struct unit *u, const char *section,
		      const char *key)
{
	char **v = calloc(1, sizeof(*v));
	const char *why;

	for (size_t i = 0; v && i < u->nkv; i++) {
		char **w;

		if (strcmp(u->kv[i].section, section) || strcmp(u->kv[i].key, key))
			continue;
		if (!u->kv[i].value[0]) {
			cfg_free_words(v);
			v = calloc(1, sizeof(*v));
			continue;
		}
		w = unit_split(u->kv[i].value, &why);
		for (size_t k = 0; w && w[k]; k++)
			if (units_strv_add(&v, w[k], 1) < 0) {
				cfg_free_words(w);
				cfg_free_words(v);
				return NULL;
			}
		cfg_free_words(w);
	}
	return v;
}

/* ---- what list-unit-files lists ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **units_list_files(const char *root)
{
	char **v = calloc(1, sizeof(*v)), host[PATH_MAX];

	for (int d = 0; v && units_dirs[d]; d++) {
		struct dirent **names = NULL;
		int n;

		if (units_host(root, units_dirs[d], host, sizeof(host)) < 0)
			continue;
		n = scandir(host, &names, not_hidden, alphasort);
		for (int i = 0; i < n; i++) {
			if (v && unit_name_valid(names[i]->d_name) &&
			    units_strv_add(&v, names[i]->d_name, 1) < 0) {
				cfg_free_words(v);
				v = NULL;
			}
			free(names[i]);
		}
		free(names);
	}
	if (v)
		qsort(v, cfg_count_words(v), sizeof(*v), cmp_str);
	return v;
}

/* ---- is-enabled ---- */

NAMETAB_BEGIN
static const char state_names[][16] = {
	"enabled", "enabled-runtime", "linked", "alias", "masked",
	"masked-runtime", "static", "disabled", "indirect", "generated",
	"bad", "not-found",
};
NAMETAB_END

const char *unit_file_state_name(enum unit_file_state s)
{
	return state_names[s];
}

int unit_installable(const struct unit *u)
{
	NAMETAB_BEGIN
	static const char keys[][11] = { "WantedBy", "RequiredBy", "Alias",
					 "UpheldBy" };
	NAMETAB_END

	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		char **w = unit_get_words(u, "Install", keys[i]);
		int any = w && w[0];

		cfg_free_words(w);
		if (any)
			return 1;
	}
	return 0;
}

/* Is there a link named after u (or leading to its file) in a .wants,
 * .requires or .upholds directory of dir, or an alias link in dir? */
static int linked_in(const char *root, const char *dir, const struct unit *u)
{
	char host[PATH_MAX], sub[PATH_MAX], target[PATH_MAX], tmpl[300];
	struct dirent **names = NULL;
	int n, found = 0, is_tmpl = strstr(u->id, "@.") != NULL;

	if (unit_name_template(u->id, tmpl, sizeof(tmpl)) < 0)
		tmpl[0] = '\0';
	if (units_host(root, dir, host, sizeof(host)) < 0)
		return 0;
	n = scandir(host, &names, not_hidden, alphasort);
	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		size_t l = strlen(nm);
		int wants = (l > 6 && !strcmp(nm + l - 6, ".wants")) ||
			    (l > 9 && !strcmp(nm + l - 9, ".requires")) ||
			    (l > 8 && !strcmp(nm + l - 8, ".upholds"));

		if (!found && wants) {
			struct dirent **sn = NULL;
			int k;

			units_fmt(sub, sizeof(sub), "%s/%s", host, nm);
			k = scandir(sub, &sn, not_hidden, alphasort);
			for (int j = 0; j < k; j++) {
				char lp[PATH_MAX];
				const char *e = sn[j]->d_name;
				char et[300];

				units_fmt(lp, sizeof(lp), "%s/%s/%s", dir, nm, e);
				if (!found &&
				    (units_strv_has(u->names, e) ||
				     (is_tmpl && unit_name_template(e, et, sizeof(et)) == 0 &&
				      !strcmp(et, u->id)) ||
				     (u->path && units_readlink(root, lp, target, sizeof(target)) == 0 &&
				      !strcmp(target, u->path) && (!tmpl[0] || !strcmp(e, u->id)))))
					found = 1;
				free(sn[j]);
			}
			free(sn);
		}
		free(names[i]);
	}
	free(names);
	return found;
}

/* An Alias= of it linked in dir */
static int alias_in(const char *root, const char *dir, const struct unit *u)
{
	char **al = unit_get_words(u, "Install", "Alias"), path[PATH_MAX];
	struct stat st;
	int found = 0;

	for (char **a = al; a && *a && !found; a++) {
		units_fmt(path, sizeof(path), "%s/%s", dir, *a);
		found = units_lstat(root, path, &st) == 0 && S_ISLNK(st.st_mode);
	}
	cfg_free_words(al);
	return found;
}

enum unit_file_state unit_file_state(const char *root, const char *name)
{
	enum unit_file_state st;
	struct unit u;

	if (unit_read(root, name, &u) < 0)
		return UFS_BAD;
	if (u.load == UNIT_NOT_FOUND)
		st = UFS_NOT_FOUND;
	else if (u.load == UNIT_MASKED)
		st = u.runtime ? UFS_MASKED_RUNTIME : UFS_MASKED;
	else if (u.load == UNIT_BAD)
		st = UFS_BAD;
	else if (u.link && strcmp(u.asked, u.id))
		st = UFS_ALIAS;
	else if (u.path && under(u.path, "/run/systemd/generator"))
		st = UFS_GENERATED;
	else if (u.path && (under(u.path, "/run/systemd/generator.early") ||
			    under(u.path, "/run/systemd/generator.late")))
		st = UFS_GENERATED;
	else if (linked_in(root, UNITS_ETC, &u) || alias_in(root, UNITS_ETC, &u))
		st = UFS_ENABLED;
	else if (linked_in(root, UNITS_RUN, &u) || alias_in(root, UNITS_RUN, &u))
		st = UFS_ENABLED_RUNTIME;
	else if (unit_installable(&u))
		st = UFS_DISABLED;
	else {
		char **also = unit_get_words(&u, "Install", "Also");

		st = also && also[0] ? UFS_INDIRECT : UFS_STATIC;
		cfg_free_words(also);
	}
	unit_free(&u);
	return st;
}
