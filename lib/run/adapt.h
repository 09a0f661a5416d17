/*
 * run: how many cases at once, when -j is not given. The scheduler starts at a few
 * and raises the number while the tester keeps up; it halves it as soon as the tester
 * falls behind: a frame handled late after its capture, a timer fired late, frames
 * lost by the capture, or the processes the verdicts rest on waiting for a CPU. Each
 * is measured over a window; the first two are what a verdict on a timed step would
 * feel, so the number comes down before a verdict could be touched.
 */
#ifndef TC_RUN_ADAPT_H
#define TC_RUN_ADAPT_H

#include <stdint.h>

#define TC_ADAPT_WINDOW_US 250000       /* one judgement per window */
/* a frame or a timer this late: behind (a third of the shortest time a case gives the
 * target, "within 30ms") */
#define TC_ADAPT_LATE_US 10000
#define TC_ADAPT_WAIT_PERMILLE 200      /* CPU wait over 20 % of the window: behind */

struct tc_adapt {
	int lo, hi;             /* bounds */
	int cur;                /* the number now */
	int peak;               /* the largest it reached */
	int backoffs;           /* times it was halved */
	char last_why[120];     /* why, the last time */
	/* the window */
	uint64_t t0;
	uint64_t late_us;       /* the worst lateness seen in it */
	unsigned drops0;        /* lost frames at its start */
	uint64_t wait0;         /* CPU wait at its start (us) */
	int full;               /* the limit held cases back in it */
};

/* tc_adapt_init - between @lo and @hi, starting at @start, the window from @now. */
void tc_adapt_init(struct tc_adapt *a, int lo, int hi, int start, uint64_t now, unsigned drops, uint64_t wait);

/* tc_adapt_late - something was handled @us after it was due (a captured frame, a timer). */
void tc_adapt_late(struct tc_adapt *a, uint64_t us);

/* tc_adapt_full - the limit kept a case from starting. */
void tc_adapt_full(struct tc_adapt *a);

/* tc_adapt_turn - after each turn of events, with the capture's lost frames and the CPU
 * wait so far: judges the window when it is over. Returns the number of cases allowed. */
int tc_adapt_turn(struct tc_adapt *a, uint64_t now, unsigned drops, uint64_t wait);

#endif
