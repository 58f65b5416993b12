// SPDX-License-Identifier: MIT
/*
 * pouch-init: pid 1 for rich containers. main() is the list of steps:
 * block signals, parse the command line, become a subreaper when not
 * pid 1, start CMD, run the loop, exit with CMD's status.
 */
#include "init/log.h"
#include "init/loop.h"
#include "init/opts.h"
#include "run/spawn.h"
#include "init/super.h"
#include "run/state.h"
#include "handover/sysd.h"
#include "run/ctlcli.h"
#include "init/signames.h"
#include "config/config.h"
#include "hooks/hooks.h"
#include "services/budget.h"
#include "units/units.h"
#include "units/systemctl.h"
#include "config/nametab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef POUCH_VERSION
#define POUCH_VERSION "0.0.0"
#endif

#define EXIT_SETUP 125

extern char **environ;

static const char *basename_of(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* Not inlined: its message buffer is off main()'s frame once the
 * options are read (see COLD below). */
static __attribute__((noinline)) void parse_args(int argc, char **argv,
						 struct init_opts *o)
{
	char err[256];
	int r = opts_parse(argc, argv, environ, o, err, sizeof(err));

	if (r < 0) {
		log_errorx("%s (see --help)", err);
		exit(EXIT_SETUP);
	}
	if (r == OPTS_HELP) {
		fputs(opts_usage, stdout);
		exit(0);
	}
	if (r == OPTS_VERSION) {
		puts("pouch-init version " POUCH_VERSION);
		exit(0);
	}
	if (o->verbose)
		log_max_level = o->verbose > 1 ? LOG_LVL_DEBUG : LOG_LVL_INFO;
	if (o->mode == MODE_SBIN_INIT && sbin_kind("/sbin/init") == SBIN_NONE)
		fatalx(EXIT_SETUP, "mode sbin-init: the image has no /sbin/init");
	if (o->mode == MODE_SBIN_INIT && sbin_kind("/sbin/init") == SBIN_OTHER)
		fatalx(EXIT_SETUP, "mode sbin-init: /sbin/init is neither busybox init nor sysvinit (for systemd, use --mode systemd)");
	if (o->mode == MODE_SYSTEMD && access("/lib/systemd/systemd", X_OK) &&
	    access("/usr/lib/systemd/systemd", X_OK))
		fatalx(EXIT_SETUP, "mode systemd: the image has no /lib/systemd/systemd");
}

/* Warn when the services' stop_timeouts do not fit in the stop budget. */
static void check_budget(const char *dir, const struct cfg *cfg)
{
	char post[4096], msgs[8][256];
	struct budget b;
	size_t n;

	snprintf(post, sizeof(post), "%s/hooks/poststop.d", dir);
	budget_plan(cfg, hook_dir_used(post), &b);
	n = budget_problems(cfg, &b, msgs, 8);
	for (size_t i = 0; i < n; i++)
		log_warnx("%s", msgs[i]);
}

static char **add_word(char **v, const char *w)
{
	size_t n = cfg_count_words(v);
	char **nv = realloc(v, (n + 2) * sizeof(*nv));

	if (!nv || !(nv[n] = strdup(w)))
		fatalx(EXIT_SETUP, "out of memory");
	nv[n + 1] = NULL;
	return nv;
}

static void print_line(void *arg, const char *line)
{
	(void)arg;
	printf("%s\n", line);
}

static void tmpfiles_note(void *arg, const char *file, int line,
			  const char *msg)
{
	int *n = arg;

	if (!(*n)++)
		printf("tmpfiles.d:\n");
	if (line)
		printf("  %s:%d: %s\n", file, line, msg);
	else
		printf("  %s: %s\n", file, msg);
}

/* With [init] units = enabled: what the units make, and tmpfiles.d's
 * lines that will not be applied as written. */
static void check_units(struct cfg *cfg, const struct cfg_sources *src,
			char **units)
{
	struct tmpfiles_opts t = { .root = src->root, .boot = 1, .dry_run = 1,
				   .note = tmpfiles_note };
	int n = 0;

	for (char **u = units; u && *u; u++) {
		char name[300];
		int r;

		unit_name_mangle(*u, name, sizeof(name));
		if (strcmp(unit_name_type(name), "service")) {
			printf("unit %s: not run (only service units are)\n", name);
			continue;
		}
		r = units_load_one(cfg, src, name);
		if (r == -ENOENT)
			printf("unit %s: no service of it (not found, masked, a template, systemd's own, refused or stood in for: see above)\n",
			       name);
	}
	if (!cfg->init.units && !(units && *units))
		return;
	units_report(cfg, src, print_line, NULL);
	t.arg = &n;
	(void)units_tmpfiles(&t);
}

static void tmpfiles_err(void *arg, const char *file, int line,
			 const char *msg)
{
	(void)arg;
	if (line)
		fprintf(stderr, "%s:%d: %s\n", file, line, msg);
	else
		fprintf(stderr, "%s: %s\n", file, msg);
}

/* `pouch-init tmpfiles [--root DIR] [--boot] [--dry-run]`: what
 * systemd-tmpfiles --create --remove does with tmpfiles.d (a prestart
 * hook may run it): exit 1 when a line failed. */
static int cmd_tmpfiles(int argc, char **argv)
{
	struct tmpfiles_opts t = { .note = tmpfiles_err };
	char *excl[17] = { NULL };
	int r, nexcl = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--exclude-prefix") && i + 1 < argc && nexcl < 16) {
			excl[nexcl++] = argv[++i];
			continue;
		}
		if (!strncmp(argv[i], "--exclude-prefix=", 17) && nexcl < 16) {
			excl[nexcl++] = argv[i] + 17;
			continue;
		}
		if (!strcmp(argv[i], "--root") && i + 1 < argc)
			t.root = argv[++i];
		else if (!strncmp(argv[i], "--root=", 7))
			t.root = argv[i] + 7;
		else if (!strcmp(argv[i], "--boot"))
			t.boot = 1;
		else if (!strcmp(argv[i], "--dry-run"))
			t.dry_run = 1;
		else if (!strcmp(argv[i], "--quiet"))
			t.failures_only = 1;
		else {
			log_errorx("tmpfiles: unknown argument '%s' (usage: pouch-init tmpfiles [--root DIR] [--boot] [--dry-run] [--quiet] [--exclude-prefix PATH]...)",
				   argv[i]);
			return 2;
		}
	}
	t.exclude = excl;
	r = units_tmpfiles(&t);
	if (r < 0) {
		errno = -r;
		log_error("tmpfiles");
	}
	return r ? 1 : 0;
}

