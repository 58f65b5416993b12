// SPDX-License-Identifier: MIT
/*
 * Fuzz pouch-runc.conf's parser (inih through our reader): whatever the
 * text, every error is FILE:LINE or FILE: message, and what it accepts
 * has a name and an absolute path for each entry and known modes only.
 */
#include "fuzz.h"

#include "launcher/lch.h"

#define FILE_NAME "/fuzz/pouch-runc.conf"

static void check_entries(const struct lch_entry *v, size_t n, int script)
{
	for (size_t i = 0; i < n; i++) {
		if (!v[i].name || !v[i].path || v[i].path[0] != '/')
			abort();
		if (script && (v[i].timeout_s < 1 || v[i].timeout_s > 86400))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_str(data, size);
	struct lch_conf c;
	int r;

	if (!text)
		return 0;
	r = lch_conf_parse(&c, FILE_NAME, text);
	for (size_t i = 0; i < c.nerrors; i++)
		if (strncmp(c.errors[i], FILE_NAME ":", strlen(FILE_NAME) + 1))
			abort();
	if (r == 0) {
		if (c.nerrors || (c.modes & ~0xfu) ||
		    (c.runtime && c.runtime[0] != '/'))
			abort();
		check_entries(c.configs, c.nconfigs, 0);
		check_entries(c.scripts, c.nscripts, 1);
	} else if (!c.nerrors) {
		abort(); /* a refusal says why */
	}
	lch_conf_free(&c);
	free(text);
	return 0;
}
