// SPDX-License-Identifier: MIT
/*
 * Unit tests of the scheduler, from tables of events and the actions
 * they must queue: dependency order and readiness gates, blocked
 * requirements, probes, health retries, forking daemons, leftovers, the
 * stop (order, budget, deadline, what is said), operators' commands and
 * reload diffs. No process is made.
 */
#include "t.h"

#include "services/sched.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#define EXIT(n) ((n) << 8)

static char *argv_sleep[] = { "sleep", "1000", NULL };
static char *dep_a[] = { "a", NULL };
static char *dep_b[] = { "b", NULL };

static void svc_base(struct cfg_service *c, char *name)
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->file = name;
	c->argv = argv_sleep;
	c->restart = RESTART_ALWAYS;
	c->restart_delay_ms = 100;
	c->restart_delay_max_ms = 1000;
	c->start_limit = 10;
	c->start_limit_window_ms = 60000;
	c->ready_timeout_ms = 5000;
	c->stop_signal = SIGTERM;
	c->stop_timeout_ms = 500;
	c->health_interval_ms = 1000;
	c->health_retries = 2;
	c->enabled = 1;
}

/* The process of u in role exited (its pid, as the caller's map has it). */
static void reap(struct sched *s, size_t i, enum sched_role role, int status,
		 int alive)
{
	const struct sched_unit *u = &s->u[i];
	pid_t pid[] = { u->svc.pid, u->launcher, u->probe_pid, u->health_pid,
			u->ex_pid };

	sched_reaped(s, i, role, pid[role], status, alive);
}

/* The actions queued, as one line: "spawn:a signal:b:15:g ..." */
static char got[4096];

static const char *acts(struct sched *s)
{
	struct sched_act a;
	size_t n = 0;

	got[0] = '\0';
	while (sched_take(s, &a)) {
		const char *u = a.u >= 0 ? (s->u[a.u].is_cmd ? "cmd" : s->u[a.u].cfg->name) : "-";
		int w = 0;

		switch (a.kind) {
		case SA_SPAWN: w = snprintf(got + n, sizeof(got) - n, "spawn:%s ", u); break;
		case SA_CONDITIONS: w = snprintf(got + n, sizeof(got) - n, "conditions:%s ", u); break;
		case SA_SIGNAL: w = snprintf(got + n, sizeof(got) - n, "signal:%s:%d:%s ", u, a.sig, a.group ? "g" : "m"); break;
		case SA_KILL_GROUP: w = snprintf(got + n, sizeof(got) - n, "killgroup:%s:%d:%d ", u, (int)a.pid, a.sig); break;
		case SA_KILL_REST: w = snprintf(got + n, sizeof(got) - n, "killrest:%d ", a.sig); break;
		case SA_READ_PIDFILE: w = snprintf(got + n, sizeof(got) - n, "pidfile:%s ", u); break;
		case SA_CHECK: w = snprintf(got + n, sizeof(got) - n, "check:%s ", u); break;
		case SA_SPAWN_PROBE: w = snprintf(got + n, sizeof(got) - n, "probe:%s ", u); break;
		case SA_SPAWN_HEALTH: w = snprintf(got + n, sizeof(got) - n, "health:%s ", u); break;
		case SA_KILL_PROBE: w = snprintf(got + n, sizeof(got) - n, "killprobe:%s:%d ", u, (int)a.pid); break;
		case SA_STATE: w = snprintf(got + n, sizeof(got) - n, "state:%s:%s ", u, svc_state_name(a.state)); break;
		case SA_EXITED: w = snprintf(got + n, sizeof(got) - n, "exited:%s ", u); break;
		case SA_KILLED: w = snprintf(got + n, sizeof(got) - n, "killed:%s:%s ", u, a.msg); break;
		case SA_SAY: w = snprintf(got + n, sizeof(got) - n, "say:%s:%s ", u, a.msg); break;
		case SA_REBIND: w = snprintf(got + n, sizeof(got) - n, "rebind:%s ", u); break;
		case SA_RELEASE: w = snprintf(got + n, sizeof(got) - n, "release:%s ", u); break;
		case SA_STOPPING: w = snprintf(got + n, sizeof(got) - n, "stopping "); break;
		case SA_REMOVE_RUNTIME: w = snprintf(got + n, sizeof(got) - n, "rmruntime:%s:%s ", u, a.cfg ? a.cfg->name : "?"); break;
		case SA_SPAWN_EXEC: w = snprintf(got + n, sizeof(got) - n, "exec:%s:%s%s ", u, sched_exec_name(a.ex), a.cmd->argv[0]); break;
		case SA_SIGNAL_EXEC: w = snprintf(got + n, sizeof(got) - n, "sigexec:%s:%d:%d ", u, (int)a.pid, a.sig); break;
		}
		if (w > 0 && (size_t)w < sizeof(got) - n)
			n += (size_t)w;
	}
	if (n)
		got[n - 1] = '\0';
	return got;
}

