// SPDX-License-Identifier: MIT
/*
 * `pouch-runc rich-run`: write a bundle for a root filesystem with the
 * defaults a Docker user expects, run it with runc in the foreground,
 * pass signals on, return the container's status, and remove the bundle
 * and runc's state whatever happens.
 */
#include "lch.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int rich_run(int argc, char **argv, const char *runc, char *init);

static const char usage[] =
	"usage: pouch-runc rich-run --rootfs DIR [--mode M] [--config DIR]\n"
	"         [-e K=V]... [-v SRC:DST[:ro]]... [--net host|none] [--name N] [-t|-d]\n"
	"         -- CMD [ARG...]\n";

static volatile sig_atomic_t child_pid;
static volatile sig_atomic_t stop_sig; /* what SIGTERM becomes, 0: itself */

static void pass_on(int sig)
{
	if (child_pid <= 0)
		return;
	/* systemd halts on SIGRTMIN+3; on SIGTERM it would re-execute */
	if (sig == SIGTERM && stop_sig)
		sig = stop_sig;
	(void)kill(child_pid, sig);
}

struct rr {
	struct lch_spec spec;
	struct lch_rich rich;
	const char *name;
	char **env, **vols;
	size_t nenv, nvols;
	int detach;
	char bundle[PATH_MAX];
};

static int push(char ***list, size_t *n, char *v)
{
	char **l = realloc(*list, (*n + 2) * sizeof(*l));

	if (!l)
		return -1;
	l[(*n)++] = v;
	l[*n] = NULL;
	*list = l;
	return 0;
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("pouch-runc: error: rich-run: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 125;
}

static int parse(struct rr *r, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rootfs", required_argument, NULL, 'r' },
		{ "mode", required_argument, NULL, 'm' },
		{ "config", required_argument, NULL, 'c' },
		{ "env", required_argument, NULL, 'e' },
		{ "volume", required_argument, NULL, 'v' },
		{ "net", required_argument, NULL, 'n' },
		{ "name", required_argument, NULL, 'N' },
		{ "tty", no_argument, NULL, 't' },
		{ "detach", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+r:m:c:e:v:n:N:tdh", opts, NULL)) != -1) {
		switch (c) {
		case 'r': r->spec.rootfs = optarg; break;
		case 'm': r->rich.mode = optarg; break;
		case 'c': r->rich.config_dir = optarg; break;
		case 'e':
			if (!strchr(optarg, '=') || push(&r->env, &r->nenv, optarg) < 0)
				return fail("bad -e '%s' (want KEY=VALUE)", optarg);
			break;
		case 'v':
			if (push(&r->vols, &r->nvols, optarg) < 0)
				return fail("%s", "out of memory");
			break;
		case 'n':
			if (strcmp(optarg, "host") && strcmp(optarg, "none"))
				return fail("bad --net '%s' (host or none)", optarg);
			r->spec.net_host = !strcmp(optarg, "host");
			break;
		case 'N': r->name = optarg; break;
		case 't': r->spec.terminal = 1; break;
		case 'd': r->detach = 1; break;
		case 'h':
			fputs(usage, stdout);
			return 0 - 1;
		default:
			return fail("unknown option '%s' (see --help)", argv[optind - 1]);
		}
	}
	if (!r->spec.rootfs)
		return fail("%s", "--rootfs DIR is required");
	if (optind >= argc)
		return fail("%s", "no command given after --");
	r->spec.args = argv + optind;
	return 0;
}

static int write_bundle(struct rr *r, char *rootfs)
{
	char path[PATH_MAX + 16];
	const char *why;
	json_t *cfg;

	(void)mkdir("/run/pouch-runc", 0700);
	snprintf(r->bundle, sizeof(r->bundle), "/run/pouch-runc/%s.XXXXXX", r->name);
	if (!mkdtemp(r->bundle)) {
		snprintf(r->bundle, sizeof(r->bundle), "/tmp/pouch-runc-%s.XXXXXX", r->name);
		if (!mkdtemp(r->bundle))
			return fail("unable to make a bundle directory: %s", strerror(errno));
	}
	r->spec.rootfs = rootfs;
	r->spec.env = r->env;
	r->spec.volumes = r->vols;
	r->spec.hostname = r->name;
	{
		struct rlimit rl;

		r->spec.nofile = getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
					 rl.rlim_max != RLIM_INFINITY &&
					 rl.rlim_max < 1048576
				 ? (long)rl.rlim_max
				 : 1048576;
	}
	cfg = lch_default_spec(&r->spec, &why);
	if (!cfg || lch_make_rich(cfg, &r->rich, &why) < 0) {
		json_decref(cfg);
		return fail("%s", why);
	}
	snprintf(path, sizeof(path), "%s/config.json", r->bundle);
	if (json_dump_file(cfg, path, JSON_INDENT(2)) < 0) {
		json_decref(cfg);
		return fail("unable to write %s", path);
	}
	json_decref(cfg);
	return 0;
}

static void cleanup(struct rr *r, const char *runc)
{
	char path[PATH_MAX + 16];
	pid_t p;

	p = fork();
	if (p == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		dup2(fd, 2);
		execl(runc, runc, "delete", "-f", r->name, (char *)NULL);
		_exit(127);
	}
	if (p > 0)
		while (waitpid(p, NULL, 0) < 0 && errno == EINTR)
			;
	snprintf(path, sizeof(path), "%s/config.json", r->bundle);
	(void)unlink(path);
	(void)rmdir(r->bundle);
}

/* sbin-init mode: busybox init powers off on SIGTERM; sysvinit ignores
 * it, and shuts down on SIGINT (its inittab's ctrl-alt-del entry). */
static int sbin_is_busybox(const char *rootfs)
{
	char path[PATH_MAX + 16], target[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/sbin/init", rootfs);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return 0;
	target[n] = '\0';
	return strstr(target, "busybox") != NULL;
}

static int run(struct rr *r, const char *runc)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1,
				    SIGUSR2, SIGWINCH };
	struct sigaction sa;
	int st;
	pid_t p;

	if (!strcmp(r->rich.mode, "systemd"))
		stop_sig = SIGRTMIN + 3;
	if (!strcmp(r->rich.mode, "sbin-init") && !sbin_is_busybox(r->spec.rootfs))
		stop_sig = SIGINT;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = pass_on;
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(*sigs); i++)
		if (!(r->spec.terminal && (sigs[i] == SIGINT || sigs[i] == SIGWINCH)))
			sigaction(sigs[i], &sa, NULL);
	p = fork();
	if (p < 0)
		return fail("fork: %s", strerror(errno));
	if (p == 0) {
		execl(runc, runc, "run", "--bundle", r->bundle, r->name, (char *)NULL);
		_exit(127);
	}
	child_pid = p;
	while (waitpid(p, &st, 0) < 0)
		if (errno != EINTR)
			return 125;
	child_pid = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* -d: a monitor in the background runs the container as in the
 * foreground case, output to /run/pouch-runc/NAME.log, and still removes
 * the bundle and runc's state when the container ends. We return once
 * runc reports it running. */
