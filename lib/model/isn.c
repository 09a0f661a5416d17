/* model: ISN statistics. */
#include "model/isn.h"
#include "util/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* repeats - the number of ISNs seen more than once, and whether 0 is among them. */
static size_t repeats(const struct tc_isn_sample *s, size_t n, int *zero)
{
	uint32_t *v = tc_xmalloc(n * sizeof(*v));
	size_t i, r = 0;

	*zero = 0;
	for (i = 0; i < n; i++) {
		v[i] = s[i].isn;
		*zero |= v[i] == 0;
	}
	qsort(v, n, sizeof(*v), cmp_u32);
	for (i = 1; i < n; i++)
		r += v[i] == v[i - 1];
	free(v);
	return r;
}

/* chance_repeats - the most repeats that n random 32-bit values show by chance: the
 * pairs that collide are Poisson with mean n(n-1)/2^33 (the birthday bound; 4.7e-4 for
 * 2000 values), and more than the returned number has a chance under one in a million. */
static size_t chance_repeats(size_t n)
{
	double lambda = (double)n * (double)(n - 1) / 8589934592.0, term = exp(-lambda), cum = term;
	size_t k = 0;

	while (1.0 - cum > 1e-6 && k < 1000) {
		k++;
		term *= lambda / (double)k;
		cum += term;
	}
	return k;
}

int tc_isn_random(const struct tc_isn_sample *s, size_t n, char *why, size_t len)
{
	double sigma, chi = 0, expect;
	size_t bins[256] = { 0 }, ones, close = 0, alike = 0, again = 0, i, rep;
	int b, zero;

	if (n < 200)
		return tc_errf(why, len, "%zu samples are too few (200 at least)", n), 0;
	rep = repeats(s, n, &zero);
	if (rep > chance_repeats(n))
		return tc_errf(why, len, "%zu of %zu ISNs repeat (chance gives at most %zu)", rep, n,
			       chance_repeats(n)), 0;
	if (zero)
		return tc_errf(why, len, "an ISN is 0"), 0;
	/* consecutive ISNs within 2^24 of each other: by chance 1 in 128 */
	for (i = 1; i < n; i++) {
		int32_t d = (int32_t)(s[i].isn - s[i - 1].isn);

		close += d > -(1 << 24) && d < (1 << 24);
	}
	if ((double)close / (double)(n - 1) > 0.05)
		return tc_errf(why, len, "%zu of %zu consecutive ISNs lie within 2^24 of each other "
			       "(chance: 1 in 128): a counter or a clock shows through", close, n - 1), 0;
	/* a counter with any step, or a clock with any rate, however its bits look: the
	 * steps between consecutive ISNs are alike; by chance two steps in a row lie
	 * within 2^24 of each other 1 time in 128 */
	for (i = 2; i < n; i++) {
		int32_t dd = (int32_t)((s[i].isn - s[i - 1].isn) - (s[i - 1].isn - s[i - 2].isn));

		alike += dd > -(1 << 24) && dd < (1 << 24);
	}
	if ((double)alike / (double)(n - 2) > 0.05)
		return tc_errf(why, len, "%zu of %zu steps between consecutive ISNs lie within 2^24 of the step "
			       "before (chance: 1 in 128): a counter or a clock with a constant step shows through",
			       alike, n - 2), 0;
	/* a clock at any rate, read at coarse times: the change from one step to the next
	 * is the rate times a few ticks, so the same changes come again; by chance, among
	 * n 32-bit values, hardly one */
	{
		uint32_t *dd = tc_xmalloc(n * sizeof(*dd));

		for (i = 2; i < n; i++)
			dd[i - 2] = (s[i].isn - s[i - 1].isn) - (s[i - 1].isn - s[i - 2].isn);
		qsort(dd, n - 2, sizeof(*dd), cmp_u32);
		for (i = 1; i < n - 2; i++)
			again += dd[i] == dd[i - 1];
		free(dd);
	}
	if ((double)again / (double)(n - 2) > 0.05)
		return tc_errf(why, len, "%zu of %zu changes between consecutive steps of the ISN repeat a change "
			       "seen before (by chance: hardly one): a clock or a counter shows through", again, n - 2), 0;
	/* the patterns of counters and clocks first (above): a counter's cause is named as
	 * such, not by the bit it happens to leave unbalanced */
	/* each bit: a binomial(n, 1/2); 5 sigma either way */
	sigma = sqrt((double)n) / 2;
	for (b = 0; b < 32; b++) {
		for (ones = 0, i = 0; i < n; i++)
			ones += (s[i].isn >> b) & 1;
		if (fabs((double)ones - (double)n / 2) > 5 * sigma)
			return tc_errf(why, len, "bit %d of the ISN is 1 in %zu of %zu samples (a random bit: %zu +- %.0f)",
				       b, ones, n, n / 2, 5 * sigma), 0;
	}
	/* top byte: chi-square with 255 degrees of freedom; 340 is p < 0.0003 */
	for (i = 0; i < n; i++)
		bins[s[i].isn >> 24]++;
	expect = (double)n / 256;
	for (i = 0; i < 256; i++)
		chi += ((double)bins[i] - expect) * ((double)bins[i] - expect) / expect;
	if (chi > 340)
		return tc_errf(why, len, "the top byte of the ISN is not uniform (chi-square %.0f > 340, 255 df)", chi), 0;
	tc_errf(why, len, "%zu ISNs: %zu repeated (chance gives at most %zu), bits balanced, top byte chi-square "
		"%.0f (255 df), %zu consecutive pairs within 2^24, %zu alike steps, %zu repeated changes of step",
		n, rep, chance_repeats(n), chi, close, alike, again);
	return 1;
}

