// SPDX-License-Identifier: MIT
/*
 * Units as services of the configuration. What runs is what systemd
 * would start for multi-user.target and default.target: their .wants/
 * and .requires/ links and their Wants=/Requires=/BindsTo=, through
 * every target they pull in, and what the services pulled in want in
 * turn, except:
 *  - sysinit.target and basic.target are not descended into: the early
 *    boot they stand for is the container runtime's and pouch-init's
 *    (what an image enables there is reported, not run);
 *  - systemd's own services (systemd-*, or run from /lib/systemd/):
 *    pouch-init stands in for systemd;
 *  - units of other types (.socket, .timer, .path, .mount ...): not run,
 *    reported where they are wanted;
 *  - a unit whose name a services.d entry has (its own or an alias):
 *    the services.d entry wins.
 * Targets count as reached. A dependency on a unit that is not a
 * service here (missing, a socket, not pulled in) orders nothing and
 * blocks nothing; check says so where it is a Requires=. An ordering
 * cycle among units is broken by dropping one of its unit edges, as
 * systemd does, and said. /etc/init.d scripts with no unit of their
 * name, enabled by an S link in /etc/rc[2-5].d, come last.
 */
#include "units.h"
#include "units-internal.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct loaded {
	char *id;		/* the unit */
	char **names;		/* every name of it */
	long svc;		/* its service, -1: none */
	struct unit_deps deps;
};

struct lctx {
	struct cfg *cfg;
	const struct cfg_sources *src;
	const char *root;
	struct loaded *v;
	size_t n;
	char **seen;		/* unit names visited */
	char **queue;		/* "NAME\tFILE\tLINE" to visit */
	size_t qhead;
	int nomem;
};

static const char *type_note(const char *type)
{
	if (!strcmp(type, "socket"))
		return "socket units are not run (no socket activation): the service runs when a target wants it, and opens its own socket";
	if (!strcmp(type, "timer"))
		return "timer units are not run: pouch-init has no timers (a cron job can do what it does)";
	if (!strcmp(type, "path"))
		return "path units are not run: pouch-init watches no paths";
	if (!strcmp(type, "mount") || !strcmp(type, "automount") ||
	    !strcmp(type, "swap"))
		return "mount and swap units are not run: the container's mounts are the runtime's";
	return "device, slice and scope units are systemd's own: not run";
}

static int queue(struct lctx *l, const char *name, const char *file, int line)
{
	char *e;
	int r;

	if (asprintf(&e, "%s\t%s\t%d", name, file ? file : "", line) < 0)
		return -ENOMEM;
	r = units_strv_add(&l->queue, e, 0);
	free(e);
	return r;
}

/* .wants/ and .requires/ links of name, in every directory */
static int queue_links(struct lctx *l, const char *name)
{
	static const char *const kinds[] = { "wants", "requires" };
	char dir[PATH_MAX], host[PATH_MAX], path[PATH_MAX];
	int r = 0;

	for (int d = 0; units_dirs[d] && r == 0; d++)
		for (int k = 0; k < 2 && r == 0; k++) {
			struct dirent **e = NULL;
			int n;

			units_fmt(dir, sizeof(dir), "%s/%s.%s", units_dirs[d], name,
				 kinds[k]);
			if (units_host(l->root, dir, host, sizeof(host)) < 0)
				continue;
			n = scandir(host, &e, NULL, alphasort);
			for (int i = 0; i < n; i++) {
				units_fmt(path, sizeof(path), "%s/%s", dir, e[i]->d_name);
				if (r == 0 && unit_name_valid(e[i]->d_name))
					r = queue(l, e[i]->d_name, path, 0);
				free(e[i]);
			}
			free(e);
		}
	return r;
}

/* Wants=, Requires=, BindsTo= of u */
static int queue_deps(struct lctx *l, const struct unit *u)
{
	static const char *const keys[] = { "Wants", "Requires", "BindsTo" };
	int r = 0;

	for (size_t i = 0; i < u->nkv && r == 0; i++) {
		const struct unit_kv *kv = &u->kv[i];
		const char *why;
		char **w;

		if (strcmp(kv->section, "Unit"))
			continue;
		for (size_t k = 0; k < 3; k++) {
			if (strcmp(kv->key, keys[k]))
				continue;
			w = unit_split(kv->value, &why);
			for (size_t j = 0; w && w[j] && r == 0; j++) {
				char nm[300];

				unit_name_mangle(w[j], nm, sizeof(nm));
				r = queue(l, nm, u->files[kv->file], kv->line);
			}
			cfg_free_words(w);
		}
	}
	return r;
}

