/* The ISN tests against what they must catch: a counter, a clock, a constant, repeats,
 * and against what they must let through: random ISNs, and a clock for one 4-tuple. */
#include "t.h"

#include "model/isn.h"
#include "run/steps.h"
#include "util/util.h"

#include <stdlib.h>

#define N 2000

static void gen(struct tc_isn_sample *s, int kind, uint64_t seed)
{
	struct tc_rng r;
	int i;

	tc_rng_seed(&r, seed);
	for (i = 0; i < N; i++) {
		s[i].t_us = 1000000 + (uint64_t)i * 150 + tc_rng_u32(&r) % 50;  /* a SYN every ~150 us */
		switch (kind) {
		case 0: s[i].isn = tc_rng_u32(&r); break;                          /* random */
		case 1: s[i].isn = 0x12345678u + 64000u * (uint32_t)i; break;      /* BSD-style counter */
		case 2: s[i].isn = (uint32_t)(s[i].t_us / 4); break;               /* RFC 793 4 us clock */
		case 3: s[i].isn = 0xdeadbeefu; break;                             /* constant */
		case 4: s[i].isn = tc_rng_u32(&r) & 0x7fffffffu; break;            /* top bit stuck */
		case 5: s[i].isn = (uint32_t)(s[i].t_us * 15) + 0x5000u; break;    /* one tuple, 64 ns clock */
		case 6: s[i].isn = (uint32_t)(s[i].t_us / 10); break;              /* one tuple, too slow */
		default: s[i].isn = tc_rng_u32(&r) % 200 * 21474836u; break;       /* 200 values */
		}
	}
}

