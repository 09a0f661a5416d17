/*
 * run: a real service in the agent's place (remote mode, --service). A banner service
 * (SSH, SMTP, FTP) speaks first: once the connection is established the tester waits
 * for its greeting, acknowledges it, and counts the target's sequence numbers from
 * after it, so that a case's numbers mean what they say. A web server reads the
 * tester's data as a request that never ends (tc_fill_bytes) and says nothing. What
 * such a service does beyond that (an answer, a close) is its own doing: a divergence
 * after it is inconclusive, never a failure of the stack.
 */
#include "run/steps.h"

#include <string.h>

/* The longest a banner may take to come, from the moment the connection is established. */
#define BANNER_US 3000000

/* banner_ack - acknowledge the greeting: a bare ACK, the window and TSval of
 * the tester's last segment (a TSval of its own could be older than the case's next:
 * PAWS), TSecr the greeting's. Not a step: the model's last outcomes stay the case's. */
static int banner_ack(struct tc_conn *k)
{
	const struct tc_seg *last = NULL;
	const struct tc_opt *ts;
	struct tc_outcome keep[TC_MODEL_MAX_OUTCOMES];
	struct tc_seg a;
	char err[TC_ERRLEN];
	int i, nkeep = k->nlast;

	for (i = k->r->ntrace - 1; i >= 0 && !last; i--)
		if (k->r->trace[i].seg.dir == TC_DIR_OUT && k->r->trace[i].seg.ip_proto == 6)
			last = &k->r->trace[i].seg;
	tc_target_seg(k->env->tg, &a);
	a.sport = k->tport;
	a.dport = k->rport;
	a.ip_id = k->env->next_ip_id++;
	/* at the target's RCV.NXT: the highest the tester sent may be out of its window (a
	 * case's stray SYN), and an ACK there would draw a duplicate ACK */
	a.seq = k->trk.t.have_irs ? k->trk.t.rcv_nxt : k->snd_nxt_t;
	a.ack = k->rcv_nxt_t;
	a.flags = TC_ACK;
	a.win = last ? last->win : 65535;
	ts = last ? tc_opt_find(last, TC_OPT_TS) : NULL;
	if (ts && !ts->bad) {
		tc_opt_simple(&a.opts[a.nopts++], TC_OPT_NOP);
		tc_opt_simple(&a.opts[a.nopts++], TC_OPT_NOP);
		tc_opt_ts(&a.opts[a.nopts++], ts->v.ts.val, k->ts_recent);
	}
	if (tc_seg_encode(&a, NULL, NULL, err, sizeof(err)) < 0 ||
	    k->env->io->ops->send(k->env->io->ctx, &a, err, sizeof(err)) < 0) {
		tc_seg_free(&a);
		tc_result_set_reason(k->r, "cannot acknowledge the banner: %s", err);
		rn_finish(k, TC_V_ERROR);
		return -1;
	}
	a.dir = TC_DIR_OUT;
	a.t_us = rn_now(k);
	memcpy(keep, k->last, sizeof(keep));
	tc_track_out(&k->trk, &a);
	memcpy(k->last, keep, sizeof(keep));
	k->nlast = nkeep;
	tc_result_trace_add(k->r, &a, 0, "banner acknowledged");
	tc_seg_free(&a);
	return 0;
}

int rn_service_take(struct tc_conn *k, const struct tc_seg *s, int idx)
{
	const uint8_t *b;

	if (!k->env->tg->banner || k->banner == TC_BANNER_TAKEN || !s->payload_len || s->sport != k->rport ||
	    (s->flags & (TC_SYN | TC_RST)))
		return 0;
	k->r->trace[idx].note = "banner";
	k->banner_len += s->payload_len;
	/* the numbers of the case start after it: its first octet after the greeting is 1 */
	k->isn_r += s->payload_len;
	b = tc_seg_payload(s);
	if (s->flags & TC_FIN)
		return 0;               /* a greeting and a close: the FIN is the steps' to judge */
	if (!b || b[s->payload_len - 1] != '\n')
		return 1;               /* more of it to come */
	k->banner = TC_BANNER_TAKEN;
	tc_result_add_note(k->r, "the banner service's greeting (%u bytes) was acknowledged before the case went "
			   "on; the target's sequence numbers are counted from after it", k->banner_len);
	if (banner_ack(k) < 0)
		return 1;
	if (k->banner_armed) {
		k->armed = 0;
		k->banner_armed = 0;
	}
	k->step_t0 = rn_now(k);         /* the next step begins now, over the TCB as it is */
	k->step_tcb = k->trk.t;
	rn_advance(k);
	return 1;
}

int rn_service_wait(struct tc_conn *k, int *wait)
{
	if (!k->env->tg->banner || k->alt || k->banner == TC_BANNER_TAKEN)
		return 0;
	if (k->banner == TC_BANNER_NONE) {
		if (tc_track_state(&k->trk) != TC_ST_ESTABLISHED)
			return 0;
		k->banner = TC_BANNER_DUE;      /* the application has the connection: it speaks */
	}
	if (!k->banner_armed) {
		k->armed = 0;           /* the deadline is the greeting's now */
		rn_arm(k, BANNER_US);
		k->banner_armed = 1;
	}
	*wait = 1;
	return 1;
}

int rn_service_late(struct tc_conn *k)
{
	if (!k->banner_armed || k->banner != TC_BANNER_DUE)
		return 0;
	tc_result_set_reason(k->r, "%s: the banner service sent no greeting within %d s of the connection's "
			     "establishment: the service, not the stack, may be the cause", k->c->file, BANNER_US / 1000000);
	rn_finish(k, TC_V_INCONCLUSIVE);
	return 1;
}

int rn_service_spoke(const struct tc_conn *k, char *why, size_t wl)
{
	const struct tc_target *tg = k->env->tg;
	const char *kind = tg->banner ? "banner" : "http";
	const struct tc_seg *s;
	const uint8_t *b;
	size_t n;
	int i;

	if (tg->fill != TC_FILL_HTTP && !tg->banner)
		return 0;
	for (i = 0; i < k->r->ntrace; i++) {
		s = &k->r->trace[i].seg;
		if (s->dir != TC_DIR_IN || s->ip_proto != 6 || (k->rport && s->sport != k->rport) ||
		    (!s->payload_len && !(s->flags & TC_FIN)) || (s->flags & (TC_SYN | TC_RST)))
			continue;
		if (k->r->trace[i].note && !strcmp(k->r->trace[i].note, "banner") && !(s->flags & TC_FIN))
			continue;
		b = tc_seg_payload(s);
		for (n = 0; b && n < s->payload_len && n < 60 && b[n] >= 0x20 && b[n] < 0x7f; n++)
			;
		if (s->payload_len && !(k->r->trace[i].note && !strcmp(k->r->trace[i].note, "banner")))
			tc_errf(why, wl, "the %s service answered%s ('%.*s'): the service, not the stack, may be the cause",
				kind, tg->banner ? "" : " the tester's request that never ends", (int)n,
				b ? (const char *)b : "");
		else
			tc_errf(why, wl, "the %s service closed its side (FIN)%s: the service, not the stack, may be "
				"the cause", kind, tg->banner ? "" : " while the tester's request was unfinished");
		return 1;
	}
	return 0;
}
