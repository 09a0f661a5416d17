/* The model against RFC 9293 3.10.7, one table per state, written from the RFC's text.
 * Both ISNs sit a few bytes below 2^32, so every relative number below crosses the
 * wrap. */
#include "t.h"

#include "model/model.h"
#include "util/util.h"

#include <stdlib.h>

#define X 0xffffff00u   /* the tester's ISN (IRS) */
#define Y 0xfffffff0u   /* the target's ISN (ISS) */
#define WND 1000

enum { NONE = 0 };

struct row {
	int line;
	enum tc_state st;       /* the state before */
	uint16_t flags;
	int32_t seq, ack;       /* relative to X and Y */
	uint32_t len;
	const char *outcomes;   /* names, in order */
	uint16_t rflags;        /* the first outcome's reply (0: none) */
	int32_t rseq, rack;     /* relative to Y and X; rseq_abs: rseq is absolute */
	int rseq_abs;
	enum tc_state next;     /* the first outcome's state after */
};

/* tcb - a target in state @st: ISS Y, IRS X, window WND both ways. */
static void tcb(struct tc_tcb *t, enum tc_state st)
{
	tc_tcb_init(t, st);
	if (st == TC_ST_CLOSED || st == TC_ST_LISTEN)
		return;
	t->have_iss = 1;
	t->iss = Y;
	t->snd_una = Y;
	t->snd_nxt = Y + 1;
	t->snd_wnd = t->max_snd_wnd = 65535;
	if (st == TC_ST_SYN_SENT)
		return;
	t->have_irs = 1;
	t->irs = X;
	t->rcv_nxt = X + 1;
	t->rcv_wnd = WND;
	t->passive = 1;
	if (st == TC_ST_SYN_RECEIVED)
		return;
	t->snd_una = Y + 1;
	if (st == TC_ST_FIN_WAIT_1 || st == TC_ST_FIN_WAIT_2 || st == TC_ST_CLOSING ||
	    st == TC_ST_LAST_ACK || st == TC_ST_TIME_WAIT) {
		t->fin_sent = 1;
		t->fin_seq = Y + 1;
		t->snd_nxt = Y + 2;
	}
	if (st == TC_ST_FIN_WAIT_2 || st == TC_ST_TIME_WAIT)
		t->snd_una = Y + 2;
	if (st == TC_ST_CLOSE_WAIT || st == TC_ST_CLOSING || st == TC_ST_LAST_ACK || st == TC_ST_TIME_WAIT) {
		t->fin_rcvd = 1;
		t->fin_rcvd_seq = X + 1;
		t->rcv_nxt = X + 2;
	}
}

#define A TC_ACK
#define S TC_SYN
#define F TC_FIN
#define R TC_RST
#define P TC_PSH

