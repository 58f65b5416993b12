/* SPDX-License-Identifier: MIT */
/*
 * The configuration root: init.ini and services.d/NAME.ini, loaded with
 * inih into typed structs. Every problem is collected as "FILE:LINE:
 * message" so that `pouch-init check` can report all of them at once.
 * Users and groups are resolved from the container's own /etc/passwd and
 * /etc/group (no NSS).
 */
#ifndef POUCH_CONFIG_H
#define POUCH_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>

enum cfg_type { TYPE_SIMPLE = 0, TYPE_FORKING, TYPE_ONESHOT, TYPE_NOTIFY };
/* The last four come from units (systemd's Restart=), with systemd's
 * meanings, after a main process exit that was not asked for (clean: exit
 * 0 or a status in success_status, or SIGHUP, SIGINT, SIGTERM, SIGPIPE
 * for a service that is not a oneshot; see systemd.service(5)'s table):
 *   on-success   restart only after a clean exit
 *   on-abnormal  after a signal that is not clean, a start or stop
 *                timeout (not after any exit status)
 *   on-abort     after a signal that is not clean (a core dump, SIGKILL)
 *   on-watchdog  never here (no watchdog): as never
 * restart_prevent wins over all of them; restart_force restarts on top. */
enum cfg_restart { RESTART_ALWAYS = 0, RESTART_ON_FAILURE, RESTART_NEVER,
		   RESTART_ON_SUCCESS, RESTART_ON_ABNORMAL, RESTART_ON_ABORT,
		   RESTART_ON_WATCHDOG };
enum cfg_ready { READY_NONE = 0, READY_NOTIFY, READY_TCP, READY_FILE,
		 READY_EXEC };
enum cfg_out { OUT_PREFIX = 0, OUT_INHERIT, OUT_NULL, OUT_FILE, OUT_JOURNAL };
enum cfg_prestart_failure { PRESTART_ABORT = 0, PRESTART_CONTINUE };
/* systemd's KillMode=: who gets the stop signal, who the final SIGKILL */
enum cfg_kill_mode { KILL_GROUP = 0, KILL_MIXED, KILL_PROCESS };

/* rlimits[]: 0 nofile, 1 nproc, 2 core, 3 memlock, 4 as (services.d
 * and units), then from units only: 5 cpu, 6 fsize, 7 data, 8 stack,
 * 9 rss, 10 locks, 11 sigpending, 12 msgqueue, 13 nice, 14 rtprio,
 * 15 rttime. Each entry names its own resource. */
#define CFG_NRLIMITS 16

struct cfg_rlimit {
	int set;
	int resource;
	struct rlimit lim;
};

struct cfg_output {
	enum cfg_out kind;
	char *path;
};

/* Where a service comes from. */
enum cfg_origin {
	ORIGIN_SERVICES_D = 0,	/* services.d/NAME.ini */
	ORIGIN_UNIT,		/* a systemd unit (units/) */
	ORIGIN_SYSV,		/* an /etc/init.d script with no unit (units/sysv.c) */
};

/* The prefixes of a unit's command lines (systemd.service(5), "Command
 * lines"), in cfg_cmd.flags and cfg_service.exec_flags. */
#define CFG_EXEC_IGNORE	  0x01	/* '-': a failure (exit status, signal,
				 * missing program) counts as success */
#define CFG_EXEC_ARGV0	  0x02	/* '@': argv[0] is the file to execute,
				 * argv[1] what the program gets as its
				 * argv[0], argv[2]... its arguments */
#define CFG_EXEC_PRIV	  0x04	/* '+': runs as root with pid 1's own
				 * privileges: no user, group, capability
				 * sets, no_new_privs (the other settings
				 * apply) */
#define CFG_EXEC_NOSETUID 0x08	/* '!': user, group and supplementary
				 * groups are not applied (runs as root);
				 * the capability settings are. ('!!' is
				 * accepted and means nothing here: every
				 * kernel has ambient capabilities) */
