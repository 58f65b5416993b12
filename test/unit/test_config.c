// SPDX-License-Identifier: MIT
/*
 * Unit tests: INI loading from strings, every key's bad values reported as
 * FILE:LINE, word splitting, env files, dependency checks.
 */
#include "t.h"

#include "config/config.h"
#include "config/values.h"
#include "init/log.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <unistd.h>

static struct cfg_sources src = { .passwd = "test/unit/passwd",
				  .group = "test/unit/group" };

static int has_error(const struct cfg *c, const char *want)
{
	for (size_t i = 0; i < c->nerrors; i++)
		if (strstr(c->errors[i], want))
			return 1;
	fprintf(stderr, "  no error containing '%s'; got:\n", want);
	for (size_t i = 0; i < c->nerrors; i++)
		fprintf(stderr, "    %s\n", c->errors[i]);
	return 0;
}

static int has_error_quiet(const struct cfg *c, const char *want)
{
	for (size_t i = 0; i < c->nerrors; i++)
		if (strstr(c->errors[i], want))
			return 1;
	return 0;
}

static struct cfg svc(const char *name, const char *text)
{
	struct cfg c;

	cfg_defaults(&c);
	CHECK_EQ(cfg_load_service_string(&c, name, text, &src), 0);
	return c;
}

static void test_words(void)
{
	const char *why;
	char **w = cfg_split_words("/usr/sbin/sshd -D  -e 'a b' \"c \\\"d\\\"\" e\\ f", &why);

	CHECK(w != NULL);
	CHECK_EQ(cfg_count_words(w), 6);
	CHECK_STR(w[0], "/usr/sbin/sshd");
	CHECK_STR(w[3], "a b");
	CHECK_STR(w[4], "c \"d\"");
	CHECK_STR(w[5], "e f");
	cfg_free_words(w);
	w = cfg_split_words("'it''s' \"$HOME\"", &why);
	CHECK_STR(w[0], "its");
	CHECK_STR(w[1], "$HOME"); /* no expansion */
	cfg_free_words(w);
	CHECK(cfg_split_words("a 'b", &why) == NULL);
	CHECK_STR(why, "unterminated single quote");
	CHECK(cfg_split_words("a \"b", &why) == NULL);
	w = cfg_split_words("   ", &why);
	CHECK(w && !w[0]);
	cfg_free_words(w);
}

static void note_bad(void *arg, int line, const char *text)
{
	struct { int n; int line[4]; char text[4][32]; } *sl = arg;

	if (sl->n < 4) {
		sl->line[sl->n] = line;
		snprintf(sl->text[sl->n], sizeof(sl->text[0]), "%s", text);
	}
	sl->n++;
}

static void test_env_file(void)
{
	char **env = NULL;

	CHECK_EQ(cfg_parse_env_text("# comment\n\nA=1\nexport B=two words\n"
				    "C=\"quoted # not a comment\"\nD='single'\n"
				    "E=x # comment\nA=override\nF=\"a\\nb\"\r\n",
				    &env),
		 0);
	CHECK_EQ(cfg_count_words(env), 6);
	CHECK_STR(env[0], "A=override");
	CHECK_STR(env[1], "B=two words");
	CHECK_STR(env[2], "C=quoted # not a comment");
	CHECK_STR(env[3], "D=single");
	CHECK_STR(env[4], "E=x");
	CHECK_STR(env[5], "F=a\nb");
	cfg_free_words(env);
	env = NULL;
	CHECK_EQ(cfg_parse_env_text("A=1\nnot a line\n", &env), 2);
	cfg_free_words(env);
	/* a bad line is skipped: the lines after it are still taken */
	env = NULL;
	{
		struct seen_lines { int n; int line[4]; char text[4][32]; } sl;

		memset(&sl, 0, sizeof(sl));
		CHECK_EQ(cfg_parse_env_lines("A=1\nnot a line\nB=2\n1X=3\nC=\"3\"\r\n",
					     &env, note_bad, &sl), 2);
		CHECK_EQ(cfg_count_words(env), 3);
		CHECK_STR(env[1], "B=2");
		CHECK_STR(env[2], "C=3");
		CHECK_EQ(sl.n, 2);
		CHECK_EQ(sl.line[0], 2);
		CHECK_STR(sl.text[0], "not a line");
		CHECK_EQ(sl.line[1], 4);
		CHECK_STR(sl.text[1], "1X=3");
		cfg_free_words(env);
	}
	env = NULL;
	CHECK_EQ(cfg_parse_env_text("1A=x\n", &env), 1);
	cfg_free_words(env);
	env = NULL;
	CHECK_EQ(cfg_parse_env_text("A=\"open\n", &env), 1);
	cfg_free_words(env);
}

