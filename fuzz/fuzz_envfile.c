// SPDX-License-Identifier: MIT
/* Fuzz env_file parsing (KEY=VALUE lines, comments, quotes, export). */
#include "fuzz.h"

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_str(data, size), **env = NULL;

	if (!text)
		return 0;
	if (cfg_parse_env_text(text, &env) == 0)
		for (size_t i = 0; env && env[i]; i++)
			if (!strchr(env[i], '='))
				abort(); /* every entry is KEY=VALUE */
	cfg_free_words(env);
	free(text);
	return 0;
}
