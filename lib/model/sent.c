/* model: what the target's own segments tell of its TCB (tc_model_sent). */
#include "model/model.h"
#include "model/model_int.h"

/* take_up_to - RCV.NXT moves to @ack, which the target acknowledged. The data held
 * above a hole at or below it is not the target's (it would acknowledge past it): the
 * model lets it go. */
static void take_up_to(struct tc_tcb *t, uint32_t ack)
{
	int i = 0;

	t->rcv_nxt = ack;
	while (i < t->nholes) {
		if (tc_seq_gt(t->hl[i], ack)) {
			i++;
			continue;
		}
		t->hl[i] = t->hl[t->nholes - 1];
		t->hr[i] = t->hr[--t->nholes];
	}
}

void tc_model_sent(struct tc_tcb *t, const struct tc_seg *s)
{
	uint32_t end, win;

	if (tc_seg_unreadable(s) || s->cksum_status == TC_CK_BAD)
		return;
	if (s->flags & TC_RST) {
		if (t->st != TC_ST_LISTEN)
			t->st = TC_ST_CLOSED;
		return;
	}
	if (s->flags & TC_ACK) {
		/* a duplicate ACK below the model's RCV.NXT (the same ACK and window again, no
		 * data, no SYN, FIN or RST): a segment of the tester's came and the target's
		 * RCV.NXT did not move, so it does not hold the data the model took there (it
		 * dropped it: a buffer full, a segment past its edge not trimmed but let go).
		 * The model follows; an ACK of that data later moves it up again. */
		if (t->have_irs && t->have_last_ack && !(s->flags & (TC_SYN | TC_FIN | TC_RST)) && !s->payload_len &&
		    s->ack == t->last_ack_sent && s->win == t->last_win_sent && tc_seq_lt(s->ack, t->rcv_nxt) &&
		    !t->fin_rcvd) {
			t->rcv_nxt = s->ack;
			t->nholes = 0;
		}
		t->have_last_ack = 1;
		t->last_ack_sent = s->ack;
		t->last_win_sent = s->win;
	}
	if (s->flags & TC_SYN) {
		t->have_iss = 1;
		t->iss = t->snd_una = s->seq;
		t->snd_nxt = s->seq + 1 + s->payload_len;
		t->rcv_wnd = s->win;            /* never scaled in a SYN */
		tc_model_syn_options(t, s, 0);
		if (!(s->flags & TC_ACK) && t->st == TC_ST_CLOSED)
			t->st = TC_ST_SYN_SENT;
		else if ((s->flags & TC_ACK) &&
			 (t->st == TC_ST_LISTEN || t->st == TC_ST_SYN_SENT || t->st == TC_ST_CLOSED) &&
			 (t->syn_pending || t->st == TC_ST_SYN_SENT))
			t->st = TC_ST_SYN_RECEIVED;
		t->syn_pending = 0;
		return;
	}
	if (!t->have_iss)
		return;
	/* the window's right edge is where this segment puts it: its ACK plus its window;
	 * RCV.WND is what is left of it above the model's RCV.NXT, which runs ahead of that
	 * ACK while the tester's segments are on their way (or the target dropped them) */
	win = t->ws_target >= 0 && t->ws_tester >= 0 ? (uint32_t)s->win << t->ws_target : s->win;
	/* an ACK above the model's RCV.NXT, of data the tester did send: the target took it
	 * (beyond the edge the model knew, say); the model follows */
	if ((s->flags & TC_ACK) && t->have_irs && tc_seq_gt(s->ack, t->rcv_nxt) && t->rcv_sent &&
	    tc_seq_le(s->ack, t->rcv_sent))
		take_up_to(t, s->ack);
	if ((s->flags & TC_ACK) && t->have_irs)
		t->rcv_wnd = tc_seq_gt(s->ack + win, t->rcv_nxt) ? s->ack + win - t->rcv_nxt : 0;
	else
		t->rcv_wnd = win;
	end = s->seq + tc_seg_len(s);
	if (tc_seq_gt(end, t->snd_nxt))
		t->snd_nxt = end;
	if (!(s->flags & TC_FIN) || (t->fin_sent && s->seq + s->payload_len == t->fin_seq))
		return;
	t->fin_sent = 1;
	t->fin_seq = s->seq + s->payload_len;
	if (t->st == TC_ST_ESTABLISHED || t->st == TC_ST_SYN_RECEIVED)
		t->st = TC_ST_FIN_WAIT_1;
	else if (t->st == TC_ST_CLOSE_WAIT)
		t->st = TC_ST_LAST_ACK;
}