static int valid_service_name(const char *n)
{
	if (!*n || !strcmp(n, "cmd"))
		return 0;
	for (; *n; n++)
		if (!(*n >= 'a' && *n <= 'z') && !(*n >= 'A' && *n <= 'Z') &&
		    !(*n >= '0' && *n <= '9') && !strchr("_.@-", *n))
			return 0;
	return 1;
}

/* A services.d entry with one of u's names */
static struct cfg_service *overridden(struct lctx *l, const struct unit *u)
{
	char nm[300];

	for (char **n = u->names; n && *n; n++) {
		struct cfg_service *s;

		if (strcmp(unit_name_type(*n), "service"))
			continue;
		unit_service_name(*n, nm, sizeof(nm));
		s = cfg_find(l->cfg, nm);
		if (s && s->origin == ORIGIN_SERVICES_D)
			return s;
	}
	return NULL;
}

/* gcc 12's analyzer loses the entry in the realloc'd array (it is
 * counted before it is filled: lctx_free() frees it) */
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
static int add_loaded(struct lctx *l, const struct unit *u, long svc,
		      struct unit_deps *deps)
{
	struct loaded *v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	l->v = v;
	v += l->n++; /* counted at once: lctx_free() frees what it holds */
	memset(v, 0, sizeof(*v));
	v->svc = svc;
	if (deps)
		v->deps = *deps;
	v->id = strdup(u->id);
	for (char **n = u->names; n && *n; n++)
		if (units_strv_add(&v->names, *n, 1) < 0)
			return -ENOMEM;
	return v->id ? 0 : -ENOMEM;
}
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/* u is a service unit: make it one of the configuration */
static int take_service(struct lctx *l, const struct unit *u, const char *from,
			int line, int enabled)
{
	struct unit_deps deps = { 0 };
	struct cfg_service *s;
	char nm[300];
	size_t idx;
	int r;

	if (u->load == UNIT_MASKED) {
		cfg_note(l->cfg, u->link ? u->link : u->path ? u->path : u->id, 0,
			 "unit %s is masked: not run", u->id);
		return 0;
	}
	if (u->load != UNIT_LOADED) {
		cfg_warn(l->cfg, from && *from ? from : u->id, line,
			 "unit %s is not run: %s", u->id, u->why ? u->why : "not loaded");
		return 0;
	}
	if (strstr(u->id, "@.")) {
		cfg_note(l->cfg, from, line,
			 "%s is a template: not run (an instance, NAME@INSTANCE.service, is)",
			 u->id);
		return 0;
	}
	if (units_is_systemd_own(u)) {
		cfg_note(l->cfg, u->path, 0,
			 "unit %s is systemd's own: not run (pouch-init stands in for systemd)",
			 u->id);
		return add_loaded(l, u, -1, NULL);
	}
	if ((s = overridden(l, u))) {
		cfg_note(l->cfg, u->path, 0,
			 "unit %s is not run: %s (service %s) stands in for it",
			 u->id, s->file, s->name);
		return add_loaded(l, u, s - l->cfg->svcs, NULL);
	}
	unit_service_name(u->id, nm, sizeof(nm));
	if (!valid_service_name(nm)) {
		cfg_warn(l->cfg, u->path, 0,
			 "unit %s is not run: '%s' cannot be a service's name (letters, digits, _ . @ -; not cmd)",
			 u->id, nm);
		return 0;
	}
	r = unit_to_service(l->cfg, l->src, u, nm, &idx, &deps);
	if (r < 0) {
		unit_deps_free(&deps);
		return r;
	}
	if (r > 0) {
		unit_deps_free(&deps);
		return 0; /* refused, said */
	}
	l->cfg->svcs[idx].enabled = enabled;
	return add_loaded(l, u, (long)idx, &deps);
}

static int early_target(const char *id)
{
	return !strcmp(id, "sysinit.target") || !strcmp(id, "basic.target");
}