static const struct row rows[] = {
	/* 3.10.7.1 CLOSED */
	{ __LINE__, TC_ST_CLOSED, R, 1, 0, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_CLOSED },
	{ __LINE__, TC_ST_CLOSED, R | A, 1, 5, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_CLOSED },
	{ __LINE__, TC_ST_CLOSED, S, 0, 0, 0, "rfc9293", R | A, 0, 1, 1, TC_ST_CLOSED },
	{ __LINE__, TC_ST_CLOSED, A, 1, 1000, 0, "rfc9293", R, 1000, 0, 0, TC_ST_CLOSED },
	{ __LINE__, TC_ST_CLOSED, P, 1, 0, 37, "rfc9293", R | A, 0, 38, 1, TC_ST_CLOSED },
	{ __LINE__, TC_ST_CLOSED, F, 1, 0, 0, "rfc9293", R | A, 0, 2, 1, TC_ST_CLOSED },
	{ __LINE__, TC_ST_CLOSED, 0, 1, 0, 0, "rfc9293", R | A, 0, 1, 1, TC_ST_CLOSED },
	/* 3.10.7.2 LISTEN */
	{ __LINE__, TC_ST_LISTEN, R, 0, 0, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_LISTEN },
	{ __LINE__, TC_ST_LISTEN, S | R, 0, 0, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_LISTEN },
	{ __LINE__, TC_ST_LISTEN, A, 1, 77, 0, "rfc9293", R, 77, 0, 0, TC_ST_LISTEN },
	{ __LINE__, TC_ST_LISTEN, S | A, 0, 77, 0, "rfc9293", R, 77, 0, 0, TC_ST_LISTEN },
	/* third: SYN-ACK; the state is SYN-RECEIVED once the SYN-ACK is sent (whose ISS the
	 * model learns from it): until then LISTEN with the SYN pending, see
	 * test_model_listen_syn */
	{ __LINE__, TC_ST_LISTEN, S, 0, 0, 0, "rfc9293", S | A, 0, 1, 0, TC_ST_LISTEN },
	{ __LINE__, TC_ST_LISTEN, S | F, 0, 0, 0, "rfc9293,discard", S | A, 0, 1, 0, TC_ST_LISTEN },
	{ __LINE__, TC_ST_LISTEN, F, 1, 0, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_LISTEN },
	{ __LINE__, TC_ST_LISTEN, F | P | TC_URG, 1, 0, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_LISTEN },
	/* 3.10.7.3 SYN-SENT (ISS Y, SND.NXT Y+1) */
	{ __LINE__, TC_ST_SYN_SENT, S | A, 0, 0, 0, "rfc9293", R, 0, 0, 0, TC_ST_SYN_SENT },
	{ __LINE__, TC_ST_SYN_SENT, S | A, 0, 2, 0, "rfc9293", R, 2, 0, 0, TC_ST_SYN_SENT },
	{ __LINE__, TC_ST_SYN_SENT, R | A, 0, 0, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_SYN_SENT },
	{ __LINE__, TC_ST_SYN_SENT, R | A, 0, 1, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_CLOSED },
	{ __LINE__, TC_ST_SYN_SENT, R, 0, 0, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_SYN_SENT },
	{ __LINE__, TC_ST_SYN_SENT, S | A, 0, 1, 0, "rfc9293", A, 1, 1, 0, TC_ST_ESTABLISHED },
	{ __LINE__, TC_ST_SYN_SENT, S, 0, 0, 0, "rfc9293", S | A, 0, 1, 0, TC_ST_SYN_RECEIVED },
	{ __LINE__, TC_ST_SYN_SENT, A, 0, 1, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_SYN_SENT },
	{ __LINE__, TC_ST_SYN_SENT, F | A, 0, 1, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_SYN_SENT },
	/* 3.10.7.4 SYN-RECEIVED (passive) */
	{ __LINE__, TC_ST_SYN_RECEIVED, A, 1, 1, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_ESTABLISHED },
	{ __LINE__, TC_ST_SYN_RECEIVED, A, 1, 0, 0, "rfc9293", R, 0, 0, 0, TC_ST_SYN_RECEIVED },
	{ __LINE__, TC_ST_SYN_RECEIVED, A, 1, 5, 0, "rfc9293", R, 5, 0, 0, TC_ST_SYN_RECEIVED },
	{ __LINE__, TC_ST_SYN_RECEIVED, R, 1, 0, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_LISTEN },
	{ __LINE__, TC_ST_SYN_RECEIVED, R, 2, 0, 0, "rfc5961,legacy", A, 1, 1, 0, TC_ST_SYN_RECEIVED },
	{ __LINE__, TC_ST_SYN_RECEIVED, S, 0, 0, 0, "rfc9293,synack", A, 1, 1, 0, TC_ST_SYN_RECEIVED },
	{ __LINE__, TC_ST_SYN_RECEIVED, S, 500, 0, 0, "rfc9293,challenge,reset,legacy_drop", NONE, 0, 0, 0, TC_ST_LISTEN },
	{ __LINE__, TC_ST_SYN_RECEIVED, F | A, 1, 1, 0, "rfc9293", A, 1, 2, 0, TC_ST_CLOSE_WAIT },
	{ __LINE__, TC_ST_SYN_RECEIVED, P | A, 1, 1, 10, "rfc9293", A, 1, 11, 0, TC_ST_ESTABLISHED },
	/* ESTABLISHED (RCV.NXT X+1, RCV.WND 1000, SND.NXT Y+1) */
	{ __LINE__, TC_ST_ESTABLISHED, P | A, 1, 1, 10, "rfc9293", A, 1, 11, 0, TC_ST_ESTABLISHED },
	{ __LINE__, TC_ST_ESTABLISHED, P | A, 1001, 1, 10, "rfc9293", A, 1, 1, 0, TC_ST_ESTABLISHED },
	{ __LINE__, TC_ST_ESTABLISHED, P | A, -9, 1, 10, "rfc9293", A, 1, 1, 0, TC_ST_ESTABLISHED },
	{ __LINE__, TC_ST_ESTABLISHED, P | A, -4, 1, 10, "rfc9293", A, 1, 6, 0, TC_ST_ESTABLISHED },
	{ __LINE__, TC_ST_ESTABLISHED, P | A, 11, 1, 10, "rfc5681,no-dupack", A, 1, 1, 0, TC_ST_ESTABLISHED },
	{ __LINE__, TC_ST_ESTABLISHED, R, 1, 0, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_CLOSED },
	{ __LINE__, TC_ST_ESTABLISHED, R | A, 1, 99, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_CLOSED },
	{ __LINE__, TC_ST_ESTABLISHED, R, 2, 0, 0, "rfc5961,legacy", A, 1, 1, 0, TC_ST_ESTABLISHED },
	{ __LINE__, TC_ST_ESTABLISHED, R, 1000, 0, 0, "rfc5961,legacy", A, 1, 1, 0, TC_ST_ESTABLISHED },
	{ __LINE__, TC_ST_ESTABLISHED, R, 1001, 0, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_ESTABLISHED },
	{ __LINE__, TC_ST_ESTABLISHED, R, -70000, 0, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_ESTABLISHED },
	{ __LINE__, TC_ST_ESTABLISHED, S, 1, 0, 0, "rfc5961,legacy,legacy_drop", A, 1, 1, 0, TC_ST_ESTABLISHED },
	{ __LINE__, TC_ST_ESTABLISHED, S, 5000, 0, 0, "rfc9293", A, 1, 1, 0, TC_ST_ESTABLISHED },
	{ __LINE__, TC_ST_ESTABLISHED, A, 1, 1001, 0, "rfc9293", A, 1, 1, 0, TC_ST_ESTABLISHED },
	{ __LINE__, TC_ST_ESTABLISHED, P | A, 1, 1001, 10, "rfc9293", A, 1, 1, 0, TC_ST_ESTABLISHED },
	{ __LINE__, TC_ST_ESTABLISHED, A, 1, -70000, 0, "rfc9293,rfc5961", NONE, 0, 0, 0, TC_ST_ESTABLISHED },
	{ __LINE__, TC_ST_ESTABLISHED, P, 1, 0, 10, "rfc9293", NONE, 0, 0, 0, TC_ST_ESTABLISHED },
	{ __LINE__, TC_ST_ESTABLISHED, F | A, 1, 1, 0, "rfc9293", A, 1, 2, 0, TC_ST_CLOSE_WAIT },
	{ __LINE__, TC_ST_ESTABLISHED, F | P | A, 1, 1, 10, "rfc9293", A, 1, 12, 0, TC_ST_CLOSE_WAIT },
	{ __LINE__, TC_ST_ESTABLISHED, F | A, 11, 1, 0, "rfc5681,no-dupack", A, 1, 1, 0, TC_ST_ESTABLISHED },
	{ __LINE__, TC_ST_ESTABLISHED, F, 1, 0, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_ESTABLISHED },
	/* FIN-WAIT-1 (our FIN at Y+1, SND.NXT Y+2) */
	{ __LINE__, TC_ST_FIN_WAIT_1, A, 1, 2, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_FIN_WAIT_2 },
	{ __LINE__, TC_ST_FIN_WAIT_1, F | A, 1, 2, 0, "rfc9293", A, 2, 2, 0, TC_ST_TIME_WAIT },
	{ __LINE__, TC_ST_FIN_WAIT_1, F | A, 1, 1, 0, "rfc9293", A, 2, 2, 0, TC_ST_CLOSING },
	{ __LINE__, TC_ST_FIN_WAIT_1, R, 1, 0, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_CLOSED },
	/* FIN-WAIT-2 */
	{ __LINE__, TC_ST_FIN_WAIT_2, F | A, 1, 2, 0, "rfc9293", A, 2, 2, 0, TC_ST_TIME_WAIT },
	{ __LINE__, TC_ST_FIN_WAIT_2, P | A, 1, 2, 10, "rfc9293", A, 2, 11, 0, TC_ST_FIN_WAIT_2 },
	{ __LINE__, TC_ST_FIN_WAIT_2, S, 1, 0, 0, "rfc5961,legacy,legacy_drop", A, 2, 1, 0, TC_ST_FIN_WAIT_2 },
	/* CLOSE-WAIT (RCV.NXT X+2) */
	{ __LINE__, TC_ST_CLOSE_WAIT, P | A, 2, 1, 10, "rfc9293,ack", NONE, 0, 0, 0, TC_ST_CLOSE_WAIT },
	{ __LINE__, TC_ST_CLOSE_WAIT, F | A, 1, 1, 0, "rfc9293", A, 1, 2, 0, TC_ST_CLOSE_WAIT },
	{ __LINE__, TC_ST_CLOSE_WAIT, R, 2, 0, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_CLOSED },
	/* CLOSING */
	{ __LINE__, TC_ST_CLOSING, A, 2, 2, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_TIME_WAIT },
	{ __LINE__, TC_ST_CLOSING, A, 2, 1, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_CLOSING },
	{ __LINE__, TC_ST_CLOSING, R, 2, 0, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_CLOSED },
	{ __LINE__, TC_ST_CLOSING, F | A, 1, 1, 0, "rfc9293", A, 2, 2, 0, TC_ST_CLOSING },     /* old FIN: unacceptable */
	{ __LINE__, TC_ST_CLOSING, P | A, 2, 1, 10, "rfc9293,ack", NONE, 0, 0, 0, TC_ST_CLOSING },  /* text ignored */
	{ __LINE__, TC_ST_CLOSING, S, 2, 0, 0, "rfc5961,legacy,legacy_drop", A, 2, 2, 0, TC_ST_CLOSING },
	/* LAST-ACK */
	{ __LINE__, TC_ST_LAST_ACK, A, 2, 2, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_CLOSED },
	{ __LINE__, TC_ST_LAST_ACK, R, 2, 0, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_CLOSED },
	{ __LINE__, TC_ST_LAST_ACK, R, 3, 0, 0, "rfc5961,legacy", A, 2, 2, 0, TC_ST_LAST_ACK },
	{ __LINE__, TC_ST_LAST_ACK, A, 2, 1, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_LAST_ACK },     /* FIN not acked yet */
	{ __LINE__, TC_ST_LAST_ACK, F | A, 1, 1, 0, "rfc9293", A, 2, 2, 0, TC_ST_LAST_ACK },   /* old FIN: unacceptable */
	{ __LINE__, TC_ST_LAST_ACK, P | A, 2, 1, 10, "rfc9293,ack", NONE, 0, 0, 0, TC_ST_LAST_ACK }, /* text ignored */
	{ __LINE__, TC_ST_LAST_ACK, S, 2, 0, 0, "rfc5961,legacy,legacy_drop", A, 2, 2, 0, TC_ST_LAST_ACK },
	/* TIME-WAIT (RCV.NXT X+2) */
	{ __LINE__, TC_ST_TIME_WAIT, R, 2, 0, 0, "rfc9293,rfc1337", NONE, 0, 0, 0, TC_ST_CLOSED },
	{ __LINE__, TC_ST_TIME_WAIT, R, 3, 0, 0, "rfc5961,rfc1337,legacy", A, 2, 2, 0, TC_ST_TIME_WAIT },
	{ __LINE__, TC_ST_TIME_WAIT, F | A, 1, 2, 0, "rfc9293", A, 2, 2, 0, TC_ST_TIME_WAIT },
	{ __LINE__, TC_ST_TIME_WAIT, S, 5000, 0, 0, "rfc9293,rfc6191", A, 2, 2, 0, TC_ST_TIME_WAIT },
	{ __LINE__, TC_ST_TIME_WAIT, S, 3, 0, 0, "rfc5961,legacy,legacy_drop,rfc6191", A, 2, 2, 0, TC_ST_TIME_WAIT },
	{ __LINE__, TC_ST_TIME_WAIT, S, -100, 0, 0, "rfc9293,rfc6191", A, 2, 2, 0, TC_ST_TIME_WAIT },
	{ __LINE__, TC_ST_TIME_WAIT, A, 2, 2, 0, "rfc9293,ignore", A, 2, 2, 0, TC_ST_TIME_WAIT },
	{ __LINE__, TC_ST_TIME_WAIT, F, 2, 0, 0, "rfc9293", NONE, 0, 0, 0, TC_ST_TIME_WAIT },
	{ __LINE__, TC_ST_CLOSE_WAIT, F | A, 2, 1, 0, "rfc9293,ignore", A, 1, 2, 0, TC_ST_CLOSE_WAIT },
};

