/*
 * run: one case as an event-driven state machine. rn_advance() runs steps until one
 * has to wait (for a segment, for time, for the agent); the events re-enter it.
 */
#include "run/steps.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>

void rn_advance(struct tc_conn *k);


uint64_t rn_now(const struct tc_conn *k)
{
	return tc_now_us(k->env->clock);
}

struct tc_frame *rn_cur(struct tc_conn *k)
{
	return k->ex.in_br ? &k->ex.br : &k->ex.top;
}

/* cur_line - the line of the step the case is at (the first open alternative's). */
static int cur_line(struct tc_conn *k)
{
	struct tc_frame *f = rn_cur(k);
	int i;

	if (k->ex.alt) {
		for (i = 0; i < k->ex.alt->nbr; i++)
			if (k->ex.live & (1u << i))
				return k->ex.alt->br[i].steps[k->ex.bpc[i]].line;
	}
	return f->pc < f->n ? f->steps[f->pc].line : 0;
}

void rn_next_step(struct tc_conn *k)
{
	rn_cur(k)->pc++;
	k->ex.armed = 0;
	k->ex.pieces_got = 0;
	k->ex.step_t0 = rn_now(k);
	k->ex.step_tcb = k->trk.t;
}

/* met - an expectation of line @line was met: the tester's next segment begins a new run. */
void rn_met(struct tc_conn *k, int line)
{
	k->rep.run_open = 0;
	k->rep.met_line = line;
}

/* run_send - the tester sent a segment at @t for the step of @line. */
void rn_run_send(struct tc_conn *k, int line, uint64_t t)
{
	if (k->rep.run_open)
		return;
	k->rep.run_open = 1;
	k->rep.run_us = t;
	k->rep.run_line = line;
}

void rn_arm(struct tc_conn *k, uint64_t dur)
{
	if (k->ex.armed)
		return;
	k->ex.armed = 1;
	k->ex.armed_dur = dur;
	k->ex.deadline = rn_now(k) + dur;
}

/* choose_path - of the case's state paths, the one the trace followed, or else the
 * one it followed longest; it becomes the report's expected path. 1 if followed. */
static int choose_path(struct tc_conn *k)
{
	const struct tc_case *c = k->c;
	int p, i, best = 0, best_len = -1;

	for (p = 0; p < c->npaths; p++) {
		for (i = 0; i < c->npathlen[p] && i < k->trk.npath; i++)
			if (strcmp(c->paths[p][i], tc_state_name(k->trk.path[i])))
				break;
		if (i == c->npathlen[p] && i == k->trk.npath) {
			best = p;
			best_len = INT_MAX;
			break;
		}
		if (i > best_len) {
			best = p;
			best_len = i;
		}
	}
	if (c->npaths) {
		k->r->st_expected = c->paths[best];
		k->r->nst_expected = c->npathlen[best];
	}
	return best_len == INT_MAX;
}

void rn_finish(struct tc_conn *k, enum tc_verdict v)
{
	int i;

	/* A sampled case judges one rule (a clock, unpredictable ISNs) over all its runs. A
	 * later run that departs from its steps, when the first one did not, tells nothing
	 * of that rule: it is made again after a pause; when the retries are spent, the case
	 * is inconclusive, with the run named. */
	if (v == TC_V_FAIL && k->c->samples && k->sample > 0 && k->sample < k->c->samples) {
		char *was;

		if (rn_sample_retry(k))
			return;
		was = tc_xstrdup(k->r->reason ? k->r->reason : "");
		tc_result_set_reason(k->r,
				     "sample %d of %d departed from the case, the %d before did not, "
				     "nor did it when made again %d times: %s; the analysed rule is not judged%s",
				     k->sample + 1, k->c->samples, k->sample, k->retries, was,
				     k->c->same_port ? " (same-port: each run's SYN reuses the 4-tuple "
						       "that the previous run reset just before, which a stack "
						       "may still hold)"
						     : "");
		free(was);
		v = TC_V_INCONCLUSIVE;
	}
	k->done = 1;
	tc_track_settle(&k->trk);
	k->r->verdict = v;
	k->r->end_us = rn_now(k);
	k->r->nst_observed = 0;
	choose_path(k);
	for (i = 0; i < k->trk.npath; i++) {
		k->r->st_observed_line[k->r->nst_observed] = k->trk.path_line[i];
		k->r->st_observed[k->r->nst_observed++] = tc_state_name(k->trk.path[i]);
	}
	/* where the observed path leaves the expected one (or the model's) */
	k->r->parted_line = 0;
	for (i = 0; k->r->nst_expected && i < TC_TRACK_PATH; i++) {
		int in_e = i < k->r->nst_expected, in_o = i < k->trk.npath;

		if (!in_e && !in_o)
			break;
		if (in_e && in_o && !strcmp(k->r->st_expected[i], tc_state_name(k->trk.path[i])))
			continue;
		k->r->parted_line = in_o ? k->trk.path_line[i] : k->trk.line;
		break;
	}
	if (!k->r->nst_expected && k->trk.unexplained_line > 0)
		k->r->parted_line = k->trk.unexplained_line;
	if (k->trk.unexplained_line && !k->r->unexplained)
		k->r->unexplained = tc_xstrdup(k->trk.unexplained);
	if (!k->bound) {
		/* For the report: a SYN from the target that matched nothing still
		 * tells its ISN, so its segments can be shown in relative numbers. */
		for (i = 0; i < k->r->ntrace; i++)
			if (k->r->trace[i].seg.dir == TC_DIR_IN && (k->r->trace[i].seg.flags & TC_SYN)) {
				k->isn_r = k->r->trace[i].seg.seq;
				k->bound = 1;
				break;
			}
	}
	k->r->target_isn = k->isn_r;
	k->r->target_isn_known = k->bound;
	k->r->target_port = k->rport;
}

