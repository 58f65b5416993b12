/* SPDX-License-Identifier: MIT */
/*
 * Private to the supervisor: its runtime state, shared by super.c (loop,
 * scheduling, shutdown) and svcrun.c (spawning, reaping, readiness).
 */
#ifndef POUCH_SUPER_INTERNAL_H
#define POUCH_SUPER_INTERNAL_H

#include "output.h"
#include "hooks/hooks.h"
#include "services/budget.h"
#include "services/svc.h"
#include "super.h"

#include <stdint.h>
#include <sys/types.h>

enum watch_kind { W_SIGNAL, W_NOTIFY, W_OUT, W_ERR, W_QOUT, W_QERR,
		  W_CTL_LISTEN, W_CTL_CLIENT, W_EXEC, W_HOOK, W_RELAY };

#define STATUS_MAX 127		/* bytes of an sd_notify STATUS= kept */
#define CTL_MAX_CLIENTS 64
#define CTL_IN_MAX 4096		/* one request line */
#define CTL_OUT_MAX (64 * 1024 * 1024) /* one response, grown as needed */
#define CTL_IDLE_MS 10000	/* a client has this long to ask and read */

/* One control client: a request line in, a response out, then closed. */
struct ctl_client {
	int fd;			/* -1: free slot */
	char *in;		/* CTL_IN_MAX bytes while connected */
	size_t inlen;
	char *out;		/* grown as the answer needs */
	size_t outlen, outcap, outoff;
	int overflow;		/* the answer did not fit in CTL_OUT_MAX */
	int64_t deadline;	/* dropped then */
	int waiting;		/* wait-ready in progress */
	char wait_name[64];
	int64_t wait_until;	/* 0: no timeout */
	int polled_out;
};

struct watch {
	enum watch_kind kind;
	uint32_t idx;		/* epoll's data packs both in 64 bits */
};

static inline uint64_t watch_data(const struct watch *w)
{
	return ((uint64_t)w->kind << 32) | (uint32_t)w->idx;
}

/* One service (or CMD) at run time. */
struct rt {
	struct svc svc;
	struct cfg_service *cfg;
	int is_cmd;
	pid_t pgid;		/* process group (= session) of the run */
	pid_t sid;		/* the session the run was started in */
	pid_t old_pgid;		/* a previous run's leftovers, killed at the next start */
	pid_t launcher;		/* forking: the process that daemonizes */
	int await_pidfile;
	pid_t probe_pid;	/* readiness exec probe */
	int probe_fd;		/* readiness tcp connect in progress */
	int64_t probe_at;	/* next readiness check; 0 none */
	struct outsrc *out, *err; /* its pipes, once a run needed them */
	int out_w, err_w;	/* pipe write ends given to each run */
	struct watch wout, werr, wnotify;
	int notifyfd;		/* its own sd_notify socket, -1 none */
	int exec_fd[2];		/* exec result of its run, of its check (a forked child), -1 none */
	int main_pidfd;		/* a main process it did not start (pidfile, MAINPID=), -1 none */
	struct watch wexec[2];
	int claim_said;		/* a refused notify message or pidfile was reported */
	enum svc_state logged;	/* last state we reported */
	int restart_pending;	/* ctl restart: start again once stopped */
	int removed;		/* gone from services.d on reload */
	struct cfg_service *next_cfg; /* changed on reload: used once stopped */
	int64_t health_at;	/* next health check; 0 none */
	pid_t health_pid;
	int health_fails;
	int health;		/* 0 unknown, 1 healthy, -1 unhealthy */
	int quiet_stop;		/* next stop: the signal was already sent */
	int64_t stop_began;	/* when it entered stopping */
	int sigkilled;		/* SIGKILL was needed to stop it */
	int stop_clamped;	/* its stop timer is the budget's deadline */
	char *status;		/* STATUS= from sd_notify; NULL none */
};

enum phase { PH_RUN = 0, PH_STOP_CMD, PH_STOP_SERVICES, PH_STOP_REST,
	     PH_DONE };

/* pid 1's life, one loop through all of it: the prestart hooks, CMD and
 * the services (the phases above), the poststop hooks, the exit. */
enum life { LIFE_PRESTART = 0, LIFE_RUN, LIFE_POSTSTOP, LIFE_EXIT };

/* The hook that runs now, in the loop. */
struct hookrun {
	struct hook_phase hp;
	int active;		/* a phase of hooks is under way */
	pid_t pid;		/* the hook now; 0 none */
	struct outsrc *out;
	struct watch w;
	int64_t began, deadline;
	int termed, killed, cut;
	int64_t grace_ms;	/* prestart: after a stop, then SIGKILL */
	char *dir;		/* hp.dir's storage */
};