static void names_of(const struct tc_outcome *o, int n, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? "," : "", o[i].name);
}

void test_model_tables(struct t_ctx *t)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct tc_outcome o[TC_MODEL_MAX_OUTCOMES];
		struct tc_tcb k;
		struct tc_seg s;
		char got[200];
		int n;

		tcb(&k, r->st);
		tc_seg_init(&s);
		s.flags = r->flags;
		s.seq = X + (uint32_t)r->seq;
		s.ack = Y + (uint32_t)r->ack;
		s.win = 65535;
		s.payload_len = r->len;
		n = tc_model_arrive(&k, &s, o, TC_MODEL_MAX_OUTCOMES);
		names_of(o, n, got, sizeof(got));
		if (strcmp(got, r->outcomes))
			t_fail(t, __FILE__, r->line, "%s: outcomes %s, expected %s", tc_state_name(r->st), got, r->outcomes);
		if (o[0].next.st != r->next)
			t_fail(t, __FILE__, r->line, "%s: next state %s, expected %s", tc_state_name(r->st),
			       tc_state_name(o[0].next.st), tc_state_name(r->next));
		if ((o[0].nreply ? o[0].reply.flags : 0) != r->rflags) {
			t_fail(t, __FILE__, r->line, "%s: reply flags 0x%x, expected 0x%x", tc_state_name(r->st),
			       o[0].nreply ? o[0].reply.flags : 0, r->rflags);
			continue;
		}
		if (!r->rflags)
			continue;
		if (!o[0].reply.seq_any && o[0].reply.seq != (r->rseq_abs ? (uint32_t)r->rseq : Y + (uint32_t)r->rseq))
			t_fail(t, __FILE__, r->line, "%s: reply seq Y%+d, expected %s%d", tc_state_name(r->st),
			       (int32_t)(o[0].reply.seq - Y), r->rseq_abs ? "" : "Y+", r->rseq);
		if ((r->rflags & TC_ACK) && o[0].reply.ack != X + (uint32_t)r->rack)
			t_fail(t, __FILE__, r->line, "%s: reply ack X%+d, expected X+%d", tc_state_name(r->st),
			       (int32_t)(o[0].reply.ack - X), r->rack);
	}
}

