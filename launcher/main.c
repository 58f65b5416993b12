// SPDX-License-Identifier: MIT
/*
 * pouch-runc: a drop-in runc that makes rich containers, and `rich-run`,
 * a one-command way to run a root filesystem as one. Every runc command
 * passes through unchanged (exec, so the exit status and signals are
 * runc's own); `create` and `run` of a bundle that asks for a rich mode
 * get their config.json rewritten first, within what the host's
 * administrator allows in /etc/pouch-runc.conf. A refusal is reported on
 * stderr and, when the caller gave runc a --log file (containerd does),
 * there too in runc's own log format, and runc is not called.
 */
#include "lch-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef POUCH_VERSION
#define POUCH_VERSION "0.0.0"
#endif

#define MAX_CONFIG_JSON (64u << 20)

/* what the command line says, as far as pouch-runc needs it */
struct cli {
	int cmd;		/* index of the command in argv, or -1 */
	int version;		/* --version / -v among the global options */
	const char *log;	/* --log FILE */
	const char *log_format; /* --log-format text|json */
};

static struct cli cli;

static void log_line(const char *msg);

static void die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

static void die(int status, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "pouch-runc: error: %s\n", msg);
	log_line(msg);
	exit(status);
}

/* msg for a JSON string or a logfmt value: escaped; bytes that are not
 * ASCII become U+FFFD (our messages quote what a bundle says through
 * lch_printable, so that is only a safety net) */
static void escape(FILE *f, const char *msg)
{
	for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else if (*p >= 0x80)
			fputs("\\ufffd", f);
		else
			fputc(*p, f);
	}
}

/* A refusal in runc's --log file, in its format: logrus' JSON
 * ({"level":"error","msg":...,"time":RFC 3339}, what containerd reads
 * back and hands to the kubelet) or its text (time= level= msg=). */
static void log_line(const char *msg)
{
	char stamp[64], *line = NULL;
	size_t len = 0;
	time_t now = time(NULL);
	struct tm tm;
	FILE *f;
	int fd;

	if (!cli.log || !*cli.log || !gmtime_r(&now, &tm))
		return;
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	f = open_memstream(&line, &len);
	if (!f)
		return;
	if (cli.log_format && !strcmp(cli.log_format, "json")) {
		fputs("{\"level\":\"error\",\"msg\":\"pouch-runc: ", f);
		escape(f, msg);
		fprintf(f, "\",\"time\":\"%s\"}\n", stamp);
	} else {
		fprintf(f, "time=\"%s\" level=error msg=\"pouch-runc: ", stamp);
		escape(f, msg);
		fputs("\"\n", f);
	}
	if (fclose(f) != 0 || !line)
		return;
	fd = open(cli.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd >= 0) {
		if (write(fd, line, len) < 0) {
			/* stderr has it already */
		}
		close(fd);
	}
	free(line);
}

static int executable(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

/* The real runtime: POUCH_RUNC_RUNTIME, else [runtime] runtime, else the
 * first `runc` on PATH that is not this very program. */
static char *find_runtime(const struct lch_conf *c)
{
	const char *env = getenv("POUCH_RUNC_RUNTIME"), *path = getenv("PATH");
	char self[PATH_MAX], cand[PATH_MAX], real[PATH_MAX];
	char *copy, *dir, *save;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	self[n > 0 ? n : 0] = '\0';
	if (env && *env)
		return strdup(env);
	if (c->runtime)
		return strdup(c->runtime);
	copy = strdup(path && *path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	for (dir = copy ? strtok_r(copy, ":", &save) : NULL; dir;
	     dir = strtok_r(NULL, ":", &save)) {
		snprintf(cand, sizeof(cand), "%s/runc", dir);
		if (!executable(cand) || !realpath(cand, real) || !strcmp(real, self))
			continue;
		free(copy);
		return strdup(cand);
	}
	free(copy);
	return NULL;
}

/* pouch-init next to this program, else POUCH_INIT_BINARY. */
static char *find_init(void)
{
	char self[PATH_MAX], cand[PATH_MAX + 16], *slash;
	const char *env = getenv("POUCH_INIT_BINARY");
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(cand, sizeof(cand), "%s/pouch-init", self);
			if (executable(cand))
				return strdup(cand);
		}
	}
	if (env && *env && executable(env))
		return realpath(env, NULL);
	return NULL;
}