static int visit(struct lctx *l, const char *name, const char *from, int line)
{
	const char *type = unit_name_type(name);
	struct unit u;
	int r;

	if (units_strv_has(l->seen, name))
		return 0;
	if ((r = units_strv_add(&l->seen, name, 0)) < 0)
		return r;
	if (strcmp(type, "service") && strcmp(type, "target")) {
		if (line == 0) /* a .wants link; a dependency line is reported with its service */
			cfg_note(l->cfg, from, line, "%s: %s", name, type_note(type));
		return 0;
	}
	if ((r = unit_read(l->root, name, &u)) < 0)
		return r;
	for (char **n = u.names; n && *n && r == 0; n++)
		r = units_strv_add(&l->seen, *n, 1);
	if (r == 0 && !strcmp(type, "target")) {
		/* an image without systemd has no target files, but has
		 * the .wants links its packages made */
		if (u.load == UNIT_NOT_FOUND && !early_target(name))
			r = queue_links(l, name);
		if (u.load == UNIT_LOADED && !early_target(u.id)) {
			for (char **n = u.names; n && *n && r == 0; n++)
				r = queue_links(l, *n);
			if (r == 0)
				r = queue_deps(l, &u);
		}
	} else if (r == 0 && u.load == UNIT_NOT_FOUND) {
		if (from && *from && line == 0)
			cfg_note(l->cfg, from, line, "%s: no such unit (a link that leads nowhere): nothing to start", name);
	} else if (r == 0) {
		size_t before = l->n;

		r = take_service(l, &u, from, line, 1);
		if (r == 0 && l->n > before && l->v[l->n - 1].svc >= 0 &&
		    l->cfg->svcs[l->v[l->n - 1].svc].origin == ORIGIN_UNIT)
			r = queue_deps(l, &u);
	}
	unit_free(&u);
	return r;
}

static int closure(struct lctx *l)
{
	static const char *const start[] = { "default.target", "multi-user.target" };
	int r = 0;

	for (size_t i = 0; i < 2 && r == 0; i++)
		r = queue(l, start[i], NULL, 0);
	while (r == 0 && l->queue && l->queue[l->qhead]) {
		char *e = strdup(l->queue[l->qhead++]), *f, *ln;

		if (!e)
			return -ENOMEM;
		f = strchr(e, '\t');
		ln = f ? strchr(f + 1, '\t') : NULL;
		if (f && ln) { /* queue() wrote NAME\tFILE\tLINE */
			*f++ = '\0';
			*ln++ = '\0';
			r = visit(l, e, *f ? f : NULL, atoi(ln));
		}
		free(e);
	}
	return r;
}

/* ---- dependencies ---- */

/* The service a unit name is here: -1 none. */
static long service_of(struct lctx *l, const char *name)
{
	char nm[300];
	struct cfg_service *s;

	for (size_t i = 0; i < l->n; i++)
		if (units_strv_has(l->v[i].names, name))
			return l->v[i].svc;
	if (strcmp(unit_name_type(name), "service"))
		return -1;
	unit_service_name(name, nm, sizeof(nm));
	s = cfg_find(l->cfg, nm);
	return s ? s - l->cfg->svcs : -1;
}

static int has_dep(const struct unit_deps *d, enum dep_kind k, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].kind == k && !strcmp(d->v[i].name, name))
			return 1;
	return 0;
}

static int add_name(char ***list, const struct cfg_service *to)
{
	return units_strv_add(list, to->name, 1);
}

static void missing_note(struct lctx *l, const struct unit_dep *d,
			 const struct cfg_service *s)
{
	const char *type = unit_name_type(d->name);

	if (!strcmp(type, "target"))
		return; /* targets count as reached */
	if (!strcmp(type, "service") && d->kind != DEP_REQUIRES &&
	    d->kind != DEP_REQUISITE && d->kind != DEP_BINDS_TO)
		return; /* ordering against nothing, as in systemd */
	if (strcmp(type, "service") && d->kind != DEP_REQUIRES &&
	    d->kind != DEP_REQUISITE && d->kind != DEP_BINDS_TO &&
	    d->kind != DEP_WANTS)
		return;
	if (strcmp(type, "service"))
		cfg_note(l->cfg, d->file, d->line,
			 "%s=%s: %s; service %s starts without it",
			 dep_key[d->kind], d->name, type_note(type), s->name);
	else
		cfg_note(l->cfg, d->file, d->line,
			 "%s=%s: not a service here (no such unit, or not run); service %s is not blocked by it",
			 dep_key[d->kind], d->name, s->name);
}

