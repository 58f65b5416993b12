// SPDX-License-Identifier: MIT
/*
 * /etc/init.d scripts with no unit, made into services as systemd's
 * sysv generator makes them: the LSB header gives the description, the
 * other names (Provides:) and the ordering (Required-Start:,
 * Should-Start:, with $local_fs, $network ... as targets); an S link in
 * /etc/rc[2-5].d enables it. The service is forking and stays active
 * after `script start` (RemainAfterExit=yes), stops with `script stop`,
 * reloads with `script reload` when its usage names reload, and follows
 * the daemon by its pid file when the script names one ("# pidfile:" or
 * a PIDFILE= line), else asks `script status`.
 */
#include "units.h"
#include "units-internal.h"
#include "config/nametab.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int skipped_name(const char *n)
{
	NAMETAB_BEGIN
	static const char skip[][10] = { "README", "skeleton", "rc", "rcS",
					 "rc.local", "functions" };
	NAMETAB_END
	size_t l = strlen(n);

	if (n[0] == '.' || (l && n[l - 1] == '~') || strstr(n, ".dpkg-") ||
	    strstr(n, ".ucf-") || strstr(n, ".rpmnew") || strstr(n, ".rpmsave") ||
	    strstr(n, ".orig") || strstr(n, ".bak"))
		return 1;
	for (size_t i = 0; i < sizeof(skip) / sizeof(*skip); i++)
		if (!strcmp(n, skip[i]))
			return 1;
	return 0;
}

/* "hwclock.sh" is hwclock (systemd strips .sh) */
static void service_name(const char *script, char *buf, size_t len)
{
	size_t l = strlen(script);

	if (l > 3 && !strcmp(script + l - 3, ".sh"))
		l -= 3;
	units_fmt(buf, len, "%.*s", (int)l, script);
}

char **sysv_list(const char *root)
{
	char host[PATH_MAX], path[PATH_MAX];
	char **v = calloc(1, sizeof(*v));
	struct dirent **e = NULL;
	int n;

	if (!v || units_host(root, "/etc/init.d", host, sizeof(host)) < 0)
		return v;
	n = scandir(host, &e, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		struct stat st;

		units_fmt(path, sizeof(path), "%s/%s", host, e[i]->d_name);
		if (v && !skipped_name(e[i]->d_name) && stat(path, &st) == 0 &&
		    S_ISREG(st.st_mode) && (st.st_mode & S_IXUSR) &&
		    units_strv_add(&v, e[i]->d_name, 1) < 0) {
			cfg_free_words(v);
			v = NULL;
		}
		free(e[i]);
	}
	free(e);
	return v;
}

static const char *facility(const char *f)
{
	NAMETAB_BEGIN
	static const char map[][2][27] = {
		{ "local_fs", "local-fs.target" },
		{ "network", "network.target" },
		{ "named", "nss-lookup.target" },
		{ "portmap", "rpcbind.target" },
		{ "remote_fs", "remote-fs.target" },
		{ "time", "time-sync.target" },
		{ "mail", "mail-transfer-agent.target" },
		{ "x-display-manager", "display-manager.service" },
	};
	NAMETAB_END

	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (!strcmp(f, map[i][0]))
			return map[i][1];
	return NULL; /* $syslog, $all, $null ...: nothing, as in systemd */
}

static int add_after(struct sysv_script *s, const char *w)
{
	char nm[300];

	if (w[0] == '$') {
		const char *t = facility(w + 1);

		return t ? units_strv_add(&s->after, t, 1) : 0;
	}
	service_name(w, nm, sizeof(nm) - 8);
	strcat(nm, ".service");
	return units_strv_add(&s->after, nm, 1);
}

static int header_key(struct sysv_script *s, const char *key, const char *val)
{
	char buf[1024], *save, *w;
	int r = 0;

	units_fmt(buf, sizeof(buf), "%s", val);
	if (!strcasecmp(key, "Provides")) {
		for (w = strtok_r(buf, " \t", &save); w && r == 0;
		     w = strtok_r(NULL, " \t", &save))
			if (strcmp(w, s->name) && w[0] != '$')
				r = units_strv_add(&s->provides, w, 1);
	} else if (!strcasecmp(key, "Required-Start") ||
		   !strcasecmp(key, "Should-Start")) {
		for (w = strtok_r(buf, " \t", &save); w && r == 0;
		     w = strtok_r(NULL, " \t", &save))
			r = add_after(s, w);
	} else if (!strcasecmp(key, "Default-Start") ||
		   !strcasecmp(key, "Default-Stop")) {
		char *lv = key[8] == 'S' && key[9] == 't' && key[10] == 'a'
				   ? s->start_levels : s->stop_levels;
		size_t o = 0;

		for (const char *p = val; *p && o + 1 < sizeof(s->start_levels); p++)
			if (*p >= '0' && *p <= '6')
				lv[o++] = *p;
		lv[o] = '\0';
	} else if (!strcasecmp(key, "Short-Description") ||
		   (!strcasecmp(key, "Description") && !s->description)) {
		free(s->description);
		s->description = strdup(val);
		r = s->description ? 0 : -ENOMEM;
	}
	return r;
}