#define CFG_EXEC_EXPAND	  0x10	/* $VAR and ${VAR} are expanded in the
				 * arguments at each start, with the
				 * command's environment: set on unit
				 * lines without ':'; units_expand_argv()
				 * (units/units.h) does it */

/* One command of a unit: ExecStartPre= and the like. The words are
 * unquoted and their specifiers (%n, %i ...) resolved; $VAR is left for
 * the start (CFG_EXEC_EXPAND). */
struct cfg_cmd {
	char **argv;		/* NULL-terminated; argv[0] the program:
				 * an absolute path or a bare name, looked
				 * for as systemd does (units_exec_path) */
	unsigned flags;		/* CFG_EXEC_* */
	char *file;		/* where it was set, for messages */
	int line;
};

struct cfg_cmds {
	struct cfg_cmd *v;
	size_t n;
};

/* A set of exit statuses and signals (SuccessExitStatus= and friends). */
struct cfg_status_set {
	uint8_t code[32];	/* bit n: exit status n (0..255) */
	uint64_t sigs;		/* bit n-1: killed by signal n (1..64) */
};

/* Unit dependencies between services (names of services: a unit
 * nginx.service is the service nginx; links to what is not a service
 * of this configuration, targets included, are dropped at load and
 * reported by check). */
enum cfg_dir_kind { DIR_RUNTIME = 0, DIR_STATE, DIR_CACHE, DIR_LOGS,
		    DIR_CONFIG, CFG_NDIRS };

/* RuntimeDirectory= and friends: names relative to /run, /var/lib,
 * /var/cache, /var/log, /etc. */
struct cfg_dirs {
	char **names;		/* NULL: none */
	mode_t mode;		/* *DirectoryMode=; default 0755 */
};

/* Condition*= and Assert*= of a unit (evaluated by units_conditions()). */
enum cfg_cond_kind {
	COND_PATH_EXISTS = 0, COND_PATH_EXISTS_GLOB, COND_PATH_IS_DIRECTORY,
	COND_PATH_IS_SYMBOLIC_LINK, COND_PATH_IS_MOUNT_POINT,
	COND_PATH_IS_READ_WRITE, COND_DIRECTORY_NOT_EMPTY,
	COND_FILE_NOT_EMPTY, COND_FILE_IS_EXECUTABLE, COND_USER, COND_GROUP,
	COND_VIRTUALIZATION, COND_CAPABILITY, COND_KERNEL_COMMAND_LINE,
	COND_HOST, COND_ARCHITECTURE, COND_ENVIRONMENT, COND_SECURITY,
	COND_FIRST_BOOT, COND_NEEDS_UPDATE, COND_AC_POWER,
	COND_CONTROL_GROUP_CONTROLLER, COND_KERNEL_VERSION, COND_OS_RELEASE,
	COND_PATH_IS_ENCRYPTED, COND_CREDENTIAL, COND_MEMORY, COND_CPUS,
	COND_CPU_FEATURE, COND_FIRMWARE, COND_CPU_PRESSURE,
	COND_MEMORY_PRESSURE, COND_IO_PRESSURE,
};

struct cfg_cond {
	enum cfg_cond_kind kind;
	int assert;		/* Assert*=: a failure fails the start */
	int negate;		/* '!' */
	int trigger;		/* '|': at least one of the '|' ones must hold */
	char *arg;		/* after '|' and '!', specifiers resolved */
	char *file;
	int line;
};

