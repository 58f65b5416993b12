// SPDX-License-Identifier: MIT
/*
 * pt: a static multi-call helper for the tests and the benchmark, so they
 * run in a root filesystem that has nothing else.
 *
 *   pt exit N              exit with status N
 *   pt killself SIG        die of signal SIG
 *   pt sigecho OUT [SIG]   append each received signal number to OUT
 *                          ("ready" first); exit 0 on SIG
 *   pt status              print SigBlk, SigIgn, CapBnd and open fds
 *   pt orphans N           make N orphans, exit once pid 1 reaped them all;
 *                          prints the drain time in microseconds
 *   pt ignore-term         ignore SIGTERM and sleep forever
 *   pt sleep SEC           sleep (0 = forever)
 *   pt mask N,N -- CMD...  run CMD with signals N,N blocked
 *   pt runtime N -- CMD... run CMD N times; print min median max in us
 *   pt siglat-recv FILE    append the CLOCK_MONOTONIC ns of each SIGUSR1
 *   pt siglat-send PID FILE N  send N SIGUSR1 to PID, print min median max
 *                          of send-to-handler latency in us
 *   pt notify MSG          send MSG to $NOTIFY_SOCKET (sd_notify)
 *   pt listen PORT [DELAY_MS]  listen on 127.0.0.1:PORT after DELAY_MS
 *   pt restartlat FILE N [RUN_MS]  N times: SIGKILL the pid on FILE's last
 *                          line and time until a new pid is appended (min
 *                          med max us); each pid is killed RUN_MS (100)
 *                          after it was first seen, so that it has run that
 *                          long (the first: RUN_MS after the start)
 *   pt ctlabuse SOCK       hold silent, garbage-sending and never-reading
 *                          control clients open, and check that a normal
 *                          request is still answered
 *   pt notifyrecv SOCK OUT  receive sd_notify datagrams on SOCK, appending
 *                          each to OUT as one line (newlines as '|')
 *   pt spawnmany N -- CMD...  start N copies of CMD with posix_spawn, as
 *                          fast as they can be made, and wait; on SIGTERM
 *                          kill them and exit (the benchmark's floor)
 *   pt pty WAIT KEYS -- CMD...   run CMD on a new terminal; after WAIT is
 *                          printed, type KEYS (\xNN escapes); exit with
 *                          CMD's status
 *   pt lines TAG N SEED    write N lines "TAG:SEQ:LEN:SUM:PAYLOAD" of 1 byte
 *                          to 1 MiB of payload, each in 1 to 3 write()s
 *   pt flood TAG LEN SEC FILE  lines of LEN payload bytes, as fast as they
 *                          go (64 KiB writes) for SEC seconds; then writes
 *                          "LINES BYTES START_US" to FILE (wall clock)
 *   pt linecheck PREFIX LEN COUNTFILE [PATH]  read flood's lines (from
 *                          stdin, or following the file PATH across
 *                          renames) until COUNTFILE's count was seen or
 *                          nothing came for 3 s; each must be PREFIX then
 *                          the next line of LEN bytes. Prints "lines N
 *                          bytes B split S lost L last_us T"
 *   pt rusage FILE -- CMD...  run CMD; write its "USER_US SYS_US" to FILE
 *   pt checklines FILE SPEC...  check that every line of FILE is whole and
 *                          there once; SPEC is TAG/p/N (prefixed "NAME| ",
 *                          NAME being TAG up to its '.') or TAG/-/N (not),
 *                          N lines expected (* for 0..the highest seen);
 *                          "pouch-init: " lines are counted apart. Prints
 *                          "lines L bytes B bad B dup D missing M own O"
 *   pt stallcat OUT AFTER MS  copy stdin to OUT; after AFTER bytes stop
 *                          reading for MS ms once (OUT.stall exists then)
 *   pt json SIZE           one JSON line of SIZE bytes, in 4 KiB writes
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int out_fd = 1;
static int exit_sig;

static void put(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = write(fd, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void on_sig(int sig)
{
	char buf[8];
	int n = 0, v = sig;

	char tmp[8];
	int t = 0;
	while (v) {
		tmp[t++] = (char)('0' + v % 10);
		v /= 10;
	}
	while (t)
		buf[n++] = tmp[--t];
	buf[n++] = '\n';
	if (write(out_fd, buf, (size_t)n) < 0)
		_exit(3);
	if (sig == exit_sig)
		_exit(0);
}

static int sigecho(int argc, char **argv)
{
	struct sigaction sa;

	if (argc > 2) {
		out_fd = open(argv[2], O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (out_fd < 0)
			return 2;
	}
	exit_sig = argc > 3 ? atoi(argv[3]) : 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	sa.sa_flags = SA_RESTART;
	sigfillset(&sa.sa_mask);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			(void)sigaction(s, &sa, NULL);
	put(out_fd, "ready\n");
	for (;;)
		pause();
}

static int status(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	DIR *d;
	struct dirent *e;

	if (!f)
		return 2;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "SigBlk", 6) || !strncmp(line, "SigIgn", 6) ||
		    !strncmp(line, "CapBnd", 6) || !strncmp(line, "CapAmb", 6) ||
		    !strncmp(line, "CapEff", 6))
			fputs(line, stdout);
	fclose(f);
	d = opendir("/proc/self/fd");
	if (!d)
		return 2;
	printf("fds:");
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
			printf(" %s", e->d_name);
	printf("\n");
	closedir(d);
	if (isatty(0))
		printf("fg: %s\n", tcgetpgrp(0) == getpgrp() ? "yes" : "no");
	return 0;
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Make n zombies that are re-parented to pid 1 all at once (their parent
 * exits after they all died), then time how long pid 1 takes to reap them. */
