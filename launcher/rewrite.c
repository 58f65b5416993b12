// SPDX-License-Identifier: MIT
/*
 * config.json transforms for pouch-runc; see lch.h.
 */
#include "lch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const modes[] = { "pouch", "dumb-init", "systemd",
				     "sbin-init" };

int lch_mode_valid(const char *mode)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(*modes); i++)
		if (strcmp(mode, modes[i]) == 0)
			return 1;
	return 0;
}

static const char *env_value(json_t *env, const char *key)
{
	size_t i, n = strlen(key);
	json_t *v;

	json_array_foreach(env, i, v) {
		const char *s = json_string_value(v);

		if (s && strncmp(s, key, n) == 0 && s[n] == '=')
			return s + n + 1;
	}
	return NULL;
}

const char *lch_rich_mode(json_t *cfg)
{
	json_t *ann = json_object_get(cfg, "annotations");
	json_t *env = json_object_get(json_object_get(cfg, "process"), "env");
	const char *m = json_string_value(json_object_get(ann, "io.pouch.rich-mode"));

	if (m && *m)
		return m;
	m = env_value(env, "POUCH_RICH_MODE");
	return m && *m ? m : NULL;
}

static json_t *mount(const char *dst, const char *type, const char *src,
		     const char *opts)
{
	json_t *m = json_object(), *o = json_array();
	char *copy = strdup(opts), *save, *tok;

	json_object_set_new(m, "destination", json_string(dst));
	json_object_set_new(m, "type", json_string(type));
	json_object_set_new(m, "source", json_string(src));
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(o, json_string(tok));
	free(copy);
	json_object_set_new(m, "options", o);
	return m;
}

static int has_mount(json_t *mounts, const char *dst)
{
	size_t i;
	json_t *m;

	json_array_foreach(mounts, i, m)
		if (json_string_value(json_object_get(m, "destination")) &&
		    strcmp(json_string_value(json_object_get(m, "destination")), dst) == 0)
			return 1;
	return 0;
}

/* obj's member key, made an empty array or object when it is missing
 * or of another type. */
static json_t *get_member(json_t *obj, const char *key, int array)
{
	json_t *v = json_object_get(obj, key);

	if (array ? !json_is_array(v) : !json_is_object(v)) {
		v = array ? json_array() : json_object();
		json_object_set_new(obj, key, v);
	}
	return v;
}

static json_t *get_array(json_t *obj, const char *key)
{
	return get_member(obj, key, 1);
}

static json_t *get_object(json_t *obj, const char *key)
{
	return get_member(obj, key, 0);
}

/* What systemd needs in a container: tmpfs on /run, /run/lock, /tmp, a
 * cgroup namespace with a writable /sys/fs/cgroup, container= in env. */
static void systemd_needs(json_t *cfg, json_t *mounts, json_t *env)
{
	json_t *ns = get_array(get_object(cfg, "linux"), "namespaces"), *n;
	size_t i;
	int has_cgroupns = 0;
	static const char *const tmpfs[] = { "/run", "/run/lock", "/tmp" };

	for (size_t k = 0; k < 3; k++)
		if (!has_mount(mounts, tmpfs[k]))
			json_array_append_new(mounts, mount(tmpfs[k], "tmpfs", "tmpfs",
							    "nosuid,nodev,mode=755"));
	json_array_foreach(mounts, i, n) {
		const char *d = json_string_value(json_object_get(n, "destination"));

		if (d && strcmp(d, "/sys/fs/cgroup") == 0)
			json_object_set_new(n, "options",
					    json_pack("[ssss]", "nosuid", "noexec",
						      "nodev", "rw"));
	}
	json_array_foreach(ns, i, n)
		if (json_string_value(json_object_get(n, "type")) &&
		    strcmp(json_string_value(json_object_get(n, "type")), "cgroup") == 0)
			has_cgroupns = 1;
	if (!has_cgroupns)
		json_array_append_new(ns, json_pack("{ss}", "type", "cgroup"));
	if (!env_value(env, "container"))
		json_array_append_new(env, json_string("container=pouch"));
}