static void test_full_service(void)
{
	struct cfg c = svc("/c/services.d/sshd.ini",
		"; sshd\n"
		"[service]\n"
		"exec = /usr/sbin/sshd -D -e\n"
		"type = forking\n"
		"pidfile = /run/sshd.pid\n"
		"user = alice\n"
		"group = staff\n"
		"workdir = /srv\n"
		"env = LANG=C.UTF-8 \"GREETING=hello world\"\n"
		"env_file = -/etc/default/ssh\n"
		"umask = 0027\n"
		"restart = on-failure\n"
		"restart_delay = 250ms\n"
		"restart_delay_max = 1m\n"
		"start_limit = 5/10s\n"
		"essential = yes\n"
		"after = syslogd\n"
		"requires = syslogd\n"
		"ready = tcp:2222\n"
		"ready_timeout = 5s\n"
		"stop_signal = QUIT\n"
		"stop_timeout = 2s\n"
		"reload_signal = USR1\n"
		"stdout = file:/var/log/sshd.log\n"
		"stderr = null\n"
		"log_max_size = 1M\n"
		"log_max_files = 3\n"
		"capabilities = cap_net_bind_service,cap_chown\n"
		"no_new_privs = yes\n"
		"rlimit_nofile = 1024:4096\n"
		"rlimit_core = infinity\n"
		"health = exec:/bin/check --quick\n"
		"health_interval = 5s\n"
		"health_retries = 2\n"
		"enabled = no\n");
	struct cfg_service *s = &c.svcs[0];
	char why[256];

	CHECK_EQ(c.nerrors, 0);
	CHECK_EQ(cfg_resolve_user(&src, s, why, sizeof(why)), 0);
	CHECK_STR(s->name, "sshd");
	CHECK_STR(s->argv[2], "-e");
	CHECK_EQ(s->type, TYPE_FORKING);
	CHECK_EQ(s->uid, 1000);
	CHECK_EQ(s->gid, 50);
	CHECK_STR(s->home, "/home/alice");
	CHECK_EQ(s->ngroups, 2); /* staff, and audio where alice is a member */
	CHECK_STR(s->env[1], "GREETING=hello world");
	CHECK_EQ(s->umask, 027);
	CHECK_EQ(s->restart, RESTART_ON_FAILURE);
	CHECK_EQ(s->restart_delay_ms, 250);
	CHECK_EQ(s->restart_delay_max_ms, 60000);
	CHECK_EQ(s->start_limit, 5);
	CHECK_EQ(s->start_limit_window_ms, 10000);
	CHECK_EQ(s->essential, 1);
	CHECK_STR(s->after[0], "syslogd");
	CHECK_EQ(s->ready, READY_TCP);
	CHECK_EQ(s->ready_port, 2222);
	CHECK_EQ(s->stop_signal, SIGQUIT);
	CHECK_EQ(s->reload_signal, SIGUSR1);
	CHECK_EQ(s->out.kind, OUT_FILE);
	CHECK_STR(s->out.path, "/var/log/sshd.log");
	CHECK_EQ(s->err.kind, OUT_NULL);
	CHECK_EQ(s->log_max_size, 1 << 20);
	CHECK_EQ(s->ncaps, 2);
	CHECK_EQ(s->caps[0], CAP_NET_BIND_SERVICE);
	CHECK_EQ(s->no_new_privs, 1);
	CHECK_EQ(s->rlimits[0].lim.rlim_cur, 1024);
	CHECK_EQ(s->rlimits[0].lim.rlim_max, 4096);
	CHECK(s->rlimits[2].lim.rlim_cur == RLIM_INFINITY);
	CHECK_STR(s->health_argv[1], "--quick");
	CHECK_EQ(s->enabled, 0);
	cfg_free(&c);
}

static void test_defaults(void)
{
	struct cfg c = svc("/c/services.d/a.ini", "[service]\nexec = /bin/a\n");
	struct cfg_service *s = &c.svcs[0];

	CHECK_EQ(c.nerrors, 0);
	CHECK_EQ(s->type, TYPE_SIMPLE);
	CHECK_EQ(s->restart, RESTART_ALWAYS);
	CHECK_EQ(s->restart_delay_ms, 100);
	CHECK_EQ(s->restart_delay_max_ms, 30000);
	CHECK_EQ(s->start_limit, 10);
	CHECK_EQ(s->start_limit_window_ms, 60000);
	CHECK_EQ(s->stop_signal, SIGTERM);
	CHECK_EQ(s->stop_timeout_ms, 5000);
	CHECK_EQ(s->ready, READY_NONE);
	CHECK_EQ(s->ready_timeout_ms, 30000);
	CHECK_EQ(s->out.kind, OUT_PREFIX);
	CHECK_EQ(s->err.kind, OUT_PREFIX);
	CHECK_EQ(s->essential, 0);
	CHECK_EQ(s->enabled, 1);
	cfg_free(&c);
	c = svc("/c/services.d/o.ini", "[service]\nexec = /bin/o\ntype = oneshot\n");
	CHECK_EQ(c.svcs[0].restart, RESTART_NEVER);
	cfg_free(&c);
	c = svc("/c/services.d/n.ini", "[service]\nexec = /bin/n\ntype = notify\n");
	CHECK_EQ(c.svcs[0].ready, READY_NOTIFY);
	cfg_free(&c);
}