struct cfg_service {
	char *name;
	char *file;
	int line;		/* of [service], for messages */
	char **argv;		/* exec */
	int exec_line, env_file_line; /* where they were set, for messages */
	enum cfg_type type;
	char *pidfile;
	int has_user, has_group;
	char *user, *group;	/* as written: names or numbers */
	int user_line, group_line;
	/* set by cfg_resolve_user, right before each start (ids_resolved
	 * then 1), kept across a reload by cfg_copy_ids: */
	int ids_resolved;
	uid_t uid;
	gid_t gid;
	gid_t *groups;		/* supplementary groups of the user */
	size_t ngroups;
	char *user_name, *home, *shell;
	char *workdir;
	char **env;		/* KEY=VALUE */
	char *env_file;		/* leading '-': may be missing */
	int has_umask;
	mode_t umask;
	enum cfg_restart restart;
	int has_restart;
	int64_t restart_delay_ms, restart_delay_max_ms;
	int start_limit;
	int64_t start_limit_window_ms;
	int essential;
	char **after, **requires;
	int after_line, requires_line;
	enum cfg_ready ready;
	int ready_port;
	char *ready_host;	/* tcp: a numeric address; NULL: 127.0.0.1 and ::1 */
	char *ready_path;
	char **ready_argv;
	int64_t ready_timeout_ms;
	int stop_signal, reload_signal;
	int64_t stop_timeout_ms;
	enum cfg_kill_mode kill_mode;
	struct cfg_output out, err;
	uint64_t log_max_size;
	int log_max_files;
	int has_caps;
	int *caps;		/* cap_value_t values */
	size_t ncaps;
	int no_new_privs;
	struct cfg_rlimit *rlimits; /* CFG_NRLIMITS of them; NULL: none set */
	char **health_argv;
	int64_t health_interval_ms;
	int health_retries;
	int enabled;
	uint64_t text_hash;	/* of the file, to tell a changed one on reload */
	uint64_t seen;		/* keys already set (bit per key), for duplicates */

