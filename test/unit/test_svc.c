// SPDX-License-Identifier: MIT
/*
 * Unit tests of the supervision state machine: every (state, event) pair,
 * backoff arithmetic, start limits, oneshot, forking, stop and kill.
 */
#include "t.h"

#include "services/svc.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#define EXIT(n) ((n) << 8)

static struct cfg_service base(void)
{
	struct cfg_service c;

	memset(&c, 0, sizeof(c));
	c.name = "t";
	c.restart = RESTART_ALWAYS;
	c.restart_delay_ms = 100;
	c.restart_delay_max_ms = 1000;
	c.start_limit = 10;
	c.start_limit_window_ms = 60000;
	c.ready_timeout_ms = 5000;
	c.stop_signal = SIGTERM;
	c.stop_timeout_ms = 500;
	c.enabled = 1;
	return c;
}

/* Put a fresh service into a given state. */
static void into(struct svc *s, enum svc_state st, int64_t now)
{
	switch (st) {
	case SVC_WAITING:
		break;
	case SVC_STARTING:
		(void)svc_step(s, EV_GO, 0, now);
		break;
	case SVC_RUNNING:
		(void)svc_step(s, EV_GO, 0, now);
		(void)svc_step(s, EV_SPAWNED, 42, now);
		break;
	case SVC_STOPPING:
		into(s, SVC_RUNNING, now);
		(void)svc_step(s, EV_STOP, 0, now);
		break;
	default:
		s->state = st;
		break;
	}
}

static void test_basic_lifecycle(void)
{
	struct cfg_service c = base();
	struct svc s;
	struct svc_action a;

	CHECK_EQ(svc_init(&s, &c), 0);
	CHECK_EQ(s.state, SVC_WAITING);
	CHECK_STR(svc_state_name(s.state), "starting");
	a = svc_step(&s, EV_GO, 0, 1000);
	CHECK_EQ(a.spawn, 1);
	CHECK_EQ(s.state, SVC_STARTING);
	a = svc_step(&s, EV_SPAWNED, 42, 1000);
	CHECK_EQ(s.state, SVC_RUNNING);
	CHECK_EQ(s.pid, 42);
	CHECK(svc_up(&s));
	/* crash: backoff 100ms, then 200, 400, 800, 1000 (max) */
	int64_t now = 2000;
	int64_t want[] = { 100, 200, 400, 800, 1000, 1000 };
	for (int i = 0; i < 6; i++) {
		a = svc_step(&s, EV_EXITED, EXIT(1), now);
		CHECK_EQ(s.state, SVC_BACKOFF);
		CHECK_EQ(s.timer_at - now, want[i]);
		CHECK_EQ(s.pid, 0);
		now = s.timer_at;
		a = svc_step(&s, EV_TIMER, 0, now);
		CHECK_EQ(a.spawn, 1);
		(void)svc_step(&s, EV_SPAWNED, 50 + i, now);
	}
	CHECK_EQ(s.restarts, 6);
	/* a stable run resets the delay */
	(void)svc_step(&s, EV_EXITED, EXIT(1), now + SVC_STABLE_MS);
	CHECK_EQ(s.timer_at - (now + SVC_STABLE_MS), 100);
	svc_free(&s);
}

static void test_restart_policies(void)
{
	struct cfg_service c = base();
	struct svc s;

	c.restart = RESTART_NEVER;
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	(void)svc_step(&s, EV_EXITED, EXIT(0), 10);
	CHECK_EQ(s.state, SVC_STOPPED);
	svc_free(&s);
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	(void)svc_step(&s, EV_EXITED, SIGKILL, 10);
	CHECK_EQ(s.state, SVC_FAILED);
	CHECK_EQ(s.last_status, SIGKILL);
	svc_free(&s);
	c.restart = RESTART_ON_FAILURE;
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	(void)svc_step(&s, EV_EXITED, EXIT(0), 10);
	CHECK_EQ(s.state, SVC_STOPPED);
	svc_free(&s);
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	(void)svc_step(&s, EV_EXITED, EXIT(3), 10);
	CHECK_EQ(s.state, SVC_BACKOFF);
	svc_free(&s);
	c.restart = RESTART_ALWAYS;
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	(void)svc_step(&s, EV_EXITED, EXIT(0), 10);
	CHECK_EQ(s.state, SVC_BACKOFF);
	svc_free(&s);
	/* restart_delay = 0 spawns at once */
	c.restart_delay_ms = 0;
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	CHECK_EQ(svc_step(&s, EV_EXITED, EXIT(1), 10).spawn, 1);
	CHECK_EQ(s.state, SVC_STARTING);
	svc_free(&s);
}

