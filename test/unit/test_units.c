// SPDX-License-Identifier: MIT
/*
 * Unit tests of units/: the unit-file syntax, word unquoting, command
 * lines and $VAR expansion against systemd's documented examples
 * (systemd.syntax(7), systemd.service(5), systemd.unit(5)), the search
 * path (aliases, masks, drop-ins, templates), what the loader makes of
 * a tree of units, init.d scripts, tmpfiles.d, and the file commands of
 * systemctl.
 */
#include "t.h"

#include "config/config.h"
#include "init/log.h"
#include "units/units.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64];

/* ---- helpers ---- */

static void put(const char *path, const char *text)
{
	char full[PATH_MAX], dir[PATH_MAX], *s;
	FILE *f;

	snprintf(full, sizeof(full), "%s%s", root, path);
	snprintf(dir, sizeof(dir), "%s", full);
	for (s = dir + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(dir, 0755);
		*s = '/';
	}
	f = fopen(full, "w");
	if (!f) {
		perror(full);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static void link_to(const char *path, const char *target)
{
	char full[PATH_MAX], dir[PATH_MAX], *s;

	snprintf(full, sizeof(full), "%s%s", root, path);
	snprintf(dir, sizeof(dir), "%s", full);
	for (s = dir + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(dir, 0755);
		*s = '/';
	}
	unlink(full);
	if (symlink(target, full) < 0)
		perror(full);
}

static int exists_in_root(const char *path)
{
	char full[PATH_MAX];
	struct stat st;

	snprintf(full, sizeof(full), "%s%s", root, path);
	return lstat(full, &st) == 0;
}

static char **split(const char *s)
{
	const char *why;

	return unit_split(s, &why);
}

static int words_are(char **w, ...)
{
	va_list ap;
	const char *want;
	size_t i = 0;
	int ok = w != NULL;

	va_start(ap, w);
	while (ok && (want = va_arg(ap, const char *))) {
		if (!w[i] || strcmp(w[i], want)) {
			fprintf(stderr, "  word %zu: got '%s', want '%s'\n", i,
				w[i] ? w[i] : "(end)", want);
			ok = 0;
		}
		i++;
	}
	va_end(ap);
	if (ok && w[i]) {
		fprintf(stderr, "  extra word '%s'\n", w[i]);
		ok = 0;
	}
	return ok;
}

static int has_msg(char **list, size_t n, const char *want)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(list[i], want))
			return 1;
	fprintf(stderr, "  no message containing '%s' in:\n", want);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "    %s\n", list[i]);
	return 0;
}

static int has_note(const struct cfg *c, const char *want)
{
	return has_msg(c->notes, c->nnotes, want);
}

static int has_warning(const struct cfg *c, const char *want)
{
	return has_msg(c->warnings, c->nwarnings, want);
}

static int no_note(const struct cfg *c, const char *what)
{
	for (size_t i = 0; i < c->nnotes; i++)
		if (strstr(c->notes[i], what)) {
			fprintf(stderr, "  unexpected note: %s\n", c->notes[i]);
			return 0;
		}
	return 1;
}

static int listed(char **l, const char *name)
{
	for (; l && *l; l++)
		if (!strcmp(*l, name))
			return 1;
	return 0;
}

/* ---- syntax ---- */

static void test_syntax(void)
{
	struct unit u = { 0 };
	char *files[] = { "t.service", NULL };
	char **w;

	u.files = files;
	u.nfiles = 1;
	/* systemd.syntax(7): a '\' ends a line that goes on, comments may sit
	 * between continued lines */
	CHECK_EQ(unit_parse_text(&u, 0,
				 "# comment\n; another\n[Section A]\nKeyOne=value 1\n"
				 "KeyTwo=value 2\n\n[Section B]\nSetting=\"something\" \"some thing\" \"…\"\n"
				 "KeyTwo=value 2 \\\n# this is a comment\nvalue 2 continued\n"
				 "  Spaced = around  \nnoequals\n",
				 NULL, NULL), 0);
	CHECK_EQ(u.nkv, 5);
	CHECK_STR(u.kv[0].section, "Section A");
	CHECK_STR(u.kv[1].value, "value 2");
	CHECK_STR(u.kv[3].key, "KeyTwo");
	CHECK_STR(u.kv[3].value, "value 2  value 2 continued");
	CHECK_EQ(u.kv[3].line, 9);
	CHECK_STR(u.kv[4].key, "Spaced");
	CHECK_STR(u.kv[4].value, "around");
	w = split(u.kv[2].value);
	CHECK(words_are(w, "something", "some thing", "…", NULL));
	cfg_free_words(w);
	u.files = NULL;
	u.nfiles = 0;
	unit_free(&u);
}

static void test_words(void)
{
	const char *why;
	char **w;
	int b;
	int64_t ms;

	/* quotes anywhere in a word, both kinds alike, C escapes */
	CHECK(words_are(w = split("a\"b c\"d 'e f' \\x41\\n \"\\\\u\" ''"), "ab cd",
			"e f", "A\n", "\\u", "", NULL));
	cfg_free_words(w);
	/* getty@.service: -o '-p -- \\u' gives the word -p -- \u */
	CHECK(words_are(w = split("-o '-p -- \\\\u' --noclear"), "-o", "-p -- \\u",
			"--noclear", NULL));
	cfg_free_words(w);
	CHECK(unit_split("a 'b", &why) == NULL);
	CHECK_STR(why, "unterminated quote");
	CHECK(unit_split("a \\q", &why) == NULL);
	CHECK_STR(why, "bad escape sequence");
	CHECK(words_are(w = split("\\s \\101 \\u00e9"), " ", "A", "\xc3\xa9", NULL));
	cfg_free_words(w);
	CHECK_EQ(unit_parse_bool("on", &b), 0);
	CHECK_EQ(b, 1);
	CHECK_EQ(unit_parse_bool("false", &b), 0);
	CHECK_EQ(b, 0);
	CHECK(unit_parse_bool("maybe", &b) < 0);
	/* systemd.time(7) */
	CHECK_EQ(unit_parse_timespan("90", 1000, &ms), 0);
	CHECK_EQ(ms, 90000);
	CHECK_EQ(unit_parse_timespan("2min 30s", 1000, &ms), 0);
	CHECK_EQ(ms, 150000);
	CHECK_EQ(unit_parse_timespan("1h30min", 1000, &ms), 0);
	CHECK_EQ(ms, 5400000);
	CHECK_EQ(unit_parse_timespan("1.5s", 1000, &ms), 0);
	CHECK_EQ(ms, 1500);
	CHECK_EQ(unit_parse_timespan("500ms", 1000, &ms), 0);
	CHECK_EQ(ms, 500);
	CHECK_EQ(unit_parse_timespan("infinity", 1000, &ms), 0);
	CHECK_EQ(ms, -1);
	CHECK_EQ(unit_parse_timespan("0", 1000, &ms), 0);
	CHECK_EQ(ms, 0);
	CHECK(unit_parse_timespan("5 parsecs", 1000, &ms) < 0);
	CHECK(unit_parse_timespan("-1s", 1000, &ms) < 0);
}

/* ---- names and specifiers ---- */

static void spec_is(const char *id, const char *path, const char *in,
		    const char *want)
{
	struct unit_spec sp = { root, id, path };
	const char *why;
	char *out = NULL;
	int r = unit_specifiers(&sp, in, &out, &why);

	CHECK_EQ(r, 0);
	if (r == 0 && strcmp(out, want))
		fprintf(stderr, "  %s of %s: got '%s', want '%s'\n", in, id, out, want);
	CHECK(r == 0 && !strcmp(out, want));
	free(out);
}

