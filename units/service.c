// SPDX-License-Identifier: MIT
/*
 * A unit's assignments, in order (fragment, then drop-ins), as a struct
 * cfg_service: one row a key. Every key is either used or reported as
 * "FILE:LINE: KEY=VALUE: not applied (why)" in cfg's notes, never
 * silently dropped; a sandboxing or resource key set to its "off" value
 * is what pouch-init does anyway and counts as used. A bad value is
 * ignored with a note, as systemd ignores it. What makes the unit
 * impossible to run (no ExecStart=, DynamicUser=yes) refuses it, with a
 * warning.
 */
#include "units.h"
#include "units-internal.h"
#include "config/nametab.h"
#include "config/values.h"
#include "init/signames.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

NAMETAB_BEGIN
const char dep_key[DEP_NKINDS][21] = {
	"After", "Before", "Requires", "Requisite", "Wants", "BindsTo",
	"PartOf", "Conflicts", "ReloadPropagatedFrom", "PropagatesReloadTo",
};
NAMETAB_END

/* What is set here is stored in a service of cfg->svcs, which
 * cfg_new_service() realloc'd: gcc 12's analyzer loses it there and calls
 * every string stored into it leaked (cfg_free_service() frees them). */
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif

struct conv {
	struct cfg *cfg;
	const struct cfg_sources *src;
	const struct unit *u;
	struct cfg_service *s;
	struct unit_deps *deps;
	struct unit_spec sp;
	const struct unit_kv *kv;	/* the assignment at hand */
	const char *v;			/* its value, specifiers resolved */
	int refused;
	int nomem;
	int perms_start_only;
	int bounding_set, ambient_set;
	int err_set;			/* StandardError= given */
};

static const char *file_of(const struct conv *c)
{
	return c->u->files[c->kv->file];
}

