/*
 * env: how long the processes a verdict rests on have waited for a CPU. The kernel adds
 * a thread's wait in the run queue to its schedstat (/proc/PID/task/TID/schedstat) only
 * when the thread gets the CPU, so a thread still waiting shows nothing yet: the watch
 * also samples each thread, and a thread found runnable twice without having run in
 * between (same run count, same CPU time) has waited all that time.
 */
#ifndef TC_ENV_CPUWATCH_H
#define TC_ENV_CPUWATCH_H

#include <stdint.h>

#define TC_CPUWATCH_PIDS 12
#define TC_CPUWATCH_THREADS 128

struct tc_cpuwatch {
	long pid[TC_CPUWATCH_PIDS];     /* 0: unused; the caller may change them (a restart) */
	struct tc_cpuwatch_thread {
		long tid;
		char state;             /* 'R' runnable (running or waiting), 'S' ... */
		uint64_t ran_ns, runs;  /* CPU time and times run, from schedstat */
		uint64_t wait_us;       /* its run-queue wait, from schedstat */
		uint64_t pending_us;    /* wait sampling saw that schedstat does not show yet */
		uint64_t at_us;         /* when sampled */
	} th[TC_CPUWATCH_THREADS];
	int nth;
	uint64_t stuck_us;              /* waits seen by sampling, not yet in schedstat */
	uint64_t last, base;            /* the counter returned last; what keeps it growing */
	const char *proc;               /* "/proc" (a test gives another tree) */
};

/* tc_cpuwatch_read - the watched processes' wait for a CPU so far, in us: schedstat's
 * run-queue waits of their threads, and the waits sampling saw still going on. It
 * never decreases (a thread or a process that ends takes its figures along: the
 * counter keeps what it had; a wait sampling saw is not counted again once schedstat
 * shows it). @now_us: the monotonic clock. */
uint64_t tc_cpuwatch_read(struct tc_cpuwatch *w, uint64_t now_us);

/* tc_cpuwatch_softirqd - watch the kernel's softirq threads too (ksoftirqd/N, one a CPU),
 * in the slots from @from on, as many as fit: on a busy machine the kernel hands the
 * packets it cannot process at once to them, and a starved one holds every segment of
 * the tester and of a local target back. The number of threads added. */
int tc_cpuwatch_softirqd(struct tc_cpuwatch *w, int from);

#endif
