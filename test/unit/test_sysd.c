// SPDX-License-Identifier: MIT
/*
 * Unit tests: quoting of argv and env for generated systemd units.
 */
#include "t.h"

#include "init/sysd.h"

#include <stdlib.h>

static void q(const char *in, const char *want)
{
	char *got = sysd_quote(in);

	CHECK(got && strcmp(got, want) == 0);
	if (got && strcmp(got, want))
		fprintf(stderr, "  quote(%s) = %s, want %s\n", in, got, want);
	free(got);
}

int main(void)
{
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
