// SPDX-License-Identifier: MIT
/* Fuzz a unit file: its syntax, every value as words and as a command
 * line (prefixes, ';', specifiers) expanded with $VAR, as an
 * EnvironmentFile=, as tmpfiles.d lines (parsed, nothing made) and as
 * an init.d script's header. */
#include "fuzz.h"

#include "config/config.h"
#include "units/units.h"

#include <errno.h>

static void value(const char *v)
{
	struct unit_spec sp = { "/nonexistent", "a@b-c.service", "/x/a@.service" };
	char *env[] = { "A=1", "B=two words", "C='q q' r", "E=", NULL };
	struct cfg_cmds cmds = { 0 };
	const char *why = NULL;
	char **w = unit_split(v, &why), *out;

	if (!w && !why)
		abort();
	cfg_free_words(w);
	why = NULL;
	if (unit_parse_exec(&sp, v, &cmds, "f", 1, &why) == -EINVAL && !why)
		abort();
	for (size_t i = 0; i < cmds.n; i++) {
		if (!cmds.v[i].argv || !cmds.v[i].argv[0])
			abort(); /* a command has a program */
		cfg_free_words(units_expand_argv(cmds.v[i].argv, env));
	}
	cfg_cmds_free(&cmds);
	if (unit_specifiers(&sp, v, &out, &why) == 0)
		free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_str(data, size), *files[] = { "f", NULL }, **env = NULL;
	struct tmpfiles_opts t = { .root = "/nonexistent", .dry_run = 1, .boot = 1 };
	struct sysv_script sv;
	struct unit u = { 0 };

	if (!text)
		return 0;
	u.files = files;
	u.nfiles = 1;
	if (unit_parse_text(&u, 0, text, NULL, NULL) == 0)
		for (size_t i = 0; i < u.nkv; i++)
			value(u.kv[i].value);
	u.files = NULL;
	u.nfiles = 0;
	unit_free(&u);
	(void)units_parse_env_file(text, &env, NULL, NULL);
	cfg_free_words(env);
	(void)units_tmpfiles_text(&t, "f", text);
	if (sysv_parse("s", text, &sv) == 0)
		sysv_free(&sv);
	free(text);
	return 0;
}