/* RFC 7323 PAWS and the timestamp kept as TS.Recent. */
void test_model_paws(struct t_ctx *t)
{
	struct tc_outcome o[TC_MODEL_MAX_OUTCOMES];
	struct tc_tcb k;
	struct tc_seg s;
	int n;

	tcb(&k, TC_ST_ESTABLISHED);
	k.ts_tester = k.ts_target = k.have_ts_recent = 1;
	k.ts_recent = 0xfffffffeu;                      /* about to wrap, too */
	tc_seg_init(&s);
	s.flags = TC_ACK | TC_PSH;
	s.seq = X + 1;
	s.ack = Y + 1;
	s.payload_len = 10;
	tc_opt_ts(&s.opts[0], 0xfffffffdu, 5);
	s.nopts = 1;
	n = tc_model_arrive(&k, &s, o, TC_MODEL_MAX_OUTCOMES);
	T_EQ_U(t, n, 1);
	T_EQ_S(t, o[0].name, "rfc7323");
	T_EQ_U(t, o[0].reply.ack, X + 1);               /* dropped: RCV.NXT unchanged */
	s.opts[0].v.ts.val = 2;                         /* newer, across the wrap */
	n = tc_model_arrive(&k, &s, o, TC_MODEL_MAX_OUTCOMES);
	T_EQ_S(t, o[0].name, "rfc9293");
	T_EQ_U(t, o[0].reply.ack, X + 11);
	T_EQ_U(t, o[0].next.ts_recent, 2);
	s.flags = TC_RST;                               /* RFC 7323 5.2: no PAWS for RST */
	s.payload_len = 0;
	s.opts[0].v.ts.val = 1;
	n = tc_model_arrive(&k, &s, o, TC_MODEL_MAX_OUTCOMES);
	T_EQ_S(t, o[0].name, "rfc9293");
	T_EQ_U(t, o[0].next.st, TC_ST_CLOSED);
	/* a bad checksum: discarded whatever it says */
	s.cksum_status = TC_CK_BAD;
	n = tc_model_arrive(&k, &s, o, TC_MODEL_MAX_OUTCOMES);
	T_EQ_U(t, n, 1);
	T_EQ_U(t, o[0].nreply, 0);
	T_EQ_U(t, o[0].next.st, TC_ST_ESTABLISHED);
}

/* LISTEN, third: the SYN is taken (IRS, RCV.NXT), and the SYN-ACK the target sends
 * sets ISS and SND.NXT and enters SYN-RECEIVED (3.10.7.2: "ISS should be selected and
 * a SYN segment sent ... The connection state should be changed to SYN-RECEIVED"). */
