// SPDX-License-Identifier: MIT
/*
 * `systemctl` and `service`, as systemd 252's where scripts look: the
 * words is-active, is-enabled and show print, their exit statuses
 * (is-active 3 when inactive or unknown, status 4 for no such unit,
 * is-enabled 1 when disabled, 5 for a start of an unknown unit), the
 * "Created symlink" lines of enable. Unit names are resolved on the
 * image's files (aliases, sysv scripts); pid 1 is asked by service name
 * (nginx.service is the service nginx). With no pouch-init answering
 * on the control socket (an image being built), the commands that need
 * one say "Running in chroot, ignoring command" and succeed, as
 * systemctl does in a chroot, so package scripts go on.
 */
#include "systemctl.h"
#include "units.h"
#include "units-internal.h"
#include "run/ctlcli.h"
#include "init/log.h"
#include "init/signames.h"
#include "config/nametab.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef POUCH_VERSION
#define POUCH_VERSION "0.0.0"
#endif

/* systemctl's exit statuses (LSB, as systemd uses them) */
enum { SC_OK = 0, SC_FAIL = 1, SC_USAGE = 2, SC_INACTIVE = 3, SC_NOUNIT = 4,
       SC_NOTLOADED = 5 };

struct sc {
	const char *root;
	int quiet, no_block, now, runtime, no_legend, all, plain, value;
	int force, no_reload, failed;
	int preset_mode;	/* 0 full, 1 enable-only, 2 disable-only */
	int online;		/* -1 not asked yet */
	char **types, **states, **props;
	const char *signal, *kill_who;
	char sock[512];
};

struct svc_state {
	char name[128];
	char state[32];
	int pid, restarts, last_exit, ready;
	long long uptime_ms;
	char status[256];
};

/* ---- pid 1 ---- */

static int online(struct sc *sc)
{
	int status;
	char *body;

	if (sc->online >= 0)
		return sc->online;
	sc->online = 0;
	if (sc->root && strcmp(sc->root, "/"))
		return 0;
	ctl_socket_path(sc->sock, sizeof(sc->sock));
	if (ctl_call(sc->sock, "status --json cmd", &status, &body) == 0) {
		sc->online = 1;
		free(body);
	}
	return sc->online;
}