static void test_start_limit(void)
{
	struct cfg_service c = base();
	struct svc s;
	int64_t now = 0;
	int spawns = 0;

	c.start_limit = 3;
	c.start_limit_window_ms = 10000;
	c.restart_delay_ms = 0;
	CHECK_EQ(svc_init(&s, &c), 0);
	spawns += svc_step(&s, EV_GO, 0, now).spawn;
	for (int i = 0; i < 5 && s.state != SVC_FAILED; i++) {
		(void)svc_step(&s, EV_SPAWNED, 10 + i, now);
		now += 100;
		spawns += svc_step(&s, EV_EXITED, EXIT(1), now).spawn;
	}
	CHECK_EQ(spawns, 3); /* the first start included */
	CHECK_EQ(s.state, SVC_FAILED);
	CHECK(svc_final(&s));
	CHECK_STR(s.why, "start limit reached");
	/* an operator's start resets the limit */
	(void)svc_step(&s, EV_START, 0, now);
	CHECK_EQ(s.state, SVC_WAITING);
	CHECK_EQ(svc_step(&s, EV_GO, 0, now).spawn, 1);
	svc_free(&s);
	/* outside the window, starts no longer count */
	CHECK_EQ(svc_init(&s, &c), 0);
	now = 0;
	for (int i = 0; i < 6; i++) {
		if (i == 0)
			CHECK_EQ(svc_step(&s, EV_GO, 0, now).spawn, 1);
		CHECK_EQ(s.state, SVC_STARTING); /* delay 0: respawned at once */
		(void)svc_step(&s, EV_SPAWNED, 10 + i, now);
		now += 6000;
		(void)svc_step(&s, EV_EXITED, EXIT(1), now);
	}
	CHECK(s.state != SVC_FAILED);
	svc_free(&s);
	/* a service that never restarts keeps no ring of start times; a
	 * limit of 1 needs none either */
	CHECK_EQ(svc_init(&s, &c), 0);
	(void)svc_step(&s, EV_GO, 0, 0);
	CHECK(s.starts == NULL);
	(void)svc_step(&s, EV_SPAWNED, 10, 0);
	(void)svc_step(&s, EV_EXITED, EXIT(1), 100);
	CHECK(s.starts != NULL);
	svc_free(&s);
	c.start_limit = 1;
	CHECK_EQ(svc_init(&s, &c), 0);
	CHECK_EQ(svc_step(&s, EV_GO, 0, 0).spawn, 1);
	(void)svc_step(&s, EV_SPAWNED, 10, 0);
	CHECK_EQ(svc_step(&s, EV_EXITED, EXIT(1), 100).spawn, 0);
	CHECK_EQ(s.state, SVC_FAILED);
	CHECK(s.starts == NULL);
	svc_free(&s);
}

/* Start limits a unit may give: StartLimitBurst=0 (none: INT_MAX) or
 * one above what services.d allows keeps no ring (it was calloc'd at
 * that length, 16 GiB); a reload that changes the limit of a running
 * unit (its entry is replaced, not restarted) counts starts anew, in a
 * ring of the new length (the old one was written past its end). */
static int starts_until_failed(struct svc *s, int64_t *now, int most)
{
	int spawns = 0;

	for (int i = 0; i < most && s->state != SVC_FAILED; i++) {
		(void)svc_step(s, EV_SPAWNED, 10 + i, *now);
		*now += 100;
		spawns += svc_step(s, EV_EXITED, EXIT(1), *now).spawn;
	}
	return spawns;
}

