// SPDX-License-Identifier: MIT
/*
 * Unit tests: quoting of argv for generated systemd units, and where the
 * container's environment goes (root-only files, never a unit).
 */
#include "t.h"

#include "handover/sysd.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void q(const char *in, const char *want)
{
	char *got = sysd_quote(in);

	CHECK(got && strcmp(got, want) == 0);
	if (got && strcmp(got, want))
		fprintf(stderr, "  quote(%s) = %s, want %s\n", in, got, want);
	free(got);
}

static char *slurp(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
	return buf;
}

static int mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

/* Units of a CMD and one service with a secret in the env. */
static void units(void)
{
	char tmp[] = "/tmp/test_sysd.XXXXXX", ud[64], sd[64], p[128];
	char *cmd[] = { "/bin/app", "--flag", NULL };
	char *env[] = { "PATH=/usr/bin:/bin", "DB_PASSWORD=s3cr$t \"q\" \\b `x`",
			"a.b=dotted", "NL=one\ntwo", NULL };
	char *svc_env[] = { "OWN=1", NULL };
	struct sysd_gen g = { ud, sd, "/.pouch/init", env, 12000 };
	struct init_opts o = { .config_dir = "/etc/pouch", .cmd = cmd };
	struct cfg cfg;
	struct cfg_service *s;

	CHECK(mkdtemp(tmp) != NULL);
	snprintf(ud, sizeof(ud), "%s/units", tmp);
	snprintf(sd, sizeof(sd), "%s/state", tmp);
	CHECK(mkdir(sd, 0755) == 0);
	cfg_defaults(&cfg);
	cfg.svcs = s = calloc(1, sizeof(*s));
	cfg.nsvcs = 1;
	s->name = "db";
	s->file = "db.ini";
	s->argv = cmd;
	s->env = svc_env;
	s->enabled = 1;
	s->stop_signal = 15;
	s->reload_signal = 1;
	s->start_limit = 10;
	CHECK(sysd_write_units(&g, &o, &cfg) == 0);
	snprintf(p, sizeof(p), "%s/pouch-cmd.service", ud);
	CHECK(strstr(slurp(p), "DB_PASSWORD") == NULL);
	CHECK(strstr(slurp(p), "EnvironmentFile=") != NULL);
	CHECK(strstr(slurp(p), "ExecStopPost=\"/.pouch/init\" \"run-hooks\" \"poststop\" \"-c\" \"/etc/pouch\" \"-t\" \"12000ms\"") != NULL);
	snprintf(p, sizeof(p), "%s/pouch-db.service", ud);
	CHECK(strstr(slurp(p), "DB_PASSWORD") == NULL);
	CHECK(strstr(slurp(p), "OWN") == NULL);
	snprintf(p, sizeof(p), "%s/env", sd);
	CHECK_EQ(mode_of(p), 0700);
	snprintf(p, sizeof(p), "%s/env/container.env", sd);
	CHECK_EQ(mode_of(p), 0600);
	CHECK(strstr(slurp(p), "DB_PASSWORD=\"s3cr\\$t \\\"q\\\" \\\\b \\`x\\`\"\n") != NULL);
	CHECK(strstr(slurp(p), "NL=\"one\ntwo\"\n") != NULL);
	CHECK(strstr(slurp(p), "a.b") == NULL); /* systemd cannot: said */
	snprintf(p, sizeof(p), "%s/env/db.env", sd);
	CHECK_EQ(mode_of(p), 0600);
	CHECK(strstr(slurp(p), "OWN=\"1\"") != NULL);
	free(s);
	cfg.svcs = NULL;
	cfg.nsvcs = 0;
	cfg_free(&cfg);
	snprintf(p, sizeof(p), "rm -rf %s", tmp);
	CHECK(system(p) == 0);
}

int main(void)
{
	units();
	q("plain", "\"plain\"");
	q("two words", "\"two words\"");
	q("say \"hi\"", "\"say \\\"hi\\\"\"");
	q("back\\slash", "\"back\\\\slash\"");
	q("$HOME and ${X}", "\"$$HOME and $${X}\"");
	q("100%", "\"100%%\"");
	q("a;b", "\"a;b\"");
	q("line\nbreak", "\"line\\nbreak\"");
	q("", "\"\"");
	return t_done("test_sysd");
}