struct super {
	const struct init_opts *opts;
	struct super_plan *plan;
	struct super_end *end;
	enum life life;
	struct hookrun hk;
	int code;		/* the container's status, once the run ended */
	int childless;		/* waitpid said there is no child left */
	/* plain: CMD alone (no services.d), reaped, forwarded, its status */
	struct outsrc *relay[2];	/* systemd mode's relay of CMD's output */
	pid_t plain_pid;
	int plain_running;
	int64_t kill_at;	/* SIGKILL to CMD then; 0 none */
	char **hooks_env;	/* what the prestart hooks added */
	int64_t stopped_at;	/* when the stop's signal came */
	char (*post_vars)[640];	/* the poststop hooks' POUCH_* variables (5) */
	char *post_varp[6];
	const struct sig_inherit *inh;
	struct cfg *cfg;
	struct cfg_service cmd_cfg;
	struct rt *rt;
	size_t n;		/* services, then CMD last when there is one */
	size_t cmd;		/* index of CMD, or (size_t)-1 */
	int epfd, sigfd;
	struct watch wsig, wqout, wqerr;
	struct outq qout, qerr;
	struct outq *errq;	/* &qerr, or &qout when both are one file */
	int qout_polled, qerr_polled;
	struct outfile **files;	/* the file: outputs in use */
	size_t nfiles;
	char **base_env;
	struct rlimit nofile;	/* inherited, given back to children */
	int is_pid1;
	pid_t self;
	int64_t now;
	int64_t cmd_wait_until;	/* [cmd] ready_timeout for its `after` */
	/* shutdown */
	enum phase phase;
	const char *reason;
	int stop_signal;	/* the signal that stopped us, 0 none */
	int essential_failed;
	int64_t deadline;	/* stopping: then SIGKILL to what is left */
	int64_t stop_started;
	struct budget b;	/* planned when the stop begins */
	int has_poststop;
	int killed_all;
	char state_dir[256];	/* see state.h */
	char notify_dir[320];	/* STATE/notify.XXXXXX; "" until made */
	/* control socket */
	int ctlfd;
	char ctl_path[108];
	struct ctl_client *clients; /* CTL_MAX_CLIENTS, made with the socket */
	struct cfg *cfg_orig;	/* the caller's */
	struct cfg **old_cfgs;	/* replaced by reloads, kept until exit */
	size_t nold;
	/* the outer systemd (WITH_SYSTEMD builds) */
	int outer_ready;	/* READY=1 sent */
	int64_t watchdog_ms, watchdog_at;
};

#define NO_CMD ((size_t)-1)

/* svcrun.c */
/* The service (or CMD) that tracks pid in any role; NULL: none. */
struct rt *run_owner(struct super *sp, pid_t pid);
void run_drive(struct super *sp, struct rt *r, enum svc_event ev, long arg);
void run_reap(struct super *sp);
void run_probe(struct super *sp, struct rt *r);
void run_notify(struct super *sp, struct rt *r);
void run_drain(struct super *sp, struct rt *r);
int run_setup_output(struct super *sp, struct rt *r);
void run_signal_group(struct rt *r, int sig);
/* The exec result of a forked child (spawn.h) came: say a failure. */
void run_exec_result(struct super *sp, struct rt *r, int which);

/* Say that r needed a SIGKILL to stop, and remember it. */
void run_note_kill(struct super *sp, struct rt *r, const char *why);

/* plain.c: CMD alone */
struct signalfd_siginfo;
void plain_start(struct super *sp);
void plain_signal(struct super *sp, const struct signalfd_siginfo *si);
void plain_reaped(struct super *sp, pid_t pid, int status);
void plain_timer(struct super *sp);

/* hookrun.c: the hooks of a phase, run by the loop */
void hk_begin(struct super *sp, const char *phase, char **vars,
	      int64_t deadline_ms);
void hk_reaped(struct super *sp, int status);
void hk_read(struct super *sp);
void hk_timer(struct super *sp);
int64_t hk_deadline(const struct super *sp);
/* SIGTERM or SIGINT while the prestart hooks run */
void hk_stop(struct super *sp, int sig);
/* the loop: the phase of hooks is over */
void super_hooks_over(struct super *sp);

/* ctl.c */
void ctl_open(struct super *sp);
/* Append to a client's answer (bounded by CTL_OUT_MAX). */
void ctl_printf(struct ctl_client *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ctl_close(struct super *sp);
void ctl_accept(struct super *sp);
void ctl_event(struct super *sp, size_t idx, uint32_t events);
void ctl_tick(struct super *sp);	  /* deadlines, wait-ready */
int64_t ctl_next_deadline(const struct super *sp);

/* health (svcrun.c) */
void run_health(struct super *sp, struct rt *r);

/* super.c */
int super_watch_fd(struct super *sp, int fd, struct watch *w);
void super_note(struct super *sp, struct rt *r);
void super_shutdown(struct super *sp, const char *reason);
void super_reload(struct super *sp, struct ctl_client *c);
void super_note_swap(struct super *sp, struct rt *r);
/* The path of a notify service's NOTIFY_SOCKET. */
int super_notify_name(const struct super *sp, const struct rt *r,
		      char *buf, size_t len);
int super_add_service(struct super *sp, struct cfg_service *cfg);
/* A service by name ("cmd" for CMD); NULL when there is none. */
struct rt *super_by_name(struct super *sp, const char *name);
/* NAME (or, with "", every enabled service and CMD's start) is up. */
int super_ready(struct super *sp, const char *name);
int super_counts(const struct rt *r);

#endif