static void test_start_limit_unit(void)
{
	struct cfg_service c = base();
	struct svc s;
	int64_t now = 0;

	c.origin = ORIGIN_UNIT;
	c.restart_delay_ms = 0;
	c.start_limit = 2147483647; /* StartLimitBurst=0 */
	CHECK_EQ(svc_init(&s, &c), 0);
	(void)svc_step(&s, EV_GO, 0, now);
	CHECK_EQ(starts_until_failed(&s, &now, 50), 50);
	CHECK_EQ(s.state, SVC_STARTING);
	CHECK(s.starts == NULL);
	svc_free(&s);
	c.start_limit = 20000;
	CHECK_EQ(svc_init(&s, &c), 0);
	(void)svc_step(&s, EV_GO, 0, now);
	CHECK_EQ(starts_until_failed(&s, &now, 50), 50);
	CHECK(s.starts == NULL);
	svc_free(&s);
	/* a limit of 2, raised to 40 after two starts: 40 more */
	now = 0;
	c.start_limit = 2;
	CHECK_EQ(svc_init(&s, &c), 0);
	(void)svc_step(&s, EV_GO, 0, now);
	(void)svc_step(&s, EV_SPAWNED, 10, now);
	now += 100;
	CHECK_EQ(svc_step(&s, EV_EXITED, EXIT(1), now).spawn, 1);
	c.start_limit = 40;
	CHECK_EQ(starts_until_failed(&s, &now, 100), 40);
	CHECK_EQ(s.state, SVC_FAILED);
	svc_free(&s);
	/* ... and one of 40 lowered to 3 after 11: 3 more */
	now = 0;
	c.start_limit = 40;
	CHECK_EQ(svc_init(&s, &c), 0);
	(void)svc_step(&s, EV_GO, 0, now);
	CHECK_EQ(starts_until_failed(&s, &now, 10), 10);
	c.start_limit = 3;
	CHECK_EQ(starts_until_failed(&s, &now, 100), 3);
	CHECK_EQ(s.state, SVC_FAILED);
	svc_free(&s);
}

static void test_oneshot(void)
{
	struct cfg_service c = base();
	struct svc s;

	c.type = TYPE_ONESHOT;
	c.restart = RESTART_NEVER;
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0); /* spawned, but a oneshot stays starting */
	CHECK_EQ(s.state, SVC_STARTING);
	CHECK(!svc_settled(&s));
	CHECK_EQ(s.timer_at, 0); /* no ready timeout for a oneshot */
	(void)svc_step(&s, EV_EXITED, EXIT(0), 10);
	CHECK_EQ(s.state, SVC_DONE);
	CHECK(svc_up(&s));
	CHECK_STR(svc_state_name(s.state), "done");
	svc_free(&s);
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	(void)svc_step(&s, EV_EXITED, EXIT(2), 10);
	CHECK_EQ(s.state, SVC_FAILED);
	CHECK(svc_settled(&s) && !svc_up(&s));
	svc_free(&s);
	c.restart = RESTART_ON_FAILURE;
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	(void)svc_step(&s, EV_EXITED, EXIT(2), 10);
	CHECK_EQ(s.state, SVC_BACKOFF);
	svc_free(&s);
}

/* A service that was not ready in time, with no restart, says so. */
static void test_reason_kept(void)
{
	struct cfg_service c = base();
	struct svc s;

	c.restart = RESTART_NEVER;
	c.ready = READY_FILE;
	CHECK_EQ(svc_init(&s, &c), 0);
	(void)svc_step(&s, EV_GO, 0, 0);
	(void)svc_step(&s, EV_SPAWNED, 42, 0);
	(void)svc_step(&s, EV_TIMER, 0, 5000);
	CHECK_EQ(s.state, SVC_STOPPING);
	(void)svc_step(&s, EV_EXITED, SIGTERM, 5010);
	CHECK_EQ(s.state, SVC_FAILED);
	CHECK(s.why && strcmp(s.why, "not ready in time") == 0);
	svc_free(&s);
}

static void test_readiness(void)
{
	struct cfg_service c = base();
	struct svc s;
	struct svc_action a;

	c.ready = READY_TCP;
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 1000);
	CHECK_EQ(s.state, SVC_STARTING);
	CHECK_EQ(s.timer_at, 6000);
	(void)svc_step(&s, EV_READY, 0, 1500);
	CHECK_EQ(s.state, SVC_RUNNING);
	CHECK_EQ(s.timer_at, 0);
	svc_free(&s);
	/* not ready in time: stopped with its stop signal, then restarted */
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 1000);
	a = svc_step(&s, EV_TIMER, 0, 6000);
	CHECK_EQ(a.signal, SIGTERM);
	CHECK_EQ(s.state, SVC_STOPPING);
	CHECK_STR(s.why, "not ready in time");
	s.group_alive = 0;
	(void)svc_step(&s, EV_EXITED, SIGTERM, 6100);
	CHECK_EQ(s.state, SVC_BACKOFF);
	svc_free(&s);
	/* forking: the pidfile's pid becomes main, and is the readiness */
	c.ready = READY_NONE;
	c.type = TYPE_FORKING;
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	CHECK_EQ(s.state, SVC_STARTING);
	(void)svc_step(&s, EV_FORKED, 777, 10);
	CHECK_EQ(s.state, SVC_RUNNING);
	CHECK_EQ(s.pid, 777);
	svc_free(&s);
}

