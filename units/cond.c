// SPDX-License-Identifier: MIT
/*
 * Condition*= and Assert*= (systemd.unit(5)), evaluated right before a
 * start: every condition without '|' must hold, and at least one of
 * those with '|' if there are any; '!' negates one. A failed condition
 * leaves the service stopped and skipped; a failed assert fails the
 * start. What pouch-init cannot tell (PathIsEncrypted, Firmware, the
 * pressure ones) is taken as met, and said at load (units_cond_known).
 * The "manager" conditions (User, Group, Capability) ask about
 * pouch-init itself, as systemd's ask about systemd.
 */
#include "units.h"
#include "units-internal.h"
#include "config/values.h"
#include "config/nametab.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char **environ;

NAMETAB_BEGIN
static const char kind_names[][23] = {
	"PathExists", "PathExistsGlob", "PathIsDirectory",
	"PathIsSymbolicLink", "PathIsMountPoint", "PathIsReadWrite",
	"DirectoryNotEmpty", "FileNotEmpty", "FileIsExecutable", "User",
	"Group", "Virtualization", "Capability", "KernelCommandLine", "Host",
	"Architecture", "Environment", "Security", "FirstBoot", "NeedsUpdate",
	"ACPower", "ControlGroupController", "KernelVersion", "OSRelease",
	"PathIsEncrypted", "Credential", "Memory", "CPUs", "CPUFeature",
	"Firmware", "CPUPressure", "MemoryPressure", "IOPressure",
};
NAMETAB_END

const char *units_cond_name(enum cfg_cond_kind k)
{
	return kind_names[k];
}

int units_cond_known(enum cfg_cond_kind k)
{
	return k != COND_PATH_IS_ENCRYPTED && k != COND_FIRMWARE &&
	       k != COND_CPU_PRESSURE && k != COND_MEMORY_PRESSURE &&
	       k != COND_IO_PRESSURE;
}

static int host_stat(const char *root, const char *path, struct stat *st,
		     int follow)
{
	char real[PATH_MAX], host[PATH_MAX];

	if (path[0] != '/')
		return -EINVAL;
	if (follow) {
		if (units_chase(root, path, real, sizeof(real)) < 0)
			return -ENOENT;
		path = real;
	}
	if (units_host(root, path, host, sizeof(host)) < 0)
		return -ENAMETOOLONG;
	return (follow ? stat(host, st) : lstat(host, st)) < 0 ? -errno : 0;
}

