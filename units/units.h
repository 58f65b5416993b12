/* SPDX-License-Identifier: MIT */
/*
 * systemd units as a second source of services in pouch mode: finding
 * unit files as systemd does (search path, aliases, masks, drop-ins,
 * templates), parsing them, turning the enabled ones into struct
 * cfg_service entries, their conditions, RuntimeDirectory= and the like,
 * tmpfiles.d, /etc/init.d scripts with no unit, and the file side of
 * `systemctl` (enable, disable, mask, is-enabled, cat ...). See
 * docs/CONFIG.md, "Units".
 *
 * Every path given here is a path in the image; root (NULL or "" for /)
 * is where the image's tree is, for `check --root` and the tests.
 */
#ifndef POUCH_UNITS_H
#define POUCH_UNITS_H

#include "config/config.h"

#include <stddef.h>
#include <stdint.h>

/* The unit search path, most important first (systemd's, for the
 * system manager, without the directories only systemd itself writes). */
extern const char *const units_dirs[];
/* The ones an administrator (and systemctl enable) writes to */
#define UNITS_ETC "/etc/systemd/system"
#define UNITS_RUN "/run/systemd/system"

/* ---- names ---- */

/* A unit name as systemd takes it: [A-Za-z0-9:_.\-] and at most one
 * '@' (a template "foo@.service" or an instance "foo@bar.service"), a
 * known type suffix, at most 255 bytes. */
int unit_name_valid(const char *name);
/* "service", "target", ...: what follows the last '.'; "" if none. */
const char *unit_name_type(const char *name);
/* foo@bar.service: the template foo@.service in buf (0), or -EINVAL
 * when name is no instance. */
int unit_name_template(const char *name, char *buf, size_t len);
/* The instance part ("bar"; "" for a template), NULL when none. */
const char *unit_name_instance(const char *name, size_t *len);
/* A name as systemctl takes it: "nginx" means "nginx.service". */
void unit_name_mangle(const char *name, char *buf, size_t len);
/* The service name a unit becomes: nginx.service -> nginx. */
void unit_service_name(const char *unit, char *buf, size_t len);
/* Undo systemd's escaping (\xNN; with path, '-' is '/'). */
void unit_unescape(const char *s, size_t n, int path, char *buf, size_t len);

/* ---- one unit: its files and assignments ---- */

struct unit_kv {
	char *section, *key, *value;
	int file;		/* index into unit.files */
	int line;
};

enum unit_load_state { UNIT_LOADED = 0, UNIT_NOT_FOUND, UNIT_MASKED,
		       UNIT_BAD };

struct unit {
	char *id;		/* the unit's own name (an alias leads here) */
	char *asked;		/* the name it was asked by */
	char *path;		/* its file (image path); NULL: none */
	char *link;		/* asked's first entry when it is a symlink */
	enum unit_load_state load;
	int runtime;		/* masked or found under /run */
	int vendor;		/* its file is in /lib or /usr/lib */
	char **names;		/* every name of it: id first, then the
				 * symlinks of the search path that lead to
				 * it (aliases) */
	char **files;		/* path, then the drop-ins as applied */
	size_t nfiles;
	struct unit_kv *kv;	/* every assignment, files in order */
	size_t nkv;
	char *why;		/* not loaded: why */
	char **why_syntax;	/* "FILE:LINE: message" of lines that are
				 * not assignments (ignored, as by systemd) */
};

/* Find and read a unit (name as given, e.g. "sshd.service"). Returns 0
 * (u->load says what was found) or -ENOMEM. Unsafe files (that someone
 * other than root could change) are not read: UNIT_BAD with why. */
int unit_read(const char *root, const char *name, struct unit *u)
	__attribute__((warn_unused_result));
void unit_free(struct unit *u);
/* The last assignment of section/key (NULL: none). */
const struct unit_kv *unit_get(const struct unit *u, const char *section,
			       const char *key);
/* Every word of every assignment of section/key, an empty assignment
 * resetting the list, unquoted (systemd's rules). NULL-terminated,
 * never NULL unless out of memory. */
char **unit_get_words(const struct unit *u, const char *section,
		      const char *key);
/* Parse unit-file text into u's assignments (tests; unit_read does it):
 * file is u->files[fileidx]. bad(arg, line, msg) for syntax errors. */
int unit_parse_text(struct unit *u, int fileidx, const char *text,
		    void (*bad)(void *arg, const char *file, int line,
				const char *msg),
		    void *arg) __attribute__((warn_unused_result));

/* ---- values, systemd's syntax ---- */

/* One word (systemd's extract_first_word with unquoting and C escapes):
 * returns 1 and the word in *out (malloc'd), 0 at the end, or -EINVAL
 * with *why (bad escape, open quote), -ENOMEM. Advances *p. */