void rn_error(struct tc_conn *k, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tc_result_set_reason(k->r, "%s", buf);
	rn_finish(k, TC_V_ERROR);
}

/* diverge - the first divergence: fail (or inconclusive) with a compiler-style reason. */
void rn_diverge(struct tc_conn *k, const struct tc_step *st, const char *observed,
		    const char *why, enum tc_verdict v)
{
	struct tc_result *r = k->r;
	char spoke[320];

	/* an echo port played by a service (--service echo): silence where the echo is due
	 * may be the service's (one that does not echo), not the stack's */
	if (v == TC_V_FAIL && !k->env->tg->have_agent && k->c->port == TC_PORT_ECHO && !strncmp(observed, "nothing", 7)) {
		v = TC_V_INCONCLUSIVE;
		why = "the echo service sent nothing: a service that does not echo, not the stack, may be the cause";
	}
	if (v == TC_V_FAIL && k->svc.merged) {
		/* not what went on the wire: a frame no link of this MTU carries */
		snprintf(spoke, sizeof(spoke), "a frame of the target's says %u bytes, more than were captured: "
			 "segments merged on this host (GRO or LRO on the tester's interface, or a peer's "
			 "segmentation offload), not as the target sent them; ethtool -K IF gro off lro off",
			 k->svc.merged);
		v = TC_V_INCONCLUSIVE;
		why = spoke;
	} else if (v == TC_V_FAIL && rn_service_spoke(k, spoke, sizeof(spoke))) {
		v = TC_V_INCONCLUSIVE;
		why = spoke;
	}
	r->div_line = st->line;
	free(r->div_expected);
	free(r->div_observed);
	r->div_expected = tc_xstrdup(st->text);
	r->div_observed = tc_xstrdup(observed);
	tc_result_set_reason(r, "%s:%d: expected %s, got %s%s%s%s", k->c->file, st->line, st->text,
			     observed, why && *why ? " (" : "", why ? why : "", why && *why ? ")" : "");
	rn_finish(k, v);
}

void rn_add_alt_name(struct tc_conn *k, const char *name)
{
	size_t l = strlen(k->r->alternative);

	snprintf(k->r->alternative + l, sizeof(k->r->alternative) - l, "%s%s", l ? "," : "", name);
}

/* check_state - the "=> STATE" of a step against the tracker. 0 if fine. */
int rn_check_state(struct tc_conn *k, const struct tc_step *st)
{
	char obs[64];

	if (!st->state[0] || !strcmp(st->state, tc_state_name(k->trk.t.st)))
		return 0;
	snprintf(obs, sizeof(obs), "%s", tc_state_name(k->trk.t.st));
	k->r->div_line = st->line;
	tc_result_set_reason(k->r, "%s:%d: expected state %s after this step, the trace shows %s",
			     k->c->file, st->line, st->state, tc_state_name(k->trk.t.st));
	free(k->r->div_expected);
	free(k->r->div_observed);
	k->r->div_expected = tc_xstrdup(st->state);
	k->r->div_observed = tc_xstrdup(obs);
	rn_finish(k, TC_V_FAIL);
	return -1;
}


