/*
 * run: a real service in the agent's place (remote mode, --service). A banner service
 * (SSH, SMTP, FTP) speaks first: once the connection is established the tester waits
 * for its greeting, acknowledges it, and counts the target's sequence numbers from
 * after it, so that a case's numbers mean what they say. A web server reads the
 * tester's data as a request that never ends (tc_fill_bytes) and says nothing; for the
 * send port the tester sends it a request whose answer is the port's bytes, and counts
 * its own numbers from after it. What
 * such a service does beyond that (an answer, a close) is its own doing: a divergence
 * after it is inconclusive, never a failure of the stack.
 */
#include "run/steps.h"
#include "case/build.h"

#include <stdio.h>
#include <string.h>

/* The longest a banner may take to come, from the moment the connection is established. */
#define BANNER_US 3000000

/* service_send - a segment of the tester's own, not a step's: at the target's RCV.NXT
 * (the highest the tester sent may be out of its window: a case's stray SYN), acknowledging
 * @ack, with the window and TSval of the tester's last segment (a TSval of its own could
 * be older than the case's next: PAWS) and TSecr the target's last. The model's last
 * outcomes stay the case's. 0, or -1 having ended the case as an error. */
static int service_send(struct tc_conn *k, uint16_t flags, const char *data, const char *note, uint32_t ack)
{
	const struct tc_seg *last = NULL;
	const struct tc_opt *ts;
	struct tc_outcome keep[TC_MODEL_MAX_OUTCOMES];
	struct tc_seg a;
	char err[TC_ERRLEN];
	int i, nkeep = k->rep.nlast;
	uint64_t t = 0;

	for (i = k->r->ntrace - 1; i >= 0 && !last; i--)
		if (k->r->trace[i].seg.dir == TC_DIR_OUT && k->r->trace[i].seg.ip_proto == 6)
			last = &k->r->trace[i].seg;
	tc_target_seg(k->env->tg, &a);
	a.sport = k->tport;
	a.dport = k->rport;
	a.ip_id = k->env->next_ip_id++;
	a.seq = k->trk.t.have_irs ? k->trk.t.rcv_nxt : k->snd_nxt_t;
	a.ack = ack;
	a.flags = flags;
	a.win = last ? last->win : 65535;
	a.payload_len = data ? (uint32_t)strlen(data) : 0;
	ts = last ? tc_opt_find(last, TC_OPT_TS) : NULL;
	if (ts && !ts->bad) {
		tc_opt_simple(&a.opts[a.nopts++], TC_OPT_NOP);
		tc_opt_simple(&a.opts[a.nopts++], TC_OPT_NOP);
		tc_opt_ts(&a.opts[a.nopts++], ts->v.ts.val, k->ts_recent);
	}
	if (tc_seg_encode(&a, (const uint8_t *)data, NULL, err, sizeof(err)) < 0 ||
	    ((t = rn_now(k)), k->env->io->ops->send(k->env->io->ctx, &a, err, sizeof(err)) < 0)) {
		tc_seg_free(&a);
		rn_error(k, "cannot send the %s: %s", note, err);
		return -1;
	}
	a.dir = TC_DIR_OUT;
	a.t_us = t;                     /* taken before the write: the answer may be captured before it returns */
	if (tc_seq_gt(a.seq + tc_seg_len(&a), k->snd_nxt_t))
		k->snd_nxt_t = a.seq + tc_seg_len(&a);
	memcpy(keep, k->rep.last, sizeof(keep));
	tc_track_out(&k->trk, &a);
	memcpy(k->rep.last, keep, sizeof(keep));
	k->rep.nlast = nkeep;
	tc_result_trace_add(k->r, &a, 0, note);
	tc_seg_free(&a);
	return 0;
}

/* request - send @req, a request to the web server (@note names it in the trace), at
 * the target's RCV.NXT; the tester's numbers in the case count from after it, and its
 * acknowledgment is the tester's to take, up to the answer's first byte (see
 * rn_service_take). Its length, or 0 having ended the case as an error. */
static uint32_t request(struct tc_conn *k, const char *req, const char *note)
{
	uint32_t n = (uint32_t)strlen(req);
	uint32_t at = k->trk.t.have_irs ? k->trk.t.rcv_nxt : k->snd_nxt_t;

	if (service_send(k, TC_ACK | TC_PSH, req, note, k->rcv_nxt_t) < 0)
		return 0;
	k->svc.req = TC_REQ_SENT;
	k->svc.req_seq = k->trk.t.snd_nxt;
	k->svc.req_answered = 0;
	k->svc.req_end = at + n;
	k->isn_t += n;
	k->r->tester_isn = k->isn_t;
	return n;
}

