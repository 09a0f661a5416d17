/*
 * run: the scheduler. Runs many cases at once, each on its own tester port, in one
 * thread: poll() on the capture and the agent channel, demultiplex segments by port,
 * fire deadlines. Cases tagged "serial" or "last" run alone. The cases of one run may
 * have several environments (IPv4 and IPv6 targets behind the same capture and agent):
 * they run side by side.
 */
#ifndef TC_RUN_SCHED_H
#define TC_RUN_SCHED_H

#include <signal.h>

#include "run/runner.h"

struct tc_sched_opts {
	int jobs;                       /* cases at once (>= 1); with jobs_max, at the start */
	int jobs_max;                   /* > jobs: the number adapts (run/adapt.h) between
					 * TC_JOBS_MIN and this; 0: jobs, fixed */
	uint64_t seed;                  /* tester ISNs come from it */
	uint64_t case_limit_us;         /* a case still running after this is an error */
	volatile sig_atomic_t *stop;    /* set from a signal handler: stop now */
	/* health - is the target alive? 1, or 0 with @why ("pasta was killed by SIGFPE").
	 * Asked after every turn of events, and when the agent channel breaks. NULL: the
	 * target is not watched (its death breaks the run). */
	int (*health)(void *arg, char *why, size_t whylen);
	/* revive - start the target again after it died: 0, or -1 with @why. NULL: the
	 * cases after its death end as errors. */
	int (*revive)(void *arg, char *why, size_t whylen);
	/* on_progress - called after each turn of events with the results of the cases
	 * running now (their start_us says since when) and how many cases are done (NULL:
	 * not called). */
	void (*on_progress)(void *arg, struct tc_result *const *running, int nrunning, int ndone, int total);
	/* cpu_wait - how long, in all (us), the processes the verdicts rest on (the target's
	 * stack and application, the tester) have waited for a CPU, runnable but not running
	 * (a counter that only grows). Read when each case starts and when its verdict is
	 * final (after the grace of a watched target): the difference goes to the result's
	 * cpu_wait_us. NULL: not measured. */
	uint64_t (*cpu_wait)(void *arg);
	/* sysctl - set @key to @val in the target's network namespace, the value it had into
	 * @old (when not NULL): 0, or -1 with @err. For the cases with @sysctl, which run
	 * alone: set before the case starts, given back when it ends. NULL: none can be set. */
	int (*sysctl)(void *arg, const char *key, const char *val, char *old, size_t oldlen, char *err,
		      size_t errlen);
	/* on_done - called once per case as soon as its verdict is final. */
	void (*on_done)(void *arg, struct tc_result *r);
	void *arg;
};

/* Run-level findings that belong to no case (malformed frames, strays). */
#define TC_JOBS_MIN 8

struct tc_sched_stats {
	int jobs_peak;                  /* adapting: the most cases allowed at once */
	int jobs_backoffs;              /* adapting: times the number was halved */
	char jobs_why[120];             /* why, the last time */
	int deaths;                     /* times the target died (and was started again) */
	char first_death[512];          /* "pasta was killed by SIGFPE while tcp.x ran" */
	char culprits[512];             /* the cases that stopped it, run alone: "tcp.x, tcp.y [ipv6]" */
	unsigned capture_drops;         /* frames the capture lost (the tester fell behind) */
	int stray;                      /* segments for no running case */
	int malformed;                  /* frames from the target that could not be read */
	char first_malformed[160];
};

/* One case to run: its result and its environment (the target of its family). Every
 * environment of a run shares the io, the agent and the clock of the first. */
struct tc_sched_item {
	struct tc_case *c;
	struct tc_result *r;            /* initialised by the scheduler */
	struct tc_run_env *env;
};

/*
 * tc_sched_run - run the @n cases, in this order (as far as -j and the cases that run
 * alone allow). Returns 0 when every case ran, 1 when stopped by *o->stop (the cases
 * not finished are TC_V_NOTRUN), -1 when the environment broke (@err says how; the
 * cases in flight are TC_V_ERROR, the others TC_V_NOTRUN).
 */
int tc_sched_run(const struct tc_sched_item *items, int n, const struct tc_sched_opts *o,
		 struct tc_sched_stats *stats, char *err, size_t errlen);

#endif