	/*
	 * From here on: what units (and init.d scripts) say that a
	 * services.d file has no key for. A services.d entry leaves all of
	 * it zero (origin ORIGIN_SERVICES_D, empty lists), which means
	 * "what services.d always did"; each comment says what the
	 * supervisor must do with a value that is set. Loaded by units/
	 * (see docs/CONFIG.md, "Units"); units_load() fills the fields
	 * above the same way services.d does where their meanings agree
	 * (argv, type, pidfile, user, group, workdir, env, umask, restart,
	 * restart_delay_ms = restart_delay_max_ms = RestartSec= (systemd's
	 * delay does not grow), start_limit, after, requires,
	 * ready_timeout_ms = TimeoutStartSec=, stop_signal = KillSignal=,
	 * stop_timeout_ms = TimeoutStopSec=, kill_mode, out, err, no_new_privs,
	 * rlimits, enabled).
	 */
	enum cfg_origin origin;
	char *unit;		/* ORIGIN_UNIT: the unit's name ("ssh.service",
				 * "postgresql@15-main.service"); ORIGIN_SYSV:
				 * the script ("/etc/init.d/nginx") */
	char **aliases;		/* other names of it, without ".service"
				 * ("sshd" for ssh.service, an LSB
				 * Provides: name); cfg_find() finds them */
	char *description;	/* Description= */
	/* The main command is argv (with exec_flags); for a unit, start
	 * holds every ExecStart= (start.v[0] is argv's), more than one only
	 * for Type=oneshot: run one after the other, each to completion,
	 * the next only when the one before succeeded (or has '-'). A
	 * oneshot unit may have none: argv is then NULL and the service is
	 * done once start_pre and start_post have run. */
	unsigned exec_flags;	/* CFG_EXEC_* of argv */
	struct cfg_cmds start;
	struct cfg_cmds exec_condition; /* ExecCondition=: before start_pre;
				 * exit 1..254: the service is skipped (as a
				 * failed condition), 255 or a signal: fails */
	struct cfg_cmds start_pre;	/* before the main command, in order,
				 * each to completion; a failure (not '-')
				 * fails the start */
	struct cfg_cmds start_post;	/* once the main command is started
				 * (simple), its launcher exited (forking) or
				 * it is ready (notify); the service is
				 * ready after them */
	struct cfg_cmds reload;	/* ExecReload=: what `ctl reload NAME` runs,
				 * in order, instead of sending
				 * reload_signal (which is 0 for a unit:
				 * no ExecReload= means "cannot reload") */
	struct cfg_cmds stop;	/* ExecStop=: run to stop the service, before
				 * the stop_signal is sent to what is left
				 * (all within stop_timeout_ms) */
	struct cfg_cmds stop_post; /* after the service stopped, also after
				 * a failed start */
	/* Every command above runs as the main one does (user, groups,
	 * env, workdir, limits...) unless its flags say otherwise, with
	 * $MAINPID set to the main process when there is one, and within
	 * ready_timeout_ms (the start ones) or stop_timeout_ms (the stop
	 * ones). */
	int remain_after_exit;	/* the service stays active ("done") after
				 * its main process exited cleanly, and its
				 * stop commands run when it is stopped */
	int guess_main_pid;	/* forking without pidfile: 1 (systemd's
				 * GuessMainPID=yes): when the launcher has
				 * exited, the one process left in the
				 * service's group is the main one; none or
				 * several: the service is active while its
				 * group has processes */
	struct cfg_status_set success_status;	/* SuccessExitStatus=: also clean */
	struct cfg_status_set restart_prevent;	/* RestartPreventExitStatus=:
				 * never restarted after one of these */
	struct cfg_status_set restart_force;	/* RestartForceExitStatus=:
				 * always restarted after one of these */
	int send_sigkill;	/* SendSIGKILL=; 1 unless a unit says no: at
				 * stop_timeout_ms nothing is SIGKILLed, the
				 * stop is given up as timed out (the
				 * processes are left to the container's
				 * end) */
	int send_sighup;	/* SendSIGHUP=yes: SIGHUP right after the
				 * stop signal, to the same processes */
	/* ready_timeout_ms 0 and stop_timeout_ms 0: no timeout at all
	 * (TimeoutStartSec=0 / infinity, TimeoutStopSec=0 / infinity) */
	int64_t runtime_max_ms;	/* RuntimeMaxSec=; 0: none. Running longer:
				 * stopped and failed */
	/* Also from units (cfg_resolve_user() adds them to groups[]):
	 * SupplementaryGroups=, names or numbers, looked up at each start
	 * like group; also without user and group (then root with them). */
	char **supp_groups;
	int has_cap_bounding;	/* CapabilityBoundingSet= was given: */
	uint64_t cap_bounding;	/* bit n: capability n is kept in the
				 * bounding set; every other one is dropped
				 * (0: all dropped, as an empty
				 * CapabilityBoundingSet= says) */
	int has_cap_ambient;	/* AmbientCapabilities= was given: */
	uint64_t cap_ambient;	/* raised in the inheritable and ambient
				 * sets (and kept permitted across the user
				 * switch), so a non-root user has them
				 * after exec. Not the services.d
				 * `capabilities` (which sets every set to
				 * one list): a unit has has_caps 0 */
	char **env_files;	/* EnvironmentFile= in order ('-': may be
				 * missing), in systemd's syntax
				 * (units_parse_env_file), read before each
				 * command (ExecStartPre= may write one the
				 * main command reads), after env: they win
				 * over Environment= */
	char **unset_env;	/* UnsetEnvironment=: NAME or NAME=VALUE
				 * removed from the environment last */
	int workdir_home;	/* WorkingDirectory=~: the user's home */
	int workdir_optional;	/* WorkingDirectory=-PATH: a missing one is
				 * not an error */
	struct cfg_dirs dirs[CFG_NDIRS]; /* created before exec_condition and
				 * start_pre, each component below the base
				 * (/run, /var/lib, ...) owned by root, the
				 * last one by user:group with the mode
				 * (an existing one gets that owner and
				 * mode), never through a symlink:
				 * units_make_dirs(); $RUNTIME_DIRECTORY
				 * (and STATE_, CACHE_, LOGS_,
				 * CONFIGURATION_) set to their absolute
				 * paths, ':'-separated */
	int runtime_preserve;	/* RuntimeDirectoryPreserve=: 0 no (the
				 * runtime directories are removed when the
				 * service stops), 1 yes, 2 restart (kept
				 * across a restart only) */
	struct cfg_cond *conds;	/* evaluated right before each start
				 * (units_conditions()): a failed
				 * condition leaves the service stopped and
				 * skipped, not failed, and does not block
				 * what is ordered after it; a failed assert
				 * fails the start */
	size_t nconds;
	/* Dependencies on other services, by name: */
	char **wants;		/* Wants=: started with it (ordering only
				 * through after) */
	char **binds_to;	/* BindsTo=: as requires, and stopped when one
				 * of them stops */
	char **part_of;		/* PartOf=: a stop or restart of one of them
				 * is passed on to this one */
	char **conflicts;	/* Conflicts=: starting this one stops them,
				 * and starting one of them stops this one */
	char **reload_from;	/* ReloadPropagatedFrom=: a reload of one of
				 * them reloads this one */
	int has_nice;		/* Nice= */
	int nice;
	int has_oom_score_adjust; /* OOMScoreAdjust= (written to
				 * /proc/self/oom_score_adj in the child) */
	int oom_score_adjust;
	int sigpipe;		/* IgnoreSIGPIPE=: 1 the service starts with
				 * SIGPIPE ignored (systemd's default for
				 * units), 2 with SIGPIPE at its default
				 * action, 0 (services.d) as pid 1 inherited */
	char **status_argv;	/* ORIGIN_SYSV with no pidfile: the script's
				 * `status` action, which tells whether the
				 * daemon still runs (0 yes, 3 no) */
	char **sources;		/* the unit's files (fragment, then drop-ins),
				 * as `systemctl status` shows them */
};

