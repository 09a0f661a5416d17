/* Unit tests of the state tracker: traces through the RFC 9293 state machine, with
 * sequence numbers that wrap at 2^32. */
#include "t.h"

#include "model/track.h"
#include "util/util.h"

#include <stdlib.h>

static struct tc_seg mk(uint16_t flags, uint32_t seq, uint32_t ack, uint32_t len)
{
	struct tc_seg s;

	tc_seg_init(&s);
	s.flags = flags;
	s.seq = seq;
	s.ack = ack;
	s.win = 65535;
	s.payload_len = len;
	s.cksum_status = TC_CK_OK;
	return s;
}

static void path_is(struct t_ctx *t, const struct tc_track *k, const char *want, int line)
{
	char got[400] = "";
	size_t off = 0;
	int i;

	for (i = 0; i < k->npath; i++)
		off += (size_t)snprintf(got + off, sizeof(got) - off, "%s%s", i ? " " : "", tc_state_name(k->path[i]));
	if (strcmp(got, want))
		t_fail(t, __FILE__, line, "path is \"%s\", expected \"%s\"", got, want);
}
#define PATH(k, w) path_is(t, k, w, __LINE__)
#define OUT(k, f, s, a, l) do { struct tc_seg _s = mk(f, s, a, l); tc_track_out(k, &_s); } while (0)
#define IN(k, f, s, a, l) do { struct tc_seg _s = mk(f, s, a, l); tc_track_in(k, &_s); } while (0)
/* ESTABLISH - a passive open from LISTEN: SYN (ISN x), SYN-ACK (ISS y), ACK */
#define ESTABLISH(k, x, y) do { tc_track_init(k, TC_ST_LISTEN); OUT(k, TC_SYN, x, 0, 0); \
		IN(k, TC_SYN | TC_ACK, y, (x) + 1, 0); OUT(k, TC_ACK, (x) + 1, (y) + 1, 0); } while (0)

