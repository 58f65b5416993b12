// SPDX-License-Identifier: MIT
/*
 * Unit tests: pid-1 command line, signal names, exit-status mapping,
 * durations, sizes and booleans.
 */
#include "t.h"

#include "config/values.h"
#include "init/opts.h"
#include "init/signames.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>

static char *no_env[] = { NULL };

static int parse(struct init_opts *o, char **env, char *a0, ...)
{
	char *argv[32], err[256];
	__builtin_va_list ap;
	int argc = 0;

	argv[argc++] = "pouch-init";
	__builtin_va_start(ap, a0);
	for (char *a = a0; a; a = __builtin_va_arg(ap, char *))
		argv[argc++] = a;
	__builtin_va_end(ap);
	argv[argc] = NULL;
	return opts_parse(argc, argv, env, o, err, sizeof(err));
}

static void test_signames(void)
{
	char buf[16];

	CHECK_EQ(sig_parse("TERM", 0), SIGTERM);
	CHECK_EQ(sig_parse("SIGTERM", 0), SIGTERM);
	CHECK_EQ(sig_parse("term", 0), SIGTERM);
	CHECK_EQ(sig_parse("15", 0), 15);
	CHECK_EQ(sig_parse("0", 0), -EINVAL);
	CHECK_EQ(sig_parse("0", 1), 0);
	CHECK_EQ(sig_parse("RTMIN", 0), SIGRTMIN);
	CHECK_EQ(sig_parse("RTMIN+3", 0), SIGRTMIN + 3);
	CHECK_EQ(sig_parse("SIGRTMAX-1", 0), SIGRTMAX - 1);
	CHECK_EQ(sig_parse("RTMIN+99", 0), -EINVAL);
	CHECK_EQ(sig_parse("RTMAX+1", 0), -EINVAL);
	CHECK_EQ(sig_parse("NOPE", 0), -EINVAL);
	CHECK_EQ(sig_parse("", 0), -EINVAL);
	CHECK_EQ(sig_parse("65", 0), -EINVAL);
	CHECK_EQ(sig_parse("IOT", 0), SIGABRT);
	CHECK_STR(sig_name(SIGTERM, buf, sizeof(buf)), "TERM");
	CHECK_STR(sig_name(SIGRTMIN + 3, buf, sizeof(buf)), "RTMIN+3");
	CHECK_STR(sig_name(SIGRTMIN, buf, sizeof(buf)), "RTMIN");
	for (int s = 1; s <= SIGRTMAX; s++) {
		if (s == 32 || s == 33)
			continue; /* reserved by glibc */
		CHECK_EQ(sig_parse(sig_name(s, buf, sizeof(buf)), 0), s);
	}
}

static void test_opts(void)
{
	struct init_opts o;
	char *env[] = { "POUCH_RICH_MODE=dumb-init", "POUCH_CONFIG_DIR=/x",
			NULL };
	char *bad_env[] = { "POUCH_RICH_MODE=bogus", NULL };

	CHECK_EQ(parse(&o, no_env, "--", "sleep", "1", NULL), OPTS_RUN);
	CHECK_STR(o.cmd[0], "sleep");
	CHECK_STR(o.config_dir, "/etc/pouch");
	CHECK_EQ(o.mode, MODE_POUCH);
	CHECK_EQ(o.stop_timeout_ms, -1);
	/* CMD's own flags are not ours */
	CHECK_EQ(parse(&o, no_env, "ls", "-g", "-v", NULL), OPTS_RUN);
	CHECK_EQ(o.kill_group, 0);
	CHECK_STR(o.cmd[1], "-g");
	CHECK_EQ(parse(&o, env, "-g", "-s", "-vv", "x", NULL), OPTS_RUN);
	CHECK_EQ(o.kill_group, 1);
	CHECK_EQ(o.subreaper, 1);
	CHECK_EQ(o.verbose, 2);
	CHECK_EQ(o.mode, MODE_DUMB_INIT);
	CHECK_STR(o.config_dir, "/x");
	CHECK_EQ(parse(&o, env, "-m", "pouch", "-c", "/y", "x", NULL),
		 OPTS_RUN);
	CHECK_EQ(o.mode, MODE_POUCH);
	CHECK_STR(o.config_dir, "/y");
	CHECK_EQ(parse(&o, no_env, "--mode=systemd", "x", NULL), OPTS_RUN);
	CHECK_EQ(o.mode, MODE_SYSTEMD);
	CHECK_EQ(parse(&o, bad_env, "x", NULL), -EINVAL);
	CHECK_EQ(parse(&o, no_env, "-m", "bogus", "x", NULL), -EINVAL);
	CHECK_EQ(parse(&o, no_env, "--bogus", "x", NULL), -EINVAL);
	CHECK_EQ(parse(&o, no_env, "-x", NULL), -EINVAL);
	CHECK_EQ(parse(&o, no_env, "-r", NULL), -EINVAL);
	CHECK_EQ(parse(&o, no_env, NULL), OPTS_RUN);
	CHECK(o.cmd == NULL);
	CHECK_EQ(parse(&o, no_env, "--version", NULL), OPTS_VERSION);
	CHECK_EQ(parse(&o, no_env, "--help", NULL), OPTS_HELP);
	CHECK_EQ(parse(&o, no_env, "-t", "250ms", "x", NULL), OPTS_RUN);
	CHECK_EQ(o.stop_timeout_ms, 250);
	CHECK_EQ(parse(&o, no_env, "-t", "soon", "x", NULL), -EINVAL);
	CHECK_EQ(parse(&o, no_env, "--initscript", "/s a", "x", NULL),
		 OPTS_RUN);
	CHECK_STR(o.initscript, "/s a");
}

