/* SPDX-License-Identifier: MIT */
/* libFuzzer targets: the input as a NUL-terminated string. */
#ifndef POUCH_FUZZ_H
#define POUCH_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A copy of data with a NUL at the end, or NULL; stops at an inner NUL,
 * as a C string would. */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

#endif
