/* run: the segment steps: sending segments and ICMP errors, matching what comes back,
 * and silence. */
#include "case/match.h"
#include "packet/format.h"
#include "run/steps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* inject - send @s, built with result @rc (its error in @err, TC_ERRLEN long), and
 * note in *@t the moment of injection, taken before the write. A failure ends the
 * case as an error, and frees @s. */
static int inject(struct tc_conn *k, const struct tc_step *st, struct tc_seg *s, int rc, char *err, uint64_t *t)
{
	*t = rn_now(k);
	if (rc == 0)
		rc = k->env->io->ops->send(k->env->io->ctx, s, err, TC_ERRLEN);
	if (rc < 0) {
		tc_seg_free(s);
		rn_error(k, "%s:%d: cannot send: %s", k->c->file, st->line, err);
		return -1;
	}
	return 0;
}

/* sent - the bookkeeping of @s, which went out at @t for step @st: read back as the
 * target reads it, through the model, into the trace. Frees @s. */
static void sent(struct tc_conn *k, const struct tc_step *st, struct tc_seg *s, uint64_t t)
{
	/* What went on the wire, read back as the target reads it: a damaged data
	 * offset or length, a bad checksum show in the trace and in the model. */
	{
		struct tc_seg d;

		tc_seg_init(&d);
		if (s->raw && tc_seg_decode(&d, s->raw, s->raw_len, s->link) == 0) {
			tc_seg_free(s);
			*s = d;
		} else {
			tc_seg_free(&d);
		}
	}
	s->dir = TC_DIR_OUT;
	s->t_us = t;
	if (tc_seq_gt(s->seq + tc_seg_len(s), k->snd_nxt_t))
		k->snd_nxt_t = s->seq + tc_seg_len(s);
	k->trk.line = st->line;
	tc_track_out(&k->trk, s);
	{
		const struct tc_outcome *o = tc_track_last(&k->trk, &k->rep.nlast);

		if (k->rep.nlast)
			memcpy(k->rep.last, o, (size_t)k->rep.nlast * sizeof(*o));
	}
	k->rep.out_us = t;
	rn_run_send(k, st->line, t);
	k->rep.out_invalid = k->rep.nlast && k->rep.last[0].nreply && k->rep.last[0].reply.ratelimited;
	if (k->rep.out_invalid) {
		k->rep.invalid_us[1] = k->rep.invalid_us[0];
		k->rep.invalid_us[0] = t;
	}
	tc_result_trace_add(k->r, s, st->line, NULL);
	tc_seg_free(s);
}

/* send_pieces - @s is larger than the tester's link carries (its MTU): its data goes in
 * pieces of the largest size that fits, each with @s's header and options (PSH and FIN
 * on the last one only), as a sender's segmentation offload cuts a large write. A SYN,
 * urgent data or a header damaged on purpose is not cut: the case is an error that
 * says so. Frees @s. */
static int send_pieces(struct tc_conn *k, const struct tc_step *st, const struct tc_segpat *p, struct tc_seg *s)
{
	uint32_t l2 = s->link == TC_LINK_ETH ? 14 : 0, ip = (uint32_t)s->raw_len - l2, hdr = ip - s->payload_len;
	uint32_t mtu = (uint32_t)k->env->tg->mtu, max = mtu > hdr ? mtu - hdr : 0, off, n;
	const char *no = s->flags & TC_SYN ? "a SYN" : s->flags & TC_URG ? "urgent data" :
			 p->cksum || p->ipcksum || p->doff.set || p->iplen.set ? "a header damaged on purpose" :
			 max < 8 ? "its header alone fills the link" : NULL;
	char err[TC_ERRLEN];
	uint64_t t;

	if (no) {
		rn_error(k, "%s:%d: the segment is %u bytes of IP, more than the link's MTU of %u, and %s is not cut in "
			 "pieces: send less", k->c->file, st->line, ip, mtu, no);
		tc_seg_free(s);
		return -1;
	}
	max &= ~7u;                     /* whole 8-byte units, as IPv4 fragments count */
	for (off = 0; off < s->payload_len; off += n) {
		struct tc_seg q = *s;
		int rc;

		n = s->payload_len - off < max ? s->payload_len - off : max;
		q.raw = NULL;
		q.raw_len = 0;
		q.seq = s->seq + off;
		q.payload_len = n;
		if (off + n < s->payload_len)
			q.flags &= (uint16_t)~(TC_PSH | TC_FIN);
		rc = tc_seg_encode(&q, tc_seg_payload(s) + off, NULL, err, sizeof(err));
		if (inject(k, st, &q, rc, err, &t) < 0) {
			tc_seg_free(s);
			return -1;
		}
		sent(k, st, &q, t);
	}
	tc_seg_free(s);
	return rn_check_state(k, st);
}

