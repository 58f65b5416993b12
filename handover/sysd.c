// SPDX-License-Identifier: MIT
/*
 * systemd mode: translate CMD and services.d into units, relay CMD's
 * output to the container's stdout and stderr, exec systemd. Which INI
 * key becomes which unit key is in docs/MODES.md.
 */
#include "handover/sysd.h"
#include "init/log.h"
#include "init/signames.h"
#include "config/values.h"
#include "hooks/hooks.h"
#include "run/spawn.h"
#include "init/super.h"
#include "config/nametab.h"

#include <ctype.h>
#include <errno.h>
#include <sys/signalfd.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *sysd_quote(const char *w)
{
	char *out = malloc(strlen(w) * 2 + 3), *o = out;

	if (!out)
		return NULL;
	*o++ = '"';
	for (; *w; w++) {
		if (*w == '"' || *w == '\\')
			*o++ = '\\';
		else if (*w == '$' || *w == '%')
			*o++ = *w; /* $$ and %% are literal */
		if (*w == '\n') {
			*o++ = '\\';
			*o++ = 'n';
			continue;
		}
		*o++ = *w;
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

static void put_words(FILE *f, const char *key, char *const *argv)
{
	fprintf(f, "%s=", key);
	for (size_t i = 0; argv && argv[i]; i++) {
		char *q = sysd_quote(argv[i]);

		fprintf(f, "%s%s", i ? " " : "", q ? q : "\"\"");
		free(q);
	}
	fputc('\n', f);
}

/* A name systemd passes on: letters, digits and '_', not starting with
 * a digit (its env_name_is_valid). */
static int systemd_name(const char *kv)
{
	const char *eq = strchr(kv, '=');

	if (!eq || eq == kv || (kv[0] >= '0' && kv[0] <= '9'))
		return 0;
	for (const char *p = kv; p < eq; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return 0;
	return 1;
}

/* An EnvironmentFile= for systemd: KEY="VALUE" with \, ", $ and `
 * escaped (what its parser unescapes inside double quotes; newlines
 * stay as they are), mode 0600: only root (systemd) reads it, and unlike
 * Environment= lines in a unit it is not shown by `systemctl show`. */
static int write_env_file(const char *path, char *const *env, const char *who)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	FILE *f;

	if (fd < 0 || fchmod(fd, 0600) < 0) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -errno;
	}
	for (size_t i = 0; env && env[i]; i++) {
		const char *eq = strchr(env[i], '=');

		if (!systemd_name(env[i])) {
			log_warnx("%s: systemd cannot pass the variable '%.*s' (a name of letters, digits and _ only): not set",
				  who, eq ? (int)(eq - env[i]) : (int)strlen(env[i]), env[i]);
			continue;
		}
		fprintf(f, "%.*s=\"", (int)(eq - env[i]), env[i]);
		for (const char *p = eq + 1; *p; p++) {
			if (strchr("\\\"$`", *p))
				fputc('\\', f);
			fputc(*p, f);
		}
		fputs("\"\n", f);
	}
	return fclose(f) == 0 ? 0 : -errno;
}

static void put_deps(FILE *f, const char *key, char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		fprintf(f, "%s=pouch-%s.service\n", key, names[i]);
}

static const char *restart_name(enum cfg_restart r)
{
	return r == RESTART_ALWAYS ? "always" : r == RESTART_ON_FAILURE ? "on-failure" : "no";
}

static void put_output(FILE *f, const char *key, const struct cfg_output *o)
{
	switch (o->kind) {
	case OUT_NULL:
		fprintf(f, "%s=null\n", key);
		break;
	case OUT_FILE:
		fprintf(f, "%s=append:%s\n", key, o->path);
		break;
	case OUT_JOURNAL:
		fprintf(f, "%s=journal\n", key);
		break;
	default:
		fprintf(f, "%s=journal+console\n", key);
		break;
	}
}

NAMETAB_BEGIN
static const char rlimit_keys[CFG_NRLIMITS][16] = {
	"LimitNOFILE", "LimitNPROC", "LimitCORE", "LimitMEMLOCK", "LimitAS",
	"LimitCPU", "LimitFSIZE", "LimitDATA", "LimitSTACK", "LimitRSS",
	"LimitLOCKS", "LimitSIGPENDING", "LimitMSGQUEUE", "LimitNICE",
	"LimitRTPRIO", "LimitRTTIME",
};
NAMETAB_END

static void put_caps(FILE *f, const char *key, const struct cfg_service *s)
{
	fprintf(f, "%s=", key);
	for (size_t i = 0; i < s->ncaps; i++) {
		char name[CFG_CAP_NAME_MAX];

		cfg_cap_name(s->caps[i], name);
		for (char *p = name; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		fprintf(f, "%s%s", i ? " " : "", name);
	}
	fputc('\n', f);
}

static void put_service_body(FILE *f, const struct cfg_service *s)
{
	NAMETAB_BEGIN
	static const char types[][8] = { "simple", "forking", "oneshot",
					 "notify" };
	NAMETAB_END
	char buf[16];

	fprintf(f, "Type=%s\n", s->ready == READY_NOTIFY ? "notify" : types[s->type]);
	if (s->type == TYPE_ONESHOT)
		fprintf(f, "RemainAfterExit=yes\n");
	if (s->pidfile)
		fprintf(f, "PIDFile=%s\n", s->pidfile);
	put_words(f, "ExecStart", s->argv);
	if (s->has_user)
		fprintf(f, "User=%u\n", (unsigned)s->uid);
	if (s->has_group || s->has_user)
		fprintf(f, "Group=%u\n", (unsigned)s->gid);
	if (s->workdir)
		fprintf(f, "WorkingDirectory=%s\n", s->workdir);

	if (s->has_umask)
		fprintf(f, "UMask=%04o\n", (unsigned)s->umask);
	if (s->type != TYPE_ONESHOT || s->has_restart)
		fprintf(f, "Restart=%s\n", restart_name(s->restart));
	fprintf(f, "RestartSec=%lldms\n", (long long)s->restart_delay_ms);
	fprintf(f, "TimeoutStartSec=%lldms\n", (long long)s->ready_timeout_ms);
	fprintf(f, "KillSignal=SIG%s\n", sig_name(s->stop_signal, buf, sizeof(buf)));
	fprintf(f, "TimeoutStopSec=%lldms\n", (long long)s->stop_timeout_ms);
	fprintf(f, "ExecReload=/bin/kill -%s $MAINPID\n",
		sig_name(s->reload_signal, buf, sizeof(buf)));
	put_output(f, "StandardOutput", &s->out);
	put_output(f, "StandardError", &s->err);
	if (s->has_caps) {
		put_caps(f, "CapabilityBoundingSet", s);
		if (s->has_user && s->uid != 0)
			put_caps(f, "AmbientCapabilities", s);
	}
	if (s->no_new_privs)
		fprintf(f, "NoNewPrivileges=yes\n");
	for (int i = 0; s->rlimits && i < CFG_NRLIMITS; i++) {
		const struct cfg_rlimit *rl = &s->rlimits[i];

		if (!rl->set)
			continue;
		fprintf(f, "%s=", rlimit_keys[i]);
		if (rl->lim.rlim_cur == RLIM_INFINITY)
			fprintf(f, "infinity");
		else
			fprintf(f, "%llu", (unsigned long long)rl->lim.rlim_cur);
		if (rl->lim.rlim_max == RLIM_INFINITY)
			fprintf(f, ":infinity\n");
		else
			fprintf(f, ":%llu\n", (unsigned long long)rl->lim.rlim_max);
	}
}

/* The container's environment (with the prestart hooks' additions),
 * then the service's env_file (read by systemd at each start, with its
 * own rules), then the service's env: the order pouch mode uses. */
static int put_env_files(FILE *f, const struct sysd_gen *g,
			 const struct cfg_service *s)
{
	char path[4096], who[300];
	int r;

	fprintf(f, "EnvironmentFile=%s/env/container.env\n", g->state_dir);
	if (!s)
		return 0;
	if (s->env_file)
		fprintf(f, "EnvironmentFile=%s\n", s->env_file);
	if (!s->env)
		return 0;
	snprintf(path, sizeof(path), "%s/env/%s.env", g->state_dir, s->name);
	snprintf(who, sizeof(who), "service %s", s->name);
	r = write_env_file(path, s->env, who);
	if (r == 0)
		fprintf(f, "EnvironmentFile=%s\n", path);
	return r;
}

static int write_service(const struct sysd_gen *g, const struct cfg_service *s)
{
	char path[4096];
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/pouch-%s.service", g->unit_dir, s->name);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	fprintf(f, "# generated by pouch-init from %s\n[Unit]\nDescription=%s (pouch-init services.d)\n",
		s->file, s->name);
	put_deps(f, "After", s->after);
	put_deps(f, "Wants", s->after);
	put_deps(f, "After", s->requires);
	put_deps(f, "Requires", s->requires);
	fprintf(f, "StartLimitBurst=%d\nStartLimitIntervalSec=%lldms\n",
		s->start_limit, (long long)s->start_limit_window_ms);
	if (s->essential)
		fprintf(f, "FailureAction=exit\nFailureActionExitStatus=1\n");
	fprintf(f, "\n[Service]\n");
	put_service_body(f, s);
	r = put_env_files(f, g, s);
	fprintf(f, "\n[Install]\nWantedBy=multi-user.target\n");
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	return r;
}

static int write_cmd(const struct sysd_gen *g, const struct init_opts *o,
		     const struct cfg *cfg)
{
	char path[4096], cwd[4096], buf[16], ms[32];
	char *post[] = { (char *)g->self, "run-hooks", "poststop", "-c",
			 (char *)o->config_dir, "-t", ms, NULL };
	FILE *f;

	snprintf(ms, sizeof(ms), "%lldms", (long long)g->hook_timeout_ms);
	snprintf(path, sizeof(path), "%s/pouch-cmd.service", g->unit_dir);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	fprintf(f, "# generated by pouch-init: the image's CMD\n[Unit]\nDescription=CMD (pouch-init)\n");
	put_deps(f, "After", cfg->init.cmd_after);
	put_deps(f, "Wants", cfg->init.cmd_after);
	fprintf(f, "SuccessAction=exit\nFailureAction=exit\n\n[Service]\nType=exec\n");
	put_words(f, "ExecStart", o->cmd);
	(void)put_env_files(f, g, NULL);
	if (getcwd(cwd, sizeof(cwd)))
		fprintf(f, "WorkingDirectory=%s\n", cwd);
	if (getuid() != 0)
		fprintf(f, "User=%u\nGroup=%u\n", (unsigned)getuid(), (unsigned)getgid());
	fprintf(f, "KillSignal=SIG%s\nTimeoutStopSec=%lldms\n",
		sig_name(cfg->init.cmd_stop_signal, buf, sizeof(buf)),
		(long long)cfg->init.shutdown_timeout_ms);
	fprintf(f, "StandardInput=null\nStandardOutput=file:%s/cmd.stdout\n"
		   "StandardError=file:%s/cmd.stderr\n", g->state_dir, g->state_dir);
	put_words(f, "ExecStopPost", post);
	fprintf(f, "\n[Install]\nWantedBy=multi-user.target\n");
	return fclose(f) == 0 ? 0 : -errno;
}

static int want(const char *dir, const char *unit)
{
	char link[4096], target[4096];

	snprintf(link, sizeof(link), "%s/multi-user.target.wants/%s", dir, unit);
	snprintf(target, sizeof(target), "%s/%s", dir, unit);
	(void)unlink(link);
	return symlink(target, link) < 0 ? -errno : 0;
}

/* STATE/env, root's alone: the environment files of the units. */
static int make_env_dir(const struct sysd_gen *g)
{
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s/env", g->state_dir);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	return chmod(dir, 0700) < 0 ? -errno : 0;
}

int sysd_write_units(const struct sysd_gen *g, const struct init_opts *o,
		     const struct cfg *cfg)
{
	char wants[4096], unit[256], path[4096];
	int r;

	snprintf(wants, sizeof(wants), "%s/multi-user.target.wants", g->unit_dir);
	snprintf(path, sizeof(path), "%s/env/container.env", g->state_dir);
	(void)mkdir("/run/systemd", 0755);
	(void)mkdir(g->unit_dir, 0755);
	if (mkdir(wants, 0755) < 0 && errno != EEXIST)
		return -errno;
	r = make_env_dir(g);
	if (r == 0)
		r = write_env_file(path, g->env, "CMD and services");
	if (r < 0)
		return r;
	for (size_t i = 0; i < cfg->nsvcs; i++) {
		r = write_service(g, &cfg->svcs[i]);
		snprintf(unit, sizeof(unit), "pouch-%s.service", cfg->svcs[i].name);
		if (r == 0 && cfg->svcs[i].enabled)
			r = want(g->unit_dir, unit);
		if (r < 0)
			return r;
	}
	r = write_cmd(g, o, cfg);
	return r < 0 ? r : want(g->unit_dir, "pouch-cmd.service");
}

/* A child that copies what CMD writes into the two FIFOs to the
 * container's stdout and stderr, with pid 1's own loop (whole lines, no
 * blocking); it outlives the exec of systemd, which reaps it, and ends
 * on systemd-shutdown's SIGTERM (with its mask of all signals blocked it
 * would have held systemd-shutdown 90 s). */
static int start_relay(const struct init_opts *o, const char *dir)
{
	char out[256], err[256];
	struct super_plan plan = { .relay = { out, err } };
	struct super_end end;
	struct sig_inherit inh;
	struct cfg cfg;
	sigset_t mine;
	pid_t pid;
	int sigfd;

	snprintf(out, sizeof(out), "%s/cmd.stdout", dir);
	snprintf(err, sizeof(err), "%s/cmd.stderr", dir);
	(void)mkdir(dir, 0755);
	(void)unlink(out);
	(void)unlink(err);
	if (mkfifo(out, 0600) < 0 || mkfifo(err, 0600) < 0)
		return -errno;
	pid = fork();
	if (pid != 0)
		return pid < 0 ? -errno : 0;
	(void)setsid(); /* not in CMD's way, nor in its terminal's */
	sigemptyset(&inh.mask);
	sigemptyset(&inh.ignored);
	sigemptyset(&mine);
	sigaddset(&mine, SIGTERM);
	sigaddset(&mine, SIGINT);
	sigaddset(&mine, SIGHUP);
	sigaddset(&mine, SIGCHLD);
	(void)sigprocmask(SIG_SETMASK, &mine, NULL);
	sigfd = signalfd(-1, &mine, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0)
		_exit(1);
	cfg_defaults(&cfg);
	(void)super_run(o, &inh, &cfg, sigfd, &plan, &end);
	_exit(0);
}

void sysd_exec(const struct init_opts *o, const char *relay_dir)
{
	NAMETAB_BEGIN
	static const char systemd[][25] = {
		"/lib/systemd/systemd", "/usr/lib/systemd/systemd",
	};
	NAMETAB_END
	sigset_t none;

	sigemptyset(&none);
	if (o->mode == MODE_SYSTEMD && start_relay(o, relay_dir) < 0)
		log_warn("unable to relay CMD's output");
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	for (size_t i = 0; o->mode == MODE_SYSTEMD && i < NAMETAB_LEN(systemd); i++)
		if (access(systemd[i], X_OK) == 0)
			execl(systemd[i], systemd[i], (char *)NULL);
	if (o->mode == MODE_SBIN_INIT && access("/sbin/init", X_OK) == 0)
		execl("/sbin/init", "/sbin/init", (char *)NULL);
	log_error("mode %s: unable to exec the image's init",
		  opts_mode_name(o->mode));
}

int sysd_poststop(int argc, char **argv)
{
	const char *code = getenv("EXIT_CODE"), *status = getenv("EXIT_STATUS");
	char v1[64], v2[64], v3[64], *vars[] = { "POUCH_HOOK=poststop", v1, v2, v3, NULL };
	struct init_opts o = { .config_dir = "/etc/pouch" };
	struct super_plan plan = { .poststop = 1, .vars = vars };
	struct super_end end;
	struct sig_inherit inh;
	sigset_t block;
	struct cfg cfg;
	int sig = 0, ec = 0, sigfd, r;

	plan.hook_timeout_ms = 30000;
	for (int i = 1; i + 1 < argc; i++) {
		if (!strcmp(argv[i], "-c"))
			o.config_dir = argv[i + 1];
		if (!strcmp(argv[i], "-t") &&
		    cfg_parse_duration_ms(argv[i + 1], &plan.hook_timeout_ms) < 0)
			plan.hook_timeout_ms = 30000;
	}
	if (code && strcmp(code, "exited") == 0 && status)
		ec = atoi(status);
	else if (code && status && (sig = sig_parse(status, 0)) > 0)
		ec = 128 + sig;
	snprintf(v1, sizeof(v1), "POUCH_EXIT_CODE=%d", ec);
	snprintf(v2, sizeof(v2), "POUCH_EXIT_SIGNAL=%s", sig > 0 ? status : "");
	snprintf(v3, sizeof(v3), "POUCH_STOP_REASON=%s",
		 code && strcmp(code, "exited") ? "signal" : "cmd-exited");
	/* run by systemd, not pid 1: only SIGCHLD is ours to read */
	sigemptyset(&inh.mask);
	sigemptyset(&inh.ignored);
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	(void)sigprocmask(SIG_BLOCK, &block, NULL);
	sigfd = signalfd(-1, &block, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0)
		return 1;
	cfg_defaults(&cfg);
	r = super_run(&o, &inh, &cfg, sigfd, &plan, &end);
	close(sigfd);
	cfg_free(&cfg);
	return r ? 1 : 0;
}

/* A word in single quotes for /bin/sh. */
static void sh_word(FILE *f, const char *w)
{
	fputc('\'', f);
	for (; *w; w++) {
		if (*w == '\'')
			fputs("'\\''", f);
		else
			fputc(*w, f);
	}
	fputc('\'', f);
}

/* Whether the file holds the text. */
static int file_has(const char *path, const char *text)
{
	char buf[65536];
	size_t tlen = strlen(text), keep = 0, n;
	FILE *f = fopen(path, "re");
	int found = 0;

	if (!f)
		return 0;
	while (!found && (n = fread(buf + keep, 1, sizeof(buf) - keep, f)) > 0) {
		n += keep;
		found = memmem(buf, n, text, tlen) != NULL;
		keep = n < tlen ? n : tlen - 1;
		memmove(buf, buf + n - keep, keep);
	}
	fclose(f);
	return found;
}

enum sbin_kind sbin_kind(const char *path)
{
	char target[4096];
	ssize_t n;

	if (access(path, X_OK))
		return SBIN_NONE;
	n = readlink(path, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		if (strstr(target, "busybox"))
			return SBIN_BUSYBOX;
	}
	/* sysvinit's control FIFO: /run/initctl, /dev/initctl before 2.89 */
	return file_has(path, "/run/initctl") || file_has(path, "/dev/initctl")
		       ? SBIN_SYSVINIT : SBIN_OTHER;
}

/* "SELF run-hooks poststop -c DIR -t MS" and a newline. */
static void put_run_poststop(FILE *f, const struct sysd_gen *g,
			     const struct init_opts *o)
{
	sh_word(f, g->self);
	fputs(" run-hooks poststop -c ", f);
	sh_word(f, o->config_dir);
	fprintf(f, " -t %lldms\n", (long long)g->hook_timeout_ms);
}

/* Make a written script root's alone (its env is CMD's) and close it. */
static int finish_script(FILE *f)
{
	if (fchmod(fileno(f), 0700) < 0) {
		fclose(f);
		return -errno;
	}
	return fclose(f) == 0 ? 0 : -errno;
}

/* The script the image's init runs when it shuts down for another reason
 * than CMD's exit (a signal from outside): the poststop hooks, unless
 * CMD's script ran them already. The signal is the init's own stop
 * signal (TERM for busybox init, INT for sysvinit's ctrl-alt-del). */
static int write_poststop_script(const char *path, const char *done,
				 const struct sysd_gen *g,
				 const struct init_opts *o, enum sbin_kind kind)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return -errno;
	fprintf(f, "#!/bin/sh\n# generated by pouch-init (sbin-init mode): poststop hooks at shutdown\n[ -e ");
	sh_word(f, done);
	fputs(" ] && exit 0\n: >", f);
	sh_word(f, done);
	fprintf(f, "\nEXIT_CODE=killed EXIT_STATUS=%s exec ",
		kind == SBIN_SYSVINIT ? "INT" : "TERM");
	put_run_poststop(f, g, o);
	return finish_script(f);
}