int unit_next_word(const char **p, char **out, const char **why);
/* All of them: NULL-terminated, or NULL with *why. */
char **unit_split(const char *s, const char **why);
/* 1/yes/true/on, 0/no/false/off: 0 and *b, or -EINVAL. */
int unit_parse_bool(const char *s, int *b);
/* A time span ("90", "5min 30s", "1.5s", "infinity"): ms in *ms, -1
 * for infinity; 0 or -EINVAL. A bare number is in def_unit_ms. */
int unit_parse_timespan(const char *s, int64_t def_unit_ms, int64_t *ms);

/* ---- specifiers (systemd.unit(5)) ---- */

/* What %-specifiers expand to for one unit. */
struct unit_spec {
	const char *root;
	const char *id;		/* %n */
	const char *path;	/* %y: its file */
};
/* Expand the specifiers in s into *out (malloc'd): 0, -EINVAL with
 * *why (an unknown or unsupported one), -ENOMEM. Supported: %a %A %b
 * %B %C %E %f %g %G %h %H %i %I %j %J %l %L %m %M %n %N %o %p %P %q %s
 * %S %t %T %u %U %v %V %w %W %y %Y %%. Not: %d (credentials). */
int unit_specifiers(const struct unit_spec *sp, const char *s, char **out,
		    const char **why) __attribute__((warn_unused_result));

/* ---- command lines ---- */

/* Parse an Exec*= value into commands (several, separated by a ';' that
 * is a word of its own; "\;" is a ';' argument): prefixes, unquoting,
 * specifiers in each word. Appends to cmds. 0, -EINVAL with *why, or
 * -ENOMEM. */
int unit_parse_exec(const struct unit_spec *sp, const char *value,
		    struct cfg_cmds *cmds, const char *file, int line,
		    const char **why) __attribute__((warn_unused_result));
/* $VAR (a word of its own: the value split at blanks with quotes
 * respected; unset or empty: no word) and ${VAR} (anywhere: exactly one
 * word, "" when unset), "$$" for '$', with env (KEY=VALUE). What runs:
 * a new NULL-terminated array, NULL when out of memory. argv[0] is
 * never expanded. */
char **units_expand_argv(char *const *argv, char *const *env);
/* Parse an EnvironmentFile= text, systemd's syntax: KEY=VALUE lines,
 * '#' and ';' comments, single and double quotes (lines may continue
 * inside them), a '\' at the end of a line continues it. Appends to
 * *env (later keys win). Returns 0, or the first bad line. */
int units_parse_env_file(const char *text, char ***env,
			 void (*bad)(void *arg, int line), void *arg);

/* ---- conditions ---- */

enum { UNITS_ASSERT_FAILED = -1, UNITS_COND_FAILED = 0, UNITS_COND_MET = 1 };
/* Evaluate s->conds now (in root): UNITS_COND_MET, or the first that
 * failed with "ConditionPathExists=/x failed (FILE:LINE)" in why (no
 * FILE:LINE when the condition has no file). */
int units_conditions(const struct cfg_service *s, const char *root,
		     char *why, size_t len);

/* ---- directories ---- */

/* RuntimeDirectory= and friends of s (after cfg_resolve_user: s->uid
 * and s->gid own the last component when has_user or has_group): made
 * under root, never through a symlink, an existing one given that
 * owner and mode. 0, or -errno with why. */
int units_make_dirs(const struct cfg_service *s, const char *root, char *why,
		    size_t len) __attribute__((warn_unused_result));
/* Remove s's runtime directories (a stop, unless preserved): 0/-errno. */
int units_remove_runtime_dirs(const struct cfg_service *s, const char *root);
/* The environment they give: "RUNTIME_DIRECTORY=/run/a:/run/b" and the
 * like, appended to *env; 0 or -ENOMEM. */
int units_dirs_env(const struct cfg_service *s, char ***env)
	__attribute__((warn_unused_result));

/* ---- the configuration ---- */

/* The hook of cfg_set_more(): units_load() when [init] units is
 * enabled, with src->root. */
int units_load_hook(struct cfg *cfg, const struct cfg_sources *src);
/* Add every unit that multi-user.target and default.target want (and
 * the init.d scripts with no unit) to cfg as services, skipping names
 * services.d already has; what is not applied goes to cfg's notes,
 * what cannot run to its warnings. 0 or -ENOMEM. */
int units_load(struct cfg *cfg, const struct cfg_sources *src)
	__attribute__((warn_unused_result));
/* One more unit, asked for by name (`ctl start NAME` of a unit that no
 * target wants): as units_load does for one; enabled = no. 0, -ENOENT
 * when there is no such service unit, -ENOMEM. */
int units_load_one(struct cfg *cfg, const struct cfg_sources *src,
		   const char *name) __attribute__((warn_unused_result));
/* What `check` prints about the units: which ones run and how, which
 * are enabled but not run, and why. */
void units_report(const struct cfg *cfg, const struct cfg_sources *src,
		  void (*out)(void *arg, const char *line), void *arg);

/* ---- tmpfiles.d ---- */

