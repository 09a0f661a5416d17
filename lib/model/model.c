/*
 * model: RFC 9293 3.10.7 (SEGMENT ARRIVES) as a pure function. The comments name the
 * RFC's steps: "first, check the sequence number" ... "eighth, check the FIN bit".
 */
#include "model/model.h"
#include "model/model_int.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Building the list of outcomes. */
struct outs {
	const struct tc_tcb *t;
	const struct tc_seg *s;
	struct tc_outcome *o;
	int n, max;
};

/* slot - the next outcome. Every caller's array holds TC_MODEL_MAX_OUTCOMES, which no
 * segment exceeds (the unit tables show each's outcomes): more is a bug of the model,
 * and dropping an outcome the RFCs permit would fail a target wrongly, so it stops. */
static struct tc_outcome *slot(struct outs *x)
{
	if (x->n >= x->max) {
		fprintf(stderr, "tcpconform: the model has more than %d outcomes for one segment\n", x->max);
		abort();
	}
	return &x->o[x->n++];
}

static struct tc_outcome *clone(struct outs *x, const struct tc_outcome *from, const char *name,
				const char *rule);

static struct tc_outcome *add(struct outs *x, const char *name, const char *rule)
{
	struct tc_outcome *o = slot(x);

	memset(o, 0, sizeof(*o));
	o->name = name;
	o->rule = rule;
	o->next = *x->t;
	return o;
}

/* The replies of RFC 9293. */
static void ack_now(struct tc_outcome *o, int ratelimited)
{
	o->nreply = 1;
	o->reply.flags = TC_ACK;
	o->reply.seq = o->next.snd_nxt;
	o->reply.ack = o->next.rcv_nxt;
	o->reply.ratelimited = ratelimited;
}

