/* cli: the state of "tcpconform run", shared by cli_run.c (options, cases, reports)
 * and cli_env.c (the environments: netns, remote, dry run). */
#ifndef TC_CLI_RUN_H
#define TC_CLI_RUN_H

#include "case/case.h"
#include "case/waiver.h"
#include "env/cpuwatch.h"
#include "env/netns.h"
#include "env/remote.h"
#include "io/io.h"
#include "io/dry.h"
#include "io/live.h"
#include "report/report.h"
#include "report/stackmx.h"
#include "run/path.h"
#include "run/sched.h"

#include <limits.h>
#include <stdint.h>

#define TC_MAX_COLUMNS TC_STACKMX_COLS /* stacks and kernels in one run */

struct run_opts {
	int jobs, fam[2];
	int jobs_max;                   /* no -j: the number adapts up to this (0: -j fixed it) */
	const char *cases, *outdir, *agent;
	const char *run_name;           /* the run directory's name in outdir (NULL: a stamp) */
	char *sk[64], *sv[64];
	int nsc;
	uint64_t seed;
	int verbose, quiet, color, strict, no_waivers, no_matrix, matrix;
	/* remote mode */
	const char *target, *iface, *source;
	uint16_t port, closed_port;
	const char *service;            /* --service: listen (NULL), discard, echo, http or banner */
	const char *http_path;          /* --http-path: the page of the send port's answer (http) */
	const char *targets;            /* --targets FILE: a fleet (cli_fleet) */
	int trace_path;                 /* --trace-path: probe the path hop by hop after the cases */
	int rate, rate_set, dry_run;
	/* the targets this machine starts, in the order given: --stack NAME, and --kernel
	 * VERSION (stack kernel, kernels[i] its VERSION; host is the linux stack) */
	enum tc_stack stacks[TC_MAX_COLUMNS];
	const char *kernels[TC_MAX_COLUMNS];
	struct tc_vm_kernel *kern[TC_MAX_COLUMNS];      /* those VERSIONs found (cli_run) */
	int nstack;
	const char *tags[16], *xtags[16];       /* --tag, --exclude-tag (--quick: slow) */
	int shard_i, shard_n;           /* --shard I/N (0/0: all) */
	int tap;                        /* --format tap: 13, tap14: 14; 0 text */
	int ntag, nxtag;
	const char *waiver_files[16];
	int nwaiver_files;
	char **globs;
	int nglob;
};

struct run {
	struct run_opts o;
	enum tc_stack stack;            /* the one this run tests */
	const struct tc_vm_kernel *kernel;      /* stack kernel: its kernel */
	char wait_who[96];              /* the processes run_cpu_wait watches, for reasons */
	struct tc_cpuwatch cpu;
	int softirqd;                   /* how many of the kernel's softirq threads it watches too */
	struct tc_caseset set;
	struct tc_case **sel;
	int nsel;
	struct tc_result *res;
	int nres;
	struct tc_run_info info;
	char dir[PATH_MAX];
	struct tc_netns ns;
	struct tc_remote rem;
	int remote;
	struct tc_live *live;
	struct tc_dry *dry;
	struct tc_io io;
	struct tc_agentc ag;            /* the agent's channel (new after a restart) */
	uint32_t agent_seq;             /* request numbers, shared by the families */
	/* the live status line (status.c): on a terminal only */
	int status_on, status_shown, status_cols;
	uint64_t status_at;
	int npass, nfail;
	int revived;                    /* times the stack was started again */
	const struct tc_target *tg[2];  /* per family, NULL when not run */
	struct tc_sched_stats stats;
	struct tc_text_opts txt;
	struct tc_waivers waivers;
	int64_t wall_offset_us;         /* wall clock minus monotonic clock */
	int link_mtu;                   /* the MTU of the tester's link (0: unknown) */
	struct tc_path_report path;     /* what the traces say about the path */
	char *trace_json;               /* --trace-path: report.json's "path_trace" (JSON text) */
	uint16_t free_port[2];          /* per family, a tester port of the block no case used (0: none) */
};

/* run_parse_opts - the options of run into @o (defaults first); 0, or the exit status
 * of a usage error (printed). */
int run_parse_opts(struct run_opts *o, int argc, char **argv);

struct tc_stackmx;

/* cli_stopped - the signal that stops the run (SIGINT, SIGTERM, SIGHUP), or 0. */
int cli_stopped(void);

/* cli_run_target - the whole run against target @stack (a kernel: o->kern[@col]); its
 * verdicts into @mx as column @col when @mx is not NULL. The exit status. */
int cli_run_target(const struct run_opts *o, enum tc_stack stack, struct tc_stackmx *mx, int col);

/* cli_columns - the run of every target of @o (columns.c); the exit status. */
int cli_columns(struct run_opts *o);

/* cli_run_one - one remote run of the options @o (their target); its exit status. */
int cli_run_one(const struct run_opts *o);

/* cli_fleet - run --targets FILE: each host's run, fleet.json and the table; the exit
 * status (the worst of the hosts'). */
int cli_fleet(const struct run_opts *o);

/* cli_worse - the exit status of two runs together: interrupted, then usage, then fail. */
int cli_worse(int a, int b);

/* cli_point_latest_at - OUTDIR/latest -> @dir, replaced atomically. */
void cli_point_latest_at(const char *outdir, const char *dir);


/* run_setup - the environment of the run and its back-end; 0, or -1 (printed). */
int run_setup(struct run *R);

/* run_reopen - capture and injection on the tester's link again (its TAP was made
 * anew); 0 or -1 (printed). */
int run_reopen(struct run *R);

/* The scheduler's watch over the target (struct tc_sched_opts health, revive; @arg is
 * the struct run): a stack we started, or a remote host. */
int run_stack_health(void *arg, char *why, size_t whylen);
int run_stack_revive(void *arg, char *why, size_t whylen);
uint64_t run_cpu_wait(void *arg);
void run_cpu_wait_who(struct run *R, char *buf, size_t len);
int run_remote_health(void *arg, char *why, size_t whylen);
int run_sysctl(void *arg, const char *key, const char *val, char *old, size_t oldlen, char *err, size_t errlen);

/* status_progress - redraw the status line (at most five times a second); the
 * scheduler's on_progress. status_clear - take it off before other output. */
void status_progress(void *arg, struct tc_result *const *running, int n, int ndone, int total);
void status_clear(struct run *R);

/* run_teardown - undo run_setup, whatever it got to. */
void run_teardown(struct run *R);

#endif
