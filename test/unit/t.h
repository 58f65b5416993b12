/* SPDX-License-Identifier: MIT */
/*
 * A minimal unit-test harness: CHECK() counts, main() of each runner ends
 * with t_done(), which prints "N passed, N failed" and sets the status.
 */
#ifndef POUCH_T_H
#define POUCH_T_H

#include <stdio.h>
#include <string.h>

static int t_pass, t_fail;

#define CHECK(cond)                                                      \
	do {                                                             \
		if (cond) {                                              \
			t_pass++;                                        \
		} else {                                                 \
			t_fail++;                                        \
			fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__,   \
				__LINE__, #cond);                        \
		}                                                        \
	} while (0)

#define CHECK_EQ(a, b)                                                   \
	do {                                                             \
		long long t_a = (long long)(a), t_b = (long long)(b);    \
		if (t_a == t_b) {                                        \
			t_pass++;                                        \
		} else {                                                 \
			t_fail++;                                        \
			fprintf(stderr, "%s:%d: FAIL: %s == %s (%lld != %lld)\n", \
				__FILE__, __LINE__, #a, #b, t_a, t_b);   \
		}                                                        \
	} while (0)

#define CHECK_STR(a, b) CHECK(strcmp((a), (b)) == 0)

static inline int t_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, t_pass, t_fail);
	return t_fail ? 1 : 0;
}

#endif