/* "FILE:LINE: Key=value: not applied (why)" */
static void note(struct conv *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(struct conv *c, const char *fmt, ...)
{
	char why[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	cfg_note(c->cfg, file_of(c), c->kv->line, "%s=%.80s%s: %s",
		 c->kv->key, c->kv->value, strlen(c->kv->value) > 80 ? "..." : "",
		 why);
}

static void not_applied(struct conv *c, const char *why)
{
	note(c, "not applied (%s)", why);
}

static void bad_value(struct conv *c, const char *why)
{
	note(c, "bad value, ignored as systemd ignores it (%s)", why);
}

static void refuse(struct conv *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void refuse(struct conv *c, const char *fmt, ...)
{
	char why[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (c->kv)
		cfg_warn(c->cfg, file_of(c), c->kv->line, "unit %s is not run: %s",
			 c->u->id, why);
	else
		cfg_warn(c->cfg, c->u->path, 0, "unit %s is not run: %s",
			 c->u->id, why);
	c->refused = 1;
}

static int is_off(const char *v)
{
	int b;

	return !*v || (unit_parse_bool(v, &b) == 0 && !b);
}

static char *dup_or_fail(struct conv *c, const char *v)
{
	char *d = strdup(v);

	if (!d)
		c->nomem = 1;
	return d;
}

static void set_str(struct conv *c, char **dst, const char *v)
{
	free(*dst);
	*dst = *v ? dup_or_fail(c, v) : NULL;
}

/* ---- [Unit] ---- */

static void k_description(struct conv *c)
{
	set_str(c, &c->s->description, c->v);
}

static void k_used(struct conv *c)
{
	(void)c; /* read where it matters (systemctl, enable, the loader) */
}

static enum dep_kind dep_of(const char *key)
{
	for (int k = 0; k < DEP_NKINDS; k++)
		if (!strcmp(key, dep_key[k]))
			return (enum dep_kind)k;
	return DEP_AFTER;
}

static void k_dep(struct conv *c)
{
	const char *why;
	char **w = unit_split(c->v, &why);
	enum dep_kind kind = dep_of(c->kv->key);
	struct unit_dep *nv;

	if (!w) {
		bad_value(c, why);
		return;
	}
	for (size_t i = 0; w[i]; i++) {
		char name[300];

		unit_name_mangle(w[i], name, sizeof(name));
		nv = realloc(c->deps->v, (c->deps->n + 1) * sizeof(*nv));
		if (!nv) {
			c->nomem = 1;
			break;
		}
		c->deps->v = nv;
		nv += c->deps->n;
		nv->kind = kind;
		nv->name = strdup(name);
		nv->file = strdup(file_of(c));
		nv->line = c->kv->line;
		if (!nv->name || !nv->file) {
			free(nv->name);
			free(nv->file);
			c->nomem = 1;
			break;
		}
		c->deps->n++;
	}
	cfg_free_words(w);
}

static void k_failure_action(struct conv *c)
{
	NAMETAB_BEGIN
	static const char stops[][19] = {
		"exit", "exit-force", "poweroff", "poweroff-force",
		"poweroff-immediate", "reboot", "reboot-force",
		"reboot-immediate", "halt", "halt-force", "halt-immediate",
		"kexec", "kexec-force", "soft-reboot", "soft-reboot-force",
	};
	NAMETAB_END

	if (!*c->v || !strcmp(c->v, "none")) {
		c->s->essential = 0;
		return;
	}
	for (size_t i = 0; i < sizeof(stops) / sizeof(*stops); i++) {
		if (!strcmp(c->v, stops[i])) {
			c->s->essential = 1;
			if (strcmp(c->v, "exit") && strcmp(c->v, "exit-force"))
				note(c, "applied as essential = yes: the container stops with status 1");
			return;
		}
	}
	bad_value(c, "an action systemd knows");
}

static void k_start_limit_interval(struct conv *c)
{
	int64_t ms;

	if (unit_parse_timespan(c->v, 1000, &ms) < 0) {
		bad_value(c, "a time span");
		return;
	}
	c->s->start_limit_window_ms = ms < 0 ? 0 : ms; /* 0: no limit */
}

static void k_start_limit_burst(struct conv *c)
{
	char *end;
	long n = strtol(c->v, &end, 10);

	if (*end || end == c->v || n < 0 || n > INT_MAX) {
		bad_value(c, "a number");
		return;
	}
	c->s->start_limit = n ? (int)n : INT_MAX;
}

/* ---- conditions ---- */

NAMETAB_BEGIN
static const struct {
	char name[23];
	enum cfg_cond_kind kind;
} cond_names[] = {
	{ "PathExists", COND_PATH_EXISTS },
	{ "PathExistsGlob", COND_PATH_EXISTS_GLOB },
	{ "PathIsDirectory", COND_PATH_IS_DIRECTORY },
	{ "PathIsSymbolicLink", COND_PATH_IS_SYMBOLIC_LINK },
	{ "PathIsMountPoint", COND_PATH_IS_MOUNT_POINT },
	{ "PathIsReadWrite", COND_PATH_IS_READ_WRITE },
	{ "PathIsEncrypted", COND_PATH_IS_ENCRYPTED },
	{ "DirectoryNotEmpty", COND_DIRECTORY_NOT_EMPTY },
	{ "FileNotEmpty", COND_FILE_NOT_EMPTY },
	{ "FileIsExecutable", COND_FILE_IS_EXECUTABLE },
	{ "User", COND_USER },
	{ "Group", COND_GROUP },
	{ "Virtualization", COND_VIRTUALIZATION },
	{ "Capability", COND_CAPABILITY },
	{ "KernelCommandLine", COND_KERNEL_COMMAND_LINE },
	{ "Host", COND_HOST },
	{ "Architecture", COND_ARCHITECTURE },
	{ "Environment", COND_ENVIRONMENT },
	{ "Security", COND_SECURITY },
	{ "FirstBoot", COND_FIRST_BOOT },
	{ "NeedsUpdate", COND_NEEDS_UPDATE },
	{ "ACPower", COND_AC_POWER },
	{ "ControlGroupController", COND_CONTROL_GROUP_CONTROLLER },
	{ "KernelVersion", COND_KERNEL_VERSION },
	{ "OSRelease", COND_OS_RELEASE },
	{ "Credential", COND_CREDENTIAL },
	{ "Memory", COND_MEMORY },
	{ "CPUs", COND_CPUS },
	{ "CPUFeature", COND_CPU_FEATURE },
	{ "Firmware", COND_FIRMWARE },
	{ "CPUPressure", COND_CPU_PRESSURE },
	{ "MemoryPressure", COND_MEMORY_PRESSURE },
	{ "IOPressure", COND_IO_PRESSURE },
};
NAMETAB_END

/* Condition* or Assert*: 1 handled, 0 not such a key */
static int k_condition(struct conv *c)
{
	const char *key = c->kv->key, *v = c->v;
	int assert = !strncmp(key, "Assert", 6);
	struct cfg_cond *nc;
	size_t k;

	if (strncmp(key, "Condition", 9) && !assert)
		return 0;
	key += assert ? 6 : 9;
	for (k = 0; k < sizeof(cond_names) / sizeof(*cond_names); k++)
		if (!strcmp(key, cond_names[k].name))
			break;
	if (k == sizeof(cond_names) / sizeof(*cond_names))
		return 0;
	if (!*v) { /* an empty one resets the list */
		size_t o = 0;

		for (size_t i = 0; i < c->s->nconds; i++) {
			if (c->s->conds[i].assert == assert) {
				free(c->s->conds[i].arg);
				free(c->s->conds[i].file);
			} else {
				c->s->conds[o++] = c->s->conds[i];
			}
		}
		c->s->nconds = o;
		return 1;
	}
	nc = realloc(c->s->conds, (c->s->nconds + 1) * sizeof(*nc));
	if (!nc) {
		c->nomem = 1;
		return 1;
	}
	c->s->conds = nc;
	nc += c->s->nconds;
	memset(nc, 0, sizeof(*nc));
	nc->kind = cond_names[k].kind;
	nc->assert = assert;
	if (*v == '|') {
		nc->trigger = 1;
		v++;
	}
	if (*v == '!') {
		nc->negate = 1;
		v++;
	}
	nc->arg = dup_or_fail(c, v);
	nc->file = dup_or_fail(c, file_of(c));
	nc->line = c->kv->line;
	c->s->nconds++;
	if (!units_cond_known(nc->kind))
		note(c, "not evaluated: taken as met");
	return 1;
}

/* ---- [Service] ---- */

static void k_type(struct conv *c)
{
	const char *v = c->v;

	if (!strcmp(v, "simple") || !strcmp(v, "exec") || !*v)
		c->s->type = TYPE_SIMPLE;
	else if (!strcmp(v, "idle")) {
		c->s->type = TYPE_SIMPLE;
		note(c, "started as Type=simple (pouch-init does not hold it back until the other starts are done)");
	} else if (!strcmp(v, "forking"))
		c->s->type = TYPE_FORKING;
	else if (!strcmp(v, "oneshot"))
		c->s->type = TYPE_ONESHOT;
	else if (!strcmp(v, "notify"))
		c->s->type = TYPE_NOTIFY;
	else if (!strcmp(v, "dbus")) {
		c->s->type = TYPE_SIMPLE;
		note(c, "started as Type=simple: there is no D-Bus name to wait for");
	} else
		bad_value(c, "simple, exec, forking, oneshot, notify, idle, dbus");
}

static void k_bool(struct conv *c, int *dst)
{
	int b;

	if (!*c->v)
		return;
	if (unit_parse_bool(c->v, &b) < 0)
		bad_value(c, "a boolean");
	else
		*dst = b;
}

static void k_remain(struct conv *c)
{
	k_bool(c, &c->s->remain_after_exit);
}

static void k_guess(struct conv *c)
{
	k_bool(c, &c->s->guess_main_pid);
}

static void k_pidfile(struct conv *c)
{
	char buf[PATH_MAX];

	if (!*c->v) {
		set_str(c, &c->s->pidfile, "");
		return;
	}
	/* a relative one is under /run (systemd) */
	units_fmt(buf, sizeof(buf), "%s%s", c->v[0] == '/' ? "" : "/run/", c->v);
	set_str(c, &c->s->pidfile, buf);
}

static struct cfg_cmds *exec_list(struct conv *c)
{
	const char *k = c->kv->key;

	if (!strcmp(k, "ExecStart"))
		return &c->s->start;
	if (!strcmp(k, "ExecStartPre"))
		return &c->s->start_pre;
	if (!strcmp(k, "ExecStartPost"))
		return &c->s->start_post;
	if (!strcmp(k, "ExecCondition"))
		return &c->s->exec_condition;
	if (!strcmp(k, "ExecReload"))
		return &c->s->reload;
	if (!strcmp(k, "ExecStop"))
		return &c->s->stop;
	return &c->s->stop_post;
}

static void k_exec(struct conv *c)
{
	const char *why;
	int r = unit_parse_exec(&c->sp, c->kv->value, exec_list(c), file_of(c),
				c->kv->line, &why);

	if (r == -ENOMEM)
		c->nomem = 1;
	else if (r < 0)
		bad_value(c, why);
}

static void k_restart_sec(struct conv *c)
{
	int64_t ms;

	if (unit_parse_timespan(c->v, 1000, &ms) < 0 || ms < 0) {
		bad_value(c, "a time span");
		return;
	}
	c->s->restart_delay_ms = c->s->restart_delay_max_ms = ms;
}

/* TimeoutStartSec=, TimeoutStopSec=, TimeoutSec= (both) */
static void k_timeout(struct conv *c)
{
	const char *k = c->kv->key;
	int64_t ms;

	if (unit_parse_timespan(c->v, 1000, &ms) < 0) {
		bad_value(c, "a time span");
		return;
	}
	if (ms < 0)
		ms = 0; /* infinity: none, as 0 */
	if (strcmp(k, "TimeoutStopSec"))
		c->s->ready_timeout_ms = ms;
	if (strcmp(k, "TimeoutStartSec"))
		c->s->stop_timeout_ms = ms;
}

static void k_runtime_max(struct conv *c)
{
	int64_t ms;

	if (unit_parse_timespan(c->v, 1000, &ms) < 0) {
		bad_value(c, "a time span");
		return;
	}
	c->s->runtime_max_ms = ms < 0 ? 0 : ms;
}

static void k_watchdog(struct conv *c)
{
	int64_t ms;

	if (unit_parse_timespan(c->v, 1000, &ms) == 0 && ms == 0)
		return;
	not_applied(c, "pouch-init has no watchdog: WATCHDOG=1 is not required");
}

static void k_restart(struct conv *c)
{
	NAMETAB_BEGIN
	static const struct {
		char name[12];
		enum cfg_restart r;
	} v[] = {
		{ "no", RESTART_NEVER }, { "always", RESTART_ALWAYS },
		{ "on-success", RESTART_ON_SUCCESS },
		{ "on-failure", RESTART_ON_FAILURE },
		{ "on-abnormal", RESTART_ON_ABNORMAL },
		{ "on-abort", RESTART_ON_ABORT },
		{ "on-watchdog", RESTART_ON_WATCHDOG },
	};
	NAMETAB_END

	for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
		if (!strcmp(c->v, v[i].name)) {
			c->s->restart = v[i].r;
			c->s->has_restart = 1;
			if (v[i].r == RESTART_ON_WATCHDOG)
				note(c, "never restarted for it: pouch-init has no watchdog");
			return;
		}
	}
	bad_value(c, "no, always, on-success, on-failure, on-abnormal, on-abort, on-watchdog");
}

static void k_status_set(struct conv *c)
{
	struct cfg_status_set *set = !strcmp(c->kv->key, "SuccessExitStatus")
					     ? &c->s->success_status
				     : !strcmp(c->kv->key, "RestartPreventExitStatus")
					     ? &c->s->restart_prevent
					     : &c->s->restart_force;
	const char *why;
	char **w = unit_split(c->v, &why);

	if (!w) {
		bad_value(c, why);
		return;
	}
	if (!w[0])
		memset(set, 0, sizeof(*set));
	for (size_t i = 0; w[i]; i++) {
		char *end;
		long n = strtol(w[i], &end, 10);
		int sig;

		if (!*end && end != w[i] && n >= 0 && n <= 255)
			set->code[n / 8] |= (uint8_t)(1u << (n % 8));
		else if ((sig = sig_parse(w[i], 0)) > 0 && sig <= 64)
			set->sigs |= 1ULL << (sig - 1);
		else
			bad_value(c, "exit statuses (0..255) and signal names");
	}
	cfg_free_words(w);
}

static void k_notify_access(struct conv *c)
{
	if (strcmp(c->v, "all") && strcmp(c->v, "exec"))
		note(c, "taken as all: notifications are accepted from every process of the service");
}

static void k_perms_start_only(struct conv *c)
{
	k_bool(c, &c->perms_start_only);
}

/* ---- exec ---- */

static void k_user(struct conv *c)
{
	int is_user = !strcmp(c->kv->key, "User");

	set_str(c, is_user ? &c->s->user : &c->s->group, c->v);
	if (is_user) {
		c->s->has_user = *c->v != 0;
		c->s->user_line = c->kv->line;
	} else {
		c->s->has_group = *c->v != 0;
		c->s->group_line = c->kv->line;
	}
}

static void k_dynamic_user(struct conv *c)
{
	int b = 0;

	if (unit_parse_bool(c->v, &b) < 0 && *c->v)
		bad_value(c, "a boolean");
	else if (b)
		refuse(c, "DynamicUser=yes: pouch-init allocates no users (give it a User= that exists in the image, in a drop-in)");
}

static void k_words_list(struct conv *c, char ***dst)
{
	const char *why;
	char **w = unit_split(c->v, &why);

	if (!w) {
		bad_value(c, why);
		return;
	}
	if (!w[0]) {
		cfg_free_words(*dst);
		*dst = NULL;
	}
	for (size_t i = 0; w[i]; i++)
		if (units_strv_add(dst, w[i], 1) < 0)
			c->nomem = 1;
	cfg_free_words(w);
}

static void k_supp_groups(struct conv *c)
{
	k_words_list(c, &c->s->supp_groups);
}

static void k_unset_env(struct conv *c)
{
	k_words_list(c, &c->s->unset_env);
}

static void k_workdir(struct conv *c)
{
	const char *v = c->v;

	c->s->workdir_optional = *v == '-';
	v += *v == '-';
	c->s->workdir_home = !strcmp(v, "~");
	if (c->s->workdir_home || !*v) {
		set_str(c, &c->s->workdir, "/");
		return;
	}
	if (*v != '/') {
		bad_value(c, "an absolute path, or ~");
		return;
	}
	set_str(c, &c->s->workdir, v);
}

static void k_umask(struct conv *c)
{
	char *end;
	long m = strtol(c->v, &end, 8);

	if (*end || end == c->v || m < 0 || m > 0777)
		bad_value(c, "an octal mode");
	else {
		c->s->umask = (mode_t)m;
		c->s->has_umask = 1;
	}
}

static int valid_env(const char *kv)
{
	const char *eq = strchr(kv, '=');

	if (!eq || eq == kv || isdigit((unsigned char)*kv))
		return 0;
	for (const char *p = kv; p < eq; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return 0;
	return 1;
}

static void k_environment(struct conv *c)
{
	const char *why;
	char **w = unit_split(c->v, &why);

	if (!w) {
		bad_value(c, why);
		return;
	}
	if (!w[0]) {
		cfg_free_words(c->s->env);
		c->s->env = NULL;
	}
	for (size_t i = 0; w[i]; i++) {
		if (!valid_env(w[i]))
			bad_value(c, "KEY=VALUE assignments");
		else if (cfg_env_set(&c->s->env, w[i]) < 0)
			c->nomem = 1;
	}
	cfg_free_words(w);
}

static void k_env_file(struct conv *c)
{
	const char *v = c->v;

	if (!*v) {
		cfg_free_words(c->s->env_files);
		c->s->env_files = NULL;
		return;
	}
	if (v[*v == '-'] != '/') {
		bad_value(c, "an absolute path, '-' before it when it may be missing");
		return;
	}
	if (units_strv_add(&c->s->env_files, v, 0) < 0)
		c->nomem = 1;
}

static void k_stdin(struct conv *c)
{
	if (strcmp(c->v, "null") && *c->v)
		not_applied(c, "a service's stdin is /dev/null");
}

/* StandardOutput= / StandardError= as pouch outputs */
static void k_output(struct conv *c)
{
	int err = !strcmp(c->kv->key, "StandardError");
	struct cfg_output *o = err ? &c->s->err : &c->s->out;
	const char *v = c->v;

	if (err)
		c->err_set = 1;
	free(o->path);
	o->path = NULL;
	if (!*v || !strcmp(v, "journal") || !strcmp(v, "syslog") ||
	    !strcmp(v, "kmsg") || !strcmp(v, "journal+console") ||
	    !strcmp(v, "syslog+console") || !strcmp(v, "kmsg+console") ||
	    !strcmp(v, "console")) {
		o->kind = OUT_PREFIX;
		if (*v && strcmp(v, "journal") && strcmp(v, "journal+console"))
			note(c, "written as the journal would be: prefixed lines on pouch-init's output");
	} else if (!strcmp(v, "null")) {
		o->kind = OUT_NULL;
	} else if (!strcmp(v, "inherit")) {
		/* stdout: stdin's (/dev/null); stderr: stdout's */
		if (err)
			c->err_set = 0;
		else
			o->kind = OUT_NULL;
	} else if (!strncmp(v, "append:", 7) || !strncmp(v, "file:", 5) ||
		   !strncmp(v, "truncate:", 9)) {
		const char *colon = strchr(v, ':'), *path = colon ? colon + 1 : v;

		if (*path != '/') {
			bad_value(c, "an absolute path");
			return;
		}
		o->kind = OUT_FILE;
		o->path = dup_or_fail(c, path);
		if (strncmp(v, "append:", 7))
			note(c, "appended to, as append: is (pouch-init's file output)");
	} else {
		o->kind = OUT_PREFIX;
		not_applied(c, "tty, socket and fd: outputs are not supported: prefixed lines on pouch-init's output");
	}
}

static int rlimit_index(const char *key, int *resource)
{
	NAMETAB_BEGIN
	static const struct {
		char key[16];
		int res;
	} v[] = {
		{ "LimitNOFILE", RLIMIT_NOFILE }, { "LimitNPROC", RLIMIT_NPROC },
		{ "LimitCORE", RLIMIT_CORE }, { "LimitMEMLOCK", RLIMIT_MEMLOCK },
		{ "LimitAS", RLIMIT_AS }, { "LimitCPU", RLIMIT_CPU },
		{ "LimitFSIZE", RLIMIT_FSIZE }, { "LimitDATA", RLIMIT_DATA },
		{ "LimitSTACK", RLIMIT_STACK }, { "LimitRSS", RLIMIT_RSS },
		{ "LimitLOCKS", RLIMIT_LOCKS },
		{ "LimitSIGPENDING", RLIMIT_SIGPENDING },
		{ "LimitMSGQUEUE", RLIMIT_MSGQUEUE },
		{ "LimitNICE", RLIMIT_NICE }, { "LimitRTPRIO", RLIMIT_RTPRIO },
		{ "LimitRTTIME", RLIMIT_RTTIME },
	};
	NAMETAB_END

	for (int i = 0; i < (int)(sizeof(v) / sizeof(*v)); i++)
		if (!strcmp(key, v[i].key)) {
			*resource = v[i].res;
			return i;
		}
	return -1;
}

/* One side of a Limit*= value */
static int limit_value(int resource, const char *s, uint64_t *out)
{
	int64_t ms;
	char *end;
	long n;

	if (!strcmp(s, "infinity")) {
		*out = RLIM_INFINITY;
		return 0;
	}
	if (resource == RLIMIT_CPU || resource == RLIMIT_RTTIME) {
		if (unit_parse_timespan(s, resource == RLIMIT_CPU ? 1000 : 0, &ms) < 0 ||
		    ms < 0)
			return -EINVAL;
		if (resource == RLIMIT_RTTIME) {
			/* microseconds; a bare number already is */
			n = strtol(s, &end, 10);
			*out = !*end && end != s ? (uint64_t)n : (uint64_t)ms * 1000;
		} else {
			*out = (uint64_t)(ms + 999) / 1000;
		}
		return 0;
	}
	if (resource == RLIMIT_NICE && (*s == '+' || *s == '-')) {
		n = strtol(s, &end, 10);
		if (*end || n < -20 || n > 19)
			return -EINVAL;
		*out = (uint64_t)(20 - n);
		return 0;
	}
	return cfg_parse_size(s, out);
}

static void k_limit(struct conv *c)
{
	int resource, i = rlimit_index(c->kv->key, &resource);
	char soft[128], *colon;
	uint64_t a, b;

	if (i < 0)
		return;
	units_fmt(soft, sizeof(soft), "%s", c->v);
	colon = strchr(soft, ':');
	if (colon)
		*colon++ = '\0';
	if (limit_value(resource, soft, &a) < 0 ||
	    limit_value(resource, colon ? colon : soft, &b) < 0 || a > b) {
		bad_value(c, "N, SOFT:HARD or infinity");
		return;
	}
	if (!c->s->rlimits &&
	    !(c->s->rlimits = calloc(CFG_NRLIMITS, sizeof(*c->s->rlimits)))) {
		c->nomem = 1;
		return;
	}
	c->s->rlimits[i].set = 1;
	c->s->rlimits[i].resource = resource;
	c->s->rlimits[i].lim.rlim_cur = a;
	c->s->rlimits[i].lim.rlim_max = b;
}

static void k_caps(struct conv *c)
{
	int bounding = !strcmp(c->kv->key, "CapabilityBoundingSet");
	uint64_t *mask = bounding ? &c->s->cap_bounding : &c->s->cap_ambient;
	int *has = bounding ? &c->s->has_cap_bounding : &c->s->has_cap_ambient;
	int *seen = bounding ? &c->bounding_set : &c->ambient_set;
	const char *v = c->v, *why;
	int invert = *v == '~';
	uint64_t caps = 0;
	char **w;

	*has = 1;
	if (!*v) {
		*mask = 0;
		*seen = 1;
		return;
	}
	w = unit_split(v + invert, &why);
	if (!w) {
		bad_value(c, why);
		return;
	}
	for (size_t i = 0; w[i]; i++) {
		int cap;

		if (cfg_parse_cap(w[i], &cap) < 0 || cap < 0 || cap > 63) {
			bad_value(c, "capability names");
			continue;
		}
		caps |= 1ULL << cap;
	}
	cfg_free_words(w);
	if (!*seen)
		*mask = invert ? ~0ULL : 0;
	*seen = 1;
	if (invert)
		*mask &= ~caps;
	else
		*mask |= caps;
}

static void k_nnp(struct conv *c)
{
	k_bool(c, &c->s->no_new_privs);
}

/* An integer in lo..hi into *out (and *has), or said as a bad value. */
static void int_in(struct conv *c, long lo, long hi, const char *range,
		   int *has, int *out)
{
	char *end;
	long n = strtol(c->v, &end, 10);

	if (*end || end == c->v || n < lo || n > hi) {
		bad_value(c, range);
		return;
	}
	*has = 1;
	*out = (int)n;
}

static void k_nice(struct conv *c)
{
	int_in(c, -20, 19, "-20..19", &c->s->has_nice, &c->s->nice);
}

static void k_oom(struct conv *c)
{
	int_in(c, -1000, 1000, "-1000..1000", &c->s->has_oom_score_adjust,
	       &c->s->oom_score_adjust);
}

static int dir_kind(const char *key, int *is_mode)
{
	NAMETAB_BEGIN
	static const char names[CFG_NDIRS][14] = {
		"Runtime", "State", "Cache", "Logs", "Configuration",
	};
	NAMETAB_END

	for (int i = 0; i < CFG_NDIRS; i++) {
		size_t n = strlen(names[i]);

		if (strncmp(key, names[i], n) || strncmp(key + n, "Directory", 9))
			continue;
		if (!key[n + 9] || !strcmp(key + n + 9, "Mode")) {
			*is_mode = key[n + 9] != 0;
			return i;
		}
	}
	return -1;
}

static void k_dirs(struct conv *c)
{
	int is_mode, k = dir_kind(c->kv->key, &is_mode);
	struct cfg_dirs *d = &c->s->dirs[k];
	const char *why;
	char **w, *end;
	long m;

	if (is_mode) {
		m = strtol(c->v, &end, 8);
		if (*end || end == c->v || m < 0 || m > 07777)
			bad_value(c, "an octal mode");
		else
			d->mode = (mode_t)m;
		return;
	}
	w = unit_split(c->v, &why);
	if (!w) {
		bad_value(c, why);
		return;
	}
	if (!w[0]) {
		cfg_free_words(d->names);
		d->names = NULL;
	}
	for (size_t i = 0; w[i]; i++) {
		if (w[i][0] == '/' || strstr(w[i], "..") || strchr(w[i], ':'))
			bad_value(c, "names relative to the base directory (no '..', no ':' symlink forms)");
		else if (units_strv_add(&d->names, w[i], 1) < 0)
			c->nomem = 1;
	}
	cfg_free_words(w);
}

static void k_preserve(struct conv *c)
{
	int b;

	if (!strcmp(c->v, "restart"))
		c->s->runtime_preserve = 2;
	else if (unit_parse_bool(c->v, &b) == 0)
		c->s->runtime_preserve = b;
	else
		bad_value(c, "no, yes, restart");
}

static void k_kill_mode(struct conv *c)
{
	if (!strcmp(c->v, "control-group"))
		c->s->kill_mode = KILL_GROUP;
	else if (!strcmp(c->v, "mixed"))
		c->s->kill_mode = KILL_MIXED;
	else if (!strcmp(c->v, "process"))
		c->s->kill_mode = KILL_PROCESS;
	else if (!strcmp(c->v, "none")) {
		c->s->kill_mode = KILL_PROCESS;
		note(c, "taken as process: the main process gets the stop signal (none is deprecated in systemd)");
	} else
		bad_value(c, "control-group, mixed, process");
}

static void k_kill_signal(struct conv *c)
{
	int sig = sig_parse(c->v, 0);

	if (sig <= 0 || sig == SIGKILL || sig == SIGSTOP)
		bad_value(c, "a signal");
	else
		c->s->stop_signal = sig;
}

static void k_final_kill(struct conv *c)
{
	if (sig_parse(c->v, 0) != SIGKILL)
		not_applied(c, "the final signal is SIGKILL");
}

static void k_sigkill(struct conv *c)
{
	k_bool(c, &c->s->send_sigkill);
}

static void k_sighup(struct conv *c)
{
	k_bool(c, &c->s->send_sighup);
}

static void k_sigpipe(struct conv *c)
{
	int b = 1;

	k_bool(c, &b);
	c->s->sigpipe = b ? 1 : 2;
}

/* ---- the table ---- */

enum kind { K_FN, K_SANDBOX, K_RESOURCE, K_LOG, K_NOTE };

/* The handlers of K_FN keys: F_NAME calls k_NAME() */
#define KEY_FNS(X)                                                    \
	X(description) X(used) X(dep) X(start_limit_interval)         \
	X(start_limit_burst) X(failure_action) X(type) X(remain)      \
	X(guess) X(pidfile) X(exec) X(restart_sec) X(timeout)         \
	X(runtime_max) X(watchdog) X(restart) X(status_set)           \
	X(notify_access) X(perms_start_only) X(user) X(dynamic_user)  \
	X(supp_groups) X(workdir) X(umask) X(environment) X(env_file) \
	X(unset_env) X(stdin) X(output) X(nice) X(oom) X(caps) X(nnp) \
	X(preserve) X(kill_mode) X(kill_signal) X(final_kill)         \
	X(sigkill) X(sighup) X(sigpipe)

enum fn {
	F_NONE,
#define X(name) F_##name,
	KEY_FNS(X)
#undef X
};

static void call(enum fn fn, struct conv *c)
{
	switch (fn) {
	case F_NONE:
		break;
#define X(name)          \
	case F_##name:   \
		k_##name(c); \
		break;
		KEY_FNS(X)
#undef X
	}
}

NAMETAB_BEGIN
static const struct key {
	char section[8], name[30];
	unsigned char kind, fn;	/* enum kind (not K_NOTE), enum fn */
} keys[] = {
	{ "Unit", "Description", K_FN, F_description },
	{ "Unit", "Documentation", K_FN, F_used },
	{ "Unit", "SourcePath", K_FN, F_used },
	{ "Unit", "After", K_FN, F_dep },
	{ "Unit", "Before", K_FN, F_dep },
	{ "Unit", "Requires", K_FN, F_dep },
	{ "Unit", "Requisite", K_FN, F_dep },
	{ "Unit", "Wants", K_FN, F_dep },
	{ "Unit", "BindsTo", K_FN, F_dep },
	{ "Unit", "PartOf", K_FN, F_dep },
	{ "Unit", "Conflicts", K_FN, F_dep },
	{ "Unit", "ReloadPropagatedFrom", K_FN, F_dep },
	{ "Unit", "PropagatesReloadTo", K_FN, F_dep },
	/* the container's mounts are in place before pid 1 starts */
	{ "Unit", "RequiresMountsFor", K_FN, F_used },
	{ "Unit", "WantsMountsFor", K_FN, F_used },
	/* pouch-init adds no implicit dependencies; the early boot they
	 * order against is over before it starts anything */
	{ "Unit", "DefaultDependencies", K_FN, F_used },
	/* honoured by systemctl start and stop */
	{ "Unit", "RefuseManualStart", K_FN, F_used },
	{ "Unit", "RefuseManualStop", K_FN, F_used },
	{ "Unit", "StartLimitIntervalSec", K_FN, F_start_limit_interval },
	{ "Unit", "StartLimitBurst", K_FN, F_start_limit_burst },
	{ "Service", "StartLimitInterval", K_FN, F_start_limit_interval },
	{ "Service", "StartLimitBurst", K_FN, F_start_limit_burst },
	{ "Unit", "FailureAction", K_FN, F_failure_action },

	{ "Service", "Type", K_FN, F_type },
	{ "Service", "RemainAfterExit", K_FN, F_remain },
	{ "Service", "GuessMainPID", K_FN, F_guess },
	{ "Service", "PIDFile", K_FN, F_pidfile },
	{ "Service", "ExecStart", K_FN, F_exec },
	{ "Service", "ExecStartPre", K_FN, F_exec },
	{ "Service", "ExecStartPost", K_FN, F_exec },
	{ "Service", "ExecCondition", K_FN, F_exec },
	{ "Service", "ExecReload", K_FN, F_exec },
	{ "Service", "ExecStop", K_FN, F_exec },
	{ "Service", "ExecStopPost", K_FN, F_exec },
	{ "Service", "RestartSec", K_FN, F_restart_sec },
	{ "Service", "TimeoutStartSec", K_FN, F_timeout },
	{ "Service", "TimeoutStopSec", K_FN, F_timeout },
	{ "Service", "TimeoutSec", K_FN, F_timeout },
	{ "Service", "RuntimeMaxSec", K_FN, F_runtime_max },
	{ "Service", "WatchdogSec", K_FN, F_watchdog },
	{ "Service", "Restart", K_FN, F_restart },
	{ "Service", "SuccessExitStatus", K_FN, F_status_set },
	{ "Service", "RestartPreventExitStatus", K_FN, F_status_set },
	{ "Service", "RestartForceExitStatus", K_FN, F_status_set },
	{ "Service", "NotifyAccess", K_FN, F_notify_access },
	{ "Service", "PermissionsStartOnly", K_FN, F_perms_start_only },

	{ "Service", "User", K_FN, F_user },
	{ "Service", "Group", K_FN, F_user },
	{ "Service", "DynamicUser", K_FN, F_dynamic_user },
	{ "Service", "SupplementaryGroups", K_FN, F_supp_groups },
	{ "Service", "WorkingDirectory", K_FN, F_workdir },
	{ "Service", "UMask", K_FN, F_umask },
	{ "Service", "Environment", K_FN, F_environment },
	{ "Service", "EnvironmentFile", K_FN, F_env_file },
	/* every service gets the container's environment */
	{ "Service", "PassEnvironment", K_FN, F_used },
	{ "Service", "UnsetEnvironment", K_FN, F_unset_env },
	{ "Service", "StandardInput", K_FN, F_stdin },
	{ "Service", "StandardOutput", K_FN, F_output },
	{ "Service", "StandardError", K_FN, F_output },
	{ "Service", "Nice", K_FN, F_nice },
	{ "Service", "OOMScoreAdjust", K_FN, F_oom },
	{ "Service", "CapabilityBoundingSet", K_FN, F_caps },
	{ "Service", "AmbientCapabilities", K_FN, F_caps },
	{ "Service", "NoNewPrivileges", K_FN, F_nnp },
	{ "Service", "RuntimeDirectoryPreserve", K_FN, F_preserve },
	{ "Service", "KillMode", K_FN, F_kill_mode },
	{ "Service", "KillSignal", K_FN, F_kill_signal },
	{ "Service", "FinalKillSignal", K_FN, F_final_kill },
	{ "Service", "SendSIGKILL", K_FN, F_sigkill },
	{ "Service", "SendSIGHUP", K_FN, F_sighup },
	{ "Service", "IgnoreSIGPIPE", K_FN, F_sigpipe },

	{ "Service", "SyslogIdentifier", K_LOG, F_NONE },
	{ "Service", "SyslogFacility", K_LOG, F_NONE },
	{ "Service", "SyslogLevel", K_LOG, F_NONE },
	{ "Service", "SyslogLevelPrefix", K_LOG, F_NONE },
	{ "Service", "LogLevelMax", K_LOG, F_NONE },
	{ "Service", "LogExtraFields", K_LOG, F_NONE },
	{ "Service", "LogRateLimitIntervalSec", K_LOG, F_NONE },
	{ "Service", "LogRateLimitBurst", K_LOG, F_NONE },
	{ "Service", "LogNamespace", K_LOG, F_NONE },
	{ "Service", "LogFilterPatterns", K_LOG, F_NONE },

	{ "Service", "RootDirectory", K_SANDBOX, F_NONE },
	{ "Service", "RootImage", K_SANDBOX, F_NONE },
	{ "Service", "RootImageOptions", K_SANDBOX, F_NONE },
	{ "Service", "RootHash", K_SANDBOX, F_NONE },
	{ "Service", "RootHashSignature", K_SANDBOX, F_NONE },
	{ "Service", "RootVerity", K_SANDBOX, F_NONE },
	{ "Service", "MountAPIVFS", K_SANDBOX, F_NONE },
	{ "Service", "ProtectProc", K_SANDBOX, F_NONE },
	{ "Service", "ProcSubset", K_SANDBOX, F_NONE },
	{ "Service", "BindPaths", K_SANDBOX, F_NONE },
	{ "Service", "BindReadOnlyPaths", K_SANDBOX, F_NONE },
	{ "Service", "MountImages", K_SANDBOX, F_NONE },
	{ "Service", "ExtensionImages", K_SANDBOX, F_NONE },
	{ "Service", "ExtensionDirectories", K_SANDBOX, F_NONE },
	{ "Service", "ProtectSystem", K_SANDBOX, F_NONE },
	{ "Service", "ProtectHome", K_SANDBOX, F_NONE },
	{ "Service", "ReadWritePaths", K_SANDBOX, F_NONE },
	{ "Service", "ReadOnlyPaths", K_SANDBOX, F_NONE },
	{ "Service", "InaccessiblePaths", K_SANDBOX, F_NONE },
	{ "Service", "ExecPaths", K_SANDBOX, F_NONE },
	{ "Service", "NoExecPaths", K_SANDBOX, F_NONE },
	{ "Service", "TemporaryFileSystem", K_SANDBOX, F_NONE },
	{ "Service", "PrivateTmp", K_SANDBOX, F_NONE },
	{ "Service", "PrivateDevices", K_SANDBOX, F_NONE },
	{ "Service", "PrivateNetwork", K_SANDBOX, F_NONE },
	{ "Service", "NetworkNamespacePath", K_SANDBOX, F_NONE },
	{ "Service", "PrivateIPC", K_SANDBOX, F_NONE },
	{ "Service", "IPCNamespacePath", K_SANDBOX, F_NONE },
	{ "Service", "PrivateUsers", K_SANDBOX, F_NONE },
	{ "Service", "PrivateMounts", K_SANDBOX, F_NONE },
	{ "Service", "ProtectHostname", K_SANDBOX, F_NONE },
	{ "Service", "ProtectClock", K_SANDBOX, F_NONE },
	{ "Service", "ProtectKernelTunables", K_SANDBOX, F_NONE },
	{ "Service", "ProtectKernelModules", K_SANDBOX, F_NONE },
	{ "Service", "ProtectKernelLogs", K_SANDBOX, F_NONE },
	{ "Service", "ProtectControlGroups", K_SANDBOX, F_NONE },
	{ "Service", "RestrictAddressFamilies", K_SANDBOX, F_NONE },
	{ "Service", "RestrictFileSystems", K_SANDBOX, F_NONE },
	{ "Service", "RestrictNamespaces", K_SANDBOX, F_NONE },
	{ "Service", "LockPersonality", K_SANDBOX, F_NONE },
	{ "Service", "MemoryDenyWriteExecute", K_SANDBOX, F_NONE },
	{ "Service", "RestrictRealtime", K_SANDBOX, F_NONE },
	{ "Service", "RestrictSUIDSGID", K_SANDBOX, F_NONE },
	{ "Service", "RemoveIPC", K_SANDBOX, F_NONE },
	{ "Service", "MountFlags", K_SANDBOX, F_NONE },
	{ "Service", "SystemCallFilter", K_SANDBOX, F_NONE },
	{ "Service", "SystemCallErrorNumber", K_SANDBOX, F_NONE },
	{ "Service", "SystemCallArchitectures", K_SANDBOX, F_NONE },
	{ "Service", "SystemCallLog", K_SANDBOX, F_NONE },
	{ "Service", "RestrictNetworkInterfaces", K_SANDBOX, F_NONE },
	{ "Service", "SocketBindAllow", K_SANDBOX, F_NONE },
	{ "Service", "SocketBindDeny", K_SANDBOX, F_NONE },
	{ "Service", "IPAddressAllow", K_SANDBOX, F_NONE },
	{ "Service", "IPAddressDeny", K_SANDBOX, F_NONE },
	{ "Service", "IPIngressFilterPath", K_SANDBOX, F_NONE },
	{ "Service", "IPEgressFilterPath", K_SANDBOX, F_NONE },
	{ "Service", "BPFProgram", K_SANDBOX, F_NONE },
	{ "Service", "DeviceAllow", K_SANDBOX, F_NONE },
	{ "Service", "DevicePolicy", K_SANDBOX, F_NONE },

	{ "Service", "Slice", K_RESOURCE, F_NONE },
	{ "Service", "Delegate", K_RESOURCE, F_NONE },
	{ "Service", "DelegateSubgroup", K_RESOURCE, F_NONE },
	{ "Service", "DisableControllers", K_RESOURCE, F_NONE },
	{ "Service", "CPUAccounting", K_RESOURCE, F_NONE },
	{ "Service", "CPUWeight", K_RESOURCE, F_NONE },
	{ "Service", "StartupCPUWeight", K_RESOURCE, F_NONE },
	{ "Service", "CPUShares", K_RESOURCE, F_NONE },
	{ "Service", "StartupCPUShares", K_RESOURCE, F_NONE },
	{ "Service", "CPUQuota", K_RESOURCE, F_NONE },
	{ "Service", "CPUQuotaPeriodSec", K_RESOURCE, F_NONE },
	{ "Service", "AllowedCPUs", K_RESOURCE, F_NONE },
	{ "Service", "StartupAllowedCPUs", K_RESOURCE, F_NONE },
	{ "Service", "AllowedMemoryNodes", K_RESOURCE, F_NONE },
	{ "Service", "StartupAllowedMemoryNodes", K_RESOURCE, F_NONE },
	{ "Service", "MemoryAccounting", K_RESOURCE, F_NONE },
	{ "Service", "MemoryMin", K_RESOURCE, F_NONE },
	{ "Service", "MemoryLow", K_RESOURCE, F_NONE },
	{ "Service", "MemoryHigh", K_RESOURCE, F_NONE },
	{ "Service", "MemoryMax", K_RESOURCE, F_NONE },
	{ "Service", "MemorySwapMax", K_RESOURCE, F_NONE },
	{ "Service", "MemoryZSwapMax", K_RESOURCE, F_NONE },
	{ "Service", "MemoryLimit", K_RESOURCE, F_NONE },
	{ "Service", "TasksAccounting", K_RESOURCE, F_NONE },
	{ "Service", "TasksMax", K_RESOURCE, F_NONE },
	{ "Service", "IOAccounting", K_RESOURCE, F_NONE },
	{ "Service", "IOWeight", K_RESOURCE, F_NONE },
	{ "Service", "StartupIOWeight", K_RESOURCE, F_NONE },
	{ "Service", "IODeviceWeight", K_RESOURCE, F_NONE },
	{ "Service", "IOReadBandwidthMax", K_RESOURCE, F_NONE },
	{ "Service", "IOWriteBandwidthMax", K_RESOURCE, F_NONE },
	{ "Service", "IOReadIOPSMax", K_RESOURCE, F_NONE },
	{ "Service", "IOWriteIOPSMax", K_RESOURCE, F_NONE },
	{ "Service", "IODeviceLatencyTargetSec", K_RESOURCE, F_NONE },
	{ "Service", "BlockIOAccounting", K_RESOURCE, F_NONE },
	{ "Service", "BlockIOWeight", K_RESOURCE, F_NONE },
	{ "Service", "StartupBlockIOWeight", K_RESOURCE, F_NONE },
	{ "Service", "BlockIODeviceWeight", K_RESOURCE, F_NONE },
	{ "Service", "BlockIOReadBandwidth", K_RESOURCE, F_NONE },
	{ "Service", "BlockIOWriteBandwidth", K_RESOURCE, F_NONE },
	{ "Service", "IPAccounting", K_RESOURCE, F_NONE },
	{ "Service", "ManagedOOMSwap", K_RESOURCE, F_NONE },
	{ "Service", "ManagedOOMMemoryPressure", K_RESOURCE, F_NONE },
	{ "Service", "ManagedOOMMemoryPressureLimit", K_RESOURCE, F_NONE },
	{ "Service", "ManagedOOMPreference", K_RESOURCE, F_NONE },
	{ "Service", "MemoryPressureWatch", K_RESOURCE, F_NONE },
	{ "Service", "MemoryPressureThresholdSec", K_RESOURCE, F_NONE },
	{ "Service", "CoredumpReceive", K_RESOURCE, F_NONE },

	/* used by enable, disable, is-enabled */
	{ "Install", "WantedBy", K_FN, F_used },
	{ "Install", "RequiredBy", K_FN, F_used },
	{ "Install", "UpheldBy", K_FN, F_used },
	{ "Install", "Alias", K_FN, F_used },
	{ "Install", "Also", K_FN, F_used },
	{ "Install", "DefaultInstance", K_FN, F_used },
};

/* The keys not applied, and why (K_NOTE) */
static const struct note {
	char section[8], name[28], why[65];
} notes[] = {
	{ "Unit", "Upholds", "pouch-init does not restart what a unit upholds" },
	{ "Unit", "OnFailure", "no unit is started when this one fails" },
	{ "Unit", "OnSuccess", "no unit is started when this one succeeds" },
	{ "Unit", "OnFailureJobMode", "there are no OnFailure= jobs" },
	{ "Unit", "JoinsNamespaceOf", "services share the container's namespaces" },
	{ "Unit", "StopWhenUnneeded", "services are not stopped when nothing needs them" },
	{ "Unit", "StopPropagatedFrom", "stops are not passed on this way; PartOf= is" },
	{ "Unit", "PropagatesStopTo", "stops are not passed on this way; PartOf= is" },
	{ "Unit", "AllowIsolate", "pouch-init has no isolate" },
	{ "Unit", "IgnoreOnIsolate", "pouch-init has no isolate" },
	{ "Unit", "CollectMode", "pouch-init keeps every service's state" },
	{ "Unit", "SuccessAction", "a unit's success does not stop the container" },
	{ "Unit", "FailureActionExitStatus", "an essential service's failure stops the container with status 1" },
	{ "Unit", "SuccessActionExitStatus", "a unit's success does not stop the container" },
	{ "Unit", "StartLimitAction", "a service over its start limit is failed, nothing more" },
	{ "Unit", "JobTimeoutSec", "pouch-init has no jobs; TimeoutStartSec= bounds a start" },
	{ "Unit", "JobRunningTimeoutSec", "pouch-init has no jobs; TimeoutStartSec= bounds a start" },
	{ "Unit", "JobTimeoutAction", "pouch-init has no jobs" },
	{ "Unit", "JobTimeoutRebootArgument", "pouch-init has no jobs" },
	{ "Unit", "RebootArgument", "a container does not reboot" },
	{ "Service", "ExitType", "the service ends with its main process" },
	{ "Service", "BusName", "there is no D-Bus name to wait for" },
	{ "Service", "TimeoutAbortSec", "a watchdog abort does not happen here" },
	{ "Service", "TimeoutStartFailureMode", "a start that times out is stopped with its stop signal" },
	{ "Service", "TimeoutStopFailureMode", "a stop that times out ends in SIGKILL" },
	{ "Service", "RuntimeRandomizedExtraSec", "RuntimeMaxSec= is taken as it is" },
	{ "Service", "RestartSteps", "the restart delay is RestartSec=" },
	{ "Service", "RestartMaxDelaySec", "the restart delay is RestartSec=" },
	{ "Service", "RootDirectoryStartOnly", "there is no RootDirectory=" },
	{ "Service", "NonBlocking", "no sockets are passed" },
	{ "Service", "Sockets", "socket units are not run: no sockets are passed" },
	{ "Service", "FileDescriptorStoreMax", "pouch-init keeps no file descriptors for services" },
	{ "Service", "FileDescriptorStorePreserve", "pouch-init keeps no file descriptors for services" },
	{ "Service", "USBFunctionDescriptors", "no USB gadget functions" },
	{ "Service", "USBFunctionStrings", "no USB gadget functions" },
	{ "Service", "OOMPolicy", "an OOM kill is an exit by SIGKILL, handled by Restart=" },
	{ "Service", "OpenFile", "no files are passed" },
	{ "Service", "ReloadSignal", "reload runs ExecReload=" },
	{ "Service", "StandardInputText", "a service's stdin is /dev/null" },
	{ "Service", "StandardInputData", "a service's stdin is /dev/null" },
	{ "Service", "RestartKillSignal", "a restart stops with KillSignal=" },
	{ "Service", "WatchdogSignal", "pouch-init has no watchdog" },
	{ "Service", "PAMName", "no PAM session is opened" },
	{ "Service", "KeyringMode", "the kernel keyring is left as it is" },
	{ "Service", "SecureBits", "securebits are left as they are" },
	{ "Service", "SELinuxContext", "no SELinux context is set" },
	{ "Service", "AppArmorProfile", "no AppArmor profile is set" },
	{ "Service", "SmackProcessLabel", "no SMACK label is set" },
	{ "Service", "TTYPath", "services get no terminal" },
	{ "Service", "TTYReset", "services get no terminal" },
	{ "Service", "TTYVHangup", "services get no terminal" },
	{ "Service", "TTYVTDisallocate", "services get no terminal" },
	{ "Service", "TTYRows", "services get no terminal" },
	{ "Service", "TTYColumns", "services get no terminal" },
	{ "Service", "UtmpIdentifier", "no utmp records are written" },
	{ "Service", "UtmpMode", "no utmp records are written" },
	{ "Service", "CPUSchedulingPolicy", "the scheduling policy is inherited" },
	{ "Service", "CPUSchedulingPriority", "the scheduling policy is inherited" },
	{ "Service", "CPUSchedulingResetOnFork", "the scheduling policy is inherited" },
	{ "Service", "CPUAffinity", "the CPU affinity is inherited" },
	{ "Service", "NUMAPolicy", "the NUMA policy is inherited" },
	{ "Service", "NUMAMask", "the NUMA policy is inherited" },
	{ "Service", "IOSchedulingClass", "the I/O priority is inherited" },
	{ "Service", "IOSchedulingPriority", "the I/O priority is inherited" },
	{ "Service", "TimerSlackNSec", "the timer slack is inherited" },
	{ "Service", "CoredumpFilter", "the core dump filter is inherited" },
	{ "Service", "Personality", "the personality is inherited" },
	{ "Service", "LoadCredential", "pouch-init passes no credentials" },
	{ "Service", "LoadCredentialEncrypted", "pouch-init passes no credentials" },
	{ "Service", "SetCredential", "pouch-init passes no credentials" },
	{ "Service", "SetCredentialEncrypted", "pouch-init passes no credentials" },
	{ "Service", "ImportCredential", "pouch-init passes no credentials" },
};
NAMETAB_END

/* Is a sandboxing or resource value the "off" one? */
static int sandbox_off(const char *key, const char *v)
{
	if (is_off(v))
		return 1;
	if (!strcmp(key, "ProtectProc"))
		return !strcmp(v, "default");
	if (!strcmp(key, "ProcSubset"))
		return !strcmp(v, "all");
	if (!strcmp(key, "MountFlags"))
		return !strcmp(v, "shared");
	if (!strcmp(key, "DevicePolicy"))
		return !strcmp(v, "auto");
	if (!strcmp(key, "Slice"))
		return !strcmp(v, "system.slice");
	return 0;
}

/* The kind of a key, its row in keys[] or (K_NOTE) notes[]; -1 unknown */
static int find_key(const char *section, const char *name, size_t *row)
{
	for (size_t i = 0; i < NAMETAB_LEN(keys); i++) {
		if (!strcmp(keys[i].section, section) && !strcmp(keys[i].name, name)) {
			*row = i;
			return keys[i].kind;
		}
	}
	for (size_t i = 0; i < NAMETAB_LEN(notes); i++) {
		if (!strcmp(notes[i].section, section) && !strcmp(notes[i].name, name)) {
			*row = i;
			return K_NOTE;
		}
	}
	return -1;
}

static void one_key(struct conv *c)
{
	const struct unit_kv *kv = c->kv;
	size_t row;
	int kind = find_key(kv->section, kv->key, &row);
	int resource, is_mode;

	if (!strcmp(kv->section, "Unit") && k_condition(c))
		return;
	if (!strcmp(kv->section, "Service") && !strncmp(kv->key, "Limit", 5) &&
	    rlimit_index(kv->key, &resource) >= 0) {
		k_limit(c);
		return;
	}
	if (!strcmp(kv->section, "Service") && dir_kind(kv->key, &is_mode) >= 0) {
		k_dirs(c);
		return;
	}
	if (kind < 0) {
		if (strcmp(kv->section, "Unit") && strcmp(kv->section, "Service") &&
		    strcmp(kv->section, "Install"))
			return; /* the section is reported once */
		note(c, "not applied (unknown key; systemd ignores it too)");
		return;
	}
	switch ((enum kind)kind) {
	case K_FN:
		call((enum fn)keys[row].fn, c);
		break;
	case K_NOTE:
		if (!*kv->value)
			break; /* an empty assignment sets nothing */
		not_applied(c, notes[row].why);
		break;
	case K_LOG:
		not_applied(c, "output goes to pouch-init's outputs as NAME| lines, not to syslog");
		break;
	case K_SANDBOX:
		if (!sandbox_off(kv->key, kv->value))
			not_applied(c, "pouch-init does not sandbox services: the container is the sandbox");
		break;
	case K_RESOURCE:
		if (!sandbox_off(kv->key, kv->value))
			not_applied(c, "per-service cgroup resource control is not done: the container's cgroup is the runtime's");
		break;
	}
}

/* Sections other than [Unit], [Service], [Install]: once each */
static void odd_sections(struct conv *c)
{
	char **seen = NULL;

	for (size_t i = 0; i < c->u->nkv; i++) {
		const struct unit_kv *kv = &c->u->kv[i];
		char tag[200];

		if (!strcmp(kv->section, "Unit") || !strcmp(kv->section, "Service") ||
		    !strcmp(kv->section, "Install"))
			continue;
		units_fmt(tag, sizeof(tag), "%d:%s", kv->file, kv->section);
		if (units_strv_has(seen, tag))
			continue;
		if (units_strv_add(&seen, tag, 0) < 0)
			c->nomem = 1;
		cfg_note(c->cfg, c->u->files[kv->file], kv->line,
			 "[%s]: not applied (%s)", kv->section,
			 !strncmp(kv->section, "X-", 2)
				 ? "a section for other programs"
				 : "not a section of a service unit; systemd ignores it too");
	}
	cfg_free_words(seen);
	for (char **l = c->u->why_syntax; l && *l; l++)
		cfg_note(c->cfg, NULL, 0, "%s", *l);
}

/* ---- the service as a whole ---- */

static void unit_defaults(struct conv *c)
{
	struct cfg_service *s = c->s;

	s->origin = ORIGIN_UNIT;
	s->restart = RESTART_NEVER;
	s->has_restart = 1;
	s->restart_delay_ms = s->restart_delay_max_ms = 100;
	s->start_limit = 5;
	s->start_limit_window_ms = 10000;
	s->ready_timeout_ms = 90000;
	s->stop_timeout_ms = 5000; /* pouch-init's default, not 90 s: see docs */
	s->reload_signal = 0;
	s->log_max_size = UINT64_MAX;
	s->sigpipe = 1;
	s->guess_main_pid = 1;
	s->workdir = dup_or_fail(c, "/");
	s->unit = dup_or_fail(c, c->u->id);
}

static void copy_cmd0(struct conv *c)
{
	struct cfg_service *s = c->s;
	char **argv;
	size_t n;

	if (!s->start.n)
		return;
	n = cfg_count_words(s->start.v[0].argv);
	argv = calloc(n + 1, sizeof(*argv));
	for (size_t i = 0; argv && i < n; i++) {
		if (!(argv[i] = strdup(s->start.v[0].argv[i]))) {
			cfg_free_words(argv); /* the ones before i */
			argv = NULL;
		}
	}
	if (!argv)
		c->nomem = 1;
	cfg_free_words(s->argv);
	s->argv = argv;
	s->exec_flags = s->start.v[0].flags;
	s->exec_line = s->start.v[0].line;
}

static void privileged_others(struct cfg_cmds *l)
{
	for (size_t i = 0; i < l->n; i++)
		l->v[i].flags |= CFG_EXEC_PRIV;
}

/* What the whole unit says, once every key is in */
static void finish(struct conv *c)
{
	struct cfg_service *s = c->s;

	c->kv = NULL;
	if (!s->start.n && s->type != TYPE_ONESHOT)
		refuse(c, "it has no ExecStart= (only a Type=oneshot service may have none)");
	else if (s->start.n > 1 && s->type != TYPE_ONESHOT)
		refuse(c, "it has more than one ExecStart=, which only a Type=oneshot service may have");
	else if (s->type == TYPE_ONESHOT && (s->restart == RESTART_ALWAYS ||
					     s->restart == RESTART_ON_SUCCESS))
		refuse(c, "Restart=always and on-success are not allowed for Type=oneshot (systemd refuses it too)");
	if (c->refused)
		return;
	copy_cmd0(c);
	if (!c->err_set) { /* StandardError= inherits StandardOutput= */
		free(s->err.path);
		s->err.kind = s->out.kind;
		s->err.path = s->out.path ? dup_or_fail(c, s->out.path) : NULL;
	}
	if (s->type == TYPE_NOTIFY)
		s->ready = READY_NOTIFY;
	if (c->perms_start_only) {
		privileged_others(&c->s->start_pre);
		privileged_others(&c->s->start_post);
		privileged_others(&c->s->reload);
		privileged_others(&c->s->stop);
		privileged_others(&c->s->stop_post);
	}
	for (size_t i = 0; i < c->u->nfiles; i++)
		if (units_strv_add(&s->sources, c->u->files[i], 0) < 0)
			c->nomem = 1;
	for (char **n = c->u->names; n && *n; n++) {
		char nm[300];

		if (!strcmp(*n, c->u->id) || strcmp(unit_name_type(*n), "service"))
			continue;
		unit_service_name(*n, nm, sizeof(nm));
		if (units_strv_add(&s->aliases, nm, 1) < 0)
			c->nomem = 1;
	}
}

/* Keys whose values take specifiers; Exec lines resolve them per word. */
static int resolve_value(struct conv *c, char **buf)
{
	const char *why;
	size_t row;
	int r;

	int kind = find_key(c->kv->section, c->kv->key, &row);

	*buf = NULL;
	c->v = c->kv->value;
	/* Exec lines resolve them per word; what is not applied is
	 * reported as written (TasksMax=99% is no specifier) */
	if (!strncmp(c->kv->key, "Exec", 4) || !strcmp(c->kv->section, "Install") ||
	    (kind >= 0 && kind != K_FN) ||
	    (kind < 0 && strncmp(c->kv->key, "Condition", 9) &&
	     strncmp(c->kv->key, "Assert", 6) && strncmp(c->kv->key, "Limit", 5) &&
	     !strstr(c->kv->key, "Directory")))
		return 0;
	r = unit_specifiers(&c->sp, c->kv->value, buf, &why);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		bad_value(c, why);
		return 1;
	}
	c->v = *buf;
	return 0;
}

int unit_to_service(struct cfg *cfg, const struct cfg_sources *src,
		    const struct unit *u, const char *name, size_t *svc,
		    struct unit_deps *deps)
{
	struct conv c = { .cfg = cfg, .src = src, .u = u, .deps = deps };
	char *buf;
	int r;

	c.sp.root = src ? src->root : NULL;
	c.sp.id = u->id;
	c.sp.path = u->path;
	c.s = cfg_new_service(cfg, name);
	if (!c.s)
		return -ENOMEM;
	*svc = cfg->nsvcs - 1;
	c.s->file = strdup(u->path ? u->path : u->id);
	if (!c.s->file)
		return -ENOMEM;
	unit_defaults(&c);
	odd_sections(&c);
	for (size_t i = 0; i < u->nkv && !c.nomem; i++) {
		c.kv = &u->kv[i];
		r = resolve_value(&c, &buf);
		if (r < 0)
			return r;
		if (r == 0)
			one_key(&c);
		free(buf);
	}
	if (!c.nomem)
		finish(&c);
	if (c.nomem)
		return -ENOMEM;
	if (c.refused) {
		cfg_free_service(&cfg->svcs[--cfg->nsvcs]);
		return 1;
	}
	c.s->line = c.s->exec_line;
	return 0;
}

void unit_deps_free(struct unit_deps *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].name);
		free(d->v[i].file);
	}
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

/* systemd's own plumbing: pouch-init stands in for it */
int units_is_systemd_own(const struct unit *u)
{
	const struct unit_kv *kv = unit_get(u, "Service", "ExecStart");
	const char *p;

	if (!strncmp(u->id, "systemd-", 8))
		return 1;
	if (!kv)
		return 0;
	p = kv->value;
	while (*p && strchr("-@:+!", *p))
		p++;
	return !strncmp(p, "/lib/systemd/", 13) ||
	       !strncmp(p, "/usr/lib/systemd/", 17);
}
