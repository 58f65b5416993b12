// SPDX-License-Identifier: MIT
/*
 * The config.json of `rich-run`: what `docker run` would give a root
 * filesystem (Docker's default capabilities, /dev/shm, /dev/mqueue,
 * read-only /sys, masked /proc paths), plus a /run of its own. Built with
 * jansson (every value is ours), then made rich by the same text edits as
 * any bundle.
 */
#include "lch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const default_caps[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
	"CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
	"CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
	"CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
};

static json_t *caps(void)
{
	json_t *a = json_array();

	for (size_t i = 0; i < sizeof(default_caps) / sizeof(*default_caps); i++)
		json_array_append_new(a, json_string(default_caps[i]));
	return a;
}

static json_t *mount(const char *dst, const char *type, const char *src,
		     const char *opts)
{
	json_t *m = json_object(), *o = json_array();
	char *copy = strdup(opts), *save, *tok;

	json_object_set_new(m, "destination", json_string(dst));
	json_object_set_new(m, "type", json_string(type));
	json_object_set_new(m, "source", json_string(src));
	for (tok = copy ? strtok_r(copy, ",", &save) : NULL; tok;
	     tok = strtok_r(NULL, ",", &save))
		json_array_append_new(o, json_string(tok));
	free(copy);
	json_object_set_new(m, "options", o);
	return m;
}

static json_t *base_mounts(int net_host)
{
	json_t *m = json_array();

	json_array_append_new(m, mount("/proc", "proc", "proc", "nosuid,noexec,nodev"));
	json_array_append_new(m, mount("/dev", "tmpfs", "tmpfs",
				       "nosuid,strictatime,mode=755,size=65536k"));
	json_array_append_new(m, mount("/dev/pts", "devpts", "devpts",
				       "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5"));
	json_array_append_new(m, mount("/dev/shm", "tmpfs", "shm",
				       "nosuid,noexec,nodev,mode=1777,size=65536k"));
	json_array_append_new(m, mount("/dev/mqueue", "mqueue", "mqueue",
				       "nosuid,noexec,nodev"));
	json_array_append_new(m, mount("/sys", "sysfs", "sysfs",
				       "nosuid,noexec,nodev,ro"));
	json_array_append_new(m, mount("/sys/fs/cgroup", "cgroup", "cgroup",
				       "nosuid,noexec,nodev,relatime,ro"));
	if (net_host) {
		json_array_append_new(m, mount("/etc/hosts", "bind", "/etc/hosts",
					       "rbind,ro"));
		json_array_append_new(m, mount("/etc/resolv.conf", "bind",
					       "/etc/resolv.conf", "rbind,ro"));
	}
	return m;
}

/* "/a/b" has depth 2: mounts are made outermost first, as Docker does */
static size_t depth(json_t *m)
{
	const char *d = json_string_value(json_object_get(m, "destination"));
	size_t n = 0;

	for (; d && *d; d++)
		if (*d == '/' && d[1] && d[1] != '/')
			n++;
	return n;
}

static int add_volume(json_t *extra, const char *vol, const char **why)
{
	char *v = strdup(vol), *dst, *opt;

	dst = v ? strchr(v, ':') : NULL;
	if (!dst || dst == v || dst[1] != '/') {
		free(v);
		*why = "bad -v (want /SRC:/DST[:ro])";
		return -1;
	}
	*dst++ = '\0';
	opt = strchr(dst, ':');
	if (opt)
		*opt++ = '\0';
	if (opt && strcmp(opt, "ro") && strcmp(opt, "rw")) {
		free(v);
		*why = "bad -v option (ro or rw)";
		return -1;
	}
	json_array_append_new(extra, mount(dst, "bind", v,
					   opt && !strcmp(opt, "ro") ? "rbind,ro" : "rbind,rw"));
	free(v);
	return 0;
}

/* --tmpfs PATH[:OPTIONS]: nosuid,nodev and then the options given */
static int add_tmpfs(json_t *extra, const char *spec, const char **why)
{
	char *v = strdup(spec), *opt, *opts = NULL;

	if (!v || *v != '/') {
		free(v);
		*why = "bad --tmpfs (want /PATH[:OPTIONS])";
		return -1;
	}
	opt = strchr(v, ':');
	if (opt)
		*opt++ = '\0';
	if (asprintf(&opts, "nosuid,nodev%s%s", opt && *opt ? "," : "",
		     opt ? opt : "") < 0) {
		free(v);
		*why = "out of memory";
		return -1;
	}
	json_array_append_new(extra, mount(v, "tmpfs", "tmpfs", opts));
	free(opts);
	free(v);
	return 0;
}