static int one_dep(struct lctx *l, long self, const struct unit_dep *d,
		   const struct unit_deps *all)
{
	struct cfg_service *s = &l->cfg->svcs[self], *o;
	long other = service_of(l, d->name);

	if (other < 0) {
		missing_note(l, d, s);
		return 0;
	}
	if (other == self)
		return 0;
	o = &l->cfg->svcs[other];
	switch (d->kind) {
	case DEP_AFTER:
		return add_name(&s->after, o);
	case DEP_BEFORE:
		return add_name(&o->after, s);
	case DEP_REQUIRES:
	case DEP_REQUISITE:
	case DEP_BINDS_TO:
		if (d->kind == DEP_BINDS_TO && add_name(&s->binds_to, o) < 0)
			return -ENOMEM;
		if (has_dep(all, DEP_AFTER, d->name))
			return add_name(&s->requires, o);
		if (d->kind != DEP_REQUISITE && add_name(&s->wants, o) < 0)
			return -ENOMEM;
		cfg_note(l->cfg, d->file, d->line,
			 "%s=%s without After=: started beside it, not after it; a failure of %s does not stop %s",
			 dep_key[d->kind], d->name, o->name, s->name);
		return 0;
	case DEP_WANTS:
		return add_name(&s->wants, o);
	case DEP_PART_OF:
		return add_name(&s->part_of, o);
	case DEP_CONFLICTS:
		return add_name(&s->conflicts, o);
	case DEP_RELOAD_FROM:
		return add_name(&s->reload_from, o);
	case DEP_RELOAD_TO:
		return add_name(&o->reload_from, s);
	default:
		return 0;
	}
}

static int resolve_deps(struct lctx *l, size_t from)
{
	int r = 0;

	for (size_t i = from; i < l->n && r == 0; i++) {
		struct loaded *x = &l->v[i];

		if (x->svc < 0 || l->cfg->svcs[x->svc].origin == ORIGIN_SERVICES_D)
			continue;
		for (size_t k = 0; k < x->deps.n && r == 0; k++)
			r = one_dep(l, x->svc, &x->deps.v[k], &x->deps);
	}
	return r;
}

/* ---- ordering cycles ---- */

static int remove_name(char **list, const char *name)
{
	size_t o = 0, i;
	int removed = 0;

	for (i = 0; list && list[i]; i++) {
		if (!strcmp(list[i], name)) {
			free(list[i]);
			removed = 1;
		} else {
			list[o++] = list[i];
		}
	}
	if (list)
		list[o] = NULL;
	return removed;
}

/* Depth-first: the first edge (from, to) that closes a cycle whose
 * "from" is a unit; 1 found. */
static int find_unit_cycle(struct cfg *cfg, size_t i, char *color, size_t *from,
			   size_t *to)
{
	struct cfg_service *s = &cfg->svcs[i];
	char **lists[2] = { s->after, s->requires };

	color[i] = 1;
	for (int k = 0; k < 2; k++)
		for (size_t j = 0; lists[k] && lists[k][j]; j++) {
			struct cfg_service *d = cfg_find(cfg, lists[k][j]);
			size_t di;

			if (!d || d == s)
				continue;
			di = (size_t)(d - cfg->svcs);
			if (color[di] == 1 && s->origin != ORIGIN_SERVICES_D) {
				*from = i;
				*to = di;
				return 1;
			}
			if (color[di] == 0 && find_unit_cycle(cfg, di, color, from, to))
				return 1;
		}
	color[i] = 2;
	return 0;
}

static int break_cycles(struct cfg *cfg)
{
	for (int round = 0; round < 1000; round++) {
		char *color = calloc(cfg->nsvcs + 1, 1);
		size_t from = 0, to = 0;
		int found = 0;

		if (!color)
			return -ENOMEM;
		for (size_t i = 0; i < cfg->nsvcs && !found; i++)
			if (!color[i])
				found = find_unit_cycle(cfg, i, color, &from, &to);
		free(color);
		if (!found)
			return 0;
		remove_name(cfg->svcs[from].after, cfg->svcs[to].name);
		remove_name(cfg->svcs[from].requires, cfg->svcs[to].name);
		cfg_warn(cfg, cfg->svcs[from].file, 0,
			 "ordering cycle: service %s no longer waits for %s, to break it (as systemd breaks one)",
			 cfg->svcs[from].name, cfg->svcs[to].name);
	}
	return 0;
}

/* ---- init.d ---- */