static void rst_for(struct tc_outcome *o, const struct tc_seg *s)
{
	o->nreply = 1;
	if (s->flags & TC_ACK) {                /* <SEQ=SEG.ACK><CTL=RST> */
		o->reply.flags = TC_RST;
		o->reply.seq = s->ack;
	} else {                                /* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
		o->reply.flags = TC_RST | TC_ACK;
		o->reply.seq = 0;
		o->reply.ack = s->seq + tc_seg_len(s);
	}
}

static void synack(struct tc_outcome *o, int seq_known)
{
	o->nreply = 1;
	o->reply.flags = TC_SYN | TC_ACK;
	o->reply.seq_any = !seq_known;
	o->reply.seq = o->next.iss;
	o->reply.ack = o->next.rcv_nxt;
}

void tc_model_syn_options(struct tc_tcb *t, const struct tc_seg *s, int from_tester)
{
	const struct tc_opt *ws = tc_opt_find(s, TC_OPT_WSCALE), *ts = tc_opt_find(s, TC_OPT_TS);
	const struct tc_opt *sk = tc_opt_find(s, TC_OPT_SACKOK);
	int w = ws && !ws->bad ? TC_MIN(ws->v.wscale, 14) : -1;

	if (from_tester) {
		t->ws_tester = w;
		t->ts_tester = ts && !ts->bad;
		t->sack_tester = sk && !sk->bad;
		if (t->ts_tester) {
			t->have_ts_recent = 1;
			t->ts_recent = ts->v.ts.val;
		}
	} else {
		t->ws_target = w;
		t->ts_target = ts && !ts->bad;
		t->sack_target = sk && !sk->bad;
	}
}

/* tester_window - the tester's window as the target reads it (RFC 7323 2.3). */
static void tester_window(struct tc_tcb *t, const struct tc_seg *s)
{
	uint32_t w = s->win;

	if (!(s->flags & TC_SYN) && t->ws_tester >= 0 && t->ws_target >= 0)
		w <<= t->ws_tester;
	t->snd_wnd = w;
	if (w > t->max_snd_wnd)
		t->max_snd_wnd = w;
}

/* 3.10.7.1 CLOSED: everything but a RST gets a RST. */
static void arrive_closed(struct outs *x)
{
	struct tc_outcome *o = add(x, "rfc9293", "RFC9293 3.10.7.1");

	if (!(x->s->flags & TC_RST))
		rst_for(o, x->s);
}

/* 3.10.7.2 LISTEN. */
static void arrive_listen(struct outs *x)
{
	const struct tc_seg *s = x->s;
	struct tc_outcome *o;

	if (s->flags & TC_RST) {                /* first: a RST is ignored */
		add(x, "rfc9293", "RFC9293 3.10.7.2 (first)");
		return;
	}
	if (s->flags & TC_ACK) {                /* second: any ACK is bad */
		rst_for(add(x, "rfc9293", "RFC9293 3.10.7.2 (second)"), s);
		return;
	}
	if (!(s->flags & TC_SYN)) {             /* fourth: other text or control: drop */
		add(x, "rfc9293", "RFC9293 3.10.7.2 (fourth)");
		return;
	}
	/* third: a SYN. Text and a FIN on it are queued for later; the SYN-ACK
	 * acknowledges the SYN alone. */
	o = add(x, "rfc9293", "RFC9293 3.10.7.2 (third)");
	o->next.have_irs = 1;
	o->next.irs = s->seq;
	o->next.rcv_nxt = s->seq + 1;
	o->next.syn_pending = 1;
	tc_model_syn_options(&o->next, s, 1);
	tester_window(&o->next, s);
	synack(o, 0);
	if (s->flags & TC_FIN)                  /* Linux discards SYN+FIN (a choice the text allows) */
		add(x, "discard", "RFC9293 3.10.7.2 (third): \"queued for processing later\"");
	/* TCP Fast Open: a SYN with data and the option (a cookie, or a request for one)
	 * may have its data taken at once, the SYN-ACK acknowledging it (RFC 7413 4.2) */
	if (s->payload_len && tc_opt_find(s, TC_OPT_FASTOPEN) && !(s->flags & TC_FIN)) {
		struct tc_outcome *f = clone(x, o, "rfc7413", "RFC7413 4.2 (the SYN's data accepted)");

		f->next.rcv_nxt = s->seq + 1 + s->payload_len;
		synack(f, 0);
	}
}

/* 3.10.7.3 SYN-SENT (the target opened). */
static void arrive_syn_sent(struct outs *x)
{
	const struct tc_seg *s = x->s;
	const struct tc_tcb *t = x->t;
	int ack = (s->flags & TC_ACK) != 0;
	int ack_ok = ack && tc_seq_gt(s->ack, t->iss) && tc_seq_le(s->ack, t->snd_nxt);
	struct tc_outcome *o;

	if (ack && !ack_ok) {                   /* first: an unacceptable ACK */
		o = add(x, "rfc9293", "RFC9293 3.10.7.3 (first)");
		if (!(s->flags & TC_RST))
			rst_for(o, s);
		return;
	}
	if (s->flags & TC_RST) {                /* second: RST, reset if its ACK is good */
		o = add(x, "rfc9293", "RFC9293 3.10.7.3 (second)");
		if (ack_ok)
			o->next.st = TC_ST_CLOSED;
		return;
	}
	if (!(s->flags & TC_SYN)) {             /* fifth: neither SYN nor RST */
		add(x, "rfc9293", "RFC9293 3.10.7.3 (fifth)");
		return;
	}
	o = add(x, "rfc9293", "RFC9293 3.10.7.3 (fourth)");
	o->next.have_irs = 1;
	o->next.irs = s->seq;
	o->next.rcv_nxt = s->seq + 1;
	tc_model_syn_options(&o->next, s, 1);
	tester_window(&o->next, s);
	if (ack_ok) {                           /* our SYN is acknowledged: ESTABLISHED */
		o->next.snd_una = s->ack;
		o->next.st = TC_ST_ESTABLISHED;
		ack_now(o, 0);
		o->reply.data_ok = 1;
	} else {                                /* simultaneous open */
		o->next.st = TC_ST_SYN_RECEIVED;
		o->next.passive = 0;
		synack(o, 1);
	}
}

/* absorb - text and FIN at SEG.SEQ: advance RCV.NXT over what is contiguous; hold
 * the rest (SHLD-31). The window does not slide with it: its right edge stays where
 * the target last advertised it, so RCV.WND shrinks by what RCV.NXT moved, until the
 * target's next segment advertises again (tc_model_sent). Returns 1 if RCV.NXT moved. */
static int absorb(struct tc_tcb *t, uint32_t l, uint32_t r)
{
	uint32_t before = t->rcv_nxt;
	int i, moved = 1;

	if (tc_seq_gt(l, t->rcv_nxt)) {
		if (t->nholes < TC_TCB_HOLES) {
			t->hl[t->nholes] = l;
			t->hr[t->nholes++] = r;
		}
		return 0;
	}
	if (tc_seq_gt(r, t->rcv_nxt))
		t->rcv_nxt = r;
	while (moved) {
		moved = 0;
		for (i = 0; i < t->nholes; i++) {
			if (tc_seq_gt(t->hl[i], t->rcv_nxt))
				continue;
			if (tc_seq_gt(t->hr[i], t->rcv_nxt))
				t->rcv_nxt = t->hr[i];
			t->hl[i] = t->hl[t->nholes - 1];
			t->hr[i] = t->hr[--t->nholes];
			moved = 1;
		}
	}
	t->rcv_wnd = t->rcv_nxt - before < t->rcv_wnd ? t->rcv_wnd - (t->rcv_nxt - before) : 0;
	return t->rcv_nxt != before;
}

/* fin_reached - eighth, the FIN bit, once RCV.NXT has moved past the FIN. */
static void fin_reached(struct tc_tcb *t)
{
	int ours_acked = t->fin_sent && tc_seq_ge(t->snd_una, t->fin_seq + 1);

	switch (t->st) {
	case TC_ST_SYN_RECEIVED:
	case TC_ST_ESTABLISHED: t->st = TC_ST_CLOSE_WAIT; break;
	case TC_ST_FIN_WAIT_1: t->st = ours_acked ? TC_ST_TIME_WAIT : TC_ST_CLOSING; break;
	case TC_ST_FIN_WAIT_2: t->st = TC_ST_TIME_WAIT; break;
	default: break;
	}
}

static struct tc_outcome *clone(struct outs *x, const struct tc_outcome *from, const char *name,
				const char *rule)
{
	struct tc_outcome *o = slot(x);

	*o = *from;
	o->name = name;
	o->rule = rule;
	return o;
}

/* RFC 7323 5.3: a segment whose TSval is older than TS.Recent is not acceptable. */
static int paws_reject(const struct tc_tcb *t, const struct tc_seg *s)
{
	const struct tc_opt *ts = tc_opt_find(s, TC_OPT_TS);

	return t->ts_tester && t->ts_target && t->have_ts_recent && ts && !ts->bad &&
	       !(s->flags & TC_RST) && tc_seq_lt(ts->v.ts.val, t->ts_recent);
}

/* tw_new_syn - RFC 6191: a SYN in TIME-WAIT that is newer (by timestamp, or else by
 * sequence number) may open a new incarnation. */
static void tw_new_syn(struct outs *x)
{
	const struct tc_seg *s = x->s;
	const struct tc_opt *ts = tc_opt_find(s, TC_OPT_TS);
	int newer = ts && !ts->bad && x->t->have_ts_recent ? tc_seq_gt(ts->v.ts.val, x->t->ts_recent)
							    : tc_seq_gt(s->seq, x->t->rcv_nxt);
	struct tc_outcome *o;

	if ((s->flags & (TC_SYN | TC_ACK | TC_RST)) != TC_SYN)
		return;
	if (!newer) {           /* an old duplicate: "silently drop" it */
		add(x, "rfc6191", "RFC6191 2 (a SYN not newer than the last incarnation is dropped)");
		return;
	}
	o = add(x, "rfc6191", "RFC6191 2; RFC9293 3.10.7.4 (fourth), MAY-2");
	tc_tcb_init(&o->next, TC_ST_SYN_RECEIVED);
	o->next.passive = 1;
	o->next.have_irs = 1;
	o->next.irs = s->seq;
	o->next.rcv_nxt = s->seq + 1;
	o->next.syn_pending = 1;
	tc_model_syn_options(&o->next, s, 1);
	tester_window(&o->next, s);
	synack(o, 0);
}

/* second, check the RST bit (RFC 5961 3.2 as RFC 9293 gives it). */
static void rst_sync(struct outs *x)
{
	const struct tc_tcb *t = x->t;
	enum tc_state reset_to = t->st == TC_ST_SYN_RECEIVED && t->passive ? TC_ST_LISTEN : TC_ST_CLOSED;
	struct tc_outcome *o;

	if (x->s->seq == t->rcv_nxt) {
		o = add(x, "rfc9293", "RFC9293 3.10.7.4 (second)");
		o->next.st = reset_to;
		if (t->st == TC_ST_TIME_WAIT)
			add(x, "rfc1337", "RFC1337 F1 (ignore RST in TIME-WAIT)");
		return;
	}
	o = add(x, "rfc5961", "RFC9293 3.10.7.4 (second); RFC5961 3.2");
	ack_now(o, 1);
	if (t->st == TC_ST_TIME_WAIT)
		add(x, "rfc1337", "RFC1337 F1 (ignore RST in TIME-WAIT)");
	o = add(x, "legacy", "RFC793 3.9 (any RST in the window resets)");
	o->next.st = reset_to;
}

/* legacy_drop - RFC 793 says "send a reset" for a SYN in the window and leaves its
 * form open: the reset of the connection itself, <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>,
 * is the one its peer takes (and the one BSD's tcp_drop() sends); the TCB goes to
 * @to (CLOSED, or LISTEN for a passive SYN-RECEIVED). */
static void legacy_drop(struct outs *x, enum tc_state to)
{
	struct tc_outcome *o = add(x, "legacy_drop", "RFC793 3.9 (a SYN in the window resets the connection)");

	o->nreply = 1;
	o->reply.flags = TC_RST | TC_ACK;
	o->reply.seq = x->t->snd_nxt;
	o->reply.ack = x->t->rcv_nxt;
	if (to == TC_ST_LISTEN)
		tc_tcb_init(&o->next, TC_ST_LISTEN);
	else
		o->next.st = to;
}

/* fourth, check the SYN bit. */
static void syn_sync(struct outs *x)
{
	const struct tc_tcb *t = x->t;
	struct tc_outcome *o;

	if (t->st == TC_ST_SYN_RECEIVED && t->passive) {
		o = add(x, "rfc9293", "RFC9293 3.10.7.4 (fourth): return to LISTEN");
		tc_tcb_init(&o->next, TC_ST_LISTEN);
		ack_now(add(x, "challenge", "RFC5961 4.2"), 1);
		o = add(x, "reset", "RFC9293 3.5.2 (a half-open request dropped with a reset)");
		rst_for(o, x->s);
		tc_tcb_init(&o->next, TC_ST_LISTEN);
		legacy_drop(x, TC_ST_LISTEN);
		return;
	}
	ack_now(add(x, "rfc5961", "RFC9293 3.10.7.4 (fourth); RFC5961 4.2"), 1);
	o = add(x, "legacy", "RFC793 3.9 (a SYN in the window resets)");
	rst_for(o, x->s);
	o->next.st = TC_ST_CLOSED;
	legacy_drop(x, TC_ST_CLOSED);
	if (t->st == TC_ST_TIME_WAIT)
		tw_new_syn(x);
}

/* fifth, check the ACK field. Returns 1 to go on to the text and the FIN. */
/* take_tsval - RFC 7323 4.3 (2): TS.Recent takes SEG.TSval if SEG.TSval >= TS.Recent
 * and SEG.SEQ =< Last.ACK.sent. Only for a segment whose ACK is acceptable
 * (SND.UNA =< SEG.ACK =< SND.NXT): one dropped for its ACK leaves it (so does Linux,
 * which takes it in tcp_ack(), after those checks). */
static void take_tsval(const struct outs *x, struct tc_tcb *next)
{
	const struct tc_tcb *t = x->t;
	const struct tc_opt *ts = tc_opt_find(x->s, TC_OPT_TS);

	if (ts && !ts->bad && t->ts_tester && t->ts_target &&
	    tc_seq_le(x->s->seq, t->have_last_ack ? t->last_ack_sent : t->rcv_nxt) &&
	    (!t->have_ts_recent || tc_seq_ge(ts->v.ts.val, t->ts_recent))) {
		next->ts_recent = ts->v.ts.val;
		next->have_ts_recent = 1;
	}
}

static int ack_step(struct outs *x, struct tc_outcome *o)
{
	const struct tc_seg *s = x->s;
	struct tc_tcb *t = &o->next;

	if (t->st == TC_ST_SYN_RECEIVED) {
		if (!(tc_seq_lt(t->snd_una, s->ack) && tc_seq_le(s->ack, t->snd_nxt))) {
			rst_for(o, s);          /* <SEQ=SEG.ACK><CTL=RST>, state unchanged */
			return 0;
		}
		t->st = TC_ST_ESTABLISHED;
		t->syn_pending = 0;
	}
	if (tc_seq_gt(s->ack, t->snd_nxt)) {    /* acks something not yet sent */
		ack_now(o, 1);
		return 0;
	}
	if (tc_seq_lt(s->ack, t->snd_una - t->max_snd_wnd)) {
		/* RFC 5961 5.2 (MAY-12): too old; others ignore it as a duplicate */
		ack_now(clone(x, o, "rfc5961", "RFC5961 5.2; RFC9293 MAY-12"), 1);
	}
	if (tc_seq_ge(s->ack, t->snd_una))
		take_tsval(x, t);
	if (tc_seq_gt(s->ack, t->snd_una))
		t->snd_una = s->ack;
	tester_window(t, s);
	if (t->st == TC_ST_TIME_WAIT) {
		/* "The only thing that can arrive in this state is a retransmission of the
		 * remote FIN. Acknowledge it, and restart the 2 MSL timeout." */
		ack_now(o, 0);
		clone(x, o, "ignore", "RFC9293 3.10.7.4 (fifth): only a retransmitted FIN is expected")->nreply = 0;
		return 0;
	}
	if (!t->fin_sent || tc_seq_lt(t->snd_una, t->fin_seq + 1))
		return 1;
	switch (t->st) {                        /* our FIN is acknowledged */
	case TC_ST_FIN_WAIT_1: t->st = TC_ST_FIN_WAIT_2; return 1;
	case TC_ST_CLOSING:
		t->st = TC_ST_TIME_WAIT;
		/* the rest is ignored; a stack now in TIME-WAIT may acknowledge it */
		if (s->payload_len || (s->flags & TC_FIN))
			ack_now(clone(x, o, "ack", "RFC9293 3.10.7.4 (fifth, TIME-WAIT): \"Acknowledge it\""), 0);
		return 0;
	case TC_ST_LAST_ACK: t->st = TC_ST_CLOSED; return 0;
	default: return 1;
	}
}

/* lost - new text after the application's close: a stack with a half-duplex close
 * (3.6.1 MAY-1) "SHOULD send a RST to show that data was lost" (SHLD-3), and the
 * connection is gone; in the form of a reset for that segment, or from the
 * connection's numbers. A FIN above RCV.NXT counts: it shows text sent before it that
 * the application will never read. Added after @o, the outcome of a full-duplex close. */
static void lost(struct outs *x, const struct tc_outcome *o)
{
	struct tc_outcome *r = clone(x, o, "half-duplex", "RFC9293 3.6.1 (MAY-1, SHLD-3: new data after CLOSE)");

	r->next = *x->t;
	r->next.st = TC_ST_CLOSED;
	r->reply = (struct tc_reply){ 0 };
	rst_for(r, x->s);
	if (!(x->s->flags & TC_ACK))
		return;
	r = clone(x, r, "half-duplex-ack", r->rule);
	r->reply.flags = TC_RST | TC_ACK;
	r->reply.seq = x->t->snd_nxt;
	r->reply.ack = x->s->seq + x->s->payload_len;
}

/* seventh and eighth: the text and the FIN, at or above RCV.NXT. */
static void text_fin(struct outs *x, struct tc_outcome *o)
{
	const struct tc_seg *s = x->s;
	struct tc_tcb *t = &o->next;
	uint32_t r = s->seq + s->payload_len, right = t->rcv_nxt + t->rcv_wnd;
	int fin = (s->flags & TC_FIN) && tc_seq_lt(r, right);     /* a FIN past the window is trimmed */

	if (!s->payload_len && !(s->flags & TC_FIN))
		return;
	if (t->st == TC_ST_CLOSE_WAIT || t->st == TC_ST_CLOSING || t->st == TC_ST_LAST_ACK) {
		/* after the remote FIN: text is ignored (seventh); a FIN is acknowledged and
		 * the state stays (eighth) */
		if (s->flags & TC_FIN) {
			ack_now(o, 0);
			clone(x, o, "ignore", "RFC9293 3.10.7.4 (seventh): after the remote FIN")->nreply = 0;
		} else {
			ack_now(clone(x, o, "ack", "RFC9293 3.10.7.4 (first): an ACK for what cannot be taken"), 0);
		}
		return;
	}
	if (tc_seq_gt(r, right))
		r = right;
	if (fin) {
		t->fin_rcvd = 1;
		t->fin_rcvd_seq = s->seq + s->payload_len;
	}
	absorb(t, s->seq, r);
	if (t->fin_rcvd && t->rcv_nxt == t->fin_rcvd_seq) {
		t->rcv_nxt++;
		fin_reached(t);
	}
	ack_now(o, 0);
	o->reply.data_ok = 1;
	if (x->t->rd_closed && tc_seq_gt(s->seq + s->payload_len, x->t->rcv_nxt))
		lost(x, o);
	if (tc_seq_gt(s->seq, x->t->rcv_nxt)) {
		/* above a hole: held (SHLD-31); an immediate duplicate ACK (RFC 5681 4.2
		 * SHOULD) or none (MAY-13) */
		o->name = "rfc5681";
		o->rule = "RFC5681 4.2; RFC9293 SHLD-31, MAY-13";
		o->reply.data_ok = 0;
		clone(x, o, "no-dupack", "RFC9293 MAY-13")->nreply = 0;
	}
}

/* 3.10.7.4: SYN-RECEIVED and the synchronized states. */
static void arrive_sync(struct outs *x)
{
	const struct tc_seg *s = x->s;
	const struct tc_tcb *t = x->t;
	struct tc_outcome *o;

	if (paws_reject(t, s)) {
		ack_now(add(x, "rfc7323", "RFC7323 5.3 (PAWS)"), 1);
		if (t->st == TC_ST_TIME_WAIT)
			tw_new_syn(x);
		return;
	}
	if (!tc_tcb_acceptable(t, s->seq, tc_seg_len(s))) {     /* first */
		o = add(x, "rfc9293", "RFC9293 3.10.7.4 (first)");
		if (!(s->flags & TC_RST))
			ack_now(o, 1);
		if (t->st == TC_ST_SYN_RECEIVED && (s->flags & (TC_SYN | TC_ACK)) == TC_SYN && s->seq == t->irs)
			synack(add(x, "synack", "RFC9293 3.10.7.4; the SYN-ACK sent again"), 1);
		if (t->st == TC_ST_TIME_WAIT)
			tw_new_syn(x);
		return;
	}
	if (s->flags & TC_RST) {                                /* second */
		rst_sync(x);
		return;
	}
	if (s->flags & TC_SYN) {                                /* fourth */
		syn_sync(x);
		return;
	}
	if (!(s->flags & TC_ACK)) {                             /* fifth: no ACK, drop */
		add(x, "rfc9293", "RFC9293 3.10.7.4 (fifth)");
		return;
	}
	o = add(x, "rfc9293", "RFC9293 3.10.7.4");
	if (ack_step(x, o))
		text_fin(x, o);
}

static void arrive(struct outs *x);

/* echo - the TSecr a reply must carry (RFC 7323 3.2, 4.3): TS.Recent as the segment
 * left it, in every non-RST reply once both SYNs offered timestamps; a SYN-ACK echoes
 * the SYN's TSval, if it takes timestamps at all. */
static void echo(struct tc_outcome *o)
{
	const struct tc_tcb *n = &o->next;
	struct tc_reply *r = &o->reply;

	if (!o->nreply || (r->flags & TC_RST) || !(r->flags & TC_ACK) || !n->ts_tester || !n->have_ts_recent)
		return;
	if (r->flags & TC_SYN) {
		r->ecr_set = r->ecr_if_ts = 1;
	} else {
		if (!n->ts_target)
			return;
		r->ecr_set = 1;
	}
	r->ecr = n->ts_recent;
}

int tc_model_arrive(const struct tc_tcb *t, const struct tc_seg *s, struct tc_outcome *out, int max)
{
	struct tc_outcome o[TC_MODEL_MAX_OUTCOMES + 2];
	struct outs x = { t, s, o, 0, TC_MODEL_MAX_OUTCOMES };
	int i;

	arrive(&x);
	for (i = 0; i < x.n && i < max; i++) {
		out[i] = o[i];
		echo(&out[i]);
		/* what the tester has sent, whatever the target makes of it */
		if (out[i].next.have_irs && !tc_seg_unreadable(s) && s->cksum_status != TC_CK_BAD &&
		    s->ip_cksum_status != TC_CK_BAD && !(s->flags & TC_RST) &&
		    (!t->rcv_sent || tc_seq_gt(s->seq + (s->flags & TC_SYN ? 1 : 0) + s->payload_len, out[i].next.rcv_sent)))
			out[i].next.rcv_sent = s->seq + (s->flags & TC_SYN ? 1 : 0) + s->payload_len;
	}
	return i;
}

static void arrive(struct outs *x)
{
	const struct tc_tcb *t = x->t;
	const struct tc_seg *s = x->s;

	if (tc_seg_unreadable(s) || s->cksum_status == TC_CK_BAD || s->ip_cksum_status == TC_CK_BAD) {
		add(x, "rfc9293", "RFC9293 3.1 (MUST-3: a bad checksum is discarded)");
		return;
	}
	if (t->st == TC_ST_CLOSED && t->passive) {
		/* the connection came from a listening port, which still listens: a new
		 * segment of the same 4-tuple meets the listener (3.10.7.2). Its state stays
		 * CLOSED unless a SYN opens a new connection. */
		struct tc_tcb l;
		struct outs y = *x;
		int i, n0 = x->n;

		tc_tcb_init(&l, TC_ST_LISTEN);
		y.t = &l;
		arrive_listen(&y);
		x->n = y.n;
		for (i = n0; i < x->n; i++) {
			if (x->o[i].next.st != TC_ST_LISTEN)
				continue;
			if (x->o[i].next.syn_pending)   /* SYN-RECEIVED once its SYN-ACK shows */
				x->o[i].next.st = TC_ST_CLOSED;
			else
				x->o[i].next = *t;
		}
		return;
	}
	switch (t->st) {
	case TC_ST_CLOSED: arrive_closed(x); break;
	case TC_ST_LISTEN: arrive_listen(x); break;
	case TC_ST_SYN_SENT: arrive_syn_sent(x); break;
	default: arrive_sync(x); break;
	}
}
