/* run: TCB names (RCV.NXT, SND.UNA ...) made numbers at a step, and segments shown in
 * case notation relative to the connection's ISNs. */
#include "packet/format.h"
#include "run/steps.h"

/* sym_value - the value of a TCB name when the step began (absolute for sequence
 * numbers); -1 if the trace has not shown it yet. */
static int sym_value(const struct tc_conn *k, enum tc_sym s, uint32_t *v)
{
	const struct tc_tcb *t = &k->ex.step_tcb;

	switch (s) {
	case TC_SYM_RCV_NXT: *v = t->rcv_nxt; return t->have_irs ? 0 : -1;
	case TC_SYM_IRS: *v = t->irs; return t->have_irs ? 0 : -1;
	case TC_SYM_RCV_WND: *v = t->rcv_wnd; return t->have_iss ? 0 : -1;
	case TC_SYM_SND_NXT: *v = t->snd_nxt; return t->have_iss ? 0 : -1;
	case TC_SYM_SND_UNA: *v = t->snd_una; return t->have_iss ? 0 : -1;
	case TC_SYM_ISS:        /* a banner or an answer taken counts as the SYN's: the case's
				 * ISS+1 follows it */
		*v = t->iss + k->svc.banner_len + k->svc.answer_len;
		return t->have_iss ? 0 : -1;
	case TC_SYM_SND_WND: *v = t->snd_wnd; return 0;
	default: return -1;
	}
}

/* resolve_val - a value with TCB names made a number relative to @base. */
static int resolve_val(const struct tc_conn *k, struct tc_val *v, uint32_t base, char *err, size_t el)
{
	int i;

	for (i = 0; i < v->nsym; i++) {
		uint32_t x;

		if (sym_value(k, (enum tc_sym)v->sym[i].sym, &x) < 0)
			return tc_errf(err, el, "%s is not known yet at this step", tc_sym_name((enum tc_sym)v->sym[i].sym));
		if (tc_sym_is_seq((enum tc_sym)v->sym[i].sym))
			x -= base;
		x /= v->sym[i].div;
		v->v += v->sym[i].sign > 0 ? x : 0u - x;
	}
	v->nsym = 0;
	return 0;
}

/* resolve - @in with its TCB names evaluated, into @out (which shares its payload). */
int rn_resolve(const struct tc_conn *k, const struct tc_segpat *in, struct tc_segpat *out, int send,
		   char *err, size_t el)
{
	uint32_t tester = k->isn_t, target = k->bound ? k->isn_r : 0;

	*out = *in;
	if (!in->seq.nsym && !in->end.nsym && !in->len.nsym && !in->ack.nsym && !in->win.nsym)
		return 0;
	if (resolve_val(k, &out->seq, send ? tester : target, err, el) < 0 ||
	    resolve_val(k, &out->end, send ? tester : target, err, el) < 0 ||
	    resolve_val(k, &out->len, 0, err, el) < 0 ||
	    resolve_val(k, &out->ack, send ? target : tester, err, el) < 0 ||
	    resolve_val(k, &out->win, 0, err, el) < 0)
		return -1;
	if (send && out->win.v > 65535)
		return tc_errf(err, el, "win %u does not fit in 16 bits", out->win.v);
	if (send && in->len.nsym && out->len.v > 65000)
		return tc_errf(err, el, "length %u is too large", out->len.v);
	if (send && out->end.v - out->seq.v != out->len.v)
		return tc_errf(err, el, "%u:%u is %u bytes, not (%u)", out->seq.v, out->end.v,
			       out->end.v - out->seq.v, out->len.v);
	return 0;
}

/* rel_text - @s in case notation relative to the bases of the direction it went. */
void rn_rel_text(const struct tc_conn *k, const struct tc_seg *s, char *buf, size_t len)
{
	uint32_t isn_r = k->bound ? k->isn_r : 0;

	/* A SYN that did not bind the target's ISN is shown as if it had. */
	if (!k->bound && s->dir == TC_DIR_IN && (s->flags & TC_SYN))
		isn_r = s->seq;
	if (s->dir == TC_DIR_OUT)
		tc_seg_format_case(s, k->isn_t, isn_r, buf, len);
	else
		tc_seg_format_case(s, isn_r, k->isn_t, buf, len);
}