static void test_rewrite(void)
{
	struct init_opts o;

	CHECK_EQ(parse(&o, no_env, "-r", "TERM:QUIT", "-r", "10:0", "-r",
		       "RTMIN+1:USR2", "x", NULL),
		 OPTS_RUN);
	CHECK_EQ(opts_forward_sig(&o, SIGTERM), SIGQUIT);
	CHECK_EQ(opts_forward_sig(&o, SIGUSR1), 0);
	CHECK_EQ(opts_forward_sig(&o, SIGRTMIN + 1), SIGUSR2);
	CHECK_EQ(opts_forward_sig(&o, SIGHUP), SIGHUP);
	CHECK_EQ(parse(&o, no_env, "-r", "TERM", "x", NULL), -EINVAL);
	CHECK_EQ(parse(&o, no_env, "-r", "0:TERM", "x", NULL), -EINVAL);
	CHECK_EQ(parse(&o, no_env, "-r", "TERM:NOPE", "x", NULL), -EINVAL);
	CHECK_EQ(parse(&o, no_env, "-r", ":TERM", "x", NULL), -EINVAL);
}

static void test_exit_status(void)
{
	struct init_opts o;

	CHECK_EQ(parse(&o, no_env, "-e", "3", "-e", "143", "x", NULL),
		 OPTS_RUN);
	for (int code = 0; code < 256; code++) {
		int want = code == 3 || code == 143 ? 0 : code;
		CHECK_EQ(opts_exit_status(&o, code << 8), want);
	}
	CHECK_EQ(opts_exit_status(&o, SIGKILL), 137);
	CHECK_EQ(opts_exit_status(&o, SIGTERM), 0); /* 143 remapped */
	CHECK_EQ(opts_exit_status(&o, SIGSEGV | 0x80), 139);
	CHECK_EQ(parse(&o, no_env, "-e", "256", "x", NULL), -EINVAL);
	CHECK_EQ(parse(&o, no_env, "-e", "-1", "x", NULL), -EINVAL);
	CHECK_EQ(parse(&o, no_env, "-e", "3x", "x", NULL), -EINVAL);
}

static void test_values(void)
{
	int64_t ms;
	uint64_t b;
	int v;

	CHECK(cfg_parse_duration_ms("100ms", &ms) == 0 && ms == 100);
	CHECK(cfg_parse_duration_ms("10s", &ms) == 0 && ms == 10000);
	CHECK(cfg_parse_duration_ms("2m", &ms) == 0 && ms == 120000);
	CHECK(cfg_parse_duration_ms("1h", &ms) == 0 && ms == 3600000);
	CHECK(cfg_parse_duration_ms("7", &ms) == 0 && ms == 7000);
	CHECK(cfg_parse_duration_ms("0", &ms) == 0 && ms == 0);
	CHECK(cfg_parse_duration_ms(" 5s ", &ms) == 0 && ms == 5000);
	CHECK(cfg_parse_duration_ms("5 s", &ms) < 0);
	CHECK(cfg_parse_duration_ms("-1s", &ms) < 0);
	CHECK(cfg_parse_duration_ms("1d", &ms) < 0);
	CHECK(cfg_parse_duration_ms("s", &ms) < 0);
	CHECK(cfg_parse_duration_ms("", &ms) < 0);
	CHECK(cfg_parse_duration_ms("99999999999999999999s", &ms) < 0);
	CHECK(cfg_parse_duration_ms("9999999999999999h", &ms) < 0);
	CHECK(cfg_parse_size("10M", &b) == 0 && b == 10u << 20);
	CHECK(cfg_parse_size("512K", &b) == 0 && b == 512u << 10);
	CHECK(cfg_parse_size("1G", &b) == 0 && b == 1u << 30);
	CHECK(cfg_parse_size("1GiB", &b) == 0 && b == 1u << 30);
	CHECK(cfg_parse_size("1kb", &b) == 0 && b == 1024);
	CHECK(cfg_parse_size("42", &b) == 0 && b == 42);
	CHECK(cfg_parse_size("1X", &b) < 0);
	CHECK(cfg_parse_size("M", &b) < 0);
	CHECK(cfg_parse_size("99999999999T", &b) < 0);
	CHECK(cfg_parse_bool("yes", &v) == 0 && v == 1);
	CHECK(cfg_parse_bool("Off", &v) == 0 && v == 0);
	CHECK(cfg_parse_bool("maybe", &v) < 0);
}

int main(void)
{
	test_signames();
	test_opts();
	test_rewrite();
	test_exit_status();
	test_values();
	return t_done("test_opts");
}