static int dir_not_empty(const char *root, const char *path)
{
	char host[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int found = 0;

	if (units_host(root, path, host, sizeof(host)) < 0 || !(d = opendir(host)))
		return 0;
	while (!found && (e = readdir(d)))
		found = strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return found;
}

static int mount_point(const char *root, const char *path)
{
	char parent[PATH_MAX];
	struct stat a, b;

	if (!strcmp(path, "/"))
		return 1;
	units_fmt(parent, sizeof(parent), "%s/..", path);
	if (host_stat(root, path, &a, 1) < 0 || host_stat(root, parent, &b, 1) < 0)
		return 0;
	return a.st_dev != b.st_dev || a.st_ino == b.st_ino;
}

/* ---- the manager ---- */

static int cond_user(const char *arg)
{
	uid_t uid = geteuid();
	struct units_self me;
	char *end;
	unsigned long n;

	if (!strcmp(arg, "@system"))
		return uid <= 999;
	n = strtoul(arg, &end, 10);
	if (!*end && end != arg)
		return n == uid;
	units_self(NULL, &me);
	return !strcmp(arg, me.user);
}

static int cond_group(const char *arg)
{
	gid_t groups[256];
	int n = getgroups(256, groups);
	struct units_self me;
	char *end;
	unsigned long g = strtoul(arg, &end, 10);

	if (*end || end == arg) {
		units_self(NULL, &me);
		if (!strcmp(arg, me.group))
			return 1;
		/* a name: look it up in /etc/group */
		{
			FILE *f = fopen("/etc/group", "re");
			struct group *gr;

			g = (unsigned long)-1;
			while (f && (gr = fgetgrent(f)))
				if (!strcmp(gr->gr_name, arg)) {
					g = gr->gr_gid;
					break;
				}
			if (f)
				fclose(f);
			if (g == (unsigned long)-1)
				return 0;
		}
	}
	if (g == getegid())
		return 1;
	for (int i = 0; i < n; i++)
		if (groups[i] == g)
			return 1;
	return 0;
}

static int cond_capability(const char *arg)
{
	int cap;

	if (cfg_parse_cap(arg, &cap) < 0)
		return 0;
	return prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1;
}

static const char *container_id(const char *root)
{
	const char *c = getenv("container");
	char host[PATH_MAX];

	if (c && *c)
		return !strcmp(c, "oci") ? "container-other" : c;
	if (units_host(root, "/.dockerenv", host, sizeof(host)) == 0 &&
	    access(host, F_OK) == 0)
		return "docker";
	if (units_host(root, "/run/.containerenv", host, sizeof(host)) == 0 &&
	    access(host, F_OK) == 0)
		return "podman";
	return NULL;
}

static const char *vm_id(void)
{
	NAMETAB_BEGIN
	static const char vendors[][2][11] = {
		{ "QEMU", "qemu" }, { "KVM", "kvm" }, { "VMware", "vmware" },
		{ "VirtualBox", "oracle" }, { "innotek", "oracle" },
		{ "Xen", "xen" }, { "Microsoft", "microsoft" },
		{ "Amazon EC2", "amazon" }, { "Google", "google" },
	};
	NAMETAB_END
	char buf[256];

	for (int k = 0; k < 2; k++) {
		if (units_first_line(NULL, k ? "/sys/class/dmi/id/product_name"
					     : "/sys/class/dmi/id/sys_vendor",
				     buf, sizeof(buf)) < 0)
			continue;
		for (size_t i = 0; i < sizeof(vendors) / sizeof(*vendors); i++)
			if (strstr(buf, vendors[i][0]))
				return vendors[i][1];
	}
	return NULL;
}

static int cond_virt(const char *root, const char *arg)
{
	const char *c = container_id(root), *vm = c ? NULL : vm_id();
	int b;

	if (unit_parse_bool(arg, &b) == 0)
		return b == (c || vm);
	if (!strcmp(arg, "container"))
		return c != NULL;
	if (!strcmp(arg, "vm"))
		return vm != NULL;
	return (c && !strcmp(arg, c)) || (vm && !strcmp(arg, vm));
}

static int cond_cmdline(const char *arg)
{
	char *t = units_read(NULL, "/proc/cmdline"), *save, *w;
	size_t n = strlen(arg);
	int found = 0;

	for (w = t ? strtok_r(t, " \t\n", &save) : NULL; w && !found;
	     w = strtok_r(NULL, " \t\n", &save))
		found = strchr(arg, '=') ? !strcmp(w, arg)
					 : !strcmp(w, arg) || (!strncmp(w, arg, n) && w[n] == '=');
	free(t);
	return found;
}

static int cond_host(const char *root, const char *arg)
{
	char h[256], mid[64];

	if (gethostname(h, sizeof(h)) == 0 && !fnmatch(arg, h, FNM_CASEFOLD))
		return 1;
	return units_first_line(root, "/etc/machine-id", mid, sizeof(mid)) == 0 &&
	       !strcasecmp(mid, arg);
}

static int cond_arch(const char *arg)
{
	struct unit_spec sp = { 0 };
	const char *why;
	char *a;
	int r;

	if (!strcmp(arg, "native"))
		return 1;
	if (unit_specifiers(&sp, "%a", &a, &why) < 0)
		return 0;
	r = !strcmp(a, arg);
	free(a);
	return r;
}

static int cond_env(const char *arg)
{
	size_t n = strlen(arg);

	for (char **e = environ; e && *e; e++)
		if (strchr(arg, '=') ? !strcmp(*e, arg)
				     : !strncmp(*e, arg, n) && (*e)[n] == '=')
			return 1;
	return 0;
}

static int exists(const char *p)
{
	return access(p, F_OK) == 0;
}

static int cond_security(const char *arg)
{
	if (!strcmp(arg, "selinux"))
		return exists("/sys/fs/selinux/enforce");
	if (!strcmp(arg, "apparmor"))
		return exists("/sys/kernel/security/apparmor");
	if (!strcmp(arg, "smack"))
		return exists("/sys/fs/smackfs");
	if (!strcmp(arg, "ima"))
		return exists("/sys/kernel/security/ima");
	if (!strcmp(arg, "tomoyo"))
		return exists("/sys/kernel/security/tomoyo");
	if (!strcmp(arg, "audit"))
		return exists("/proc/self/loginuid");
	if (!strcmp(arg, "tpm2"))
		return exists("/sys/class/tpmrm");
	return 0;
}

static int cond_first_boot(const char *root, const char *arg)
{
	char mid[64];
	int b = 1, first = units_first_line(root, "/etc/machine-id", mid,
					    sizeof(mid)) < 0 ||
			   !mid[0] || !strcmp(mid, "uninitialized");

	(void)unit_parse_bool(arg, &b);
	return first == b;
}

/* NeedsUpdate=/etc or /var: /usr is newer than its .updated stamp */
static int cond_needs_update(const char *root, const char *arg)
{
	struct stat usr, upd;
	char stamp[PATH_MAX];

	if (arg[0] != '/' || host_stat(root, "/usr", &usr, 1) < 0)
		return 0;
	units_fmt(stamp, sizeof(stamp), "%s/.updated", arg);
	return host_stat(root, stamp, &upd, 1) < 0 || usr.st_mtime > upd.st_mtime;
}

static int cond_cgroup(const char *arg)
{
	char *t;
	int r;

	if (!strcmp(arg, "v2"))
		return exists("/sys/fs/cgroup/cgroup.controllers");
	if (!strcmp(arg, "v1"))
		return !exists("/sys/fs/cgroup/cgroup.controllers");
	t = units_read(NULL, "/sys/fs/cgroup/cgroup.controllers");
	if (!t)
		t = units_read(NULL, "/proc/cgroups");
	r = t && strstr(t, arg) != NULL;
	free(t);
	return r;
}

/* "OP VALUE" with <, <=, =, !=, >=, > (none: =) against have */
static int compare(const char *arg, const char *have, int numeric)
{
	NAMETAB_BEGIN
	static const char ops[][3] = { "<=", ">=", "!=", "<", ">", "=" };
	NAMETAB_END
	const char *v = arg;
	int op = 5, c;

	while (isspace((unsigned char)*v))
		v++;
	for (int i = 0; i < 6; i++)
		if (!strncmp(v, ops[i], strlen(ops[i]))) {
			op = i;
			v += strlen(ops[i]);
			break;
		}
	while (isspace((unsigned char)*v))
		v++;
	if (numeric) {
		uint64_t a = strtoull(have, NULL, 10), b = 0;

		if (cfg_parse_size(v, &b) < 0)
			b = strtoull(v, NULL, 10);
		c = a < b ? -1 : a > b;
	} else if (v == arg) {
		return !fnmatch(v, have, 0); /* no operator: a glob */
	} else {
		c = strverscmp(have, v);
	}
	switch (op) {
	case 0: return c <= 0;
	case 1: return c >= 0;
	case 2: return c != 0;
	case 3: return c < 0;
	case 4: return c > 0;
	default: return c == 0;
	}
}

static int cond_os_release(const char *root, const char *arg)
{
	char key[128], val[256];
	size_t n = strcspn(arg, "<>=!");

	units_fmt(key, sizeof(key), "%.*s", (int)n, arg);
	while (n && isspace((unsigned char)key[n - 1]))
		key[--n] = '\0';
	if (units_os_release(root, key, val, sizeof(val)) < 0)
		val[0] = '\0';
	return compare(arg + strlen(key), val, 0) ||
	       (arg[strlen(key)] == '=' && !strcmp(val, arg + strlen(key) + 1));
}

static int cond_cpu_feature(const char *arg)
{
	char *t = units_read(NULL, "/proc/cpuinfo"), *line, *save, *w;
	int r = 0;

	line = t ? strstr(t, "\nflags") : NULL;
	if (line) {
		line[strcspn(line + 1, "\n") + 1] = '\0';
		line = strchr(line, ':');
	}
	for (w = line ? strtok_r(line + 1, " \t", &save) : NULL; w && !r;
	     w = strtok_r(NULL, " \t", &save))
		r = !strcasecmp(w, arg);
	free(t);
	return r;
}

static int one(const struct cfg_cond *c, const char *root)
{
	const char *a = c->arg;
	struct stat st;
	char host[PATH_MAX], num[32];
	struct utsname un;
	glob_t g;
	cpu_set_t set;
	int r;

	switch (c->kind) {
	case COND_PATH_EXISTS:
		return host_stat(root, a, &st, 1) == 0;
	case COND_PATH_EXISTS_GLOB:
		if (units_host(root, a, host, sizeof(host)) < 0)
			return 0;
		r = glob(host, GLOB_NOSORT, NULL, &g) == 0 && g.gl_pathc > 0;
		globfree(&g);
		return r;
	case COND_PATH_IS_DIRECTORY:
		return host_stat(root, a, &st, 1) == 0 && S_ISDIR(st.st_mode);
	case COND_PATH_IS_SYMBOLIC_LINK:
		return host_stat(root, a, &st, 0) == 0 && S_ISLNK(st.st_mode);
	case COND_PATH_IS_MOUNT_POINT:
		return mount_point(root, a);
	case COND_PATH_IS_READ_WRITE: {
		struct statvfs vfs;

		return units_host(root, a, host, sizeof(host)) == 0 &&
		       statvfs(host, &vfs) == 0 && !(vfs.f_flag & ST_RDONLY);
	}
	case COND_DIRECTORY_NOT_EMPTY:
		return dir_not_empty(root, a);
	case COND_FILE_NOT_EMPTY:
		return host_stat(root, a, &st, 1) == 0 && S_ISREG(st.st_mode) &&
		       st.st_size > 0;
	case COND_FILE_IS_EXECUTABLE:
		return host_stat(root, a, &st, 1) == 0 && S_ISREG(st.st_mode) &&
		       (st.st_mode & 0111);
	case COND_USER: return cond_user(a);
	case COND_GROUP: return cond_group(a);
	case COND_VIRTUALIZATION: return cond_virt(root, a);
	case COND_CAPABILITY: return cond_capability(a);
	case COND_KERNEL_COMMAND_LINE: return cond_cmdline(a);
	case COND_HOST: return cond_host(root, a);
	case COND_ARCHITECTURE: return cond_arch(a);
	case COND_ENVIRONMENT: return cond_env(a);
	case COND_SECURITY: return cond_security(a);
	case COND_FIRST_BOOT: return cond_first_boot(root, a);
	case COND_NEEDS_UPDATE: return cond_needs_update(root, a);
	case COND_AC_POWER: {
		int b = 1;

		(void)unit_parse_bool(a, &b);
		return b; /* no battery to tell otherwise */
	}
	case COND_CONTROL_GROUP_CONTROLLER: return cond_cgroup(a);
	case COND_KERNEL_VERSION:
		return uname(&un) == 0 && compare(a, un.release, 0);
	case COND_OS_RELEASE: return cond_os_release(root, a);
	case COND_CREDENTIAL: return 0; /* pouch-init passes none */
	case COND_MEMORY:
		units_fmt(num, sizeof(num), "%llu",
			 (unsigned long long)sysconf(_SC_PHYS_PAGES) *
				 (unsigned long long)sysconf(_SC_PAGESIZE));
		return compare(a, num, 1);
	case COND_CPUS:
		units_fmt(num, sizeof(num), "%d",
			 sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1);
		return compare(a, num, 1);
	case COND_CPU_FEATURE: return cond_cpu_feature(a);
	default:
		return 1; /* not evaluated: taken as met (said at load) */
	}
}

/* " (FILE:LINE)" of where a condition was set; "" when unknown */
static const char *where(const struct cfg_cond *c, char *buf, size_t len)
{
	if (!c->file)
		return "";
	units_fmt(buf, len, " (%s:%d)", c->file, c->line);
	return buf;
}

int units_conditions(const struct cfg_service *s, const char *root,
		     char *why, size_t len)
{
	char at[PATH_MAX + 32];

	for (int pass = 0; pass < 2; pass++) {
		int triggers = 0, trig_ok = 0;
		const struct cfg_cond *first_trig = NULL;

		for (size_t i = 0; i < s->nconds; i++) {
			const struct cfg_cond *c = &s->conds[i];
			int ok;

			if (c->assert != pass)
				continue;
			ok = one(c, root) != c->negate;
			if (c->trigger) {
				triggers++;
				trig_ok |= ok;
				first_trig = first_trig ? first_trig : c;
				continue;
			}
			if (!ok) {
				units_fmt(why, len, "%s%s=%s%s failed%s", pass ? "Assert" : "Condition",
					 kind_names[c->kind], c->negate ? "!" : "", c->arg,
					 where(c, at, sizeof(at)));
				return pass ? UNITS_ASSERT_FAILED : UNITS_COND_FAILED;
			}
		}
		if (triggers && !trig_ok) {
			units_fmt(why, len, "none of the '|' %ss held (%s%s=|%s%s ...)%s",
				 pass ? "assert" : "condition",
				 pass ? "Assert" : "Condition", kind_names[first_trig->kind],
				 first_trig->negate ? "!" : "", first_trig->arg,
				 where(first_trig, at, sizeof(at)));
			return pass ? UNITS_ASSERT_FAILED : UNITS_COND_FAILED;
		}
	}
	return UNITS_COND_MET;
}

int units_cond_one(const struct cfg_cond *c, const char *root)
{
	return one(c, root) != c->negate;
}