/* send_request - the send port over a web server: its request, once the connection is
 * up; the tester's numbers in the case count from after it. */
static int send_request(struct tc_conn *k)
{
	uint32_t n = request(k, k->env->tg->request, "request");

	if (!n)
		return -1;
	k->svc.asked += TC_SEND_PORT_BYTES;
	tc_result_add_note(k->r, "the send port is the http service's: its request (%u bytes, a range of its page "
			   "whose whole answer is %u bytes) went out once the connection was up; the tester's "
			   "sequence numbers are counted from after it", n, TC_SEND_PORT_BYTES);
	return 0;
}

/* service_kind - the service in the agent's place, for messages */
static const char *service_kind(const struct tc_target *tg)
{
	return tg->banner ? "banner" : "http";
}

/* close_line - what ends a banner service's line, @off bytes of it sent, and asks the
 * server to close: SSH closes on a line that is not its identification (saying
 * "Invalid SSH identification string"), SMTP and FTP on QUIT (221). Whatever they
 * read after their close would draw a reset, so nothing more follows. */
static const char *close_line(const struct tc_conn *k, uint32_t off)
{
	if (k->svc.banner_ssh)
		return off ? "\r\n" : "tcpconform\r\n";
	return off ? "\r\nQUIT\r\n" : "QUIT\r\n";
}

void rn_service_close(struct tc_conn *k, const struct tc_step *st)
{
	const struct tc_tcb *t = &k->trk.t;
	const char *kind = service_kind(k->env->tg);
	char req[160];
	uint32_t n, at = t->rcv_nxt;
	int i;

	tc_track_rd_closed(&k->trk);         /* a server closes: it reads no more */
	if (t->st == TC_ST_CLOSE_WAIT || t->st == TC_ST_LAST_ACK) {
		/* it has read the tester's FIN: it closes of its own accord (when did it) */
		for (i = k->r->ntrace - 1; i >= 0 && !k->svc.close_us; i--)
			if (k->r->trace[i].seg.dir == TC_DIR_OUT && (k->r->trace[i].seg.flags & TC_FIN))
				k->svc.close_us = k->r->trace[i].seg.t_us;
		tc_result_add_note(k->r, "line %d: '%s' is the %s service's: it closes on the tester's FIN",
				   st->line, st->text, kind);
		rn_next_step(k);
		return;
	}
	if (t->st != TC_ST_ESTABLISHED || t->nholes || !t->have_irs || at != k->snd_nxt_t) {
		tc_result_set_reason(k->r, "%s:%d: the %s service can be made to close ('%s') only in ESTABLISHED "
				     "with all the tester's data taken in order (the model's state: %s%s)", k->c->file,
				     st->line, kind, st->text, tc_state_name(t->st),
				     t->nholes ? ", data held above a hole" : "");
		rn_finish(k, TC_V_SKIP);
		return;
	}
	if (k->env->tg->banner)
		snprintf(req, sizeof(req), "%s", close_line(k, at - (k->isn_t + 1)));
	else
		tc_fill_close(at - (k->isn_t + 1), req, sizeof(req));
	/* before the send: the answer may be captured before the send returns */
	k->svc.close_us = rn_now(k);
	if (!(n = request(k, req, "request for a close")))
		return;
	k->svc.answer = TC_ANSWER_DUE;
	tc_result_add_note(k->r, "line %d: '%s' is the %s service's: the tester ended its %s (%u bytes) "
			   "asking it to close after its answer; the answer is acknowledged as it comes, and both "
			   "sides' sequence numbers count from after them", st->line, st->text, kind,
			   k->env->tg->banner ? "line" : "request", n);
	rn_next_step(k);
}

