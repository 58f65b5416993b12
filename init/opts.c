// SPDX-License-Identifier: MIT
/*
 * Command-line parsing for pid 1. Options stop at the first non-option
 * word or at "--", so CMD's own flags are never taken for ours.
 */
#include "init/opts.h"
#include "init/signames.h"
#include "config/values.h"
#include "config/nametab.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

const char opts_usage[] =
	"usage: pouch-init [OPTIONS] [--] CMD [ARG...]\n"
	"       pouch-init check [-c DIR] [--root DIR]\n"
	"       pouch-init ctl [--socket PATH] COMMAND\n"
	"\n"
	"  -c, --config DIR     config root (default /etc/pouch, env POUCH_CONFIG_DIR)\n"
	"  -m, --mode MODE      pouch | dumb-init | systemd | sbin-init (env POUCH_RICH_MODE)\n"
	"  -g, --kill-group     forward signals to CMD's whole process group\n"
	"  -r, --rewrite S:R    rewrite signal S to R before forwarding; R=0 drops it\n"
	"  -e, --remap-exit N   report CMD exit status N as 0 (repeatable)\n"
	"  -s, --subreaper      become a child subreaper when not pid 1\n"
	"  -t, --stop-timeout D after SIGTERM/SIGINT to pid 1, SIGKILL CMD after D\n"
	"                       (default 10s, 0 never; dumb-init mode: never)\n"
	"      --initscript P   run P inside the container before anything else\n"
	"  -v, --verbose        say what happens (repeat for debug)\n"
	"      --version        print the version\n"
	"      --help           print this help\n";

NAMETAB_BEGIN
static const char mode_names[][10] = {
	[MODE_POUCH] = "pouch",
	[MODE_DUMB_INIT] = "dumb-init",
	[MODE_SYSTEMD] = "systemd",
	[MODE_SBIN_INIT] = "sbin-init",
};
NAMETAB_END

