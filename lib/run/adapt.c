/* run: how many cases at once (adapt.h). */
#include "run/adapt.h"

#include <stdio.h>
#include <string.h>

static void window(struct tc_adapt *a, uint64_t now, unsigned drops, uint64_t wait)
{
	a->t0 = now;
	a->late_us = 0;
	a->drops0 = drops;
	a->wait0 = wait;
	a->full = 0;
}

void tc_adapt_init(struct tc_adapt *a, int lo, int hi, int start, uint64_t now, unsigned drops, uint64_t wait)
{
	memset(a, 0, sizeof(*a));
	a->lo = lo < 1 ? 1 : lo;
	a->hi = hi < a->lo ? a->lo : hi;
	a->cur = start < a->lo ? a->lo : start > a->hi ? a->hi : start;
	a->peak = a->cur;
	window(a, now, drops, wait);
}

void tc_adapt_late(struct tc_adapt *a, uint64_t us)
{
	if (us > a->late_us)
		a->late_us = us;
}

void tc_adapt_full(struct tc_adapt *a)
{
	a->full = 1;
}

int tc_adapt_turn(struct tc_adapt *a, uint64_t now, unsigned drops, uint64_t wait)
{
	uint64_t span = now - a->t0, waited = wait > a->wait0 ? wait - a->wait0 : 0;
	char why[120] = "";

	if (now < a->t0 + TC_ADAPT_WINDOW_US)
		return a->cur;
	if (drops > a->drops0)
		snprintf(why, sizeof(why), "the capture lost %u frames", drops - a->drops0);
	else if (a->late_us >= TC_ADAPT_LATE_US)
		snprintf(why, sizeof(why), "a frame or a timer was handled %.1f ms late", (double)a->late_us / 1000);
	else if (waited * 1000 > span * TC_ADAPT_WAIT_PERMILLE)
		snprintf(why, sizeof(why), "the processes waited %.1f ms for a CPU in %.0f ms", (double)waited / 1000,
			 (double)span / 1000);
	if (why[0]) {
		int half = a->cur / 2 < a->lo ? a->lo : a->cur / 2;

		if (half < a->cur)
			a->backoffs++;
		a->cur = half;
		memcpy(a->last_why, why, sizeof(why));
	} else if (a->full && a->cur < a->hi) {
		/* kept up, and more cases were waiting: a quarter more (at least one) */
		a->cur += a->cur / 4 > 0 ? a->cur / 4 : 1;
		if (a->cur > a->hi)
			a->cur = a->hi;
		if (a->cur > a->peak)
			a->peak = a->cur;
	}
	window(a, now, drops, wait);
	return a->cur;
}