/* ${NAME} and $NAME from the script's own literal assignments */
static void substitute(const char *text, const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (const char *p = in; *p && o + 1 < len;) {
		char var[64];
		size_t n = 0;
		int brace;

		if (*p != '$') {
			out[o++] = *p++;
			continue;
		}
		brace = p[1] == '{';
		for (const char *q = p + 1 + brace;
		     (isalnum((unsigned char)*q) || *q == '_') && n + 1 < sizeof(var); q++)
			var[n++] = *q;
		var[n] = '\0';
		if (!n || (brace && p[2 + n] != '}')) {
			out[o++] = *p++;
			continue;
		}
		p += 1 + brace + n + brace;
		for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
			const char *t = l;

			while (*t == ' ' || *t == '\t')
				t++;
			if (strncmp(t, var, n) || t[n] != '=')
				continue;
			t += n + 1;
			if (*t == '"' || *t == '\'')
				t++;
			while (*t && !strchr("\"' \t;\n$`", *t) && o + 1 < len)
				out[o++] = *t++;
			break;
		}
	}
	out[o] = '\0';
}

static int pidfile_line(struct sysv_script *s, const char *text, const char *l)
{
	static const char *const vars[] = { "PIDFILE=", "PID_FILE=" };
	char raw[PATH_MAX], path[PATH_MAX];
	size_t n;

	while (*l == ' ' || *l == '\t')
		l++;
	if (!strncmp(l, "# pidfile:", 10)) {
		l += 10;
	} else {
		size_t k;

		for (k = 0; k < 2; k++)
			if (!strncmp(l, vars[k], strlen(vars[k])))
				break;
		if (k == 2)
			return 0;
		l += strlen(vars[k]);
	}
	while (*l == ' ' || *l == '\t' || *l == '"' || *l == '\'')
		l++;
	n = strcspn(l, "\"' \t;\n");
	units_fmt(raw, sizeof(raw), "%.*s", (int)n, l);
	substitute(text, raw, path, sizeof(path));
	if (path[0] != '/' || strchr(path, '$') || s->pidfile)
		return 0;
	s->pidfile = strdup(path);
	return s->pidfile ? 0 : -ENOMEM;
}

/* Does a usage line name reload ("{start|stop|reload|...}")? */
static int usage_reload(const char *l)
{
	const char *r;

	if (!strcasestr(l, "usage"))
		return 0;
	for (r = strstr(l, "reload"); r; r = strstr(r + 1, "reload"))
		if ((r == l || strchr("{|", r[-1])) && strchr("|}", r[6] ? r[6] : '|'))
			return 1;
	return 0;
}

int sysv_parse(const char *name, const char *text, struct sysv_script *s)
{
	int in = 0, r = 0;
	char key[64] = "";

	memset(s, 0, sizeof(s[0]));
	units_fmt(s->start_levels, sizeof(s->start_levels), "2345");
	units_fmt(s->stop_levels, sizeof(s->stop_levels), "016");
	{
		char nm[300];

		service_name(name, nm, sizeof(nm));
		s->name = strdup(nm);
	}
	if (!s->name)
		return -ENOMEM;
	for (const char *l = text; *l && r == 0; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != 0)) {
		char line[1024];

		units_fmt(line, sizeof(line), "%.*s", (int)strcspn(l, "\n"), l);
		if (!strncmp(line, "### BEGIN INIT INFO", 19)) {
			in = 1;
			s->lsb = 1;
			continue;
		}
		if (!strncmp(line, "### END INIT INFO", 17)) {
			in = 0;
			continue;
		}
		if (in && line[0] == '#') {
			char *p = line + 1 + (line[1] == ' '), *colon = strchr(p, ':');

			if (isalpha((unsigned char)*p) && colon &&
			    !memchr(p, ' ', (size_t)(colon - p)) &&
			    !memchr(p, '\t', (size_t)(colon - p))) {
				*colon = '\0';
				units_fmt(key, sizeof(key), "%s", p);
				for (p = colon + 1; isspace((unsigned char)*p); p++)
					;
				r = header_key(s, key, p);
			}
			continue;
		}
		if (r == 0)
			r = pidfile_line(s, text, line);
		if (usage_reload(line))
			s->reload = 1;
	}
	return r;
}