/* Whether every word of want appears in the actions, in this order. */
static int has(const char *all, const char *want)
{
	char w[1024], *save, *tok;
	const char *at = all;

	snprintf(w, sizeof(w), "%s", want);
	for (tok = strtok_r(w, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		const char *p = strstr(at, tok);

		if (!p) {
			fprintf(stderr, "  missing '%s' in: %s\n", tok, all);
			return 0;
		}
		at = p + strlen(tok);
	}
	return 1;
}

static int lacks(const char *all, const char *word)
{
	if (strstr(all, word)) {
		fprintf(stderr, "  unexpected '%s' in: %s\n", word, all);
		return 0;
	}
	return 1;
}

/* Carry out the queued spawns as init would, pids from 100 up. */
static pid_t next_pid = 100;

static void run_spawns(struct sched *s)
{
	struct sched_act a;
	size_t n = 0;

	while (sched_take(s, &a)) {
		if (a.kind == SA_SPAWN)
			(void)sched_spawned(s, (size_t)a.u, next_pid++);
		if (++n > 1000)
			break;
	}
}

static void test_order(void)
{
	struct cfg cfg;
	struct cfg_service sv[3], cmd;
	struct sched s;
	int a, b;

	cfg_defaults(&cfg);
	svc_base(&sv[0], "a");
	sv[0].ready = READY_FILE;
	svc_base(&sv[1], "b");
	sv[1].after = dep_a;
	svc_base(&sv[2], "c");
	sv[2].requires = dep_b;
	cfg.svcs = sv;
	cfg.nsvcs = 3;
	svc_base(&cmd, "cmd");
	cmd.restart = RESTART_NEVER;
	cmd.after = dep_b;
	CHECK_EQ(sched_init(&s, &cfg, &cmd, 0, 1000), 0);
	sched_step(&s, 1000);
	CHECK(has(acts(&s), "spawn:a state:a:starting"));
	CHECK(lacks(got, "spawn:b"));
	a = sched_find(&s, "a");
	b = sched_find(&s, "b");
	(void)sched_spawned(&s, (size_t)a, 10);
	CHECK(lacks(acts(&s), "state:a:running")); /* waits for its file */
	sched_tick(&s, 1000);
	CHECK(has(acts(&s), "check:a"));
	sched_not_yet(&s, (size_t)a);
	CHECK_EQ(sched_next_deadline(&s), 1000 + SCHED_PROBE_MS);
	sched_ready(&s, (size_t)a);
	sched_step(&s, 1001);
	CHECK(has(acts(&s), "state:a:running spawn:b"));
	(void)sched_spawned(&s, (size_t)b, 11);
	sched_step(&s, 1002);
	/* b has no readiness: ready once spawned; c requires it; CMD after b */
	CHECK(has(acts(&s), "state:b:running spawn:c spawn:cmd"));
	sched_free(&s);
	cfg.svcs = NULL;
	cfg.nsvcs = 0;
	cfg_free(&cfg);
}

static void test_blocked(void)
{
	struct cfg cfg;
	struct cfg_service sv[2];
	struct sched s;

	cfg_defaults(&cfg);
	svc_base(&sv[0], "b");
	sv[0].restart = RESTART_NEVER;
	svc_base(&sv[1], "c");
	sv[1].requires = dep_b;
	cfg.svcs = sv;
	cfg.nsvcs = 2;
	CHECK_EQ(sched_init(&s, &cfg, NULL, 0, 0), 0);
	sched_step(&s, 0);
	(void)acts(&s);
	(void)sched_spawned(&s, 0, 10);
	sched_step(&s, 0);
	(void)acts(&s);
	(void)sched_spawned(&s, 1, 11);
	(void)acts(&s);
	/* b fails for good: c, which requires it, is stopped? no: it runs;
	 * a new start of c would be blocked */
	reap(&s, 0, ROLE_MAIN, EXIT(1), 0);
	CHECK(has(acts(&s), "exited:b state:b:failed"));
	CHECK_EQ(sched_stop(&s, 1), 0);
	(void)acts(&s);
	reap(&s, 1, ROLE_MAIN, SIGTERM, 0);
	(void)acts(&s);
	CHECK_EQ(sched_start(&s, 1), 0);
	sched_step(&s, 10);
	CHECK(has(acts(&s), "state:c:blocked"));
	CHECK(lacks(got, "spawn:c"));
	/* b comes back: c is unblocked */
	CHECK_EQ(sched_start(&s, 0), 0);
	sched_step(&s, 20);
	CHECK(has(acts(&s), "spawn:b"));
	(void)sched_spawned(&s, 0, 12);
	sched_step(&s, 21);
	CHECK(has(acts(&s), "spawn:c"));
	sched_free(&s);
	cfg.svcs = NULL;
	cfg.nsvcs = 0;
	cfg_free(&cfg);
}

/* Units with Condition*= / Assert*=: asked before each start; a failed
 * condition skips (what requires it starts, wait-ready is met), a failed
 * assert fails the start (what requires it is blocked). */
static void test_conditions(void)
{
	static struct cfg_cond cond = { .kind = COND_PATH_EXISTS, .arg = "/x" };
	struct cfg cfg;
	struct cfg_service sv[2];
	struct sched s;

	cfg_defaults(&cfg);
	svc_base(&sv[0], "a");
	sv[0].conds = &cond;
	sv[0].nconds = 1;
	svc_base(&sv[1], "b");
	sv[1].requires = dep_a;
	cfg.svcs = sv;
	cfg.nsvcs = 2;
	CHECK_EQ(sched_init(&s, &cfg, NULL, 0, 0), 0);
	sched_step(&s, 0);
	CHECK(has(acts(&s), "conditions:a"));
	CHECK(lacks(got, "spawn:a"));
	/* met: the spawn follows */
	sched_conditions(&s, 0, SCHED_COND_MET, "");
	CHECK(has(acts(&s), "spawn:a"));
	(void)sched_spawned(&s, 0, 10);
	/* a stale answer once it runs changes nothing */
	sched_conditions(&s, 0, SCHED_COND_FAILED, "late");
	CHECK(lacks(acts(&s), "skipped"));
	CHECK_EQ(s.u[0].svc.state, SVC_RUNNING);
	sched_step(&s, 1);
	(void)acts(&s);
	(void)sched_spawned(&s, 1, 11);
	(void)acts(&s);
	/* restarted after a crash: asked again */
	reap(&s, 0, ROLE_MAIN, EXIT(1), 0);
	(void)acts(&s);
	sched_tick(&s, 1000);
	CHECK(has(acts(&s), "conditions:a"));
	sched_conditions(&s, 0, SCHED_COND_FAILED,
			 "ConditionPathExists=/x failed (a.service:3)");
	CHECK(has(acts(&s), "say:a:skipped: ConditionPathExists=/x failed (a.service:3) state:a:skipped"));
	CHECK(lacks(got, "spawn:a"));
	CHECK_EQ(sched_next_deadline(&s), 0); /* no restart */
	CHECK(sched_is_ready(&s, "a") && sched_is_ready(&s, ""));
	/* b, which requires a, may start again */
	CHECK_EQ(sched_stop(&s, 1), 0);
	(void)acts(&s);
	reap(&s, 1, ROLE_MAIN, SIGTERM, 0);
	(void)acts(&s);
	CHECK_EQ(sched_start(&s, 1), 0);
	sched_step(&s, 2000);
	CHECK(has(acts(&s), "spawn:b"));
	(void)sched_spawned(&s, 1, 12);
	(void)acts(&s);
	/* an assert: a fails, b's next start is blocked */
	CHECK_EQ(sched_start(&s, 0), 0);
	sched_step(&s, 3000);
	CHECK(has(acts(&s), "conditions:a"));
	sched_conditions(&s, 0, SCHED_ASSERT_FAILED, "AssertPathExists=/x failed");
	CHECK(has(acts(&s), "say:a:not started: AssertPathExists=/x failed state:a:failed"));
	CHECK(!sched_is_ready(&s, "a"));
	CHECK_EQ(sched_restart(&s, 1), 0);
	(void)acts(&s);
	reap(&s, 1, ROLE_MAIN, SIGTERM, 0);
	sched_step(&s, 3001);
	CHECK(has(acts(&s), "state:b:blocked"));
	sched_free(&s);
	cfg.svcs = NULL;
	cfg.nsvcs = 0;
	cfg_free(&cfg);
}

/* RuntimeDirectory= goes at the end of each run, unless preserved */
static void test_runtime_dirs(void)
{
	static char *names[] = { "rt", NULL };
	struct cfg cfg;
	struct cfg_service sv[3];
	struct sched s;

	cfg_defaults(&cfg);
	for (int k = 0; k < 3; k++) {
		svc_base(&sv[k], k == 0 ? "a" : k == 1 ? "keep" : "re");
		sv[k].dirs[DIR_RUNTIME].names = names;
		sv[k].runtime_preserve = k; /* no, yes, restart */
	}
	cfg.svcs = sv;
	cfg.nsvcs = 3;
	CHECK_EQ(sched_init(&s, &cfg, NULL, 0, 0), 0);
	sched_step(&s, 0);
	CHECK(lacks(acts(&s), "rmruntime")); /* nothing ran yet */
	for (int k = 0; k < 3; k++)
		(void)sched_spawned(&s, (size_t)k, 10 + k);
	(void)acts(&s);
	/* a crash, restart = always: gone unless preserved (yes or restart) */
	for (int k = 0; k < 3; k++)
		reap(&s, (size_t)k, ROLE_MAIN, EXIT(1), 0);
	CHECK(has(acts(&s), "rmruntime:a:a"));
	CHECK(lacks(got, "rmruntime:keep") && lacks(got, "rmruntime:re"));
	/* backoff is over: started again, nothing more removed */
	sched_tick(&s, 1000);
	for (int k = 0; k < 3; k++)
		(void)sched_spawned(&s, (size_t)k, 20 + k);
	CHECK(lacks(acts(&s), "rmruntime"));
	/* a stop: gone unless RuntimeDirectoryPreserve=yes, once */
	for (int k = 0; k < 3; k++)
		CHECK_EQ(sched_stop(&s, (size_t)k), 0);
	CHECK(lacks(acts(&s), "rmruntime")); /* still stopping */
	for (int k = 0; k < 3; k++)
		reap(&s, (size_t)k, ROLE_MAIN, SIGTERM, 0);
	CHECK(has(acts(&s), "rmruntime:a:a state:a:stopped"));
	CHECK(has(got, "rmruntime:re:re"));
	CHECK(lacks(got, "rmruntime:keep"));
	CHECK_EQ(sched_start(&s, 0), 0);
	sched_step(&s, 2000);
	CHECK(lacks(acts(&s), "rmruntime"));
	/* an operator's restart of a =restart one keeps it */
	CHECK_EQ(sched_start(&s, 2), 0);
	sched_step(&s, 2000);
	(void)acts(&s);
	(void)sched_spawned(&s, 2, 30);
	CHECK_EQ(sched_restart(&s, 2), 0);
	(void)acts(&s);
	reap(&s, 2, ROLE_MAIN, SIGTERM, 0);
	CHECK(lacks(acts(&s), "rmruntime"));
	sched_free(&s);
	/* a oneshot: gone when done, unless it remains after its exit */
	sv[0].type = TYPE_ONESHOT;
	sv[0].restart = RESTART_NEVER;
	sv[1].type = TYPE_ONESHOT;
	sv[1].restart = RESTART_NEVER;
	sv[1].runtime_preserve = 0;
	sv[1].remain_after_exit = 1;
	cfg.nsvcs = 2;
	CHECK_EQ(sched_init(&s, &cfg, NULL, 0, 0), 0);
	sched_step(&s, 0);
	(void)acts(&s);
	(void)sched_spawned(&s, 0, 40);
	(void)sched_spawned(&s, 1, 41);
	(void)acts(&s);
	reap(&s, 0, ROLE_MAIN, EXIT(0), 0);
	reap(&s, 1, ROLE_MAIN, EXIT(0), 0);
	CHECK(has(acts(&s), "rmruntime:a:a state:a:done state:keep:done"));
	CHECK(lacks(got, "rmruntime:keep"));
	CHECK_EQ(sched_stop(&s, 1), 0);
	CHECK(has(acts(&s), "rmruntime:keep:keep state:keep:stopped"));
	sched_free(&s);
	/* with ExecStopPost=: gone once that is done (as systemd's; it was
	 * gone before the command ran), also when a restart waits for it */
	{
		static char *spost[] = { "/stoppost", NULL };
		static struct cfg_cmd sposts[] = { { spost, 0, "u", 1 } };

		svc_base(&sv[0], "a");
		sv[0].origin = ORIGIN_UNIT;
		sv[0].restart = RESTART_ON_FAILURE;
		sv[0].restart_delay_ms = sv[0].restart_delay_max_ms = 0;
		sv[0].dirs[DIR_RUNTIME].names = names;
		sv[0].stop_post = (struct cfg_cmds){ sposts, 1 };
		cfg.nsvcs = 1;
		CHECK_EQ(sched_init(&s, &cfg, NULL, 0, 0), 0);
		sched_step(&s, 0);
		(void)sched_spawned(&s, 0, 50);
		(void)acts(&s);
		CHECK_EQ(sched_stop(&s, 0), 0);
		reap(&s, 0, ROLE_MAIN, SIGTERM, 0);
		CHECK(has(acts(&s), "exec:a:ExecStopPost=/stoppost"));
		CHECK(lacks(got, "rmruntime"));
		sched_exec_started(&s, 0, 51);
		reap(&s, 0, ROLE_EXEC, EXIT(0), 0);
		CHECK(has(acts(&s), "rmruntime:a:a"));
		CHECK(sched_idle(&s, 0));
		CHECK_EQ(sched_start(&s, 0), 0);
		sched_step(&s, 10);
		(void)sched_spawned(&s, 0, 52);
		(void)acts(&s);
		reap(&s, 0, ROLE_MAIN, EXIT(1), 0); /* restarted after ExecStopPost= */
		CHECK(has(acts(&s), "exec:a:ExecStopPost=/stoppost"));
		CHECK(lacks(got, "rmruntime") && lacks(got, "spawn:a"));
		sched_exec_started(&s, 0, 53);
		reap(&s, 0, ROLE_EXEC, EXIT(0), 0);
		CHECK(has(acts(&s), "rmruntime:a:a spawn:a"));
		sched_free(&s);
	}
	cfg.svcs = NULL;
	cfg.nsvcs = 0;
	cfg_free(&cfg);
}

static void test_probes_health(void)
{
	struct cfg cfg;
	struct cfg_service sv[1];
	char *chk[] = { "check", NULL };
	struct sched s;

	cfg_defaults(&cfg);
	svc_base(&sv[0], "p");
	sv[0].ready = READY_EXEC;
	sv[0].ready_argv = chk;
	sv[0].health_argv = chk;
	cfg.svcs = sv;
	cfg.nsvcs = 1;
	CHECK_EQ(sched_init(&s, &cfg, NULL, 0, 1), 0);
	sched_step(&s, 1);
	(void)acts(&s);
	(void)sched_spawned(&s, 0, 10);
	sched_tick(&s, 1);
	CHECK(has(acts(&s), "probe:p"));
	sched_probe_started(&s, 0, 20);
	sched_tick(&s, 50);
	CHECK(lacks(acts(&s), "probe:p")); /* one at a time */
	s.now = 50;
	reap(&s, 0, ROLE_PROBE, EXIT(1), 0);
	CHECK_EQ(sched_next_deadline(&s) <= 50 + SCHED_PROBE_MS, 1);
	sched_tick(&s, 200);
	CHECK(has(acts(&s), "probe:p"));
	sched_probe_started(&s, 0, 21);
	reap(&s, 0, ROLE_PROBE, EXIT(0), 0);
	CHECK(has(acts(&s), "state:p:running"));
	/* health: every interval; two failures in a row: unhealthy, stop */
	sched_tick(&s, 1200);
	CHECK(has(acts(&s), "health:p"));
	sched_health_started(&s, 0, 30);
	reap(&s, 0, ROLE_HEALTH, EXIT(1), 0);
	CHECK(has(acts(&s), "say:p"));
	sched_tick(&s, 2200);
	CHECK(has(acts(&s), "health:p"));
	sched_health_started(&s, 0, 31);
	sched_tick(&s, 3200); /* overran: killed, counts as failed */
	CHECK(has(acts(&s), "say:p killprobe:p:31"));
	reap(&s, 0, ROLE_HEALTH, SIGKILL, 0);
	CHECK(has(acts(&s), "say:p say:p signal:p:15:g state:p:stopping"));
	/* a hung readiness probe goes when the service stops starting */
	reap(&s, 0, ROLE_MAIN, SIGTERM, 0);
	(void)acts(&s);
	sched_tick(&s, 10000);
	CHECK(has(acts(&s), "spawn:p"));
	(void)sched_spawned(&s, 0, 11);
	sched_tick(&s, 10000);
	CHECK(has(acts(&s), "probe:p"));
	sched_probe_started(&s, 0, 22);
	sched_tick(&s, 10000 + 5000); /* not ready in time (5 s) */
	CHECK(has(acts(&s), "signal:p:15:g killprobe:p:22"));
	sched_free(&s);
	cfg.svcs = NULL;
	cfg.nsvcs = 0;
	cfg_free(&cfg);
}

static void test_forking_leftovers(void)
{
	struct cfg cfg;
	struct cfg_service sv[1];
	struct sched s;
	enum sched_role role;

	cfg_defaults(&cfg);
	svc_base(&sv[0], "d");
	sv[0].type = TYPE_FORKING;
	sv[0].pidfile = "/run/d.pid";
	cfg.svcs = sv;
	cfg.nsvcs = 1;
	CHECK_EQ(sched_init(&s, &cfg, NULL, 0, 0), 0);
	sched_step(&s, 0);
	(void)acts(&s);
	CHECK_EQ(sched_spawned(&s, 0, 10), ROLE_LAUNCHER);
	CHECK_EQ(sched_owner(&s, 10, &role), 0);
	CHECK_EQ(role, ROLE_LAUNCHER);
	reap(&s, 0, ROLE_LAUNCHER, EXIT(0), 1);
	CHECK(has(acts(&s), "pidfile:d"));
	sched_pidfile(&s, 0, 0, 0);
	CHECK_EQ(sched_next_deadline(&s), SCHED_PIDFILE_MS);
	sched_pidfile(&s, 0, 42, 42);
	CHECK(has(acts(&s), "state:d:running"));
	CHECK_EQ(sched_owner(&s, 42, &role), 0);
	CHECK_EQ(role, ROLE_MAIN);
	/* the daemon dies, its children linger: they get the stop signal,
	 * and SIGKILL at the next start */
	reap(&s, 0, ROLE_MAIN, SIGKILL, 1);
	CHECK(has(acts(&s), "exited:d state:d:backoff killgroup:d:42:15 killgroup:d:42:18"));
	sched_tick(&s, 100);
	CHECK(has(acts(&s), "killgroup:d:42:9 spawn:d"));
	sched_free(&s);
	cfg.svcs = NULL;
	cfg.nsvcs = 0;
	cfg_free(&cfg);
}

static void test_stop(void)
{
	struct cfg cfg;
	struct cfg_service sv[3], cmd;
	struct sched s;

	cfg_defaults(&cfg);
	svc_base(&sv[0], "a");
	sv[0].stop_timeout_ms = 2000;
	svc_base(&sv[1], "b");
	sv[1].after = dep_a;
	sv[1].stop_timeout_ms = 1000;
	svc_base(&sv[2], "c");
	sv[2].kill_mode = KILL_MIXED;
	cfg.svcs = sv;
	cfg.nsvcs = 3;
	svc_base(&cmd, "cmd");
	cmd.restart = RESTART_NEVER;
	CHECK_EQ(sched_init(&s, &cfg, &cmd, 0, 0), 0);
	for (int k = 0; k < 4; k++) {
		sched_step(&s, 0);
		run_spawns(&s);
	}
	CHECK_EQ(s.u[s.cmd].svc.state, SVC_RUNNING);
	/* SIGTERM: CMD first, with what the services leave of 10 s: 7 s */
	sched_shutdown(&s, "signal", SIGTERM, 0);
	CHECK(has(acts(&s), "stopping say:- signal:cmd:15:g state:cmd:stopping"));
	CHECK_EQ(s.b.cmd_ms, 7000);
	CHECK_EQ(s.u[s.cmd].svc.timer_at, 7000);
	sched_step(&s, 1);
	CHECK(lacks(acts(&s), "signal:a")); /* CMD is still stopping */
	/* CMD ignores it: SIGKILL at its share, said */
	sched_tick(&s, 7000);
	CHECK(has(acts(&s), "killed:cmd:[cmd] stop_timeout signal:cmd:9:g"));
	reap(&s, s.cmd, ROLE_MAIN, SIGKILL, 0);
	(void)acts(&s);
	/* then b (a's dependent) and c; a once b has stopped */
	sched_step(&s, 7001);
	CHECK(has(acts(&s), "signal:b:15:g"));
	CHECK(has(got, "signal:c:15:m")); /* mixed: the main process only */
	CHECK(lacks(got, "signal:a"));
	reap(&s, 1, ROLE_MAIN, SIGTERM, 0);
	reap(&s, 2, ROLE_MAIN, SIGTERM, 1); /* c's children linger */
	CHECK(has(acts(&s), "signal:c:9:g")); /* mixed: SIGKILL to the rest */
	sched_step(&s, 7002);
	CHECK(has(acts(&s), "signal:a:15:g"));
	/* a ignores it: SIGKILL at its stop_timeout (2 s), said */
	sched_tick(&s, 9002);
	CHECK(has(acts(&s), "killed:a:its stop_timeout signal:a:9:g"));
	reap(&s, 0, ROLE_MAIN, SIGKILL, 0);
	sched_group_gone(&s, 2);
	sched_step(&s, 9003);
	CHECK(has(acts(&s), "killrest:15"));
	CHECK_EQ(s.phase, PH_STOP_REST);
	sched_no_children(&s);
	CHECK_EQ(s.phase, PH_DONE);
	CHECK_EQ(sched_any_killed(&s), 1);
	CHECK_EQ(sched_cmd_status(&s), SIGKILL);
	CHECK_STR(s.reason, "signal");
	CHECK_EQ(s.stop_signal, SIGTERM);
	sched_free(&s);
	cfg.svcs = NULL;
	cfg.nsvcs = 0;
	cfg_free(&cfg);
}

static void test_cmd_exit_and_essential(void)
{
	struct cfg cfg;
	struct cfg_service sv[1], cmd;
	struct sched s;

	cfg_defaults(&cfg);
	svc_base(&sv[0], "e");
	sv[0].essential = 1;
	sv[0].restart = RESTART_NEVER;
	cfg.svcs = sv;
	cfg.nsvcs = 1;
	svc_base(&cmd, "cmd");
	cmd.restart = RESTART_NEVER;
	CHECK_EQ(sched_init(&s, &cfg, &cmd, 0, 0), 0);
	sched_step(&s, 0);
	run_spawns(&s);
	reap(&s, 0, ROLE_MAIN, EXIT(3), 0);
	CHECK(has(acts(&s), "state:e:failed say:- stopping"));
	CHECK_EQ(s.essential_failed, 1);
	CHECK_STR(s.reason, "service-failed");
	sched_free(&s);
	/* CMD's exit stops the container */
	cfg.nsvcs = 0;
	CHECK_EQ(sched_init(&s, &cfg, &cmd, 0, 0), 0);
	sched_step(&s, 0);
	run_spawns(&s);
	reap(&s, s.cmd, ROLE_MAIN, EXIT(5), 0);
	CHECK(has(acts(&s), "state:cmd:failed stopping"));
	CHECK_STR(s.reason, "cmd-exited");
	CHECK_EQ(sched_cmd_status(&s), EXIT(5));
	sched_free(&s);
	cfg.svcs = NULL;
	cfg_free(&cfg);
}

static void test_ctl(void)
{
	struct cfg cfg;
	struct cfg_service sv[1];
	struct sched s;

	cfg_defaults(&cfg);
	svc_base(&sv[0], "w");
	cfg.svcs = sv;
	cfg.nsvcs = 1;
	CHECK_EQ(sched_init(&s, &cfg, NULL, 0, 0), 0);
	sched_step(&s, 0);
	run_spawns(&s);
	CHECK_EQ(sched_is_ready(&s, ""), 1);
	CHECK_EQ(sched_restart(&s, 0), 0);
	CHECK(has(acts(&s), "signal:w:15:g state:w:stopping"));
	reap(&s, 0, ROLE_MAIN, SIGTERM, 0);
	/* restarted: stopped is not reported, starting is */
	CHECK(has(acts(&s), "state:w:starting"));
	CHECK(lacks(got, "state:w:stopped"));
	sched_step(&s, 1);
	CHECK(has(acts(&s), "spawn:w"));
	(void)sched_spawned(&s, 0, 50);
	(void)acts(&s);
	/* an operator's signal goes to its process group, or main process */
	CHECK_EQ(sched_signal(&s, 0, SIGUSR1, 1), 0);
	CHECK(has(acts(&s), "signal:w:10:g"));
	CHECK_EQ(sched_signal(&s, 0, SIGHUP, 0), 0);
	CHECK(has(acts(&s), "signal:w:1:m"));
	CHECK_EQ(sched_stop(&s, 0), 0);
	reap(&s, 0, ROLE_MAIN, SIGTERM, 0);
	(void)acts(&s);
	CHECK_EQ(sched_signal(&s, 0, SIGUSR1, 1), -1); /* nothing runs */
	CHECK(lacks(acts(&s), "signal:w"));
	sched_step(&s, 2);
	CHECK(lacks(acts(&s), "spawn:w")); /* it stays down */
	CHECK_EQ(sched_is_ready(&s, ""), 1); /* and does not count */
	CHECK_EQ(sched_is_ready(&s, "w"), 0);
	sched_shutdown(&s, "shutdown", 0, 0);
	CHECK_EQ(sched_start(&s, 0), -1);
	sched_free(&s);
	cfg.svcs = NULL;
	cfg.nsvcs = 0;
	cfg_free(&cfg);
}

static void test_reload(void)
{
	struct cfg c1, c2;
	struct cfg_service a1[3], a2[3];
	struct sched s;
	struct sched_reload r = { 0 };

	cfg_defaults(&c1);
	cfg_defaults(&c2);
	svc_base(&a1[0], "same");
	svc_base(&a1[1], "gone");
	svc_base(&a1[2], "changed");
	a1[2].text_hash = 1;
	c1.svcs = a1;
	c1.nsvcs = 3;
	svc_base(&a2[0], "same");
	svc_base(&a2[1], "changed");
	a2[1].text_hash = 2;
	svc_base(&a2[2], "new");
	c2.svcs = a2;
	c2.nsvcs = 3;
	CHECK_EQ(sched_init(&s, &c1, NULL, 0, 0), 0);
	sched_step(&s, 0);
	run_spawns(&s);
	CHECK_EQ(sched_reload(&s, &c2, NULL, &r), 0);
	CHECK(r.added == 1 && r.removed == 1 && r.changed == 1 && r.same == 1);
	CHECK(has(acts(&s), "rebind:same"));
	CHECK(has(got, "signal:gone:15:g"));
	CHECK(has(got, "signal:changed:15:g"));
	CHECK(has(got, "rebind:new"));
	CHECK_EQ(sched_uses(&s, &c1), 1); /* gone and changed still hold it */
	reap(&s, 1, ROLE_MAIN, SIGTERM, 0);
	reap(&s, 2, ROLE_MAIN, SIGTERM, 0);
	/* changed took its new entry and starts again */
	CHECK(has(acts(&s), "rebind:changed"));
	CHECK(s.u[2].cfg == &a2[1]);
	CHECK_EQ(sched_uses(&s, &c1), 1); /* the removed one, until its slot is taken */
	sched_step(&s, 1);
	CHECK(has(acts(&s), "spawn:changed"));
	CHECK(has(got, "spawn:new"));
	/* a reload that adds a service again reuses the removed one's slot */
	{
		size_t n = s.n;

		CHECK_EQ(sched_reload(&s, &c1, NULL, &r), 0);
		CHECK_EQ(r.added, 1);
		CHECK(has(acts(&s), "release:gone rebind:gone"));
		CHECK_EQ(s.n, n);
		CHECK_EQ(sched_uses(&s, &c2), 1);
	}
	sched_free(&s);

	/* daemon-reload (defs_only): nothing stops or starts; a changed one
	 * takes its new entry once stopped, and stays stopped; a new one
	 * waits; a removed one that runs runs on */
	CHECK_EQ(sched_init(&s, &c1, NULL, 0, 0), 0);
	sched_step(&s, 0);
	run_spawns(&s);
	r.defs_only = 1;
	CHECK_EQ(sched_reload(&s, &c2, NULL, &r), 0);
	CHECK(r.defs_only && r.added == 1 && r.changed == 1 && r.same == 2);
	CHECK(lacks(acts(&s), "signal:"));
	sched_step(&s, 1);
	CHECK(lacks(acts(&s), "spawn:new"));
	CHECK_EQ(s.u[sched_find(&s, "new")].svc.state, SVC_STOPPED);
	CHECK_EQ(s.u[1].svc.state, SVC_RUNNING); /* gone: runs on */
	CHECK(s.u[2].next_cfg == &a2[1]);
	CHECK_EQ(sched_stop(&s, 2), 0);
	reap(&s, 2, ROLE_MAIN, SIGTERM, 0);
	sched_step(&s, 2);
	CHECK(has(acts(&s), "rebind:changed"));
	CHECK(lacks(got, "spawn:changed"));
	CHECK(s.u[2].cfg == &a2[1] && s.u[2].svc.state == SVC_STOPPED);
	/* ... and a restart asked of a changed running one starts it */
	CHECK_EQ(sched_start(&s, 2), 0);
	sched_step(&s, 3);
	run_spawns(&s);
	CHECK_EQ(sched_reload(&s, &c1, NULL, &r), 0); /* changed again */
	CHECK_EQ(sched_restart(&s, 2), 0);
	reap(&s, 2, ROLE_MAIN, SIGTERM, 0);
	sched_step(&s, 4);
	CHECK(has(acts(&s), "spawn:changed"));
	sched_free(&s);
	c1.svcs = c2.svcs = NULL;
	c1.nsvcs = c2.nsvcs = 0;
	cfg_free(&c1);
	cfg_free(&c2);
}

/* Once the stop began nothing starts again; stopped processes are
 * continued; a -r rewrite is CMD's stop signal; no budget is no deadline;
 * a SIGKILL at the deadline is said once. */
static void test_stop_rules(void)
{
	struct cfg cfg;
	struct cfg_service sv[2], cmd;
	struct sched s;

	cfg_defaults(&cfg);
	svc_base(&sv[0], "crash");
	svc_base(&sv[1], "slow");
	sv[1].ready = READY_FILE;
	sv[1].ready_timeout_ms = 1000;
	sv[1].restart_delay_ms = 0;
	cfg.svcs = sv;
	cfg.nsvcs = 2;
	svc_base(&cmd, "cmd");
	cmd.restart = RESTART_NEVER;
	CHECK_EQ(sched_init(&s, &cfg, &cmd, 0, 1000), 0);
	for (int k = 0; k < 3; k++) {
		sched_step(&s, 1000);
		run_spawns(&s);
	}
	reap(&s, 0, ROLE_MAIN, EXIT(1), 0); /* crash: backoff */
	CHECK(has(acts(&s), "state:crash:backoff"));
	sched_shutdown(&s, "signal", SIGTERM, SIGQUIT);
	CHECK(has(acts(&s), "signal:cmd:3:g signal:cmd:18:g"));
	CHECK(has(got, "state:crash:stopped"));
	sched_tick(&s, 2000); /* slow: not ready in time while stopping */
	CHECK(has(acts(&s), "signal:slow:15:g"));
	reap(&s, 1, ROLE_MAIN, SIGTERM, 0);
	sched_tick(&s, 2100);
	CHECK(lacks(acts(&s), "spawn:"));
	CHECK(svc_final(&s.u[1].svc)); /* failed: not ready in time; not restarted */
	/* the deadline: CMD never stopped: one SIGKILL, said once */
	sched_tick(&s, 1000 + 10000);
	CHECK(has(acts(&s), "killed:cmd"));
	sched_tick(&s, 1000 + 10001);
	CHECK(lacks(acts(&s), "killed:cmd"));
	sched_free(&s);
	/* shutdown_timeout = 0: no budget, no deadline, CMD never killed */
	cfg.init.shutdown_timeout_ms = 0;
	CHECK_EQ(sched_init(&s, &cfg, &cmd, 0, 1000), 0);
	for (int k = 0; k < 3; k++) {
		sched_step(&s, 1000);
		run_spawns(&s);
	}
	sched_shutdown(&s, "signal", SIGTERM, 0);
	(void)acts(&s);
	CHECK_EQ(s.deadline, 0);
	CHECK_EQ(s.u[s.cmd].svc.timer_at, 0);
	sched_tick(&s, 1000000);
	CHECK(lacks(acts(&s), "killed:"));
	sched_free(&s);
	cfg.svcs = NULL;
	cfg.nsvcs = 0;
	cfg_free(&cfg);
}

/* A pid is routed to a unit only in the role the unit has it in: a main
 * process replaced by MAINPID= is an orphan when it exits, and so is a
 * pid that is not the unit's at all. */
static void test_routing(void)
{
	struct cfg cfg;
	struct cfg_service sv[1];
	struct sched s;

	cfg_defaults(&cfg);
	svc_base(&sv[0], "n");
	sv[0].ready = READY_NOTIFY;
	cfg.svcs = sv;
	cfg.nsvcs = 1;
	CHECK_EQ(sched_init(&s, &cfg, NULL, 0, 0), 0);
	sched_step(&s, 0);
	CHECK(has(acts(&s), "spawn:n"));
	CHECK_EQ(sched_spawned(&s, 0, 10), ROLE_MAIN);
	(void)acts(&s);
	sched_mainpid(&s, 0, 20);
	(void)acts(&s);
	CHECK_EQ(s.u[0].svc.pid, 20);
	sched_reaped(&s, 0, ROLE_MAIN, 10, EXIT(0), 0); /* the old main */
	CHECK_EQ(s.u[0].svc.state, SVC_STARTING);
	CHECK(lacks(acts(&s), "exited:n"));
	sched_reaped(&s, 0, ROLE_PROBE, 20, EXIT(0), 0); /* not its probe */
	CHECK(lacks(acts(&s), "state:n"));
	sched_clock(&s, 5000); /* the loop woke, long after its last step */
	sched_reaped(&s, 0, ROLE_MAIN, 20, EXIT(1), 0);
	CHECK(has(acts(&s), "exited:n state:n:backoff"));
	CHECK_EQ(s.u[0].svc.timer_at, 5000 + sv[0].restart_delay_ms);
	sched_free(&s);
	cfg.svcs = NULL;
	cfg.nsvcs = 0;
	cfg_free(&cfg);
}

/* A unit's commands beside its main process: ExecCondition=,
 * ExecStartPre= before it, ExecStartPost= before it counts as up,
 * ExecReload=, ExecStop= before the stop signal, ExecStopPost= after
 * every run, a restart only after them; a stop during ExecStartPre=
 * stops the command. */
static void test_exec_sequences(void)
{
	static char *pre1[] = { "/pre1", NULL }, *pre2[] = { "/pre2", NULL },
		    *post[] = { "/post", NULL }, *stop[] = { "/stop", NULL },
		    *spost[] = { "/stoppost", NULL }, *rel[] = { "/reload", NULL },
		    *cnd[] = { "/cond", NULL };
	static struct cfg_cmd pres[] = { { pre1, 0, "u", 1 }, { pre2, CFG_EXEC_IGNORE, "u", 2 } },
			      posts[] = { { post, 0, "u", 3 } }, stops[] = { { stop, 0, "u", 4 } },
			      sposts[] = { { spost, 0, "u", 5 } }, rels[] = { { rel, 0, "u", 6 } },
			      cnds[] = { { cnd, 0, "u", 7 } };
	struct cfg cfg;
	struct cfg_service sv[2];
	struct sched s;

	cfg_defaults(&cfg);
	svc_base(&sv[0], "a");
	sv[0].origin = ORIGIN_UNIT;
	sv[0].restart = RESTART_ON_FAILURE;
	sv[0].restart_delay_ms = sv[0].restart_delay_max_ms = 0;
	sv[0].start_pre = (struct cfg_cmds){ pres, 2 };
	sv[0].start_post = (struct cfg_cmds){ posts, 1 };
	sv[0].stop = (struct cfg_cmds){ stops, 1 };
	sv[0].stop_post = (struct cfg_cmds){ sposts, 1 };
	sv[0].reload = (struct cfg_cmds){ rels, 1 };
	svc_base(&sv[1], "b");
	sv[1].after = dep_a;
	cfg.svcs = sv;
	cfg.nsvcs = 2;
	CHECK_EQ(sched_init(&s, &cfg, NULL, 0, 0), 0);
	sched_step(&s, 0);
	CHECK(has(acts(&s), "exec:a:ExecStartPre=/pre1"));
	CHECK(lacks(got, "spawn:a"));
	sched_exec_started(&s, 0, 50);
	reap(&s, 0, ROLE_EXEC, EXIT(0), 0);
	CHECK(has(acts(&s), "exec:a:ExecStartPre=/pre2"));
	sched_exec_started(&s, 0, 51);
	reap(&s, 0, ROLE_EXEC, EXIT(7), 0); /* '-': a failure counts as success */
	CHECK(has(acts(&s), "spawn:a"));
	(void)sched_spawned(&s, 0, 10);
	CHECK(has(acts(&s), "exec:a:ExecStartPost=/post"));
	CHECK(lacks(got, "state:a:running"));
	sched_step(&s, 1);
	CHECK(lacks(acts(&s), "spawn:b")); /* b is after a: a is not up yet */
	sched_exec_started(&s, 0, 52);
	CHECK_EQ(sched_reload_unit(&s, 0), -1); /* not running yet */
	reap(&s, 0, ROLE_EXEC, EXIT(0), 0);
	sched_step(&s, 2);
	CHECK(has(acts(&s), "state:a:running spawn:b"));
	(void)sched_spawned(&s, 1, 11);
	(void)acts(&s);
	/* a reload: its commands, with a count of how it ended */
	CHECK_EQ(sched_reload_unit(&s, 0), 0);
	CHECK(has(acts(&s), "exec:a:ExecReload=/reload"));
	sched_exec_started(&s, 0, 53);
	CHECK_EQ(sched_reload_unit(&s, 0), -3); /* busy */
	reap(&s, 0, ROLE_EXEC, EXIT(1), 0);
	CHECK(has(acts(&s), "say:a:ExecReload=/reload exited with status 1"));
	CHECK(s.u[0].reloads_done == s.u[0].reloads && s.u[0].reload_failed);
	CHECK_EQ(s.u[0].svc.state, SVC_RUNNING);
	/* the main process fails: ExecStopPost=, and only then the restart */
	reap(&s, 0, ROLE_MAIN, EXIT(1), 0);
	CHECK(has(acts(&s), "exec:a:ExecStopPost=/stoppost"));
	CHECK(lacks(got, "exec:a:ExecStartPre="));
	CHECK_EQ(s.u[0].svc.state, SVC_STARTING);
	sched_exec_started(&s, 0, 54);
	reap(&s, 0, ROLE_EXEC, EXIT(0), 0);
	CHECK(has(acts(&s), "exec:a:ExecStartPre=/pre1"));
	/* stopped during ExecStartPre=: the command gets the stop signal,
	 * the stop is done when it exited; ExecStop= is not run (the run
	 * never came up), ExecStopPost= is */
	sched_exec_started(&s, 0, 55);
	CHECK_EQ(sched_stop(&s, 0), 0);
	CHECK(has(acts(&s), "sigexec:a:55:15 sigexec:a:55:18"));
	CHECK(lacks(got, "exec:a:ExecStop=/stop"));
	CHECK_EQ(s.u[0].svc.state, SVC_STOPPING);
	CHECK(!sched_awaits_group(&s, 0));
	reap(&s, 0, ROLE_EXEC, SIGTERM, 0);
	CHECK(has(acts(&s), "exec:a:ExecStopPost=/stoppost"));
	CHECK_EQ(s.u[0].svc.state, SVC_STOPPED);
	CHECK(!sched_idle(&s, 0)); /* its ExecStopPost= runs */
	sched_exec_started(&s, 0, 56);
	reap(&s, 0, ROLE_EXEC, EXIT(0), 0);
	(void)acts(&s);
	CHECK(sched_idle(&s, 0));
	/* a run that came up: ExecStop= first, then the stop signal */
	CHECK_EQ(sched_start(&s, 0), 0);
	sched_step(&s, 10);
	(void)acts(&s);
	for (pid_t p = 57; p < 59; p++) {
		sched_exec_started(&s, 0, p);
		reap(&s, 0, ROLE_EXEC, EXIT(0), 0);
	}
	(void)sched_spawned(&s, 0, 12);
	sched_exec_started(&s, 0, 59);
	reap(&s, 0, ROLE_EXEC, EXIT(0), 0);
	CHECK(has(acts(&s), "state:a:running"));
	CHECK_EQ(sched_stop(&s, 0), 0);
	CHECK(has(acts(&s), "exec:a:ExecStop=/stop"));
	CHECK(lacks(got, "signal:a:15"));
	sched_exec_started(&s, 0, 60);
	reap(&s, 0, ROLE_EXEC, EXIT(1), 0); /* a failed ExecStop=: on anyway */
	CHECK(has(acts(&s), "signal:a:15:g signal:a:18:g"));
	reap(&s, 0, ROLE_MAIN, SIGTERM, 0);
	CHECK(has(acts(&s), "exec:a:ExecStopPost=/stoppost"));
	sched_free(&s);

	/* ExecCondition=: exit 1..254 skips, 255 fails */
	svc_base(&sv[0], "a");
	sv[0].origin = ORIGIN_UNIT;
	sv[0].restart = RESTART_NEVER;
	sv[0].exec_condition = (struct cfg_cmds){ cnds, 1 };
	sv[0].stop_post = (struct cfg_cmds){ sposts, 1 };
	cfg.nsvcs = 1;
	CHECK_EQ(sched_init(&s, &cfg, NULL, 0, 0), 0);
	sched_step(&s, 0);
	CHECK(has(acts(&s), "exec:a:ExecCondition=/cond"));
	sched_exec_started(&s, 0, 70);
	reap(&s, 0, ROLE_EXEC, EXIT(1), 0);
	CHECK(has(acts(&s), "say:a:skipped: ExecCondition=/cond exited with status 1"));
	CHECK(lacks(got, "ExecStopPost"));
	CHECK_EQ(s.u[0].svc.state, SVC_SKIPPED);
	CHECK_EQ(sched_start(&s, 0), 0);
	sched_step(&s, 1);
	(void)acts(&s);
	sched_exec_started(&s, 0, 71);
	reap(&s, 0, ROLE_EXEC, EXIT(255), 0);
	CHECK_EQ(s.u[0].svc.state, SVC_FAILED);
	CHECK_EQ(sched_start(&s, 0), 0);
	sched_step(&s, 2);
	(void)acts(&s);
	sched_exec_started(&s, 0, 72);
	reap(&s, 0, ROLE_EXEC, EXIT(0), 0);
	CHECK(has(acts(&s), "spawn:a"));
	sched_free(&s);
	cfg.svcs = NULL;
	cfg.nsvcs = 0;
	cfg_free(&cfg);
}

/* The links beside the order, for units: BindsTo= (down with it),
 * PartOf= (its stop and restart), Conflicts= (either way, at a start),
 * ReloadPropagatedFrom=, and Wants=/Requires= pulling in at a start. */
static void test_links(void)
{
	static char *rel[] = { "/reload", NULL };
	static struct cfg_cmd rels[] = { { rel, 0, "u", 1 } };
	static char *n_a[] = { "a", NULL };
	struct cfg cfg;
	struct cfg_service sv[5];
	struct sched s;

	cfg_defaults(&cfg);
	for (int k = 0; k < 5; k++) {
		static char *names[] = { "a", "b", "c", "d", "e" };

		svc_base(&sv[k], names[k]);
		sv[k].origin = ORIGIN_UNIT;
		sv[k].restart = RESTART_NEVER;
	}
	sv[1].binds_to = n_a;	/* b BindsTo=a */
	sv[2].part_of = n_a;	/* c PartOf=a */
	sv[3].conflicts = n_a;	/* d Conflicts=a */
	sv[4].reload_from = n_a; /* e ReloadPropagatedFrom=a */
	sv[0].reload = (struct cfg_cmds){ rels, 1 };
	sv[4].reload = (struct cfg_cmds){ rels, 1 };
	sv[3].enabled = 0;
	cfg.svcs = sv;
	cfg.nsvcs = 5;
	CHECK_EQ(sched_init(&s, &cfg, NULL, 0, 0), 0);
	sched_step(&s, 0);
	run_spawns(&s);
	for (int k = 0; k < 5; k++)
		CHECK_EQ(s.u[k].svc.state, k == 3 ? SVC_STOPPED : SVC_RUNNING);
	/* a reload of a: e's too */
	CHECK_EQ(sched_reload_unit(&s, 0), 0);
	CHECK(has(acts(&s), "exec:a:ExecReload=/reload exec:e:ExecReload=/reload"));
	sched_exec_started(&s, 0, 90);
	sched_exec_started(&s, 4, 91);
	reap(&s, 0, ROLE_EXEC, EXIT(0), 0);
	reap(&s, 4, ROLE_EXEC, EXIT(0), 0);
	(void)acts(&s);
	/* a restart of a: c (PartOf=a) too */
	CHECK_EQ(sched_restart(&s, 0), 0);
	CHECK(has(acts(&s), "signal:c:15"));
	CHECK(has(got, "signal:a:15"));
	reap(&s, 0, ROLE_MAIN, SIGTERM, 0);
	reap(&s, 2, ROLE_MAIN, SIGTERM, 0);
	sched_step(&s, 1);
	CHECK(has(acts(&s), "spawn:a"));
	CHECK(has(got, "spawn:c"));
	run_spawns(&s);
	/* d (Conflicts=a) starts: a stops, and with it b (BindsTo=a) */
	(void)sched_spawned(&s, 0, 20);
	(void)sched_spawned(&s, 2, 22);
	(void)acts(&s);
	CHECK_EQ(sched_start(&s, 3), 0);
	sched_step(&s, 2);
	CHECK(has(acts(&s), "say:a:stopped: d conflicts with it signal:a:15"));
	reap(&s, 0, ROLE_MAIN, SIGTERM, 0);
	CHECK(has(acts(&s), "say:b:stopped: it is bound to a, which is down signal:b:15"));
	CHECK_EQ(s.u[1].svc.state, SVC_STOPPING);
	reap(&s, 1, ROLE_MAIN, SIGTERM, 0);
	(void)acts(&s);
	CHECK_EQ(sched_start(&s, 0), 0); /* a's start stops d */
	sched_step(&s, 3);
	CHECK(has(acts(&s), "say:d:stopped: a conflicts with it"));
	/* an operator's stop of a passes on to c (PartOf=a), not to e */
	(void)sched_spawned(&s, 0, 30);
	(void)acts(&s);
	CHECK_EQ(sched_stop(&s, 0), 0);
	CHECK(has(acts(&s), "signal:a:15"));
	CHECK(has(got, "signal:c:15"));
	CHECK(lacks(got, "signal:e:"));
	sched_free(&s);
	cfg.svcs = NULL;
	cfg.nsvcs = 0;
	cfg_free(&cfg);
}

/* A stop while ExecReload= runs (a unit with no ExecStop=) ends the
 * reload command, as systemd's; a stop given up at its timeout
 * (SendSIGKILL=no) leaves its ExecStop= command running, forgotten. A
 * start after either does not wait for the command that was left
 * (it waited for ever: the unit stayed starting). */
static void test_exec_left(void)
{
	static char *rel[] = { "/reload", NULL }, *stop[] = { "/stop", NULL },
		    *spost[] = { "/stoppost", NULL };
	static struct cfg_cmd rels[] = { { rel, 0, "u", 1 } },
			      stops[] = { { stop, 0, "u", 2 } },
			      sposts[] = { { spost, 0, "u", 3 } };
	struct cfg cfg;
	struct cfg_service sv[1];
	struct sched s;

	cfg_defaults(&cfg);
	svc_base(&sv[0], "a");
	sv[0].origin = ORIGIN_UNIT;
	sv[0].restart = RESTART_NEVER;
	sv[0].reload = (struct cfg_cmds){ rels, 1 };
	cfg.svcs = sv;
	cfg.nsvcs = 1;
	CHECK_EQ(sched_init(&s, &cfg, NULL, 0, 0), 0);
	sched_step(&s, 0);
	(void)sched_spawned(&s, 0, 10);
	(void)acts(&s);
	CHECK_EQ(sched_reload_unit(&s, 0), 0);
	CHECK(has(acts(&s), "exec:a:ExecReload=/reload"));
	sched_exec_started(&s, 0, 20);
	CHECK_EQ(sched_stop(&s, 0), 0);
	CHECK(has(acts(&s), "signal:a:15:g sigexec:a:20:9"));
	reap(&s, 0, ROLE_MAIN, SIGTERM, 0);
	CHECK_EQ(s.u[0].svc.state, SVC_STOPPED);
	CHECK(sched_idle(&s, 0));
	CHECK(s.u[0].reloads_done != s.u[0].reloads); /* cut short */
	CHECK_EQ(sched_start(&s, 0), 0);
	sched_step(&s, 10);
	CHECK(has(acts(&s), "spawn:a"));
	sched_free(&s);

	/* SendSIGKILL=no, an ExecStop= that outlasts the stop's timeout */
	svc_base(&sv[0], "a");
	sv[0].origin = ORIGIN_UNIT;
	sv[0].restart = RESTART_NEVER;
	sv[0].send_sigkill = 0;
	sv[0].stop = (struct cfg_cmds){ stops, 1 };
	sv[0].stop_post = (struct cfg_cmds){ sposts, 1 };
	CHECK_EQ(sched_init(&s, &cfg, NULL, 0, 0), 0);
	sched_step(&s, 0);
	(void)sched_spawned(&s, 0, 10);
	(void)acts(&s);
	CHECK_EQ(sched_stop(&s, 0), 0);
	CHECK(has(acts(&s), "exec:a:ExecStop=/stop"));
	sched_exec_started(&s, 0, 21);
	sched_tick(&s, 600); /* its stop_timeout (500 ms) is over */
	CHECK(lacks(acts(&s), "sigexec:a:21:9"));
	CHECK(has(got, "exec:a:ExecStopPost=/stoppost"));
	CHECK_EQ(s.u[0].svc.state, SVC_FAILED);
	sched_exec_started(&s, 0, 22);
	reap(&s, 0, ROLE_EXEC, EXIT(0), 0);
	CHECK(sched_idle(&s, 0));
	CHECK_EQ(sched_start(&s, 0), 0);
	sched_step(&s, 700);
	CHECK(has(acts(&s), "spawn:a"));
	/* the forgotten command's exit is no one's */
	sched_reaped(&s, 0, ROLE_EXEC, 21, EXIT(0), 0);
	CHECK_EQ(s.u[0].svc.state, SVC_STARTING);
	sched_free(&s);
	cfg.svcs = NULL;
	cfg.nsvcs = 0;
	cfg_free(&cfg);
}

int main(void)
{
	test_stop_rules();
	test_order();
	test_blocked();
	test_conditions();
	test_runtime_dirs();
	test_probes_health();
	test_forking_leftovers();
	test_stop();
	test_cmd_exit_and_essential();
	test_ctl();
	test_reload();
	test_routing();
	test_exec_sequences();
	test_links();
	test_exec_left();
	return t_done("test_sched");
}