static int unit_exists(const char *root, const char *name)
{
	char nm[300], path[PATH_MAX];
	struct stat st;

	units_fmt(nm, sizeof(nm), "%s.service", name);
	for (int d = 0; units_dirs[d]; d++) {
		units_fmt(path, sizeof(path), "%s/%s", units_dirs[d], nm);
		if (units_lstat(root, path, &st) == 0)
			return 1;
	}
	return 0;
}

static int sysv_scripts(struct lctx *l)
{
	char **names = sysv_list(l->root);
	int r = names ? 0 : -ENOMEM;

	for (char **n = names; n && *n && r == 0; n++) {
		struct sysv_script sc;
		struct cfg_service *s;
		char path[PATH_MAX];

		units_fmt(path, sizeof(path), "/etc/init.d/%s", *n);
		if (unit_exists(l->root, *n) || service_of(l, *n) >= 0)
			continue; /* a unit of that name wins, as in systemd */
		if (sysv_read(l->root, *n, &sc) < 0)
			continue;
		if ((s = cfg_find(l->cfg, *n)) && s->origin == ORIGIN_SERVICES_D) {
			if (sc.enabled)
				cfg_note(l->cfg, path, 0,
					 "not run: %s (service %s) stands in for it",
					 s->file, s->name);
		} else if (sc.enabled && !valid_service_name(*n)) {
			cfg_warn(l->cfg, path, 0, "not run: '%s' cannot be a service's name", *n);
		} else if (sc.enabled) {
			char why[PATH_MAX + 64];

			if (units_safe(l->root, path, why, sizeof(why)) < 0)
				cfg_warn(l->cfg, path, 0, "not run: refused: %s", why);
			else
				r = sysv_service(l->cfg, &sc);
		}
		sysv_free(&sc);
	}
	cfg_free_words(names);
	return r;
}

/* The after names of sysv services are unit names: made services'. */
static int sysv_deps(struct lctx *l)
{
	for (size_t i = 0; i < l->cfg->nsvcs; i++) {
		struct cfg_service *s = &l->cfg->svcs[i];
		char **want = s->after, **now = NULL;

		if (s->origin != ORIGIN_SYSV)
			continue;
		for (char **a = want; a && *a; a++) {
			long o = service_of(l, *a);

			if (o >= 0 && (size_t)o != i &&
			    units_strv_add(&now, l->cfg->svcs[o].name, 1) < 0)
				return -ENOMEM;
		}
		cfg_free_words(want);
		s->after = now;
	}
	return 0;
}

/* ---- what is enabled but not run ---- */

static void enabled_not_run(struct lctx *l)
{
	char host[PATH_MAX], sub[PATH_MAX];
	struct dirent **e = NULL;
	int n;

	if (units_host(l->root, UNITS_ETC, host, sizeof(host)) < 0)
		return;
	n = scandir(host, &e, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *nm = e[i]->d_name, *dot = strrchr(nm, '.');
		char target[300];
		struct dirent **w = NULL;
		int k;

		if (!dot || (strcmp(dot, ".wants") && strcmp(dot, ".requires"))) {
			free(e[i]);
			continue;
		}
		units_fmt(target, sizeof(target), "%.*s", (int)(dot - nm), nm);
		units_fmt(sub, sizeof(sub), "%s/%s", host, nm);
		k = scandir(sub, &w, NULL, alphasort);
		for (int j = 0; j < k; j++) {
			char path[PATH_MAX];
			const char *type = unit_name_type(w[j]->d_name);

			units_fmt(path, sizeof(path), "%s/%s/%s", UNITS_ETC, nm,
				 w[j]->d_name);
			if (w[j]->d_name[0] != '.' && !units_strv_has(l->seen, w[j]->d_name) &&
			    unit_name_valid(w[j]->d_name))
				cfg_note(l->cfg, path, 0, "%s: not run (%s)", w[j]->d_name,
					 strcmp(type, "service") && strcmp(type, "target")
						 ? type_note(type)
						 : early_target(target)
						 ? "wanted by the early boot, which is the container runtime's and pouch-init's"
						 : "wanted by a target that multi-user.target does not pull in");
			free(w[j]);
		}
		free(w);
		free(e[i]);
	}
	free(e);
}