static int mounted(json_t *a, const char *dst)
{
	size_t i;
	json_t *m;

	json_array_foreach(a, i, m)
		if (!strcmp(json_string_value(json_object_get(m, "destination")), dst))
			return 1;
	return 0;
}

/* the user's mounts and a /run of its own (unless given), outermost
 * first, after the base mounts */
static int extra_mounts(json_t *mounts, const struct lch_spec *s, const char **why)
{
	json_t *extra = json_array(), *m;
	size_t i, d, max = 0;

	for (i = 0; s->tmpfs && s->tmpfs[i]; i++)
		if (add_tmpfs(extra, s->tmpfs[i], why) < 0)
			goto fail;
	for (i = 0; s->volumes && s->volumes[i]; i++)
		if (add_volume(extra, s->volumes[i], why) < 0)
			goto fail;
	if (!mounted(extra, "/run")) {
		char opts[96];

		/* the container's user owns its /run */
		snprintf(opts, sizeof(opts), "nosuid,nodev,mode=755,uid=%ld,gid=%ld",
			 s->uid, s->gid);
		json_array_insert_new(extra, 0, mount("/run", "tmpfs", "tmpfs", opts));
	}
	json_array_foreach(extra, i, m)
		max = depth(m) > max ? depth(m) : max;
	for (d = 0; d <= max; d++)
		json_array_foreach(extra, i, m)
			if (depth(m) == d)
				json_array_append(mounts, m);
	json_decref(extra);
	return 0;
fail:
	json_decref(extra);
	return -1;
}

json_t *lch_default_spec(const struct lch_spec *s, const char **why)
{
	json_t *args = json_array(), *env = json_array(), *ns, *c, *cfg, *mounts;

	for (size_t i = 0; s->args && s->args[i]; i++)
		json_array_append_new(args, json_string(s->args[i]));
	json_array_append_new(env, json_string(
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
	if (s->terminal)
		json_array_append_new(env, json_string("TERM=xterm"));
	for (size_t i = 0; s->env && s->env[i]; i++)
		json_array_append_new(env, json_string(s->env[i]));
	c = json_pack("{s:o, s:o, s:o, s:o, s:o}", "bounding", caps(),
		      "effective", caps(), "permitted", caps(), "inheritable",
		      caps(), "ambient", json_array());
	ns = json_pack("[{ss}{ss}{ss}{ss}]", "type", "pid", "type", "ipc",
		       "type", "uts", "type", "mount");
	if (!s->net_host)
		json_array_append_new(ns, json_pack("{ss}", "type", "network"));
	mounts = base_mounts(s->net_host);
	if (extra_mounts(mounts, s, why) < 0) {
		json_decref(args);
		json_decref(env);
		json_decref(c);
		json_decref(ns);
		json_decref(mounts);
		return NULL;
	}
	cfg = json_pack(
		"{s:s, s:{s:b, s:{s:I, s:I}, s:o, s:o, s:s, s:o, s:[{s:s, s:i, s:i}], s:b}, "
		"s:{s:s, s:b}, s:s, s:o, s:{s:o, s:[s,s,s,s,s,s,s,s,s], s:[s,s,s,s,s,s]}}",
		"ociVersion", "1.0.2-dev",
		"process", "terminal", s->terminal, "user", "uid", (json_int_t)s->uid,
		"gid", (json_int_t)s->gid,
		"args", args, "env", env, "cwd", "/", "capabilities", c,
		"rlimits", "type", "RLIMIT_NOFILE", "hard", (int)s->nofile, "soft", (int)s->nofile,
		"noNewPrivileges", 0,
		"root", "path", s->rootfs, "readonly", s->read_only,
		"hostname", s->hostname,
		"mounts", mounts,
		"linux", "namespaces", ns,
		"maskedPaths", "/proc/acpi", "/proc/asound", "/proc/kcore",
		"/proc/keys", "/proc/latency_stats", "/proc/timer_list",
		"/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
		"readonlyPaths", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
		"/proc/sysrq-trigger", "/proc/scsi");
	if (!cfg)
		*why = "unable to build config.json";
	return cfg;
}