/* The steps that only some runs take have big buffers: kept out of
 * main()'s frame, which stays on the stack for pid 1's whole life, so
 * that those pages are not pid 1's private memory in every container. */
#define COLD __attribute__((noinline, cold))

/* `pouch-init check [-c DIR] [--root DIR]`: report every problem, exit 1
 * if any. With --root, an image's tree is checked from outside: its
 * config root (DIR/etc/pouch unless -c says), users, binaries and env
 * files all from that tree. */
static COLD int cmd_check(int argc, char **argv)
{
	const char *dir = getenv("POUCH_CONFIG_DIR"), *cdir = NULL;
	struct cfg_sources src = { 0 };
	char *rooted = NULL, **units = NULL;
	struct cfg cfg;
	int r;

	if (!dir || !*dir)
		dir = "/etc/pouch";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if ((!strcmp(a, "-c") || !strcmp(a, "--config")) && i + 1 < argc)
			cdir = argv[++i];
		else if (!strncmp(a, "--config=", 9))
			cdir = a + 9;
		else if (!strcmp(a, "--root") && i + 1 < argc)
			src.root = argv[++i];
		else if (!strncmp(a, "--root=", 7))
			src.root = a + 7;
		else if (!strcmp(a, "--unit") && i + 1 < argc)
			units = add_word(units, argv[++i]);
		else if (!strncmp(a, "--unit=", 7))
			units = add_word(units, a + 7);
		else {
			log_errorx("check: unknown argument '%s' (usage: pouch-init check [-c DIR] [--root DIR] [--unit NAME]...)",
				   a);
			cfg_free_words(units);
			return 2;
		}
	}
	if (cdir)
		dir = cdir;
	else if (src.root && asprintf(&rooted, "%s%s", src.root, dir) >= 0)
		dir = rooted;
	cfg_set_more(units_load_hook);
	r = cfg_load(dir, &src, &cfg);
	if (r == 0 || r == -EINVAL) {
		hook_check(&cfg, &src);
		cfg_check_files(&cfg, &src);
		if (!src.root) /* from outside, our privileges are not the container's */
			cfg_check_privileges(&cfg);
		r = cfg.nerrors ? -EINVAL : 0;
	}
	for (size_t i = 0; i < cfg.nerrors; i++)
		fprintf(stderr, "%s\n", cfg.errors[i]);
	if (r == 0 || r == -EINVAL)
		check_units(&cfg, &src, units);
	if (r == 0)
		check_budget(dir, &cfg);
	if (r == 0)
		printf("%s: %zu service%s, configuration OK\n", dir, cfg.nsvcs,
		       cfg.nsvcs == 1 ? "" : "s");
	else if (r != -EINVAL)
		fprintf(stderr, "%s: unable to load: %s\n", dir, strerror(-r));
	else
		fprintf(stderr, "%s: %zu error%s\n", dir, cfg.nerrors,
			cfg.nerrors == 1 ? "" : "s");
	cfg_free(&cfg);
	cfg_free_words(units);
	free(rooted);
	return r == 0 ? 0 : 1;
}