/* Each bad value gives FILE:LINE and names the key. */
static void test_bad_values(void)
{
	static const struct {
		const char *line, *want;
	} cases[] = {
		{ "type = daemon", ":3: type = daemon: bad value" },
		{ "pidfile = run/x.pid", ":3: pidfile = run/x.pid: needs an absolute" },
		{ "user =", ":3: user = : needs a user name" },
		{ "group =", ":3: group = : needs a group name" },
		{ "workdir = srv", ":3: workdir = srv: needs an absolute" },
		{ "env = NOEQUALS", ":3: env = NOEQUALS: 'NOEQUALS' is not KEY=VALUE" },
		{ "env = \"A=b", ":3: env = \"A=b: unterminated double quote" },
		{ "env_file = etc/x", ":3: env_file = etc/x: needs an absolute" },
		{ "umask = 999", ":3: umask = 999: bad umask" },
		{ "restart = sometimes", ":3: restart = sometimes: bad value" },
		{ "restart_delay = fast", ":3: restart_delay = fast: bad duration" },
		{ "restart_delay_max = 1y", ":3: restart_delay_max = 1y: bad duration" },
		{ "start_limit = 10", ":3: start_limit = 10: bad start limit" },
		{ "start_limit = 0/10s", ":3: start_limit = 0/10s: bad start limit" },
		{ "start_limit = 5/soon", ":3: start_limit = 5/soon: bad start limit window" },
		{ "essential = maybe", ":3: essential = maybe: bad boolean" },
		{ "after = bad/name", ":3: after = bad/name: bad service name" },
		{ "ready = tcp:99999", ":3: ready = tcp:99999: bad port" },
		{ "ready = tcp:localhost:80", ":3: ready = tcp:localhost:80: bad address in tcp:HOST:PORT (a numeric IPv4 or [IPv6] address; names are not looked up)" },
		{ "ready = tcp:::1:80", ":3: ready = tcp:::1:80: an IPv6 address goes in brackets" },
		{ "ready = tcp:[fe80::zz]:80", ":3: ready = tcp:[fe80::zz]:80: bad IPv6 address" },
		{ "ready = tcp:[::1]", ":3: ready = tcp:[::1]: bad port" },
		{ "ready = tcp:10.0.0.1:0", ":3: ready = tcp:10.0.0.1:0: bad port" },
		{ "ready = file:rel", ":3: ready = file:rel: file:PATH needs" },
		{ "ready = exec:", ":3: ready = exec:: needs a command" },
		{ "ready = sometime", ":3: ready = sometime: bad value" },
		{ "ready_timeout = -1s", ":3: ready_timeout = -1s: bad duration" },
		{ "stop_signal = KILL", ":3: stop_signal = KILL: bad signal" },
		{ "stop_signal = NOPE", ":3: stop_signal = NOPE: bad signal" },
		{ "stop_timeout = 5x", ":3: stop_timeout = 5x: bad duration" },
		{ "reload_signal = 99", ":3: reload_signal = 99: bad signal" },
		{ "stdout = syslog", ":3: stdout = syslog: bad value" },
		{ "stderr = file:rel", ":3: stderr = file:rel: bad value" },
		{ "log_max_size = 10", ":3: log_max_size = 10: bad size" },
		{ "log_max_files = 0", ":3: log_max_files = 0: bad count" },
		{ "capabilities = cap_fly", ":3: capabilities = cap_fly: unknown capability" },
		{ "no_new_privs = perhaps", ":3: no_new_privs = perhaps: bad boolean" },
		{ "rlimit_nofile = lots", ":3: rlimit_nofile = lots: bad limit" },
		{ "rlimit_nproc = 10:5", ":3: rlimit_nproc = 10:5: soft limit above" },
		{ "rlimit_core = x", ":3: rlimit_core = x: bad limit" },
		{ "rlimit_memlock = 1Q", ":3: rlimit_memlock = 1Q: bad limit" },
		{ "rlimit_as = -1", ":3: rlimit_as = -1: bad limit" },
		{ "health = /bin/check", ":3: health = /bin/check: bad value" },
		{ "health_interval = 1ms", ":3: health_interval = 1ms: bad duration" },
		{ "health_retries = 0", ":3: health_retries = 0: bad count" },
		{ "enabled = sure", ":3: enabled = sure: bad boolean" },
		{ "colour = blue", ":3: unknown key 'colour' in [service]" },
		{ "exec = /bin/other", ":3: duplicate key 'exec'" },
		{ "just words", ":3: expected 'key = value'" },
	};
	char text[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct cfg c;

		snprintf(text, sizeof(text), "[service]\nexec = /bin/x\n%s\n",
			 cases[i].line);
		c = svc("/c/services.d/x.ini", text);
		CHECK(c.nerrors == 1 && has_error(&c, cases[i].want));
		CHECK(has_error(&c, "/c/services.d/x.ini:3: "));
		cfg_free(&c);
	}
}

static void test_structure_errors(void)
{
	struct cfg c;

	c = svc("/c/services.d/x.ini", "exec = /bin/x\n");
	CHECK(has_error(&c, "x.ini:1: key 'exec' outside of [service]"));
	CHECK(has_error(&c, "x.ini:1: no [service] section"));
	cfg_free(&c);
	c = svc("/c/services.d/x.ini", "[service]\ntype = simple\n");
	CHECK(has_error(&c, "x.ini:1: [service] needs 'exec ='"));
	cfg_free(&c);
	c = svc("/c/services.d/x.ini", "[service]\nexec = /x\n[extra]\nfoo = 1\n[service]\n");
	CHECK(has_error(&c, "x.ini:3: unknown section [extra]"));
	CHECK(has_error(&c, "x.ini:5: duplicate section [service]"));
	CHECK_EQ(c.nerrors, 2);
	cfg_free(&c);
	c = svc("/c/services.d/x.ini", "[service]\nexec = /x\ntype = forking\n");
	CHECK(has_error(&c, "x.ini:1: type = forking needs 'pidfile ='"));
	cfg_free(&c);
	c = svc("/c/services.d/cmd.ini", "[service]\nexec = /x\n");
	CHECK(has_error(&c, "cmd.ini: service name 'cmd' is reserved"));
	cfg_free(&c);
	/* several errors at once, all reported */
	c = svc("/c/services.d/x.ini",
		"[service]\nexec = /x\nrestart = x\nready = y\nbogus = 1\n");
	CHECK_EQ(c.nerrors, 3);
	cfg_free(&c);
	/* inline comments and continuation of list keys */
	c = svc("/c/services.d/x.ini",
		"[service]\nexec = /x a ; comment\nafter = a\n  b\nenv = A=1\n  B=2\n");
	CHECK_EQ(c.nerrors, 0); /* a and b not existing: cfg_validate's job */
	CHECK_STR(c.svcs[0].argv[1], "a");
	CHECK(c.svcs[0].argv[2] == NULL);
	CHECK_STR(c.svcs[0].after[1], "b");
	CHECK_STR(c.svcs[0].env[1], "B=2");
	cfg_free(&c);
	c = svc("/c/services.d/x.ini", "[service]\nexec = /x\n  more 'a b'\n");
	CHECK_EQ(c.nerrors, 0);
	CHECK_STR(c.svcs[0].argv[2], "a b");
	cfg_free(&c);
	c = svc("/c/services.d/x.ini", "[service]\nexec = /x\nuser = root\n  more\n");
	CHECK(has_error(&c, "x.ini:4: 'user' does not continue"));
	cfg_free(&c);
}

