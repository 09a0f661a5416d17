/* model: the state tracker (RFC 9293 3.10 applied to an observed trace). */
#include "model/track.h"
#include "util/util.h"

#include <string.h>

static const char *const names[TC_ST__COUNT] = {
	"CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
	"FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",
};

const char *tc_state_name(enum tc_state s)
{
	return (unsigned)s < TC_ST__COUNT ? names[s] : "?";
}

int tc_state_from_name(const char *s)
{
	int i;

	for (i = 0; i < TC_ST__COUNT; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

/* enter - move to @st. The path records the state after each whole event (commit),
 * not the steps inside one segment's processing: a FIN+ACK in FIN-WAIT-1 goes
 * through FIN-WAIT-2 within RFC 9293's steps but the target is then in TIME-WAIT. */
static void enter(struct tc_track *t, enum tc_state st)
{
	t->st = st;
}

static void commit(struct tc_track *t)
{
	if (t->npath && t->path[t->npath - 1] == t->st)
		return;
	if (t->npath < (int)TC_ARRAY_LEN(t->path))
		t->path[t->npath++] = t->st;
}

void tc_track_init(struct tc_track *t, enum tc_state initial)
{
	memset(t, 0, sizeof(*t));
	t->ws_tester = t->ws_target = -1;
	t->st = initial;
	t->path[t->npath++] = initial;
	t->passive = initial == TC_ST_LISTEN;
}

void tc_track_forget(struct tc_track *t)
{
	enter(t, TC_ST_CLOSED);
	commit(t);
}

/* acceptable - the acceptability test of RFC 9293 3.10.7.4 (Table 6). */
static int acceptable(const struct tc_track *t, uint32_t seq, uint32_t len)
{
	uint32_t wnd = t->rcv_wnd;

	if (len == 0 && wnd == 0)
		return seq == t->rcv_nxt;
	if (len == 0)
		return tc_seq_le(t->rcv_nxt, seq) && tc_seq_lt(seq, t->rcv_nxt + wnd);
	if (wnd == 0)
		return 0;
	return (tc_seq_le(t->rcv_nxt, seq) && tc_seq_lt(seq, t->rcv_nxt + wnd)) ||
	       (tc_seq_le(t->rcv_nxt, seq + len - 1) && tc_seq_lt(seq + len - 1, t->rcv_nxt + wnd));
}

/* absorb - text (and FIN) at or above rcv_nxt: advance over what is contiguous,
 * hold the rest as a range, as a receiver that queues out-of-order data (SHLD-31). */
static void absorb(struct tc_track *t, uint32_t l, uint32_t r)
{
	int i, moved = 1;

	if (tc_seq_gt(l, t->rcv_nxt)) {
		if (t->nholes < TC_TRACK_HOLES) {
			t->hl[t->nholes] = l;
			t->hr[t->nholes++] = r;
		}
		return;
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
}

static void fin_reached(struct tc_track *t)
{
	int our_fin_acked = t->fin_sent && tc_seq_ge(t->snd_una, t->fin_seq + 1);

	switch (t->st) {
	case TC_ST_ESTABLISHED: enter(t, TC_ST_CLOSE_WAIT); break;
	case TC_ST_FIN_WAIT_1: enter(t, our_fin_acked ? TC_ST_TIME_WAIT : TC_ST_CLOSING); break;
	case TC_ST_FIN_WAIT_2: enter(t, TC_ST_TIME_WAIT); break;
	default: break;
	}
}

/* ack_in - the ACK field of a tester segment, in a synchronized state or SYN-RECEIVED. */
static int ack_in(struct tc_track *t, const struct tc_seg *s)
{
	if (t->st == TC_ST_SYN_RECEIVED) {
		if (!(tc_seq_lt(t->snd_una, s->ack) && tc_seq_le(s->ack, t->snd_nxt)))
			return 0;       /* the target answers with a reset, stays */
		enter(t, TC_ST_ESTABLISHED);
	}
	if (tc_seq_gt(s->ack, t->snd_nxt))
		return 0;               /* acks something not yet sent: ACK, drop */
	if (tc_seq_gt(s->ack, t->snd_una))
		t->snd_una = s->ack;
	if (t->fin_sent && tc_seq_ge(s->ack, t->fin_seq + 1)) {
		if (t->st == TC_ST_FIN_WAIT_1)
			enter(t, TC_ST_FIN_WAIT_2);
		else if (t->st == TC_ST_CLOSING)
			enter(t, TC_ST_TIME_WAIT);
		else if (t->st == TC_ST_LAST_ACK) {
			enter(t, TC_ST_CLOSED);
			return 0;
		}
	}
	return 1;
}

static void out_listen(struct tc_track *t, const struct tc_seg *s)
{
	if ((s->flags & (TC_SYN | TC_ACK | TC_RST)) != TC_SYN)
		return;
	t->have_irs = 1;
	t->irs = s->seq;
	t->rcv_nxt = s->seq + 1;
	t->syn_seen = 1;
	{
		const struct tc_opt *o = tc_opt_find(s, TC_OPT_WSCALE);

		t->ws_tester = o && !o->bad ? o->v.wscale : -1;
	}
}

static void out_syn_sent(struct tc_track *t, const struct tc_seg *s)
{
	int ack_ok = (s->flags & TC_ACK) && tc_seq_gt(s->ack, t->iss) && tc_seq_le(s->ack, t->snd_nxt);

	if (s->flags & TC_RST) {
		if (ack_ok)
			enter(t, TC_ST_CLOSED);
		return;
	}
	if (!(s->flags & TC_SYN) || ((s->flags & TC_ACK) && !ack_ok))
		return;
	t->have_irs = 1;
	t->irs = s->seq;
	t->rcv_nxt = s->seq + 1;
	t->rcv_wnd = 65535;
	if (ack_ok) {
		t->snd_una = s->ack;
		enter(t, TC_ST_ESTABLISHED);
	} else {
		t->passive = 0;
		enter(t, TC_ST_SYN_RECEIVED);
	}
}

/* out_sync - a tester segment in SYN-RECEIVED or a synchronized state (3.10.7.4). */
static void out_sync(struct tc_track *t, const struct tc_seg *s)
{
	uint32_t len = tc_seg_len(s);

	if (!acceptable(t, s->seq, len))
		return;                 /* ACK_NOW and drop (or drop a RST) */
	if (s->flags & TC_RST) {
		/* RFC 5961 3.2: only an exact match resets; others get a challenge ACK. */
		if (s->seq == t->rcv_nxt)
			enter(t, t->st == TC_ST_SYN_RECEIVED && t->passive ? TC_ST_LISTEN : TC_ST_CLOSED);
		return;
	}
	if (s->flags & TC_SYN)
		return;                 /* RFC 5961 4.2: challenge ACK, drop */
	if (!(s->flags & TC_ACK) || !ack_in(t, s))
		return;
	if (t->st == TC_ST_CLOSE_WAIT || t->st == TC_ST_CLOSING || t->st == TC_ST_LAST_ACK ||
	    t->st == TC_ST_TIME_WAIT)
		return;                 /* text and FIN after the remote FIN are ignored */
	if (s->payload_len || (s->flags & TC_FIN)) {
		uint32_t end = s->seq + len;
		uint32_t before = t->rcv_nxt;

		if (s->flags & TC_FIN) {
			t->fin_rcvd = 1;
			t->fin_rcvd_seq = s->seq + s->payload_len;
		}
		absorb(t, s->seq, end);
		if (t->fin_rcvd && tc_seq_gt(t->rcv_nxt, t->fin_rcvd_seq) &&
		    tc_seq_le(before, t->fin_rcvd_seq))
			fin_reached(t);
	}
}

void tc_track_out(struct tc_track *t, const struct tc_seg *s)
{
	if (s->problem[0] || s->cksum_status == TC_CK_BAD)
		return;                 /* the target drops what it cannot trust */
	switch (t->st) {
	case TC_ST_CLOSED: break;
	case TC_ST_LISTEN: out_listen(t, s); break;
	case TC_ST_SYN_SENT: out_syn_sent(t, s); break;
	default: out_sync(t, s); break;
	}
	commit(t);
}

static void in_syn(struct tc_track *t, const struct tc_seg *s)
{
	const struct tc_opt *o = tc_opt_find(s, TC_OPT_WSCALE);

	t->have_iss = 1;
	t->iss = t->snd_una = s->seq;
	t->snd_nxt = s->seq + 1 + s->payload_len;
	t->ws_target = o && !o->bad ? o->v.wscale : -1;
	t->rcv_wnd = s->win;
	if (!(s->flags & TC_ACK)) {
		if (t->st == TC_ST_CLOSED)
			enter(t, TC_ST_SYN_SENT);
		return;
	}
	if (t->st == TC_ST_LISTEN && t->syn_seen)
		enter(t, TC_ST_SYN_RECEIVED);
	else if (t->st == TC_ST_SYN_SENT)
		enter(t, TC_ST_SYN_RECEIVED);
}

static void track_in(struct tc_track *t, const struct tc_seg *s);

void tc_track_in(struct tc_track *t, const struct tc_seg *s)
{
	track_in(t, s);
	commit(t);
}

static void track_in(struct tc_track *t, const struct tc_seg *s)
{
	uint32_t end;

	if (s->problem[0] || s->cksum_status == TC_CK_BAD)
		return;
	if (s->flags & TC_RST) {
		if (t->st != TC_ST_LISTEN)
			enter(t, TC_ST_CLOSED);
		return;
	}
	if (s->flags & TC_SYN) {
		in_syn(t, s);
		return;
	}
	if (!t->have_iss)
		return;
	t->rcv_wnd = t->ws_target >= 0 && t->ws_tester >= 0 ? (uint32_t)s->win << t->ws_target : s->win;
	end = s->seq + tc_seg_len(s);
	if (tc_seq_gt(end, t->snd_nxt))
		t->snd_nxt = end;
	if (!(s->flags & TC_FIN) || (t->fin_sent && s->seq + s->payload_len == t->fin_seq))
		return;
	t->fin_sent = 1;
	t->fin_seq = s->seq + s->payload_len;
	if (t->st == TC_ST_ESTABLISHED || t->st == TC_ST_SYN_RECEIVED)
		enter(t, TC_ST_FIN_WAIT_1);
	else if (t->st == TC_ST_CLOSE_WAIT)
		enter(t, TC_ST_LAST_ACK);
}