void test_track_paths(struct t_ctx *t)
{
	struct tc_track k = { 0 };
	uint32_t x = 0xfffffff0u, y = 0xfffffffeu;     /* both ISNs about to wrap */

	/* passive open, data, passive close */
	ESTABLISH(&k, x, y);
	OUT(&k, TC_ACK | TC_PSH, x + 1, y + 1, 100);    /* crosses 2^32 */
	T_EQ_U(t, k.t.rcv_nxt, x + 101);
	OUT(&k, TC_FIN | TC_ACK, x + 101, y + 1, 0);
	IN(&k, TC_ACK, y + 1, x + 102, 0);
	IN(&k, TC_FIN | TC_ACK, y + 1, x + 102, 0);
	OUT(&k, TC_ACK, x + 102, y + 2, 0);
	PATH(&k, "LISTEN SYN-RECEIVED ESTABLISHED CLOSE-WAIT LAST-ACK CLOSED");

	/* active close: FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT */
	ESTABLISH(&k, x, y);
	IN(&k, TC_FIN | TC_ACK, y + 1, x + 1, 0);
	OUT(&k, TC_ACK, x + 1, y + 2, 0);
	OUT(&k, TC_FIN | TC_ACK, x + 1, y + 2, 0);
	PATH(&k, "LISTEN SYN-RECEIVED ESTABLISHED FIN-WAIT-1 FIN-WAIT-2 TIME-WAIT");

	/* FIN+ACK in FIN-WAIT-1: straight to TIME-WAIT; a FIN without the ACK: CLOSING */
	ESTABLISH(&k, x, y);
	IN(&k, TC_FIN | TC_ACK, y + 1, x + 1, 0);
	OUT(&k, TC_FIN | TC_ACK, x + 1, y + 1, 0);      /* does not ack the FIN */
	OUT(&k, TC_ACK, x + 2, y + 2, 0);
	PATH(&k, "LISTEN SYN-RECEIVED ESTABLISHED FIN-WAIT-1 CLOSING TIME-WAIT");

	/* RFC 5961: an in-window RST not at RCV.NXT changes nothing; the exact one resets */
	ESTABLISH(&k, x, y);
	OUT(&k, TC_RST, x + 5, 0, 0);
	OUT(&k, TC_SYN, x + 1, 0, 0);
	OUT(&k, TC_ACK, x + 1, y + 1000, 0);            /* acks unsent data: dropped */
	PATH(&k, "LISTEN SYN-RECEIVED ESTABLISHED");
	OUT(&k, TC_RST, x + 1, 0, 0);
	PATH(&k, "LISTEN SYN-RECEIVED ESTABLISHED CLOSED");

	/* RST in SYN-RECEIVED (passive): back to LISTEN; a bad final ACK changes nothing */
	tc_track_init(&k, TC_ST_LISTEN);
	OUT(&k, TC_SYN, x, 0, 0);
	IN(&k, TC_SYN | TC_ACK, y, x + 1, 0);
	OUT(&k, TC_ACK, x + 1, y + 5, 0);
	OUT(&k, TC_RST, x + 1, 0, 0);
	PATH(&k, "LISTEN SYN-RECEIVED LISTEN");

	/* out-of-order data is held: the hole filled, RCV.NXT jumps over both */
	ESTABLISH(&k, x, y);
	OUT(&k, TC_ACK, x + 11, y + 1, 10);
	T_EQ_U(t, k.t.rcv_nxt, x + 1);
	OUT(&k, TC_ACK, x + 1, y + 1, 10);
	T_EQ_U(t, k.t.rcv_nxt, x + 21);
	/* data beyond the window is not taken */
	OUT(&k, TC_ACK, x + 21 + 70000, y + 1, 10);
	T_EQ_U(t, k.t.rcv_nxt, x + 21);

	/* active open by the target; a closed port stays closed; forget */
	tc_track_init(&k, TC_ST_CLOSED);
	IN(&k, TC_SYN, y, 0, 0);
	OUT(&k, TC_SYN | TC_ACK, x, y + 1, 0);
	PATH(&k, "CLOSED SYN-SENT ESTABLISHED");
	tc_track_forget(&k);
	IN(&k, TC_RST, y + 1, 0, 0);
	PATH(&k, "CLOSED SYN-SENT ESTABLISHED CLOSED");
	T_EQ_S(t, tc_state_name(TC_ST_FIN_WAIT_2), "FIN-WAIT-2");
	T_EQ_U(t, tc_state_from_name("TIME-WAIT"), TC_ST_TIME_WAIT);
	T_EQ_U(t, (unsigned)tc_state_from_name("OPEN"), (unsigned)-1);
	tc_track_free(&k);
}

/* Late answers: the tester sends a stimulus and at once a probe; the target answers
 * both, in order, after the probe went out. */