struct cfg_init {
	int64_t shutdown_timeout_ms;
	int log_level;		/* enum log_level; -1 when unset */
	char *control_socket;
	char *state_dir;	/* [init] state_dir; NULL: /run/pouch */
	int reload_signal;	/* 0: unset */
	char **cmd_after;
	int cmd_after_line;
	int64_t cmd_ready_timeout_ms;
	enum cfg_restart cmd_restart;
	int cmd_stop_signal;
	int64_t cmd_stop_timeout_ms;	/* -1: unset (a share of the budget) */
	enum cfg_kill_mode cmd_kill_mode;
	int64_t hook_timeout_ms;
	int64_t poststop_reserve_ms;	/* -1: unset (see services/budget.h) */
	enum cfg_prestart_failure prestart_failure;
	int units;		/* [init] units: 1 enabled, 0 no (the default) */
	int units_line;
	char *file;
	uint64_t seen;		/* as in cfg_service */
};

struct cfg {
	char *dir;
	struct cfg_init init;
	struct cfg_service *svcs;
	size_t nsvcs;
	char **errors;		/* "FILE:LINE: message" */
	size_t nerrors;
	char **warnings;	/* the same shape; logged when found */
	size_t nwarnings;
	char **notes;		/* the same shape: what a unit says that is
				 * not applied, and why (`check` prints
				 * them; pid 1 logs them with -v) */
	size_t nnotes;
};

/* Where users and groups come from; NULL means /etc/passwd, /etc/group
 * (under root when root is set). root: an image's tree (`check --root`),
 * NULL for /. */
struct cfg_sources {
	const char *passwd;
	const char *group;
	const char *root;
};

/* More services, loaded by cfg_load() after services.d and before the
 * cross-service checks, with the same cfg and src: units/ registers
 * units_load_hook with cfg_set_more() (pouch-init's main does, before
 * any load; a reload loads them again). NULL: none. It returns 0 or
 * -ENOMEM. */
typedef int (*cfg_more_fn)(struct cfg *cfg, const struct cfg_sources *src);
void cfg_set_more(cfg_more_fn fn);

/* Load DIR/init.ini and DIR/services.d/ *.ini. Returns 0 when the
 * configuration is valid, -EINVAL when cfg->errors holds problems, or
 * another -errno. A missing DIR is an empty, valid configuration. */
int cfg_load(const char *dir, const struct cfg_sources *src, struct cfg *cfg)
	__attribute__((warn_unused_result));

