// SPDX-License-Identifier: MIT
/*
 * `pouch-runc rich-run`: write a bundle for a root filesystem with the
 * defaults a Docker user expects, run it with runc in the foreground,
 * pass signals on, return the container's status, and remove the bundle
 * and runc's state whatever happens. With -d a monitor does the same in
 * the background and relays the container's stdout and stderr, whole
 * lines, into one log file. No shell anywhere: every runc call is a
 * fork and exec. The caller is the host's operator (root on the command
 * line), so every mode and any --config DIR may be asked for here.
 */
#include "lch-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RR_DIR "/run/pouch-runc"
#define NAME_MAX_LEN 64
#define LINE_MAX_BYTES (1u << 20)

static const char usage[] =
	"usage: pouch-runc rich-run --rootfs DIR [--mode M] [--config DIR]\n"
	"         [-e K=V]... [-v SRC:DST[:ro]]... [--tmpfs PATH[:OPTS]]...\n"
	"         [--read-only] [--user UID[:GID]] [--net host|none] [--name N]\n"
	"         [-t|-d] -- CMD [ARG...]\n";

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
	const struct lch_host *h;
	const char *name, *user;
	char **env, **vols, **tmpfs;
	size_t nenv, nvols, ntmpfs;
	char status[PATH_MAX + 8];	/* sbin-init: where CMD's status comes back */
	char *status_vol;
	int detach;
	char bundle[PATH_MAX];
	char *config_dir; /* --config, as a real path */
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

/* Docker's rule for a container name; it is also the hostname */
static int valid_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > NAME_MAX_LEN || !strchr("abcdefghijklmnopqrstuvwxyz"
					      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", *s))
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789_.-") == n;
}

static int parse_id(const char *s, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return end != s && !*end && !errno && *v >= 0 && *v < 4294967295L &&
	       *s >= '0' && *s <= '9';
}

/* the primary group of uid in the root filesystem's /etc/passwd, else 0
 * (as Docker does for a numeric --user) */
static long primary_gid(const char *rootfs, long uid)
{
	char path[PATH_MAX + 16];
	struct passwd *pw;
	long gid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/etc/passwd", rootfs);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while ((pw = fgetpwent(f)))
		if ((long)pw->pw_uid == uid) {
			gid = (long)pw->pw_gid;
			break;
		}
	fclose(f);
	return gid;
}

static int parse_user(struct rr *r)
{
	char *copy = strdup(r->user), *colon;
	int ok;

	if (!copy)
		return fail("out of memory");
	colon = strchr(copy, ':');
	if (colon)
		*colon++ = '\0';
	ok = parse_id(copy, &r->spec.uid) && (!colon || parse_id(colon, &r->spec.gid));
	if (ok && !colon)
		r->spec.gid = primary_gid(r->spec.rootfs, r->spec.uid);
	free(copy);
	return ok ? 0 : fail("bad --user '%s' (want UID[:GID], numbers)", r->user);
}

enum { OPT_READ_ONLY = 256, OPT_USER, OPT_TMPFS };

static int parse_one(struct rr *r, int c, char **argv)
{
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
	case OPT_TMPFS:
		if (push(&r->tmpfs, &r->ntmpfs, optarg) < 0)
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
	case OPT_READ_ONLY: r->spec.read_only = 1; break;
	case OPT_USER: r->user = optarg; break;
	case 'h':
		fputs(usage, stdout);
		return -1;
	default:
		return fail("unknown option '%s' (see --help)", argv[optind - 1]);
	}
	return 0;
}

static int parse(struct rr *r, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rootfs", required_argument, NULL, 'r' },
		{ "mode", required_argument, NULL, 'm' },
		{ "config", required_argument, NULL, 'c' },
		{ "env", required_argument, NULL, 'e' },
		{ "volume", required_argument, NULL, 'v' },
		{ "tmpfs", required_argument, NULL, OPT_TMPFS },
		{ "read-only", no_argument, NULL, OPT_READ_ONLY },
		{ "user", required_argument, NULL, OPT_USER },
		{ "net", required_argument, NULL, 'n' },
		{ "name", required_argument, NULL, 'N' },
		{ "tty", no_argument, NULL, 't' },
		{ "detach", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, code;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+r:m:c:e:v:n:N:u:tdh", opts, NULL)) != -1) {
		if (c == 'u')
			c = OPT_USER;
		if ((code = parse_one(r, c, argv)))
			return code;
	}
	if (!r->spec.rootfs)
		return fail("%s", "--rootfs DIR is required");
	if (optind >= argc)
		return fail("%s", "no command given after --");
	r->spec.args = argv + optind;
	return 0;
}