void test_track_late_answers(struct t_ctx *t)
{
	struct tc_track k = { 0 };
	uint32_t x = 1000, y = 5000;

	ESTABLISH(&k, x, y);
	OUT(&k, TC_RST, x + 100, 0, 0);                 /* in window, not RCV.NXT: challenge ACK */
	OUT(&k, TC_ACK | TC_PSH, x + 1, y + 1, 10);     /* the probe: data, ACK x+11 */
	T_EQ_U(t, (unsigned)k.npend, 3);               /* the final ACK too, which wants nothing */
	IN(&k, TC_ACK, y + 1, x + 1, 0);                /* the challenge ACK, late */
	T_EQ_U(t, (unsigned)k.unexplained_line, 0);
	T_EQ_U(t, (unsigned)k.npend, 1);
	IN(&k, TC_ACK, y + 1, x + 11, 0);               /* the probe's ACK */
	T_EQ_U(t, (unsigned)k.unexplained_line, 0);
	T_EQ_U(t, (unsigned)k.npend, 0);
	T_EQ_U(t, k.t.rcv_nxt, x + 11);
	PATH(&k, "LISTEN SYN-RECEIVED ESTABLISHED");

	/* an answer no waiting segment explains is still caught, with what was allowed */
	ESTABLISH(&k, x, y);
	k.line = 7;
	OUT(&k, TC_RST, x + 100, 0, 0);
	OUT(&k, TC_ACK | TC_PSH, x + 1, y + 1, 10);
	IN(&k, TC_ACK, y + 1, x + 5, 0);
	T_EQ_U(t, (unsigned)k.unexplained_line, 7);
	T_OK(t, strstr(k.unexplained, "got [.] seq 5001 ack 1005; the RFCs allow") != NULL);
	T_OK(t, strstr(k.unexplained, "[.] seq 5001 ack 1001") != NULL);

	/* the challenged SYN in ESTABLISHED: a RST answering it moves the TCB to
	 * CLOSED, and the data sent after it is replayed over CLOSED */
	ESTABLISH(&k, x, y);
	OUT(&k, TC_SYN, x + 50, 0, 0);
	OUT(&k, TC_ACK, x + 1, y + 1, 0);
	PATH(&k, "LISTEN SYN-RECEIVED ESTABLISHED");
	tc_track_settle(&k);
	T_EQ_U(t, (unsigned)k.npend, 0);
	PATH(&k, "LISTEN SYN-RECEIVED ESTABLISHED");

	/* silence for longer than an answer takes settles a segment: a later answer is
	 * measured against the segments after it */
	tc_track_init(&k, TC_ST_LISTEN);
	{
		struct tc_seg a = mk(TC_SYN, x, 0, 0), b;

		a.t_us = 1;
		tc_track_out(&k, &a);
		b = mk(TC_SYN, x, 0, 0);
		b.t_us = 1 + TC_TRACK_ANSWER_US + 1;
		tc_track_out(&k, &b);
		T_EQ_U(t, (unsigned)k.npend, 1);
	}

	/* a connection of a listening port, reset: the port's listener answers a new
	 * SYN of the same 4-tuple; a bare ACK still gets a RST */
	ESTABLISH(&k, x, y);
	OUT(&k, TC_RST, x + 1, 0, 0);
	PATH(&k, "LISTEN SYN-RECEIVED ESTABLISHED CLOSED");
	OUT(&k, TC_ACK, x + 1, y + 1, 0);
	{
		int n;
		const struct tc_outcome *o = tc_track_last(&k, &n);

		T_EQ_U(t, (unsigned)n, 1);
		T_EQ_U(t, o[0].reply.flags, TC_RST);
		T_EQ_U(t, o[0].reply.seq, y + 1);
	}
	PATH(&k, "LISTEN SYN-RECEIVED ESTABLISHED CLOSED");
	OUT(&k, TC_SYN, x + 9000, 0, 0);
	IN(&k, TC_SYN | TC_ACK, y + 7000, x + 9001, 0);
	T_EQ_U(t, (unsigned)k.unexplained_line, 0);
	PATH(&k, "LISTEN SYN-RECEIVED ESTABLISHED CLOSED SYN-RECEIVED");
	/* a closed port has no listener */
	tc_track_init(&k, TC_ST_CLOSED);
	OUT(&k, TC_SYN, x, 0, 0);
	PATH(&k, "CLOSED");

	/* a duplicate ACK of an out-of-order segment settled as unanswered, coming after
	 * the segment that fills the hole: that segment's (2), up to 5 s after it */
	ESTABLISH(&k, x, y);
	k.line = 14;
	{
		struct tc_seg ooo = mk(TC_ACK | TC_PSH, x + 11, y + 1, 10), fill = mk(TC_ACK | TC_PSH, x + 1, y + 1, 10);
		struct tc_seg dup = mk(TC_ACK, y + 1, x + 1, 0), full = mk(TC_ACK, y + 1, x + 21, 0);
		int line = 0;

		ooo.t_us = 1000000;
		tc_track_out(&k, &ooo);
		tc_track_settle(&k);
		k.line = 16;
		fill.t_us = 1600000;
		tc_track_out(&k, &fill);
		dup.t_us = full.t_us = 1700000;
		T_EQ_U(t, tc_track_late_answer(&k, &dup, 1600000, &line), 2);
		T_EQ_U(t, line, 14);
		T_EQ_U(t, tc_track_late_answer(&k, &full, 1600000, &line), 0);   /* the hole filled: ack x+21 */
		T_EQ_U(t, tc_track_late_answer(&k, &dup, 900000, &line), 0);     /* nothing sent before that */
		dup.t_us = 6000001;
		T_EQ_U(t, tc_track_late_answer(&k, &dup, 1600000, &line), 0);     /* more than 5 s late */
	}
	tc_track_free(&k);
}

