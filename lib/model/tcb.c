/*
 * model: the TCB's plain facts: a new TCB, the acceptability test of RFC
 * 9293 3.10.7.4 (the four cases of segment length and window), and whether a segment
 * is a reply the model predicted.
 */
#include "model/model.h"

#include <string.h>

void tc_tcb_init(struct tc_tcb *t, enum tc_state st)
{
	memset(t, 0, sizeof(*t));
	t->st = st;
	t->passive = st == TC_ST_LISTEN;
	t->ws_tester = t->ws_target = -1;
}

int tc_tcb_acceptable(const struct tc_tcb *t, uint32_t seq, uint32_t len)
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

int tc_reply_matches(const struct tc_reply *r, const struct tc_seg *s)
{
	uint16_t mask = TC_FIN | TC_SYN | TC_RST | TC_ACK | TC_URG;     /* PSH, ECN bits aside */

	/* an ACK that may ride on the target's own data may also ride on its FIN: the
	 * application closed at once */
	if (r->data_ok)
		mask &= (uint16_t)~TC_FIN;
	if ((s->flags & mask) != (r->flags & mask))
		return 0;
	if (s->payload_len && !r->data_ok)
		return 0;
	if (!r->seq_any && s->seq != r->seq)
		return 0;
	if ((r->flags & TC_ACK) && s->ack != r->ack)
		return 0;
	if (r->ecr_set) {
		const struct tc_opt *ts = tc_opt_find(s, TC_OPT_TS);

		if (!ts || ts->bad)
			return r->ecr_if_ts;
		if (ts->v.ts.ecr != r->ecr)
			return 0;
	}
	return 1;
}