void test_model_listen_syn(struct t_ctx *t)
{
	struct tc_outcome o[TC_MODEL_MAX_OUTCOMES];
	struct tc_tcb k;
	struct tc_seg s;
	int n;

	tcb(&k, TC_ST_LISTEN);
	tc_seg_init(&s);
	s.flags = TC_SYN;
	s.seq = X;
	s.win = 65535;
	n = tc_model_arrive(&k, &s, o, TC_MODEL_MAX_OUTCOMES);
	T_EQ_U(t, n, 1);
	T_EQ_U(t, o[0].next.have_irs, 1);
	T_EQ_U(t, o[0].next.rcv_nxt, X + 1);
	T_EQ_U(t, o[0].reply.ack, X + 1);
	T_EQ_U(t, o[0].reply.seq_any, 1);               /* the ISS is the target's choice */
	k = o[0].next;
	s.flags = TC_SYN | TC_ACK;                      /* the target's SYN-ACK */
	s.seq = Y;
	s.ack = X + 1;
	tc_model_sent(&k, &s);
	T_EQ_S(t, tc_state_name(k.st), "SYN-RECEIVED");
	T_EQ_U(t, k.iss, Y);
	T_EQ_U(t, k.snd_nxt, Y + 1);
	/* a SYN-ACK out of nowhere (no SYN pending) does not enter SYN-RECEIVED */
	tcb(&k, TC_ST_LISTEN);
	tc_model_sent(&k, &s);
	T_EQ_S(t, tc_state_name(k.st), "LISTEN");
}

/* 3.10.7.4 Table 6: the four cases of the acceptability test, with RCV.NXT just below
 * 2^32 so that the window crosses the wrap. */
void test_model_acceptable(struct t_ctx *t)
{
	static const struct { uint32_t wnd; int32_t seq; uint32_t len; int ok; int line; } acc[] = {
		/* length 0, window 0: only SEG.SEQ = RCV.NXT */
		{ 0, 0, 0, 1, __LINE__ }, { 0, 1, 0, 0, __LINE__ }, { 0, -1, 0, 0, __LINE__ },
		/* length 0, window > 0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND */
		{ 100, 0, 0, 1, __LINE__ }, { 100, 99, 0, 1, __LINE__ }, { 100, 100, 0, 0, __LINE__ },
		{ 100, -1, 0, 0, __LINE__ },
		/* length > 0, window 0: never */
		{ 0, 0, 1, 0, __LINE__ }, { 0, 0, 10, 0, __LINE__ }, { 0, -5, 10, 0, __LINE__ },
		/* length > 0, window > 0: the first or the last byte inside the window */
		{ 100, 0, 10, 1, __LINE__ }, { 100, 95, 10, 1, __LINE__ }, { 100, -5, 10, 1, __LINE__ },
		{ 100, -10, 10, 0, __LINE__ }, { 100, 100, 10, 0, __LINE__ }, { 100, -9, 10, 1, __LINE__ },
		{ 100, 99, 1, 1, __LINE__ }, { 100, -20, 200, 0, __LINE__ },
	};
	struct tc_tcb k;
	size_t i;

	for (i = 0; i < sizeof(acc) / sizeof(acc[0]); i++) {
		tcb(&k, TC_ST_ESTABLISHED);
		k.rcv_nxt = 0xffffffc0u;                /* 64 below the wrap */
		k.rcv_wnd = acc[i].wnd;
		if (tc_tcb_acceptable(&k, k.rcv_nxt + (uint32_t)acc[i].seq, acc[i].len) != acc[i].ok)
			t_fail(t, __FILE__, acc[i].line, "window %u, SEG.SEQ RCV.NXT%+d, length %u: %s, expected %s",
			       acc[i].wnd, acc[i].seq, acc[i].len, acc[i].ok ? "refused" : "accepted",
			       acc[i].ok ? "accepted" : "refused");
	}
}

/* RFC 7323 3.2 and 4.3: the TSecr each reply must carry. TS.Recent takes a TSval only
 * from a segment at or below Last.ACK.sent, so a delayed ACK echoes the first segment
 * it covers; replies to unacceptable segments, RSTs and SYNs echo it unchanged. */