static void test_names(void)
{
	char buf[300];
	size_t n;
	const char *why;
	char *out;
	struct unit_spec sp = { root, "a.service", NULL };

	CHECK(unit_name_valid("nginx.service"));
	CHECK(unit_name_valid("getty@tty1.service"));
	CHECK(unit_name_valid("getty@.service"));
	CHECK(unit_name_valid("dev-disk-by\\x2duuid-1.swap"));
	CHECK(!unit_name_valid("nginx"));
	CHECK(!unit_name_valid("a@b@c.service"));
	CHECK(!unit_name_valid("a b.service"));
	CHECK(!unit_name_valid(".service"));
	CHECK_EQ(unit_name_template("foo@bar.service", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "foo@.service");
	CHECK(unit_name_template("foo.service", buf, sizeof(buf)) < 0);
	CHECK(unit_name_instance("foo@bar.service", &n) && n == 3);
	unit_name_mangle("nginx", buf, sizeof(buf));
	CHECK_STR(buf, "nginx.service");
	unit_name_mangle("multi-user.target", buf, sizeof(buf));
	CHECK_STR(buf, "multi-user.target");
	unit_service_name("ssh.service", buf, sizeof(buf));
	CHECK_STR(buf, "ssh");
	unit_service_name("postgresql@15-main.service", buf, sizeof(buf));
	CHECK_STR(buf, "postgresql@15-main");

	/* systemd.unit(5)'s table, for a template instance */
	spec_is("postgresql@15-main.service", "/lib/systemd/system/postgresql@.service",
		"%n|%N|%p|%P|%i|%I|%f", "postgresql@15-main.service|postgresql@15-main|"
		"postgresql|postgresql|15-main|15/main|/15/main");
	/* AssertPathExists=/etc/postgresql/%I/postgresql.conf of postgresql@.service */
	spec_is("postgresql@15-main.service", NULL, "/etc/postgresql/%I/postgresql.conf",
		"/etc/postgresql/15/main/postgresql.conf");
	spec_is("foo-bar-baz.service", NULL, "%j|%J|%p|%f", "baz|baz|foo-bar-baz|/foo/bar/baz");
	spec_is("getty@tty1.service", NULL, "/dev/%I %i", "/dev/tty1 tty1");
	spec_is("a.service", "/etc/systemd/system/a.service", "%y %Y",
		"/etc/systemd/system/a.service /etc/systemd/system");
	spec_is("a.service", NULL, "%t %S %C %L %E %T %V %%", "/run /var/lib /var/cache /var/log /etc /tmp /var/tmp %");
	spec_is("a@x\\x2dy.service", NULL, "%i %I", "x\\x2dy x-y");
	put("/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
	put("/etc/machine-id", "0123456789abcdef0123456789abcdef\n");
	spec_is("a.service", NULL, "%o %w %m", "debian 12 0123456789abcdef0123456789abcdef");
	if (geteuid() == 0)
		spec_is("a.service", NULL, "%u %U %g %G", "root 0 root 0");
	CHECK(unit_specifiers(&sp, "%d", &out, &why) < 0);
	CHECK(strstr(why, "credentials") != NULL);
	CHECK(unit_specifiers(&sp, "%z", &out, &why) < 0);
	CHECK(unit_specifiers(&sp, "100%", &out, &why) < 0);
}

/* ---- command lines ---- */

static struct cfg_cmds exec_of(const char *id, const char *line, int want)
{
	struct unit_spec sp = { root, id, NULL };
	struct cfg_cmds c = { 0 };
	const char *why = "";
	int r = unit_parse_exec(&sp, line, &c, "t.service", 1, &why);

	if (r != want)
		fprintf(stderr, "  '%s': %d (%s)\n", line, r, why);
	CHECK_EQ(r, want);
	return c;
}

static char **expand(const struct cfg_cmd *c, char *const *env)
{
	return units_expand_argv(c->argv, env);
}

static void test_exec(void)
{
	struct cfg_cmds c;
	char **w;

	/* systemd.service(5): "echo one ; echo "two two"": two commands */
	c = exec_of("a.service", "echo one ; echo \"two two\"", 0);
	CHECK_EQ(c.n, 2);
	CHECK(c.n == 2 && words_are(c.v[0].argv, "echo", "one", NULL) &&
	      words_are(c.v[1].argv, "echo", "two two", NULL));
	cfg_cmds_free(&c);
	/* "echo / >/dev/null & \; ls": one command, five arguments */
	c = exec_of("a.service", "echo / >/dev/null & \\; ls", 0);
	CHECK(c.n == 1 && words_are(c.v[0].argv, "echo", "/", ">/dev/null", "&", ";", "ls", NULL));
	cfg_cmds_free(&c);
	/* a ';' inside quotes is an argument's; one glued to a word too */
	c = exec_of("a.service", "/bin/sh -c 'a; b' x; y", 0);
	CHECK(c.n == 1 && words_are(c.v[0].argv, "/bin/sh", "-c", "a; b", "x;", "y", NULL));
	cfg_cmds_free(&c);
	/* prefixes */
	c = exec_of("a.service", "-/bin/false", 0);
	CHECK(c.n == 1 && c.v[0].flags == (CFG_EXEC_IGNORE | CFG_EXEC_EXPAND));
	cfg_cmds_free(&c);
	c = exec_of("a.service", "@/bin/sh mysh -c x", 0);
	CHECK(c.n == 1 && c.v[0].flags & CFG_EXEC_ARGV0 &&
	      words_are(c.v[0].argv, "/bin/sh", "mysh", "-c", "x", NULL));
	cfg_cmds_free(&c);
	c = exec_of("a.service", ":/bin/echo $X", 0);
	CHECK(c.n == 1 && !(c.v[0].flags & CFG_EXEC_EXPAND));
	cfg_cmds_free(&c);
	c = exec_of("a.service", "+/bin/x", 0);
	CHECK(c.n == 1 && c.v[0].flags == (CFG_EXEC_PRIV | CFG_EXEC_EXPAND));
	cfg_cmds_free(&c);
	c = exec_of("a.service", "!/etc/mysql/debian-start", 0);
	CHECK(c.n == 1 && c.v[0].flags == (CFG_EXEC_NOSETUID | CFG_EXEC_EXPAND));
	cfg_cmds_free(&c);
	c = exec_of("a.service", "!!/bin/x", 0); /* ambient capabilities exist */
	CHECK(c.n == 1 && c.v[0].flags == CFG_EXEC_EXPAND);
	cfg_cmds_free(&c);
	c = exec_of("a.service", "-@:/bin/x y", 0);
	CHECK(c.n == 1 && c.v[0].flags == (CFG_EXEC_IGNORE | CFG_EXEC_ARGV0));
	cfg_cmds_free(&c);
	c = exec_of("a.service", "+!/bin/x", -EINVAL); /* '!' after '+' is no prefix */
	cfg_cmds_free(&c);
	/* a program name is looked for; a relative path is refused */
	c = exec_of("a.service", "echo hi", 0);
	cfg_cmds_free(&c);
	c = exec_of("a.service", "bin/echo hi", -EINVAL);
	cfg_cmds_free(&c);
	c = exec_of("a.service", "-", -EINVAL);
	cfg_cmds_free(&c);
	c = exec_of("a.service", "@/bin/sh", -EINVAL);
	cfg_cmds_free(&c);
	/* specifiers in every word, after unquoting */
	c = exec_of("postgresql@15-main.service",
		    "-/usr/bin/pg_ctlcluster --skip-systemctl-redirect %i start", 0);
	CHECK(c.n == 1 && words_are(c.v[0].argv, "/usr/bin/pg_ctlcluster",
				    "--skip-systemctl-redirect", "15-main", "start", NULL));
	cfg_cmds_free(&c);
	/* an empty assignment resets the list */
	c = exec_of("a.service", "/bin/a", 0);
	{
		struct unit_spec sp = { root, "a.service", NULL };
		const char *why;

		CHECK_EQ(unit_parse_exec(&sp, "", &c, "t", 2, &why), 0);
		CHECK_EQ(c.n, 0);
	}

	/* $VAR and ${VAR}: systemd.service(5)'s examples. Environment=
	 * "ONE=one" 'TWO=two two'; ExecStart=echo $ONE $TWO ${TWO} */
	{
		char *env[] = { "ONE=one", "TWO=two two", NULL };

		c = exec_of("a.service", "echo $ONE $TWO ${TWO}", 0);
		CHECK(words_are(w = expand(&c.v[0], env), "echo", "one", "two", "two",
				"two two", NULL));
		cfg_free_words(w);
		cfg_cmds_free(&c);
	}
	/* Environment=ONE='one' "TWO='two two' too" THREE=: the quotes of
	 * ONE='one' are removed by Environment='s unquoting, so ${ONE} is
	 * one (the manual's "'one'" was a mistake, corrected upstream) */
	{
		char **env = NULL, **asg = split("ONE='one' \"TWO='two two' too\" THREE=");

		for (size_t i = 0; asg && asg[i]; i++)
			CHECK_EQ(cfg_env_set(&env, asg[i]), 0);
		c = exec_of("a.service", "/bin/echo ${ONE} ${TWO} ${THREE}", 0);
		CHECK(words_are(w = expand(&c.v[0], env), "/bin/echo", "one",
				"'two two' too", "", NULL));
		cfg_free_words(w);
		cfg_cmds_free(&c);
		c = exec_of("a.service", "/bin/echo $ONE $TWO $THREE", 0);
		CHECK(words_are(w = expand(&c.v[0], env), "/bin/echo", "one", "two two",
				"too", NULL));
		cfg_free_words(w);
		cfg_cmds_free(&c);
		cfg_free_words(env);
		cfg_free_words(asg);
	}
	/* unset: $X is no word, ${X} an empty one; $$ is '$'; ${X} inside a
	 * word; $X inside a word is left alone */
	{
		char *env[] = { "E=", "P=/srv", NULL };

		c = exec_of("a.service", "/bin/x $UNSET ${UNSET} $E ${E} $$HOME a${P}b c$P", 0);
		CHECK(words_are(w = expand(&c.v[0], env), "/bin/x", "", "", "$HOME",
				"a/srvb", "c$P", NULL));
		cfg_free_words(w);
		cfg_cmds_free(&c);
	}
	/* sshd -D $SSHD_OPTS with /etc/default/ssh's SSHD_OPTS= */
	{
		char *env[] = { "SSHD_OPTS=", NULL };

		c = exec_of("ssh.service", "/usr/sbin/sshd -D $SSHD_OPTS", 0);
		CHECK(words_are(w = expand(&c.v[0], env), "/usr/sbin/sshd", "-D", NULL));
		cfg_free_words(w);
		cfg_cmds_free(&c);
	}
}

/* ---- EnvironmentFile= ---- */

static int bad_lines[8], nbad;

static void on_bad(void *arg, int line)
{
	(void)arg;
	if (nbad < 8)
		bad_lines[nbad++] = line;
}

static const char *env_get(char **env, const char *k)
{
	size_t n = strlen(k);

	for (; env && *env; env++)
		if (!strncmp(*env, k, n) && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

static void test_envfile(void)
{
	char **env = NULL;
	int r;

	nbad = 0;
	r = units_parse_env_file("# comment\n; also\nA=1\n  B = two words  \n"
				 "C='single $x'\nD=\"dq \\\"in\\\" \\$y \\n\"\n"
				 "E=one \\\ntwo\nF=\"multi\nline\"\nnot an assignment\n"
				 "1BAD=x\nG=last", &env, on_bad, NULL);
	CHECK_EQ(r, 11);
	CHECK_EQ(nbad, 2);
	CHECK_EQ(bad_lines[1], 12);
	CHECK_STR(env_get(env, "A"), "1");
	CHECK_STR(env_get(env, "B"), "two words");
	CHECK_STR(env_get(env, "C"), "single $x");
	CHECK_STR(env_get(env, "D"), "dq \"in\" $y \\n");
	CHECK_STR(env_get(env, "E"), "one two");
	CHECK_STR(env_get(env, "F"), "multi\nline");
	CHECK_STR(env_get(env, "G"), "last");
	cfg_free_words(env);
}

/* ---- finding units ---- */

static void test_find(void)
{
	struct unit u;
	char **w;

	put("/lib/systemd/system/rsyslog.service",
	    "[Unit]\nDescription=System Logging Service\n[Service]\nExecStart=/usr/sbin/rsyslogd -n\n"
	    "[Install]\nWantedBy=multi-user.target\nAlias=syslog.service\n");
	link_to("/etc/systemd/system/syslog.service", "/lib/systemd/system/rsyslog.service");
	put("/lib/systemd/system/rsyslog.service.d/10-vendor.conf", "[Service]\nNice=5\n");
	put("/etc/systemd/system/rsyslog.service.d/20-admin.conf", "[Service]\nNice=1\n");
	/* a same-named drop-in in /etc hides the vendor's */
	put("/lib/systemd/system/rsyslog.service.d/30-x.conf", "[Service]\nNice=9\n");
	put("/etc/systemd/system/rsyslog.service.d/30-x.conf", "[Service]\nNice=3\n");
	put("/etc/systemd/system/syslog.service.d/40-alias.conf", "[Service]\nUMask=0027\n");
	put("/etc/systemd/system/service.d/50-all.conf", "[Service]\nLimitCORE=0\n");
	put("/etc/systemd/system/rsyslog.service.d/README", "not a drop-in\n");

	CHECK_EQ(unit_read(root, "syslog.service", &u), 0);
	CHECK_EQ(u.load, UNIT_LOADED);
	CHECK_STR(u.id, "rsyslog.service");
	CHECK_STR(u.path, "/lib/systemd/system/rsyslog.service");
	CHECK(listed(u.names, "syslog.service"));
	CHECK_EQ(u.nfiles, 6);
	CHECK(u.nfiles == 6 && !strcmp(u.files[1], "/lib/systemd/system/rsyslog.service.d/10-vendor.conf") &&
	      !strcmp(u.files[2], "/etc/systemd/system/rsyslog.service.d/20-admin.conf") &&
	      !strcmp(u.files[3], "/etc/systemd/system/rsyslog.service.d/30-x.conf") &&
	      !strcmp(u.files[4], "/etc/systemd/system/syslog.service.d/40-alias.conf") &&
	      !strcmp(u.files[5], "/etc/systemd/system/service.d/50-all.conf"));
	CHECK_STR(unit_get(&u, "Service", "Nice")->value, "3");
	unit_free(&u);

	/* an /etc copy of a unit wins over the vendor's */
	put("/etc/systemd/system/cron.service", "[Service]\nExecStart=/usr/sbin/cron -f -L 15\n");
	put("/lib/systemd/system/cron.service", "[Service]\nExecStart=/usr/sbin/cron -f\n");
	CHECK_EQ(unit_read(root, "cron.service", &u), 0);
	CHECK_STR(u.path, "/etc/systemd/system/cron.service");
	CHECK(u.nkv && strstr(unit_get(&u, "Service", "ExecStart")->value, "-L 15"));
	unit_free(&u);

	/* masks: a link to /dev/null, or an empty file */
	link_to("/etc/systemd/system/hwclock.service", "/dev/null");
	CHECK_EQ(unit_read(root, "hwclock.service", &u), 0);
	CHECK_EQ(u.load, UNIT_MASKED);
	unit_free(&u);
	put("/run/systemd/system/empty.service", "");
	CHECK_EQ(unit_read(root, "empty.service", &u), 0);
	CHECK_EQ(u.load, UNIT_MASKED);
	CHECK(u.runtime);
	unit_free(&u);
	CHECK_EQ(unit_file_state(root, "empty.service"), UFS_MASKED_RUNTIME);

	/* a template instance, with the template's and its prefix's drop-ins */
	put("/lib/systemd/system/app-web@.service",
	    "[Unit]\nDescription=app %i\n[Service]\nExecStart=/bin/app %I\n"
	    "[Install]\nWantedBy=multi-user.target\nDefaultInstance=main\n");
	put("/etc/systemd/system/app-web@.service.d/t.conf", "[Service]\nNice=2\n");
	put("/etc/systemd/system/app-.service.d/p.conf", "[Service]\nUMask=0077\n");
	put("/etc/systemd/system/app-web@x.service.d/i.conf", "[Service]\nUMask=0007\n");
	CHECK_EQ(unit_read(root, "app-web@x.service", &u), 0);
	CHECK_EQ(u.load, UNIT_LOADED);
	CHECK_STR(u.id, "app-web@x.service");
	CHECK_STR(u.path, "/lib/systemd/system/app-web@.service");
	/* i.conf, p.conf, t.conf and the type-wide 50-all.conf, by name */
	CHECK_EQ(u.nfiles, 5);
	CHECK(u.nfiles == 5 && strstr(u.files[1], "service.d/50-all.conf") &&
	      strstr(u.files[4], "app-web@.service.d/t.conf"));
	CHECK_STR(unit_get(&u, "Service", "UMask")->value, "0077"); /* p.conf after i.conf */
	unit_free(&u);
	CHECK_EQ(unit_read(root, "nope.service", &u), 0);
	CHECK_EQ(u.load, UNIT_NOT_FOUND);
	unit_free(&u);

	/* words of a list key: an empty assignment resets */
	put("/lib/systemd/system/w.service",
	    "[Unit]\nAfter=a.service b.service\nAfter=\nAfter=c.service\nAfter=d.service\n");
	CHECK_EQ(unit_read(root, "w.service", &u), 0);
	CHECK(words_are(w = unit_get_words(&u, "Unit", "After"), "c.service", "d.service", NULL));
	cfg_free_words(w);
	unit_free(&u);

	/* a unit file that someone else may change is not read */
	put("/etc/systemd/system/open.service", "[Service]\nExecStart=/bin/true\n");
	{
		char p[PATH_MAX];

		snprintf(p, sizeof(p), "%s/etc/systemd/system/open.service", root);
		chmod(p, 0666);
	}
	CHECK_EQ(unit_read(root, "open.service", &u), 0);
	CHECK_EQ(u.load, UNIT_BAD);
	CHECK(u.why && strstr(u.why, "writable by others"));
	unit_free(&u);
}

/* ---- the loader ---- */

static struct cfg load_tree(const char *init)
{
	struct cfg c;
	char dir[PATH_MAX];
	struct cfg_sources src = { .root = root };
	int r;

	snprintf(dir, sizeof(dir), "%s/etc/pouch", root);
	mkdir(dir, 0755);
	put("/etc/pouch/init.ini", init);
	cfg_set_more(units_load_hook);
	r = cfg_load(dir, &src, &c);
	if (r)
		for (size_t i = 0; i < c.nerrors; i++)
			fprintf(stderr, "  error: %s\n", c.errors[i]);
	CHECK_EQ(r, 0);
	cfg_set_more(NULL);
	return c;
}

static void test_load(void)
{
	struct cfg c;
	struct cfg_service *s;

	put("/lib/systemd/system/multi-user.target",
	    "[Unit]\nDescription=Multi-User System\nRequires=basic.target\nWants=extra.target\n");
	put("/lib/systemd/system/extra.target", "[Unit]\nDescription=x\n");
	put("/lib/systemd/system/basic.target", "[Unit]\nDescription=basic\n");
	put("/lib/systemd/system/early.service", "[Service]\nExecStart=/bin/early\n");
	link_to("/lib/systemd/system/basic.target.wants/early.service", "../early.service");
	link_to("/lib/systemd/system/sysinit.target.wants/early.service", "../early.service");
	link_to("/etc/systemd/system/multi-user.target.wants/rsyslog.service",
		"/lib/systemd/system/rsyslog.service");
	link_to("/etc/systemd/system/multi-user.target.wants/app-web@main.service",
		"/lib/systemd/system/app-web@.service");
	put("/lib/systemd/system/systemd-logind.service",
	    "[Service]\nExecStart=/lib/systemd/systemd-logind\n");
	link_to("/lib/systemd/system/multi-user.target.wants/systemd-logind.service",
		"../systemd-logind.service");
	put("/lib/systemd/system/web.service",
	    "[Unit]\nDescription=Web %n\nAfter=network.target syslog.service db.service\n"
	    "Requires=db.service syslog.socket\nWants=helper.service late.service\nBefore=late.service\n"
	    "ConditionPathExists=|!/etc/web-off\nConditionPathExists=|/etc/web-on\n"
	    "AssertPathIsDirectory=/srv\n"
	    "[Service]\nType=forking\nPIDFile=web.pid\nEnvironment=A=1 \"B=two words\"\n"
	    "EnvironmentFile=-/etc/default/web\nEnvironmentFile=/etc/web.env\n"
	    "ExecStartPre=/bin/check\nExecStart=/usr/sbin/web -c %N\nExecReload=/bin/kill -HUP $MAINPID\n"
	    "ExecReload=/bin/true\nExecStop=-/bin/webctl stop\nRestart=on-abnormal\nRestartSec=2s\n"
	    "TimeoutStartSec=0\nTimeoutStopSec=infinity\nKillMode=mixed\nKillSignal=SIGQUIT\n"
	    "SendSIGKILL=no\nUser=www-data\nGroup=www-data\nSupplementaryGroups=adm ssl-cert\n"
	    "WorkingDirectory=-~\nUMask=0027\nLimitNOFILE=1024:4096\nLimitCPU=1min\nLimitNICE=-5\n"
	    "NoNewPrivileges=yes\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_CHOWN\n"
	    "CapabilityBoundingSet=~CAP_CHOWN\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n"
	    "RuntimeDirectory=web web/sub\nRuntimeDirectoryMode=2750\nStateDirectory=web\n"
	    "SuccessExitStatus=3 SIGUSR2\nRestartPreventExitStatus=255\nStandardOutput=null\n"
	    "ProtectSystem=full\nPrivateTmp=no\nTasksMax=99%\nSyslogIdentifier=webby\n"
	    "Frobnicate=yes\nOOMScoreAdjust=-500\nIgnoreSIGPIPE=false\n"
	    "[X-Vendor]\nAnything=1\n"
	    "[Install]\nWantedBy=multi-user.target\n");
	link_to("/etc/systemd/system/extra.target.wants/web.service", "/lib/systemd/system/web.service");
	put("/lib/systemd/system/db.service",
	    "[Unit]\nAfter=web.service\n[Service]\nType=notify\nExecStart=/usr/sbin/db\n");
	put("/lib/systemd/system/helper.service",
	    "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/a ; /bin/b\n");
	put("/lib/systemd/system/late.service", "[Service]\nExecStart=/bin/late\n");
	put("/lib/systemd/system/dyn.service", "[Service]\nDynamicUser=yes\nExecStart=/bin/dyn\n");
	put("/lib/systemd/system/noexec.service", "[Service]\nType=simple\n");
	put("/lib/systemd/system/sshd-like.service", "[Service]\nExecStart=/bin/sshd\n");
	link_to("/etc/systemd/system/multi-user.target.wants/dyn.service", "/lib/systemd/system/dyn.service");
	link_to("/etc/systemd/system/multi-user.target.wants/noexec.service", "/lib/systemd/system/noexec.service");
	link_to("/etc/systemd/system/multi-user.target.wants/sshd-like.service", "/lib/systemd/system/sshd-like.service");
	link_to("/etc/systemd/system/multi-user.target.wants/hwclock.service", "/lib/systemd/system/hwclock.service");
	link_to("/etc/systemd/system/timers.target.wants/apt-daily.timer", "/lib/systemd/system/apt-daily.timer");
	link_to("/etc/systemd/system/sockets.target.wants/web.socket", "/lib/systemd/system/web.socket");
	/* a services.d entry of a unit's name wins */
	put("/etc/pouch/services.d/sshd-like.ini", "[service]\nexec = /bin/own\n");

	c = load_tree("[init]\nunits = no\n");
	CHECK_EQ(c.nsvcs, 1); /* units = no: services.d only */
	cfg_free(&c);

	c = load_tree("[init]\nunits = enabled\n");
	CHECK(cfg_find(&c, "rsyslog") && cfg_find(&c, "syslog") == cfg_find(&c, "rsyslog"));
	CHECK(cfg_find(&c, "app-web@main") != NULL);
	CHECK(cfg_find(&c, "early") == NULL);		/* the early boot is not descended */
	CHECK(cfg_find(&c, "systemd-logind") == NULL);	/* systemd's own */
	CHECK(has_note(&c, "systemd-logind.service is systemd's own: not run"));
	CHECK(cfg_find(&c, "dyn") == NULL);
	CHECK(has_warning(&c, "DynamicUser=yes: pouch-init allocates no users"));
	CHECK(cfg_find(&c, "noexec") == NULL);
	CHECK(has_warning(&c, "unit noexec.service is not run: it has no ExecStart="));
	s = cfg_find(&c, "sshd-like");
	CHECK(s && s->origin == ORIGIN_SERVICES_D && !strcmp(s->argv[0], "/bin/own"));
	CHECK(has_note(&c, "unit sshd-like.service is not run:"));
	CHECK(has_note(&c, "hwclock.service is masked: not run"));
	CHECK(has_note(&c, "apt-daily.timer: not run (timer units are not run"));
	CHECK(has_note(&c, "web.socket: not run (socket units are not run"));

	s = cfg_find(&c, "web");
	CHECK(s != NULL);
	if (s) {
		CHECK_EQ(s->origin, ORIGIN_UNIT);
		CHECK_STR(s->unit, "web.service");
		CHECK_STR(s->description, "Web web.service");
		CHECK_EQ(s->type, TYPE_FORKING);
		CHECK_STR(s->pidfile, "/run/web.pid");
		CHECK(words_are(s->argv, "/usr/sbin/web", "-c", "web", NULL));
		CHECK_EQ(s->exec_flags, CFG_EXEC_EXPAND);
		CHECK_EQ(s->start_pre.n, 1);
		CHECK_EQ(s->reload.n, 2);
		CHECK(s->stop.n == 1 && s->stop.v[0].flags & CFG_EXEC_IGNORE);
		CHECK_EQ(s->reload_signal, 0);
		CHECK_EQ(s->restart, RESTART_ON_ABNORMAL);
		CHECK(s->restart_delay_ms == 2000 && s->restart_delay_max_ms == 2000);
		CHECK_EQ(s->ready_timeout_ms, 0);
		CHECK_EQ(s->stop_timeout_ms, 0);
		CHECK_EQ(s->kill_mode, KILL_MIXED);
		CHECK_EQ(s->stop_signal, SIGQUIT);
		CHECK_EQ(s->send_sigkill, 0);
		CHECK(s->has_user && !strcmp(s->user, "www-data") && s->has_group);
		CHECK(words_are(s->supp_groups, "adm", "ssl-cert", NULL));
		CHECK(s->workdir_home && s->workdir_optional);
		CHECK(s->has_umask && s->umask == 027);
		CHECK(s->rlimits && s->rlimits[0].set && s->rlimits[0].lim.rlim_cur == 1024 &&
		      s->rlimits[0].lim.rlim_max == 4096);
		CHECK(s->rlimits && s->rlimits[5].set && s->rlimits[5].resource == RLIMIT_CPU &&
		      s->rlimits[5].lim.rlim_cur == 60);
		CHECK(s->rlimits && s->rlimits[13].lim.rlim_cur == 25); /* nice -5: 20 - (-5) */
		CHECK(s->no_new_privs);
		CHECK(s->has_cap_bounding && s->cap_bounding == (1ULL << 10)); /* NET_BIND_SERVICE */
		CHECK(s->has_cap_ambient && s->cap_ambient == (1ULL << 10));
		CHECK(!s->has_caps);
		CHECK(words_are(s->dirs[DIR_RUNTIME].names, "web", "web/sub", NULL));
		CHECK_EQ(s->dirs[DIR_RUNTIME].mode, 02750);
		CHECK(words_are(s->dirs[DIR_STATE].names, "web", NULL));
		CHECK(cfg_status_in(&s->success_status, 3 << 8));
		CHECK(cfg_status_in(&s->success_status, SIGUSR2));
		CHECK(!cfg_status_in(&s->success_status, 1 << 8));
		CHECK(cfg_status_in(&s->restart_prevent, 255 << 8));
		CHECK(s->out.kind == OUT_NULL && s->err.kind == OUT_NULL); /* stderr inherits */
		CHECK(s->env && !strcmp(s->env[0], "A=1") && !strcmp(s->env[1], "B=two words"));
		CHECK(words_are(s->env_files, "-/etc/default/web", "/etc/web.env", NULL));
		CHECK(s->has_oom_score_adjust && s->oom_score_adjust == -500);
		CHECK_EQ(s->sigpipe, 2);
		CHECK_EQ(s->nconds, 3);
		CHECK(s->nconds == 3 && s->conds[0].trigger && s->conds[0].negate &&
		      !strcmp(s->conds[0].arg, "/etc/web-off") && s->conds[2].assert);
		/* After=: db (a unit here), syslog.service (an alias of rsyslog) */
		CHECK(listed(s->after, "rsyslog") && listed(s->requires, "db"));
		/* the cycle with db's After=web is broken: one edge dropped */
		CHECK(!listed(s->after, "db") || !listed(cfg_find(&c, "db")->after, "web"));
		CHECK(listed(s->wants, "helper"));
		CHECK(cfg_find(&c, "late") && listed(cfg_find(&c, "late")->after, "web"));
		CHECK(has_warning(&c, "ordering cycle"));
		CHECK(has_note(&c, "Requires=syslog.socket: socket units are not run"));
		CHECK(has_note(&c, "web.service:46: ProtectSystem=full: not applied (pouch-init does not sandbox"));
		CHECK(no_note(&c, "PrivateTmp=no"));
		CHECK(has_note(&c, "TasksMax=99%: not applied (per-service cgroup"));
		CHECK(has_note(&c, "SyslogIdentifier=webby: not applied"));
		CHECK(has_note(&c, "Frobnicate=yes: not applied (unknown key"));
		CHECK(has_note(&c, "[X-Vendor]: not applied (a section for other programs)"));
		CHECK(s->enabled);
	}
	s = cfg_find(&c, "helper");
	CHECK(s && s->type == TYPE_ONESHOT && s->start.n == 2 && s->remain_after_exit);
	CHECK(s && s->enabled); /* pulled in by Wants= */
	s = cfg_find(&c, "app-web@main");
	CHECK(s && words_are(s->argv, "/bin/app", "main", NULL));
	/* the instance's drop-in (UMask=0007) and the prefix one (0077) */
	CHECK(s && s->has_umask);
	/* one more, asked for by name: not enabled */
	{
		struct cfg_sources src = { .root = root };

		CHECK_EQ(units_load_one(&c, &src, "late2"), -ENOENT);
		put("/lib/systemd/system/late2.service",
		    "[Unit]\nAfter=web.service\n[Service]\nExecStart=/bin/late2\n");
		CHECK_EQ(units_load_one(&c, &src, "late2"), 0);
		s = cfg_find(&c, "late2");
		CHECK(s && !s->enabled && listed(s->after, "web"));
		CHECK_EQ(units_load_one(&c, &src, "dyn.service"), -ENOENT);
	}
	cfg_free(&c);
}

/* ---- init.d ---- */

static const char cron_script[] =
	"#!/bin/sh\n# Start/stop the cron daemon.\n#\n### BEGIN INIT INFO\n"
	"# Provides:          cron crond\n"
	"# Required-Start:    $remote_fs $syslog $time\n"
	"# Required-Stop:     $remote_fs $syslog $time\n"
	"# Should-Start:      $network $named slapd autofs ypbind nscd nslcd winbind sssd\n"
	"# Default-Start:     2 3 4 5\n# Default-Stop:\n"
	"# Short-Description: Regular background program processing daemon\n"
	"# Description:       cron is a standard UNIX program that runs user-specified\n"
	"#                    programs at periodic scheduled times.\n### END INIT INFO\n"
	"PATH=/bin:/usr/bin:/sbin:/usr/sbin\nDESC=\"cron daemon\"\nNAME=cron\nDAEMON=/usr/sbin/cron\n"
	"PIDFILE=/var/run/$NAME.pid\n"
	"case \"$1\" in\nstart) ;;\n*) log_action_msg \"Usage: /etc/init.d/cron {start|stop|status|restart|reload|force-reload}\"\n"
	"exit 2\n;;\nesac\n";

static void test_sysv(void)
{
	struct sysv_script s;
	struct cfg c;
	struct cfg_service *svc;

	CHECK_EQ(sysv_parse("cron", cron_script, &s), 0);
	CHECK(s.lsb);
	CHECK_STR(s.description, "Regular background program processing daemon");
	CHECK(words_are(s.provides, "crond", NULL));
	CHECK(listed(s.after, "remote-fs.target") && listed(s.after, "time-sync.target") &&
	      listed(s.after, "network.target") && listed(s.after, "nss-lookup.target") &&
	      listed(s.after, "slapd.service"));
	CHECK(!listed(s.after, "syslog.service")); /* $syslog: nothing, as in systemd */
	CHECK_STR(s.pidfile, "/var/run/cron.pid");
	CHECK(s.reload);
	CHECK_STR(s.start_levels, "2345");
	CHECK_STR(s.stop_levels, "");
	s.path = strdup("/etc/init.d/cron");
	s.enabled = 1;
	cfg_defaults(&c);
	CHECK_EQ(sysv_service(&c, &s), 0);
	svc = cfg_find(&c, "cron");
	CHECK(svc && svc->origin == ORIGIN_SYSV && svc->type == TYPE_FORKING &&
	      svc->remain_after_exit && words_are(svc->argv, "/etc/init.d/cron", "start", NULL) &&
	      svc->stop.n == 1 && svc->reload.n == 1 && !svc->status_argv &&
	      !strcmp(svc->pidfile, "/var/run/cron.pid") && listed(svc->aliases, "crond") &&
	      cfg_status_in(&svc->success_status, 6 << 8));
	CHECK(svc && !strcmp(svc->description, "LSB: Regular background program processing daemon"));
	cfg_free(&c);
	sysv_free(&s);
	/* no pid file: `status` says whether it runs */
	CHECK_EQ(sysv_parse("hwclock.sh", "#!/bin/sh\necho hi\n", &s), 0);
	CHECK_STR(s.name, "hwclock");
	CHECK(!s.lsb && !s.pidfile && !s.reload);
	s.path = strdup("/etc/init.d/hwclock.sh");
	cfg_defaults(&c);
	CHECK_EQ(sysv_service(&c, &s), 0);
	CHECK(c.nsvcs == 1 && words_are(c.svcs[0].status_argv, "/etc/init.d/hwclock.sh", "status", NULL));
	cfg_free(&c);
	sysv_free(&s);
	/* in a tree: enabled by an S link in rc2.d, a unit of the name wins */
	put("/etc/init.d/legacy", "#!/bin/sh\n### BEGIN INIT INFO\n# Provides: legacy\n"
	    "# Required-Start: $network rsyslog\n### END INIT INFO\n# pidfile: /run/legacy.pid\n");
	{
		char p[PATH_MAX];

		snprintf(p, sizeof(p), "%s/etc/init.d/legacy", root);
		chmod(p, 0755);
		put("/etc/init.d/rsyslog", "#!/bin/sh\n");
		snprintf(p, sizeof(p), "%s/etc/init.d/rsyslog", root);
		chmod(p, 0755);
	}
	link_to("/etc/rc2.d/S01legacy", "../init.d/legacy");
	link_to("/etc/rc2.d/S01rsyslog", "../init.d/rsyslog");
	c = load_tree("[init]\nunits = enabled\n");
	svc = cfg_find(&c, "legacy");
	CHECK(svc && svc->origin == ORIGIN_SYSV && !strcmp(svc->pidfile, "/run/legacy.pid"));
	CHECK(svc && listed(svc->after, "rsyslog") && !listed(svc->after, "network"));
	CHECK(cfg_find(&c, "rsyslog") && cfg_find(&c, "rsyslog")->origin == ORIGIN_UNIT);
	cfg_free(&c);
}

/* ---- conditions ---- */

static void test_conditions(void)
{
	struct cfg_service s;
	struct cfg_cond cv[3];
	char why[256];

	memset(&s, 0, sizeof(s));
	memset(cv, 0, sizeof(cv));
	s.conds = cv;
	s.nconds = 1;
	put("/etc/present", "x");
	put("/etc/empty-dir/.keep", "");
	cv[0] = (struct cfg_cond){ .kind = COND_PATH_EXISTS, .arg = "/etc/present" };
	CHECK_EQ(units_conditions(&s, root, why, sizeof(why)), UNITS_COND_MET);
	cv[0].negate = 1;
	CHECK_EQ(units_conditions(&s, root, why, sizeof(why)), UNITS_COND_FAILED);
	CHECK_STR(why, "ConditionPathExists=!/etc/present failed");
	cv[0] = (struct cfg_cond){ .kind = COND_FILE_NOT_EMPTY, .arg = "/etc/present" };
	CHECK_EQ(units_conditions(&s, root, why, sizeof(why)), UNITS_COND_MET);
	cv[0] = (struct cfg_cond){ .kind = COND_PATH_EXISTS_GLOB, .arg = "/etc/pre*" };
	CHECK_EQ(units_conditions(&s, root, why, sizeof(why)), UNITS_COND_MET);
	cv[0] = (struct cfg_cond){ .kind = COND_DIRECTORY_NOT_EMPTY, .arg = "/etc/empty-dir" };
	CHECK_EQ(units_conditions(&s, root, why, sizeof(why)), UNITS_COND_MET);
	/* '|': one of them is enough */
	s.nconds = 3;
	cv[0] = (struct cfg_cond){ .kind = COND_PATH_EXISTS, .trigger = 1, .arg = "/nope" };
	cv[1] = (struct cfg_cond){ .kind = COND_PATH_IS_DIRECTORY, .trigger = 1, .arg = "/etc" };
	cv[2] = (struct cfg_cond){ .kind = COND_FILE_IS_EXECUTABLE, .assert = 1, .negate = 1,
				   .arg = "/etc/present" };
	CHECK_EQ(units_conditions(&s, root, why, sizeof(why)), UNITS_COND_MET);
	cv[1].arg = "/etc/present";
	CHECK_EQ(units_conditions(&s, root, why, sizeof(why)), UNITS_COND_FAILED);
	cv[1].arg = "/etc";
	cv[2].negate = 0; /* not executable: the assert fails the start */
	CHECK_EQ(units_conditions(&s, root, why, sizeof(why)), UNITS_ASSERT_FAILED);
	CHECK_STR(why, "AssertFileIsExecutable=/etc/present failed");
	s.nconds = 1;
	cv[0] = (struct cfg_cond){ .kind = COND_USER, .arg = geteuid() ? "1" : "root" };
	CHECK_EQ(units_conditions(&s, root, why, sizeof(why)), geteuid() ? UNITS_COND_FAILED : UNITS_COND_MET);
	cv[0] = (struct cfg_cond){ .kind = COND_KERNEL_VERSION, .arg = ">=2.6" };
	CHECK_EQ(units_conditions(&s, root, why, sizeof(why)), UNITS_COND_MET);
	cv[0] = (struct cfg_cond){ .kind = COND_OS_RELEASE, .arg = "ID=debian" };
	CHECK_EQ(units_conditions(&s, root, why, sizeof(why)), UNITS_COND_MET);
	cv[0] = (struct cfg_cond){ .kind = COND_CPUS, .arg = ">=1" };
	CHECK_EQ(units_conditions(&s, root, why, sizeof(why)), UNITS_COND_MET);
	cv[0] = (struct cfg_cond){ .kind = COND_CREDENTIAL, .arg = "x" };
	CHECK_EQ(units_conditions(&s, root, why, sizeof(why)), UNITS_COND_FAILED);
}

/* ---- directories and tmpfiles.d ---- */

static int mode_of(const char *path, mode_t *m, uid_t *uid)
{
	char full[PATH_MAX];
	struct stat st;

	snprintf(full, sizeof(full), "%s%s", root, path);
	if (lstat(full, &st) < 0)
		return -1;
	*m = st.st_mode & 07777;
	*uid = st.st_uid;
	return 0;
}

static int tnotes;

static void tnote(void *arg, const char *file, int line, const char *msg)
{
	(void)arg;
	tnotes++;
	fprintf(stderr, "  (tmpfiles) %s:%d: %s\n", file, line, msg);
}

static void test_dirs(void)
{
	struct cfg_service s;
	char why[256], p[PATH_MAX], **env = NULL, *names[] = { "a", "a/b", NULL };
	mode_t m;
	uid_t uid;

	if (geteuid() != 0)
		return;
	memset(&s, 0, sizeof(s));
	s.dirs[DIR_RUNTIME].names = names;
	s.dirs[DIR_RUNTIME].mode = 02750;
	s.has_user = 1;
	s.uid = 65534;
	s.gid = 65534;
	CHECK_EQ(units_make_dirs(&s, root, why, sizeof(why)), 0);
	CHECK(mode_of("/run/a", &m, &uid) == 0 && m == 02750 && uid == 65534);
	CHECK(mode_of("/run/a/b", &m, &uid) == 0 && m == 02750 && uid == 65534);
	CHECK_EQ(units_dirs_env(&s, &env), 0);
	CHECK(env && !strcmp(env[0], "RUNTIME_DIRECTORY=/run/a:/run/a/b"));
	cfg_free_words(env);
	CHECK_EQ(units_remove_runtime_dirs(&s, root), 0);
	CHECK(!exists_in_root("/run/a"));
	/* ConfigurationDirectory= is root's (as systemd's), the others the
	 * user's; only the runtime ones are removed */
	{
		char *cnames[] = { "cfgd", NULL }, *snames[] = { "st", NULL };

		s.dirs[DIR_RUNTIME].names = NULL;
		s.dirs[DIR_CONFIG].names = cnames;
		s.dirs[DIR_CONFIG].mode = 0750;
		s.dirs[DIR_STATE].names = snames;
		s.dirs[DIR_STATE].mode = 0700;
		CHECK_EQ(units_make_dirs(&s, root, why, sizeof(why)), 0);
		CHECK(mode_of("/etc/cfgd", &m, &uid) == 0 && m == 0750 && uid == 0);
		CHECK(mode_of("/var/lib/st", &m, &uid) == 0 && m == 0700 && uid == 65534);
		env = NULL;
		CHECK_EQ(units_dirs_env(&s, &env), 0);
		CHECK(env && env[0] && env[1] &&
		      !strcmp(env[0], "STATE_DIRECTORY=/var/lib/st") &&
		      !strcmp(env[1], "CONFIGURATION_DIRECTORY=/etc/cfgd"));
		cfg_free_words(env);
		CHECK_EQ(units_remove_runtime_dirs(&s, root), 0);
		CHECK(exists_in_root("/var/lib/st") && exists_in_root("/etc/cfgd"));
		s.dirs[DIR_CONFIG].names = NULL;
		s.dirs[DIR_STATE].names = NULL;
		s.dirs[DIR_RUNTIME].names = names;
	}
	/* a symlink that is not root's is not followed */
	mkdir((snprintf(p, sizeof(p), "%s/run", root), p), 0755);
	snprintf(p, sizeof(p), "%s/run/t", root);
	mkdir(p, 01777);
	chmod(p, 01777);
	link_to("/run/t/a", "/etc");
	snprintf(p, sizeof(p), "%s/run/t/a", root);
	CHECK_EQ(lchown(p, 65534, 65534), 0);
	names[0] = "t/a/x";
	names[1] = NULL;
	CHECK_EQ(units_make_dirs(&s, root, why, sizeof(why)), -EPERM);
	CHECK(!exists_in_root("/etc/x"));
	CHECK(strstr(why, "not root's") != NULL);
	/* a root-owned one (/var/run -> /run) is */
	link_to("/var/run", "/run");
	names[0] = "ok";
	s.dirs[DIR_RUNTIME].mode = 0700;
	CHECK_EQ(units_make_dirs(&s, root, why, sizeof(why)), 0);

	{
		struct tmpfiles_opts o = { .root = root, .boot = 1, .note = tnote };
		char passwd[PATH_MAX], group[PATH_MAX];

		snprintf(passwd, sizeof(passwd), "%s/etc/passwd", root);
		snprintf(group, sizeof(group), "%s/etc/group", root);
		put("/etc/passwd", "root:x:0:0::/root:/bin/sh\nsshd:x:105:65534::/run/sshd:/usr/sbin/nologin\n");
		put("/etc/group", "root:x:0:\nnogroup:x:65534:\nadm:x:4:\n");
		tnotes = 0;
		CHECK_EQ(units_tmpfiles_text(&o, "/usr/lib/tmpfiles.d/t.conf",
					     "# sshd, as Debian's openssh-server would\n"
					     "d /run/sshd 0755 root root -\n"
					     "d /var/run/sshd2 0710 sshd adm -\n"
					     "f /run/motd 0644 - - - hello\\n\n"
					     "L /run/link - - - - /etc/motd\n"
					     "d! /run/bootonly 0700\n"
					     "d /run/sshd 0700 root root -\n"
					     "z /run/motd 0600 sshd\n"
					     "x /tmp/keep*\n"
					     "a /run/acl - - - - u:x:r\n"
					     "d /run/t/a/evil 0755\n"
					     "bogus\n"), 2);
		CHECK(mode_of("/run/sshd", &m, &uid) == 0 && m == 0755 && uid == 0);
		CHECK(mode_of("/run/sshd2", &m, &uid) == 0 && m == 0710 && uid == 105);
		CHECK(mode_of("/run/motd", &m, &uid) == 0 && m == 0600 && uid == 105);
		CHECK(exists_in_root("/run/link") && exists_in_root("/run/bootonly"));
		CHECK(!exists_in_root("/etc/evil"));
		CHECK(tnotes >= 4); /* the duplicate, the ACL, the refusal, bogus */
		o.boot = 0;
		CHECK_EQ(units_tmpfiles_text(&o, "t", "d! /run/notatboot\n"), 0);
		CHECK(!exists_in_root("/run/notatboot"));
		/* precedence by file name: /etc/tmpfiles.d hides the vendor's */
		put("/usr/lib/tmpfiles.d/p.conf", "d /run/vendor 0755\n");
		put("/etc/tmpfiles.d/p.conf", "d /run/admin 0755\n");
		o.boot = 1;
		CHECK(units_tmpfiles(&o) >= 0);
		CHECK(exists_in_root("/run/admin") && !exists_in_root("/run/vendor"));
	}
}

/* ---- enable, disable, mask ---- */

static void test_install(void)
{
	struct unit_changes ch = { 0 };

	put("/lib/systemd/system/nginx.service",
	    "[Unit]\nDescription=nginx\n[Service]\nExecStart=/usr/sbin/nginx\n"
	    "[Install]\nWantedBy=multi-user.target\nAlias=httpd.service\n");
	put("/lib/systemd/system/static.service", "[Service]\nExecStart=/bin/x\n");
	CHECK_EQ(unit_file_state(root, "nginx.service"), UFS_DISABLED);
	CHECK_EQ(unit_file_state(root, "static.service"), UFS_STATIC);
	CHECK_EQ(unit_file_state(root, "nothing.service"), UFS_NOT_FOUND);
	CHECK_EQ(units_enable(root, "nginx.service", 0, &ch), 0);
	CHECK(ch.created && ch.created[0] &&
	      !strcmp(ch.created[0], "/etc/systemd/system/multi-user.target.wants/nginx.service\t/lib/systemd/system/nginx.service"));
	CHECK(ch.created && ch.created[1] &&
	      !strcmp(ch.created[1], "/etc/systemd/system/httpd.service\t/lib/systemd/system/nginx.service"));
	unit_changes_free(&ch);
	CHECK_EQ(unit_file_state(root, "nginx.service"), UFS_ENABLED);
	CHECK_EQ(unit_file_state(root, "httpd.service"), UFS_ALIAS);
	CHECK_EQ(units_enable(root, "nginx.service", 0, &ch), 0); /* again: nothing */
	CHECK(!ch.created);
	unit_changes_free(&ch);
	CHECK_EQ(units_disable(root, "nginx.service", 0, &ch), 0);
	CHECK(ch.removed && ch.removed[0] && ch.removed[1] && !ch.removed[2]);
	unit_changes_free(&ch);
	CHECK(!exists_in_root("/etc/systemd/system/multi-user.target.wants/nginx.service"));
	CHECK(!exists_in_root("/etc/systemd/system/httpd.service"));
	CHECK_EQ(unit_file_state(root, "nginx.service"), UFS_DISABLED);
	/* --runtime */
	CHECK_EQ(units_enable(root, "nginx.service", UNITS_INSTALL_RUNTIME, &ch), 0);
	unit_changes_free(&ch);
	CHECK_EQ(unit_file_state(root, "nginx.service"), UFS_ENABLED_RUNTIME);
	CHECK_EQ(units_disable(root, "nginx.service", UNITS_INSTALL_RUNTIME, &ch), 0);
	unit_changes_free(&ch);
	/* templates: DefaultInstance=, or the instance asked for */
	CHECK_EQ(units_disable(root, "app-web@.service", 0, &ch), 0);
	unit_changes_free(&ch);
	CHECK(!exists_in_root("/etc/systemd/system/multi-user.target.wants/app-web@main.service"));
	CHECK_EQ(units_enable(root, "app-web@.service", 0, &ch), 0);
	CHECK(ch.created && strstr(ch.created[0], "multi-user.target.wants/app-web@main.service\t/lib/systemd/system/app-web@.service"));
	unit_changes_free(&ch);
	CHECK_EQ(units_enable(root, "app-web@two.service", 0, &ch), 0);
	CHECK(exists_in_root("/etc/systemd/system/multi-user.target.wants/app-web@two.service"));
	unit_changes_free(&ch);
	CHECK_EQ(units_disable(root, "app-web@.service", 0, &ch), 0);
	CHECK(!exists_in_root("/etc/systemd/system/multi-user.target.wants/app-web@two.service"));
	unit_changes_free(&ch);
	/* mask, unmask */
	CHECK_EQ(units_mask(root, "nginx.service", 0, &ch), 0);
	CHECK(ch.created && strstr(ch.created[0], "nginx.service\t/dev/null"));
	unit_changes_free(&ch);
	CHECK_EQ(unit_file_state(root, "nginx.service"), UFS_MASKED);
	CHECK(units_enable(root, "nginx.service", 0, &ch) < 0);
	CHECK(ch.error && strstr(ch.error, "is masked"));
	unit_changes_free(&ch);
	CHECK_EQ(units_unmask(root, "nginx.service", 0, &ch), 0);
	CHECK(ch.removed && ch.removed[0]);
	unit_changes_free(&ch);
	CHECK_EQ(unit_file_state(root, "nginx.service"), UFS_DISABLED);
	put("/etc/systemd/system/local.service", "[Service]\nExecStart=/bin/x\n");
	CHECK(units_mask(root, "local.service", 0, &ch) < 0); /* a real file is not replaced */
	CHECK(ch.error && strstr(ch.error, "already exists"));
	unit_changes_free(&ch);
	/* presets: the first matching line wins, else enable */
	put("/lib/systemd/system-preset/90-x.preset", "disable nginx.service\nenable *\n");
	CHECK_EQ(units_preset(root, "nginx.service", 1, &ch), 0); /* enable-only */
	CHECK(!ch.created);
	unit_changes_free(&ch);
	put("/etc/systemd/system-preset/10-x.preset", "enable nginx.service\n");
	CHECK_EQ(units_preset(root, "nginx.service", 1, &ch), 0);
	CHECK(ch.created && ch.created[0]);
	unit_changes_free(&ch);
}

int main(void)
{
	char tmpl[] = "/tmp/pouch-units.XXXXXX";

	log_max_level = LOG_LVL_ERROR;
	if (!mkdtemp(tmpl))
		return 1;
	chmod(tmpl, 0755);
	snprintf(root, sizeof(root), "%s", tmpl);
	test_syntax();
	test_words();
	test_names();
	test_exec();
	test_envfile();
	test_find();
	test_load();
	test_sysv();
	test_conditions();
	test_dirs();
	test_install();
	{
		char cmd[PATH_MAX + 16];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd) != 0)
			fprintf(stderr, "unable to remove %s\n", root);
	}
	return t_done("test_units");
}
