// SPDX-License-Identifier: MIT
/* Fuzz `exec` and list splitting: shell-style quotes, no expansion. */
#include "fuzz.h"

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_str(data, size), **w;
	const char *why = NULL;

	if (!text)
		return 0;
	w = cfg_split_words(text, &why);
	if (w) {
		/* every word is a string inside what was given */
		for (size_t i = 0; w[i]; i++)
			if (strlen(w[i]) > size)
				abort();
		cfg_free_words(w);
	} else if (!why) {
		abort(); /* a refusal says why */
	}
	free(text);
	return 0;
}