/* Parse one service file from memory (tests, fuzzing); errors as above. */
int cfg_load_service_string(struct cfg *cfg, const char *file, const char *text,
			    const struct cfg_sources *src)
	__attribute__((warn_unused_result));
int cfg_load_init_string(struct cfg *cfg, const char *file, const char *text)
	__attribute__((warn_unused_result));
/* Look s->user and s->group up (from src's passwd and group files):
 * uid, gid, the supplementary groups, user_name, home, shell. 'group ='
 * wins over the user's primary group. A number that is not in the file
 * is taken as it is. Returns 0, or -ENOENT with why ("unknown user 'x'
 * (not in /etc/passwd)"), or -ENOMEM. */
int cfg_resolve_user(const struct cfg_sources *src, struct cfg_service *s,
		     char *why, size_t len) __attribute__((warn_unused_result));
/* What cfg_resolve_user set in from, into to (a reload keeps them for an
 * unchanged service that runs on): 0 or -ENOMEM. */
int cfg_copy_ids(struct cfg_service *to, const struct cfg_service *from);
/* The passwd and group files src names, in buf when made up. */
const char *cfg_passwd_path(const struct cfg_sources *src, char *buf,
			    size_t len);
const char *cfg_group_path(const struct cfg_sources *src, char *buf,
			   size_t len);

/* Cross-service checks: dependencies exist, no cycles. */
void cfg_validate(struct cfg *cfg);

void cfg_defaults(struct cfg *cfg);
void cfg_free(struct cfg *cfg);
struct cfg_service *cfg_find(const struct cfg *cfg, const char *name);

/* Shell-style word splitting (quotes, backslashes; no expansion).
 * Returns a NULL-terminated array, or NULL with errno EINVAL and *why. */
char **cfg_split_words(const char *s, const char **why);
void cfg_free_words(char **w);
size_t cfg_count_words(char *const *w);

/* Parse an env file's text: KEY=VALUE lines, '#' comments, optional
 * "export ", single or double quotes. Appends to *env (NULL-terminated,
 * later keys win). A bad line is skipped and the lines after it are
 * still taken. Returns 0, or the 1-based number of the first bad line. */
int cfg_parse_env_text(const char *text, char ***env)
	__attribute__((warn_unused_result));
/* The same, calling bad(arg, line, text) for each bad line. */
int cfg_parse_env_lines(const char *text, char ***env,
			void (*bad)(void *arg, int line, const char *text),
			void *arg);
/* A whole small file (at most 1 MiB, no NUL bytes); NULL with *err set. */
char *cfg_read_file(const char *path, int *err);
/* The same, with the file's stat (st may be NULL). */
char *cfg_read_file_st(const char *path, int *err, struct stat *st);

/* Who may change a file pid 1 acts on (a configuration file, a hook, an
 * env file), as sshd's StrictModes asks: the file, the directory that
 * holds it and every directory above it must be owned by root or euid
 * and writable by neither group nor others; an ancestor directory with
 * the sticky bit (/tmp) may be writable when the entry in it is owned
 * right. Symlinks are followed and what they lead through is checked
 * too. With CFG_PATH_HOLDER, the directory that holds the file gets no
 * sticky exemption. fn (may be NULL) gets each unsafe part as a host
 * path and why: "owned by uid N, writable by group G, writable by
 * others". With root (NULL: /), path is inside that tree: absolute
 * symlinks and ".." stay in it. The resolved host path goes to real
 * (may be NULL). Returns the number of unsafe parts (0: safe) or
 * -errno when path cannot be resolved. */
#define CFG_PATH_HOLDER 1
int cfg_path_check(const char *root, const char *path, uid_t euid, int flags,
		   void (*fn)(void *arg, const char *path, const char *why),
		   void *arg, char *real, size_t len)
	__attribute__((warn_unused_result));