static void cleanup(struct rr *r, const char *runc);

static int detach(struct rr *r, const char *runc)
{
	char log[PATH_MAX], state[PATH_MAX + 64];
	pid_t p;
	int fd, st;

	snprintf(log, sizeof(log), "/run/pouch-runc/%s.log", r->name);
	p = fork();
	if (p < 0)
		return fail("fork: %s", strerror(errno));
	if (p == 0) {
		(void)setsid();
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0)
			dup2(fd, 0);
		st = run(r, runc);
		cleanup(r, runc);
		fprintf(stderr, "pouch-runc: container %s exited with status %d\n",
			r->name, st);
		_exit(st & 0xff);
	}
	snprintf(state, sizeof(state), "%s state %s 2>/dev/null | grep -q '\"status\": \"running\"'",
		 runc, r->name);
	for (int i = 0; i < 200; i++) {
		if (waitpid(p, &st, WNOHANG) == p)
			return fail("container %s ended at once (see %s)", r->name, log);
		if (system(state) == 0) {
			printf("%s\n", r->name);
			return 0;
		}
		usleep(50000);
	}
	return fail("container %s did not start in 10 s (see %s)", r->name, log);
}

int rich_run(int argc, char **argv, const char *runc, char *init)
{
	struct rr r;
	char rootfs[PATH_MAX], name[64];
	int code;

	memset(&r, 0, sizeof(r));
	r.rich.mode = "pouch";
	r.rich.init_binary = init;
	code = parse(&r, argc, argv);
	if (code)
		return code < 0 ? 0 : code;
	if (!lch_mode_valid(r.rich.mode))
		return fail("unknown mode '%s' (pouch, dumb-init, systemd, sbin-init)",
			    r.rich.mode);
	if (!realpath(r.spec.rootfs, rootfs))
		return fail("--rootfs: %s", strerror(errno));
	if (r.rich.config_dir && access(r.rich.config_dir, R_OK | X_OK) < 0)
		return fail("--config: %s", strerror(errno));
	if (!r.name) {
		snprintf(name, sizeof(name), "pouch-%d", (int)getpid());
		r.name = name;
	}
	if (r.detach && r.spec.terminal)
		return fail("%s", "-d and -t do not go together");
	code = write_bundle(&r, rootfs);
	if (code == 0 && r.detach) {
		code = detach(&r, runc);
		free(r.env);
		free(r.vols);
		return code; /* the monitor cleans up */
	}
	if (code == 0)
		code = run(&r, runc);
	if (r.bundle[0])
		cleanup(&r, runc);
	free(r.env);
	free(r.vols);
	return code;
}