static void test_stop(void)
{
	struct cfg_service c = base();
	struct svc s;
	struct svc_action a;

	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	a = svc_step(&s, EV_STOP, 0, 100);
	CHECK_EQ(a.signal, SIGTERM);
	CHECK_EQ(s.timer_at, 600);
	a = svc_step(&s, EV_TIMER, 0, 600);
	CHECK_EQ(a.signal, SIGKILL);
	CHECK_EQ(s.state, SVC_STOPPING);
	(void)svc_step(&s, EV_EXITED, SIGKILL, 610);
	CHECK_EQ(s.state, SVC_STOPPED);
	CHECK_EQ(s.restarts, 0); /* a wanted stop is no restart */
	svc_free(&s);
	/* the main process exits but its group lingers: wait for it */
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_STOPPING, 0);
	s.group_alive = 1;
	(void)svc_step(&s, EV_EXITED, SIGTERM, 50);
	CHECK_EQ(s.state, SVC_STOPPING);
	(void)svc_step(&s, EV_GROUP_EMPTY, 0, 60);
	CHECK_EQ(s.state, SVC_STOPPED);
	svc_free(&s);
	/* stop from backoff and from waiting is immediate */
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	(void)svc_step(&s, EV_EXITED, EXIT(1), 10);
	CHECK_EQ(s.state, SVC_BACKOFF);
	a = svc_step(&s, EV_STOP, 0, 20);
	CHECK_EQ(s.state, SVC_STOPPED);
	CHECK_EQ(a.signal, 0);
	CHECK_EQ(s.timer_at, 0);
	svc_free(&s);
	/* unhealthy: stop, then restart per policy */
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	a = svc_step(&s, EV_UNHEALTHY, 0, 10);
	CHECK_EQ(a.signal, SIGTERM);
	(void)svc_step(&s, EV_EXITED, SIGTERM, 20);
	CHECK_EQ(s.state, SVC_BACKOFF);
	svc_free(&s);
}

/* kill_mode: who gets the stop signal and the final SIGKILL. */
static void test_kill_mode(void)
{
	struct cfg_service c = base();
	struct svc s;
	struct svc_action a;

	/* group (the default): both to the group; wait for it to empty */
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	a = svc_step(&s, EV_STOP, 0, 0);
	CHECK(a.signal == SIGTERM && a.group == 1);
	a = svc_step(&s, EV_TIMER, 0, 500);
	CHECK(a.signal == SIGKILL && a.group == 1);
	svc_free(&s);
	/* mixed: TERM to the main process; once it exits, SIGKILL to the
	 * rest of the group at once, then wait for it to empty */
	c.kill_mode = KILL_MIXED;
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	a = svc_step(&s, EV_STOP, 0, 0);
	CHECK(a.signal == SIGTERM && a.group == 0);
	s.group_alive = 1;
	a = svc_step(&s, EV_EXITED, EXIT(0), 100);
	CHECK(a.signal == SIGKILL && a.group == 1);
	CHECK_EQ(s.state, SVC_STOPPING);
	(void)svc_step(&s, EV_GROUP_EMPTY, 0, 110);
	CHECK_EQ(s.state, SVC_STOPPED);
	svc_free(&s);
	/* mixed, nothing left: stopped when the main process exits */
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_STOPPING, 0);
	s.group_alive = 0;
	a = svc_step(&s, EV_EXITED, EXIT(0), 100);
	CHECK(a.signal == 0 && s.state == SVC_STOPPED);
	svc_free(&s);
	/* mixed: the stop timeout's SIGKILL goes to the whole group */
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_STOPPING, 0);
	a = svc_step(&s, EV_TIMER, 0, 500);
	CHECK(a.signal == SIGKILL && a.group == 1);
	svc_free(&s);
	/* process: both to the main process; the rest of its group stays */
	c.kill_mode = KILL_PROCESS;
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	a = svc_step(&s, EV_STOP, 0, 0);
	CHECK(a.signal == SIGTERM && a.group == 0);
	a = svc_step(&s, EV_TIMER, 0, 500);
	CHECK(a.signal == SIGKILL && a.group == 0);
	s.group_alive = 1;
	a = svc_step(&s, EV_EXITED, SIGKILL, 510);
	CHECK(a.signal == 0 && s.state == SVC_STOPPED);
	svc_free(&s);
}

