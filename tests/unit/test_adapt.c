/* How many cases at once, without -j (run/adapt.h): raised while the tester keeps up
 * and cases wait, halved when it falls behind, within its bounds. */
#include "t.h"

#include "run/adapt.h"

#define W TC_ADAPT_WINDOW_US

void test_adapt_jobs(struct t_ctx *t)
{
	struct tc_adapt a;
	uint64_t now = 1000000;

	tc_adapt_init(&a, 4, 64, 16, now, 0, 0);
	T_EQ_U(t, tc_adapt_turn(&a, now + W / 2, 0, 0), 16);          /* the window is not over */
	now += W;
	T_EQ_U(t, tc_adapt_turn(&a, now, 0, 0), 16);                  /* kept up, nothing waited */
	tc_adapt_full(&a);
	now += W;
	T_EQ_U(t, tc_adapt_turn(&a, now, 0, 0), 20);                  /* kept up, cases waited */
	for (int i = 0; i < 20; i++) {
		tc_adapt_full(&a);
		now += W;
		tc_adapt_turn(&a, now, 0, 0);
	}
	T_EQ_U(t, a.cur, 64);                                         /* never above the bound */
	T_EQ_U(t, a.peak, 64);
	/* late by less than the threshold: still up */
	tc_adapt_late(&a, TC_ADAPT_LATE_US - 1);
	now += W;
	T_EQ_U(t, tc_adapt_turn(&a, now, 0, 0), 64);
	/* a timer or a frame late: halved, saying why */
	tc_adapt_late(&a, 12000);
	tc_adapt_full(&a);
	now += W;
	T_EQ_U(t, tc_adapt_turn(&a, now, 0, 0), 32);
	T_EQ_S(t, a.last_why, "a frame or a timer was handled 12.0 ms late");
	/* the capture lost frames */
	now += W;
	T_EQ_U(t, tc_adapt_turn(&a, now, 3, 0), 16);
	T_EQ_S(t, a.last_why, "the capture lost 3 frames");
	/* the same count of lost frames is no new loss */
	tc_adapt_full(&a);
	now += W;
	T_EQ_U(t, tc_adapt_turn(&a, now, 3, 0), 20);
	/* CPU wait over a fifth of the window */
	now += W;
	T_EQ_U(t, tc_adapt_turn(&a, now, 3, W / 5 + 1000), 10);
	T_EQ_S(t, a.last_why, "the processes waited 51.0 ms for a CPU in 250 ms");
	/* never below the lower bound */
	for (int i = 0; i < 5; i++) {
		tc_adapt_late(&a, 50000);
		now += W;
		tc_adapt_turn(&a, now, 3, W / 5 + 1000);
	}
	T_EQ_U(t, a.cur, 4);
	T_EQ_U(t, a.backoffs, 5);       /* 64 -> 32 -> 16, 20 -> 10 -> 5 -> 4: a halving that changes nothing is none */
}