static const char *conf_state(const struct lch_conf *c, int rc)
{
	static char buf[PATH_MAX + 600];

	if (rc < 0)
		snprintf(buf, sizeof(buf), "%s (refused: %s)", c->file,
			 c->nerrors ? c->errors[0] : "out of memory");
	else if (!c->found)
		snprintf(buf, sizeof(buf), "%s (absent: bundles may ask for %s only)",
			 c->file, lch_mode_list(c->modes));
	else
		snprintf(buf, sizeof(buf), "%s (modes: %s)", c->file, lch_mode_list(c->modes));
	return buf;
}

static void version(const struct lch_conf *c, int rc)
{
	char *init = find_init(), *rt = find_runtime(c);

	printf("pouch-runc version %s (pouch-init: %s; runc: %s; config: %s)\n",
	       POUCH_VERSION, init ? init : "not found", rt ? rt : "not found",
	       conf_state(c, rc));
	free(init);
	free(rt);
}

/* ---- the command line: runc's and crun's global options */

static int among(const char *name, size_t len, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == len && !memcmp(*list, name, len))
			return 1;
	return 0;
}

/* Global options that take a value, of runc (urfave/cli: -x or --x,
 * value after '=' or as the next argument) and crun (argp). */
static const char *const with_value[] = { "root", "log", "log-format", "log-level",
					  "criu", "rootless", "cgroup-manager", NULL };
static const char *const flags[] = { "debug", "systemd-cgroup", "help", "h",
				     "version", "v", "V", "usage", "?", NULL };
static const char *const commands[] = {
	"checkpoint", "create", "delete", "events", "exec", "features", "help",
	"h", "init", "kill", "list", "mounts", "pause", "ps", "restore",
	"resume", "run", "spec", "start", "state", "update", "rich-run", NULL
};

/* Find the command after the global options. An option we do not know
 * takes the next argument as its value unless that is a command's name. */
static void parse_globals(int argc, char **argv)
{
	memset(&cli, 0, sizeof(cli));
	cli.cmd = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *name, *eq;
		size_t len;

		if (!strcmp(a, "--")) {
			cli.cmd = i + 1 < argc ? i + 1 : -1;
			return;
		}
		if (a[0] != '-' || !a[1]) {
			cli.cmd = i;
			return;
		}
		name = a + (a[1] == '-' ? 2 : 1);
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		if (among(name, len, with_value)) {
			const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;

			if (len == 3 && !memcmp(name, "log", 3))
				cli.log = v;
			else if (len == 10 && !memcmp(name, "log-format", 10))
				cli.log_format = v;
		} else if (among(name, len, flags)) {
			if (among(name, len, (const char *const[]){ "version", "v", "V", NULL }))
				cli.version = 1;
		} else if (!eq && i + 1 < argc && argv[i + 1][0] != '-' &&
			   !among(argv[i + 1], strlen(argv[i + 1]), commands)) {
			i++; /* an unknown option's value */
		}
	}
}

struct bundle {
	const char *dir;    /* --bundle, -b: default . */
	const char *config; /* crun's --config, -f: default config.json */
};

/* is a the option -s / --long (any number of dashes, as Go and argp
 * take them), with its value inline (=V, or crun's -sV) or next? */
static int option(char **argv, int *i, int argc, char s, const char *l,
		  const char **value)
{
	const char *a = argv[*i], *name = a + 1 + (a[1] == '-');
	size_t n = strlen(l);

	if ((!strncmp(name, l, n) && (!name[n] || name[n] == '=')) ||
	    (name[0] == s && (!name[1] || name[1] == '='))) {
		const char *eq = strchr(name, '=');

		*value = eq ? eq + 1 : *i + 1 < argc ? argv[++*i] : NULL;
		return 1;
	}
	if (a[1] == s && a[1] != '-' && a[2]) { /* crun: -bDIR */
		*value = a + 2;
		return 1;
	}
	return 0;
}

static void parse_create(int argc, char **argv, struct bundle *b)
{
	static const char *const valued[] = { "console-socket", "pid-file",
					      "preserve-fds", NULL };
	const char *v;

	b->dir = ".";
	b->config = NULL;
	for (int i = cli.cmd + 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--"))
			break;
		if (a[0] != '-')
			continue;
		if (option(argv, &i, argc, 'b', "bundle", &v)) {
			if (v)
				b->dir = v;
		} else if (option(argv, &i, argc, 'f', "config", &v)) {
			if (v)
				b->config = v;
		} else if (!strchr(a, '=') &&
			   among(a + 1 + (a[1] == '-'), strlen(a + 1 + (a[1] == '-')), valued)) {
			i++;
		}
	}
}