void test_model_ts_echo(struct t_ctx *t)
{
	struct tc_outcome o[TC_MODEL_MAX_OUTCOMES];
	struct tc_tcb k, k1;
	struct tc_seg s, reply;
	int n;

	/* LISTEN: the SYN-ACK echoes the SYN's TSval, if it carries TSopt */
	tcb(&k, TC_ST_LISTEN);
	tc_seg_init(&s);
	s.flags = TC_SYN;
	s.seq = X;
	s.win = 65535;
	tc_opt_ts(&s.opts[0], 1000, 0);
	s.nopts = 1;
	n = tc_model_arrive(&k, &s, o, TC_MODEL_MAX_OUTCOMES);
	T_EQ_U(t, n, 1);
	T_EQ_U(t, o[0].reply.ecr_set, 1);
	T_EQ_U(t, o[0].reply.ecr_if_ts, 1);
	T_EQ_U(t, o[0].reply.ecr, 1000);
	tc_seg_init(&reply);
	reply.flags = TC_SYN | TC_ACK;
	reply.seq = Y;
	reply.ack = X + 1;
	T_EQ_U(t, tc_reply_matches(&o[0].reply, &reply), 1);   /* no TSopt: timestamps refused */
	tc_opt_ts(&reply.opts[0], 77, 1000);
	reply.nopts = 1;
	T_EQ_U(t, tc_reply_matches(&o[0].reply, &reply), 1);
	tc_opt_ts(&reply.opts[0], 77, 999);
	T_EQ_U(t, tc_reply_matches(&o[0].reply, &reply), 0);   /* the wrong echo */

	/* ESTABLISHED, timestamps on, TS.Recent 1000, the last ACK sent at X+1 */
	tcb(&k, TC_ST_ESTABLISHED);
	k.ts_tester = k.ts_target = k.have_ts_recent = 1;
	k.ts_recent = 1000;
	k.have_last_ack = 1;
	k.last_ack_sent = X + 1;
	tc_seg_init(&s);
	s.flags = TC_ACK | TC_PSH;
	s.seq = X + 1;
	s.ack = Y + 1;
	s.win = 65535;
	s.payload_len = 10;
	tc_opt_ts(&s.opts[0], 1010, 5);
	s.nopts = 1;
	n = tc_model_arrive(&k, &s, o, TC_MODEL_MAX_OUTCOMES);
	T_OK(t, n >= 1 && o[0].nreply && o[0].reply.ecr_set && !o[0].reply.ecr_if_ts);
	T_EQ_U(t, o[0].reply.ecr, 1010);                      /* at Last.ACK.sent: taken */
	k1 = o[0].next;
	s.seq = X + 11;                                        /* the next, before any ACK */
	tc_opt_ts(&s.opts[0], 1020, 5);
	n = tc_model_arrive(&k1, &s, o, TC_MODEL_MAX_OUTCOMES);
	T_OK(t, n >= 1 && o[0].nreply && o[0].reply.ecr_set);
	T_EQ_U(t, o[0].reply.ecr, 1010);                      /* above it: the delayed ACK echoes 1010 */
	tc_seg_init(&reply);                                    /* the target's ACK of both */
	reply.flags = TC_ACK;
	reply.seq = Y + 1;
	reply.ack = X + 21;
	reply.win = 1000;
	tc_opt_ts(&reply.opts[0], 88, 1010);
	reply.nopts = 1;
	T_EQ_U(t, tc_reply_matches(&o[0].reply, &reply), 1);
	reply.nopts = 0;
	T_EQ_U(t, tc_reply_matches(&o[0].reply, &reply), 0);   /* TSopt missing: not allowed */
	k1 = o[0].next;
	tc_model_sent(&k1, &reply);
	T_EQ_U(t, k1.last_ack_sent, X + 21);
	s.seq = X + 21;                                        /* after that ACK: taken again */
	tc_opt_ts(&s.opts[0], 1030, 5);
	n = tc_model_arrive(&k1, &s, o, TC_MODEL_MAX_OUTCOMES);
	T_EQ_U(t, o[0].reply.ecr, 1030);

	/* out of order (a hole at X+1): the duplicate ACK echoes TS.Recent unchanged */
	s.seq = X + 101;
	tc_opt_ts(&s.opts[0], 1040, 5);
	n = tc_model_arrive(&k, &s, o, TC_MODEL_MAX_OUTCOMES);
	T_OK(t, n >= 1 && o[0].nreply && o[0].reply.ecr_set);
	T_EQ_U(t, o[0].reply.ecr, 1000);
	/* a RST inside the window: the challenge ACK echoes it unchanged too */
	tc_seg_init(&s);
	s.flags = TC_RST;
	s.seq = X + 50;
	tc_opt_ts(&s.opts[0], 1050, 0);
	s.nopts = 1;
	n = tc_model_arrive(&k, &s, o, TC_MODEL_MAX_OUTCOMES);
	T_OK(t, n >= 1 && o[0].nreply && (o[0].reply.flags & TC_ACK) && o[0].reply.ecr_set);
	T_EQ_U(t, o[0].reply.ecr, 1000);
	/* a segment dropped for its ACK leaves TS.Recent: an ACK above SND.NXT, one below
	 * SND.UNA - MAX.SND.WND (the RFC 5961 challenge), and a duplicate ACK below SND.UNA
	 * (Linux too takes the TSval only from an acceptable ACK) */
	{
		static const struct { int32_t ack; uint16_t flags; uint32_t len; } bad[] = {
			{ 1000, TC_ACK | TC_PSH, 10 }, { -70000, TC_ACK | TC_PSH, 10 }, { 0, TC_ACK | TC_PSH, 10 },
		};
		size_t b;

		for (b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
			struct tc_tcb kk = k;

			kk.snd_una = Y + 1;
			kk.snd_nxt = Y + 1;
			tc_seg_init(&s);
			s.flags = bad[b].flags;
			s.seq = X + 1;
			s.ack = Y + (uint32_t)bad[b].ack;
			s.win = 65535;
			s.payload_len = bad[b].len;
			tc_opt_ts(&s.opts[0], 1060, 5);
			s.nopts = 1;
			n = tc_model_arrive(&kk, &s, o, TC_MODEL_MAX_OUTCOMES);
			if (n < 1 || o[n - 1].next.ts_recent != 1000)
				t_fail(t, __FILE__, __LINE__, "ACK Y%+d: TS.Recent %u, expected 1000", bad[b].ack,
				       n ? o[n - 1].next.ts_recent : 0);
			for (int j = 0; j < n; j++)
				if (o[j].nreply && o[j].reply.ecr_set && o[j].reply.ecr != 1000)
					t_fail(t, __FILE__, __LINE__, "ACK Y%+d: outcome %s echoes %u, expected 1000",
					       bad[b].ack, o[j].name, o[j].reply.ecr);
		}
	}
	/* without timestamps on both sides: no echo asked */
	k.ts_target = 0;
	n = tc_model_arrive(&k, &s, o, TC_MODEL_MAX_OUTCOMES);
	T_OK(t, n >= 1 && o[0].nreply && !o[0].reply.ecr_set);
}