/* Anything in the config root? Checked without the heap, so that a
 * plain pid 1 (docker --init, no /etc/pouch) never allocates. */
static int config_present(const char *dir)
{
	NAMETAB_BEGIN
	static const char parts[][17] = { "init.ini", "services.d",
					  "hooks/prestart.d",
					  "hooks/poststop.d" };
	NAMETAB_END
	char path[512];

	for (size_t i = 0; i < sizeof(parts) / sizeof(*parts); i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     parts[i]) >= sizeof(path) ||
		    access(path, F_OK) == 0 ||
		    (errno != ENOENT && errno != ENOTDIR))
			return 1; /* one we may not read is loaded, and refused */
	}
	return 0;
}

static void load_config(const struct init_opts *o, struct cfg *cfg)
{
	int r;

	if (!config_present(o->config_dir))
		return; /* the defaults */
	r = cfg_load(o->config_dir, NULL, cfg);
	if (r == 0 || r == -EINVAL) {
		hook_check(cfg, NULL); /* refused at once, not at run time */
		if (o->mode == MODE_POUCH)
			cfg_check_privileges(cfg);
		r = cfg->nerrors ? -EINVAL : 0;
	}
	if (r == 0) {
		if (!o->verbose && cfg->init.log_level >= 0)
			log_max_level = (enum log_level)cfg->init.log_level;
		return;
	}
	for (size_t i = 0; i < cfg->nerrors; i++)
		log_errorx("%s", cfg->errors[i]);
	if (r == -EINVAL)
		fatalx(EXIT_SETUP, "%s: %zu configuration error%s; not starting",
		       o->config_dir, cfg->nerrors, cfg->nerrors == 1 ? "" : "s");
	errno = -r;
	log_error("unable to load %s", o->config_dir);
	exit(EXIT_SETUP);
}

static char *hook_dir(const struct init_opts *o, const char *phase)
{
	char *d;

	if (asprintf(&d, "%s/hooks/%s.d", o->config_dir, phase) < 0)
		fatalx(EXIT_SETUP, "out of memory");
	return d;
}

static int uses_hooks(const struct init_opts *o)
{
	char *pre = hook_dir(o, "prestart"), *post = hook_dir(o, "poststop");
	int used = hook_dir_used(pre) || hook_dir_used(post);

	free(pre);
	free(post);
	return used;
}


static int has_services(const struct init_opts *o)
{
	char *d;
	int used;

	if (asprintf(&d, "%s/services.d", o->config_dir) < 0)
		return 0;
	used = hook_dir_used(d);
	free(d);
	return used;
}


/* The poststop hooks alone, after a run that did not reach the services
 * (systemd mode: the users its units name are unknown). */
static void poststop_only(const struct init_opts *o, const struct sig_inherit *inh,
			  struct cfg *cfg, int sigfd, int code, const char *reason)
{
	char v1[64], v2[64];
	char *vars[] = { "POUCH_HOOK=poststop", v1, "POUCH_EXIT_SIGNAL=", v2,
			 "POUCH_KILLED=", NULL };
	struct super_plan plan = { .poststop = 1, .vars = vars };
	struct super_end e;