/* Every state x event pair: never crashes, never leaves the state set,
 * and the final states only move on an operator's start. */
/* Condition*= and Assert*= are asked in starting, before the spawn. */
static void test_conditions(void)
{
	struct cfg_service c = base();
	struct svc s;
	struct svc_action a;

	CHECK_EQ(svc_init(&s, &c), 0);
	a = svc_step(&s, EV_GO, 0, 1000);
	CHECK_EQ(a.spawn, 1);
	a = svc_step(&s, EV_SKIPPED, 0, 1000);
	CHECK_EQ(s.state, SVC_SKIPPED);
	CHECK_STR(svc_state_name(s.state), "skipped");
	CHECK(!a.spawn && !a.signal);
	/* not failed: final, settled, and up for what requires it */
	CHECK(svc_final(&s) && svc_settled(&s) && svc_up(&s));
	CHECK_EQ(s.timer_at, 0);
	/* restart = always does not apply: nothing ran */
	a = svc_step(&s, EV_TIMER, 0, 5000);
	CHECK_EQ(s.state, SVC_SKIPPED);
	/* a stop leaves it skipped, a start asks again */
	(void)svc_step(&s, EV_STOP, 0, 5000);
	CHECK_EQ(s.state, SVC_SKIPPED);
	(void)svc_step(&s, EV_START, 0, 5000);
	CHECK_EQ(s.state, SVC_WAITING);
	a = svc_step(&s, EV_GO, 0, 5000);
	CHECK_EQ(a.spawn, 1);
	/* an assert fails the start, with no restart */
	a = svc_step(&s, EV_ASSERT_FAILED, 0, 5000);
	CHECK_EQ(s.state, SVC_FAILED);
	CHECK_STR(s.why, "an assert failed");
	CHECK(!svc_up(&s) && svc_final(&s) && !a.spawn);
	CHECK_EQ(s.timer_at, 0);
	/* once the process runs, neither event means anything */
	(void)svc_step(&s, EV_START, 0, 6000);
	(void)svc_step(&s, EV_GO, 0, 6000);
	(void)svc_step(&s, EV_SPAWNED, 42, 6000);
	CHECK_EQ(s.state, SVC_RUNNING);
	(void)svc_step(&s, EV_SKIPPED, 0, 6000);
	CHECK_EQ(s.state, SVC_RUNNING);
	c.ready = READY_FILE; /* a start that waits for readiness */
	(void)svc_step(&s, EV_STOP, 0, 6000);
	(void)svc_step(&s, EV_EXITED, SIGTERM, 6000);
	(void)svc_step(&s, EV_START, 0, 7000);
	(void)svc_step(&s, EV_GO, 0, 7000);
	(void)svc_step(&s, EV_SPAWNED, 43, 7000);
	CHECK_EQ(s.state, SVC_STARTING);
	(void)svc_step(&s, EV_ASSERT_FAILED, 0, 7000);
	CHECK_EQ(s.state, SVC_STARTING);
	CHECK_EQ(s.pid, 43);
	svc_free(&s);
}

/* ExecStart=-: whatever end of the main process is a success */
static void test_exec_ignore(void)
{
	struct cfg_service c = base();
	struct svc s;

	c.restart = RESTART_ON_FAILURE;
	c.exec_flags = CFG_EXEC_IGNORE;
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	(void)svc_step(&s, EV_EXITED, EXIT(3), 100);
	CHECK_EQ(s.state, SVC_STOPPED);
	CHECK_EQ(s.restarts, 0);
	c.exec_flags = 0;
	(void)svc_step(&s, EV_START, 0, 200);
	into(&s, SVC_RUNNING, 200);
	(void)svc_step(&s, EV_EXITED, EXIT(3), 300);
	CHECK_EQ(s.state, SVC_BACKOFF);
	svc_free(&s);
}