/* The receive window does not slide as in-order data is taken: its right edge stays
 * where the target advertised it (its ACK plus its window when it last sent), until the
 * target advertises again. Back-to-back segments fill it; the one past its edge is not
 * acceptable (3.10.7.4, Table 6) and draws an ACK of RCV.NXT. */
void test_model_window_edge(struct t_ctx *t)
{
	struct tc_outcome o[TC_MODEL_MAX_OUTCOMES];
	struct tc_tcb k;
	struct tc_seg s, adv;
	uint32_t off = 1;
	int n, i;

	tcb(&k, TC_ST_ESTABLISHED);
	k.rcv_wnd = 3000;
	tc_seg_init(&s);
	s.flags = TC_ACK | TC_PSH;
	s.ack = Y + 1;
	s.win = 65535;
	s.payload_len = 1000;
	for (i = 0; i < 3; i++, off += 1000) {  /* three fill the 3000 octets */
		s.seq = X + off;
		n = tc_model_arrive(&k, &s, o, TC_MODEL_MAX_OUTCOMES);
		T_OK(t, n >= 1);
		T_EQ_U(t, o[0].reply.ack, X + off + 1000);
		k = o[0].next;
		T_EQ_U(t, k.rcv_wnd, 3000 - 1000 * (uint32_t)(i + 1));
	}
	s.seq = X + off;                        /* the fourth is past the edge */
	n = tc_model_arrive(&k, &s, o, TC_MODEL_MAX_OUTCOMES);
	T_EQ_U(t, o[0].reply.ack, X + off);     /* not taken: an ACK of RCV.NXT */
	T_EQ_U(t, o[0].next.rcv_nxt, X + off);
	/* the target advertises 2000 again: its next segment moves the edge */
	tc_seg_init(&adv);
	adv.flags = TC_ACK;
	adv.seq = Y + 1;
	adv.ack = X + off;
	adv.win = 2000;
	tc_model_sent(&k, &adv);
	T_EQ_U(t, k.rcv_wnd, 2000);
	n = tc_model_arrive(&k, &s, o, TC_MODEL_MAX_OUTCOMES);
	T_EQ_U(t, o[0].reply.ack, X + off + 1000);
	/* an ACK that comes while the tester's segments are on their way: the edge is its
	 * ACK plus its window, not the model's RCV.NXT plus that window */
	k = o[0].next;                          /* RCV.NXT = X+4001, and the edge X+5001 */
	adv.ack = X + 2001;                     /* an ACK of the second segment, sent before */
	adv.win = 2000;                         /* the third and the fourth came: edge X+4001 */
	tc_model_sent(&k, &adv);
	T_EQ_U(t, k.rcv_wnd, 0);
	s.seq = X + 4001;
	n = tc_model_arrive(&k, &s, o, TC_MODEL_MAX_OUTCOMES);
	T_EQ_U(t, o[0].reply.ack, X + 4001);   /* past the edge: not taken */
	adv.ack = X + 4001;                     /* the target read 1500: the edge moves */
	adv.win = 1500;
	tc_model_sent(&k, &adv);
	T_EQ_U(t, k.rcv_wnd, 1500);
	/* scaled: a window of 3 << 7 at X+3001 leaves 384 - 1000 < 0: nothing above X+4001 */
	k.ws_target = 7;
	k.ws_tester = 0;
	adv.ack = X + 3001;
	adv.win = 3;
	tc_model_sent(&k, &adv);
	T_EQ_U(t, k.rcv_wnd, 0);
	adv.win = 10;                           /* 1280: the edge X+4281 */
	tc_model_sent(&k, &adv);
	T_EQ_U(t, k.rcv_wnd, 280);
	/* the target takes a segment past the edge whole (as gVisor does): its ACK of data
	 * the tester sent moves the model's RCV.NXT there; an ACK above what was sent does not */
	k.ws_target = k.ws_tester = -1;
	adv.ack = X + 4001;
	adv.win = 100;                          /* the edge X+4101 */
	tc_model_sent(&k, &adv);
	s.seq = X + 4001;                       /* 4001:5001, 900 octets past the edge */
	n = tc_model_arrive(&k, &s, o, TC_MODEL_MAX_OUTCOMES);
	k = o[0].next;
	T_EQ_U(t, k.rcv_nxt, X + 4101);         /* the model trims at the edge */
	T_EQ_U(t, k.rcv_sent, X + 5001);
	adv.ack = X + 5001;                     /* the target took all of it */
	adv.win = 0;
	tc_model_sent(&k, &adv);
	T_EQ_U(t, k.rcv_nxt, X + 5001);
	T_EQ_U(t, k.rcv_wnd, 0);
	adv.ack = X + 6001;                     /* never sent: not followed */
	adv.win = 500;
	tc_model_sent(&k, &adv);
	T_EQ_U(t, k.rcv_nxt, X + 5001);
	/* the target lets data go that the model took (a full buffer): the same ACK and
	 * window twice below the model's RCV.NXT bring the model down to it */
	adv.ack = X + 5001;
	adv.win = 3000;                         /* the edge X+8001 */
	tc_model_sent(&k, &adv);
	for (s.seq = X + 5001; s.seq != X + 8001; s.seq += 1000) {
		n = tc_model_arrive(&k, &s, o, TC_MODEL_MAX_OUTCOMES);
		k = o[0].next;
	}
	T_EQ_U(t, k.rcv_nxt, X + 8001);
	adv.ack = X + 6001;                     /* it took the first, */
	adv.win = 2000;
	tc_model_sent(&k, &adv);
	T_EQ_U(t, k.rcv_nxt, X + 8001);         /* (an ACK on its way: nothing to tell yet) */
	tc_model_sent(&k, &adv);                /* and the next two came to nothing */
	T_EQ_U(t, k.rcv_nxt, X + 6001);
	T_EQ_U(t, k.rcv_wnd, 2000);
	adv.win = 2500;                         /* a window update is no duplicate */
	k.rcv_nxt = X + 8001;
	tc_model_sent(&k, &adv);
	T_EQ_U(t, k.rcv_nxt, X + 8001);
}