void test_isn_statistics(struct t_ctx *t)
{
	struct tc_isn_sample *s = tc_xmalloc(N * sizeof(*s));
	char why[300];
	uint64_t seed;

	for (seed = 1; seed <= 20; seed++) {           /* random data passes, seed after seed */
		gen(s, 0, seed);
		if (!tc_isn_random(s, N, why, sizeof(why)))
			t_fail(t, __FILE__, __LINE__, "random ISNs (seed %llu) rejected: %s", (unsigned long long)seed, why);
	}
	gen(s, 1, 1);                                   /* a counter is named as such, not by a bit */
	T_EQ_U(t, tc_isn_random(s, N, why, sizeof(why)), 0);
	T_EQ_S(t, why, "1999 of 1999 consecutive ISNs lie within 2^24 of each other (chance: 1 in 128): "
		       "a counter or a clock shows through");
	gen(s, 2, 1);
	T_EQ_U(t, tc_isn_random(s, N, why, sizeof(why)), 0);
	T_OK(t, strstr(why, "consecutive ISNs lie within 2^24") != NULL);       /* a clock too */
	{                                               /* a fast clock whose every bit turns: the gaps */
		int i;

		for (i = 0; i < N; i++)
			s[i].isn = (uint32_t)(s[i].t_us * 4099u) ^ (uint32_t)(i * 2654435761u & 0xff);
		T_EQ_U(t, tc_isn_random(s, N, why, sizeof(why)), 0);
	}
	{                                               /* a counter with any odd step: the steps */
		struct tc_rng r;
		int i, k, missed = 0;

		tc_rng_seed(&r, 7);
		for (k = 0; k < 200; k++) {
			uint32_t step = tc_rng_u32(&r) | 1u, base = tc_rng_u32(&r);

			for (i = 0; i < N; i++)
				s[i].isn = base + step * (uint32_t)i;
			missed += tc_isn_random(s, N, why, sizeof(why));
		}
		T_EQ_U(t, missed, 0);
		for (i = 0; i < N; i++)                 /* the golden-ratio step */
			s[i].isn = 0x01234567u + 0x9e3779b1u * (uint32_t)i;
		T_EQ_U(t, tc_isn_random(s, N, why, sizeof(why)), 0);
		T_EQ_S(t, why, "1998 of 1998 steps between consecutive ISNs lie within 2^24 of the step before "
			       "(chance: 1 in 128): a counter or a clock with a constant step shows through");
		for (i = 0; i < N; i++)                 /* a clock at an odd rate: steps vary with the gaps */
			s[i].isn = (uint32_t)(s[i].t_us * 2654435761u);
		T_EQ_U(t, tc_isn_random(s, N, why, sizeof(why)), 0);
		T_OK(t, strstr(why, "changes between consecutive steps of the ISN repeat") != NULL);
		for (i = 0; i < N; i++)                 /* and with a random part per 4-tuple: passes */
			s[i].isn = (uint32_t)(s[i].t_us * 2654435761u) + tc_rng_u32(&r);
		if (!tc_isn_random(s, N, why, sizeof(why)))
			t_fail(t, __FILE__, __LINE__, "RFC 6528 ISNs (clock + random per tuple) rejected: %s", why);
	}
	gen(s, 3, 1);
	T_EQ_U(t, tc_isn_random(s, N, why, sizeof(why)), 0);
	T_EQ_S(t, why, "1999 of 2000 ISNs repeat (chance gives at most 1)");
	{                                               /* one pair alike: chance (1 in 2150) */
		gen(s, 0, 3);
		s[1234].isn = s[77].isn;
		T_EQ_U(t, tc_isn_random(s, N, why, sizeof(why)), 1);
		T_OK(t, strstr(why, "2000 ISNs: 1 repeated (chance gives at most 1)") != NULL);
		s[1500].isn = s[99].isn;                /* two: one in ten million */
		T_EQ_U(t, tc_isn_random(s, N, why, sizeof(why)), 0);
		T_EQ_S(t, why, "2 of 2000 ISNs repeat (chance gives at most 1)");
	}
	gen(s, 4, 1);
	T_EQ_U(t, tc_isn_random(s, N, why, sizeof(why)), 0);
	T_OK(t, strstr(why, "bit 31 of the ISN is 1 in 0 of 2000") != NULL);
	gen(s, 7, 1);
	T_EQ_U(t, tc_isn_random(s, N, why, sizeof(why)), 0);
	T_OK(t, strstr(why, "ISNs repeat") != NULL);
	T_EQ_U(t, tc_isn_random(s, 100, why, sizeof(why)), 0);
	T_EQ_S(t, why, "100 samples are too few (200 at least)");

	gen(s, 5, 1);                                   /* one 4-tuple, a fast clock, even gaps: */
	T_OK(t, tc_isn_clock(s, 200, why, sizeof(why)) == -1);  /* a counter would look the same */
	T_OK(t, strstr(why, "too even to tell a clock from a counter of connections") != NULL);
	{                                               /* slirp's counter, gaps a busy machine blurred */
		struct tc_rng r;
		int i;

		tc_rng_seed(&r, 7);
		s[0].t_us = 1000000;
		for (i = 1; i < 40; i++)        /* the runner's short and long pauses, drowned in 2-15 ms of delay */
			s[i].t_us = s[i - 1].t_us + (i % 2 ? 4000 + 5 * 2000 : 2000) + 2000 + tc_rng_u32(&r) % 13000;
		for (i = 0; i < 40; i++)
			s[i].isn = 1u + 64000u * (uint32_t)i;
		T_OK(t, tc_isn_clock(s, 40, why, sizeof(why)) == -1);   /* not a pass */
	}
	{                                               /* attempts at uneven gaps, as the runner makes them */
		int i;

		for (i = 0; i < 300; i++)
			s[i].t_us = 1000000 + (uint64_t)(i / 2) * 4120 + (uint64_t)(i % 2) * 60;
		for (i = 0; i < 300; i++)               /* a 64 ns clock: its steps follow the gaps */
			s[i].isn = 0x5000u + (uint32_t)(s[i].t_us * 15);
		T_EQ_U(t, tc_isn_clock(s, 300, why, sizeof(why)), 1);
		for (i = 0; i < 300; i++)               /* a counter of connections (lwIP: 19 a SYN) */
			s[i].isn = 6510u + 19u * (uint32_t)i;
		T_EQ_U(t, tc_isn_clock(s, 300, why, sizeof(why)), 0);
		T_EQ_S(t, why, "the ISN steps by about as much after a 4060 us pause (19) as after 60 us (19): "
			       "it counts connections, it is not a clock");
		for (i = 0; i < 300; i++)               /* a fast counter passes the rate, not this */
			s[i].isn = 6510u + 2000u * (uint32_t)i;
		T_EQ_U(t, tc_isn_clock(s, 300, why, sizeof(why)), 0);
		T_OK(t, strstr(why, "it counts connections") != NULL);
	}
	{                                               /* the runner's own pauses, same-port */
		struct tc_case c = { .same_port = 1, .analyze = TC_AN_ISN_CLOCK };
		uint64_t settle[] = { 2000, 100000 };   /* between a reset and the next SYN; after a retry */
		int i, j;

		for (j = 0; j < 2; j++) {
			s[0].t_us = 1000000;
			for (i = 1; i < 300; i++)       /* each run takes 600 to 650 us, then the pause */
				s[i].t_us = s[i - 1].t_us + 600 + (uint64_t)(i * 37 % 50) + rn_sample_gap(&c, i, settle[j]);
			for (i = 0; i < 300; i++)       /* libslirp: 64000 a connection */
				s[i].isn = 1u + 64000u * (uint32_t)i;
			T_EQ_U(t, tc_isn_clock(s, 300, why, sizeof(why)), 0);
			T_OK(t, strstr(why, "it counts connections") != NULL);
			for (i = 0; i < 300; i++)       /* a 64 ns clock */
				s[i].isn = 0x5000u + (uint32_t)(s[i].t_us * 15);
			T_EQ_U(t, tc_isn_clock(s, 300, why, sizeof(why)), 1);
		}
	}
	gen(s, 6, 1);
	T_EQ_U(t, tc_isn_clock(s, 200, why, sizeof(why)), 0);
	T_OK(t, strstr(why, "per second (a 4 us clock: 250000)") != NULL);
	gen(s, 0, 1);                                   /* random per attempt: not a clock */
	T_EQ_U(t, tc_isn_clock(s, 200, why, sizeof(why)), 0);
	gen(s, 3, 1);
	T_EQ_U(t, tc_isn_clock(s, 200, why, sizeof(why)), 0);
	T_OK(t, strstr(why, "went unchanged") != NULL);
	free(s);
}