int rn_service_fin_acks(struct tc_conn *k, const struct tc_step *st, int idx)
{
	const struct tc_frame *f = rn_cur(k);
	const struct tc_step *cl = f->pc + 2 < f->n ? &f->steps[f->pc + 1] : NULL, *fin = cl ? cl + 1 : NULL;
	const struct tc_seg *s = &k->r->trace[idx].seg;
	struct tc_seg v;
	char why[160];
	int n = k->trk.npath;

	if ((k->env->tg->fill != TC_FILL_HTTP && !k->env->tg->banner) || k->env->tg->have_agent || k->ex.alt || !cl ||
	    !tc_step_closes(cl) ||
	    fin->kind != TC_STEP_EXPECT || !(fin->seg.flags & TC_FIN) || (st->seg.flags & TC_FIN) ||
	    (s->flags & (TC_FIN | TC_SYN | TC_RST)) != TC_FIN || s->payload_len || k->trk.t.st != TC_ST_LAST_ACK ||
	    n < 2 || k->trk.path[n - 2] != TC_ST_CLOSE_WAIT)
		return 0;
	v = *s;
	v.flags &= (uint16_t)~TC_FIN;
	if (!rn_try_match(k, &st->seg, &v, why, sizeof(why)) || rn_too_early(k, &st->seg, &v, why, sizeof(why)))
		return 0;
	/* the state the step names is the one the ACK left it in, before the FIN */
	if (st->state[0] && strcmp(st->state, tc_state_name(TC_ST_CLOSE_WAIT)))
		return 0;
	rn_met(k, st->line);
	k->r->trace[idx].line = st->line;
	k->r->trace[idx].note = "ACK on the service's FIN";
	k->svc.fin_acked = 1;
	k->svc.fin_seq = s->seq;
	k->svc.fin_ack = s->ack;
	tc_result_add_note(k->r, "line %d: the ACK of the tester's FIN came on the %s service's FIN (it closed at "
			   "once): the segment is taken for line %d, then for line %d", st->line,
			   service_kind(k->env->tg), st->line, fin->line);
	k->ex.qh--;                        /* the same segment, for the FIN's step */
	rn_next_step(k);
	return 1;
}

void rn_service_send(struct tc_conn *k, const struct tc_step *st)
{
	const struct tc_target *tg = k->env->tg;
	const struct tc_tcb *t = &k->trk.t;
	const char *req = NULL;
	uint32_t n, at = t->rcv_nxt;
	int i;

	for (i = 0; i < tg->nsized; i++)
		if (tg->sized[i].bytes == st->arg)
			req = tg->sized[i].req;
	if (!req || t->st != TC_ST_ESTABLISHED || t->nholes || !t->have_irs || at != k->snd_nxt_t ||
	    at != k->isn_t + 1) {
		tc_result_set_reason(k->r, "%s:%d: the http service can be made to send ('%s') only in ESTABLISHED, "
				     "with a request of that size, before any data of the tester's own (the model's "
				     "state: %s)", k->c->file, st->line, st->text, tc_state_name(t->st));
		rn_finish(k, TC_V_SKIP);
		return;
	}
	if (!(n = request(k, req, "request for the application's bytes")))
		return;
	k->svc.asked += st->arg;
	tc_result_add_note(k->r, "line %d: '%s' is the http service's: the tester sent a request (%u bytes, a range "
			   "of its page) whose whole answer is %u bytes, and counts its numbers from after it",
			   st->line, st->text, n, st->arg);
	rn_next_step(k);
}

/* answer_take - the answer of a web server drawn to close: taken and acknowledged, not
 * the steps'; its FIN is theirs. 1 if @s was the answer's. */
static int answer_take(struct tc_conn *k, const struct tc_seg *s, int idx)
{
	if (k->svc.answer != TC_ANSWER_DUE || s->sport != k->rport || (s->flags & (TC_SYN | TC_RST)))
		return 0;
	if (!s->payload_len) {
		if (s->flags & TC_FIN)
			k->svc.answer = TC_ANSWER_TAKEN;
		return 0;
	}
	k->r->trace[idx].note = "answer";
	k->svc.answer_len += s->payload_len;
	k->isn_r += s->payload_len;
	if (s->flags & TC_FIN) {
		/* its last bytes and its FIN in one segment: the bytes are acknowledged, not the
		 * FIN, and the steps see the FIN alone */
		k->r->trace[idx].note = "answer, then the FIN";
		k->r->trace[idx].lead = s->payload_len;
		k->svc.answer = TC_ANSWER_TAKEN;
		service_send(k, TC_ACK, NULL, "answer acknowledged", s->seq + s->payload_len);
		return 0;
	}
	return service_send(k, TC_ACK, NULL, "answer acknowledged", k->rcv_nxt_t) < 0 || 1;
}

/* win_grows - does @s (trace entry @idx) offer a larger window than the target's segment
 * before it, with the same acknowledgment? */