static void test_init_ini(void)
{
	struct cfg c;

	cfg_defaults(&c);
	CHECK_EQ(c.init.shutdown_timeout_ms, 10000);
	CHECK_EQ(c.init.cmd_restart, RESTART_NEVER);
	CHECK_EQ(c.init.hook_timeout_ms, 30000);
	CHECK_EQ(c.init.prestart_failure, PRESTART_ABORT);
	CHECK_EQ(cfg_load_init_string(&c, "/c/init.ini",
		"[init]\nshutdown_timeout = 3s\nlog_level = debug\n"
		"control_socket = /run/p.sock\nreload_signal = USR2\n"
		"[cmd]\nafter = a b\nready_timeout = 1s\nrestart = on-failure\n"
		"stop_signal = QUIT\n[hooks]\ntimeout = 2s\nprestart_failure = continue\n"),
		0);
	CHECK_EQ(c.nerrors, 0);
	CHECK_EQ(c.init.shutdown_timeout_ms, 3000);
	CHECK_EQ(c.init.log_level, 3);
	CHECK_STR(c.init.control_socket, "/run/p.sock");
	CHECK_EQ(c.init.reload_signal, SIGUSR2);
	CHECK_STR(c.init.cmd_after[1], "b");
	CHECK_EQ(c.init.cmd_restart, RESTART_ON_FAILURE);
	CHECK_EQ(c.init.cmd_stop_signal, SIGQUIT);
	CHECK_EQ(c.init.hook_timeout_ms, 2000);
	CHECK_EQ(c.init.prestart_failure, PRESTART_CONTINUE);
	cfg_validate(&c);
	CHECK(has_error(&c, "/c/init.ini:7: after: no service 'a'"));
	cfg_free(&c);
	cfg_defaults(&c);
	CHECK_EQ(cfg_load_init_string(&c, "/c/init.ini",
		"[init]\nshutdown_timeout = never\nreload_signal =\n[bogus]\nx = 1\n"
		"[hooks]\nprestart_failure = retry\n[cmd]\nrestart = x\n"),
		0);
	CHECK(has_error(&c, "init.ini:2: shutdown_timeout = never: bad duration"));
	CHECK(has_error(&c, "init.ini:4: unknown section [bogus]"));
	CHECK(has_error(&c, "init.ini:7: prestart_failure = retry: bad value"));
	CHECK(has_error(&c, "init.ini:9: restart = x: bad value"));
	CHECK_EQ(c.nerrors, 4);
	cfg_free(&c);
}

static void test_dependencies(void)
{
	struct cfg c;

	cfg_defaults(&c);
	CHECK_EQ(cfg_load_service_string(&c, "/c/s/a.ini", "[service]\nexec = /a\nafter = b\n", &src), 0);
	CHECK_EQ(cfg_load_service_string(&c, "/c/s/b.ini", "[service]\nexec = /b\nrequires = c\n", &src), 0);
	CHECK_EQ(cfg_load_service_string(&c, "/c/s/c.ini", "[service]\nexec = /c\n\nafter = a\n", &src), 0);
	CHECK_EQ(cfg_load_service_string(&c, "/c/s/d.ini", "[service]\nexec = /d\nafter = nope d\n", &src), 0);
	CHECK_EQ(cfg_load_service_string(&c, "/c/s/a.ini", "[service]\nexec = /a\n", &src), 0);
	cfg_validate(&c);
	CHECK(has_error(&c, "a.ini: duplicate service 'a'"));
	CHECK(has_error(&c, "d.ini:3: after: no service 'nope'"));
	CHECK(has_error(&c, "d.ini:3: after: 'd' depends on itself"));
	CHECK(has_error(&c, "dependency cycle: a -> b -> c -> a"));
	cfg_free(&c);
}

/* An indented `key = value` of a known key is that key, never more
 * words of the key above; other indented lines still continue. */
static void test_indented_keys(void)
{
	struct cfg c;

	c = svc("/c/services.d/x.ini",
		"[service]\nexec = /x a\n\tuser = alice\n  restart = never\n");
	CHECK_EQ(c.nerrors, 0);
	CHECK_EQ(cfg_count_words(c.svcs[0].argv), 2);
	CHECK_EQ(c.svcs[0].has_user, 1);
	CHECK_EQ(c.svcs[0].restart, RESTART_NEVER);
	cfg_free(&c);
	/* without blanks, and with ':' as inih allows */
	c = svc("/c/services.d/x.ini",
		"[service]\nexec = /x\n  stop_signal=QUIT\n  ready_timeout: 5s\n");
	CHECK_EQ(c.nerrors, 0);
	CHECK_EQ(cfg_count_words(c.svcs[0].argv), 1);
	CHECK_EQ(c.svcs[0].stop_signal, SIGQUIT);
	CHECK_EQ(c.svcs[0].ready_timeout_ms, 5000);
	cfg_free(&c);
	/* a name that looks like a key is an unknown key, not argv */
	c = svc("/c/services.d/x.ini", "[service]\nexec = /x\n  colour = blue\n");
	CHECK(c.nerrors == 1 && has_error(&c, "x.ini:3: unknown key 'colour'"));
	CHECK_EQ(cfg_count_words(c.svcs[0].argv), 1);
	cfg_free(&c);
	/* a known key twice: the duplicate is reported */
	c = svc("/c/services.d/x.ini", "[service]\nexec = /x\n  exec = /y\n");
	CHECK(has_error(&c, "x.ini:3: duplicate key 'exec'"));
	cfg_free(&c);
	/* words, options, KEY=VALUE and quoted words still continue */
	c = svc("/c/services.d/x.ini",
		"[service]\nexec = /x\n  --user=bob -o user=x\n  'user' = y\n"
		"env = A=1\n  LANG=C user=z\n");
	CHECK_EQ(c.nerrors, 0);
	CHECK_EQ(cfg_count_words(c.svcs[0].argv), 7);
	CHECK_STR(c.svcs[0].argv[4], "user");
	CHECK_STR(c.svcs[0].env[2], "user=z");
	CHECK_EQ(c.svcs[0].has_user, 0);
	cfg_free(&c);
	/* init.ini: keys of the section at hand */
	cfg_defaults(&c);
	CHECK_EQ(cfg_load_init_string(&c, "/c/init.ini",
		"[cmd]\nafter = a\n  b\n  restart = always\n"), 0);
	CHECK_EQ(c.nerrors, 0);
	CHECK_EQ(cfg_count_words(c.init.cmd_after), 2);
	CHECK_EQ(c.init.cmd_restart, RESTART_ALWAYS);
	cfg_free(&c);
}