struct tmpfiles_opts {
	const char *root;
	const char *passwd, *group; /* NULL: root's /etc/passwd, /etc/group */
	int boot;		/* also the lines marked '!' (boot only) */
	int dry_run;		/* parse and report, change nothing */
	int failures_only;	/* note only the lines that fail (not what is
				 * not applied: `check` says that) */
	char *const *exclude;	/* NULL-terminated: paths whose lines (the
				 * path or what is below it) are skipped,
				 * as systemd-tmpfiles --exclude-prefix */
	void (*note)(void *arg, const char *file, int line, const char *msg);
	void *arg;
};
/* Read /etc/tmpfiles.d, /run/tmpfiles.d, /usr/local/lib/tmpfiles.d,
 * /usr/lib/tmpfiles.d and /lib/tmpfiles.d (a file name in an earlier
 * one hides the later ones'; all in file-name order) and create what
 * they say (d D v q Q e f F w L C z Z t T h H x X r R a A: see
 * docs/CONFIG.md for what is done with each), never following a symlink
 * that is not root's. Returns the number of lines that failed (each
 * given to note), or -ENOMEM. */
int units_tmpfiles(const struct tmpfiles_opts *o);
/* One file's text (tests): as above. */
int units_tmpfiles_text(const struct tmpfiles_opts *o, const char *file,
			const char *text);

/* ---- the file side of systemctl ---- */

enum unit_file_state {
	UFS_ENABLED = 0, UFS_ENABLED_RUNTIME, UFS_LINKED, UFS_ALIAS,
	UFS_MASKED, UFS_MASKED_RUNTIME, UFS_STATIC, UFS_DISABLED,
	UFS_INDIRECT, UFS_GENERATED, UFS_BAD, UFS_NOT_FOUND,
};
const char *unit_file_state_name(enum unit_file_state s);
/* is-enabled of name (a sysv script's from its rc?.d links). */
enum unit_file_state unit_file_state(const char *root, const char *name);

/* A change enable/disable/mask/unmask made, as systemctl reports it. */
struct unit_changes {
	char **created;		/* "LINK\tTARGET" */
	char **removed;		/* "LINK" */
	char *error;		/* the first failure, a message */
};
void unit_changes_free(struct unit_changes *c);
enum { UNITS_INSTALL_RUNTIME = 1 };
int units_enable(const char *root, const char *name, int flags,
		 struct unit_changes *c) __attribute__((warn_unused_result));
int units_disable(const char *root, const char *name, int flags,
		  struct unit_changes *c) __attribute__((warn_unused_result));
int units_mask(const char *root, const char *name, int flags,
	       struct unit_changes *c) __attribute__((warn_unused_result));
int units_unmask(const char *root, const char *name, int flags,
		 struct unit_changes *c) __attribute__((warn_unused_result));
/* systemctl preset: enable or disable by the preset files; mode 0 full,
 * 1 enable-only, 2 disable-only. */
int units_preset(const char *root, const char *name, int mode,
		 struct unit_changes *c) __attribute__((warn_unused_result));
/* What the preset files say of name: 1 enable (also when none says), 0
 * disable. */
int units_preset_says(const char *root, const char *name);
/* Does the unit have an [Install] section worth enabling? */
int unit_installable(const struct unit *u);

/* Every unit file name in the search path (what list-unit-files
 * lists): NULL-terminated, sorted, NULL when out of memory. */
char **units_list_files(const char *root);

/* ---- init.d ---- */

/* An /etc/init.d script's LSB header and what systemd's sysv generator
 * makes of it. */
struct sysv_script {
	char *name;		/* the script's file name */
	char *path;		/* /etc/init.d/NAME */
	char *description;	/* Short-Description (or Description) */
	char **provides;	/* Provides: (besides NAME) */
	char **after;		/* Required-Start + Should-Start, as unit names */
	char *pidfile;		/* "# pidfile:" or a PIDFILE=/... line */
	int reload;		/* its usage names reload */
	int enabled;		/* an S link in /etc/rc[2-5].d */
	int lsb;		/* has an LSB header */
	char start_levels[16];	/* Default-Start: "2345" */
	char stop_levels[16];	/* Default-Stop: "016" */
};
/* Parse a script's text (tests; sysv_read reads the file). */
int sysv_parse(const char *name, const char *text, struct sysv_script *s)
	__attribute__((warn_unused_result));
void sysv_free(struct sysv_script *s);
/* The scripts of root's /etc/init.d that could be services (no backup,
 * no rc, rcS, README, skeleton): NULL-terminated names. */
char **sysv_list(const char *root);
/* Read and parse /etc/init.d/NAME (and its rc links): 0, -errno. */
int sysv_read(const char *root, const char *name, struct sysv_script *s)
	__attribute__((warn_unused_result));
/* The service it makes (forking: start, stop, reload and status
 * actions; its pidfile or `status`), into cfg: 0, -ENOMEM. */
int sysv_service(struct cfg *cfg, const struct sysv_script *s)
	__attribute__((warn_unused_result));

#endif