static int win_grows(const struct tc_conn *k, const struct tc_seg *s, int idx)
{
	for (int i = idx - 1; i >= 0; i--) {
		const struct tc_seg *p = &k->r->trace[i].seg;

		if (p->dir == TC_DIR_IN && p->sport == k->rport)
			return (p->flags & TC_ACK) && p->ack == s->ack && p->win < s->win;
	}
	return 0;
}

int rn_service_take(struct tc_conn *k, const struct tc_seg *s, int idx)
{
	const uint8_t *b;

	/* the request's own acknowledgments (a stack in quick-ACK mode sends one at once,
	 * and a window update may follow when the application reads it): the tester's
	 * doing, not a step's to judge. Numbered before the answer's first byte, and read
	 * before it; or after an answer drawn to close, which the case does not count */
	if (k->svc.req && s->sport == k->rport && s->flags == TC_ACK && !s->payload_len && s->ack == k->svc.req_end &&
	    s->seq == k->svc.req_seq && (!k->svc.req_answered || k->svc.answer_len)) {
		k->svc.req = TC_REQ_ACKED;
		k->r->trace[idx].note = "request acknowledged";
		return 1;
	}
	/* the ACK of the tester's FIN, numbered before the service's FIN but captured after
	 * it (the two left the target at once, from two CPUs): the FIN+ACK already served its
	 * step, this copy is no step's */
	if (k->svc.fin_acked && s->sport == k->rport && s->flags == TC_ACK && !s->payload_len &&
	    s->seq == k->svc.fin_seq && s->ack == k->svc.fin_ack) {
		k->svc.fin_acked = 0;
		k->r->trace[idx].note = "the ACK of the tester's FIN, overtaken by the service's FIN";
		return 1;
	}
	/* a window update after the answer: the server read the request only then (its
	 * window grows back), which is the tester's doing too; the case's own data would
	 * have moved the acknowledgment past the request */
	if (k->svc.req && s->sport == k->rport && s->flags == TC_ACK && !s->payload_len && s->ack == k->svc.req_end &&
	    s->seq == k->trk.t.snd_nxt && k->svc.req_answered && win_grows(k, s, idx)) {
		k->r->trace[idx].note = "window update: the request read";
		return 1;
	}
	if (k->svc.req && s->sport == k->rport) {
		k->svc.req = TC_REQ_ACKED;
		k->svc.req_answered |= s->payload_len > 0;
	}

	/* the service's bytes again (its greeting or answer, sent before what the case
	 * counts from): not the steps'; with its FIN, they see the FIN alone */
	if ((k->svc.answer_len || k->svc.banner_len) && s->sport == k->rport && s->payload_len &&
	    !(s->flags & (TC_SYN | TC_RST)) && tc_seq_le(s->seq + s->payload_len, k->isn_r + 1)) {
		k->r->trace[idx].note = s->flags & TC_FIN ? "the service's bytes again, then the FIN" :
			"the service's bytes again";
		k->r->trace[idx].lead = s->payload_len;
		return !(s->flags & TC_FIN);
	}
	if (answer_take(k, s, idx))
		return 1;
	if (!k->env->tg->banner || k->svc.banner == TC_BANNER_TAKEN || !s->payload_len || s->sport != k->rport ||
	    (s->flags & (TC_SYN | TC_RST)))
		return 0;
	k->r->trace[idx].note = "banner";
	b = tc_seg_payload(s);
	if (!k->svc.banner_len)
		k->svc.banner_ssh = b && s->payload_len >= 4 && !memcmp(b, "SSH-", 4);
	k->svc.banner_len += s->payload_len;
	/* the numbers of the case start after it: its first octet after the greeting is 1 */
	k->isn_r += s->payload_len;
	if (s->flags & TC_FIN)
		return 0;               /* a greeting and a close: the FIN is the steps' to judge */
	if (!b || b[s->payload_len - 1] != '\n')
		return 1;               /* more of it to come */
	k->svc.banner = TC_BANNER_TAKEN;
	tc_result_add_note(k->r, "the banner service's greeting (%u bytes) was acknowledged before the case went "
			   "on; the target's sequence numbers are counted from after it", k->svc.banner_len);
	if (service_send(k, TC_ACK, NULL, "banner acknowledged", k->rcv_nxt_t) < 0)
		return 1;
	if (k->svc.banner_armed) {
		k->ex.armed = 0;
		k->svc.banner_armed = 0;
	}
	k->ex.step_t0 = rn_now(k);         /* the next step begins now, over the TCB as it is */
	k->ex.step_tcb = k->trk.t;
	rn_advance(k);
	return 1;
}