static int orphans(int n)
{
	int pids[2];
	pid_t mid, *list = calloc((size_t)n, sizeof(pid_t));
	long long t0, deadline;
	siginfo_t si;

	if (!list || pipe(pids) < 0)
		return 2;
	mid = fork();
	if (mid == 0) {
		for (int i = 0; i < n; i++) {
			pid_t p = fork();
			if (p == 0)
				_exit(0);
			if (p < 0 || write(pids[1], &p, sizeof(p)) != sizeof(p))
				_exit(2);
			list[i] = p;
		}
		/* wait until every child is a zombie, without reaping */
		for (int i = 0; i < n; i++)
			(void)waitid(P_PID, (id_t)list[i], &si,
				     WEXITED | WNOWAIT);
		_exit(0);
	}
	close(pids[1]);
	for (int i = 0; i < n; i++)
		if (read(pids[0], &list[i], sizeof(pid_t)) != sizeof(pid_t))
			return 2;
	waitpid(mid, NULL, 0);
	t0 = now_us();
	deadline = t0 + 30 * 1000000LL;
	for (int i = 0; i < n; i++) {
		while (kill(list[i], 0) == 0) {
			if (now_us() > deadline) {
				fprintf(stderr, "pt: orphan %d never reaped\n",
					(int)list[i]);
				return 1;
			}
			sched_yield();
		}
	}
	printf("%lld\n", now_us() - t0);
	return 0;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static void print_stats(long long *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_ll);
	printf("%lld %lld %lld\n", v[0], v[n / 2], v[n - 1]);
}