static int has_string(json_t *a, const char *s)
{
	json_t *v;
	size_t i;

	json_array_foreach(a, i, v)
		if (json_string_value(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

/* sbin-init mode: the image's init shuts the container down with
 * reboot(2), which needs CAP_SYS_BOOT. In a pid namespace of its own
 * that ends the namespace, nothing more; without one it would reboot the
 * host, so then the capability is not given. */
static void sbin_init_needs(json_t *cfg)
{
	json_t *ns = json_object_get(json_object_get(cfg, "linux"), "namespaces");
	json_t *caps = json_object_get(json_object_get(cfg, "process"), "capabilities");
	static const char *const sets[] = { "bounding", "effective", "permitted" };
	json_t *n;
	size_t i;
	int pidns = 0;

	json_array_foreach(ns, i, n)
		if (json_string_value(json_object_get(n, "type")) &&
		    strcmp(json_string_value(json_object_get(n, "type")), "pid") == 0 &&
		    !json_object_get(n, "path"))
			pidns = 1;
	if (!pidns || !json_is_object(caps))
		return;
	for (size_t k = 0; k < sizeof(sets) / sizeof(*sets); k++) {
		json_t *a = get_array(caps, sets[k]);

		if (!has_string(a, "CAP_SYS_BOOT"))
			json_array_append_new(a, json_string("CAP_SYS_BOOT"));
	}
}

int lch_make_rich(json_t *cfg, const struct lch_rich *r, const char **why)
{
	json_t *proc = json_object_get(cfg, "process"), *args, *nargs, *v;
	json_t *mounts, *env;
	size_t i;

	if (!json_is_object(cfg) || !json_is_object(proc) ||
	    !json_is_array(args = json_object_get(proc, "args")) ||
	    json_array_size(args) == 0) {
		*why = "config.json has no process.args";
		return -1;
	}
	if (!lch_mode_valid(r->mode)) {
		*why = "unknown rich mode (pouch, dumb-init, systemd, sbin-init)";
		return -1;
	}
	json_array_foreach(args, i, v)
		if (!json_is_string(v)) {
			*why = "process.args holds a non-string";
			return -1;
		}
	if (json_string_value(json_array_get(args, 0)) &&
	    strcmp(json_string_value(json_array_get(args, 0)), LCH_INIT_PATH) == 0)
		return 0; /* already rich: leave it as it is */
	nargs = json_pack("[sss]", LCH_INIT_PATH, "--mode", r->mode);
	json_array_append_new(nargs, json_string("--"));
	json_array_extend(nargs, args);
	json_object_set_new(proc, "args", nargs);
	mounts = get_array(cfg, "mounts");
	json_array_append_new(mounts, mount(LCH_INIT_PATH, "bind", r->init_binary,
					    "bind,ro,nosuid,nodev"));
	if (r->config_dir && !has_mount(mounts, LCH_CONFIG_PATH))
		json_array_append_new(mounts, mount(LCH_CONFIG_PATH, "bind",
						    r->config_dir, "rbind,ro"));
	env = get_array(proc, "env");
	if (strcmp(r->mode, "systemd") == 0 || strcmp(r->mode, "sbin-init") == 0)
		systemd_needs(cfg, mounts, env);
	if (strcmp(r->mode, "sbin-init") == 0)
		sbin_init_needs(cfg);
	if (r->initscript) {
		json_t *hooks = get_object(cfg, "hooks");

		json_array_append_new(get_array(hooks, "prestart"),
				      json_pack("{s:s, s:[s], s:i}", "path",
						r->initscript, "args",
						r->initscript, "timeout", 30));
	}
	return 0;
}

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

static int add_volumes(json_t *mounts, char **vols, const char **why)
{
	for (size_t i = 0; vols && vols[i]; i++) {
		char *v = strdup(vols[i]), *dst, *opt;

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
		json_array_append_new(mounts, mount(dst, "bind", v,
						    opt && !strcmp(opt, "ro")
							    ? "rbind,ro"
							    : "rbind,rw"));
		free(v);
	}
	return 0;
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
	if (add_volumes(mounts, s->volumes, why) < 0) {
		json_decref(args);
		json_decref(env);
		json_decref(c);
		json_decref(ns);
		json_decref(mounts);
		return NULL;
	}
	cfg = json_pack(
		"{s:s, s:{s:b, s:{s:i, s:i}, s:o, s:o, s:s, s:o, s:[{s:s, s:i, s:i}], s:b}, "
		"s:{s:s, s:b}, s:s, s:o, s:{s:o, s:[s,s,s,s,s,s,s,s,s], s:[s,s,s,s,s,s]}}",
		"ociVersion", "1.0.2-dev",
		"process", "terminal", s->terminal, "user", "uid", 0, "gid", 0,
		"args", args, "env", env, "cwd", "/", "capabilities", c,
		"rlimits", "type", "RLIMIT_NOFILE", "hard", (int)s->nofile, "soft", (int)s->nofile,
		"noNewPrivileges", 0,
		"root", "path", s->rootfs, "readonly", 0,
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
