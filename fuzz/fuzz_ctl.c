// SPDX-License-Identifier: MIT
/* Fuzz the control protocol's request parser. */
#include "fuzz.h"

#include "run/ctlproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_str(data, size), err[128];
	struct ctl_req rq;

	if (!line)
		return 0;
	if (ctl_parse(line, &rq, err, sizeof(err)) == 0) {
		if (rq.name && strlen(rq.name) > CTL_NAME_MAX)
			abort();
		if (rq.op == CTL_SIGNAL && (rq.sig <= 0 || rq.sig >= 65))
			abort();
	} else if (!err[0]) {
		abort(); /* a refusal says why */
	}
	free(line);
	return 0;
}