/* step_once - run the current step; *wait is set when it has to wait for an event. */
static void step_once(struct tc_conn *k, int *wait)
{
	struct tc_frame *f = rn_cur(k);
	const struct tc_step *st;

	if (k->gap_until) {             /* the pause between two samples */
		if (rn_now(k) < k->gap_until) {
			rn_arm(k, k->gap_until - rn_now(k));
			*wait = 1;
			return;
		}
		k->gap_until = 0;
		k->ex.armed = 0;
	}
	if (rn_service_wait(k, wait))
		return;
	if (k->ex.alt) {
		rn_step_alt(k, wait);
		return;
	}
	if (f->pc >= f->n) {
		if (k->ex.in_br) {
			k->ex.in_br = 0;
			k->ex.top.pc++;
			return;
		}
		if (k->c->npaths && k->trk.npath && !choose_path(k)) {
			rn_path_mismatch(k);
			return;
		}
		if (k->c->samples && rn_sample_done(k))
			return;
		rn_finish(k, TC_V_PASS);
		return;
	}
	st = &f->steps[f->pc];
	switch (st->kind) {
	case TC_STEP_SEND:
		if (rn_do_send(k, st) == 0)
			rn_next_step(k);
		break;
	case TC_STEP_EXPECT: rn_step_expect(k, st, wait); break;
	case TC_STEP_NOTHING: rn_step_nothing(k, st, wait); break;
	case TC_STEP_WAIT:
		if (st->ignore) {               /* taken as they come, not judged */
			int idx;

			while (rn_queue_pop(k, &idx)) {
				k->r->trace[idx].line = st->line;
				k->r->trace[idx].note = "ignored";
			}
		}
		rn_arm(k, st->dur_us);
		if (rn_now(k) < k->ex.deadline)
			*wait = 1;
		else if (rn_check_state(k, st) == 0)
			rn_next_step(k);
		break;
	case TC_STEP_AGENT: rn_step_agent(k, st, wait); break;
	case TC_STEP_MODEL: rn_step_model(k, st, wait); break;
	case TC_STEP_ICMP:
		if (rn_do_icmp(k, st) == 0)
			rn_next_step(k);
		break;
	case TC_STEP_ALT:
		k->ex.step_tcb = k->trk.t;
		k->ex.alt = st;
		k->ex.live = (1u << st->nbr) - 1;
		memset(k->ex.bpc, 0, sizeof(k->ex.bpc));
		k->ex.armed = 0;
		break;
	}
}

void rn_advance(struct tc_conn *k)
{
	int wait = 0;

	while (!k->done && !wait)
		step_once(k, &wait);
}

void rn_exec_reset(struct tc_conn *k)
{
	memset(&k->ex, 0, sizeof(k->ex));
	if (k->cap)                     /* a sample's names are its own */
		memset(k->cap, 0, sizeof(*k->cap));
	k->ex.top.steps = k->c->steps;
	k->ex.top.n = k->c->nsteps;
	k->ex.step_t0 = rn_now(k);
	k->ex.step_tcb = k->trk.t;
}

struct tc_conn *tc_conn_new(const struct tc_case *c, struct tc_result *r, struct tc_run_env *env,
			    uint16_t tport, uint32_t isn)
{
	struct tc_conn *k = tc_xcalloc(1, sizeof(*k));

	k->c = c;
	k->r = r;
	k->env = env;
	k->tport = tport;
	k->rport = c->port == TC_PORT_ACTIVE ? 0 : env->tg->ports[c->port];
	if (rn_listen_mode(k))
		k->rport = tport;       /* a listener of the case's own, on its port number */
	k->isn_t = c->isn_set ? c->isn : isn;
	k->snd_nxt_t = k->isn_t;
	k->settle_us = 2000;
	tc_track_init(&k->trk, c->port == TC_PORT_CLOSED || c->port == TC_PORT_ACTIVE ? TC_ST_CLOSED : TC_ST_LISTEN);
	rn_exec_reset(k);
	r->tester_isn = k->isn_t;
	r->tester_port = tport;
	r->target_port = k->rport;
	r->family = env->tg->family;
	return k;
}

