// SPDX-License-Identifier: MIT
/* The control protocol's request parser. */
#include "t.h"

#include "run/ctlproto.h"

#include <signal.h>

static int parse(const char *line, struct ctl_req *rq, char *err)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%s", line);
	err[0] = '\0';
	return ctl_parse(buf, rq, err, 128);
}

int main(void)
{
	struct ctl_req rq;
	char err[128];

	CHECK_EQ(parse("status", &rq, err), 0);
	CHECK_EQ(rq.op, CTL_STATUS);
	CHECK(rq.name == NULL);
	CHECK_EQ(parse("status --json web", &rq, err), 0);
	CHECK(rq.json);
	CHECK_STR(rq.name, "web");
	CHECK_EQ(parse("status web --json", &rq, err), 0);
	CHECK(rq.json);
	CHECK_EQ(parse("status a b", &rq, err), -1);
	CHECK_STR(err, "usage: status [--json] [NAME]");
	CHECK_EQ(parse("restart cron\r", &rq, err), 0);
	CHECK_EQ(rq.op, CTL_RESTART);
	CHECK_STR(rq.name, "cron");
	CHECK_EQ(parse("stop", &rq, err), -1);
	CHECK_STR(err, "usage: stop NAME");
	CHECK_EQ(parse("start a b", &rq, err), -1);
	CHECK_EQ(parse("signal web HUP", &rq, err), 0);
	CHECK_EQ(rq.sig, SIGHUP);
	CHECK_EQ(parse("signal web RTMIN+2", &rq, err), 0);
	CHECK_EQ(rq.sig, SIGRTMIN + 2);
	CHECK_EQ(parse("signal web 0", &rq, err), -1);
	CHECK_EQ(parse("signal web NOPE", &rq, err), -1);
	CHECK_STR(err, "usage: signal [--main] NAME SIGNAL");
	CHECK_EQ(rq.main_only, 0);
	/* systemctl kill --kill-who=main */
	CHECK_EQ(parse("signal --main web USR1", &rq, err), 0);
	CHECK(rq.op == CTL_SIGNAL && rq.main_only && rq.sig == SIGUSR1);
	CHECK_STR(rq.name, "web");
	CHECK_EQ(parse("signal --main web", &rq, err), -1);
	CHECK_EQ(parse("signal web USR1 --main", &rq, err), -1);
	CHECK_EQ(parse("signal web USR1", &rq, err), 0);
	CHECK_EQ(rq.main_only, 0);
	CHECK_EQ(parse("wait-ready", &rq, err), 0);
	CHECK_EQ(rq.op, CTL_WAIT);
	CHECK_EQ(rq.timeout_ms, -1);
	CHECK_EQ(parse("wait-ready --timeout 1500ms db", &rq, err), 0);
	CHECK_EQ(rq.timeout_ms, 1500);
	CHECK_STR(rq.name, "db");
	CHECK_EQ(parse("wait-ready --timeout soon", &rq, err), -1);
	CHECK_STR(err, "bad --timeout 'soon'");
	CHECK_EQ(parse("shutdown", &rq, err), 0);
	CHECK_EQ(rq.op, CTL_SHUTDOWN);
	CHECK_EQ(parse("reload", &rq, err), 0);
	CHECK(rq.op == CTL_RELOAD && rq.name == NULL);
	CHECK_EQ(parse("reload web", &rq, err), 0); /* its reload_signal */
	CHECK(rq.op == CTL_RELOAD && rq.name && !strcmp(rq.name, "web"));
	CHECK_EQ(parse("reload web db", &rq, err), -1);
	CHECK_EQ(parse("reopen", &rq, err), 0);
	CHECK_EQ(rq.op, CTL_REOPEN);
	CHECK_EQ(parse("reopen app", &rq, err), -1);
	CHECK_STR(err, "usage: reopen");
	/* systemctl daemon-reload: re-read, start and stop nothing */
	CHECK_EQ(parse("daemon-reload", &rq, err), 0);
	CHECK(rq.op == CTL_DAEMON_RELOAD && rq.name == NULL);
	CHECK_EQ(parse("daemon-reload web", &rq, err), -1);
	CHECK_STR(err, "usage: daemon-reload");
	CHECK_EQ(parse("", &rq, err), -1);
	CHECK_STR(err, "empty request");
	CHECK_EQ(parse("exec /bin/sh", &rq, err), -1);
	CHECK_STR(err, "unknown command 'exec'");
	CHECK_EQ(parse("status a b c d e f g h i", &rq, err), -1);
	CHECK_STR(err, "too many words");
	CHECK_EQ(parse("stop aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &rq, err), -1);
	CHECK_STR(err, "name too long");
	return t_done("test_ctlproto");
}