/* The timestamp clock (RFC 7323 5.4): 1 to 1000 ticks a second, never back. */
void test_ts_clock(struct t_ctx *t)
{
	struct tc_isn_sample s[100];
	char why[300];
	int i;

	for (i = 0; i < 100; i++) {                     /* an attempt every 20 ms: 1.98 s */
		s[i].t_us = 5000000 + (uint64_t)i * 20000;
		s[i].isn = 0;
		s[i].has_ts = 1;
		s[i].tsval = 0xffffff80u + (uint32_t)((s[i].t_us - 5000000) / 1000);   /* 1 kHz, wrapping */
	}
	T_EQ_U(t, tc_ts_clock(s, 100, why, sizeof(why)), 1);
	T_OK(t, strstr(why, "a clock that never went back, 1000.0 ticks a second") != NULL);
	for (i = 0; i < 100; i++)                       /* 10 kHz: too fast */
		s[i].tsval = (uint32_t)(s[i].t_us / 100);
	T_EQ_U(t, tc_ts_clock(s, 100, why, sizeof(why)), 0);
	T_EQ_S(t, why, "the timestamp clock ticks 10000.0 times a second (RFC 7323 5.4: from 1 to 1000)");
	for (i = 0; i < 100; i++)                       /* 1 Hz: the slowest allowed */
		s[i].tsval = 77 + (uint32_t)(s[i].t_us / 1000000);
	T_EQ_U(t, tc_ts_clock(s, 100, why, sizeof(why)), 1);
	for (i = 0; i < 100; i++)                       /* stopped */
		s[i].tsval = 77;
	T_EQ_U(t, tc_ts_clock(s, 100, why, sizeof(why)), 0);
	T_EQ_S(t, why, "the timestamp clock ticks 0.0 times a second (RFC 7323 5.4: from 1 to 1000)");
	for (i = 0; i < 100; i++)                       /* random per attempt: goes back */
		s[i].tsval = (uint32_t)(i * 2654435761u);
	T_EQ_U(t, tc_ts_clock(s, 100, why, sizeof(why)), 0);
	T_OK(t, strstr(why, "the timestamp clock went back between attempts") != NULL);
	s[7].has_ts = 0;                                /* TSopt now and then */
	T_EQ_U(t, tc_ts_clock(s, 100, why, sizeof(why)), 0);
	T_EQ_S(t, why, "TSopt in 99 of 100 SYN-ACKs to the same offer");
	for (i = 0; i < 100; i++)                       /* never: nothing to judge */
		s[i].has_ts = 0;
	T_EQ_U(t, tc_ts_clock(s, 100, why, sizeof(why)), 1);
	T_OK(t, strstr(why, "takes no timestamps") != NULL);
	for (i = 0; i < 100; i++) {                     /* a span too short to tell */
		s[i].has_ts = 1;
		s[i].t_us = 5000000 + (uint64_t)i * 100;
		s[i].tsval = 5;
	}
	T_EQ_U(t, tc_ts_clock(s, 100, why, sizeof(why)), 0);
	T_OK(t, strstr(why, "too short to measure") != NULL);
}