void tc_conn_start(struct tc_conn *k)
{
	const char *mode = rn_listen_mode(k);

	k->r->start_us = rn_now(k);
	k->ts_base_us = k->r->start_us;
	k->ex.step_t0 = k->r->start_us;
	k->ex.step_tcb = k->trk.t;
	if (mode) {             /* the case's own listener first (tester/PROTOCOL.md) */
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "listen %u %s", k->tport, mode);
		if (rn_agent_send(k, 0, cmd) < 0)
			return;
		k->listen_wait = 1;
		rn_arm(k, 10000000);
		return;
	}
	rn_advance(k);
}

/* enqueue - trace entry @idx waits for the step that judges it. */
static void enqueue(struct tc_conn *k, int idx)
{
	if (k->ex.qt - k->ex.qh >= TC_QUEUE) {
		tc_conn_abort(k, TC_V_ERROR, "more than 256 unmatched segments from the target");
		return;
	}
	k->ex.queue[k->ex.qt++ % TC_QUEUE] = idx;
	rn_advance(k);
}

/* stale_ack - is @s a bare ACK (no data, SYN, FIN or RST) whose acknowledgment is below
 * one the target already sent on this connection? Such a segment was overtaken on its
 * way (a busy stack's output queue, a network that reorders): it answers nothing now.
 * Notes the highest acknowledgment otherwise. */
static int stale_ack(struct tc_conn *k, const struct tc_seg *s)
{
	if (s->flags & TC_SYN)
		k->rep.have_ack_hi = 0;         /* a new connection: its numbers start again */
	if (!(s->flags & TC_ACK) || tc_seg_unreadable(s))
		return 0;
	if (!tc_seg_len(s) && !(s->flags & TC_RST) && k->rep.have_ack_hi && tc_seq_lt(s->ack, k->rep.ack_hi))
		return 1;
	if (!k->rep.have_ack_hi || tc_seq_gt(s->ack, k->rep.ack_hi))
		k->rep.ack_hi = s->ack;
	k->rep.have_ack_hi = 1;
	return 0;
}

void tc_conn_segment(struct tc_conn *k, const struct tc_seg *s)
{
	int idx;

	if (k->torn_down)
		return;
	if (k->done) {
		/* Kept in the trace, so the pcap shows everything, but not judged. */
		tc_result_trace_add(k->r, s, 0, "after the verdict");
		return;
	}
	idx = tc_result_trace_add(k->r, s, 0, NULL);
	k->r->trace[idx].seg.dir = TC_DIR_IN;
	if (!k->rport)
		k->rport = s->sport;    /* an active open by the target names its port */
	if (s->sport != k->rport) {
		/* another connection's, or a broken stack's: not this connection's (its
		 * numbers, timestamps and model stay as they are); the step that meets it
		 * fails with "source port is ..." */
		enqueue(k, idx);
		return;
	}
	if (s->truncated && s->cut && !k->svc.merged)
		k->svc.merged = s->ip_len + (s->family == 6 ? 40u : 0u);
	if (stale_ack(k, s)) {
		/* RFC 9293 3.10.7.4: "If the ACK is a duplicate (SEG.ACK =< SND.UNA), it can be
		 * ignored": the peer the tester plays ignores it, and no step takes it as an
		 * answer (a fresh one carries the target's RCV.NXT, not less) */
		k->r->trace[idx].note = "an old ACK, below one the target sent before (overtaken on its way): ignored";
		k->rep.stale_idx = idx + 1;
		return;
	}
	if ((s->flags & (TC_SYN | TC_FIN)) || s->payload_len) {
		uint32_t end = s->seq + tc_seg_len(s);

		if (!k->have_rcv || tc_seq_gt(end, k->rcv_nxt_t))
			k->rcv_nxt_t = end;
		k->have_rcv = 1;
	}
	{
		const struct tc_opt *ts = tc_opt_find(s, TC_OPT_TS);

		if (ts && !ts->bad)
			k->ts_recent = ts->v.ts.val;
	}
	k->trk.line = cur_line(k);
	{
		int line, late = k->rep.run_us ? tc_track_late_answer(&k->trk, s, k->rep.run_us, &line) : 0;

		/* an answer to what the tester sent before the run a step waits on, reaching it
		 * late (a busy target): that step does not judge it (rn_step_expect) */
		if (late) {
			k->r->trace[idx].note = "late answer";
			k->r->trace[idx].line = line;
		}
		if (late == 2) {        /* its segment was settled as unanswered: it moves nothing */
			if (!rn_service_take(k, s, idx))
				enqueue(k, idx);
			return;
		}
	}
	/* the target's retransmission timer, while the model's answer is awaited */
	if (rn_cur(k)->pc < rn_cur(k)->n && rn_cur(k)->steps[rn_cur(k)->pc].kind == TC_STEP_MODEL && !k->ex.alt &&
	    tc_track_is_retransmission(&k->trk, s))
		k->r->trace[idx].note = "retransmission";
	tc_track_in(&k->trk, s);
	if (rn_service_take(k, s, idx))
		return;
	enqueue(k, idx);
}