/* A unit's Restart= against systemd's table: which ends restart. */
static void test_unit_restart_table(void)
{
	static const struct {
		enum cfg_restart r;
		int clean, code, sig, timeout; /* restarted after each? */
	} t[] = {
		{ RESTART_NEVER, 0, 0, 0, 0 },
		{ RESTART_ALWAYS, 1, 1, 1, 1 },
		{ RESTART_ON_SUCCESS, 1, 0, 0, 0 },
		{ RESTART_ON_FAILURE, 0, 1, 1, 1 },
		{ RESTART_ON_ABNORMAL, 0, 0, 1, 1 },
		{ RESTART_ON_ABORT, 0, 0, 1, 0 },
		{ RESTART_ON_WATCHDOG, 0, 0, 0, 0 },
	};

	for (size_t k = 0; k < sizeof(t) / sizeof(*t); k++) {
		struct cfg_service c = base();
		int want[4] = { t[k].clean, t[k].code, t[k].sig, t[k].timeout };
		int how[3] = { EXIT(0), EXIT(2), SIGSEGV };
		struct svc s;

		c.origin = ORIGIN_UNIT;
		c.restart = t[k].r;
		for (int e = 0; e < 4; e++) {
			CHECK_EQ(svc_init(&s, &c), 0);
			into(&s, SVC_RUNNING, 0);
			if (e < 3) {
				(void)svc_step(&s, EV_EXITED, how[e], 100);
			} else { /* not ready in time */
				s.state = SVC_STARTING;
				(void)svc_step(&s, EV_TIMER, 0, 6000);
				(void)svc_step(&s, EV_EXITED, SIGTERM, 6100);
			}
			if (want[e])
				CHECK_EQ(s.state, SVC_BACKOFF);
			else
				CHECK_EQ(s.state, e == 0 ? SVC_STOPPED : SVC_FAILED);
			svc_free(&s);
		}
	}
}

/* What counts as clean for a unit: SIGTERM and friends (not for a
 * oneshot), SuccessExitStatus=; RestartPreventExitStatus= and
 * RestartForceExitStatus= win over Restart=. services.d: exit 0 only. */
static void test_unit_exit_status(void)
{
	struct cfg_service c = base();
	struct svc s;

	CHECK(!svc_clean(&c, SIGTERM));
	c.origin = ORIGIN_UNIT;
	CHECK(svc_clean(&c, SIGTERM));
	CHECK(svc_clean(&c, SIGPIPE));
	CHECK(!svc_clean(&c, SIGKILL));
	CHECK(!svc_clean(&c, EXIT(143)));
	c.success_status.code[143 / 8] |= 1 << (143 % 8);
	c.success_status.sigs |= 1ULL << (SIGUSR1 - 1);
	CHECK(svc_clean(&c, EXIT(143)));
	CHECK(svc_clean(&c, SIGUSR1));
	c.type = TYPE_ONESHOT;
	CHECK(!svc_clean(&c, SIGTERM));
	c.type = TYPE_SIMPLE;

	c.restart = RESTART_ON_FAILURE;
	c.restart_prevent.code[0] |= 1 << 3;
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	(void)svc_step(&s, EV_EXITED, EXIT(3), 100);
	CHECK_EQ(s.state, SVC_FAILED);
	svc_free(&s);
	c.restart = RESTART_NEVER;
	c.restart_force.code[0] |= 1 << 4;
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	(void)svc_step(&s, EV_EXITED, EXIT(4), 100);
	CHECK_EQ(s.state, SVC_BACKOFF);
	svc_free(&s);
	/* RemainAfterExit=: a clean end leaves it done (active) */
	c.remain_after_exit = 1;
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	(void)svc_step(&s, EV_EXITED, EXIT(0), 100);
	CHECK_EQ(s.state, SVC_DONE);
	CHECK(svc_up(&s));
	svc_free(&s);
}