/* The environment for `exec-env`: KEY=VALUE entries, each ended by a NUL
 * byte, so that any name and value (a.b, newlines) passes. 0600. */
static int write_nul_env(const char *path, char *const *env)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	int r = 0;

	if (fd < 0 || fchmod(fd, 0600) < 0) {
		r = -errno;
		goto out;
	}
	for (size_t i = 0; env && env[i] && r == 0; i++)
		if (write(fd, env[i], strlen(env[i]) + 1) != (ssize_t)strlen(env[i]) + 1)
			r = -EIO;
out:
	if (fd >= 0 && close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

/* The script the image's init runs once: CMD with its env (through
 * `pouch-init exec-env`, so that no shell has to take the names), then
 * the poststop hooks, then the init's own way to shut down. */
static int write_cmd_script(const char *path, const char *envfile,
			    const char *done, const struct sysd_gen *g,
			    const struct init_opts *o, enum sbin_kind kind)
{
	char cwd[4096];
	FILE *f = fopen(path, "we");

	if (!f)
		return -errno;
	fprintf(f, "#!/bin/sh\n# generated by pouch-init (sbin-init mode): the image's CMD\n");
	if (getcwd(cwd, sizeof(cwd))) {
		fputs("cd ", f);
		sh_word(f, cwd);
		fputc('\n', f);
	}
	sh_word(f, g->self);
	fputs(" exec-env ", f);
	sh_word(f, envfile);
	fputs(" --", f);
	for (size_t i = 0; o->cmd[i]; i++) {
		fputc(' ', f);
		sh_word(f, o->cmd[i]);
	}
	/* pouch-runc rich-run gives a directory to take CMD's status back:
	 * the container's own ends with reboot(2)'s SIGINT or SIGHUP */
	fputs("\nrc=$?\n[ -d /.pouch/status ] && echo \"$rc\" >/.pouch/status/cmd\n: >", f);
	sh_word(f, done);
	fputs("\nEXIT_CODE=exited EXIT_STATUS=$rc ", f);
	put_run_poststop(f, g, o);
	/* busybox init: SIGUSR2 is poweroff. sysvinit: runlevel 0, whose
	 * scripts stop the services and halt */
	fputs(kind == SBIN_SYSVINIT ? "/sbin/telinit 0\nexit $rc\n"
				    : "kill -USR2 1\nexit $rc\n", f);
	return finish_script(f);
}

/* Register CMD in /etc/inittab as a `once` action, and the poststop
 * script as a shutdown action, replacing earlier registrations.
 * busybox: `::once:` and `::shutdown:`; a missing inittab is created with
 * just those lines. sysvinit: ids `pcmd` (runlevels 2 to 5, last, after
 * the runlevel's rc) and `pstp` (runlevels 0 and 6, first, before their
 * rc halts); a missing inittab gets a default runlevel and a halting
 * runlevel 0 too. */
int sbin_register(const struct sysd_gen *g, const struct init_opts *o,
		  enum sbin_kind kind)
{
	const char *mark = "# pouch-init CMD";
	char script[4096], post[4096], envfile[4096], done[4096], line[4096];
	FILE *in, *out;
	int r, sysv = kind == SBIN_SYSVINIT;

	snprintf(script, sizeof(script), "%s/cmd.sh", g->state_dir);
	snprintf(post, sizeof(post), "%s/poststop.sh", g->state_dir);
	snprintf(envfile, sizeof(envfile), "%s/cmd.env", g->state_dir);
	snprintf(done, sizeof(done), "%s/poststop.done", g->state_dir);
	(void)unlink(done);
	r = write_nul_env(envfile, g->env);
	if (r == 0)
		r = write_cmd_script(script, envfile, done, g, o, kind);
	if (r == 0)
		r = write_poststop_script(post, done, g, o, kind);
	if (r < 0)
		return r;
	out = fopen("/etc/inittab.pouch-new", "we");
	if (!out)
		return -errno;
	in = fopen("/etc/inittab", "re");
	if (sysv)
		fprintf(out, "pstp:06:wait:%s\n", post);
	if (!in && sysv)
		fputs("id:2:initdefault:\npz:0:wait:/sbin/halt -f -p\n", out);
	while (in && fgets(line, sizeof(line), in))
		if (sysv ? strncmp(line, "pcmd:", 5) && strncmp(line, "pstp:", 5)
			 : !strstr(line, mark))
			fputs(line, out);
	if (in)
		fclose(in);
	if (sysv) {
		fprintf(out, "pcmd:2345:once:%s\n", script);
	} else {
		fprintf(out, "::shutdown:%s %s\n", post, mark);
		fprintf(out, "::once:%s %s\n", script, mark);
	}
	if (fclose(out) != 0 || rename("/etc/inittab.pouch-new", "/etc/inittab") < 0)
		return -errno;
	return 0;
}

/* The whole of a NUL-separated env file; NULL with errno set. */
static char *read_nul_env(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	char *text = NULL;
	ssize_t n = -1;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < (8 << 20) &&
	    (text = malloc((size_t)st.st_size + 1)))
		n = read(fd, text, (size_t)st.st_size);
	close(fd);
	if (n < 0) {
		free(text);
		return NULL;
	}
	text[n] = '\0';
	*len = (size_t)n;
	return text;
}

/* `pouch-init exec-env FILE -- CMD...`: exec CMD with exactly the
 * environment in FILE (see write_nul_env), searching PATH from it. */
int sysd_exec_env(int argc, char **argv)
{
	char *text, **env;
	size_t len, n = 0, k = 0;
	int err;

	if (argc < 4 || strcmp(argv[2], "--")) {
		log_errorx("usage: pouch-init exec-env FILE -- CMD [ARG...]");
		return 125;
	}
	text = read_nul_env(argv[1], &len);
	if (!text) {
		log_error("exec-env: unable to read %s", argv[1]);
		return 125;
	}
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\0';
	env = calloc(n + 1, sizeof(*env));
	if (!env) {
		free(text);
		return 125;
	}
	for (size_t i = 0; i < len; i += strlen(text + i) + 1)
		env[k++] = text + i;
	for (size_t i = 0; i < k; i++)
		if (!strncmp(env[i], "PATH=", 5))
			(void)setenv("PATH", env[i] + 5, 1);
	execvpe(argv[3], argv + 3, env);
	err = errno;
	log_error("unable to exec %s", argv[3]);
	free(env);
	free(text);
	return spawn_exec_status(err);
}