/* ---- create / run */

static char *read_all(const char *path, size_t *len, struct stat *st)
{
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return NULL;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) ||
	    (size_t)st->st_size > MAX_CONFIG_JSON ||
	    !(buf = malloc((size_t)st->st_size + 1))) {
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	while (got < (size_t)st->st_size &&
	       (n = read(fd, buf + got, (size_t)st->st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
}

static void write_back(const char *path, const char *text, size_t len,
		       const struct stat *st)
{
	char *tmp;
	int fd;
	size_t done = 0;
	ssize_t n;

	if (asprintf(&tmp, "%s.pouch-runc.XXXXXX", path) < 0)
		die(1, "out of memory");
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		die(1, "unable to write %s: %s", path, strerror(errno));
	while (done < len && (n = write(fd, text + done, len - done)) > 0)
		done += (size_t)n;
	(void)fchmod(fd, st->st_mode & 07777);
	if (fchown(fd, st->st_uid, st->st_gid) < 0) {
		/* not root: the file stays ours */
	}
	if (done < len || close(fd) < 0 || rename(tmp, path) < 0) {
		int e = errno;

		(void)unlink(tmp);
		die(1, "unable to write %s: %s", path, strerror(e));
	}
	free(tmp);
}

/* what `runtime WORD` prints on stdout (at most 1 MiB), when it exits 0 */
static char *runtime_says(const char *runtime, const char *word, size_t *len)
{
	char *out = NULL, *more;
	size_t cap = 0;
	int p[2], st = 0;
	ssize_t n;
	pid_t pid;

	*len = 0;
	if (pipe2(p, O_CLOEXEC) < 0)
		return NULL;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(p[1], 1);
		if (null >= 0)
			dup2(null, 2);
		execl(runtime, runtime, word, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		if (*len == cap) {
			more = cap < (1 << 20) ? realloc(out, cap ? cap * 2 : 4096) : NULL;
			if (!more)
				break;
			out = more;
			cap = cap ? cap * 2 : 4096;
		}
		n = read(p[0], out + *len, cap - *len);
		if (n <= 0 && !(n < 0 && errno == EINTR))
			break;
		*len += n > 0 ? (size_t)n : 0;
	}
	close(p[0]); /* a child still writing gets SIGPIPE */
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (pid > 0 && WIFEXITED(st) && !WEXITSTATUS(st))
		return out;
	free(out);
	return NULL;
}

int lch_runtime_rro(const char *runtime)
{
	struct utsname u;
	int maj = 0, min = 0, rro = 0, opts;
	struct lch_json j;
	size_t len;
	char *out;

	if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &maj, &min) != 2 ||
	    maj < 5 || (maj == 5 && min < 12))
		return 0; /* no mount_setattr(2) */
	out = runtime_says(runtime, "features", &len);
	if (out && lch_json_parse(&j, out, len) == 0) {
		opts = lch_json_member(&j, 0, "mountOptions");
		for (int e = opts >= 0 && j.n[opts].type == LCH_J_ARRAY ? j.n[opts].first : -1;
		     e >= 0; e = j.n[e].next)
			rro |= lch_json_is(&j, e, "rro");
	}
	if (out)
		lch_json_free(&j);
	free(out);
	return rro;
}

/* the host side of a request: pouch-init, the config directory as a
 * real path, a host hook the host may trust */
static void resolve(struct lch_rich *r, const struct lch_request *rq,
		    const char *runtime, char **init, char **dir)
{
	struct stat st;
	char why[512];

	*init = find_init();
	if (!*init)
		die(1, "no pouch-init next to pouch-runc and POUCH_INIT_BINARY is not an executable");
	r->init_binary = *init;
	if (r->config_dir) {
		*dir = realpath(r->config_dir, NULL);
		if (!*dir || stat(*dir, &st) < 0 || !S_ISDIR(st.st_mode))
			die(1, "annotation io.pouch.config: [config %s] %s: %s",
			    lch_printable(rq->config, rq->config_len), r->config_dir,
			    *dir ? "not a directory" : strerror(errno));
		r->config_dir = *dir;
		r->config_rro = lch_runtime_rro(runtime);
	}
	if (r->initscript) {
		if (lch_trusted(r->initscript, -1, why, sizeof(why)) < 0)
			die(1, "annotation io.pouch.initscript: [initscript %s] %s: %s",
			    lch_printable(rq->initscript, rq->initscript_len),
			    r->initscript, why);
		if (!executable(r->initscript))
			die(1, "annotation io.pouch.initscript: [initscript %s] %s is not executable",
			    lch_printable(rq->initscript, rq->initscript_len), r->initscript);
	}
}

static void rewrite_config(const char *path, const struct lch_conf *c,
		      const char *runtime)
{
	struct lch_request rq;
	struct lch_rich r = { 0 };
	struct lch_json j;
	struct stat st;
	char why[1024], *text, *out, *init = NULL, *dir = NULL;
	size_t len, out_len;
	int line, col;

	text = read_all(path, &len, &st);
	if (!text) {
		if (errno == ENOENT)
			return; /* runc says what is missing */
		die(1, "%s: %s", path, strerror(errno));
	}
	if (lch_json_parse(&j, text, len) < 0) {
		lch_json_where(&j, j.err_at, &line, &col);
		if (lch_mentions_rich(text, len))
			die(1, "%s:%d:%d: %s (a rich container is asked for; none is made of a config.json that does not parse)",
			    path, line, col, j.err);
		goto plain; /* runc's own parser has the last word */
	}
	if (lch_request_read(&j, &rq, why, sizeof(why)) < 0) {
		if (lch_mentions_rich(text, len))
			die(1, "%s", why);
		goto plain; /* nothing rich asked for: runc reads it as it will */
	}
	if (rq.sandbox || rq.already)
		goto done; /* a pod's sandbox stays plain; a rich one as it is */
	if (lch_request_check(&rq, c, &r, why, sizeof(why)) < 0)
		die(1, "%s", why);
	if (!r.mode)
		goto done;
	resolve(&r, &rq, runtime, &init, &dir);
	if (lch_make_rich(&j, &r, &out, &out_len, why, sizeof(why)) < 0)
		die(1, "%s: %s", path, why);
	write_back(path, out, out_len, &st);
	free(out);
done:
	lch_request_free(&rq);
plain:
	lch_json_free(&j);
	free(init);
	free(dir);
	free(text);
}

static void rewrite_bundle(int argc, char **argv, const struct lch_conf *c,
			   const char *runtime)
{
	struct bundle b;
	char path[PATH_MAX];

	parse_create(argc, argv, &b);
	if (b.config && b.config[0] == '/')
		snprintf(path, sizeof(path), "%s", b.config);
	else
		snprintf(path, sizeof(path), "%s/%s", b.dir, b.config ? b.config : "config.json");
	rewrite_config(path, c, runtime);
}

static void exec_runtime(char *runtime, char **argv)
{
	argv[0] = runtime;
	fflush(stdout);
	execv(runtime, argv);
	die(127, "unable to exec %s: %s", runtime, strerror(errno));
}

int main(int argc, char **argv)
{
	const char *file = getenv("POUCH_RUNC_CONFIG");
	struct lch_conf conf;
	char *runtime;
	int rc;

	parse_globals(argc, argv);
	rc = lch_conf_load(&conf, file && *file ? file : NULL);
	if (cli.version && (cli.cmd < 0 || strcmp(argv[cli.cmd], "rich-run"))) {
		version(&conf, rc);
		fflush(stdout);
	}
	if (rc < 0 && !cli.version) {
		for (size_t i = 0; i + 1 < conf.nerrors; i++)
			fprintf(stderr, "pouch-runc: error: %s\n", conf.errors[i]);
		die(1, "%s", conf.nerrors ? conf.errors[conf.nerrors - 1] : "out of memory");
	}
	runtime = find_runtime(&conf);
	if (!runtime)
		die(127, "no runc found (set POUCH_RUNC_RUNTIME, [runtime] runtime in %s, or put runc on PATH)",
		    conf.file);
	if (cli.cmd > 0 && !cli.version && !strcmp(argv[cli.cmd], "rich-run")) {
		struct lch_host h = { .runtime = runtime, .conf = &conf,
				      .globals = argv + 1, .nglobals = cli.cmd - 1 };
		char *init = find_init();

		if (!init)
			die(125, "no pouch-init next to pouch-runc and POUCH_INIT_BINARY is not an executable");
		h.init = init;
		return rich_run(argc - cli.cmd, argv + cli.cmd, &h);
	}
	if (cli.cmd > 0 && !cli.version &&
	    (!strcmp(argv[cli.cmd], "create") || !strcmp(argv[cli.cmd], "run")))
		rewrite_bundle(argc, argv, &conf, runtime);
	exec_runtime(runtime, argv);
	return 127;
}
