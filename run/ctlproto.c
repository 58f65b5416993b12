// SPDX-License-Identifier: MIT
/*
 * Parsing control requests. See ctlproto.h.
 */
#include "run/ctlproto.h"

#include "config/values.h"
#include "init/signames.h"
#include "config/nametab.h"

#include <stdio.h>
#include <string.h>

#define MAX_WORDS 8

NAMETAB_BEGIN
static const struct {
	char word[14];
	enum ctl_op op;
} ops[] = {
	{ "status", CTL_STATUS },   { "start", CTL_START },
	{ "stop", CTL_STOP },	    { "restart", CTL_RESTART },
	{ "signal", CTL_SIGNAL },   { "wait-ready", CTL_WAIT },
	{ "shutdown", CTL_SHUTDOWN }, { "reload", CTL_RELOAD },
	{ "reopen", CTL_REOPEN },   { "daemon-reload", CTL_DAEMON_RELOAD },
};
NAMETAB_END

#define FAIL(...)                                      \
	do {                                           \
		snprintf(err, errlen, __VA_ARGS__);    \
		return -1;                             \
	} while (0)

int ctl_parse(char *line, struct ctl_req *rq, char *err, size_t errlen)
{
	char *w[MAX_WORDS + 1], *save;
	int n = 0, i;
	size_t k;

	memset(rq, 0, sizeof(*rq));
	rq->timeout_ms = -1;
	for (char *t = strtok_r(line, " \t\r", &save); t;
	     t = strtok_r(NULL, " \t\r", &save)) {
		if (n == MAX_WORDS)
			FAIL("too many words");
		w[n++] = t;
	}
	if (n == 0)
		FAIL("empty request");
	for (k = 0; k < sizeof(ops) / sizeof(*ops); k++)
		if (!strcmp(w[0], ops[k].word))
			break;
	if (k == sizeof(ops) / sizeof(*ops))
		FAIL("unknown command '%.40s'", w[0]);
	rq->op = ops[k].op;
	switch (rq->op) {
	case CTL_STATUS:
		for (i = 1; i < n; i++) {
			if (!strcmp(w[i], "--json"))
				rq->json = 1;
			else if (!rq->name)
				rq->name = w[i];
			else
				FAIL("usage: status [--json] [NAME]");
		}
		break;
	case CTL_START:
	case CTL_STOP:
	case CTL_RESTART:
		if (n != 2)
			FAIL("usage: %s NAME", w[0]);
		rq->name = w[1];
		break;
	case CTL_SIGNAL:
		i = n > 1 && !strcmp(w[1], "--main");
		rq->main_only = i;
		if (n != 3 + i || (rq->sig = sig_parse(w[2 + i], 0)) <= 0)
			FAIL("usage: signal [--main] NAME SIGNAL");
		rq->name = w[1 + i];
		break;
	case CTL_WAIT:
		for (i = 1; i < n; i++) {
			if (!strcmp(w[i], "--timeout") && i + 1 < n) {
				if (cfg_parse_duration_ms(w[++i], &rq->timeout_ms) < 0)
					FAIL("bad --timeout '%.40s'", w[i]);
			} else if (!rq->name) {
				rq->name = w[i];
			} else {
				FAIL("usage: wait-ready [NAME] [--timeout D]");
			}
		}
		break;
	case CTL_SHUTDOWN:
	case CTL_REOPEN:
	case CTL_DAEMON_RELOAD:
		if (n != 1)
			FAIL("usage: %s", w[0]);
		break;
	case CTL_RELOAD:
		if (n > 2)
			FAIL("usage: reload [NAME]");
		rq->name = n == 2 ? w[1] : NULL;
		break;
	}
	if (rq->name && strlen(rq->name) > CTL_NAME_MAX)
		FAIL("name too long");
	return 0;
}