/* cfg_path_check(NULL, path, euid, CFG_PATH_HOLDER, ...) with the first
 * problem as "PATH: why" in msg: >0 unsafe, 0 safe, or -errno. */
int cfg_path_unsafe(const char *path, uid_t euid, char *msg, size_t len)
	__attribute__((warn_unused_result));
/* The same for a service's files: uid and its group gid may change them
 * too ((gid_t)-1: no group). */
int cfg_path_unsafe_for(const char *path, uid_t uid, gid_t gid, char *msg,
			size_t len)
	__attribute__((warn_unused_result));
/* Check path as above and report each unsafe part as a configuration
 * error "PATH: why" (once each; " (reached through P)" when a symlink
 * led there). A path under src->root is resolved inside it. Returns as
 * cfg_path_check. */
int cfg_report_unsafe(struct cfg *cfg, const struct cfg_sources *src,
		      const char *path, int flags, char *real, size_t len);
/* Resolve path as above, without checking: 0 or -errno. */
int cfg_resolve(const struct cfg_sources *src, const char *path, char *real,
		size_t len) __attribute__((warn_unused_result));
/* The same rule for one stat (the file alone): CFG_UNSAFE_REFUSE with
 * why, or 0 (kept for callers of the old interface; there is no longer
 * a warning level). */
enum { CFG_UNSAFE_WARN = 1, CFG_UNSAFE_REFUSE = 2 };
int cfg_file_unsafe(const struct stat *st, uid_t euid, char *why, size_t len);

/* What only `check` looks at, added to cfg's errors and warnings: what
 * pid 1 needs when a service starts. Errors: exec's binary missing or
 * not executable (looked for as execvp does), an env_file missing (and
 * not optional), others could change it, or a bad line in it. Warnings:
 * users and groups not found, since they are looked up again at each
 * start. With src->root, all of it inside that tree. */
void cfg_check_files(struct cfg *cfg, const struct cfg_sources *src);

/* What this process could not do for a service, as errors: `user` and
 * `group` need CAP_SETUID and CAP_SETGID, `capabilities` CAP_SETPCAP and
 * every capability it keeps, in pouch-init's own sets (a pouch-init run
 * as a non-root uid has none). Asked by `check` and at each load in pid
 * 1, so that such a service fails before anything starts. */
void cfg_check_privileges(struct cfg *cfg);

/* Problems found outside the parser (hooks, `check`): "FILE:LINE:
 * message" (no ":LINE" when line is 0). Warnings are also logged. */
void cfg_error(struct cfg *cfg, const char *file, int line, const char *fmt,
	       ...) __attribute__((format(printf, 4, 5)));
void cfg_warn(struct cfg *cfg, const char *file, int line, const char *fmt,
	      ...) __attribute__((format(printf, 4, 5)));
/* What is not applied, and why: kept for `check`, logged at info level. */
void cfg_note(struct cfg *cfg, const char *file, int line, const char *fmt,
	      ...) __attribute__((format(printf, 4, 5)));
/* A new service in cfg with services.d's defaults, named name (copied):
 * NULL when out of memory. The pointer stays valid until the next
 * cfg_new_service(). */
struct cfg_service *cfg_new_service(struct cfg *cfg, const char *name);
/* Free what a service holds (not the struct). */
void cfg_free_service(struct cfg_service *s);
/* cfg_cmds helpers: append one (argv taken over), free all. */
int cfg_cmds_add(struct cfg_cmds *c, char **argv, unsigned flags,
		 const char *file, int line) __attribute__((warn_unused_result));
void cfg_cmds_free(struct cfg_cmds *c);
/* Is status (a wait status) in the set? */
int cfg_status_in(const struct cfg_status_set *set, int status);

/* Set KEY=VALUE in a NULL-terminated env array, replacing KEY. */
int cfg_env_set(char ***env, const char *kv) __attribute__((warn_unused_result));
/* cfg_env_set for every KEY=VALUE of add (entries without '=' skipped). */
int cfg_env_merge(char ***env, char *const *add)
	__attribute__((warn_unused_result));

#endif