/* ExecStartPost=: up only once they succeeded; a failure stops it. */
static void test_post(void)
{
	static struct cfg_cmd one = { 0 };
	struct cfg_service c = base();
	struct svc s;
	struct svc_action a;

	c.origin = ORIGIN_UNIT;
	c.restart = RESTART_NEVER;
	c.start_post.v = &one;
	c.start_post.n = 1;
	CHECK_EQ(svc_init(&s, &c), 0);
	(void)svc_step(&s, EV_GO, 0, 0);
	a = svc_step(&s, EV_SPAWNED, 42, 10);
	CHECK_EQ(a.post, 1);
	CHECK_EQ(s.state, SVC_STARTING);
	CHECK(!svc_up(&s) && !svc_settled(&s));
	CHECK_EQ(s.timer_at, 10 + 5000); /* within the start budget */
	a = svc_step(&s, EV_READY, 0, 20); /* no second run of them */
	CHECK_EQ(a.post, 0);
	(void)svc_step(&s, EV_POST_DONE, 0, 30);
	CHECK_EQ(s.state, SVC_RUNNING);
	CHECK(svc_up(&s));
	CHECK_EQ(s.timer_at, 0);
	/* a failed one: the main process is stopped, then it is failed */
	(void)svc_step(&s, EV_STOP, 0, 40);
	(void)svc_step(&s, EV_EXITED, SIGTERM, 50);
	(void)svc_step(&s, EV_START, 0, 60);
	(void)svc_step(&s, EV_GO, 0, 60);
	a = svc_step(&s, EV_SPAWNED, 43, 70);
	CHECK_EQ(a.post, 1);
	a = svc_step(&s, EV_POST_FAILED, EXIT(1), 80);
	CHECK_EQ(s.state, SVC_STOPPING);
	CHECK_EQ(a.signal, SIGTERM);
	(void)svc_step(&s, EV_EXITED, SIGTERM, 90);
	CHECK_EQ(s.state, SVC_FAILED);
	svc_free(&s);
	/* a oneshot: after its main process exited cleanly */
	c.type = TYPE_ONESHOT;
	CHECK_EQ(svc_init(&s, &c), 0);
	(void)svc_step(&s, EV_GO, 0, 0);
	(void)svc_step(&s, EV_SPAWNED, 44, 0);
	a = svc_step(&s, EV_EXITED, EXIT(0), 10);
	CHECK_EQ(a.post, 1);
	CHECK_EQ(s.state, SVC_STARTING);
	CHECK_EQ(s.pid, 0);
	(void)svc_step(&s, EV_POST_FAILED, EXIT(1), 20);
	CHECK_EQ(s.state, SVC_FAILED);
	svc_free(&s);
}

/* ExecStop=: asked for instead of the stop signal, for a run that came
 * up (also a RemainAfterExit= one that is done), not for a start. */
static void test_stop_cmds(void)
{
	static struct cfg_cmd one = { 0 };
	struct cfg_service c = base();
	struct svc s;
	struct svc_action a;

	c.origin = ORIGIN_UNIT;
	c.stop.v = &one;
	c.stop.n = 1;
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	a = svc_step(&s, EV_STOP, 0, 10);
	CHECK_EQ(a.stop_cmds, 1);
	CHECK_EQ(a.signal, 0);
	CHECK_EQ(s.state, SVC_STOPPING);
	CHECK_EQ(s.timer_at, 10 + 500);
	svc_free(&s);
	c.ready = READY_NOTIFY; /* not up yet when it is stopped */
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_STARTING, 0);
	(void)svc_step(&s, EV_SPAWNED, 42, 0);
	a = svc_step(&s, EV_STOP, 0, 10);
	CHECK_EQ(a.stop_cmds, 0);
	CHECK_EQ(a.signal, SIGTERM);
	svc_free(&s);
	c.ready = READY_NONE;
	c.restart = RESTART_NEVER;
	c.type = TYPE_ONESHOT;
	c.remain_after_exit = 1;
	CHECK_EQ(svc_init(&s, &c), 0);
	(void)svc_step(&s, EV_GO, 0, 0);
	(void)svc_step(&s, EV_SPAWNED, 42, 0);
	(void)svc_step(&s, EV_EXITED, EXIT(0), 0);
	CHECK_EQ(s.state, SVC_DONE);
	a = svc_step(&s, EV_STOP, 0, 10);
	CHECK_EQ(a.stop_cmds, 1);
	CHECK_EQ(s.state, SVC_STOPPING);
	(void)svc_step(&s, EV_GROUP_EMPTY, 0, 20);
	CHECK_EQ(s.state, SVC_STOPPED);
	svc_free(&s);
}

/* SendSIGKILL=no: a stop that outlasts its timeout is given up (failed),
 * nothing is SIGKILLed; RuntimeMaxSec=: a run that lasts longer is
 * stopped, and it is a failure (Restart=on-failure restarts it). */