void sysv_free(struct sysv_script *s)
{
	free(s->name);
	free(s->path);
	free(s->description);
	cfg_free_words(s->provides);
	cfg_free_words(s->after);
	free(s->pidfile);
	memset(s, 0, sizeof(*s));
}

static int rc_enabled(const char *root, const char *script)
{
	char dir[64], host[PATH_MAX];
	int found = 0;

	for (int lvl = 2; lvl <= 5 && !found; lvl++) {
		struct dirent **e = NULL;
		int n;

		units_fmt(dir, sizeof(dir), "/etc/rc%d.d", lvl);
		if (units_host(root, dir, host, sizeof(host)) < 0)
			continue;
		n = scandir(host, &e, NULL, alphasort);
		for (int i = 0; i < n; i++) {
			const char *nm = e[i]->d_name;

			if (nm[0] == 'S' && isdigit((unsigned char)nm[1]) &&
			    isdigit((unsigned char)nm[2]) && !strcmp(nm + 3, script))
				found = 1;
			free(e[i]);
		}
		free(e);
	}
	return found;
}

int sysv_read(const char *root, const char *name, struct sysv_script *s)
{
	char path[PATH_MAX];
	char *text;
	int r;

	units_fmt(path, sizeof(path), "/etc/init.d/%s", name);
	text = units_read(root, path);
	if (!text) {
		memset(s, 0, sizeof(*s));
		return -ENOENT;
	}
	r = sysv_parse(name, text, s);
	free(text);
	if (r == 0) {
		s->path = strdup(path);
		s->enabled = rc_enabled(root, name);
		if (!s->path)
			r = -ENOMEM;
	}
	if (r < 0)
		sysv_free(s);
	return r;
}

static char **action(const char *path, const char *verb)
{
	char **v = calloc(3, sizeof(*v));

	if (!v)
		return NULL;
	v[0] = strdup(path);
	v[1] = strdup(verb);
	if (!v[0] || !v[1]) {
		cfg_free_words(v);
		return NULL;
	}
	return v;
}

static int add_action(struct cfg_cmds *c, const char *path, const char *verb)
{
	char **v = action(path, verb);

	if (!v || cfg_cmds_add(c, v, 0, path, 0) < 0) {
		cfg_free_words(v);
		return -ENOMEM;
	}
	return 0;
}

int sysv_service(struct cfg *cfg, const struct sysv_script *sc)
{
	struct cfg_service *s = cfg_new_service(cfg, sc->name);
	char desc[512];
	int r;

	if (!s)
		return -ENOMEM;
	s->origin = ORIGIN_SYSV;
	s->type = TYPE_FORKING;
	s->restart = RESTART_NEVER;
	s->has_restart = 1;
	s->remain_after_exit = 1;
	s->kill_mode = KILL_PROCESS;
	s->sigpipe = 2;
	s->reload_signal = 0;
	s->ready_timeout_ms = 300000;
	s->success_status.code[0] |= 1u << 5 | 1u << 6; /* LSB: not installed, not configured */
	units_fmt(desc, sizeof(desc), "LSB: %s", sc->description ? sc->description : sc->name);
	s->description = strdup(desc);
	s->file = strdup(sc->path);
	s->unit = strdup(sc->path);
	s->workdir = strdup("/");
	s->argv = action(sc->path, "start");
	r = s->description && s->file && s->unit && s->workdir && s->argv ? 0 : -ENOMEM;
	if (r == 0)
		r = add_action(&s->start, sc->path, "start");
	if (r == 0)
		r = add_action(&s->stop, sc->path, "stop");
	if (r == 0 && sc->reload)
		r = add_action(&s->reload, sc->path, "reload");
	if (r == 0 && sc->pidfile && !(s->pidfile = strdup(sc->pidfile)))
		r = -ENOMEM;
	if (r == 0 && !sc->pidfile && !(s->status_argv = action(sc->path, "status")))
		r = -ENOMEM;
	for (char **p = sc->provides; r == 0 && p && *p; p++)
		r = units_strv_add(&s->aliases, *p, 1);
	for (char **a = sc->after; r == 0 && a && *a; a++)
		r = units_strv_add(&s->after, *a, 1);
	if (r == 0)
		r = units_strv_add(&s->sources, sc->path, 0);
	s->enabled = sc->enabled;
	return r;
}