int rn_do_send(struct tc_conn *k, const struct tc_step *st)
{
	struct tc_seg s;
	char err[TC_ERRLEN];
	uint64_t t;
	int rc;

	struct tc_segpat p;

	rc = rn_resolve(k, &st->seg, &p, 1, err, sizeof(err));
	if (rc == 0)
		rc = tc_build_send(k, &p, &s, err, sizeof(err));
	else
		tc_seg_init(&s);
	if (rc == 0 && k->env->tg->mtu && s.raw &&
	    s.raw_len - (s.link == TC_LINK_ETH ? 14 : 0) > (size_t)k->env->tg->mtu)
		return send_pieces(k, st, &p, &s);
	if (inject(k, st, &s, rc, err, &t) < 0)
		return -1;
	sent(k, st, &s, t);
	return rn_check_state(k, st);
}

/* do_icmp - send an ICMP error quoting the target's last segment that carried
 * sequence space (data, SYN or FIN: one in flight), or its last segment at all. */
int rn_do_icmp(struct tc_conn *k, const struct tc_step *st)
{
	const struct tc_seg *q = NULL;
	struct tc_seg s;
	char err[TC_ERRLEN];
	uint64_t t;
	int i, rc;

	for (i = k->r->ntrace - 1; i >= 0 && !q; i--)
		if (k->r->trace[i].seg.dir == TC_DIR_IN && tc_seg_len(&k->r->trace[i].seg))
			q = &k->r->trace[i].seg;
	for (i = k->r->ntrace - 1; i >= 0 && !q; i--)
		if (k->r->trace[i].seg.dir == TC_DIR_IN)
			q = &k->r->trace[i].seg;
	if (!q) {
		rn_error(k, "%s:%d: no segment from the target to quote", k->c->file, st->line);
		return -1;
	}
	rc = tc_build_icmp(k, st, q, &s, err, sizeof(err));
	if (inject(k, st, &s, rc, err, &t) < 0)
		return -1;
	rn_run_send(k, st->line, t);
	s.dir = TC_DIR_OUT;
	s.t_us = t;
	tc_result_trace_add(k->r, &s, st->line, NULL);
	tc_seg_free(&s);
	return rn_check_state(k, st);
}

/* port_ok - the segment comes from the case's port on the target (the capture hands
 * a case what reaches its tester port, from whichever port of the target). */
int rn_port_ok(const struct tc_conn *k, const struct tc_seg *s, char *why, size_t wl)
{
	if (!k->rport || s->sport == k->rport)
		return 1;
	snprintf(why, wl, "source port is %u, expected %u", s->sport, k->rport);
	return 0;
}

/* try_match - match the target's segment @s against @p, binding the target's ISN on
 * its SYN; @why gets the mismatch. */
int rn_try_match(struct tc_conn *k, const struct tc_segpat *pat, const struct tc_seg *s,
		     char *why, size_t wl)
{
	uint32_t base = k->bound ? k->isn_r : 0;
	int bind = !k->bound && (pat->flags & TC_SYN) && (s->flags & TC_SYN);
	struct tc_segpat rp;
	const struct tc_segpat *p = &rp;

	if (rn_resolve(k, pat, &rp, 0, why, wl) < 0) {
		k->ex.resolve_failed = 1;          /* the case's fault, not the target's */
		return 0;
	}
	if (!rn_port_ok(k, s, why, wl))
		return 0;
	if (bind)
		base = s->seq - (p->seq.any ? 0 : p->seq.v);
	if (!tc_match(p, s, base, k->isn_t, why, wl))
		return 0;
	if (bind) {
		k->bound = 1;
		k->isn_r = base;
	}
	rn_bind(k, pat, s);
	return 1;
}

/* too_early - "after D": the segment came sooner than D after the step began. */
int rn_too_early(struct tc_conn *k, const struct tc_segpat *p, const struct tc_seg *s,
		     char *why, size_t wl)
{
	uint64_t dt = s->t_us > k->ex.step_t0 ? s->t_us - k->ex.step_t0 : 0;

	if (!p->after_us || dt >= p->after_us)
		return 0;
	tc_errf(why, wl, "it came %llu ms after the step began, expected not before %llu ms",
		(unsigned long long)dt / 1000, (unsigned long long)p->after_us / 1000);
	return 1;
}