/* A SYN with data in LISTEN: the SYN-ACK acknowledges the SYN alone (3.10.7.2, the text
 * queued), or, with TCP Fast Open's option on the SYN, the data too (RFC 7413 4.2);
 * without the option only the first. */
void test_model_syn_data(struct t_ctx *t)
{
	struct tc_outcome o[TC_MODEL_MAX_OUTCOMES];
	struct tc_tcb k;
	struct tc_seg s;
	char got[100];
	int n;

	tcb(&k, TC_ST_LISTEN);
	tc_seg_init(&s);
	s.flags = TC_SYN;
	s.seq = X;
	s.win = 65535;
	s.payload_len = 10;
	n = tc_model_arrive(&k, &s, o, TC_MODEL_MAX_OUTCOMES);
	names_of(o, n, got, sizeof(got));
	T_EQ_S(t, got, "rfc9293");
	T_EQ_U(t, o[0].reply.ack, X + 1);
	s.opts[0].kind = TC_OPT_FASTOPEN;       /* a cookie request (RFC 7413 4.1.1) */
	s.opts[0].len = 2;
	s.nopts = 1;
	n = tc_model_arrive(&k, &s, o, TC_MODEL_MAX_OUTCOMES);
	names_of(o, n, got, sizeof(got));
	T_EQ_S(t, got, "rfc9293,rfc7413");
	T_EQ_U(t, o[1].reply.flags, TC_SYN | TC_ACK);
	T_EQ_U(t, o[1].reply.ack, X + 11);
	T_EQ_U(t, o[1].next.rcv_nxt, X + 11);
	T_EQ_U(t, o[1].next.syn_pending, 1);     /* SYN-RECEIVED once the SYN-ACK is sent */
}

/* RFC 9293 3.6.1: after the application's close (not a shutdown of its sending side),
 * new text, or a FIN above RCV.NXT (text before it will never be read), may get a
 * reset (MAY-1, SHLD-3) in either form, or be taken as before; a FIN at RCV.NXT, text
 * already taken, and a shutdown's half close change nothing. */
void test_model_half_duplex(struct t_ctx *t)
{
	static const struct {
		int line;
		enum tc_state st;
		int closed;
		uint16_t flags;
		int seq, len;
		const char *outcomes;
	} hd[] = {
		{ __LINE__, TC_ST_FIN_WAIT_2, 1, TC_ACK | TC_PSH, 1, 10, "rfc9293,half-duplex,half-duplex-ack" },
		{ __LINE__, TC_ST_FIN_WAIT_1, 1, TC_ACK | TC_PSH, 1, 10, "rfc9293,half-duplex,half-duplex-ack" },
		{ __LINE__, TC_ST_FIN_WAIT_2, 1, TC_ACK | TC_PSH, 11, 10,
		  "rfc5681,half-duplex,half-duplex-ack,no-dupack" },
		{ __LINE__, TC_ST_FIN_WAIT_2, 1, TC_ACK | TC_FIN, 1, 0, "rfc9293" },
		{ __LINE__, TC_ST_FIN_WAIT_2, 1, TC_ACK | TC_FIN, 5, 0, "rfc5681,half-duplex,half-duplex-ack,no-dupack" },
		{ __LINE__, TC_ST_FIN_WAIT_2, 1, TC_ACK | TC_PSH, -9, 10, "rfc9293" },
		{ __LINE__, TC_ST_FIN_WAIT_2, 0, TC_ACK | TC_PSH, 1, 10, "rfc9293" },
		{ __LINE__, TC_ST_FIN_WAIT_2, 1, TC_PSH, 1, 10, "rfc9293" },
	};
	size_t i;

	for (i = 0; i < sizeof(hd) / sizeof(hd[0]); i++) {
		struct tc_outcome o[TC_MODEL_MAX_OUTCOMES];
		struct tc_tcb k;
		struct tc_seg s;
		char got[200];
		int n, j;

		tcb(&k, hd[i].st);
		k.rd_closed = hd[i].closed;
		tc_seg_init(&s);
		s.flags = hd[i].flags;
		s.seq = X + (uint32_t)hd[i].seq;
		s.ack = Y + 2;
		s.win = 65535;
		s.payload_len = (uint32_t)hd[i].len;
		n = tc_model_arrive(&k, &s, o, TC_MODEL_MAX_OUTCOMES);
		names_of(o, n, got, sizeof(got));
		if (strcmp(got, hd[i].outcomes))
			t_fail(t, __FILE__, hd[i].line, "outcomes %s, expected %s", got, hd[i].outcomes);
		for (j = 1; j < n; j++) {
			if (strncmp(o[j].name, "half-duplex", 11))
				continue;
			T_EQ_U(t, o[j].next.st, TC_ST_CLOSED);
			T_EQ_U(t, o[j].nreply, 1);
			if (o[j].reply.flags == TC_RST) {
				T_EQ_U(t, o[j].reply.seq, Y + 2);               /* SEG.ACK */
			} else {
				T_EQ_U(t, o[j].reply.flags, TC_RST | TC_ACK);
				T_EQ_U(t, o[j].reply.seq, Y + 2);               /* SND.NXT */
				T_EQ_U(t, o[j].reply.ack, s.seq + s.payload_len);
			}
		}
	}
}