/* per_attempt - do the steps of the ISN follow the time between attempts (a clock), or
 * stay alike however long the pause (a counter bumped per connection, which a burst of
 * attempts makes look fast)? The attempts are made at uneven gaps (the runner pauses
 * before every other one); where the long gaps are at least 3 times the short ones, a
 * clock's steps are too. 1 with @why when the steps do not follow the gaps, 0 when
 * they do, -1 with @why when the gaps are too even to tell. */
static int per_attempt(const struct tc_isn_sample *s, size_t n, char *why, size_t len)
{
	double *g = tc_xmalloc(n * sizeof(*g)), med, gs = 0, gl = 0, ss = 0, sl = 0;
	size_t i, ns = 0, nl = 0;

	for (i = 1; i < n; i++)
		g[i - 1] = (double)(s[i].t_us - s[i - 1].t_us);
	qsort(g, n - 1, sizeof(*g), cmp_dbl);
	med = g[(n - 1) / 2];
	free(g);
	for (i = 1; i < n; i++) {
		double gap = (double)(s[i].t_us - s[i - 1].t_us), step = (double)(uint32_t)(s[i].isn - s[i - 1].isn);

		if (gap <= med) {
			gs += gap, ss += step, ns++;
		} else {
			gl += gap, sl += step, nl++;
		}
	}
	if (!ns || !nl || gs <= 0 || gl / (double)nl < 3 * (gs / (double)ns)) {
		tc_errf(why, len, "the pauses between attempts came out too even to tell a clock from a counter of "
			"connections (the long ones %.0f us, the short ones %.0f us: 3 times at least are needed; "
			"a busy machine blurs them)", nl ? gl / (double)nl : 0, ns ? gs / (double)ns : 0);
		return -1;      /* the gaps are too even to tell */
	}
	gs /= (double)ns, gl /= (double)nl, ss /= (double)ns, sl /= (double)nl;
	if (sl >= ss * (gl / gs) / 3)
		return 0;       /* steps that grow with the gaps: a clock */
	tc_errf(why, len, "the ISN steps by about as much after a %.0f us pause (%.0f) as after %.0f us (%.0f): "
		"it counts connections, it is not a clock", gl, sl, gs, ss);
	return 1;
}

int tc_isn_clock(const struct tc_isn_sample *s, size_t n, char *why, size_t len)
{
	int pa;
	double rate;
	uint64_t dt;
	uint32_t dv;
	size_t i;

	if (n < 10)
		return tc_errf(why, len, "%zu samples are too few (10 at least)", n), 0;
	for (i = 1; i < n; i++) {
		int32_t d = (int32_t)(s[i].isn - s[i - 1].isn);

		if (d <= 0)
			return tc_errf(why, len, "the ISN went %s between attempts %zu and %zu of one 4-tuple (%u, then %u)",
				       d ? "back" : "unchanged", i, i + 1, s[i - 1].isn, s[i].isn), 0;
	}
	dt = s[n - 1].t_us - s[0].t_us;
	dv = s[n - 1].isn - s[0].isn;
	if (!dt)
		return tc_errf(why, len, "the samples took no time"), 0;
	pa = per_attempt(s, n, why, len);
	if (pa > 0)                             /* the cause first: a counter, however fast */
		return 0;
	rate = (double)dv / ((double)dt / 1e6);
	if (rate < 250000)
		return tc_errf(why, len, "the ISN grew %.0f per second (a 4 us clock: 250000)", rate), 0;
	if (pa < 0)                             /* fast enough, but a counter would be too */
		return -1;
	tc_errf(why, len, "%zu ISNs of one 4-tuple grew monotonically, %.0f per second", n, rate);
	return 1;
}

int tc_ts_clock(const struct tc_isn_sample *s, size_t n, char *why, size_t len)
{
	size_t i, with = 0;
	double secs, rate, ticks;

	for (i = 0; i < n; i++)
		with += s[i].has_ts != 0;
	if (n < 2)
		return tc_errf(why, len, "%zu samples are too few (2 at least)", n), 0;
	if (!with)
		return tc_errf(why, len, "no SYN-ACK of %zu carried TSopt: the target takes no timestamps, "
			       "so it has no timestamp clock to judge", n), 1;
	if (with < n)
		return tc_errf(why, len, "TSopt in %zu of %zu SYN-ACKs to the same offer", with, n), 0;
	for (i = 1; i < n; i++)
		if ((int32_t)(s[i].tsval - s[i - 1].tsval) < 0)
			return tc_errf(why, len, "the timestamp clock went back between attempts %zu and %zu "
				       "(TSval %u, then %u)", i, i + 1, s[i - 1].tsval, s[i].tsval), 0;
	secs = (double)(s[n - 1].t_us - s[0].t_us) / 1e6;
	if (secs < 1.5)
		return tc_errf(why, len, "the samples span %.3f s: too short to measure a clock (1.5 s at least)",
			       secs), 0;
	ticks = (double)(uint32_t)(s[n - 1].tsval - s[0].tsval);
	rate = ticks / secs;
	/* one tick either way: the first and the last reading may sit at either end of
	 * theirs */
	if ((ticks + 1) / secs < 0.9 || (ticks - 1) / secs > 1100)
		return tc_errf(why, len, "the timestamp clock ticks %.1f times a second (RFC 7323 5.4: from 1 to 1000)",
			       rate), 0;
	tc_errf(why, len, "%zu TSvals over %.2f s: a clock that never went back, %.1f ticks a second", n, secs, rate);
	return 1;
}