const struct tc_seg *rn_queue_pop(struct tc_conn *k, int *idx)
{
	const struct tc_trace_ent *e;

	if (k->ex.qh == k->ex.qt)
		return NULL;
	*idx = k->ex.queue[k->ex.qh++ % TC_QUEUE];
	e = &k->r->trace[*idx];
	if (!e->lead)
		return &e->seg;
	/* a service's answer at its front: the steps see what follows it */
	k->svc.view = e->seg;
	k->svc.view.seq += e->lead;
	k->svc.view.payload_off += e->lead;
	k->svc.view.payload_len -= e->lead;
	if (!k->svc.view.payload_len)
		k->svc.view.flags &= (uint16_t)~TC_PSH;     /* the answer's push, not the FIN's */
	return &k->svc.view;
}

/*
 * early - the target's segment @idx is a reply (no sequence space: an ACK, a RST)
 * captured before the tester sent the first segment of the run the current step waits
 * on: it cannot answer that run. It belongs to what came before: a "< nothing" whose
 * window it fell in fails there; otherwise it is an unexpected segment after the last
 * expectation met. 1 if so (the case is over).
 */
int rn_early(struct tc_conn *k, int idx)
{
	const struct tc_seg *s = &k->r->trace[idx].seg;
	char obs[600], why[200], exp[120];
	struct tc_step fake;
	uint64_t dt;

	if (!k->rep.run_us || s->t_us >= k->rep.run_us || tc_seg_len(s) || (k->rport && s->sport != k->rport))
		return 0;
	dt = k->rep.run_us - s->t_us;
	rn_rel_text(k, s, obs, sizeof(obs));
	k->r->trace[idx].note = "unexpected";
	if (k->rep.quiet_st && s->t_us >= k->rep.quiet_t0 && s->t_us < k->rep.quiet_t1) {
		k->r->trace[idx].line = k->rep.quiet_st->line;
		snprintf(why, sizeof(why), "captured %llu ms after this step began, inside its window; it reached "
			 "the tester after line %d was sent", (unsigned long long)(s->t_us - k->rep.quiet_t0) / 1000,
			 k->rep.run_line);
		rn_diverge(k, k->rep.quiet_st, obs, why, TC_V_FAIL);
		return 1;
	}
	fake = (struct tc_step){ .line = k->rep.met_line ? k->rep.met_line : k->rep.run_line };
	snprintf(exp, sizeof(exp), "nothing more before line %d is sent", k->rep.run_line);
	fake.text = exp;
	snprintf(why, sizeof(why), "captured %llu us before the segment of line %d was sent: it cannot answer "
		 "it, nor any step after it", (unsigned long long)dt, k->rep.run_line);
	k->r->trace[idx].line = fake.line;
	rn_diverge(k, &fake, obs, why, TC_V_FAIL);
	return 1;
}

int rn_is_late(const struct tc_conn *k, int idx)
{
	return k->r->trace[idx].note && !strcmp(k->r->trace[idx].note, "late answer");
}

void rn_pass_late(struct tc_conn *k, int idx)
{
	k->r->trace[idx].note = "late answer to an earlier segment: not this step's";
	k->rep.late_idx = idx + 1;
}

/* late_answer - @s (entry @idx) is a late answer and not what the step expects: passed
 * over. 1 if so. */
static int late_answer(struct tc_conn *k, const struct tc_step *st, const struct tc_seg *s, int idx)
{
	char why[160];

	if (!rn_is_late(k, idx))
		return 0;
	k->ex.resolve_failed = 0;
	if (rn_try_match(k, &st->seg, s, why, sizeof(why)) || k->ex.resolve_failed)
		return 0;
	rn_pass_late(k, idx);
	return 1;
}

/* piece_match - "pieces": @s must be the next piece of @st's range: it begins where the
 * pieces met so far end, carries at most the rest of the range, and matches the other
 * fields; PSH is optional and FIN absent but on the piece that ends the range. The
 * range's length goes to k->ex.pieces_len; a mismatch in @why says how far it had come. */