	snprintf(v1, sizeof(v1), "POUCH_EXIT_CODE=%d", code);
	snprintf(v2, sizeof(v2), "POUCH_STOP_REASON=%s", reason);
	(void)super_run(o, inh, cfg, sigfd, &plan, &e);
}

/* The units name their users by number: looked up now, after the
 * prestart hooks (which may have made them), as a start would. */
static int resolve_users(struct cfg *cfg)
{
	char why[4200];

	for (size_t i = 0; i < cfg->nsvcs; i++) {
		struct cfg_service *s = &cfg->svcs[i];

		if ((s->has_user || s->has_group) &&
		    cfg_resolve_user(NULL, s, why, sizeof(why)) < 0) {
			log_errorx("service %s: unable to start: %s", s->name,
				   why);
			return -1;
		}
	}
	return 0;
}

/* systemd and sbin-init modes: prestart hooks as pid 1 (the loop), then
 * register CMD and services.d with the image's init, then exec it. */
static COLD int systemd_main(const struct init_opts *o,
			const struct sig_inherit *inh, struct cfg *cfg, int sigfd)
{
	struct super_plan plan = { .prestart = 1, .poststop = 1 };
	char self[4096], state[256], **env = NULL;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct sysd_gen g = { "/run/systemd/system", state, self, NULL,
			      cfg->init.hook_timeout_ms };
	struct super_end e;
	int r;

	self[n > 0 ? n : 0] = '\0';
	if (state_dir_open(state_dir_configured(cfg->init.state_dir), state,
			   sizeof(state)) < 0)
		return EXIT_SETUP;
	if (!o->cmd)
		fatalx(EXIT_SETUP, "mode %s needs a CMD", opts_mode_name(o->mode));
	r = super_run(o, inh, cfg, sigfd, &plan, &e);
	if (r)
		return r; /* stopped, or aborted: the poststop hooks ran */
	if (cfg_env_merge(&env, environ) < 0 || cfg_env_merge(&env, plan.env) < 0)
		fatalx(EXIT_SETUP, "out of memory");
	cfg_free_words(plan.env);
	g.env = env;
	if (o->mode == MODE_SYSTEMD && resolve_users(cfg) < 0) {
		cfg_free_words(env);
		poststop_only(o, inh, cfg, sigfd, EXIT_SETUP, "service-failed");
		return EXIT_SETUP;
	}
	if (o->mode == MODE_SBIN_INIT) {
		if (cfg->nsvcs)
			log_warnx("mode sbin-init: services.d is not used; register services with the image's init");
		r = sbin_register(&g, o, sbin_kind("/sbin/init"));
	} else {
		r = sysd_write_units(&g, o, cfg);
	}
	cfg_free_words(env);
	if (r < 0) {
		errno = -r;
		if (o->mode == MODE_SBIN_INIT &&
		    (r == -EROFS || r == -EACCES || r == -EPERM))
			log_error("mode sbin-init: unable to write /etc/inittab, where CMD is registered with the image's init (this mode needs a writable /etc: not a read-only root filesystem)");
		else
			log_error("mode %s: unable to register CMD with the image's init",
				  opts_mode_name(o->mode));
		return EXIT_SETUP;
	}
	close(sigfd);
	sysd_exec(o, state);
	return EXIT_SETUP;
}

/* Prestart hooks, CMD and the services, poststop hooks: the rich
 * container, one loop from start to end. */
/* A directory that is there, made or not: 0 or -errno. */
static int make_dir(const char *path)
{
	return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -errno;
}

static int rich_main(const struct init_opts *o, const struct sig_inherit *inh,
		     struct cfg *cfg, int sigfd)
{
	struct super_plan plan = { .prestart = 1, .services = 1, .poststop = 1 };
	struct super_end e;

	/* units: the mark package scripts (deb-systemd-invoke, invoke-rc.d)
	 * look for before they ask systemctl to start what they install;
	 * pouch-init answers as systemctl */
	if (cfg->init.units &&
	    (make_dir("/run/systemd") < 0 || make_dir("/run/systemd/system") < 0))
		log_warn("units: unable to make /run/systemd/system");
	return super_run(o, inh, cfg, sigfd, &plan, &e);
}