static void generators(struct lctx *l)
{
	static const char *const dirs[] = {
		"/etc/systemd/system-generators",
		"/usr/local/lib/systemd/system-generators",
		"/lib/systemd/system-generators",
		"/usr/lib/systemd/system-generators",
	};
	char host[PATH_MAX], path[PATH_MAX], **seen = NULL;

	for (size_t d = 0; d < sizeof(dirs) / sizeof(*dirs); d++) {
		struct dirent **e = NULL;
		int n;

		if (units_host(l->root, dirs[d], host, sizeof(host)) < 0)
			continue;
		n = scandir(host, &e, NULL, alphasort);
		for (int i = 0; i < n; i++) {
			const char *nm = e[i]->d_name;

			units_fmt(path, sizeof(path), "%s/%s", dirs[d], nm);
			if (nm[0] != '.' && strncmp(nm, "systemd-", 8) &&
			    !units_strv_has(seen, nm) && units_strv_add(&seen, nm, 0) == 0)
				cfg_note(l->cfg, path, 0,
					 "generator not run: the units it would make or enable are not loaded (enable them with systemctl enable)");
			free(e[i]);
		}
		free(e);
	}
	cfg_free_words(seen);
}

static void lctx_free(struct lctx *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].id);
		cfg_free_words(l->v[i].names);
		unit_deps_free(&l->v[i].deps);
	}
	free(l->v);
	cfg_free_words(l->seen);
	cfg_free_words(l->queue);
}

int units_load(struct cfg *cfg, const struct cfg_sources *src)
{
	struct lctx l = { .cfg = cfg, .src = src, .root = src ? src->root : NULL };
	int r;

	units_cache_drop();
	r = closure(&l);
	if (r == 0)
		r = sysv_scripts(&l);
	if (r == 0)
		r = resolve_deps(&l, 0);
	if (r == 0)
		r = sysv_deps(&l);
	if (r == 0)
		r = break_cycles(cfg);
	if (r == 0) {
		enabled_not_run(&l);
		generators(&l);
	}
	lctx_free(&l);
	return r;
}

int units_load_hook(struct cfg *cfg, const struct cfg_sources *src)
{
	if (!cfg->init.units)
		return 0;
	return units_load(cfg, src);
}

/* the loaded services of cfg, as lctx entries (for one more); each is
 * counted before it is filled, so lctx_free() frees it (gcc 12's
 * analyzer loses the entry in the realloc'd array) */
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
static int known_units(struct lctx *l)
{
	for (size_t i = 0; i < l->cfg->nsvcs; i++) {
		struct cfg_service *s = &l->cfg->svcs[i];
		struct loaded *v;

		if (!s->unit || s->origin != ORIGIN_UNIT)
			continue;
		v = realloc(l->v, (l->n + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		v += l->n++;
		memset(v, 0, sizeof(*v));
		v->svc = (long)i;
		v->id = strdup(s->unit);
		if (!v->id || units_strv_add(&v->names, s->unit, 1) < 0)
			return -ENOMEM;
		for (char **a = s->aliases; a && *a; a++) {
			char nm[300];

			units_fmt(nm, sizeof(nm), "%s.service", *a);
			if (units_strv_add(&v->names, nm, 1) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif

int units_load_one(struct cfg *cfg, const struct cfg_sources *src,
		   const char *name)
{
	struct lctx l = { .cfg = cfg, .src = src, .root = src ? src->root : NULL };
	char nm[300];
	struct unit u;
	size_t before;
	int r;

	unit_name_mangle(name, nm, sizeof(nm));
	if (strcmp(unit_name_type(nm), "service"))
		return -ENOENT;
	r = unit_read(l.root, nm, &u);
	if (r < 0)
		return r;
	if (u.load != UNIT_LOADED || overridden(&l, &u) ||
	    units_is_systemd_own(&u) || strstr(u.id, "@.")) {
		unit_free(&u);
		return -ENOENT;
	}
	unit_service_name(u.id, nm, sizeof(nm));
	if (cfg_find(cfg, nm)) { /* there already (asked by an alias) */
		unit_free(&u);
		return 0;
	}
	r = known_units(&l);
	before = l.n;
	if (r == 0)
		r = take_service(&l, &u, NULL, 0, 0);
	if (r == 0 && l.n == before)
		r = -ENOENT; /* refused, said */
	if (r == 0)
		r = resolve_deps(&l, before);
	if (r == 0)
		r = break_cycles(cfg);
	unit_free(&u);
	lctx_free(&l);
	return r;
}