/* Lines of any length: inih's buffer (198 characters in Debian's build)
 * is no limit. */
static void test_long_lines(void)
{
	char *text = malloc(200 * 1024), *p, java[512];
	struct cfg c;
	size_t n;

	/* a 400-character Java command line */
	n = (size_t)snprintf(java, sizeof(java), "/usr/bin/java -Xmx2g");
	while (n < 390)
		n += (size_t)snprintf(java + n, sizeof(java) - n, " -Dopt%zu=v", n);
	snprintf(text, 200 * 1024, "[service]\nexec = %s ; a comment\nrestart = never\n"
		 "bogus = 1\n", java);
	c = svc("/c/services.d/java.ini", text);
	CHECK(c.nerrors == 1 && has_error(&c, "java.ini:4: unknown key 'bogus'"));
	CHECK(c.svcs[0].argv && cfg_count_words(c.svcs[0].argv) > 30);
	CHECK_STR(c.svcs[0].argv[0], "/usr/bin/java");
	{
		char *joined = malloc(512);

		joined[0] = '\0';
		for (char **w = c.svcs[0].argv; w && *w; w++)
			snprintf(joined + strlen(joined), 512 - strlen(joined), "%s%s",
				 w == c.svcs[0].argv ? "" : " ", *w);
		CHECK_STR(joined, java);
		free(joined);
	}
	CHECK_EQ(c.svcs[0].restart, RESTART_NEVER);
	cfg_free(&c);
	/* a 100 KB env value, a long continuation, a long comment */
	p = text + sprintf(text, "[service]\nexec = /x\nenv = BIG=");
	memset(p, 'v', 100 * 1024);
	p += 100 * 1024;
	p += sprintf(p, "\n  MORE=");
	memset(p, 'm', 300);
	p += 300;
	p += sprintf(p, "\n; ");
	memset(p, 'c', 300);
	p += 300;
	p += sprintf(p, "\n\t  workdir = /");
	memset(p, 'w', 250);
	p += 250;
	sprintf(p, "\nstop_signal = NOPE\n");
	c = svc("/c/services.d/big.ini", text);
	CHECK_EQ(cfg_count_words(c.svcs[0].env), 2);
	CHECK_EQ(strlen(c.svcs[0].env[0]), 4 + 100 * 1024);
	CHECK_EQ(strlen(c.svcs[0].env[1]), 5 + 300);
	CHECK(c.svcs[0].workdir && strlen(c.svcs[0].workdir) == 251); /* an indented key */
	CHECK(has_error(&c, "big.ini:7: stop_signal = NOPE: bad signal"));
	CHECK(!has_error_quiet(&c, "line too long"));
	CHECK(!has_error_quiet(&c, "needs 'exec ='"));
	cfg_free(&c);
	free(text);
}

/* 'group =' wins over the user's primary group in either order. */
static void test_group_before_user(void)
{
	struct cfg c = svc("/c/services.d/x.ini",
			   "[service]\nexec = /x\ngroup = staff\nuser = alice\n");
	struct cfg_service *s = &c.svcs[0];
	char why[256];

	CHECK_EQ(c.nerrors, 0);
	CHECK_EQ(cfg_resolve_user(&src, s, why, sizeof(why)), 0);
	CHECK_EQ(s->uid, 1000);
	CHECK_EQ(s->gid, 50);
	CHECK_EQ(s->ngroups, 2); /* staff, and audio where alice is a member */
	cfg_free(&c);
	c = svc("/c/services.d/x.ini", "[service]\nexec = /x\nuser = alice\n");
	CHECK_EQ(cfg_resolve_user(&src, &c.svcs[0], why, sizeof(why)), 0);
	CHECK_EQ(c.svcs[0].gid, 1000); /* no group: the user's own */
	cfg_free(&c);
}

/* Users are names until a service starts: an unknown one is no load
 * error; resolving it names it; `check` warns, saying when it is looked
 * up. */