static int runtime(int n, char **cmd)
{
	long long *v = calloc((size_t)n, sizeof(*v));
	int st;

	if (!v || n < 1)
		return 2;
	for (int i = 0; i < n; i++) {
		long long t0 = now_us();
		pid_t p = fork();
		if (p == 0) {
			int fd = open("/dev/null", O_WRONLY);
			dup2(fd, 1);
			dup2(fd, 2);
			execvp(cmd[0], cmd);
			_exit(127);
		}
		if (p < 0 || waitpid(p, &st, 0) < 0)
			return 2;
		v[i] = now_us() - t0;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			return 1;
	}
	if (getenv("PT_RAW")) {
		for (int i = 0; i < n; i++)
			printf("%lld\n", v[i]);
		return 0;
	}
	print_stats(v, n);
	return 0;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void on_usr1_stamp(int sig)
{
	char buf[32];
	long long t = now_ns();
	int n = 0;
	char tmp[32];
	int k = 0;

	(void)sig;
	while (t) {
		tmp[k++] = (char)('0' + t % 10);
		t /= 10;
	}
	while (k)
		buf[n++] = tmp[--k];
	buf[n++] = '\n';
	if (write(out_fd, buf, (size_t)n) < 0)
		_exit(3);
}

static int siglat_recv(const char *file)
{
	out_fd = open(file, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (out_fd < 0)
		return 2;
	signal(SIGUSR1, on_usr1_stamp);
	for (;;)
		pause();
}

static int siglat_send(pid_t pid, const char *file, int n)
{
	long long *v = calloc((size_t)n, sizeof(*v));
	char line[64];

	if (!v || n < 1)
		return 2;
	for (int i = 0; i < n; i++) {
		long long t0 = now_ns(), t1 = 0, deadline = t0 + 2000000000LL;
		FILE *f;
		int lines;

		if (kill(pid, SIGUSR1) < 0)
			return 2;
		do {
			lines = 0;
			f = fopen(file, "r");
			while (f && fgets(line, sizeof(line), f)) {
				lines++;
				t1 = atoll(line);
			}
			if (f)
				fclose(f);
			if (now_ns() > deadline)
				return 1;
		} while (lines <= i);
		v[i] = (t1 - t0) / 1000;
		usleep(2000);
	}
	print_stats(v, n);
	return 0;
}

static int notify(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t len;
	int fd;

	if (!path || !*path || strlen(path) >= sizeof(a.sun_path))
		return 2;
	len = strlen(path);
	memcpy(a.sun_path, path, len);
	if (a.sun_path[0] == '@')
		a.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0 || sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&a,
			     (socklen_t)(sizeof(a.sun_family) + len)) < 0)
		return 1;
	return 0;
}

/* A TCP socket whose close blocks: its peer never reads, its send queue is
 * full, and it lingers for an hour. Sent to NOTIFY_SOCKET along with msg
 * (SCM_RIGHTS); whoever closes the last copy waits. Prints "passed" or
 * "refused" (the receiver does not take descriptors), then stays, so that
 * the peer stays too. */
static int notify_linger(const char *msg, const char *out)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct sockaddr_in in = { .sin_family = AF_INET };
	socklen_t alen = sizeof(in);
	struct linger lg = { 1, 3600 };
	int small = 4096, l, c, u, fl;
	char junk[65536] = { 0 }, ctlbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)msg, strlen(msg) };
	struct msghdr mh = { 0 };
	struct cmsghdr *cm;
	const char *said;
	FILE *f;

	if (!path || !*path || strlen(path) >= sizeof(a.sun_path))
		return 2;
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	if (l < 0 || bind(l, (struct sockaddr *)&in, sizeof(in)) < 0 ||
	    listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&in, &alen) < 0)
		return 1;
	c = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(c, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	if (c < 0 || connect(c, (struct sockaddr *)&in, sizeof(in)) < 0)
		return 1;
	fl = fcntl(c, F_GETFL);
	fcntl(c, F_SETFL, fl | O_NONBLOCK);
	while (write(c, junk, sizeof(junk)) > 0)
		;
	setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	memcpy(a.sun_path, path, strlen(path));
	if (a.sun_path[0] == '@')
		a.sun_path[0] = '\0';
	u = socket(AF_UNIX, SOCK_DGRAM, 0);
	mh.msg_name = &a;
	mh.msg_namelen = (socklen_t)(sizeof(a.sun_family) + strlen(path));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctlbuf;
	mh.msg_controllen = sizeof(ctlbuf);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &c, sizeof(int));
	said = "passed";
	if (sendmsg(u, &mh, 0) < 0) {
		said = "refused";
		mh.msg_control = NULL;
		mh.msg_controllen = 0;
		(void)sendmsg(u, &mh, 0);
		lg.l_onoff = 0; /* still ours alone: a close that does not wait */
		setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	close(c);
	f = fopen(out, "w");
	if (f) {
		fprintf(f, "%s\n", said);
		fclose(f);
	}
	for (;;)
		pause();
}

static int listen_on(int port, int delay_ms)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int one = 1, fd;

	usleep((useconds_t)delay_ms * 1000);
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 16) < 0)
		return 1;
	for (;;) {
		int c = accept(fd, NULL, NULL);
		if (c >= 0)
			close(c);
	}
}