int opts_mode_parse(const char *s, enum init_mode *out)
{
	for (size_t i = 0; i < sizeof(mode_names) / sizeof(*mode_names); i++) {
		if (strcmp(s, mode_names[i]) == 0) {
			*out = (enum init_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *opts_mode_name(enum init_mode m)
{
	return mode_names[m];
}

static const char *env_get(char **env, const char *key)
{
	size_t n = strlen(key);

	for (; env && *env; env++)
		if (strncmp(*env, key, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

static int parse_rewrite(struct init_opts *o, const char *arg)
{
	char from[32];
	const char *colon = strchr(arg, ':');
	size_t n = colon ? (size_t)(colon - arg) : 0;
	int s, r;

	if (!colon || n == 0 || n >= sizeof(from))
		return -EINVAL;
	memcpy(from, arg, n);
	from[n] = '\0';
	s = sig_parse(from, 0);
	r = sig_parse(colon + 1, 1);
	if (s < 0 || r < 0 || s >= OPTS_NSIG || r >= OPTS_NSIG)
		return -EINVAL;
	o->rewrite[s] = r;
	return 0;
}

static int parse_remap(struct init_opts *o, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 0 || v > 255)
		return -EINVAL;
	o->remap_exit[v / 8] |= (uint8_t)(1u << (v % 8));
	return 0;
}

static void opts_init(struct init_opts *o, char **env)
{
	const char *mode = env_get(env, "POUCH_RICH_MODE");
	const char *dir = env_get(env, "POUCH_CONFIG_DIR");

	memset(o, 0, sizeof(*o));
	o->stop_timeout_ms = -1;
	for (int i = 0; i < OPTS_NSIG; i++)
		o->rewrite[i] = -1;
	o->config_dir = dir && *dir ? dir : "/etc/pouch";
	if (mode && *mode && opts_mode_parse(mode, &o->mode) < 0)
		o->mode = MODE_POUCH; /* reported by opts_parse */
}

#define FAIL(...)                                  \
	do {                                       \
		snprintf(err, errlen, __VA_ARGS__); \
		return -EINVAL;                    \
	} while (0)

int opts_parse(int argc, char **argv, char **env, struct init_opts *o,
	       char *err, size_t errlen)
{
	enum { OPT_VERSION = 256, OPT_HELP, OPT_INITSCRIPT };
	/* getopt_long()'s table is made here: a static one is pointers */
	NAMETAB_BEGIN
	static const struct {
		char name[13];
		int has_arg, val;
	} names[] = {
		{ "config", required_argument, 'c' },
		{ "mode", required_argument, 'm' },
		{ "kill-group", no_argument, 'g' },
		{ "rewrite", required_argument, 'r' },
		{ "remap-exit", required_argument, 'e' },
		{ "subreaper", no_argument, 's' },
		{ "stop-timeout", required_argument, 't' },
		{ "initscript", required_argument, OPT_INITSCRIPT },
		{ "verbose", no_argument, 'v' },
		{ "version", no_argument, OPT_VERSION },
		{ "help", no_argument, OPT_HELP },
	};
	NAMETAB_END
	struct option longopts[NAMETAB_LEN(names) + 1];
	const char *mode = env_get(env, "POUCH_RICH_MODE");
	int c;

	for (size_t i = 0; i < NAMETAB_LEN(names); i++)
		longopts[i] = (struct option){ .name = names[i].name,
					       .has_arg = names[i].has_arg,
					       .val = names[i].val };
	longopts[NAMETAB_LEN(names)] = (struct option){ .name = NULL };
	opts_init(o, env);
	if (mode && *mode && opts_mode_parse(mode, &o->mode) < 0)
		FAIL("POUCH_RICH_MODE: unknown mode '%s'", mode);
	optind = 0; /* full reinitialisation, so tests may call us twice */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:c:m:gr:e:st:vh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config_dir = optarg;
			break;
		case 'm':
			if (opts_mode_parse(optarg, &o->mode) < 0)
				FAIL("unknown mode '%s' (pouch, dumb-init, systemd, sbin-init)",
				     optarg);
			break;
		case 'g':
			o->kill_group = 1;
			break;
		case 'r':
			if (parse_rewrite(o, optarg) < 0)
				FAIL("bad signal rewrite '%s' (want S:R, e.g. TERM:QUIT or 15:0)",
				     optarg);
			break;
		case 'e':
			if (parse_remap(o, optarg) < 0)
				FAIL("bad exit status '%s' (want 0..255)", optarg);
			break;
		case 's':
			o->subreaper = 1;
			break;
		case 't':
			if (cfg_parse_duration_ms(optarg, &o->stop_timeout_ms) < 0)
				FAIL("bad duration '%s' (e.g. 500ms, 10s, 2m)", optarg);
			break;
		case 'v':
			o->verbose++;
			break;
		case OPT_INITSCRIPT:
			o->initscript = optarg;
			break;
		case OPT_VERSION:
			return OPTS_VERSION;
		case 'h':
		case OPT_HELP:
			return OPTS_HELP;
		case ':':
			FAIL("option '%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt)
				FAIL("unknown option '-%c'", optopt);
			FAIL("unknown option '%s'", argv[optind - 1]);
		}
	}
	o->cmd = optind < argc ? argv + optind : NULL;
	return OPTS_RUN;
}

int opts_exit_status(const struct init_opts *o, int wstatus)
{
	int code;

	if (WIFEXITED(wstatus))
		code = WEXITSTATUS(wstatus);
	else if (WIFSIGNALED(wstatus))
		code = 128 + WTERMSIG(wstatus);
	else
		code = 1;
	if (code <= 255 && (o->remap_exit[code / 8] & (1u << (code % 8))))
		code = 0;
	return code & 0xff;
}

int opts_forward_sig(const struct init_opts *o, int sig)
{
	if (sig <= 0 || sig >= OPTS_NSIG)
		return sig;
	return o->rewrite[sig] < 0 ? sig : o->rewrite[sig];
}
