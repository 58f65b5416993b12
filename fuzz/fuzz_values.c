// SPDX-License-Identifier: MIT
/* Fuzz durations, sizes, booleans and signal names. */
#include "fuzz.h"

#include "config/values.h"
#include "init/signames.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_str(data, size);
	int64_t ms;
	uint64_t bytes;
	int b, sig;

	if (!text)
		return 0;
	if (cfg_parse_duration_ms(text, &ms) == 0 && ms < 0)
		abort();
	(void)cfg_parse_size(text, &bytes);
	if (cfg_parse_bool(text, &b) == 0 && b != 0 && b != 1)
		abort();
	sig = sig_parse(text, 1);
	if (sig >= 65)
		abort();
	free(text);
	return 0;
}