/* argv for the runtime: RUNTIME GLOBALS... WORDS... */
static char **runtime_argv(const struct lch_host *h, const char *const *words)
{
	size_t n = 0, k = 0;
	char **v;

	while (words[n])
		n++;
	v = calloc((size_t)h->nglobals + n + 2, sizeof(*v));
	if (!v)
		return NULL;
	v[k++] = (char *)h->runtime;
	for (int i = 0; i < h->nglobals; i++)
		v[k++] = h->globals[i];
	for (size_t i = 0; i < n; i++)
		v[k++] = (char *)words[i];
	return v;
}

/* fork and exec the runtime; in, out, err: its stdin, stdout and
 * stderr (-1: ours, -2: /dev/null) */
static pid_t spawn(const struct lch_host *h, const char *const *words, int in,
		   int out, int err)
{
	char **v = runtime_argv(h, words);
	pid_t p;

	if (!v)
		return -1;
	p = fork();
	if (p == 0) {
		int null = open("/dev/null", O_RDWR);

		if (in >= 0)
			dup2(in, 0);
		if (out == -2 && null >= 0)
			dup2(null, 1);
		else if (out >= 0)
			dup2(out, 1);
		if (err == -2 && null >= 0)
			dup2(null, 2);
		else if (err >= 0)
			dup2(err, 2);
		execv(v[0], v);
		_exit(127);
	}
	free(v);
	return p;
}

static int wait_status(pid_t p)
{
	int st;

	while (waitpid(p, &st, 0) < 0)
		if (errno != EINTR)
			return 125;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* /run/pouch-runc: ours, and nobody else may write it */
static int private_dir(void)
{
	struct stat st;

	if (mkdir(RR_DIR, 0700) < 0 && errno != EEXIST)
		return -1;
	if (lstat(RR_DIR, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022)) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

static int write_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	size_t done = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while (done < len && (n = write(fd, text + done, len - done)) > 0)
		done += (size_t)n;
	if (close(fd) < 0 || done < len)
		return -1;
	return 0;
}

static int rich_config(struct rr *r, json_t *cfg)
{
	char why[1024], *text = json_dumps(cfg, JSON_INDENT(2)), *out = NULL;
	char path[PATH_MAX + 16];
	struct lch_json j;
	size_t len;
	int rc;

	if (!text)
		return fail("unable to build config.json");
	if (lch_json_parse(&j, text, strlen(text)) < 0) {
		lch_json_free(&j);
		free(text);
		return fail("unable to build config.json");
	}
	rc = lch_make_rich(&j, &r->rich, &out, &len, why, sizeof(why));
	lch_json_free(&j);
	free(text);
	if (rc < 0)
		return fail("%s", why);
	snprintf(path, sizeof(path), "%s/config.json", r->bundle);
	rc = write_file(path, out, len);
	free(out);
	return rc < 0 ? fail("unable to write %s: %s", path, strerror(errno)) : 0;
}

/* sbin-init mode: the image's init ends the container with reboot(2),
 * so runc reports SIGINT (halt) or SIGHUP (reboot), never CMD's status.
 * CMD's script writes that into /.pouch/status/cmd, a directory of the
 * bundle's, and rich-run exits with it. */
static int status_volume(struct rr *r)
{
	snprintf(r->status, sizeof(r->status), "%s/status", r->bundle);
	if (mkdir(r->status, 0755) < 0)
		return -1;
	if (asprintf(&r->status_vol, "%s:/.pouch/status:rw", r->status) < 0)
		return -1;
	return push(&r->vols, &r->nvols, r->status_vol);
}

/* CMD's status as its script left it, or st when there is none. */
static int cmd_status(struct rr *r, int st)
{
	char path[PATH_MAX + 16], buf[16];
	ssize_t n;
	int fd;

	if (!r->status[0])
		return st;
	snprintf(path, sizeof(path), "%s/cmd", r->status);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return st;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	(void)unlink(path);
	buf[n > 0 ? n : 0] = '\0';
	if (n > 0 && (st == 128 + SIGINT || st == 128 + SIGHUP)) {
		long v = strtol(buf, NULL, 10);

		if (v >= 0 && v <= 255)
			return (int)v;
	}
	return st;
}

static int write_bundle(struct rr *r, char *rootfs)
{
	const char *why = NULL;
	json_t *cfg;
	int rc;

	if (private_dir() == 0)
		snprintf(r->bundle, sizeof(r->bundle), RR_DIR "/%s.XXXXXX", r->name);
	else
		snprintf(r->bundle, sizeof(r->bundle), "/tmp/pouch-runc-%s.XXXXXX", r->name);
	if (!mkdtemp(r->bundle)) {
		r->bundle[0] = '\0';
		return fail("unable to make a bundle directory: %s", strerror(errno));
	}
	r->spec.rootfs = rootfs;
	r->spec.env = r->env;
	if (!strcmp(r->rich.mode, "sbin-init") && status_volume(r) < 0)
		return fail("unable to make %s/status: %s", r->bundle, strerror(errno));
	r->spec.volumes = r->vols;
	r->spec.tmpfs = r->tmpfs;
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
	if (!cfg)
		return fail("%s", why ? why : "unable to build config.json");
	rc = rich_config(r, cfg);
	json_decref(cfg);
	return rc;
}

static void cleanup(struct rr *r)
{
	char path[PATH_MAX + 16];
	pid_t p;

	p = spawn(r->h, (const char *const[]){ "delete", "-f", r->name, NULL }, -1,
		  -2, -2);
	if (p > 0)
		(void)wait_status(p);
	snprintf(path, sizeof(path), "%s/config.json", r->bundle);
	(void)unlink(path);
	if (r->status[0]) {
		snprintf(path, sizeof(path), "%s/cmd", r->status);
		(void)unlink(path);
		(void)rmdir(r->status);
	}
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

static void forward_signals(struct rr *r)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1,
				    SIGUSR2, SIGWINCH };
	struct sigaction sa;

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
}

