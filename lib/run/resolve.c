/* run: TCB names (RCV.NXT, SND.UNA ...) made numbers at a step, and segments shown in
 * case notation relative to the connection's ISNs. */
#include "packet/format.h"
#include "run/steps.h"
#include "util/util.h"

#include <string.h>

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

/* cap_slot - the capture a lone "$NAME" value names (its slot), or -1: not one alone. */
static int cap_slot(const struct tc_val *v)
{
	if (v->nsym != 1 || v->v || v->sym[0].sym < TC_SYM_CAP || v->sym[0].sign < 0 || v->sym[0].div != 1)
		return -1;
	return v->sym[0].sym - TC_SYM_CAP;
}

static int cap_known(const struct tc_conn *k, int slot)
{
	return k->cap && k->cap->set[slot];
}

/* resolve_val - a value with TCB names and captures made a number relative to @base.
 * In an expectation (!@send), a name not captured yet that is the whole value matches
 * anything: rn_bind then takes the value. */
static int resolve_val(const struct tc_conn *k, struct tc_val *v, uint32_t base, int send, char *err, size_t el)
{
	int i, slot = cap_slot(v);

	if (!send && slot >= 0 && !cap_known(k, slot)) {
		v->any = 1;
		v->nsym = 0;
		return 0;
	}
	for (i = 0; i < v->nsym; i++) {
		uint32_t x;
		int s = v->sym[i].sym;

		if (s >= TC_SYM_CAP) {          /* a name: its value as captured, in its field's numbering */
			if (!cap_known(k, s - TC_SYM_CAP))
				return tc_errf(err, el, "$%s is not captured yet at this step", k->c->caps->name[s - TC_SYM_CAP]);
			x = k->cap->v[s - TC_SYM_CAP];
		} else if (sym_value(k, (enum tc_sym)s, &x) < 0) {
			return tc_errf(err, el, "%s is not known yet at this step", tc_sym_name((enum tc_sym)s));
		} else if (tc_sym_is_seq((enum tc_sym)s)) {
			x -= base;
		}
		x /= v->sym[i].div;
		v->v += v->sym[i].sign > 0 ? x : 0u - x;
	}
	v->nsym = 0;
	return 0;
}

/* opt_names - does an option of @p use a name (a value or its data)? */
static int opt_names(const struct tc_segpat *p)
{
	for (int i = 0; i < p->nopts; i++)
		if (p->opts[i].a.nsym || p->opts[i].b.nsym || p->opts[i].cap)
			return 1;
	return 0;
}

/* resolve_opts - @out's options with their names resolved, in the connection's buffer. */
static int resolve_opts(struct tc_conn *k, struct tc_segpat *out, int send, char *err, size_t el)
{
	if (!k->optbuf)
		k->optbuf = tc_xcalloc(TC_MAX_OPTS, sizeof(*k->optbuf));
	memcpy(k->optbuf, out->opts, (size_t)out->nopts * sizeof(*k->optbuf));
	out->opts = k->optbuf;
	for (int i = 0; i < out->nopts; i++) {
		struct tc_optpat *o = &k->optbuf[i];
		int slot = o->cap - 1;

		if (resolve_val(k, &o->a, 0, send, err, el) < 0 || resolve_val(k, &o->b, 0, send, err, el) < 0)
			return -1;
		if (!o->cap)
			continue;
		if (cap_known(k, slot)) {
			o->dlen = k->cap->len[slot];
			memcpy(o->data, k->cap->data[slot], o->dlen);
		} else if (send) {
			return tc_errf(err, el, "$%s is not captured yet at this step", k->c->caps->name[slot]);
		} else {
			o->raw = 0;             /* any data: rn_bind takes it */
			o->any_value = 1;
		}
	}
	return 0;
}

/* bind - a lone name not captured yet takes @x. */
static void bind(struct tc_conn *k, const struct tc_val *v, uint32_t x)
{
	int slot = cap_slot(v);

	if (slot < 0 || cap_known(k, slot))
		return;
	if (!k->cap)
		k->cap = tc_xcalloc(1, sizeof(*k->cap));
	k->cap->set[slot] = 1;
	k->cap->v[slot] = x;
}

void rn_bind(struct tc_conn *k, const struct tc_segpat *p, const struct tc_seg *s)
{
	uint32_t target = k->bound ? k->isn_r : 0;

	if (!k->c->caps)
		return;
	bind(k, &p->seq, s->seq - target);
	bind(k, &p->end, s->seq - target + s->payload_len);
	bind(k, &p->len, s->payload_len);
	bind(k, &p->ack, s->ack - k->isn_t);
	bind(k, &p->win, s->win);
	bind(k, &p->urp, s->urp);
	for (int i = 0; i < p->nopts; i++) {
		const struct tc_optpat *o = &p->opts[i];
		const struct tc_opt *so = NULL;

		for (int j = 0; j < s->nopts && !so; j++)
			if (s->opts[j].kind == o->kind && !s->opts[j].bad)
				so = &s->opts[j];
		if (!so)
			continue;
		if (o->kind == TC_OPT_TS) {
			bind(k, &o->a, so->v.ts.val);
			bind(k, &o->b, so->v.ts.ecr);
		}
		if (o->cap && !cap_known(k, o->cap - 1)) {
			if (!k->cap)
				k->cap = tc_xcalloc(1, sizeof(*k->cap));
			k->cap->set[o->cap - 1] = 1;
			k->cap->len[o->cap - 1] = so->dlen;
			memcpy(k->cap->data[o->cap - 1], so->data, so->dlen);
		}
	}
}

/* resolve - @in with its TCB names and captures evaluated, into @out (which shares its
 * payload; its options are the connection's buffer's when they use names). */
int rn_resolve(struct tc_conn *k, const struct tc_segpat *in, struct tc_segpat *out, int send,
	       char *err, size_t el)
{
	uint32_t tester = k->isn_t, target = k->bound ? k->isn_r : 0;

	*out = *in;
	if (opt_names(in) && resolve_opts(k, out, send, err, el) < 0)
		return -1;
	if (!in->seq.nsym && !in->end.nsym && !in->len.nsym && !in->ack.nsym && !in->win.nsym && !in->urp.nsym)
		return 0;
	if (resolve_val(k, &out->seq, send ? tester : target, send, err, el) < 0 ||
	    resolve_val(k, &out->end, send ? tester : target, send, err, el) < 0 ||
	    resolve_val(k, &out->len, 0, send, err, el) < 0 ||
	    resolve_val(k, &out->ack, send ? target : tester, send, err, el) < 0 ||
	    resolve_val(k, &out->win, 0, send, err, el) < 0 ||
	    resolve_val(k, &out->urp, 0, send, err, el) < 0)
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
