// SPDX-License-Identifier: MIT
/*
 * Talking to the outer systemd. See outer.h.
 */
#include "run/outer.h"

#ifdef WITH_SYSTEMD
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

int outer_enabled(void)
{
	return 1;
}

void outer_notify(const char *state)
{
	(void)sd_notify(0, state);
}

int64_t outer_watchdog_ms(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
		return 0;
	return (int64_t)(usec / 2000);
}

int outer_journal_fd(const char *identifier, int priority)
{
	int fd = sd_journal_stream_fd(identifier, priority, 0);

	return fd < 0 ? -1 : fd;
}
#else
int outer_enabled(void)
{
	return 0;
}

void outer_notify(const char *state)
{
	(void)state;
}

int64_t outer_watchdog_ms(void)
{
	return 0;
}

int outer_journal_fd(const char *identifier, int priority)
{
	(void)identifier;
	(void)priority;
	return -1;
}
#endif