void tc_conn_tick(struct tc_conn *k)
{
	const struct tc_step *st;
	char obs[420], exp[600];
	struct tc_step fake;
	int rl;

	if (k->done || !k->ex.armed || rn_now(k) < k->ex.deadline)
		return;
	if (k->listen_wait) {
		rn_error(k, "the agent did not answer 'listen %u'", k->tport);
		return;
	}
	if (rn_service_late(k))
		return;
	if (k->gap_until) {             /* a pause between runs ended: the next one begins */
		rn_advance(k);
		return;
	}
	if (k->ex.alt) {
		int i, first = -1, all_rl = 1;
		unsigned quiet = 0;

		/* the branches that expected silence got it; the others are over */
		for (i = 0; i < k->ex.alt->nbr; i++)
			if ((k->ex.live & (1u << i)) && k->ex.alt->br[i].steps[k->ex.bpc[i]].kind == TC_STEP_NOTHING)
				quiet |= 1u << i;
		if (quiet) {
			for (i = 0; !(quiet & (1u << i)); i++)
				;
			k->rep.quiet_st = &k->ex.alt->br[i].steps[k->ex.bpc[i]];     /* the first silence met */
			rn_met(k, k->rep.quiet_st->line);
			k->rep.quiet_t0 = k->ex.deadline - k->ex.armed_dur;
			k->rep.quiet_t1 = k->ex.deadline;
			for (i = 0; i < k->ex.alt->nbr; i++)
				if (quiet & (1u << i))
					k->ex.bpc[i]++;
			k->ex.live = quiet;
			k->ex.armed = 0;
			k->ex.step_t0 = rn_now(k);
			tc_track_settle(&k->trk);
			k->ex.step_tcb = k->trk.t;
			rn_advance(k);
			return;
		}
		for (i = 0; i < k->ex.alt->nbr; i++) {
			if (!(k->ex.live & (1u << i)))
				continue;
			if (first < 0)
				first = i;
			all_rl &= k->ex.alt->br[i].steps[k->ex.bpc[i]].ratelimited;
		}
		all_rl &= rn_rate_limit_may_explain(k);
		fake = *k->ex.alt;
		rn_alt_expects(k, exp, sizeof(exp));
		fake.text = exp;
		fake.line = k->ex.alt->br[first].steps[k->ex.bpc[first]].line;
		snprintf(obs, sizeof(obs), "nothing within %llu ms", (unsigned long long)k->ex.armed_dur / 1000);
		rn_diverge(k, &fake, obs, all_rl ? "a rate limit may have suppressed the reply" : NULL,
			all_rl ? TC_V_INCONCLUSIVE : TC_V_FAIL);
		return;
	}
	st = &rn_cur(k)->steps[rn_cur(k)->pc];
	if (st->kind == TC_STEP_EXPECT) {
		int part = st->seg.pieces && k->ex.pieces_got;
		int n = snprintf(obs, sizeof(obs), "nothing %swithin %llu ms", part ? "more " : "",
				 (unsigned long long)(st->dur_us ? st->dur_us : k->c->timeout_us) / 1000);

		if (part)
			n += snprintf(obs + n, sizeof(obs) - (size_t)n, " (in pieces: %u of the range's %u bytes had come)",
				      k->ex.pieces_got, k->ex.pieces_len);
		if (k->rep.stale_idx && k->r->trace[k->rep.stale_idx - 1].seg.t_us >= k->ex.step_t0) {
			char seg[300];      /* what it ignored may be the target's only answer */

			rn_rel_text(k, &k->r->trace[k->rep.stale_idx - 1].seg, seg, sizeof(seg));
			n += snprintf(obs + n, sizeof(obs) - (size_t)n, " (%s came, ignored: its ack is below one the "
				      "target sent before)", seg);
		}
		if (k->rep.late_idx && k->r->trace[k->rep.late_idx - 1].seg.t_us >= k->ex.step_t0) {
			char seg[300];      /* what it passed over says what the target did */

			rn_rel_text(k, &k->r->trace[k->rep.late_idx - 1].seg, seg, sizeof(seg));
			snprintf(obs + n, sizeof(obs) - (size_t)n, " (%s came, taken as the late answer to line %d)",
				 seg, k->r->trace[k->rep.late_idx - 1].line);
		}
		rl = st->ratelimited && rn_rate_limit_may_explain(k);
		rn_diverge(k, st, obs, rl ? "a rate limit may have suppressed the reply" : NULL,
			rl ? TC_V_INCONCLUSIVE : TC_V_FAIL);
		return;
	}
	if (st->kind == TC_STEP_AGENT) {
		rn_error(k, "%s:%d: the agent did not answer", k->c->file, st->line);
		return;
	}
	rn_advance(k);             /* waits and "< nothing" and "< model" end on their own */
}