static void test_users_at_start(void)
{
	struct cfg c = svc("/c/services.d/x.ini",
			   "[service]\nexec = /bin/sh\nuser = bob\ngroup = nogroup\n");
	struct cfg_service *s = &c.svcs[0];
	char why[256];

	CHECK_EQ(c.nerrors, 0);
	CHECK_STR(s->user, "bob");
	CHECK_STR(s->group, "nogroup");
	CHECK_EQ(cfg_resolve_user(&src, s, why, sizeof(why)), -ENOENT);
	CHECK_STR(why, "unknown user 'bob' (not in test/unit/passwd)");
	cfg_check_files(&c, &src);
	CHECK_EQ(c.nerrors, 0);
	CHECK(c.nwarnings == 1 &&
	      strcmp(c.warnings[0], "/c/services.d/x.ini:3: unknown user 'bob' (not in test/unit/passwd); it is looked up again when the service starts") == 0);
	cfg_free(&c);
	c = svc("/c/services.d/x.ini", "[service]\nexec = /x\ngroup = wheel\n");
	CHECK_EQ(cfg_resolve_user(&src, &c.svcs[0], why, sizeof(why)), -ENOENT);
	CHECK_STR(why, "unknown group 'wheel' (not in test/unit/group)");
	cfg_free(&c);
	/* what a reload keeps for a service that runs on */
	{
		struct cfg c2 = svc("/c/services.d/y.ini",
				    "[service]\nexec = /x\nuser = alice\n");
		struct cfg_service n;

		CHECK_EQ(cfg_resolve_user(&src, &c2.svcs[0], why, sizeof(why)), 0);
		CHECK_EQ(c2.svcs[0].ids_resolved, 1);
		memset(&n, 0, sizeof(n));
		CHECK_EQ(cfg_copy_ids(&n, &c2.svcs[0]), 0);
		CHECK_EQ(n.ids_resolved, 1);
		CHECK_EQ(n.uid, 1000);
		CHECK_EQ(n.ngroups, c2.svcs[0].ngroups);
		CHECK_STR(n.home, "/home/alice");
		free(n.groups);
		free(n.user_name);
		free(n.home);
		free(n.shell);
		cfg_free(&c2);
	}
	/* numbers need no entry; a resolve again after a change sees it */
	c = svc("/c/services.d/x.ini", "[service]\nexec = /x\nuser = 4242\n");
	CHECK_EQ(cfg_resolve_user(&src, &c.svcs[0], why, sizeof(why)), 0);
	CHECK_EQ(c.svcs[0].uid, 4242);
	CHECK_EQ(c.svcs[0].gid, 4242);
	CHECK_EQ(cfg_resolve_user(&src, &c.svcs[0], why, sizeof(why)), 0);
	CHECK_EQ(c.svcs[0].ngroups, 1);
	cfg_free(&c);
}

/* A UTF-8 BOM is accepted; a quote cut by the comment rule says so. */
static void test_bom_and_comments(void)
{
	struct cfg c;
	char **env = NULL;

	c = svc("/c/services.d/x.ini", "\xef\xbb\xbf[service]\nexec = /x\n");
	CHECK_EQ(c.nerrors, 0);
	CHECK_STR(c.svcs[0].argv[0], "/x");
	cfg_free(&c);
	cfg_defaults(&c);
	CHECK_EQ(cfg_load_init_string(&c, "/c/init.ini",
		"\xef\xbb\xbf[init]\nshutdown_timeout = 3s\n"), 0);
	CHECK_EQ(c.nerrors, 0);
	CHECK_EQ(c.init.shutdown_timeout_ms, 3000);
	cfg_free(&c);
	CHECK_EQ(cfg_parse_env_text("\xef\xbb\xbf" "A=1\n", &env), 0);
	CHECK_STR(env[0], "A=1");
	cfg_free_words(env);
	c = svc("/c/services.d/x.ini",
		"[service]\nexec = sh -c \"echo a ; echo b\"\n");
	CHECK(c.nerrors == 1 &&
	      has_error(&c, "x.ini:2: exec = sh -c \"echo a: unterminated double quote "
			    "(a ';' after a blank starts a comment, also inside quotes: "
			    "write 'a; b', not 'a ; b')"));
	cfg_free(&c);
	c = svc("/c/services.d/x.ini",
		"[service]\nexec = /x\n  'a ; b'\n");
	CHECK(c.nerrors == 1 && has_error(&c, "x.ini:3: exec = 'a: unterminated single quote (a ';'"));
	cfg_free(&c);
	/* the comment rule holds on continuation lines too */
	c = svc("/c/services.d/x.ini", "[service]\nexec = /x\n  b ; a comment\n");
	CHECK_EQ(c.nerrors, 0);
	CHECK_EQ(cfg_count_words(c.svcs[0].argv), 2);
	CHECK_STR(c.svcs[0].argv[1], "b");
	cfg_free(&c);
	/* no comment involved: no hint */
	c = svc("/c/services.d/x.ini", "[service]\nexec = sh -c \"echo a\n");
	CHECK(c.nerrors == 1 && has_error(&c, "unterminated double quote"));
	CHECK(!has_error_quiet(&c, "comment"));
	cfg_free(&c);
	c = svc("/c/services.d/x.ini", "[service]\nexec = sh -c \"echo a; echo b\"\n");
	CHECK_EQ(c.nerrors, 0);
	CHECK_STR(c.svcs[0].argv[2], "echo a; echo b");
	cfg_free(&c);
}

static void test_ready_tcp(void)
{
	static const struct {
		const char *v, *host;
		int port;
	} ok[] = {
		{ "tcp:8080", NULL, 8080 },
		{ "tcp:127.0.0.2:80", "127.0.0.2", 80 },
		{ "tcp:10.1.2.3:65535", "10.1.2.3", 65535 },
		{ "tcp:[::1]:9000", "::1", 9000 },
		{ "tcp:[fd00::1:2]:1", "fd00::1:2", 1 },
	};
	char text[128];

	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
		struct cfg c;

		snprintf(text, sizeof(text), "[service]\nexec = /x\nready = %s\n",
			 ok[i].v);
		c = svc("/c/services.d/x.ini", text);
		CHECK_EQ(c.nerrors, 0);
		CHECK_EQ(c.svcs[0].ready, READY_TCP);
		CHECK_EQ(c.svcs[0].ready_port, ok[i].port);
		CHECK(ok[i].host ? c.svcs[0].ready_host &&
					   !strcmp(c.svcs[0].ready_host, ok[i].host)
				 : !c.svcs[0].ready_host);
		cfg_free(&c);
	}
}

/* Keys whose run-time meaning comes with the shutdown and state
 * directory work: parsed, defaulted, checked. */
