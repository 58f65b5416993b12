// SPDX-License-Identifier: MIT
/*
 * Unit tests: the sd_notify message parser.
 */
#include "t.h"

#include "run/notifyproto.h"

static struct notify_msg parse(const char *s)
{
	struct notify_msg m;

	(void)notify_parse(s, strlen(s), &m);
	return m;
}

int main(void)
{
	struct notify_msg m;

	m = parse("READY=1\nSTATUS=serving 3 clients\nMAINPID=4242\n");
	CHECK_EQ(m.ready, 1);
	CHECK_EQ(m.mainpid, 4242);
	CHECK(m.status && m.status_len == 17 && !memcmp(m.status, "serving 3 clients", 17));
	CHECK_EQ(m.ignored, 0);
	m = parse("READY=0");
	CHECK_EQ(m.ready, 0);
	CHECK_EQ(m.ignored, 1);
	m = parse("MAINPID=1");
	CHECK_EQ(m.mainpid, 0);
	CHECK_EQ(m.bad_mainpid, 1);
	m = parse("MAINPID=12abc");
	CHECK_EQ(m.mainpid, 0);
	m = parse("MAINPID=99999999999");
	CHECK_EQ(m.mainpid, 0);
	m = parse("MAINPID=-5");
	CHECK_EQ(m.mainpid, 0);
	m = parse("MAINPID= 7");
	CHECK_EQ(m.mainpid, 0);
	m = parse("STOPPING=1\nRELOADING=1\nWATCHDOG=1\nFDSTORE=1");
	CHECK(m.stopping && m.reloading && m.watchdog);
	CHECK_EQ(m.ignored, 1);
	m = parse("READY=1x");
	CHECK_EQ(m.ready, 0);
	{
		const char with_nul[] = "STATUS=a\0READY=1";

		(void)notify_parse(with_nul, sizeof(with_nul) - 1, &m);
		CHECK_EQ(m.ready, 0); /* a NUL ends the message */
		CHECK(m.status && m.status_len == 1);
	}
	m = parse("");
	CHECK(!m.ready && !m.status && !m.mainpid);
	return t_done("test_notify");
}