uint64_t tc_conn_deadline(const struct tc_conn *k)
{
	return !k->done && k->ex.armed ? k->ex.deadline : 0;
}

uint64_t tc_conn_quiet_until(const struct tc_conn *k)
{
	const struct tc_frame *f = k->ex.in_br ? &k->ex.br : &k->ex.top;

	if (k->done || !k->ex.armed || k->ex.alt || k->gap_until || f->pc >= f->n ||
	    f->steps[f->pc].kind != TC_STEP_WAIT || k->env->tg->request || k->env->tg->banner)
		return 0;       /* (a real service's data is answered in any step) */
	return k->ex.deadline;
}

int tc_conn_done(const struct tc_conn *k)
{
	return k->done;
}

void tc_conn_abort(struct tc_conn *k, enum tc_verdict v, const char *reason)
{
	if (k->done)
		return;
	tc_result_set_reason(k->r, "%s", reason);
	rn_finish(k, v);
}

/* trace_in_time_order - the trace in the order of its timestamps (a stable sort): a
 * segment captured before a send that the tester made before it handled that segment
 * moves before the send, so the trace and the pcap never run backwards. */
static void trace_in_time_order(struct tc_result *r)
{
	int i, j;

	for (i = 1; i < r->ntrace; i++) {
		struct tc_trace_ent e = r->trace[i];

		for (j = i; j > 0 && r->trace[j - 1].seg.t_us > e.seg.t_us; j--)
			r->trace[j] = r->trace[j - 1];
		r->trace[j] = e;
	}
}

void tc_conn_teardown(struct tc_conn *k)
{
	struct tc_seg s;
	char err[TC_ERRLEN];
	enum tc_state st = k->trk.t.st;
	uint64_t t = 0;

	if (rn_listen_mode(k) && k->done && !k->unlistened) {     /* the listener goes, after the last sample */
		char cmd[32], aerr[TC_ERRLEN];

		k->unlistened = 1;
		snprintf(cmd, sizeof(cmd), "unlisten %u", k->tport);
		k->env->agent->ops->request(k->env->agent->ctx, rn_next_request(k->env), cmd, aerr, sizeof(aerr));
	}
	if (k->torn_down)
		return;
	k->torn_down = 1;
	if (k->done && k->c->samples) {
		trace_in_time_order(k->r);
		return;         /* each run was torn down as it ended */
	}
	if (st == TC_ST_CLOSED || st == TC_ST_LISTEN || st == TC_ST_TIME_WAIT || !k->trk.t.have_irs || !k->rport) {
		if (k->done)
			trace_in_time_order(k->r);
		return;
	}
	if (tc_build_rst(k, k->trk.t.rcv_nxt, &s, err, sizeof(err)) == 0 && ((t = rn_now(k)), 1) &&
	    k->env->io->ops->send(k->env->io->ctx, &s, err, sizeof(err)) == 0) {
		s.dir = TC_DIR_OUT;
		s.t_us = t;             /* before the write, as every send's */
		tc_result_trace_add(k->r, &s, 0, "teardown");
	}
	tc_seg_free(&s);
	if (k->done)
		trace_in_time_order(k->r);
}

uint16_t tc_conn_port(const struct tc_conn *k)
{
	return k->tport;
}

void tc_conn_free(struct tc_conn *k)
{
	if (!k)
		return;
	free(k->isns);
	tc_track_free(&k->trk);
	free(k->cap);
	free(k->optbuf);
	free(k);
}