static void test_new_keys(void)
{
	struct cfg c;

	cfg_defaults(&c);
	CHECK(c.init.state_dir == NULL);
	CHECK_EQ(c.init.cmd_stop_timeout_ms, -1);
	CHECK_EQ(c.init.cmd_kill_mode, KILL_GROUP);
	CHECK_EQ(c.init.poststop_reserve_ms, -1);
	CHECK_EQ(cfg_load_init_string(&c, "/c/init.ini",
		"[init]\nstate_dir = /run/pouch-b\n[cmd]\nstop_timeout = 4s\n"
		"kill_mode = mixed\n[hooks]\npoststop_reserve = 2500ms\n"), 0);
	CHECK_EQ(c.nerrors, 0);
	CHECK_STR(c.init.state_dir, "/run/pouch-b");
	CHECK_EQ(c.init.cmd_stop_timeout_ms, 4000);
	CHECK_EQ(c.init.cmd_kill_mode, KILL_MIXED);
	CHECK_EQ(c.init.poststop_reserve_ms, 2500);
	cfg_free(&c);
	cfg_defaults(&c);
	CHECK_EQ(cfg_load_init_string(&c, "/c/init.ini",
		"[init]\nstate_dir = run/p\n[cmd]\nstop_timeout = soon\n"
		"kill_mode = all\n[hooks]\npoststop_reserve = -1s\n"
		"[cmd]\nstate_dir = /x\n"), 0);
	CHECK(has_error(&c, "init.ini:2: state_dir = run/p: needs an absolute path"));
	CHECK(has_error(&c, "init.ini:4: stop_timeout = soon: bad duration"));
	CHECK(has_error(&c, "init.ini:5: kill_mode = all: bad value (group, mixed, process)"));
	CHECK(has_error(&c, "init.ini:7: poststop_reserve = -1s: bad duration"));
	CHECK(has_error(&c, "init.ini:9: unknown key 'state_dir' in [cmd]"));
	CHECK_EQ(c.nerrors, 5);
	cfg_free(&c);
	c = svc("/c/services.d/x.ini", "[service]\nexec = /x\n");
	CHECK_EQ(c.svcs[0].kill_mode, KILL_GROUP);
	cfg_free(&c);
	c = svc("/c/services.d/x.ini", "[service]\nexec = /x\nkill_mode = process\n");
	CHECK_EQ(c.nerrors, 0);
	CHECK_EQ(c.svcs[0].kill_mode, KILL_PROCESS);
	cfg_free(&c);
	c = svc("/c/services.d/x.ini", "[service]\nexec = /x\nkill_mode = some\n");
	CHECK(c.nerrors == 1 && has_error(&c, "x.ini:3: kill_mode = some: bad value (group, mixed, process)"));
	cfg_free(&c);
}

struct seen {
	char all[2048];
};

static void collect(void *arg, const char *path, const char *why)
{
	struct seen *s = arg;
	size_t n = strlen(s->all);

	snprintf(s->all + n, sizeof(s->all) - n, "%s: %s\n", path, why);
}

/* cfg_path_check on a real tree under /tmp (sticky, root's). */
static int unsafe_parts(const char *root, const char *path, int flags,
			struct seen *s)
{
	s->all[0] = '\0';
	return cfg_path_check(root, path, 0, flags, collect, s, NULL, 0);
}

static void mkfile(const char *path, mode_t mode, uid_t uid)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f)
		fclose(f);
	CHECK_EQ(chmod(path, mode), 0);
	CHECK_EQ(chown(path, uid, 0), 0);
}