static int piece_match(struct tc_conn *k, const struct tc_step *st, const struct tc_seg *s, char *why, size_t wl)
{
	struct tc_segpat q;
	uint32_t got = k->ex.pieces_got, rest;
	char m[128];

	if (rn_resolve(k, &st->seg, &q, 0, why, wl) < 0) {
		k->ex.resolve_failed = 1;
		return 0;
	}
	if (!rn_port_ok(k, s, why, wl))
		return 0;
	k->ex.pieces_len = q.len.v;
	rest = q.len.v > got ? q.len.v - got : 0;
	q.seq.v += got;
	q.len = (struct tc_val){ .set = 1, .range = 1, .v = rest ? 1 : 0, .hi = rest };
	q.end = (struct tc_val){ .set = 1, .any = 1 };
	if (s->payload_len != rest) {   /* not the last piece */
		q.flags &= (uint16_t)~(TC_PSH | TC_FIN);
		q.flags_opt = (uint16_t)((q.flags_opt | TC_PSH) & ~TC_FIN);
	}
	if (q.payload_given) {
		q.payload += got;
		q.payload_len = s->payload_len < rest ? s->payload_len : rest;
	}
	if (got)
		q.after_us = 0;
	if (rest && tc_match(&q, s, k->bound ? k->isn_r : 0, k->isn_t, m, sizeof(m)) &&
	    !rn_too_early(k, &q, s, m, sizeof(m))) {
		if (!got)
			rn_bind(k, &st->seg, s);
		return 1;
	}
	if (!rest)
		snprintf(m, sizeof(m), "the range is %u bytes now, and %u of it came", k->ex.pieces_len, got);
	if (got)
		snprintf(why, wl, "%s; in pieces: %u of the range's %u bytes had come", m, got, k->ex.pieces_len);
	else
		snprintf(why, wl, "%s", m);
	return 0;
}

void rn_step_expect(struct tc_conn *k, const struct tc_step *st, int *wait)
{
	const struct tc_seg *s;
	char why[256], obs[600];
	int idx;

	do {
		s = rn_queue_pop(k, &idx);
		if (!s) {
			rn_arm(k, st->dur_us ? st->dur_us : k->c->timeout_us);
			*wait = 1;
			return;
		}
		if (rn_early(k, idx))
			return;
	} while (late_answer(k, st, s, idx));
	k->r->trace[idx].line = st->line;
	k->ex.resolve_failed = 0;
	if (st->seg.pieces ? !piece_match(k, st, s, why, sizeof(why)) :
	    !rn_try_match(k, &st->seg, s, why, sizeof(why)) || rn_too_early(k, &st->seg, s, why, sizeof(why))) {
		if (k->ex.resolve_failed) {
			rn_error(k, "%s:%d: %s", k->c->file, st->line, why);
			return;
		}
		if (rn_service_fin_acks(k, st, idx))
			return;
		rn_rel_text(k, s, obs, sizeof(obs));
		k->r->trace[idx].note = "unexpected";
		rn_diverge(k, st, obs, why, TC_V_FAIL);
		return;
	}
	if (st->seg.pieces && (k->ex.pieces_got += s->payload_len) < k->ex.pieces_len)
		return;                         /* the next piece: queued, or to wait for */
	rn_met(k, st->line);
	if (rn_check_state(k, st) == 0)
		rn_next_step(k);
}

/* resent - does @s (trace entry @idx) carry data the target already sent? */
static int resent(const struct tc_conn *k, const struct tc_seg *s, int idx)
{
	if (!s->payload_len || (s->flags & (TC_SYN | TC_RST)))
		return 0;
	for (int i = 0; i < idx; i++) {
		const struct tc_seg *e = &k->r->trace[i].seg;

		if (e->dir == TC_DIR_IN && e->payload_len && e->sport == s->sport && !tc_seq_gt(e->seq, s->seq) &&
		    tc_seq_lt(s->seq, e->seq + e->payload_len))
			return 1;
	}
	return 0;
}

void rn_step_nothing(struct tc_conn *k, const struct tc_step *st, int *wait)
{
	char obs[600];
	int idx;
	const struct tc_seg *s;

	/* a late answer to what the tester sent before this step's run (a busy target's
	 * duplicate ACK, say) does not break its silence: it is left to its segment */
	for (;;) {
		s = rn_queue_pop(k, &idx);
		if (s && rn_early(k, idx))
			return;
		if (!s || !rn_is_late(k, idx))
			break;
		rn_pass_late(k, idx);
	}
	if (s) {
		k->r->trace[idx].line = st->line;
		k->r->trace[idx].note = "unexpected";
		/* a retransmission in a silence: a timer fired inside the window, which may be
		 * where a late tester put it */
		k->r->div_timer = resent(k, s, idx);
		rn_rel_text(k, s, obs, sizeof(obs));
		rn_diverge(k, st, obs, NULL, TC_V_FAIL);
		return;
	}
	rn_arm(k, st->dur_us);
	if (rn_now(k) < k->ex.deadline) {
		*wait = 1;
		return;
	}
	tc_track_settle(&k->trk);       /* the silence settles what waited for an answer */
	rn_met(k, st->line);
	k->rep.quiet_st = st;
	k->rep.quiet_t0 = k->ex.deadline - st->dur_us;
	k->rep.quiet_t1 = k->ex.deadline;
	if (rn_check_state(k, st) == 0)
		rn_next_step(k);
}