static const char *const *run_words(struct rr *r)
{
	static const char *w[5];

	w[0] = "run";
	w[1] = "--bundle";
	w[2] = r->bundle;
	w[3] = r->name;
	w[4] = NULL;
	return w;
}

static int run(struct rr *r)
{
	pid_t p;
	int st;

	forward_signals(r);
	p = spawn(r->h, run_words(r), -1, -1, -1);
	if (p < 0)
		return fail("fork: %s", strerror(errno));
	child_pid = p;
	st = wait_status(p);
	child_pid = 0;
	return cmd_status(r, st);
}

/* ---- -d: the monitor */

struct stream {
	int fd;
	char *buf;
	size_t len, cap;
};

static void put(int log, const char *s, size_t n)
{
	ssize_t w;

	while (n && ((w = write(log, s, n)) > 0 || (w < 0 && errno == EINTR))) {
		if (w > 0) {
			s += w;
			n -= (size_t)w;
		}
	}
}

/* write every whole line of s to log; at eof (or beyond LINE_MAX_BYTES)
 * the rest too, as a line of its own */
static void flush_lines(struct stream *s, int log, int eof)
{
	char *nl = s->len ? memrchr(s->buf, '\n', s->len) : NULL;
	size_t whole = nl ? (size_t)(nl - s->buf) + 1 : 0;

	if (whole) {
		put(log, s->buf, whole);
		memmove(s->buf, s->buf + whole, s->len - whole);
		s->len -= whole;
	}
	if (s->len && (eof || s->len >= LINE_MAX_BYTES)) {
		s->buf[s->len++] = '\n'; /* cap keeps one byte for it */
		put(log, s->buf, s->len);
		s->len = 0;
	}
}

static int fill(struct stream *s)
{
	ssize_t n;

	if (s->cap - s->len < 4097 && s->cap < LINE_MAX_BYTES + 1) {
		size_t cap = s->cap ? s->cap * 2 : 8192;
		char *b;

		cap = cap > LINE_MAX_BYTES + 1 ? LINE_MAX_BYTES + 1 : cap;
		b = realloc(s->buf, cap);
		if (!b)
			return -1;
		s->buf = b;
		s->cap = cap;
	}
	n = read(s->fd, s->buf + s->len, s->cap - s->len - 1);
	if (n < 0 && errno == EINTR)
		return 1;
	if (n <= 0)
		return -1;
	s->len += (size_t)n;
	return 1;
}

