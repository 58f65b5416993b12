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
enum cfg_restart { RESTART_ALWAYS = 0, RESTART_ON_FAILURE, RESTART_NEVER };
enum cfg_ready { READY_NONE = 0, READY_NOTIFY, READY_TCP, READY_FILE,
		 READY_EXEC };
enum cfg_out { OUT_PREFIX = 0, OUT_INHERIT, OUT_NULL, OUT_FILE, OUT_JOURNAL };
enum cfg_prestart_failure { PRESTART_ABORT = 0, PRESTART_CONTINUE };
/* systemd's KillMode=: who gets the stop signal, who the final SIGKILL */
enum cfg_kill_mode { KILL_GROUP = 0, KILL_MIXED, KILL_PROCESS };

#define CFG_NRLIMITS 5 /* nofile, nproc, core, memlock, as */

struct cfg_rlimit {
	int set;
	int resource;
	struct rlimit lim;
};

struct cfg_output {
	enum cfg_out kind;
	char *path;
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
};

/* Where users and groups come from; NULL means /etc/passwd, /etc/group
 * (under root when root is set). root: an image's tree (`check --root`),
 * NULL for /. */
struct cfg_sources {
	const char *passwd;
	const char *group;
	const char *root;
};

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

/* Set KEY=VALUE in a NULL-terminated env array, replacing KEY. */
int cfg_env_set(char ***env, const char *kv) __attribute__((warn_unused_result));
/* cfg_env_set for every KEY=VALUE of add (entries without '=' skipped). */
int cfg_env_merge(char ***env, char *const *add)
	__attribute__((warn_unused_result));

#endif