static long last_pid(const char *file)
{
	char line[64];
	long pid = 0;
	FILE *f = fopen(file, "r");

	while (f && fgets(line, sizeof(line), f))
		pid = atol(line);
	if (f)
		fclose(f);
	return pid;
}

static int notifyrecv(const char *path, const char *out)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char buf[4096];
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	ssize_t n;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return 1;
	for (;;) {
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 1;
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] == '\n')
				buf[i] = '|';
		buf[n] = '\n';
		int o = open(out, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (o >= 0) {
			if (write(o, buf, (size_t)n + 1) < 0)
				return 1;
			close(o);
		}
	}
}

static int spawnmany(int n, char **cmd)
{
	pid_t *pids = calloc((size_t)n, sizeof(*pids));
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (int i = 0; pids && i < n; i++)
		if (posix_spawn(&pids[i], cmd[0], NULL, NULL, cmd, environ))
			return 1;
	sigwait(&set, &sig);
	for (int i = 0; pids && i < n; i++)
		kill(pids[i], SIGTERM);
	while (wait(NULL) > 0)
		;
	return 0;
}

static int restartlat(const char *file, int n, long run_ms)
{
	long long *v = calloc((size_t)n, sizeof(*v));
	long long seen = now_us();

	for (int i = 0; v && i < n; i++) {
		long pid = last_pid(file), np;
		long long t0, deadline, wait;

		if (pid <= 1)
			return 2;
		wait = seen + run_ms * 1000 - now_us();
		if (wait > 0) {
			struct timespec ts = { .tv_sec = wait / 1000000,
					       .tv_nsec = wait % 1000000 * 1000 };

			while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
				;
		}
		t0 = now_us();
		deadline = t0 + 20000000LL;
		if (kill((pid_t)pid, SIGKILL) < 0)
			return 2;
		while ((np = last_pid(file)) == pid || np <= 1) {
			if (now_us() > deadline)
				return 1;
			usleep(200);
		}
		seen = now_us();
		v[i] = seen - t0;
	}
	if (!v)
		return 2;
	print_stats(v, n);
	return 0;
}

static int unix_connect(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -1;
	return fd;
}

static int ctlabuse(const char *path)
{
	static char junk[1 << 20];
	char buf[64] = "";
	int fds[24], n = 0, fd, small = 1024;
	ssize_t r;

	for (int i = 0; i < 20; i++) /* silent clients */
		fds[n++] = unix_connect(path);
	fd = unix_connect(path); /* 1 MiB of garbage, no newline */
	memset(junk, 'x', sizeof(junk));
	fcntl(fd, F_SETFL, O_NONBLOCK);
	(void)!write(fd, junk, sizeof(junk));
	fds[n++] = fd;
	fd = unix_connect(path); /* asks for a lot, never reads */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	(void)!write(fd, "status --json\n", 14);
	fds[n++] = fd;
	fd = unix_connect(path);
	if (fd < 0 || write(fd, "status\n", 7) != 7)
		return 1;
	alarm(3);
	r = read(fd, buf, 2);
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return r == 2 && !strncmp(buf, "OK", 2) ? 0 : 1;
}

static size_t unescape(const char *s, char *out)
{
	size_t n = 0;

	while (*s) {
		if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
			char hex[3] = { s[2], s[3], 0 };
			out[n++] = (char)strtol(hex, NULL, 16);
			s += 4;
		} else {
			out[n++] = *s++;
		}
	}
	return n;
}