static void test_paths(void)
{
	char d[] = "/tmp/pouch-unit.XXXXXX", p[PATH_MAX], q[PATH_MAX],
	     want[PATH_MAX + 64], real[PATH_MAX];
	struct seen s;

	if (geteuid() != 0 || !mkdtemp(d)) {
		fprintf(stderr, "test_paths: needs root and /tmp\n");
		CHECK(0);
		return;
	}
	CHECK_EQ(chmod(d, 0755), 0);
	snprintf(p, sizeof(p), "%s/etc", d);
	CHECK_EQ(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/etc/a.ini", d);
	mkfile(p, 0644, 0);
	/* root's 0644 file in 0755 directories under sticky /tmp: safe */
	CHECK_EQ(unsafe_parts(NULL, p, CFG_PATH_HOLDER, &s), 0);
	CHECK_STR(s.all, "");
	/* another owner, a group, others */
	CHECK_EQ(chown(p, 65534, 0), 0);
	CHECK_EQ(unsafe_parts(NULL, p, CFG_PATH_HOLDER, &s), 1);
	snprintf(want, sizeof(want), "%s: owned by uid 65534\n", p);
	CHECK_STR(s.all, want);
	CHECK_EQ(chmod(p, 0666), 0);
	CHECK_EQ(unsafe_parts(NULL, p, 0, &s), 1);
	snprintf(want, sizeof(want),
		 "%s: owned by uid 65534, writable by group 0, writable by others\n", p);
	CHECK_STR(s.all, want);
	CHECK_EQ(chown(p, 0, 0), 0);
	CHECK_EQ(chmod(p, 0644), 0);
	/* a group-writable directory above it */
	CHECK_EQ(chmod(d, 0775), 0);
	CHECK_EQ(unsafe_parts(NULL, p, 0, &s), 1);
	snprintf(want, sizeof(want), "%s: writable by group 0\n", d);
	CHECK_STR(s.all, want);
	/* a sticky ancestor is fine; as the file's own directory it is not */
	CHECK_EQ(chmod(d, 01777), 0);
	CHECK_EQ(unsafe_parts(NULL, p, CFG_PATH_HOLDER, &s), 0);
	snprintf(q, sizeof(q), "%s/b.ini", d);
	mkfile(q, 0644, 0);
	CHECK_EQ(unsafe_parts(NULL, q, 0, &s), 0);
	CHECK_EQ(unsafe_parts(NULL, q, CFG_PATH_HOLDER, &s), 1);
	snprintf(want, sizeof(want), "%s: writable by group 0, writable by others\n", d);
	CHECK_STR(s.all, want);
	/* ... and the entry in it must be owned right: a symlink too */
	snprintf(p, sizeof(p), "%s/link", d);
	CHECK_EQ(symlink("etc", p), 0);
	CHECK_EQ(lchown(p, 65534, 65534), 0);
	snprintf(p, sizeof(p), "%s/link/a.ini", d);
	CHECK_EQ(unsafe_parts(NULL, p, CFG_PATH_HOLDER, &s), 1);
	snprintf(want, sizeof(want), "%s/link: owned by uid 65534\n", d);
	CHECK_STR(s.all, want);
	CHECK_EQ(chmod(d, 0755), 0);
	/* a symlink: the target and the directories it leads through */
	snprintf(q, sizeof(q), "%s/own", d);
	CHECK_EQ(mkdir(q, 0755), 0);
	CHECK_EQ(chown(q, 65534, 0), 0);
	snprintf(q, sizeof(q), "%s/own/x.ini", d);
	mkfile(q, 0644, 0);
	snprintf(p, sizeof(p), "%s/etc/to-x.ini", d);
	CHECK_EQ(symlink(q, p), 0);
	CHECK_EQ(unsafe_parts(NULL, p, CFG_PATH_HOLDER, &s), 1);
	snprintf(want, sizeof(want), "%s/own: owned by uid 65534\n", d);
	CHECK_STR(s.all, want);
	CHECK_EQ(cfg_path_check(NULL, p, 0, 0, NULL, NULL, real, sizeof(real)), 1);
	CHECK_STR(real, q);
	/* the euid owns it: fine */
	CHECK_EQ(cfg_path_check(NULL, p, 65534, 0, NULL, NULL, NULL, 0), 0);
	/* inside a root, an absolute symlink stays in the tree */
	snprintf(p, sizeof(p), "%s/etc/abs", d);
	CHECK_EQ(symlink("/etc/a.ini", p), 0);
	CHECK_EQ(cfg_path_check(d, "/etc/abs", 0, 0, NULL, NULL, real, sizeof(real)), 0);
	snprintf(want, sizeof(want), "%s/etc/a.ini", d);
	CHECK_STR(real, want);
	CHECK_EQ(cfg_path_check(d, "/../../etc/./a.ini", 0, 0, NULL, NULL, real, sizeof(real)), 0);
	CHECK_STR(real, want);
	CHECK_EQ(cfg_path_check(NULL, "/nonexistent/x", 0, 0, NULL, NULL, NULL, 0), -ENOENT);
	snprintf(p, sizeof(p), "%s/etc/a.ini/x", d);
	CHECK_EQ(cfg_path_check(NULL, p, 0, 0, NULL, NULL, NULL, 0), -ENOTDIR);
	snprintf(p, sizeof(p), "%s/etc/loop", d);
	CHECK_EQ(symlink("loop", p), 0);
	CHECK_EQ(cfg_path_check(NULL, p, 0, 0, NULL, NULL, NULL, 0), -ELOOP);
	snprintf(p, sizeof(p), "rm -rf '%s'", d);
	CHECK_EQ(system(p), 0);
}

/* Capability names as libcap reads and writes them, for every number
 * and for each name spelled in other ways. */
static void test_cap_names(void)
{
	static const char *const odd[] = {
		"", "cap_", "CAP_", "chown", "all", "  1", "-1", "+1", "0x",
		"0x10", "010", "63", "64", "99999999999999999999", "12abc",
		"cap_chown,cap_kill", "cap_chown1", "cap_chown!", "cap_chownx",
		"cap_cHECKPOINT_RESTORE", "cap_checkpoint_restorez",
		"cap_sys_admin ", "\xe9" "cap_kill", "cap_kill\xe9",
	};
	char mine[CFG_CAP_NAME_MAX], word[64];

	for (int i = -1; i < 70; i++) {
		char *theirs = cap_to_name((cap_value_t)i);

		CHECK_STR(cfg_cap_name(i, mine), theirs);
		cap_free(theirs);
	}
	for (int i = 0; i < 64; i++) {
		cap_value_t want = -7;
		int got = -7;
		char *n = cap_to_name((cap_value_t)i);

		CHECK_EQ(cfg_parse_cap(n, &got), cap_from_name(n, &want) ? -EINVAL : 0);
		CHECK_EQ(got, want);
		snprintf(word, sizeof(word), "%s", n); /* upper case */
		for (char *p = word; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		want = got = -7;
		CHECK_EQ(cfg_parse_cap(word, &got), cap_from_name(word, &want) ? -EINVAL : 0);
		CHECK_EQ(got, want);
		snprintf(word, sizeof(word), "%s", n + 4); /* no cap_ */
		want = got = -7;
		CHECK_EQ(cfg_parse_cap(word, &got), cap_from_name(word, &want) ? -EINVAL : 0);
		CHECK_EQ(got, want);
		cap_free(n);
	}
	for (size_t i = 0; i < sizeof(odd) / sizeof(*odd); i++) {
		cap_value_t want = -7;
		int got = -7;

		CHECK_EQ(cfg_parse_cap(odd[i], &got), cap_from_name(odd[i], &want) ? -EINVAL : 0);
		CHECK_EQ(got, want);
	}
}

int main(void)
{
	log_max_level = LOG_LVL_ERROR; /* the warnings are checked in cfg */
	test_words();
	test_env_file();
	test_full_service();
	test_defaults();
	test_bad_values();
	test_structure_errors();
	test_init_ini();
	test_dependencies();
	test_indented_keys();
	test_long_lines();
	test_group_before_user();
	test_users_at_start();
	test_bom_and_comments();
	test_ready_tcp();
	test_new_keys();
	test_paths();
	test_cap_names();
	return t_done("test_config");
}
