// SPDX-License-Identifier: MIT
/*
 * Fuzz the configuration reader: the first byte chooses init.ini or a
 * services.d file (then, with the next, a second service so that the
 * cross-service checks, dependencies and cycles, run too).
 */
#include "fuzz.h"

#include "config/config.h"

static const struct cfg_sources src = { .passwd = "test/unit/passwd",
					.group = "test/unit/group" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg c;
	char *text;

	if (size < 1)
		return 0;
	text = fuzz_str(data + 1, size - 1);
	if (!text)
		return 0;
	memset(&c, 0, sizeof(c));
	cfg_defaults(&c);
	if (data[0] & 1) {
		(void)cfg_load_init_string(&c, "/fuzz/init.ini", text);
	} else {
		(void)cfg_load_service_string(&c, "/fuzz/services.d/a.ini", text, &src);
		if (data[0] & 2)
			(void)cfg_load_service_string(&c, "/fuzz/services.d/b.ini",
						      "[service]\nexec = /b\nafter = a\n", &src);
		cfg_validate(&c);
	}
	cfg_free(&c);
	free(text);
	return 0;
}