static void test_unit_stop_keys(void)
{
	struct cfg_service c = base();
	struct svc s;
	struct svc_action a;

	c.origin = ORIGIN_UNIT;
	c.restart = RESTART_ON_FAILURE;
	c.send_sigkill = 0;
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	(void)svc_step(&s, EV_STOP, 0, 10);
	a = svc_step(&s, EV_TIMER, 0, 510);
	CHECK_EQ(a.signal, 0);
	CHECK_EQ(s.state, SVC_FAILED);
	CHECK_EQ(s.timer_at, 0);
	svc_free(&s);
	c.origin = ORIGIN_SERVICES_D; /* services.d: always SIGKILL */
	CHECK_EQ(svc_init(&s, &c), 0);
	into(&s, SVC_RUNNING, 0);
	(void)svc_step(&s, EV_STOP, 0, 10);
	a = svc_step(&s, EV_TIMER, 0, 510);
	CHECK_EQ(a.signal, SIGKILL);
	svc_free(&s);
	c.origin = ORIGIN_UNIT;
	c.send_sigkill = 1;
	c.runtime_max_ms = 3000;
	CHECK_EQ(svc_init(&s, &c), 0);
	(void)svc_step(&s, EV_GO, 0, 1000);
	(void)svc_step(&s, EV_SPAWNED, 42, 1000);
	CHECK_EQ(s.state, SVC_RUNNING);
	CHECK_EQ(s.timer_at, 4000);
	a = svc_step(&s, EV_TIMER, 0, 4000);
	CHECK_EQ(s.state, SVC_STOPPING);
	CHECK_EQ(a.signal, SIGTERM);
	(void)svc_step(&s, EV_EXITED, SIGTERM, 4100);
	CHECK_EQ(s.state, SVC_BACKOFF);
	svc_free(&s);
	/* a reload took RuntimeMaxSec= away from the running unit: its timer
	 * is dropped when due (it stayed due: pid 1 woke for it at once,
	 * for ever) */
	CHECK_EQ(svc_init(&s, &c), 0);
	(void)svc_step(&s, EV_GO, 0, 1000);
	(void)svc_step(&s, EV_SPAWNED, 42, 1000);
	c.runtime_max_ms = 0;
	a = svc_step(&s, EV_TIMER, 0, 4000);
	CHECK_EQ(a.signal, 0);
	CHECK_EQ(s.state, SVC_RUNNING);
	CHECK_EQ(s.timer_at, 0);
	svc_free(&s);
	/* ... or made it longer: the timer moves to the new end */
	c.runtime_max_ms = 3000;
	CHECK_EQ(svc_init(&s, &c), 0);
	(void)svc_step(&s, EV_GO, 0, 1000);
	(void)svc_step(&s, EV_SPAWNED, 42, 1000);
	c.runtime_max_ms = 9000;
	a = svc_step(&s, EV_TIMER, 0, 4000);
	CHECK_EQ(s.state, SVC_RUNNING);
	CHECK_EQ(s.timer_at, 10000);
	a = svc_step(&s, EV_TIMER, 0, 10000);
	CHECK_EQ(s.state, SVC_STOPPING);
	CHECK_EQ(a.signal, SIGTERM);
	svc_free(&s);
}

static void test_every_pair(void)
{
	struct cfg_service c = base();

	for (int st = 0; st < SVC_NSTATES; st++) {
		for (int ev = 0; ev < EV_NEVENTS; ev++) {
			struct svc s;
			struct svc_action a;
			int was_final;

			CHECK_EQ(svc_init(&s, &c), 0);
			into(&s, (enum svc_state)st, 0);
			was_final = svc_final(&s);
			a = svc_step(&s, (enum svc_event)ev, EXIT(1), 1000);
			CHECK(s.state < SVC_NSTATES);
			CHECK(svc_event_name((enum svc_event)ev)[0] != '?');
			if (was_final && ev != EV_START && ev != EV_STOP)
				CHECK_EQ(s.state, (enum svc_state)st);
			if (a.spawn)
				CHECK_EQ(s.state, SVC_STARTING);
			if (s.state == SVC_STOPPED || s.state == SVC_FAILED ||
			    s.state == SVC_DONE || s.state == SVC_SKIPPED)
				CHECK(s.timer_at == 0 || s.pid == 0);
			svc_free(&s);
		}
	}
}

int main(void)
{
	test_basic_lifecycle();
	test_restart_policies();
	test_start_limit();
	test_start_limit_unit();
	test_oneshot();
	test_readiness();
	test_reason_kept();
	test_stop();
	test_kill_mode();
	test_conditions();
	test_exec_ignore();
	test_unit_restart_table();
	test_unit_exit_status();
	test_post();
	test_stop_cmds();
	test_unit_stop_keys();
	test_every_pair();
	return t_done("test_svc");
}
