// SPDX-License-Identifier: MIT
/* Fuzz the sd_notify datagram parser: any bytes, as a service (or anyone
 * who can reach its socket) may send them. */
#include "fuzz.h"

#include "run/notifyproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct notify_msg m;

	(void)notify_parse((const char *)data, size, &m);
	if (m.mainpid && (m.mainpid <= 1 || m.mainpid > 4194304))
		abort();
	if (m.status && (m.status < (const char *)data ||
			 m.status + m.status_len > (const char *)data + size))
		abort();
	if (m.status && memchr(m.status, '\n', m.status_len))
		abort(); /* one line */
	return 0;
}