static int call(struct sc *sc, const char *line, int *status, char **body)
{
	if (!online(sc)) {
		*status = 69;
		*body = strdup("no pouch-init answers on the control socket");
		return -1;
	}
	if (ctl_call(sc->sock, line, status, body) < 0) {
		*status = 69;
		*body = strdup(strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- the status --json answer ---- */

static const char *json_string(const char *p, char *out, size_t len)
{
	size_t o = 0;

	if (*p++ != '"')
		return NULL;
	for (; *p && *p != '"'; p++) {
		char c = *p;

		if (c == '\\' && p[1]) {
			p++;
			c = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p == 'u' ? '?' : *p;
			if (*p == 'u' && strlen(p) >= 5)
				p += 4;
		}
		if (o + 1 < len)
			out[o++] = c;
	}
	out[o] = '\0';
	return *p == '"' ? p + 1 : NULL;
}

/* The services of a status --json body, one callback each */
static int json_services(const char *body, int (*fn)(void *arg, const struct svc_state *st),
			 void *arg)
{
	const char *p = strchr(body, '[');

	while (p && (p = strchr(p, '{'))) {
		struct svc_state st;
		const char *end = strchr(p, '}');
		char key[32], val[256];

		memset(&st, 0, sizeof(st));
		st.last_exit = -1;
		p++;
		while (p && end && p < end) {
			p = strchr(p, '"');
			if (!p || p > end)
				break;
			p = json_string(p, key, sizeof(key));
			if (!p)
				break;
			p += strspn(p, " :");
			if (*p == '"') {
				p = json_string(p, val, sizeof(val));
				if (!p)
					break;
				end = strchr(p, '}');
			} else {
				size_t n = strcspn(p, ",}");

				units_fmt(val, sizeof(val), "%.*s", (int)n, p);
				p += n;
			}
			if (!strcmp(key, "name"))
				units_fmt(st.name, sizeof(st.name), "%s", val);
			else if (!strcmp(key, "state"))
				units_fmt(st.state, sizeof(st.state), "%s", val);
			else if (!strcmp(key, "pid"))
				st.pid = atoi(val);
			else if (!strcmp(key, "restarts"))
				st.restarts = atoi(val);
			else if (!strcmp(key, "last_exit"))
				st.last_exit = strcmp(val, "null") ? atoi(val) : -1;
			else if (!strcmp(key, "ready"))
				st.ready = !strcmp(val, "true");
			else if (!strcmp(key, "uptime_ms"))
				st.uptime_ms = atoll(val);
			else if (!strcmp(key, "status"))
				units_fmt(st.status, sizeof(st.status), "%s", val);
		}
		if (fn(arg, &st))
			return 1;
		p = end;
	}
	return 0;
}

static int take_first(void *arg, const struct svc_state *st)
{
	*(struct svc_state *)arg = *st;
	return 1;
}

/* 0 with st, 3 no such service, <0 no pid 1 */
static int service_state(struct sc *sc, const char *name, struct svc_state *st)
{
	char line[200], *body;
	int status, r;

	units_fmt(line, sizeof(line), "status --json %s", name);
	if (call(sc, line, &status, &body) < 0) {
		free(body);
		return -1;
	}
	r = status;
	if (status == 0 && !json_services(body ? body : "", take_first, st))
		r = 3;
	free(body);
	return r;
}

/* ---- one unit, as named on the command line ---- */

struct uinfo {
	char asked[300], id[300];
	struct unit u;
	struct sysv_script sv;
	int sysv;		/* an init.d script with no unit */
	int known;		/* pid 1 has it */
	char svc[300];		/* its service name there */
	struct svc_state st;
};

static void uinfo_free(struct uinfo *ui)
{
	unit_free(&ui->u);
	sysv_free(&ui->sv);
}

static int is_type(const struct uinfo *ui, const char *type)
{
	return !strcmp(unit_name_type(ui->asked), type);
}

static int exists(const struct uinfo *ui)
{
	return ui->sysv || ui->u.load != UNIT_NOT_FOUND || ui->known;
}

static int probe(struct sc *sc, struct uinfo *ui, const char *unit)
{
	char nm[300];

	if (strcmp(unit_name_type(unit), "service"))
		return 0;
	unit_service_name(unit, nm, sizeof(nm));
	if (service_state(sc, nm, &ui->st) != 0)
		return 0;
	units_fmt(ui->svc, sizeof(ui->svc), "%s", nm);
	ui->known = 1;
	return 1;
}

static int resolve(struct sc *sc, const char *name, struct uinfo *ui)
{
	char stem[300];

	memset(ui, 0, sizeof(*ui));
	unit_name_mangle(name, ui->asked, sizeof(ui->asked));
	if (unit_read(sc->root, ui->asked, &ui->u) < 0)
		return -ENOMEM;
	units_fmt(ui->id, sizeof(ui->id), "%s", ui->u.id ? ui->u.id : ui->asked);
	unit_service_name(ui->asked, stem, sizeof(stem));
	if (ui->u.load == UNIT_NOT_FOUND && is_type(ui, "service") &&
	    sysv_read(sc->root, stem, &ui->sv) == 0)
		ui->sysv = 1;
	if (!is_type(ui, "service") || !online(sc))
		return 0;
	if (probe(sc, ui, ui->asked) || probe(sc, ui, ui->id))
		return 0;
	for (char **n = ui->u.names; n && *n; n++)
		if (probe(sc, ui, *n))
			return 0;
	return 0;
}

static const struct unit_kv *get(const struct uinfo *ui, const char *sec,
				 const char *key)
{
	return ui->u.load == UNIT_LOADED ? unit_get(&ui->u, sec, key) : NULL;
}

static int get_bool(const struct uinfo *ui, const char *sec, const char *key)
{
	const struct unit_kv *kv = get(ui, sec, key);
	int b = 0;

	return kv && unit_parse_bool(kv->value, &b) == 0 && b;
}


static const char *description(const struct sc *sc, const struct uinfo *ui,
			       char *buf, size_t len)
{
	const struct unit_kv *kv = get(ui, "Unit", "Description");
	struct unit_spec sp = { sc->root, ui->id, ui->u.path };
	const char *why;
	char *d;

	if (ui->sysv)
		units_fmt(buf, len, "LSB: %s",
			  ui->sv.description ? ui->sv.description : ui->sv.name);
	else if (kv && kv->value[0] &&
		 unit_specifiers(&sp, kv->value, &d, &why) == 0) {
		units_fmt(buf, len, "%s", d);
		free(d);
	} else
		units_fmt(buf, len, "%s", ui->known && !ui->u.path ? ui->svc : ui->id);
	return buf;
}

static int can_reload(const struct uinfo *ui)
{
	return ui->sysv ? ui->sv.reload : get(ui, "Service", "ExecReload") != NULL;
}

static int remains(const struct uinfo *ui)
{
	return ui->sysv || get_bool(ui, "Service", "RemainAfterExit");
}

/* systemd's ActiveState and SubState of a unit */
static void active_state(struct sc *sc, const struct uinfo *ui,
			 const char **active, const char **sub)
{
	const char *s = ui->st.state;

	*active = "inactive";
	*sub = "dead";
	if (is_type(ui, "target")) {
		if (online(sc) && ui->u.load == UNIT_LOADED) {
			*active = "active";
			*sub = "active";
		}
		return;
	}
	if (!ui->known)
		return;
	if (!strcmp(s, "running")) {
		*active = "active";
		*sub = ui->st.pid > 0 ? "running" : "exited";
	} else if (!strcmp(s, "starting")) {
		*active = "activating";
		*sub = "start";
	} else if (!strcmp(s, "stopping")) {
		*active = "deactivating";
		*sub = "stop-sigterm";
	} else if (!strcmp(s, "backoff")) {
		*active = "activating";
		*sub = "auto-restart";
	} else if (!strcmp(s, "failed")) {
		*active = "failed";
		*sub = "failed";
	} else if (!strcmp(s, "done") && remains(ui)) {
		*active = "active";
		*sub = "exited";
	}
}

static const char *load_state(const struct uinfo *ui)
{
	if (ui->sysv || ui->u.load == UNIT_LOADED)
		return "loaded";
	if (ui->u.load == UNIT_MASKED)
		return "masked";
	if (ui->u.load == UNIT_BAD)
		return "bad-setting";
	return ui->known ? "loaded" : "not-found";
}

static enum unit_file_state file_state(struct sc *sc, const struct uinfo *ui)
{
	if (ui->sysv)
		return ui->sv.enabled ? UFS_ENABLED : UFS_DISABLED;
	return unit_file_state(sc->root, ui->asked);
}

/* ---- waiting for a job ---- */

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t start_timeout(const struct uinfo *ui)
{
	const struct unit_kv *kv = get(ui, "Service", "TimeoutStartSec");
	int64_t ms = 90000;

	if (!kv)
		kv = get(ui, "Service", "TimeoutSec");
	if (ui->sysv)
		ms = 300000;
	if (kv && unit_parse_timespan(kv->value, 1000, &ms) < 0)
		ms = 90000;
	return ms <= 0 ? -1 : ms + 5000;
}

/* Poll until the job is over: 0 done, 1 failed */
static int wait_job(struct sc *sc, struct uinfo *ui, int stopping)
{
	int64_t limit = stopping ? 600000 : start_timeout(ui), t0 = mono_ms();

	for (;;) {
		const char *s;

		if (service_state(sc, ui->svc, &ui->st) != 0)
			return 1;
		s = ui->st.state;
		if (stopping) {
			if (strcmp(s, "stopping"))
				return 0;
		} else if (!strcmp(s, "running") || !strcmp(s, "done") ||
			   !strcmp(s, "skipped")) {
			return 0; /* a failed condition: as systemd, no failure */
		} else if (strcmp(s, "starting") && strcmp(s, "stopping")) {
			return 1; /* failed, backoff, blocked, stopped */
		}
		if (limit >= 0 && mono_ms() - t0 > limit)
			return 1;
		sleep_ms(50);
	}
}

static void job_failed(const struct uinfo *ui, const char *verb)
{
	fprintf(stderr,
		"Job for %s failed because %s.\nSee \"systemctl status %s\" for details.\n",
		ui->id, !strcmp(ui->st.state, "blocked") ? "a dependency failed"
			: verb[0] == 's' && verb[2] == 'o' ? "the stop did not finish in time"
			: "the control process exited with error code",
		ui->id);
}

/* ---- runtime verbs ---- */

static int chroot_noop(const char *verb)
{
	fprintf(stderr, "Running in chroot, ignoring command '%s'\n", verb);
	return SC_OK;
}

static int daemon_reload(struct sc *sc, int fallback)
{
	char *body = NULL;
	int status;

	if (call(sc, "daemon-reload", &status, &body) < 0) {
		free(body);
		return SC_FAIL;
	}
	if (status == 2 && fallback) { /* a pid 1 without daemon-reload */
		free(body);
		body = NULL;
		if (call(sc, "reload", &status, &body) < 0)
			status = 1;
	}
	if (status && !(status == 2 && !fallback)) {
		fprintf(stderr, "Failed to reload daemon: %s\n", body ? body : "");
		free(body);
		return SC_FAIL;
	}
	free(body);
	return SC_OK;
}

/* Ask pid 1 for op on ui; NAME unknown there but a unit on disk: a
 * daemon-reload first, once. 0 sent, else the exit status. */
static int send_op(struct sc *sc, struct uinfo *ui, const char *op,
		   const char *verb)
{
	char line[400], *body = NULL;
	int status;

	if (!ui->known && exists(ui) && is_type(ui, "service") &&
	    ui->u.load != UNIT_MASKED) {
		char name[300];

		units_fmt(name, sizeof(name), "%s", ui->asked);
		(void)daemon_reload(sc, 1);
		uinfo_free(ui);
		(void)resolve(sc, name, ui);
	}
	if (ui->u.load == UNIT_MASKED) {
		fprintf(stderr, "Failed to %s %s: Unit %s is masked.\n", verb, ui->asked,
			ui->asked);
		return SC_FAIL;
	}
	/* a unit no target wants: pid 1 loads it when it is started */
	if (!ui->known && !(exists(ui) && is_type(ui, "service") &&
			    (!strcmp(op, "start") || !strcmp(op, "restart")))) {
		fprintf(stderr, exists(ui)
				? "Failed to %s %s: Unit %s is not loaded by pouch-init (is [init] units = enabled?).\n"
				: "Failed to %s %s: Unit %s not found.\n",
			verb, ui->asked, ui->asked);
		return SC_NOTLOADED;
	}
	units_fmt(line, sizeof(line), "%s %s", op, ui->known ? ui->svc : ui->asked);
	if (call(sc, line, &status, &body) < 0 || status) {
		if (!ui->known && status == 3) {
			fprintf(stderr, "Failed to %s %s: Unit %s is not loaded by pouch-init (is [init] units = enabled?).\n",
				verb, ui->asked, ui->asked);
			free(body);
			return SC_NOTLOADED;
		}
		fprintf(stderr, "Failed to %s %s: %s\n", verb, ui->asked,
			body ? body : "no answer");
		free(body);
		return status == 4 ? SC_INACTIVE : SC_FAIL;
	}
	free(body);
	if (!ui->known) { /* loaded by that start: what it is now */
		char name[300];

		units_fmt(name, sizeof(name), "%s", ui->asked);
		uinfo_free(ui);
		(void)resolve(sc, name, ui);
	}
	return 0;
}

static int refused(const struct uinfo *ui, const char *key, const char *verb)
{
	if (!get_bool(ui, "Unit", key))
		return 0;
	fprintf(stderr,
		"Failed to %s %s: Operation refused, unit %s may be requested by dependency only (it is configured to refuse manual %s).\n",
		verb, ui->asked, ui->asked, key[14] == 'a' ? "start" : "stop");
	return 1;
}

/* start, stop, restart, try-restart, reload, reload-or-restart,
 * try-reload-or-restart */
static int job(struct sc *sc, const char *verb, const char *name)
{
	struct uinfo ui;
	const char *active, *sub, *op;
	int r, stopping = !strcmp(verb, "stop");

	if (resolve(sc, name, &ui) < 0)
		return SC_FAIL;
	if (!is_type(&ui, "service")) {
		if (!sc->quiet && !is_type(&ui, "target"))
			fprintf(stderr, "%s: %s units are not run by pouch-init; nothing to %s\n",
				ui.asked, unit_name_type(ui.asked), verb);
		uinfo_free(&ui);
		return SC_OK;
	}
	active_state(sc, &ui, &active, &sub);
	if ((!strcmp(verb, "try-restart") || !strcmp(verb, "try-reload-or-restart")) &&
	    strcmp(active, "active") && strcmp(active, "activating")) {
		uinfo_free(&ui);
		return SC_OK; /* not running: nothing to do */
	}
	if (((!strcmp(verb, "start") || strstr(verb, "restart")) &&
	     refused(&ui, "RefuseManualStart", verb)) ||
	    ((stopping || strstr(verb, "restart")) && refused(&ui, "RefuseManualStop", verb))) {
		uinfo_free(&ui);
		return SC_FAIL;
	}
	op = stopping ? "stop" : !strcmp(verb, "start") ? "start" : "restart";
	if (!strcmp(verb, "reload") ||
	    (strstr(verb, "reload-or") && can_reload(&ui) && !strcmp(active, "active")))
		op = "reload";
	if (!strcmp(op, "reload") && !can_reload(&ui) && !ui.sysv && ui.u.load == UNIT_LOADED) {
		fprintf(stderr, "Failed to reload %s: Job type reload is not applicable for unit %s.\n",
			ui.asked, ui.asked);
		uinfo_free(&ui);
		return SC_FAIL;
	}
	if (!strcmp(op, "start") && !strcmp(active, "active")) {
		uinfo_free(&ui);
		return SC_OK; /* running already */
	}
	if (stopping && !ui.known && exists(&ui)) {
		uinfo_free(&ui);
		return SC_OK; /* a unit pid 1 never ran is stopped */
	}
	r = send_op(sc, &ui, op, !strcmp(op, "reload") ? "reload" : verb);
	if (r == 0 && !sc->no_block && strcmp(op, "reload") && wait_job(sc, &ui, stopping)) {
		job_failed(&ui, verb);
		r = SC_FAIL;
	}
	uinfo_free(&ui);
	return r;
}

static int verb_kill(struct sc *sc, const char *name)
{
	const char *sig = sc->signal ? sc->signal : "TERM";
	struct uinfo ui;
	char op[64];
	int r;

	if (sig_parse(sig, 0) <= 0) {
		fprintf(stderr, "Failed to parse signal string %s.\n", sig);
		return SC_USAGE;
	}
	if (resolve(sc, name, &ui) < 0)
		return SC_FAIL;
	units_fmt(op, sizeof(op), "signal%s", sc->kill_who && !strcmp(sc->kill_who, "main")
						      ? " --main" : "");
	if (!ui.known) {
		fprintf(stderr, "Failed to kill unit %s: Unit %s not loaded.\n", ui.asked, ui.asked);
		uinfo_free(&ui);
		return SC_FAIL;
	}
	{
		char line[400], *body = NULL;
		int status;

		units_fmt(line, sizeof(line), "%s %s %s", op, ui.svc, sig);
		r = call(sc, line, &status, &body) < 0 || status ? SC_FAIL : SC_OK;
		if (r && status != 4)
			fprintf(stderr, "Failed to kill unit %s: %s\n", ui.asked, body ? body : "");
		if (status == 4)
			r = SC_OK; /* nothing runs: nothing to signal */
		free(body);
	}
	uinfo_free(&ui);
	return r;
}

/* ---- is-active, is-failed, is-enabled ---- */

static int verb_is_active(struct sc *sc, char **names, int failed)
{
	int any = 0;

	for (char **n = names; *n; n++) {
		const char *active, *sub;
		struct uinfo ui;

		if (resolve(sc, *n, &ui) < 0)
			return SC_FAIL;
		active_state(sc, &ui, &active, &sub);
		if (!sc->quiet)
			printf("%s\n", active);
		any |= failed ? !strcmp(active, "failed") : !strcmp(active, "active") ||
								!strcmp(active, "reloading");
		uinfo_free(&ui);
	}
	return any ? SC_OK : failed ? SC_FAIL : SC_INACTIVE;
}

static int verb_is_enabled(struct sc *sc, char **names)
{
	int any = 0, r = SC_OK;

	for (char **n = names; *n; n++) {
		struct uinfo ui;
		enum unit_file_state st;

		if (resolve(sc, *n, &ui) < 0)
			return SC_FAIL;
		st = file_state(sc, &ui);
		if (st == UFS_NOT_FOUND) {
			fprintf(stderr, "Failed to get unit file state for %s: No such file or directory\n",
				ui.asked);
			r = SC_FAIL;
		} else {
			if (!sc->quiet)
				printf("%s\n", unit_file_state_name(st));
			any |= st == UFS_ENABLED || st == UFS_ENABLED_RUNTIME ||
			       st == UFS_STATIC || st == UFS_ALIAS ||
			       st == UFS_INDIRECT || st == UFS_GENERATED;
		}
		uinfo_free(&ui);
	}
	return any ? SC_OK : r ? r : SC_FAIL;
}

/* ---- status ---- */

static void ago(long long ms, char *buf, size_t len)
{
	long long s = ms / 1000;

	if (s < 60)
		units_fmt(buf, len, "%llds", s);
	else if (s < 3600)
		units_fmt(buf, len, "%lldmin %llds", s / 60, s % 60);
	else if (s < 86400)
		units_fmt(buf, len, "%lldh %lldmin", s / 3600, s % 3600 / 60);
	else
		units_fmt(buf, len, "%lld day%s %lldh", s / 86400, s >= 172800 ? "s" : "",
			  s % 86400 / 3600);
}

static void since(const struct svc_state *st, char *buf, size_t len)
{
	time_t t = time(NULL) - (time_t)(st->uptime_ms / 1000);
	char when[64], a[64];
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%a %Y-%m-%d %H:%M:%S %Z", &tm);
	ago(st->uptime_ms, a, sizeof(a));
	units_fmt(buf, len, " since %s; %s ago", when, a);
}

static void comm_of(int pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n = -1;
	int fd;

	units_fmt(path, sizeof(path), "/proc/%d/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		close(fd);
	}
	if (n <= 0) {
		units_fmt(buf, len, "?");
		return;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static void dropins(const struct uinfo *ui)
{
	const char *last_dir = NULL;
	size_t last_len = 0;

	for (size_t i = 1; i < ui->u.nfiles; i++) {
		const char *f = ui->u.files[i], *slash = strrchr(f, '/');
		size_t dl = (size_t)(slash - f);

		if (!last_dir || dl != last_len || strncmp(f, last_dir, dl)) {
			printf("%s%.*s\n", last_dir ? "             " : "    Drop-In: ", (int)dl, f);
			last_dir = f;
			last_len = dl;
		}
		printf("             %s%s\n", "\xe2\x94\x94\xe2\x94\x80", slash + 1);
	}
}

static int status_one(struct sc *sc, const char *name)
{
	const char *active, *sub, *bullet;
	char desc[512], when[128] = "", comm[64];
	enum unit_file_state fs;
	struct uinfo ui;
	int r;

	if (resolve(sc, name, &ui) < 0)
		return SC_FAIL;
	if (!exists(&ui) && ui.u.load != UNIT_MASKED) {
		fprintf(stderr, "Unit %s could not be found.\n", ui.asked);
		uinfo_free(&ui);
		return SC_NOUNIT;
	}
	active_state(sc, &ui, &active, &sub);
	bullet = !strcmp(active, "active") ? "\xe2\x97\x8f" : !strcmp(active, "failed")
			 ? "\xc3\x97" : "\xe2\x97\x8b";
	if (ui.u.load == UNIT_MASKED) {
		printf("%s %s\n     Loaded: masked (Reason: Unit %s is masked.)\n     Active: %s (%s)\n",
		       bullet, ui.asked, ui.asked, active, sub);
		uinfo_free(&ui);
		return SC_INACTIVE;
	}
	fs = file_state(sc, &ui);
	printf("%s %s - %s\n", bullet, ui.id, description(sc, &ui, desc, sizeof(desc)));
	if (ui.sysv)
		printf("     Loaded: loaded (%s; generated)\n", ui.sv.path);
	else if (ui.u.path)
		printf("     Loaded: loaded (%s; %s; preset: %s)\n", ui.u.path,
		       unit_file_state_name(fs),
		       units_preset_says(sc->root, ui.id) ? "enabled" : "disabled");
	else
		printf("     Loaded: loaded (pouch-init services.d)\n");
	dropins(&ui);
	if (ui.known && strcmp(sub, "dead"))
		since(&ui.st, when, sizeof(when));
	printf("     Active: %s (%s)%s\n", active, sub, when);
	if (ui.known && !strcmp(ui.st.state, "skipped"))
		printf("  Condition: start condition failed\n");
	if (!strcmp(active, "failed") && ui.st.last_exit >= 0)
		printf("   Main PID: (code=exited, status=%d)\n", ui.st.last_exit);
	if (ui.known && ui.st.pid > 0) {
		comm_of(ui.st.pid, comm, sizeof(comm));
		printf("   Main PID: %d (%s)\n", ui.st.pid, comm);
	}
	if (ui.known && ui.st.status[0])
		printf("     Status: \"%s\"\n", ui.st.status);
	r = !strcmp(active, "active") || !strcmp(active, "reloading") ? SC_OK : SC_INACTIVE;
	uinfo_free(&ui);
	return r;
}

static int print_state(void *arg, const struct svc_state *st)
{
	(void)arg;
	if (strcmp(st->name, "cmd"))
		printf("  %s.service: %s\n", st->name, st->state);
	return 0;
}

static int verb_status(struct sc *sc, char **names)
{
	int worst = SC_OK;

	if (!*names) {
		char host[256] = "localhost", *body = NULL;
		int status;

		(void)gethostname(host, sizeof(host));
		host[sizeof(host) - 1] = '\0';
		printf("\xe2\x97\x8f %s\n    State: %s\n", host, online(sc) ? "running" : "offline");
		if (online(sc) && call(sc, "status --json", &status, &body) == 0 && !status)
			json_services(body, print_state, NULL);
		free(body);
		return SC_OK;
	}
	for (char **n = names; *n; n++) {
		int r = status_one(sc, *n);

		if (n[1])
			printf("\n");
		if (r == SC_NOUNIT || worst == SC_OK)
			worst = worst == SC_NOUNIT ? worst : r;
	}
	return worst;
}

/* ---- show ---- */

static int wanted_prop(const struct sc *sc, const char *key)
{
	for (char **p = sc->props; p && *p; p++) {
		char buf[1024], *save;

		units_fmt(buf, sizeof(buf), "%s", *p);
		for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
			if (!strcmp(t, key))
				return 1;
	}
	return !sc->props;
}

static void prop(const struct sc *sc, const char *key, const char *val)
{
	if (!wanted_prop(sc, key) || (!*val && !sc->props && !sc->all))
		return;
	if (sc->value)
		printf("%s\n", val);
	else
		printf("%s=%s\n", key, val);
}

static void words_prop(const struct sc *sc, const struct uinfo *ui, const char *key,
		       const char *sec)
{
	char **w = ui->u.load == UNIT_LOADED ? unit_get_words(&ui->u, sec, key) : NULL;
	char buf[4096] = "";
	size_t n = 0;

	for (char **x = w; x && *x && n < sizeof(buf); x++)
		n += (size_t)units_fmt(buf + n, sizeof(buf) - n, "%s%s", n ? " " : "", *x);
	cfg_free_words(w);
	prop(sc, key, buf);
}

static void usec_prop(const struct sc *sc, const struct uinfo *ui, const char *key,
		      const char *ukey, const char *alt, int64_t def)
{
	const struct unit_kv *kv = get(ui, "Service", ukey);
	int64_t ms = def;
	char buf[64];

	if (!kv && alt)
		kv = get(ui, "Service", alt);
	if (kv && unit_parse_timespan(kv->value, 1000, &ms) < 0)
		ms = def;
	if (ms <= 0)
		units_fmt(buf, sizeof(buf), "infinity");
	else if (ms % 60000 == 0)
		units_fmt(buf, sizeof(buf), "%lldmin", (long long)(ms / 60000));
	else if (ms % 1000 == 0)
		units_fmt(buf, sizeof(buf), "%llds", (long long)(ms / 1000));
	else
		units_fmt(buf, sizeof(buf), "%lldms", (long long)ms);
	prop(sc, key, buf);
}

static void kv_prop(const struct sc *sc, const struct uinfo *ui, const char *key,
		    const char *sec, const char *def)
{
	const struct unit_kv *kv = get(ui, sec, key);

	prop(sc, key, kv ? kv->value : def);
}

static int show_one(struct sc *sc, const char *name)
{
	const char *active, *sub;
	char buf[4096], desc[512];
	struct uinfo ui;
	size_t n = 0;

	if (resolve(sc, name, &ui) < 0)
		return SC_FAIL;
	active_state(sc, &ui, &active, &sub);
	prop(sc, "Type", ui.sysv ? "forking" : get(&ui, "Service", "Type") ?
		 get(&ui, "Service", "Type")->value : is_type(&ui, "service") ? "simple" : "");
	kv_prop(sc, &ui, "Restart", "Service", ui.sysv ? "no" : is_type(&ui, "service") ? "no" : "");
	prop(sc, "PIDFile", ui.sysv && ui.sv.pidfile ? ui.sv.pidfile
		 : get(&ui, "Service", "PIDFile") ? get(&ui, "Service", "PIDFile")->value : "");
	prop(sc, "RemainAfterExit", remains(&ui) ? "yes" : "no");
	usec_prop(sc, &ui, "TimeoutStartUSec", "TimeoutStartSec", "TimeoutSec",
		  ui.sysv ? 300000 : 90000);
	usec_prop(sc, &ui, "TimeoutStopUSec", "TimeoutStopSec", "TimeoutSec", 5000);
	units_fmt(buf, sizeof(buf), "%d", ui.known ? ui.st.pid : 0);
	prop(sc, "MainPID", buf);
	prop(sc, "ExecMainPID", buf);
	units_fmt(buf, sizeof(buf), "%d", ui.known && ui.st.last_exit >= 0 ? ui.st.last_exit : 0);
	prop(sc, "ExecMainStatus", buf);
	prop(sc, "Result", !strcmp(active, "failed") ? "exit-code" : "success");
	units_fmt(buf, sizeof(buf), "%d", ui.known ? ui.st.restarts : 0);
	prop(sc, "NRestarts", buf);
	prop(sc, "StatusText", ui.known ? ui.st.status : "");
	kv_prop(sc, &ui, "User", "Service", "");
	kv_prop(sc, &ui, "Group", "Service", "");
	kv_prop(sc, &ui, "KillMode", "Service", ui.sysv ? "process" : "control-group");
	kv_prop(sc, &ui, "KillSignal", "Service", "15");
	prop(sc, "Id", ui.id);
	buf[0] = '\0';
	for (char **x = ui.u.names; x && *x && n < sizeof(buf); x++)
		n += (size_t)units_fmt(buf + n, sizeof(buf) - n, "%s%s", n ? " " : "", *x);
	prop(sc, "Names", buf[0] ? buf : ui.asked);
	words_prop(sc, &ui, "Requires", "Unit");
	words_prop(sc, &ui, "Wants", "Unit");
	words_prop(sc, &ui, "BindsTo", "Unit");
	words_prop(sc, &ui, "Conflicts", "Unit");
	words_prop(sc, &ui, "Before", "Unit");
	words_prop(sc, &ui, "After", "Unit");
	words_prop(sc, &ui, "Documentation", "Unit");
	prop(sc, "Triggers", "");
	prop(sc, "TriggeredBy", "");
	prop(sc, "Description", exists(&ui) ? description(sc, &ui, desc, sizeof(desc)) : ui.asked);
	prop(sc, "LoadState", load_state(&ui));
	prop(sc, "ActiveState", active);
	prop(sc, "SubState", sub);
	prop(sc, "FragmentPath", ui.u.path && ui.u.load == UNIT_LOADED ? ui.u.path : "");
	prop(sc, "SourcePath", ui.sysv ? ui.sv.path : "");
	n = 0;
	buf[0] = '\0';
	for (size_t i = 1; i < ui.u.nfiles && n < sizeof(buf); i++)
		n += (size_t)units_fmt(buf + n, sizeof(buf) - n, "%s%s", n ? " " : "", ui.u.files[i]);
	prop(sc, "DropInPaths", buf);
	prop(sc, "UnitFileState", exists(&ui) || ui.u.load == UNIT_MASKED
					  ? unit_file_state_name(file_state(sc, &ui)) : "");
	prop(sc, "UnitFilePreset", !exists(&ui) ? ""
				   : units_preset_says(sc->root, ui.id) ? "enabled" : "disabled");
	prop(sc, "CanStart", is_type(&ui, "service") && exists(&ui) ? "yes" : "no");
	prop(sc, "CanStop", is_type(&ui, "service") && exists(&ui) ? "yes" : "no");
	prop(sc, "CanReload", can_reload(&ui) ? "yes" : "no");
	prop(sc, "CanIsolate", "no");
	prop(sc, "RefuseManualStart", get_bool(&ui, "Unit", "RefuseManualStart") ? "yes" : "no");
	prop(sc, "RefuseManualStop", get_bool(&ui, "Unit", "RefuseManualStop") ? "yes" : "no");
	prop(sc, "Transient", "no");
	uinfo_free(&ui);
	return SC_OK;
}

static int verb_show(struct sc *sc, char **names)
{
	if (!*names) {
		prop(sc, "Version", "252");
		prop(sc, "Features", "pouch-init " POUCH_VERSION);
		prop(sc, "SystemState", online(sc) ? "running" : "offline");
		prop(sc, "DefaultStandardOutput", "journal");
		return SC_OK;
	}
	for (char **n = names; *n; n++) {
		if (n != names && !sc->value)
			printf("\n");
		(void)show_one(sc, *n);
	}
	return SC_OK;
}

/* ---- cat ---- */

static int verb_cat(struct sc *sc, char **names)
{
	int r = SC_OK;

	for (char **n = names; *n; n++) {
		struct uinfo ui;

		if (resolve(sc, *n, &ui) < 0)
			return SC_FAIL;
		if (n != names)
			printf("\n");
		if (ui.u.load == UNIT_MASKED) {
			printf("# Unit %s is masked.\n", ui.asked);
		} else if (ui.sysv || ui.u.nfiles) {
			size_t nf = ui.sysv ? 1 : ui.u.nfiles;

			for (size_t i = 0; i < nf; i++) {
				const char *f = ui.sysv ? ui.sv.path : ui.u.files[i];
				char *t = units_read(sc->root, f);

				printf("%s# %s\n%s", i ? "\n" : "", f, t ? t : "");
				if (t && *t && t[strlen(t) - 1] != '\n')
					printf("\n");
				free(t);
			}
		} else {
			fprintf(stderr, "No files found for %s.\n", ui.asked);
			r = SC_FAIL;
		}
		uinfo_free(&ui);
	}
	return r;
}

/* ---- list-units, list-unit-files ---- */

static int matches(char **pats, const char *name)
{
	if (!pats || !*pats)
		return 1;
	for (char **p = pats; *p; p++) {
		char m[300];

		unit_name_mangle(*p, m, sizeof(m));
		if (!fnmatch(*p, name, 0) || !fnmatch(m, name, 0))
			return 1;
	}
	return 0;
}

static int type_ok(const struct sc *sc, const char *name)
{
	if (!sc->types)
		return 1;
	for (char **t = sc->types; *t; t++)
		if (!strcmp(*t, unit_name_type(name)))
			return 1;
	return 0;
}

static int state_ok(const struct sc *sc, const char *a, const char *b, const char *c)
{
	if (!sc->states)
		return 1;
	for (char **s = sc->states; *s; s++)
		if (!strcmp(*s, a) || !strcmp(*s, b) || (c && !strcmp(*s, c)))
			return 1;
	return 0;
}

struct row {
	char unit[300], load[16], active[16], sub[16], desc[256];
	int failed;
};

struct rows {
	struct sc *sc;
	char **pats;
	struct row *v;
	size_t n;
};

static int add_row(void *arg, const struct svc_state *st)
{
	struct rows *rs = arg;
	const char *active, *sub;
	struct uinfo ui;
	struct row *v, r;

	if (!strcmp(st->name, "cmd"))
		return 0;
	memset(&ui, 0, sizeof(ui));
	units_fmt(ui.asked, sizeof(ui.asked), "%s.service", st->name);
	if (unit_read(rs->sc->root, ui.asked, &ui.u) < 0)
		return 1;
	units_fmt(ui.id, sizeof(ui.id), "%s", ui.asked);
	if (ui.u.load == UNIT_NOT_FOUND && sysv_read(rs->sc->root, st->name, &ui.sv) == 0)
		ui.sysv = 1;
	ui.known = 1;
	ui.st = *st;
	units_fmt(ui.svc, sizeof(ui.svc), "%s", st->name);
	active_state(rs->sc, &ui, &active, &sub);
	memset(&r, 0, sizeof(r));
	units_fmt(r.unit, sizeof(r.unit), "%s", ui.asked);
	units_fmt(r.load, sizeof(r.load), "loaded");
	units_fmt(r.active, sizeof(r.active), "%s", active);
	units_fmt(r.sub, sizeof(r.sub), "%s", sub);
	if (ui.u.load == UNIT_LOADED || ui.sysv)
		description(rs->sc, &ui, r.desc, sizeof(r.desc));
	else
		units_fmt(r.desc, sizeof(r.desc), "pouch-init service %s", st->name);
	r.failed = !strcmp(active, "failed");
	uinfo_free(&ui);
	if (!matches(rs->pats, r.unit) || !type_ok(rs->sc, r.unit) ||
	    !state_ok(rs->sc, r.load, r.active, r.sub) ||
	    (!rs->sc->all && !rs->sc->states && !strcmp(r.active, "inactive")))
		return 0;
	v = realloc(rs->v, (rs->n + 1) * sizeof(*v));
	if (!v)
		return 1;
	rs->v = v;
	v[rs->n++] = r;
	return 0;
}

static int verb_list_units(struct sc *sc, char **pats)
{
	struct rows rs = { sc, pats, NULL, 0 };
	size_t w[4] = { 4, 4, 6, 3 };
	char *body = NULL;
	int status;

	if (online(sc) && call(sc, "status --json", &status, &body) == 0 && !status)
		json_services(body, add_row, &rs);
	free(body);
	for (size_t i = 0; i < rs.n; i++) {
		size_t l[4] = { strlen(rs.v[i].unit), strlen(rs.v[i].load),
				strlen(rs.v[i].active), strlen(rs.v[i].sub) };

		for (int k = 0; k < 4; k++)
			w[k] = l[k] > w[k] ? l[k] : w[k];
	}
	if (!sc->no_legend)
		printf("%s%-*s %-*s %-*s %-*s %s\n", sc->plain ? "" : "  ", (int)w[0], "UNIT",
		       (int)w[1], "LOAD", (int)w[2], "ACTIVE", (int)w[3], "SUB", "DESCRIPTION");
	for (size_t i = 0; i < rs.n; i++)
		printf("%s%-*s %-*s %-*s %-*s %s\n",
		       sc->plain ? "" : rs.v[i].failed ? "\xe2\x97\x8f " : "  ", (int)w[0],
		       rs.v[i].unit, (int)w[1], rs.v[i].load, (int)w[2], rs.v[i].active,
		       (int)w[3], rs.v[i].sub, rs.v[i].desc);
	if (!sc->no_legend) {
		printf("\nLOAD   = Reflects whether the unit definition was properly loaded.\n"
		       "ACTIVE = The high-level unit activation state, i.e. generalization of SUB.\n"
		       "SUB    = The low-level unit activation state, values depend on unit type.\n"
		       "%zu loaded units listed.%s\n"
		       "To show all installed unit files use 'systemctl list-unit-files'.\n",
		       rs.n, sc->all ? "" : " Pass --all to see loaded but inactive units, too.");
	}
	free(rs.v);
	return SC_OK;
}

static int verb_list_unit_files(struct sc *sc, char **pats)
{
	char **names = units_list_files(sc->root), **sv = sysv_list(sc->root);
	size_t count = 0, w = 9;

	if (!names)
		return SC_FAIL;
	for (char **s = sv; s && *s; s++) {
		char nm[300];

		unit_service_name(*s, nm, sizeof(nm) - 8);
		if (strlen(nm) > 3 && !strcmp(nm + strlen(nm) - 3, ".sh"))
			nm[strlen(nm) - 3] = '\0';
		strcat(nm, ".service");
		(void)units_strv_add(&names, nm, 1);
	}
	for (char **n = names; *n; n++)
		if (strlen(*n) > w)
			w = strlen(*n);
	if (!sc->no_legend)
		printf("%-*s %-15s %s\n", (int)w, "UNIT FILE", "STATE", "VENDOR PRESET");
	for (char **n = names; *n; n++) {
		enum unit_file_state st;
		struct uinfo ui;

		if (!matches(pats, *n) || !type_ok(sc, *n))
			continue;
		memset(&ui, 0, sizeof(ui));
		units_fmt(ui.asked, sizeof(ui.asked), "%s", *n);
		if (unit_read(sc->root, *n, &ui.u) < 0)
			break;
		if (ui.u.load == UNIT_NOT_FOUND) {
			char stem[300];

			unit_service_name(*n, stem, sizeof(stem));
			if (sysv_read(sc->root, stem, &ui.sv) == 0 ||
			    (units_fmt(stem + strlen(stem), sizeof(stem) - strlen(stem), ".sh"),
			     sysv_read(sc->root, stem, &ui.sv) == 0))
				ui.sysv = 1;
		}
		st = ui.sysv ? UFS_GENERATED : unit_file_state(sc->root, *n);
		if (state_ok(sc, unit_file_state_name(st), "", NULL)) {
			printf("%-*s %-15s %s\n", (int)w, *n, unit_file_state_name(st),
			       st == UFS_STATIC || st == UFS_ALIAS || st == UFS_MASKED ||
					       st == UFS_GENERATED || st == UFS_INDIRECT
				       ? "-" : units_preset_says(sc->root, *n) ? "enabled" : "disabled");
			count++;
		}
		uinfo_free(&ui);
	}
	if (!sc->no_legend)
		printf("\n%zu unit files listed.\n", count);
	cfg_free_words(names);
	cfg_free_words(sv);
	return SC_OK;
}

/* ---- enable, disable, mask, unmask, preset ---- */

static int utf8(void)
{
	const char *l = getenv("LC_ALL");

	if (!l || !*l)
		l = getenv("LC_CTYPE");
	if (!l || !*l)
		l = getenv("LANG");
	return l && (strcasestr(l, "utf-8") || strcasestr(l, "utf8"));
}

static void print_changes(const struct sc *sc, const struct unit_changes *c)
{
	for (char **x = c->created; !sc->quiet && x && *x; x++) {
		const char *tab = strchr(*x, '\t');

		fprintf(stderr, "Created symlink %.*s %s %s.\n", (int)(tab - *x), *x,
			utf8() ? "\xe2\x86\x92" : "->", tab + 1);
	}
	for (char **x = c->removed; !sc->quiet && x && *x; x++)
		fprintf(stderr, "Removed \"%s\".\n", *x);
	if (c->error)
		fprintf(stderr, "%s\n", c->error);
}

/* /etc/rcN.d/[SK]01NAME for a script with no unit (or beside one) */
static int rc_links(struct sc *sc, const struct sysv_script *s, int enable)
{
	char dir[32], link[PATH_MAX], target[PATH_MAX];
	int r = 0;

	if (!sc->quiet)
		fprintf(stderr, "Synchronizing state of %s.service with SysV service script (the /etc/rc?.d links).\n",
			s->name);
	for (int lvl = 0; lvl <= 6; lvl++) {
		struct dirent **e = NULL;
		char host[PATH_MAX], script[300];
		int n, want_s = enable && strchr(s->start_levels, '0' + lvl);
		int want_k = strchr(s->stop_levels, '0' + lvl) || (!enable && strchr(s->start_levels, '0' + lvl));
		int fd;

		units_fmt(script, sizeof(script), "%s", strrchr(s->path, '/') + 1);
		units_fmt(dir, sizeof(dir), "/etc/rc%d.d", lvl);
		if (units_host(sc->root, dir, host, sizeof(host)) < 0)
			continue;
		n = scandir(host, &e, NULL, alphasort);
		fd = n >= 0 ? units_open_dir(sc->root, dir, 0, 0, NULL) : -1;
		for (int i = 0; i < n; i++) {
			const char *nm = e[i]->d_name;

			if ((nm[0] == 'S' || nm[0] == 'K') && isdigit((unsigned char)nm[1]) &&
			    isdigit((unsigned char)nm[2]) && !strcmp(nm + 3, script) && fd >= 0 &&
			    !((nm[0] == 'S' && want_s) || (nm[0] == 'K' && want_k && !want_s)))
				(void)unlinkat(fd, nm, 0);
			free(e[i]);
		}
		free(e);
		if (fd >= 0 && (want_s || want_k)) {
			units_fmt(link, sizeof(link), "%c01%s", want_s ? 'S' : 'K', script);
			units_fmt(target, sizeof(target), "../init.d/%s", script);
			if (symlinkat(target, fd, link) < 0 && errno != EEXIST)
				r = -errno;
		}
		if (fd >= 0)
			close(fd);
	}
	return r;
}

static void not_installable(const struct sc *sc)
{
	if (sc->quiet)
		return;
	fprintf(stderr,
		"The unit files have no installation config (WantedBy=, RequiredBy=, Also=,\n"
		"Alias= settings in the [Install] section, and DefaultInstance= for template\n"
		"units). This means they are not meant to be enabled or disabled using systemctl.\n");
}

static int install_verb(struct sc *sc, const char *verb, char **names)
{
	int flags = sc->runtime ? UNITS_INSTALL_RUNTIME : 0, r = SC_OK;
	int enable = !strcmp(verb, "enable") || !strcmp(verb, "reenable");

	for (char **n = names; *n && r == SC_OK; n++) {
		struct unit_changes c = { 0 };
		struct uinfo ui;
		char stem[300];
		int e = 0;

		if (resolve(sc, *n, &ui) < 0)
			return SC_FAIL;
		unit_service_name(ui.asked, stem, sizeof(stem));
		if (!strcmp(verb, "mask"))
			e = units_mask(sc->root, ui.asked, flags, &c);
		else if (!strcmp(verb, "unmask"))
			e = units_unmask(sc->root, ui.asked, flags, &c);
		else if (ui.sysv)
			e = rc_links(sc, &ui.sv, enable);
		else {
			if (!strcmp(verb, "disable") || !strcmp(verb, "reenable"))
				e = units_disable(sc->root, ui.asked, flags, &c);
			if (e == 0 && enable)
				e = units_enable(sc->root, ui.asked, flags, &c);
			if (e == 0 && !strcmp(verb, "preset"))
				e = units_preset(sc->root, ui.asked, sc->preset_mode, &c);
			if (e == 0 && ui.u.load == UNIT_LOADED && !unit_installable(&ui.u) &&
			    (enable || !strcmp(verb, "disable")) && !c.created && !c.removed) {
				char **also = unit_get_words(&ui.u, "Install", "Also");

				if (!also || !also[0])
					not_installable(sc);
				cfg_free_words(also);
			}
			/* a script beside the unit: its links too, as systemd does */
			if (e == 0 && strcmp(verb, "preset") && is_type(&ui, "service")) {
				struct sysv_script sv;

				if (sysv_read(sc->root, stem, &sv) == 0) {
					e = rc_links(sc, &sv, enable);
					sysv_free(&sv);
				}
			}
		}
		print_changes(sc, &c);
		if (e < 0)
			r = SC_FAIL;
		unit_changes_free(&c);
		uinfo_free(&ui);
	}
	if (online(sc) && !sc->no_reload)
		(void)daemon_reload(sc, 0);
	for (char **n = names; r == SC_OK && sc->now && *n; n++)
		r = job(sc, enable ? "start" : "stop", *n);
	return r;
}

/* ---- the command line ---- */

static const char usage[] =
	"systemctl [OPTIONS...] COMMAND [UNIT...]   (pouch-init)\n"
	"\n"
	"Unit commands: start stop restart try-restart reload reload-or-restart\n"
	"  try-reload-or-restart kill status show cat is-active is-failed\n"
	"  list-units daemon-reload is-system-running\n"
	"Unit file commands: enable disable reenable preset mask unmask\n"
	"  is-enabled list-unit-files get-default\n"
	"Options: --no-block -q --quiet --now --root=DIR --runtime --no-legend\n"
	"  --plain -a --all -t --type=T --state=S -p --property=P --value\n"
	"  -s --signal=SIG --kill-who=main|all --no-reload --system --version\n"
	"Without a pouch-init on the control socket (an image build), the unit\n"
	"commands say \"Running in chroot, ignoring command\" and succeed.\n";

static int add_list(char ***l, const char *v)
{
	char buf[1024], *save;

	units_fmt(buf, sizeof(buf), "%s", v);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (units_strv_add(l, t, 0) < 0)
			return -1;
	return 0;
}

/* An option with a value: "--opt=V", "--opt V", "-x V", "-xV" */
static const char *optval(int argc, char **argv, int *i, const char *lng,
			  const char *shrt)
{
	size_t n = strlen(lng);
	const char *a = argv[*i];

	if (!strncmp(a, lng, n) && a[n] == '=')
		return a + n + 1;
	if ((!strcmp(a, lng) || (shrt && !strcmp(a, shrt))) && *i + 1 < argc)
		return argv[++*i];
	if (shrt && !strncmp(a, shrt, 2) && a[2])
		return a + 2;
	return NULL;
}

static int parse_opts(struct sc *sc, int argc, char **argv, char ***rest)
{
	int dashdash = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;

		if (dashdash || a[0] != '-' || !a[1]) {
			if (units_strv_add(rest, a, 0) < 0)
				return -1;
		} else if (!strcmp(a, "--")) {
			dashdash = 1;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			sc->quiet = 1;
		} else if (!strcmp(a, "--no-block")) {
			sc->no_block = 1;
		} else if (!strcmp(a, "--now")) {
			sc->now = 1;
		} else if (!strcmp(a, "--runtime")) {
			sc->runtime = 1;
		} else if (!strcmp(a, "--no-legend")) {
			sc->no_legend = 1;
		} else if (!strcmp(a, "--plain")) {
			sc->plain = 1;
		} else if (!strcmp(a, "-a") || !strcmp(a, "--all")) {
			sc->all = 1;
		} else if (!strcmp(a, "--value")) {
			sc->value = 1;
		} else if (!strcmp(a, "-f") || !strcmp(a, "--force")) {
			sc->force = 1;
		} else if (!strcmp(a, "--no-reload")) {
			sc->no_reload = 1;
		} else if (!strcmp(a, "--failed")) {
			(void)add_list(&sc->states, "failed");
		} else if (!strcmp(a, "--system") || !strcmp(a, "--no-pager") ||
			   !strcmp(a, "--no-ask-password") || !strcmp(a, "--full") ||
			   !strcmp(a, "-l") || !strcmp(a, "--show-types") ||
			   !strcmp(a, "--no-warn")) {
			/* nothing to do: what pouch-init does anyway */
		} else if (!strcmp(a, "--user") || !strcmp(a, "--global") ||
			   !strncmp(a, "--machine", 9) || !strcmp(a, "-M") ||
			   !strncmp(a, "--host", 6) || !strcmp(a, "-H")) {
			fprintf(stderr, "%s: pouch-init's systemctl manages the system's units only\n", a);
			return 1;
		} else if ((v = optval(argc, argv, &i, "--root", NULL))) {
			sc->root = v;
		} else if ((v = optval(argc, argv, &i, "--type", "-t"))) {
			(void)add_list(&sc->types, v);
		} else if ((v = optval(argc, argv, &i, "--state", NULL))) {
			(void)add_list(&sc->states, v);
		} else if ((v = optval(argc, argv, &i, "--property", "-p"))) {
			(void)units_strv_add(&sc->props, v, 0);
		} else if ((v = optval(argc, argv, &i, "--signal", "-s"))) {
			sc->signal = v;
		} else if ((v = optval(argc, argv, &i, "--kill-who", NULL)) ||
			   (v = optval(argc, argv, &i, "--kill-whom", NULL))) {
			sc->kill_who = v;
		} else if ((v = optval(argc, argv, &i, "--preset-mode", NULL))) {
			sc->preset_mode = !strcmp(v, "enable-only") ? 1 : !strcmp(v, "disable-only") ? 2 : 0;
		} else if ((v = optval(argc, argv, &i, "--lines", "-n")) ||
			   (v = optval(argc, argv, &i, "--output", "-o")) ||
			   (v = optval(argc, argv, &i, "--job-mode", NULL))) {
			(void)v; /* there is no journal to show; one job mode */
		} else if (!strcmp(a, "--version")) {
			printf("systemd 252 (pouch-init %s)\n-PAM -AUDIT -SELINUX -APPARMOR -IMA -SMACK -SECCOMP -GCRYPT -GNUTLS -OPENSSL -ACL -BLKID -CURL -ELFUTILS -FIDO2 -IDN2 -IDN -IPTC -KMOD -LIBCRYPTSETUP -LIBFDISK -PCRE2 -PWQUALITY -P11KIT -QRENCODE -TPM2 -BZIP2 -LZ4 -XZ -ZLIB -ZSTD -BPF_FRAMEWORK -XKBCOMMON -UTMP -SYSVINIT default-hierarchy=unified\n",
			       POUCH_VERSION);
			return 2;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 2;
		} else {
			fprintf(stderr, "systemctl: unrecognized option '%s'\n", a);
			return 1;
		}
	}
	return 0;
}

static int each(struct sc *sc, char **names, int (*fn)(struct sc *, const char *, const char *),
		const char *verb)
{
	int r = SC_OK;

	for (char **n = names; *n; n++) {
		int e = fn(sc, verb, *n);

		r = r ? r : e;
	}
	return r;
}

static int kill_one(struct sc *sc, const char *verb, const char *name)
{
	(void)verb;
	return verb_kill(sc, name);
}

static int is_runtime_verb(const char *v)
{
	NAMETAB_BEGIN
	static const char verbs[][22] = {
		"start", "stop", "restart", "try-restart", "reload",
		"reload-or-restart", "try-reload-or-restart", "force-reload",
		"condrestart", "kill", "daemon-reload", "daemon-reexec",
		"reset-failed",
	};
	NAMETAB_END

	for (size_t i = 0; i < sizeof(verbs) / sizeof(*verbs); i++)
		if (!strcmp(v, verbs[i]))
			return 1;
	return 0;
}

static int needs_units(const char *verb, char **names)
{
	if (*names || !strcmp(verb, "daemon-reload") || !strcmp(verb, "daemon-reexec") ||
	    !strcmp(verb, "reset-failed"))
		return 0;
	fprintf(stderr, "Too few arguments.\n");
	return 1;
}

static int dispatch(struct sc *sc, const char *verb, char **names)
{
	if (is_runtime_verb(verb) && needs_units(verb, names))
		return SC_USAGE;
	if (is_runtime_verb(verb) && !online(sc))
		return chroot_noop(verb);
	if (!strcmp(verb, "force-reload"))
		verb = "try-reload-or-restart";
	if (!strcmp(verb, "condrestart"))
		verb = "try-restart";
	if (!strcmp(verb, "start") || !strcmp(verb, "stop") || !strcmp(verb, "restart") ||
	    !strcmp(verb, "try-restart") || !strcmp(verb, "reload") ||
	    !strcmp(verb, "reload-or-restart") || !strcmp(verb, "try-reload-or-restart"))
		return each(sc, names, job, verb);
	if (!strcmp(verb, "kill"))
		return each(sc, names, kill_one, verb);
	if (!strcmp(verb, "daemon-reload"))
		return daemon_reload(sc, 1);
	if (!strcmp(verb, "daemon-reexec") || !strcmp(verb, "reset-failed"))
		return SC_OK; /* nothing to re-execute; failures are reset by a start */
	if (!strcmp(verb, "is-active"))
		return *names ? verb_is_active(sc, names, 0) : SC_USAGE;
	if (!strcmp(verb, "is-failed"))
		return *names ? verb_is_active(sc, names, 1) : SC_USAGE;
	if (!strcmp(verb, "is-enabled"))
		return *names ? verb_is_enabled(sc, names) : SC_USAGE;
	if (!strcmp(verb, "status"))
		return verb_status(sc, names);
	if (!strcmp(verb, "show"))
		return verb_show(sc, names);
	if (!strcmp(verb, "cat"))
		return *names ? verb_cat(sc, names) : SC_USAGE;
	if (!strcmp(verb, "list-units"))
		return verb_list_units(sc, names);
	if (!strcmp(verb, "list-unit-files"))
		return verb_list_unit_files(sc, names);
	if (!strcmp(verb, "enable") || !strcmp(verb, "disable") || !strcmp(verb, "reenable") ||
	    !strcmp(verb, "mask") || !strcmp(verb, "unmask") || !strcmp(verb, "preset"))
		return *names ? install_verb(sc, verb, names) : SC_USAGE;
	if (!strcmp(verb, "is-system-running")) {
		const char *st = online(sc) ? "running" : "offline";

		if (!sc->quiet)
			printf("%s\n", st);
		return online(sc) ? SC_OK : SC_FAIL;
	}
	if (!strcmp(verb, "get-default")) {
		char t[PATH_MAX];

		if (units_readlink(sc->root, UNITS_ETC "/default.target", t, sizeof(t)) < 0 &&
		    units_readlink(sc->root, "/lib/systemd/system/default.target", t, sizeof(t)) < 0)
			units_fmt(t, sizeof(t), "multi-user.target");
		printf("%s\n", strrchr(t, '/') ? strrchr(t, '/') + 1 : t);
		return SC_OK;
	}
	fprintf(stderr, "Unknown command verb '%s'.\n", verb);
	return SC_USAGE;
}

int systemctl_main(int argc, char **argv)
{
	struct sc sc = { .online = -1 };
	char **rest = NULL;
	int r;

	log_set_prog("systemctl");
	r = parse_opts(&sc, argc, argv, &rest);
	if (r == 0 && (!rest || !rest[0]))
		r = dispatch(&sc, "list-units", (char *[]){ NULL });
	else if (r == 0)
		r = dispatch(&sc, rest[0], rest + 1);
	else
		r = r == 2 ? SC_OK : SC_USAGE;
	cfg_free_words(rest);
	cfg_free_words(sc.types);
	cfg_free_words(sc.states);
	cfg_free_words(sc.props);
	return r;
}

/* ---- service ---- */

static int status_all(void)
{
	char **names = sysv_list(NULL);
	struct sc sc = { .online = -1, .quiet = 1 };

	for (char **n = names; n && *n; n++) {
		const char *active, *sub;
		struct uinfo ui;
		char nm[300];

		unit_service_name(*n, nm, sizeof(nm));
		if (resolve(&sc, nm, &ui) < 0)
			break;
		active_state(&sc, &ui, &active, &sub);
		printf(" [ %s ]  %s\n", !online(&sc) ? "?" : !strcmp(active, "active") ? "+" : "-", *n);
		uinfo_free(&ui);
	}
	cfg_free_words(names);
	return 0;
}

int service_main(int argc, char **argv)
{
	NAMETAB_BEGIN
	static const char mapped[][13] = { "start", "stop", "restart", "reload",
					   "force-reload", "try-restart", "status" };
	NAMETAB_END
	char *args[8];
	char path[PATH_MAX];

	log_set_prog("service");
	if (argc > 1 && !strcmp(argv[1], "--status-all"))
		return status_all();
	if (argc > 1 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-h") ||
			 !strcmp(argv[1], "--help"))) {
		printf("Usage: service < option > | --status-all | [ service_name [ command | --full-restart ] ]\n");
		return 0;
	}
	if (argc < 3) {
		fprintf(stderr, "Usage: service < option > | --status-all | [ service_name [ command | --full-restart ] ]\n");
		return 1;
	}
	if (!strcmp(argv[2], "--full-restart"))
		argv[2] = "restart";
	for (size_t i = 0; i < sizeof(mapped) / sizeof(*mapped); i++) {
		if (strcmp(argv[2], mapped[i]))
			continue;
		args[0] = "systemctl";
		args[1] = argv[2];
		args[2] = argv[1];
		args[3] = NULL;
		return systemctl_main(3, args);
	}
	/* another action: the script's own, as Debian's service runs it */
	units_fmt(path, sizeof(path), "/etc/init.d/%s", argv[1]);
	if (access(path, X_OK) == 0) {
		argv[1] = path;
		execv(path, argv + 1);
		fprintf(stderr, "service: unable to run %s: %s\n", path, strerror(errno));
		return 1;
	}
	fprintf(stderr, "%s: unrecognized service\n", argv[1]);
	return 1;
}