/* dumb-init mode: the initscript alone, then CMD */
static COLD void initscript_only(const struct init_opts *o,
				 const struct sig_inherit *inh, struct cfg *cfg,
				 int sigfd)
{
	struct init_opts only = *o;
	struct super_plan plan = { .prestart = 1 };
	struct super_end e;
	int r;

	only.config_dir = "/nonexistent";
	r = super_run(&only, inh, cfg, sigfd, &plan, &e);
	if (r || plan.failures || plan.stop_signal)
		fatalx(plan.stop_signal ? 128 + plan.stop_signal : EXIT_SETUP,
		       "--initscript failed: not starting");
	for (char **ev = plan.env; ev && *ev; ev++) {
		char *kv = strdup(*ev);

		if (kv && putenv(kv) != 0)
			free(kv);
	}
	cfg_free_words(plan.env);
}

static void become_reaper(void)
{
	if (getpid() == 1)
		return;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		log_warn("unable to become a child subreaper");
	else
		log_info("not pid 1: running as a child subreaper");
}

int main(int argc, char **argv)
{
	static struct sig_inherit inh;
	struct init_opts opts;
	struct cfg cfg;
	sigset_t all;
	int r, sigfd;

	if (argc > 1 && strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "ctl") == 0)
		return ctl_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "tmpfiles") == 0)
		return cmd_tmpfiles(argc - 1, argv + 1);
	if (strcmp(basename_of(argv[0]), "pouchctl") == 0)
		return ctl_main(argc, argv);
	if (strcmp(basename_of(argv[0]), "systemctl") == 0)
		return systemctl_main(argc, argv);
	if (strcmp(basename_of(argv[0]), "service") == 0)
		return service_main(argc, argv);
	if (argc > 1 && strcmp(argv[1], "systemctl") == 0)
		return systemctl_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "service") == 0)
		return service_main(argc - 1, argv + 1);
	if (argc > 2 && strcmp(argv[1], "run-hooks") == 0 &&
	    strcmp(argv[2], "poststop") == 0)
		return sysd_poststop(argc - 2, argv + 2);
	if (argc > 1 && strcmp(argv[1], "exec-env") == 0)
		return sysd_exec_env(argc - 1, argv + 1);
	r = spawn_sig_setup(&inh, &all);
	if (r < 0) {
		errno = -r;
		log_error("unable to set up signals");
		return EXIT_SETUP;
	}
	parse_args(argc, argv, &opts);
	if (opts.mode == MODE_POUCH) /* systemd runs the units itself */
		cfg_set_more(units_load_hook);
	cfg_defaults(&cfg);
	if (opts.mode != MODE_DUMB_INIT)
		load_config(&opts, &cfg);
	if (opts.mode == MODE_DUMB_INIT && config_present(opts.config_dir) &&
	    (uses_hooks(&opts) || has_services(&opts)))
		log_warnx("mode dumb-init: %s (services.d, hooks) is ignored",
			  opts.config_dir);
	if (!opts.cmd && cfg.nsvcs == 0)
		fatalx(EXIT_SETUP, "no command given and no services in %s/services.d (see --help)",
		       opts.config_dir);
	become_reaper();
	sigfd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0) {
		log_error("unable to open a signalfd");
		return EXIT_SETUP;
	}
	if (opts.stop_timeout_ms >= 0)
		cfg.init.shutdown_timeout_ms = opts.stop_timeout_ms;
	if (opts.mode == MODE_SYSTEMD || opts.mode == MODE_SBIN_INIT) {
		r = systemd_main(&opts, &inh, &cfg, sigfd);
		cfg_free(&cfg);
		return r;
	}
	if (opts.mode == MODE_POUCH &&
	    (cfg.nsvcs > 0 || opts.initscript ||
	     (config_present(opts.config_dir) && uses_hooks(&opts)))) {
		r = rich_main(&opts, &inh, &cfg, sigfd);
		cfg_free(&cfg);
		return r;
	}
	if (opts.initscript)
		initscript_only(&opts, &inh, &cfg, sigfd);
	{
		/* CMD alone, in the same loop */
		struct super_plan plan = { .plain = 1 };
		struct super_end e;

		if (opts.mode != MODE_DUMB_INIT || opts.stop_timeout_ms >= 0)
			plan.stop_timeout_ms = cfg.init.shutdown_timeout_ms;
		r = super_run(&opts, &inh, &cfg, sigfd, &plan, &e);
		cfg_free(&cfg);
		return r;
	}
}