/* Timestamps through the tracker: two segments sent back to back, each ACKed on its
 * own (the target answered the first before it took the second, so the second's
 * TSecr is its own), or both by one delayed ACK (echoing the first); a wrong echo is
 * unexplained. */
static struct tc_seg mk_ts(uint16_t flags, uint32_t seq, uint32_t ack, uint32_t len, uint32_t val, uint32_t ecr)
{
	struct tc_seg s = mk(flags, seq, ack, len);

	tc_opt_ts(&s.opts[0], val, ecr);
	s.nopts = 1;
	return s;
}

static void ts_handshake(struct tc_track *k, uint32_t x, uint32_t y)
{
	struct tc_seg s;

	tc_track_init(k, TC_ST_LISTEN);
	s = mk_ts(TC_SYN, x, 0, 0, 100, 0);
	tc_track_out(k, &s);
	s = mk_ts(TC_SYN | TC_ACK, y, x + 1, 0, 7, 100);
	tc_track_in(k, &s);
	s = mk_ts(TC_ACK, x + 1, y + 1, 0, 101, 7);
	tc_track_out(k, &s);
	s = mk_ts(TC_ACK | TC_PSH, x + 1, y + 1, 10, 200, 7);
	tc_track_out(k, &s);
	s = mk_ts(TC_ACK | TC_PSH, x + 11, y + 1, 10, 201, 7);
	tc_track_out(k, &s);
}

void test_track_ts_echo(struct t_ctx *t)
{
	struct tc_track k = { 0 };
	struct tc_seg s;
	uint32_t x = 0xfffffff0u, y = 5000;             /* the tester's numbers wrap */

	ts_handshake(&k, x, y);                         /* one ACK each */
	s = mk_ts(TC_ACK, y + 1, x + 11, 0, 8, 200);
	tc_track_in(&k, &s);
	s = mk_ts(TC_ACK, y + 1, x + 21, 0, 9, 201);
	tc_track_in(&k, &s);
	T_EQ_U(t, (unsigned)k.unexplained_line, 0);
	T_EQ_U(t, k.t.ts_recent, 201);
	PATH(&k, "LISTEN SYN-RECEIVED ESTABLISHED");

	ts_handshake(&k, x, y);                         /* one delayed ACK: the first TSval */
	s = mk_ts(TC_ACK, y + 1, x + 21, 0, 8, 200);
	tc_track_in(&k, &s);
	T_EQ_U(t, (unsigned)k.unexplained_line, 0);
	T_EQ_U(t, k.t.ts_recent, 200);

	ts_handshake(&k, x, y);                         /* the delayed ACK echoing the later one */
	k.line = 9;
	s = mk_ts(TC_ACK, y + 1, x + 21, 0, 8, 201);
	tc_track_in(&k, &s);
	T_EQ_U(t, (unsigned)k.unexplained_line, 9);
	T_OK(t, strstr(k.unexplained, "got [.] seq 5001 ack 5; the RFCs allow") != NULL);
	tc_track_free(&k);
}
