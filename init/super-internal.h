/* SPDX-License-Identifier: MIT */
/*
 * Private to the supervisor: its runtime state, shared by super.c (loop,
 * scheduling, shutdown) and svcrun.c (spawning, reaping, readiness).
 */
#ifndef POUCH_SUPER_INTERNAL_H
#define POUCH_SUPER_INTERNAL_H

#include "run/output.h"
#include "hooks/hooks.h"
#include "services/budget.h"
#include "services/sched.h"
#include "services/svc.h"
#include "init/pidmap.h"
#include "init/super.h"
#include "run/proc.h"

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
	int waiting;		/* 1: wait-ready in progress; 2: a reload's
				 * commands (unit wait_unit, until its
				 * reloads_done is wait_gen) */
	size_t wait_unit;
	unsigned wait_gen;
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

/* A process group pid 1 may signal as a unit's: the group of its run
 * (grp[0]) and of the run before (grp[1], its leftovers). A group's
 * number is only the unit's while one of the group lives: signalled
 * while its leader is pid 1's unreaped child, or is the main process
 * held by a pidfd, or a process of the group that started before
 * `valid` (when the group was last known to be the unit's) is still
 * there; otherwise it is forgotten. */
struct grp {
	pid_t pgid;		/* 0: none (a session's id, for sess) */
	int child;		/* its leader is pid 1's child, not reaped yet */
	int sess;		/* a session, not a process group */
	int64_t valid;		/* proc_ticks_now() when last known the unit's */
	struct proc_proof proof; /* the member that showed it last */
};

/* What carrying out one unit's actions needs (its decisions are the
 * scheduler's: sp->sch.u[i] for sp->rt[i]). */
struct rt {
	struct outsrc *out, *err; /* its pipes, once a run needed them */
	int out_w, err_w;	/* pipe write ends given to each run */
	struct watch wout, werr, wnotify;
	int notifyfd;		/* its own sd_notify socket, -1 none */
	int refuses_fds;	/* ... and it takes no SCM_RIGHTS */
	int probe_fd;		/* readiness tcp connect in progress */
	int exec_fd[3];		/* exec result of its run, of its check, of
				 * its command (a forked child), -1 none */
	const char *exec_what;	/* that command's program, for messages */
	int main_pidfd;		/* a main process it did not start (pidfile, MAINPID=), -1 none */
	struct grp grp[2];	/* its run's process group, the last run's */
	struct grp sess;	/* the session its run started (same rules) */
	struct watch wexec[3];
	int claim_said;		/* a refused notify message or pidfile was reported */
	int limit_said;		/* a Limit*= lowered to the hard limit was said */
	int ambient_said;	/* AmbientCapabilities= pid 1 has not: said */
	char oom_adj[16];	/* OOMScoreAdjust= as the child writes it */
	int envfile_said;	/* an EnvironmentFile= not read as root: said */
	int oom_said;		/* an OOMScoreAdjust= not applied: said */
	int spawns;		/* spawns in this turn of the loop */
	char *status;		/* STATUS= from sd_notify; NULL none */
};

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
	struct sched sch;	/* every decision about CMD and the services */
	struct pidmap pm;	/* every child pid 1 started or adopted */
	struct rt *rt;		/* sch.u[i]'s means: rt[i] */
	size_t n;		/* rt's length (the scheduler's units, made) */
	int dispatching;	/* run_actions() is under way */
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
	/* before the run: a stop while the prestart hooks run */
	int stop_signal;	/* the signal that stopped us, 0 none */
	struct budget b;	/* the stop's budget, as planned at the start */
	int has_poststop;
	char state_dir[256];	/* see state.h */
	char notify_dir[320];	/* STATE/notify.XXXXXX; "" until made */
	/* control socket */
	int ctlfd;
	char ctl_path[108];
	struct ctl_client *clients; /* CTL_MAX_CLIENTS, made with the socket */
	struct cfg *cfg_orig;	/* the caller's */
	struct cfg **old_cfgs;	/* replaced by reloads, kept until exit */
	char **asked;		/* units asked for by name that no target
				 * wants (`systemctl start NAME`): loaded
				 * at each reload too */
	size_t nasked;
	size_t nold;
	/* the outer systemd (WITH_SYSTEMD builds) */
	int outer_ready;	/* READY=1 sent */
	int64_t watchdog_ms, watchdog_at;
};

/* svcrun.c: carrying out the scheduler's actions */
static inline struct sched_unit *rt_unit(struct super *sp, size_t i)
{
	return &sp->sch.u[i];
}

/* A unit's configuration: the scheduler's entry, which init/ may update
 * (users resolved at each start). */
static inline struct cfg_service *rt_cfg(struct super *sp, size_t i)
{
	return (struct cfg_service *)sp->sch.u[i].cfg;
}

/* "CMD", or the service's name. */
const char *rt_name(struct super *sp, size_t i);
/* svcstart.c: a run of unit i, a check of it (as it runs); 0 with *pid */
int run_start(struct super *sp, size_t i, pid_t *pid);
int run_start_check(struct super *sp, size_t i, char *const *argv, pid_t *pid);
/* ... one of its commands beside the main process (ExecStartPre= and
 * friends), as it runs, with $MAINPID */
int run_start_exec(struct super *sp, size_t i, const struct cfg_cmd *cmd,
		   int first, pid_t *pid);
/* Carry out what the scheduler queued, and what that queued; how many. */
size_t run_actions(struct super *sp);
/* A turn of the loop is over (the spawns counted per turn). */
void run_turn_over(struct super *sp);
void run_reap(struct super *sp);
void run_notify(struct super *sp, size_t i);
void run_drain(struct super *sp, size_t i);
/* The exec result of a forked child (spawn.h) came: say a failure. */
void run_exec_result(struct super *sp, size_t i, int which);
void run_check_groups(struct super *sp);
/* Make rt[] as long as the scheduler's units; -ENOMEM. */
int run_grow(struct super *sp);
void run_release(struct super *sp, size_t i);
/* sig to every process of the namespace but pid 1 (a subreaper: its
 * own descendants). */
void run_kill_rest(struct super *sp, int sig);

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

/* super.c */
int super_watch_fd(struct super *sp, int fd, struct watch *w);
void super_reload(struct super *sp, struct ctl_client *c);
/* systemctl daemon-reload: sched_reload's defs_only */
void super_reload_defs(struct super *sp, struct ctl_client *c, int defs_only);
/* `ctl start NAME` of a unit pid 1 does not have: loaded now, as
 * systemd loads a unit on demand; its index, or -1. */
int super_load_unit(struct super *sp, const char *name);
/* The path of a notify service's NOTIFY_SOCKET. */
int super_notify_name(const struct super *sp, size_t i, char *buf, size_t len);
int super_open_notify(struct super *sp, size_t i);
/* A unit changed state: tell the outer systemd. */
void super_outer_update(struct super *sp);

#endif