/* relay the container's stdout and stderr into log until both end */
static void relay(struct stream *s, int log)
{
	struct pollfd pfd[2];

	for (;;) {
		int n = 0;

		for (int k = 0; k < 2; k++)
			if (s[k].fd >= 0)
				pfd[n++] = (struct pollfd){ .fd = s[k].fd, .events = POLLIN };
		if (!n)
			return;
		if (poll(pfd, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		for (int k = 0, i = 0; k < 2; k++) {
			if (s[k].fd < 0)
				continue;
			if (pfd[i++].revents && fill(&s[k]) < 0) {
				flush_lines(&s[k], log, 1);
				close(s[k].fd);
				s[k].fd = -1;
				continue;
			}
			flush_lines(&s[k], log, 0);
		}
	}
}

static void logf_line(int log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logf_line(int log, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(log, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static void monitor(struct rr *r, int log)
{
	struct stream s[2] = { { .fd = -1 }, { .fd = -1 } };
	int out[2], err[2], null, st;
	pid_t p;

	(void)setsid();
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		_exit(125);
	forward_signals(r);
	p = spawn(r->h, run_words(r), -1, out[1], err[1]);
	close(out[1]);
	close(err[1]);
	if (p < 0)
		_exit(125);
	child_pid = p;
	s[0].fd = out[0];
	s[1].fd = err[0];
	relay(s, log);
	free(s[0].buf);
	free(s[1].buf);
	st = cmd_status(r, wait_status(p));
	child_pid = 0;
	cleanup(r);
	logf_line(log, "pouch-runc: container %s exited with status %d\n", r->name, st);
	_exit(st & 0xff);
}

/* the container's status as `runtime state NAME` says it */
static int is_running(struct rr *r)
{
	char buf[65536];
	size_t len = 0;
	ssize_t n;
	int p[2], running;
	struct lch_json j;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return 0;
	pid = spawn(r->h, (const char *const[]){ "state", r->name, NULL }, -1, p[1], -2);
	close(p[1]);
	while (len < sizeof(buf) &&
	       ((n = read(p[0], buf + len, sizeof(buf) - len)) > 0 || (n < 0 && errno == EINTR)))
		len += n > 0 ? (size_t)n : 0;
	close(p[0]);
	if (pid < 0 || wait_status(pid) != 0)
		return 0;
	running = lch_json_parse(&j, buf, len) == 0 &&
		  lch_json_is(&j, lch_json_member(&j, 0, "status"), "running");
	lch_json_free(&j);
	return running;
}

/* -d: a monitor in the background runs the container as in the
 * foreground case, output to /run/pouch-runc/NAME.log, and still removes
 * the bundle and runc's state when the container ends. We return once
 * the runtime reports it running. */
static int detach(struct rr *r)
{
	char log[PATH_MAX];
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	pid_t p;
	int fd, st;

	snprintf(log, sizeof(log), RR_DIR "/%s.log", r->name);
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0) {
		cleanup(r);
		return fail("unable to open %s: %s", log, strerror(errno));
	}
	fflush(stdout);
	p = fork();
	if (p < 0) {
		close(fd);
		cleanup(r);
		return fail("fork: %s", strerror(errno));
	}
	if (p == 0)
		monitor(r, fd);
	close(fd);
	for (int i = 0; i < 200; i++) {
		if (waitpid(p, &st, WNOHANG) == p)
			return fail("container %s ended at once (see %s)", r->name, log);
		if (is_running(r)) {
			printf("%s\n", r->name);
			return 0;
		}
		nanosleep(&pause, NULL);
	}
	return fail("container %s did not start in 10 s (see %s)", r->name, log);
}

static int check(struct rr *r, char *rootfs, char *name)
{
	struct stat st;

	if (!lch_mode_bit(r->rich.mode, strlen(r->rich.mode)))
		return fail("unknown mode '%s' (%s)", r->rich.mode, LCH_MODE_NAMES);
	if (!realpath(r->spec.rootfs, rootfs))
		return fail("--rootfs: %s", strerror(errno));
	r->spec.rootfs = rootfs;
	if (r->rich.config_dir) {
		r->config_dir = realpath(r->rich.config_dir, NULL);
		if (!r->config_dir || stat(r->config_dir, &st) < 0 || !S_ISDIR(st.st_mode))
			return fail("--config %s: %s", r->rich.config_dir,
				    r->config_dir ? "not a directory" : strerror(errno));
		r->rich.config_dir = r->config_dir;
		r->rich.config_rro = lch_runtime_rro(r->h->runtime);
	}
	if (!r->name) {
		snprintf(name, 64, "pouch-%d", (int)getpid());
		r->name = name;
	}
	if (!valid_name(r->name))
		return fail("bad --name '%s' (want [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most %d characters)",
			    lch_printable(r->name, strlen(r->name)), NAME_MAX_LEN);
	if (r->user && parse_user(r))
		return 125;
	if (r->detach && r->spec.terminal)
		return fail("%s", "-d and -t do not go together");
	return 0;
}

int rich_run(int argc, char **argv, const struct lch_host *h)
{
	struct rr r;
	char rootfs[PATH_MAX], name[64];
	int code;

	memset(&r, 0, sizeof(r));
	r.h = h;
	r.rich.mode = "pouch";
	r.rich.init_binary = h->init;
	code = parse(&r, argc, argv);
	if (code)
		return code < 0 ? 0 : code;
	code = check(&r, rootfs, name);
	if (code == 0)
		code = write_bundle(&r, rootfs);
	if (code == 0 && r.detach) {
		code = detach(&r); /* the monitor cleans up */
	} else {
		if (code == 0)
			code = run(&r);
		if (r.bundle[0])
			cleanup(&r);
	}
	free(r.env);
	free(r.vols);
	free(r.tmpfs);
	free(r.config_dir);
	free(r.status_vol);
	return code;
}