static int pty_run(int argc, char **argv)
{
	char keys[256], buf[4096], seen[8192] = "";
	size_t klen, slen = 0;
	int master, st, sent = 0;
	pid_t pid;

	if (argc < 6 || strcmp(argv[4], "--"))
		return 2;
	klen = unescape(argv[3], keys);
	pid = forkpty(&master, NULL, NULL, NULL);
	if (pid < 0)
		return 2;
	if (pid == 0) {
		execvp(argv[5], argv + 5);
		_exit(127);
	}
	for (;;) {
		ssize_t r = read(master, buf, sizeof(buf));
		if (r <= 0)
			break;
		put(1, "");
		if (write(1, buf, (size_t)r) < 0)
			break;
		if (slen + (size_t)r < sizeof(seen) - 1) {
			memcpy(seen + slen, buf, (size_t)r);
			slen += (size_t)r;
			seen[slen] = '\0';
		}
		if (!sent && strstr(seen, argv[2])) {
			usleep(100000);
			if (write(master, keys, klen) < 0)
				break;
			sent = 1;
		}
	}
	if (waitpid(pid, &st, 0) < 0)
		return 2;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- line integrity: writers and a checker ---- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint32_t fnv(const char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*p++) * 16777619u;
	return h;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One line into buf (which holds LEN + 64): returns its length with '\n'. */
static size_t make_line(char *buf, const char *tag, long seq, size_t len)
{
	size_t h;

	for (size_t i = 0; i < len; i++)
		buf[64 + i] = (char)('!' + (rng() % 94));
	h = (size_t)snprintf(buf, 64, "%s:%ld:%zu:%08x:", tag, seq, len,
			     fnv(buf + 64, len));
	memmove(buf + h, buf + 64, len);
	buf[h + len] = '\n';
	return h + len + 1;
}

static size_t pick_len(long i)
{
	uint64_t r = rng() % 1000;

	if (i == 0)
		return 1;
	if (i == 1)
		return 1024 * 1024;
	if (r < 700)
		return 1 + rng() % 100;
	if (r < 900)
		return 100 + rng() % 8000;
	if (r < 990)
		return 8000 + rng() % 100000;
	return 100000 + rng() % (1024 * 1024 - 100000);
}

static int lines(const char *tag, long n, long seed)
{
	char *buf = malloc(1024 * 1024 + 128);

	rng_state = 0x9e3779b97f4a7c15ull ^ (uint64_t)seed;
	if (!buf)
		return 2;
	for (long i = 0; i < n; i++) {
		size_t len = make_line(buf, tag, i, pick_len(i)), off = 0;
		int parts = 1 + (int)(rng() % 3);

		/* as stdio would: a line in more than one write now and then */
		for (int k = 1; k < parts && off < len; k++) {
			size_t cut = off + rng() % (len - off);

			if (write_all(1, buf + off, cut - off) < 0)
				return 3;
			off = cut;
		}
		if (write_all(1, buf + off, len - off) < 0)
			return 3;
	}
	free(buf);
	return 0;
}

static long long wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* As fast as it goes: one payload made once, only the header changes. */
static int flood(const char *tag, size_t len, int secs, const char *file)
{
	size_t cap = 64 * 1024 + len + 128, fill = 0, bytes = 0;
	char *out = malloc(cap), *payload = malloc(len + 1), tmp[4096];
	long long start = wall_us(), end = now_us() + (long long)secs * 1000000;
	uint32_t sum;
	long n = 0;
	FILE *f;

	rng_state = 42;
	if (!out || !payload)
		return 2;
	for (size_t i = 0; i < len; i++)
		payload[i] = (char)('!' + (rng() % 94));
	sum = fnv(payload, len);
	while (now_us() < end) {
		for (int k = 0; k < 64; k++) {
			size_t l = (size_t)snprintf(out + fill, 64, "%s:%ld:%zu:%08x:",
						    tag, n++, len, sum);

			memcpy(out + fill + l, payload, len);
			out[fill + l + len] = '\n';
			fill += l + len + 1;
			bytes += l + len + 1;
			if (fill >= 64 * 1024) { /* a stdio buffer at a time */
				if (write_all(1, out, fill) < 0)
					return 3;
				fill = 0;
			}
		}
	}
	if (fill && write_all(1, out, fill) < 0)
		return 3;
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	f = fopen(tmp, "w");
	if (!f)
		return 2;
	fprintf(f, "%ld %zu %lld\n", n, bytes, start);
	fclose(f);
	return rename(tmp, file) < 0 ? 2 : 0;
}

/* The line check of the benchmark: cheap enough to keep up with any
 * relay (no checksum: a line of the wrong length is a split one). */
struct lc {
	const char *prefix;
	size_t plen, len, tail;	/* tail: ":LEN:SUM:" and the payload */
	long lines, split, next, lost;
	long long bytes, last_us;
};

static void lc_line(struct lc *c, const char *l, size_t n)
{
	const char *p = l + c->plen, *e;
	long seq;

	c->lines++;
	c->bytes += (long long)n + 1;
	if (n < c->plen + c->len || memcmp(l, c->prefix, c->plen) ||
	    (seq = strtol(p, (char **)&e, 10)) < 0 || *e != ':') {
		c->split++;
		return;
	}
	/* SEQ:LEN:SUM: then LEN bytes */
	if ((size_t)(l + n - e) != c->tail) {
		c->split++;
		return;
	}
	if (seq > c->next)
		c->lost += seq - c->next;
	c->next = seq + 1;
}

static long count_of(const char *file)
{
	long n = -1;
	FILE *f = fopen(file, "r");

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

static int linecheck(int argc, char **argv)
{
	struct lc c = { .prefix = argv[2], .len = (size_t)atol(argv[3]) };
	const char *path = argc > 5 ? argv[5] : NULL;
	size_t cap = 4 * 1024 * 1024, have = 0;
	char *buf = malloc(cap);
	long long idle_since = 0, progress = now_us();
	int fd = path ? -1 : 0;
	long want = -1;
	struct stat a, b;

	c.plen = strlen(c.prefix);
	c.tail = (size_t)snprintf(NULL, 0, ":%zu:%08x:", c.len, 0u) + c.len;
	if (!buf)
		return 2;
	for (;;) {
		ssize_t r = -1; /* -1: nothing for now, 0: end of file */
		struct pollfd p = { fd, POLLIN, 0 };

		if (fd < 0 && (fd = open(path, O_RDONLY)) < 0)
			usleep(1000);
		else if (path || poll(&p, 1, 100) > 0)
			r = read(fd, buf + have, cap - have);
		if (r == 0 && path)
			r = -1; /* at the end of the file so far */
		if (r > 0) {
			char *s = buf, *nl, *end = buf + have + r;

			while ((nl = memchr(s, '\n', (size_t)(end - s)))) {
				lc_line(&c, s, (size_t)(nl - s));
				s = nl + 1;
			}
			c.last_us = wall_us();
			progress = now_us();
			have = (size_t)(end - s);
			memmove(buf, s, have);
			if (have == cap) { /* a line longer than the buffer */
				c.split++;
				have = 0;
			}
			idle_since = 0;
			continue;
		}
		if (r == 0 && !path)
			break; /* end of file */
		if (path && fd >= 0 && fstat(fd, &a) == 0 &&
		    stat(path, &b) == 0 && a.st_ino != b.st_ino) {
			close(fd); /* rotated: on to the new file */
			fd = -1;
			continue;
		}
		if (want < 0)
			want = count_of(argv[4]);
		if (want >= 0 && c.lines >= want)
			break;
		if (want >= 0 && !idle_since)
			idle_since = now_us();
		if (idle_since && now_us() - idle_since > 3000000)
			break;
		if (now_us() - progress > 60000000)
			break; /* nothing at all for a minute: the writer never ran */
		if (path)
			usleep(1000);
	}
	if (have)
		c.split++; /* a line without its end */
	if (want > c.next)
		c.lost += want - c.next;
	printf("lines %ld bytes %lld split %ld lost %ld last_us %lld\n", c.lines,
	       c.bytes, c.split, c.lost, c.last_us);
	return 0;
}

static int rusage_of(const char *file, char **argv)
{
	struct rusage ru;
	pid_t pid = fork();
	int st;
	FILE *f;

	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &st, 0, &ru) < 0)
		return 2;
	f = fopen(file, "w");
	if (f) {
		fprintf(f, "%lld %lld\n",
			(long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
			(long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec);
		fclose(f);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

struct spec {
	char tag[64], name[64];
	int prefixed;
	long n, max;		/* expected (-1: any), highest seen */
	unsigned char *seen;
	long cap;
};

static int mark(struct spec *s, long seq)
{
	if (seq < 0 || (s->n >= 0 && seq >= s->n))
		return -1;
	if (seq >= s->cap) {
		long cap = s->cap ? s->cap : 1024;
		unsigned char *b;

		while (cap <= seq)
			cap *= 2;
		b = realloc(s->seen, (size_t)cap);
		if (!b)
			return -1;
		memset(b + s->cap, 0, (size_t)(cap - s->cap));
		s->seen = b;
		s->cap = cap;
	}
	if (seq > s->max)
		s->max = seq;
	return s->seen[seq]++ ? 1 : 0;
}

/* 0 whole and new, 1 a duplicate, -1 bad */
static int check_line(struct spec *sp, int ns, char *l, size_t n)
{
	for (int i = 0; i < ns; i++) {
		struct spec *s = &sp[i];
		char *p = l, *e;
		size_t k = strlen(s->name), t = strlen(s->tag), len;
		long seq;
		unsigned long sum;

		if (s->prefixed) {
			if (n < k + 2 || memcmp(p, s->name, k) || memcmp(p + k, "| ", 2))
				continue;
			p += k + 2;
		}
		if ((size_t)(l + n - p) <= t || memcmp(p, s->tag, t) || p[t] != ':')
			continue;
		p += t + 1;
		seq = strtol(p, &e, 10);
		if (*e != ':')
			return -1;
		len = strtoul(e + 1, &e, 10);
		if (*e != ':')
			return -1;
		sum = strtoul(e + 1, &e, 16);
		if (*e != ':' || (size_t)(l + n - (e + 1)) != len ||
		    fnv(e + 1, len) != (uint32_t)sum)
			return -1;
		return mark(s, seq);
	}
	return -1;
}

static int checklines(int argc, char **argv)
{
	FILE *f = fopen(argv[2], "r");
	int ns = argc - 3;
	struct spec *sp = calloc((size_t)(ns > 0 ? ns : 1), sizeof(*sp));
	long total = 0, bad = 0, dup = 0, missing = 0, own = 0, bytes = 0;
	char *l = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f || !sp)
		return 2;
	for (int i = 0; i < ns; i++) {
		char *a = argv[i + 3], *s1 = strchr(a, '/'), *s2 = s1 ? strchr(s1 + 1, '/') : NULL;

		if (!s2 || (size_t)(s1 - a) >= sizeof(sp[i].tag))
			return 2;
		memcpy(sp[i].tag, a, (size_t)(s1 - a));
		snprintf(sp[i].name, sizeof(sp[i].name), "%s", sp[i].tag);
		if (strchr(sp[i].name, '.'))
			*strchr(sp[i].name, '.') = '\0';
		sp[i].prefixed = s1[1] == 'p';
		sp[i].n = s2[1] == '*' ? -1 : atol(s2 + 1);
		sp[i].max = -1;
	}
	while ((n = getline(&l, &cap, f)) > 0) {
		int r;

		bytes += n;
		total++;
		if (l[n - 1] != '\n') {
			bad++; /* the last line, cut */
			continue;
		}
		l[--n] = '\0';
		if (!strncmp(l, "pouch-init: ", 12)) {
			own++;
			continue;
		}
		r = check_line(sp, ns, l, (size_t)n);
		if (r < 0 && bad++ < 5)
			fprintf(stderr, "checklines: bad line %ld: %.80s%s (%zd bytes)\n",
				total, l, n > 80 ? "..." : "", n);
		dup += r > 0;
	}
	for (int i = 0; i < ns; i++) {
		long want = sp[i].n >= 0 ? sp[i].n : sp[i].max + 1;

		for (long k = 0; k < want; k++)
			missing += k >= sp[i].cap || !sp[i].seen[k];
	}
	printf("lines %ld bytes %ld bad %ld dup %ld missing %ld own %ld\n", total,
	       bytes, bad, dup, missing, own);
	return bad || dup || missing ? 1 : 0;
}

static int stallcat(const char *path, long after, int ms)
{
	static char buf[65536];
	char mark[4096];
	long done = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), stalled = 0;
	ssize_t r;

	snprintf(mark, sizeof(mark), "%s.stall", path);
	if (fd < 0)
		return 2;
	while ((r = read(0, buf, sizeof(buf))) > 0) {
		if (write_all(fd, buf, (size_t)r) < 0)
			return 3;
		done += r;
		if (!stalled && done >= after) {
			int m = open(mark, O_WRONLY | O_CREAT, 0644);

			if (m >= 0)
				close(m);
			usleep((useconds_t)ms * 1000);
			unlink(mark);
			stalled = 1;
		}
	}
	close(fd);
	return 0;
}

static int json(long size)
{
	char *b = malloc((size_t)size + 1);
	long body = size - 11; /* {"msg":"..."} and the newline */

	if (!b || body < 0)
		return 2;
	memcpy(b, "{\"msg\":\"", 8);
	for (long i = 0; i < body; i++)
		b[8 + i] = (char)('a' + i % 26);
	memcpy(b + 8 + body, "\"}\n", 3);
	for (long off = 0; off < size; off += 4096)
		if (write_all(1, b + off, size - off < 4096 ? (size_t)(size - off) : 4096) < 0)
			return 3;
	free(b);
	return 0;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	if (!strcmp(c, "exit") && argc > 2)
		return atoi(argv[2]);
	if (!strcmp(c, "killself") && argc > 2) {
		int s = atoi(argv[2]);
		signal(s, SIG_DFL);
		sigset_t m;
		sigemptyset(&m);
		sigprocmask(SIG_SETMASK, &m, NULL);
		raise(s);
		return 99;
	}
	if (!strcmp(c, "mask") && argc > 4 && !strcmp(argv[3], "--")) {
		sigset_t m;
		sigemptyset(&m);
		for (char *p = argv[2]; *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : "")
			sigaddset(&m, atoi(p));
		sigprocmask(SIG_SETMASK, &m, NULL);
		execvp(argv[4], argv + 4);
		return 127;
	}
	if (!strcmp(c, "sigecho"))
		return sigecho(argc, argv);
	if (!strcmp(c, "status"))
		return status();
	if (!strcmp(c, "orphans") && argc > 2)
		return orphans(atoi(argv[2]));
	if (!strcmp(c, "ignore-term")) {
		signal(SIGTERM, SIG_IGN);
		put(1, "ready\n");
		for (;;)
			pause();
	}
	if (!strcmp(c, "sleep") && argc > 2) {
		int s = atoi(argv[2]);
		if (s == 0)
			for (;;)
				pause();
		sleep((unsigned)s);
		return 0;
	}
	if (!strcmp(c, "runtime") && argc > 4 && !strcmp(argv[3], "--"))
		return runtime(atoi(argv[2]), argv + 4);
	if (!strcmp(c, "siglat-recv") && argc > 2)
		return siglat_recv(argv[2]);
	if (!strcmp(c, "siglat-send") && argc > 4)
		return siglat_send(atoi(argv[2]), argv[3], atoi(argv[4]));
	if (!strcmp(c, "notify") && argc > 2)
		return notify(argv[2]);
	if (!strcmp(c, "notify-linger") && argc > 3)
		return notify_linger(argv[2], argv[3]);
	if (!strcmp(c, "listen") && argc > 2)
		return listen_on(atoi(argv[2]), argc > 3 ? atoi(argv[3]) : 0);
	if (!strcmp(c, "restartlat") && argc > 3)
		return restartlat(argv[2], atoi(argv[3]),
				  argc > 4 ? atol(argv[4]) : 100);
	if (!strcmp(c, "ctlabuse") && argc > 2)
		return ctlabuse(argv[2]);
	if (!strcmp(c, "notifyrecv") && argc > 3)
		return notifyrecv(argv[2], argv[3]);
	if (!strcmp(c, "spawnmany") && argc > 4 && !strcmp(argv[3], "--"))
		return spawnmany(atoi(argv[2]), argv + 4);
	if (!strcmp(c, "pty"))
		return pty_run(argc, argv);
	if (!strcmp(c, "lines") && argc > 4)
		return lines(argv[2], atol(argv[3]), atol(argv[4]));
	if (!strcmp(c, "flood") && argc > 5)
		return flood(argv[2], (size_t)atol(argv[3]), atoi(argv[4]), argv[5]);
	if (!strcmp(c, "linecheck") && argc > 4)
		return linecheck(argc, argv);
	if (!strcmp(c, "rusage") && argc > 4 && !strcmp(argv[3], "--"))
		return rusage_of(argv[2], argv + 4);
	if (!strcmp(c, "checklines") && argc > 2)
		return checklines(argc, argv);
	if (!strcmp(c, "stallcat") && argc > 4)
		return stallcat(argv[2], atol(argv[3]), atoi(argv[4]));
	if (!strcmp(c, "json") && argc > 2)
		return json(atol(argv[2]));
	fprintf(stderr, "pt: unknown command\n");
	return 2;
}