int rn_service_wait(struct tc_conn *k, int *wait)
{
	if (k->env->tg->request && k->c->port == TC_PORT_SEND && k->svc.req == TC_REQ_NONE && !k->ex.alt &&
	    tc_track_state(&k->trk) == TC_ST_ESTABLISHED && send_request(k) < 0)
		return 1;
	if (!k->env->tg->banner || k->ex.alt || k->svc.banner == TC_BANNER_TAKEN)
		return 0;
	if (k->svc.banner == TC_BANNER_NONE) {
		if (tc_track_state(&k->trk) != TC_ST_ESTABLISHED)
			return 0;
		k->svc.banner = TC_BANNER_DUE;      /* the application has the connection: it speaks */
	}
	if (!k->svc.banner_armed) {
		k->ex.armed = 0;           /* the deadline is the greeting's now */
		rn_arm(k, BANNER_US);
		k->svc.banner_armed = 1;
	}
	*wait = 1;
	return 1;
}

int rn_service_late(struct tc_conn *k)
{
	if (!k->svc.banner_armed || k->svc.banner != TC_BANNER_DUE)
		return 0;
	tc_result_set_reason(k->r, "%s: the banner service sent no greeting within %d s of the connection's "
			     "establishment: the service, not the stack, may be the cause", k->c->file, BANNER_US / 1000000);
	rn_finish(k, TC_V_INCONCLUSIVE);
	return 1;
}

int rn_service_spoke(const struct tc_conn *k, char *why, size_t wl)
{
	const struct tc_target *tg = k->env->tg;
	const char *kind = service_kind(tg);
	const struct tc_seg *s;
	const uint8_t *b;
	size_t n;
	int i, fin_out = 0;

	if (tg->fill != TC_FILL_HTTP && !tg->banner)
		return 0;
	for (i = 0; i < k->r->ntrace; i++) {
		int greeting = k->r->trace[i].note && !strcmp(k->r->trace[i].note, "banner");

		s = &k->r->trace[i].seg;
		if (s->dir == TC_DIR_OUT && (s->flags & TC_FIN))
			fin_out = 1;
		if (s->dir != TC_DIR_IN || s->ip_proto != 6 || (k->rport && s->sport != k->rport) ||
		    (!s->payload_len && !(s->flags & TC_FIN)) || (s->flags & (TC_SYN | TC_RST)))
			continue;
		if (greeting && !(s->flags & TC_FIN))
			continue;
		/* a close drawn: its answer and its FIN were asked for (in one segment, the
		 * steps saw the FIN alone) */
		if (k->svc.close_us && s->t_us >= k->svc.close_us && (s->flags & TC_FIN) &&
		    k->r->trace[i].lead == s->payload_len)
			continue;
		if (k->r->trace[i].note && !strcmp(k->r->trace[i].note, "answer"))
			continue;
		/* the service's bytes sent again (all before the case's first octet) */
		if (s->payload_len && k->r->trace[i].lead == s->payload_len && !(s->flags & TC_FIN))
			continue;
		/* the answers to the requests of the send port and of 'agent send', up to
		 * their end: asked for, not spoken */
		if (k->svc.req && s->payload_len && !(s->flags & TC_FIN) &&
		    s->seq - (k->isn_r + 1) + s->payload_len <= k->svc.asked)
			continue;
		b = tc_seg_payload(s);
		for (n = 0; b && n < s->payload_len && n < 60 && b[n] >= 0x20 && b[n] < 0x7f; n++)
			;
		if (s->payload_len && !greeting)
			tc_errf(why, wl, "the %s service answered%s ('%.*s'): the service, not the stack, may be the cause",
				kind, tg->banner ? "" : " the tester's request that never ends", (int)n,
				b ? (const char *)b : "");
		else if (fin_out)
			tc_errf(why, wl, "the %s service closed its side (FIN) on the tester's FIN, sooner than the "
				"case's application would: the service, not the stack, may be the cause", kind);
		else
			tc_errf(why, wl, "the %s service closed its side (FIN)%s: the service, not the stack, may be "
				"the cause", kind, tg->banner ? "" : " while the tester's request was unfinished");
		return 1;
	}
	return 0;
}
