/*
 * run: one case as an event-driven state machine. advance() runs steps until one
 * has to wait (for a segment, for time, for the agent); the events re-enter it.
 */
#include "case/match.h"
#include "packet/format.h"
#include "run/conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>

static void advance(struct tc_conn *k);

/* The longest rate limit the model allows for: Linux's tcp_invalid_ratelimit (500 ms)
 * and a margin. */
#define TC_RATELIMIT_US 1000000

static uint64_t now(const struct tc_conn *k)
{
	return tc_now_us(k->env->clock);
}

static struct tc_frame *cur(struct tc_conn *k)
{
	return k->in_br ? &k->br : &k->top;
}

/* cur_line - the line of the step the case is at (the first open alternative's). */
static int cur_line(struct tc_conn *k)
{
	struct tc_frame *f = cur(k);
	int i;

	if (k->alt) {
		for (i = 0; i < k->alt->nbr; i++)
			if (k->live & (1u << i))
				return k->alt->br[i].steps[k->bpc[i]].line;
	}
	return f->pc < f->n ? f->steps[f->pc].line : 0;
}

static void next_step(struct tc_conn *k)
{
	cur(k)->pc++;
	k->armed = 0;
	k->step_t0 = now(k);
	k->step_tcb = k->trk.t;
}

/* met - an expectation of line @line was met: the tester's next segment begins a new run. */
static void met(struct tc_conn *k, int line)
{
	k->run_open = 0;
	k->met_line = line;
}

/* run_send - the tester sent a segment at @t for the step of @line. */
static void run_send(struct tc_conn *k, int line, uint64_t t)
{
	if (k->run_open)
		return;
	k->run_open = 1;
	k->run_us = t;
	k->run_line = line;
}

/* sym_value - the value of a TCB name when the step began (absolute for sequence
 * numbers); -1 if the trace has not shown it yet. */
static int sym_value(const struct tc_conn *k, enum tc_sym s, uint32_t *v)
{
	const struct tc_tcb *t = &k->step_tcb;

	switch (s) {
	case TC_SYM_RCV_NXT: *v = t->rcv_nxt; return t->have_irs ? 0 : -1;
	case TC_SYM_IRS: *v = t->irs; return t->have_irs ? 0 : -1;
	case TC_SYM_RCV_WND: *v = t->rcv_wnd; return t->have_iss ? 0 : -1;
	case TC_SYM_SND_NXT: *v = t->snd_nxt; return t->have_iss ? 0 : -1;
	case TC_SYM_SND_UNA: *v = t->snd_una; return t->have_iss ? 0 : -1;
	case TC_SYM_ISS: *v = t->iss; return t->have_iss ? 0 : -1;
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
static int resolve(const struct tc_conn *k, const struct tc_segpat *in, struct tc_segpat *out, int send,
		   char *err, size_t el)
{
	uint32_t tester = k->isn_t, target = k->bound ? k->isn_r : 0;

	*out = *in;
	if (!in->seq.nsym && !in->end.nsym && !in->ack.nsym && !in->win.nsym)
		return 0;
	if (resolve_val(k, &out->seq, send ? tester : target, err, el) < 0 ||
	    resolve_val(k, &out->end, send ? tester : target, err, el) < 0 ||
	    resolve_val(k, &out->ack, send ? target : tester, err, el) < 0 ||
	    resolve_val(k, &out->win, 0, err, el) < 0)
		return -1;
	if (send && out->win.v > 65535)
		return tc_errf(err, el, "win %u does not fit in 16 bits", out->win.v);
	if (send && out->end.v - out->seq.v != out->len.v)
		return tc_errf(err, el, "%u:%u is %u bytes, not (%u)", out->seq.v, out->end.v,
			       out->end.v - out->seq.v, out->len.v);
	return 0;
}

static void arm(struct tc_conn *k, uint64_t dur)
{
	if (k->armed)
		return;
	k->armed = 1;
	k->armed_dur = dur;
	k->deadline = now(k) + dur;
}

/* rel_text - @s in case notation relative to the bases of the direction it went. */
static void rel_text(const struct tc_conn *k, const struct tc_seg *s, char *buf, size_t len)
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

static void finish(struct tc_conn *k, enum tc_verdict v)
{
	int i;

	k->done = 1;
	tc_track_settle(&k->trk);
	k->r->verdict = v;
	k->r->end_us = now(k);
	k->r->nst_observed = 0;
	choose_path(k);
	for (i = 0; i < k->trk.npath; i++)
		k->r->st_observed[k->r->nst_observed++] = tc_state_name(k->trk.path[i]);
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

/* diverge - the first divergence: fail (or inconclusive) with a compiler-style reason. */
static void diverge(struct tc_conn *k, const struct tc_step *st, const char *observed,
		    const char *why, enum tc_verdict v)
{
	struct tc_result *r = k->r;

	r->div_line = st->line;
	free(r->div_expected);
	free(r->div_observed);
	r->div_expected = tc_xstrdup(st->text);
	r->div_observed = tc_xstrdup(observed);
	tc_result_set_reason(r, "%s:%d: expected %s, got %s%s%s%s", k->c->file, st->line, st->text,
			     observed, why && *why ? " (" : "", why ? why : "", why && *why ? ")" : "");
	finish(k, v);
}

static void add_alt_name(struct tc_conn *k, const char *name)
{
	size_t l = strlen(k->r->alternative);

	snprintf(k->r->alternative + l, sizeof(k->r->alternative) - l, "%s%s", l ? "," : "", name);
}

/* inject - send @s, built with result @rc (its error in @err, TC_ERRLEN long), and
 * note in *@t the moment of injection, taken before the write. A failure ends the
 * case as an error, and frees @s. */
static int inject(struct tc_conn *k, const struct tc_step *st, struct tc_seg *s, int rc, char *err, uint64_t *t)
{
	*t = now(k);
	if (rc == 0)
		rc = k->env->io->ops->send(k->env->io->ctx, s, err, TC_ERRLEN);
	if (rc < 0) {
		tc_result_set_reason(k->r, "%s:%d: cannot send: %s", k->c->file, st->line, err);
		tc_seg_free(s);
		finish(k, TC_V_ERROR);
		return -1;
	}
	return 0;
}

/* check_state - the "=> STATE" of a step against the tracker. 0 if fine. */
static int check_state(struct tc_conn *k, const struct tc_step *st)
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
	finish(k, TC_V_FAIL);
	return -1;
}

static int do_send(struct tc_conn *k, const struct tc_step *st)
{
	struct tc_seg s;
	char err[TC_ERRLEN];
	uint64_t t;
	int rc;

	struct tc_segpat p;

	rc = resolve(k, &st->seg, &p, 1, err, sizeof(err));
	if (rc == 0)
		rc = tc_build_send(k, &p, &s, err, sizeof(err));
	else
		tc_seg_init(&s);
	if (inject(k, st, &s, rc, err, &t) < 0)
		return -1;
	/* What went on the wire, read back as the target reads it: a damaged data
	 * offset or length, a bad checksum show in the trace and in the model. */
	{
		struct tc_seg d;

		tc_seg_init(&d);
		if (s.raw && tc_seg_decode(&d, s.raw, s.raw_len, s.link) == 0) {
			tc_seg_free(&s);
			s = d;
		} else {
			tc_seg_free(&d);
		}
	}
	s.dir = TC_DIR_OUT;
	s.t_us = t;
	if (tc_seq_gt(s.seq + tc_seg_len(&s), k->snd_nxt_t))
		k->snd_nxt_t = s.seq + tc_seg_len(&s);
	k->trk.line = st->line;
	tc_track_out(&k->trk, &s);
	{
		const struct tc_outcome *o = tc_track_last(&k->trk, &k->nlast);

		if (k->nlast)
			memcpy(k->last, o, (size_t)k->nlast * sizeof(*o));
	}
	k->out_us = t;
	run_send(k, st->line, t);
	k->out_invalid = k->nlast && k->last[0].nreply && k->last[0].reply.ratelimited;
	if (k->out_invalid) {
		k->invalid_us[1] = k->invalid_us[0];
		k->invalid_us[0] = t;
	}
	tc_result_trace_add(k->r, &s, st->line, NULL);
	tc_seg_free(&s);
	return check_state(k, st);
}

/* do_icmp - send an ICMP error quoting the target's last segment that carried
 * sequence space (data, SYN or FIN: one in flight), or its last segment at all. */
static int do_icmp(struct tc_conn *k, const struct tc_step *st)
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
		tc_result_set_reason(k->r, "%s:%d: no segment from the target to quote", k->c->file, st->line);
		finish(k, TC_V_ERROR);
		return -1;
	}
	rc = tc_build_icmp(k, st, q, &s, err, sizeof(err));
	if (inject(k, st, &s, rc, err, &t) < 0)
		return -1;
	run_send(k, st->line, t);
	s.dir = TC_DIR_OUT;
	s.t_us = t;
	tc_result_trace_add(k->r, &s, st->line, NULL);
	tc_seg_free(&s);
	return check_state(k, st);
}

/* port_ok - the segment comes from the case's port on the target (the capture hands
 * a case what reaches its tester port, from whichever port of the target). */
static int port_ok(const struct tc_conn *k, const struct tc_seg *s, char *why, size_t wl)
{
	if (!k->rport || s->sport == k->rport)
		return 1;
	snprintf(why, wl, "source port is %u, expected %u", s->sport, k->rport);
	return 0;
}

/* try_match - match the target's segment @s against @p, binding the target's ISN on
 * its SYN; @why gets the mismatch. */
static int try_match(struct tc_conn *k, const struct tc_segpat *pat, const struct tc_seg *s,
		     char *why, size_t wl)
{
	uint32_t base = k->bound ? k->isn_r : 0;
	int bind = !k->bound && (pat->flags & TC_SYN) && (s->flags & TC_SYN);
	struct tc_segpat rp;
	const struct tc_segpat *p = &rp;

	if (resolve(k, pat, &rp, 0, why, wl) < 0) {
		k->resolve_failed = 1;          /* the case's fault, not the target's */
		return 0;
	}
	if (!port_ok(k, s, why, wl))
		return 0;
	if (bind)
		base = s->seq - (p->seq.any ? 0 : p->seq.v);
	if (!tc_match(p, s, base, k->isn_t, why, wl))
		return 0;
	if (bind) {
		k->bound = 1;
		k->isn_r = base;
	}
	return 1;
}

/* too_early - "after D": the segment came sooner than D after the step began. */
static int too_early(struct tc_conn *k, const struct tc_segpat *p, const struct tc_seg *s,
		     char *why, size_t wl)
{
	uint64_t dt = s->t_us > k->step_t0 ? s->t_us - k->step_t0 : 0;

	if (!p->after_us || dt >= p->after_us)
		return 0;
	tc_errf(why, wl, "it came %llu ms after the step began, expected not before %llu ms",
		(unsigned long long)dt / 1000, (unsigned long long)p->after_us / 1000);
	return 1;
}

static const struct tc_seg *queue_pop(struct tc_conn *k, int *idx)
{
	if (k->qh == k->qt)
		return NULL;
	*idx = k->queue[k->qh++ % TC_QUEUE];
	return &k->r->trace[*idx].seg;
}

/*
 * early - the target's segment @idx is a reply (no sequence space: an ACK, a RST)
 * captured before the tester sent the first segment of the run the current step waits
 * on: it cannot answer that run. It belongs to what came before: a "< nothing" whose
 * window it fell in fails there; otherwise it is an unexpected segment after the last
 * expectation met. 1 if so (the case is over).
 */
static int early(struct tc_conn *k, int idx)
{
	const struct tc_seg *s = &k->r->trace[idx].seg;
	char obs[600], why[200], exp[120];
	struct tc_step fake;
	uint64_t dt;

	if (!k->run_us || s->t_us >= k->run_us || tc_seg_len(s) || (k->rport && s->sport != k->rport))
		return 0;
	dt = k->run_us - s->t_us;
	rel_text(k, s, obs, sizeof(obs));
	k->r->trace[idx].note = "unexpected";
	if (k->quiet_st && s->t_us >= k->quiet_t0 && s->t_us < k->quiet_t1) {
		k->r->trace[idx].line = k->quiet_st->line;
		snprintf(why, sizeof(why), "captured %llu ms after this step began, inside its window; it reached "
			 "the tester after line %d was sent", (unsigned long long)(s->t_us - k->quiet_t0) / 1000,
			 k->run_line);
		diverge(k, k->quiet_st, obs, why, TC_V_FAIL);
		return 1;
	}
	fake = (struct tc_step){ .line = k->met_line ? k->met_line : k->run_line };
	snprintf(exp, sizeof(exp), "nothing more before line %d is sent", k->run_line);
	fake.text = exp;
	snprintf(why, sizeof(why), "captured %llu us before the segment of line %d was sent: it cannot answer "
		 "it, nor any step after it", (unsigned long long)dt, k->run_line);
	k->r->trace[idx].line = fake.line;
	diverge(k, &fake, obs, why, TC_V_FAIL);
	return 1;
}

static void step_expect(struct tc_conn *k, const struct tc_step *st, int *wait)
{
	const struct tc_seg *s;
	char why[160], obs[600];
	int idx;

	s = queue_pop(k, &idx);
	if (!s) {
		arm(k, st->dur_us ? st->dur_us : k->c->timeout_us);
		*wait = 1;
		return;
	}
	if (early(k, idx))
		return;
	k->r->trace[idx].line = st->line;
	k->resolve_failed = 0;
	if (!try_match(k, &st->seg, s, why, sizeof(why)) || too_early(k, &st->seg, s, why, sizeof(why))) {
		if (k->resolve_failed) {
			tc_result_set_reason(k->r, "%s:%d: %s", k->c->file, st->line, why);
			finish(k, TC_V_ERROR);
			return;
		}
		rel_text(k, s, obs, sizeof(obs));
		k->r->trace[idx].note = "unexpected";
		diverge(k, st, obs, why, TC_V_FAIL);
		return;
	}
	met(k, st->line);
	if (check_state(k, st) == 0)
		next_step(k);
}

static void step_nothing(struct tc_conn *k, const struct tc_step *st, int *wait)
{
	char obs[600];
	int idx;
	const struct tc_seg *s = queue_pop(k, &idx);

	if (s && early(k, idx))
		return;
	if (s) {
		k->r->trace[idx].line = st->line;
		k->r->trace[idx].note = "unexpected";
		rel_text(k, s, obs, sizeof(obs));
		diverge(k, st, obs, NULL, TC_V_FAIL);
		return;
	}
	arm(k, st->dur_us);
	if (now(k) < k->deadline) {
		*wait = 1;
		return;
	}
	tc_track_settle(&k->trk);       /* the silence settles what waited for an answer */
	met(k, st->line);
	k->quiet_st = st;
	k->quiet_t0 = k->deadline - st->dur_us;
	k->quiet_t1 = k->deadline;
	if (check_state(k, st) == 0)
		next_step(k);
}

/* listen_mode - behind a proxy, the agent's listener of this case's port kind (NULL:
 * the case needs none: a closed port, an active open, or a target with no proxy). */
static const char *listen_mode(const struct tc_conn *k)
{
	static const char *const modes[TC_PORT__COUNT] = {
		[TC_PORT_LISTEN] = "discard", [TC_PORT_ECHO] = "echo", [TC_PORT_DISCARD] = "discard",
		[TC_PORT_SEND] = "send:2000", [TC_PORT_CLOSE] = "close", [TC_PORT_ABORT] = "abort",
		[TC_PORT_NOREAD] = "noread",
	};

	if (!k->env->tg->listen_per_case || !k->env->agent || k->c->port == TC_PORT_ACTIVE)
		return NULL;
	return modes[k->c->port];
}

/* next_request - a request number no other case of the run has. */
static uint32_t next_request(struct tc_run_env *env)
{
	return env->agent_seq ? ++*env->agent_seq : ++env->next_agent_id;
}

/* agent_send - a request to the agent; 0, or -1 with the case's error set. */
static int agent_send(struct tc_conn *k, int line, const char *cmd)
{
	char err[TC_ERRLEN];
	struct tc_agentc *a = k->env->agent;

	k->agent_id = next_request(k->env);
	if (a->ops->request(a->ctx, k->agent_id, cmd, err, sizeof(err)) < 0) {
		tc_result_set_reason(k->r, "%s:%d: agent: %s", k->c->file, line, err);
		finish(k, TC_V_ERROR);
		return -1;
	}
	return 0;
}

static void agent_cmd(struct tc_conn *k, const struct tc_step *st, char *cmd, size_t len)
{
	char addr[64];

	switch (st->verb) {
	case TC_AG_CLOSE: snprintf(cmd, len, "close %u", k->tport); break;
	case TC_AG_ABORT: snprintf(cmd, len, "abort %u", k->tport); break;
	case TC_AG_FORGET: snprintf(cmd, len, "forget %u", k->tport); break;
	case TC_AG_SHUTDOWN: snprintf(cmd, len, "shutdown %u %s", k->tport, st->sarg); break;
	case TC_AG_SEND: snprintf(cmd, len, "send %u %u", k->tport, st->arg); break;
	case TC_AG_NOREAD: snprintf(cmd, len, "noread %u", k->tport); break;
	case TC_AG_READ: snprintf(cmd, len, "read %u", k->tport); break;
	case TC_AG_TAKE: snprintf(cmd, len, "take %u %u", k->tport, st->arg); break;
	case TC_AG_URGENT: snprintf(cmd, len, "urgent %u", k->tport); break;
	case TC_AG_RECEIVED: snprintf(cmd, len, "received %u %u", k->tport, st->arg); break;
	case TC_AG_EOF: snprintf(cmd, len, "eof %u", k->tport); break;
	case TC_AG_STATE: snprintf(cmd, len, "state %u", k->tport); break;
	case TC_AG_SOCKOPT: snprintf(cmd, len, "sockopt %u %s %u", k->tport, st->sarg, st->arg); break;
	case TC_AG_CONNECT:
		tc_addr_format(&k->env->tg->tester, addr, sizeof(addr));
		snprintf(cmd, len, "connect %s %u", addr, k->tport);
		break;
	}
}

static void step_agent(struct tc_conn *k, const struct tc_step *st, int *wait)
{
	char cmd[128];
	struct tc_agentc *a = k->env->agent;

	if (k->agent_wait) {
		*wait = 1;
		return;
	}
	if (!a) {
		tc_result_set_reason(k->r, "%s:%d: no agent on this target", k->c->file, st->line);
		finish(k, TC_V_ERROR);
		return;
	}
	agent_cmd(k, st, cmd, sizeof(cmd));
	if (agent_send(k, st->line, cmd) < 0)
		return;
	/* forget; or abort where RFC 9293 3.10.5 deletes the TCB without a word */
	if (st->verb == TC_AG_FORGET ||
	    (st->verb == TC_AG_ABORT && (k->trk.t.st == TC_ST_CLOSING || k->trk.t.st == TC_ST_LAST_ACK ||
					k->trk.t.st == TC_ST_TIME_WAIT))) {
		k->trk.line = st->line;
		tc_track_forget(&k->trk);
	}
	k->agent_wait = 1;
	arm(k, 10000000);       /* the agent's own waits are shorter */
	*wait = 1;
}

void tc_conn_agent_reply(struct tc_conn *k, uint32_t id, int ok, const char *text)
{
	const struct tc_step *st;
	char obs[160];

	if (!k->done && k->listen_wait && id == k->agent_id) {
		k->listen_wait = 0;
		k->armed = 0;
		if (!ok) {
			tc_result_set_reason(k->r, "the agent could not listen on port %u for this case: %s", k->tport, text);
			finish(k, TC_V_ERROR);
			return;
		}
		advance(k);
		return;
	}
	if (k->done || !k->agent_wait || id != k->agent_id)
		return;
	k->agent_wait = 0;
	st = &cur(k)->steps[cur(k)->pc];
	if (!ok && !strncmp(text, "unsupported", 11) && (!text[11] || text[11] == ':')) {
		/* the stack offers no such operation (tester/PROTOCOL.md): nothing to judge */
		const char *why = text[11] ? text + 12 : "";

		while (*why == ' ')
			why++;
		tc_result_set_reason(k->r, "%s:%d: the target's agent cannot do '%s'%s%s (the stack under test offers "
				     "no such operation: the case cannot run there)", k->c->file, st->line, st->text,
				     *why ? ": " : "", why);
		finish(k, TC_V_SKIP);
		return;
	}
	if (!ok) {
		snprintf(obs, sizeof(obs), "agent: %s", text);
		diverge(k, st, obs, NULL, TC_V_FAIL);
		return;
	}
	if (st->verb == TC_AG_STATE && strcmp(text, st->sarg)) {
		snprintf(obs, sizeof(obs), "state %s (as the target's kernel reports it)", text);
		diverge(k, st, obs, NULL, TC_V_FAIL);
		return;
	}
	if (check_state(k, st) == 0)
		next_step(k);
	advance(k);
}

/* alt_expects - all open branches' expectations, for a message. */
static void alt_expects(struct tc_conn *k, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < k->alt->nbr && off < len; i++) {
		if (!(k->live & (1u << i)))
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s[%s] %s", off ? " or " : "one of: ",
					k->alt->br[i].name, k->alt->br[i].steps[k->bpc[i]].text);
	}
}

static void alt_commit(struct tc_conn *k, int i)
{
	add_alt_name(k, k->alt->br[i].name);
	k->br.steps = k->alt->br[i].steps;
	k->br.n = k->alt->br[i].nsteps;
	k->br.pc = k->bpc[i];
	k->in_br = 1;
	k->alt = NULL;
	k->armed = 0;
}

/* alt_decide - commit to a branch when the group allows it: 1 if done so. */
static int alt_decide(struct tc_conn *k)
{
	const struct tc_step *g = k->alt;
	int i, first = -1, nlive = 0;

	for (i = 0; i < g->nbr; i++) {
		if (!(k->live & (1u << i)))
			continue;
		nlive++;
		if (first < 0)
			first = i;
		if (k->bpc[i] >= g->br[i].nsteps) {     /* this outcome is complete */
			add_alt_name(k, g->br[i].name);
			k->alt = NULL;
			k->armed = 0;
			k->top.pc++;
			return 1;
		}
	}
	if (nlive == 1) {
		alt_commit(k, first);
		return 1;
	}
	/* A branch whose expectations so far all came true and that now wants to act
	 * (send, wait, agent): the first such, in file order, is the outcome. */
	for (i = 0; i < g->nbr; i++)
		if ((k->live & (1u << i)) && g->br[i].steps[k->bpc[i]].kind != TC_STEP_EXPECT &&
		    g->br[i].steps[k->bpc[i]].kind != TC_STEP_NOTHING) {
			alt_commit(k, i);
			return 1;
		}
	return 0;
}

/*
 * rate_limit_may_explain - can a rate limit explain that the tester's last segment got
 * no reply? Only if another segment of this connection that a limited reply answers
 * was sent less than TC_RATELIMIT_US before it (Linux: one such reply per socket per
 * tcp_invalid_ratelimit, RFC 5961 7): the first never is.
 */
static int rate_limit_may_explain(const struct tc_conn *k)
{
	uint64_t before = k->out_invalid ? k->invalid_us[1] : k->invalid_us[0];

	return before && k->out_us - before <= TC_RATELIMIT_US;
}

static void step_alt(struct tc_conn *k, int *wait)
{
	const struct tc_step *g = k->alt;
	const struct tc_seg *s;
	char why[160], exp[600], obs[600];
	unsigned matched = 0, state_off = 0;
	uint64_t tmo = 0, quiet = 0;
	int i, idx;

	if (alt_decide(k))
		return;
	s = queue_pop(k, &idx);
	if (!s) {
		/* each open branch waits as long as its own step says; the group, the longest;
		 * but a branch that expects silence ends the wait when its silence is over */
		for (i = 0; i < g->nbr; i++) {
			const struct tc_step *st = &g->br[i].steps[k->bpc[i]];
			uint64_t d = st->dur_us ? st->dur_us : k->c->timeout_us;

			if (!(k->live & (1u << i)))
				continue;
			if (st->kind == TC_STEP_NOTHING && (!quiet || d < quiet))
				quiet = d;
			else if (st->kind != TC_STEP_NOTHING && d > tmo)
				tmo = d;
		}
		arm(k, quiet ? quiet : tmo);
		*wait = 1;
		return;
	}
	if (early(k, idx))
		return;
	for (i = 0; i < g->nbr; i++) {
		const struct tc_step *st = &g->br[i].steps[k->bpc[i]];

		k->resolve_failed = 0;
		if (!(k->live & (1u << i)) || st->kind == TC_STEP_NOTHING ||
		    !try_match(k, &st->seg, s, why, sizeof(why)) ||
		    too_early(k, &st->seg, s, why, sizeof(why))) {
			if (k->resolve_failed) {
				tc_result_set_reason(k->r, "%s:%d: %s", k->c->file, st->line, why);
				finish(k, TC_V_ERROR);
				return;
			}
			continue;
		}
		/* a branch whose "=> STATE" the trace contradicts is not this outcome */
		if (st->state[0] && strcmp(st->state, tc_state_name(k->trk.t.st))) {
			state_off |= 1u << i;
			continue;
		}
		matched |= 1u << i;
	}
	if (!matched && state_off) {
		for (i = 0; !(state_off & (1u << i)); i++)
			;
		check_state(k, &g->br[i].steps[k->bpc[i]]);
		return;
	}
	if (!matched) {
		struct tc_step fake = *g;

		alt_expects(k, exp, sizeof(exp));
		fake.text = exp;
		for (i = 0; i < g->nbr; i++)
			if (k->live & (1u << i)) {
				fake.line = g->br[i].steps[k->bpc[i]].line;
				break;
			}
		k->r->trace[idx].line = fake.line;
		k->r->trace[idx].note = "unexpected";
		rel_text(k, s, obs, sizeof(obs));
		diverge(k, &fake, obs, NULL, TC_V_FAIL);
		return;
	}
	for (i = 0; i < g->nbr; i++)
		if (matched & (1u << i)) {
			if (!(k->r->trace[idx].line))
				k->r->trace[idx].line = g->br[i].steps[k->bpc[i]].line;
			k->bpc[i]++;
		}
	k->live = matched;
	k->armed = 0;
	met(k, k->r->trace[idx].line);
	/* the branches' next steps begin now: their "after" and TCB names count from here */
	k->step_t0 = now(k);
	k->step_tcb = k->trk.t;
}

/* path_mismatch - the steps all matched, but the state path is not the one the
 * case expects: fail, naming both paths. */
static void path_mismatch(struct tc_conn *k)
{
	char exp[600] = "", obs[400] = "";
	size_t eo = 0, oo = 0;
	int i, p;

	for (p = 0; p < k->c->npaths && eo < sizeof(exp); p++)
		for (i = 0; i < k->c->npathlen[p] && eo < sizeof(exp); i++)
			eo += (size_t)snprintf(exp + eo, sizeof(exp) - eo, "%s%s", i ? " " : p ? " or " : "",
					       k->c->paths[p][i]);
	for (i = 0; i < k->trk.npath && oo < sizeof(obs); i++)
		oo += (size_t)snprintf(obs + oo, sizeof(obs) - oo, "%s%s", i ? " " : "",
				       tc_state_name(k->trk.path[i]));
	finish(k, TC_V_FAIL);
	free(k->r->div_expected);
	free(k->r->div_observed);
	k->r->div_line = k->c->line_states;
	k->r->div_expected = tc_xstrdup(exp);
	k->r->div_observed = tc_xstrdup(obs);
	tc_result_set_reason(k->r, "%s:%d: expected the state path %s, the trace shows %s", k->c->file,
			     k->c->line_states, exp, obs);
}

/* reply_text - an outcome's reply in case notation, relative to the ISNs. */
static void reply_text(const struct tc_conn *k, const struct tc_outcome *o, char *buf, size_t len)
{
	char fl[16];
	uint32_t base = k->bound ? k->isn_r : 0;

	if (!o->nreply) {
		snprintf(buf, len, "[%s] nothing", o->name);
		return;
	}
	tc_flags_str(o->reply.flags, fl, sizeof(fl));
	if (o->reply.seq_any)
		snprintf(buf, len, "[%s] %s *:*(0)", o->name, fl);
	else
		snprintf(buf, len, "[%s] %s %u:%u(0)", o->name, fl, o->reply.seq - base, o->reply.seq - base);
	if (o->reply.flags & TC_ACK)
		snprintf(buf + strlen(buf), len - strlen(buf), " ack %u", o->reply.ack - k->isn_t);
	if (o->reply.ecr_set)
		snprintf(buf + strlen(buf), len - strlen(buf), " <TS val * ecr %u, ...>%s", o->reply.ecr,
			 o->reply.ecr_if_ts ? " (if it takes timestamps)" : "");
}

/* model_expects - "one of: [rfc5961] . 1:1(0) ack 1 or [legacy] nothing". */
static void model_expects(const struct tc_conn *k, char *buf, size_t len)
{
	size_t off = (size_t)snprintf(buf, len, "< model: one of:");
	char one[160];
	int i;

	for (i = 0; i < k->nlast && off < len; i++) {
		reply_text(k, &k->last[i], one, sizeof(one));
		off += (size_t)snprintf(buf + off, len - off, "%s %s", i ? " or" : "", one);
	}
}

/* step_model - "< model": the reply the model predicts for the last segment sent (any
 * of the permitted outcomes), or silence when an outcome has none. */
static void step_model(struct tc_conn *k, const struct tc_step *st, int *wait)
{
	const struct tc_seg *s;
	char exp[800], obs[600];
	struct tc_step show = *st;
	int i, idx = 0, quiet = -1, all_rl = 1;

	if (!k->nlast) {
		tc_result_set_reason(k->r, "%s:%d: '< model' needs a segment sent before it", k->c->file, st->line);
		finish(k, TC_V_ERROR);
		return;
	}
	model_expects(k, exp, sizeof(exp));
	show.text = exp;
	s = queue_pop(k, &idx);
	while (s && k->r->trace[idx].note && !strcmp(k->r->trace[idx].note, "retransmission"))
		s = queue_pop(k, &idx);
	if (s && early(k, idx))
		return;
	if (s) {
		char pwhy[64];
		int pok = port_ok(k, s, pwhy, sizeof(pwhy));

		k->r->trace[idx].line = st->line;
		for (i = 0; i < k->nlast && pok; i++)
			if (k->last[i].nreply && tc_reply_matches(&k->last[i].reply, s)) {
				add_alt_name(k, k->last[i].name);
				k->nlast = 0;
				if (!k->bound && (s->flags & TC_SYN)) {   /* the SYN-ACK tells the ISN */
					k->bound = 1;
					k->isn_r = s->seq;
				}
				met(k, st->line);
				if (check_state(k, st) == 0)
					next_step(k);
				return;
			}
		k->r->trace[idx].note = "unexpected";
		rel_text(k, s, obs, sizeof(obs));
		diverge(k, &show, obs, pok ? NULL : pwhy, TC_V_FAIL);
		return;
	}
	arm(k, st->dur_us);
	if (now(k) < k->deadline) {
		*wait = 1;
		return;
	}
	for (i = 0; i < k->nlast; i++) {
		if (!k->last[i].nreply && quiet < 0)
			quiet = i;
		if (k->last[i].nreply)
			all_rl &= k->last[i].reply.ratelimited;
	}
	/* A rate limit (one such reply per 500 ms and connection, as RFC 5961 7 allows)
	 * explains silence only after another invalid segment of this connection. */
	if (!rate_limit_may_explain(k))
		all_rl = 0;
	if (quiet >= 0 && all_rl) {
		/* the reply may have been rate-limited, or the stack chose silence: the
		 * model keeps the reply's outcome; the case goes on */
		char name[80];

		snprintf(name, sizeof(name), "%s (rate-limited?)", k->last[0].name);
		add_alt_name(k, name);
		k->nlast = 0;
		tc_track_settle(&k->trk);
		met(k, st->line);
		if (check_state(k, st) == 0)
			next_step(k);
		return;
	}
	if (quiet >= 0) {
		add_alt_name(k, k->last[quiet].name);
		k->nlast = 0;
		tc_track_settle(&k->trk);
		met(k, st->line);
		if (check_state(k, st) == 0)
			next_step(k);
		return;
	}
	snprintf(obs, sizeof(obs), "nothing within %llu ms", (unsigned long long)st->dur_us / 1000);
	diverge(k, &show, obs, all_rl ? "a rate limit may have suppressed the reply" : NULL,
		all_rl ? TC_V_INCONCLUSIVE : TC_V_FAIL);
}

/* analyse - the verdict of a sampled case, from its ISNs (or the TSvals beside them). */
static void analyse(struct tc_conn *k)
{
	static const char *const want[] = {
		[TC_AN_ISN_RANDOM] = "unpredictable ISNs", [TC_AN_ISN_CLOCK] = "ISNs that grow with a clock",
		[TC_AN_TS_CLOCK] = "a timestamp clock of 1 to 1000 ticks a second that never goes back",
	};
	char why[300];
	int ok = k->c->analyze == TC_AN_ISN_CLOCK ? tc_isn_clock(k->isns, (size_t)k->sample, why, sizeof(why))
		 : k->c->analyze == TC_AN_TS_CLOCK ? tc_ts_clock(k->isns, (size_t)k->sample, why, sizeof(why))
						    : tc_isn_random(k->isns, (size_t)k->sample, why, sizeof(why));

	if (ok) {
		tc_result_add_note(k->r, "%s", why);
		finish(k, TC_V_PASS);
		return;
	}
	free(k->r->div_expected);
	free(k->r->div_observed);
	k->r->div_line = k->c->line_id;
	k->r->div_expected = tc_xstrdup(want[k->c->analyze]);
	k->r->div_observed = tc_xstrdup(why);
	tc_result_set_reason(k->r, "%s: %d samples: %s", k->c->file, k->sample, why);
	finish(k, TC_V_FAIL);
}

#define ISN_GAP_US 4000            /* a clock of 250 000 a second: 1000 ticks */

/* sample_done - one run of a sampled case ended: keep its ISN, start the next run
 * (on a new tester port unless same-port), or judge them all. 1 if the case goes on
 * or is judged, 0 if it ended some other way. */
static int sample_done(struct tc_conn *k)
{
	int i;

	if (!k->bound) {
		tc_result_set_reason(k->r, "%s: sample %d: no SYN from the target bound its ISN", k->c->file,
				     k->sample + 1);
		finish(k, TC_V_ERROR);
		return 1;
	}
	k->isns = tc_xrealloc(k->isns, (size_t)(k->sample + 1) * sizeof(*k->isns));
	k->isns[k->sample].isn = k->isn_r;
	k->isns[k->sample].has_ts = 0;
	k->isns[k->sample].tsval = 0;
	k->isns[k->sample].t_us = k->r->trace[k->r->ntrace - 1].seg.t_us;
	for (i = k->r->ntrace - 1; i >= 0; i--)        /* when the SYN that told it came */
		if (k->r->trace[i].seg.dir == TC_DIR_IN && (k->r->trace[i].seg.flags & TC_SYN) &&
		    k->r->trace[i].seg.seq == k->isn_r) {
			const struct tc_opt *ts = tc_opt_find(&k->r->trace[i].seg, TC_OPT_TS);

			k->isns[k->sample].t_us = k->r->trace[i].seg.t_us;
			k->isns[k->sample].has_ts = ts && !ts->bad;
			k->isns[k->sample].tsval = ts && !ts->bad ? ts->v.ts.val : 0;
			break;
		}
	k->sample++;
	tc_conn_teardown(k);
	if (k->sample == 3)
		k->trace_mark = k->r->ntrace;
	if (k->sample >= 3) {           /* keep the first three runs' segments only */
		for (i = k->trace_mark; i < k->r->ntrace; i++)
			tc_seg_free(&k->r->trace[i].seg);
		k->r->ntrace = k->trace_mark;
	}
	if (k->sample >= k->c->samples) {
		analyse(k);
		return 1;
	}
	k->torn_down = 0;
	k->qh = k->qt = 0;
	k->top.pc = 0;
	k->in_br = 0;
	k->alt = NULL;
	k->armed = 0;
	k->bound = 0;
	k->have_rcv = 0;
	k->nlast = 0;
	k->invalid_us[0] = k->invalid_us[1] = 0;        /* a rate limit is per connection */
	k->run_open = 0;
	k->run_us = 0;
	k->met_line = 0;
	k->quiet_st = NULL;
	k->out_invalid = 0;
	k->isn_t = k->isn_t * 2654435761u + 0x9e3779b9u;
	k->snd_nxt_t = k->isn_t;
	if (!k->c->same_port) {
		if (!k->env->next_port || (k->env->port_hi && k->env->next_port > k->env->port_hi)) {
			tc_result_set_reason(k->r, "%s: sample %d: no tester port left in the run's range", k->c->file,
					     k->sample + 1);
			finish(k, TC_V_ERROR);
			return 1;
		}
		k->tport = k->env->next_port++;
	}
	tc_track_init(&k->trk, k->trk.path[0]);
	k->step_t0 = now(k);
	k->step_tcb = k->trk.t;
	/* isn-clock: every other attempt after a pause, so that the steps of a clock follow
	 * the time between attempts and those of a per-connection counter do not */
	if (k->c->analyze == TC_AN_ISN_CLOCK && k->sample % 2)
		k->gap_until = now(k) + ISN_GAP_US;
	return 1;
}

/* step_once - run the current step; *wait is set when it has to wait for an event. */
static void step_once(struct tc_conn *k, int *wait)
{
	struct tc_frame *f = cur(k);
	const struct tc_step *st;

	if (k->gap_until) {             /* the pause between two samples */
		if (now(k) < k->gap_until) {
			arm(k, k->gap_until - now(k));
			*wait = 1;
			return;
		}
		k->gap_until = 0;
		k->armed = 0;
	}
	if (k->alt) {
		step_alt(k, wait);
		return;
	}
	if (f->pc >= f->n) {
		if (k->in_br) {
			k->in_br = 0;
			k->top.pc++;
			return;
		}
		if (k->c->npaths && k->trk.npath && !choose_path(k)) {
			path_mismatch(k);
			return;
		}
		if (k->c->samples && sample_done(k))
			return;
		finish(k, TC_V_PASS);
		return;
	}
	st = &f->steps[f->pc];
	switch (st->kind) {
	case TC_STEP_SEND:
		if (do_send(k, st) == 0)
			next_step(k);
		break;
	case TC_STEP_EXPECT: step_expect(k, st, wait); break;
	case TC_STEP_NOTHING: step_nothing(k, st, wait); break;
	case TC_STEP_WAIT:
		if (st->ignore) {               /* taken as they come, not judged */
			int idx;

			while (queue_pop(k, &idx)) {
				k->r->trace[idx].line = st->line;
				k->r->trace[idx].note = "ignored";
			}
		}
		arm(k, st->dur_us);
		if (now(k) < k->deadline)
			*wait = 1;
		else if (check_state(k, st) == 0)
			next_step(k);
		break;
	case TC_STEP_AGENT: step_agent(k, st, wait); break;
	case TC_STEP_MODEL: step_model(k, st, wait); break;
	case TC_STEP_ICMP:
		if (do_icmp(k, st) == 0)
			next_step(k);
		break;
	case TC_STEP_ALT:
		k->step_tcb = k->trk.t;
		k->alt = st;
		k->live = (1u << st->nbr) - 1;
		memset(k->bpc, 0, sizeof(k->bpc));
		k->armed = 0;
		break;
	}
}

static void advance(struct tc_conn *k)
{
	int wait = 0;

	while (!k->done && !wait)
		step_once(k, &wait);
}

struct tc_conn *tc_conn_new(const struct tc_case *c, struct tc_result *r, struct tc_run_env *env,
			    uint16_t tport, uint32_t isn)
{
	struct tc_conn *k = tc_xcalloc(1, sizeof(*k));

	k->c = c;
	k->r = r;
	k->env = env;
	k->top.steps = c->steps;
	k->top.n = c->nsteps;
	k->tport = tport;
	k->rport = c->port == TC_PORT_ACTIVE ? 0 : env->tg->ports[c->port];
	if (listen_mode(k))
		k->rport = tport;       /* a listener of the case's own, on its port number */
	k->isn_t = c->isn_set ? c->isn : isn;
	k->snd_nxt_t = k->isn_t;
	tc_track_init(&k->trk, c->port == TC_PORT_CLOSED || c->port == TC_PORT_ACTIVE ? TC_ST_CLOSED : TC_ST_LISTEN);
	r->tester_isn = k->isn_t;
	r->tester_port = tport;
	r->target_port = k->rport;
	r->family = env->tg->family;
	return k;
}

void tc_conn_start(struct tc_conn *k)
{
	const char *mode = listen_mode(k);

	k->r->start_us = now(k);
	k->ts_base_us = k->r->start_us;
	k->step_t0 = k->r->start_us;
	k->step_tcb = k->trk.t;
	if (mode) {             /* the case's own listener first (tester/PROTOCOL.md) */
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "listen %u %s", k->tport, mode);
		if (agent_send(k, 0, cmd) < 0)
			return;
		k->listen_wait = 1;
		arm(k, 10000000);
		return;
	}
	advance(k);
}

/* enqueue - trace entry @idx waits for the step that judges it. */
static void enqueue(struct tc_conn *k, int idx)
{
	if (k->qt - k->qh >= TC_QUEUE) {
		tc_conn_abort(k, TC_V_ERROR, "more than 256 unmatched segments from the target");
		return;
	}
	k->queue[k->qt++ % TC_QUEUE] = idx;
	advance(k);
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
	/* the target's retransmission timer, while the model's answer is awaited */
	if (cur(k)->pc < cur(k)->n && cur(k)->steps[cur(k)->pc].kind == TC_STEP_MODEL && !k->alt &&
	    tc_track_is_retransmission(&k->trk, s))
		k->r->trace[idx].note = "retransmission";
	tc_track_in(&k->trk, s);
	enqueue(k, idx);
}

void tc_conn_tick(struct tc_conn *k)
{
	const struct tc_step *st;
	char obs[96], exp[600];
	struct tc_step fake;
	int rl;

	if (k->done || !k->armed || now(k) < k->deadline)
		return;
	if (k->listen_wait) {
		tc_result_set_reason(k->r, "the agent did not answer 'listen %u'", k->tport);
		finish(k, TC_V_ERROR);
		return;
	}
	if (k->alt) {
		int i, first = -1, all_rl = 1;
		unsigned quiet = 0;

		/* the branches that expected silence got it; the others are over */
		for (i = 0; i < k->alt->nbr; i++)
			if ((k->live & (1u << i)) && k->alt->br[i].steps[k->bpc[i]].kind == TC_STEP_NOTHING)
				quiet |= 1u << i;
		if (quiet) {
			for (i = 0; !(quiet & (1u << i)); i++)
				;
			k->quiet_st = &k->alt->br[i].steps[k->bpc[i]];     /* the first silence met */
			met(k, k->quiet_st->line);
			k->quiet_t0 = k->deadline - k->armed_dur;
			k->quiet_t1 = k->deadline;
			for (i = 0; i < k->alt->nbr; i++)
				if (quiet & (1u << i))
					k->bpc[i]++;
			k->live = quiet;
			k->armed = 0;
			k->step_t0 = now(k);
			tc_track_settle(&k->trk);
			k->step_tcb = k->trk.t;
			advance(k);
			return;
		}
		for (i = 0; i < k->alt->nbr; i++) {
			if (!(k->live & (1u << i)))
				continue;
			if (first < 0)
				first = i;
			all_rl &= k->alt->br[i].steps[k->bpc[i]].ratelimited;
		}
		all_rl &= rate_limit_may_explain(k);
		fake = *k->alt;
		alt_expects(k, exp, sizeof(exp));
		fake.text = exp;
		fake.line = k->alt->br[first].steps[k->bpc[first]].line;
		snprintf(obs, sizeof(obs), "nothing within %llu ms", (unsigned long long)k->armed_dur / 1000);
		diverge(k, &fake, obs, all_rl ? "a rate limit may have suppressed the reply" : NULL,
			all_rl ? TC_V_INCONCLUSIVE : TC_V_FAIL);
		return;
	}
	st = &cur(k)->steps[cur(k)->pc];
	if (st->kind == TC_STEP_EXPECT) {
		snprintf(obs, sizeof(obs), "nothing within %llu ms",
			 (unsigned long long)(st->dur_us ? st->dur_us : k->c->timeout_us) / 1000);
		rl = st->ratelimited && rate_limit_may_explain(k);
		diverge(k, st, obs, rl ? "a rate limit may have suppressed the reply" : NULL,
			rl ? TC_V_INCONCLUSIVE : TC_V_FAIL);
		return;
	}
	if (st->kind == TC_STEP_AGENT) {
		tc_result_set_reason(k->r, "%s:%d: the agent did not answer", k->c->file, st->line);
		finish(k, TC_V_ERROR);
		return;
	}
	advance(k);             /* waits and "< nothing" and "< model" end on their own */
}

uint64_t tc_conn_deadline(const struct tc_conn *k)
{
	return !k->done && k->armed ? k->deadline : 0;
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
	finish(k, v);
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

	if (listen_mode(k) && k->done && !k->unlistened) {     /* the listener goes, after the last sample */
		char cmd[32], aerr[TC_ERRLEN];

		k->unlistened = 1;
		snprintf(cmd, sizeof(cmd), "unlisten %u", k->tport);
		k->env->agent->ops->request(k->env->agent->ctx, next_request(k->env), cmd, aerr, sizeof(aerr));
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
	if (tc_build_rst(k, k->trk.t.rcv_nxt, &s, err, sizeof(err)) == 0 &&
	    k->env->io->ops->send(k->env->io->ctx, &s, err, sizeof(err)) == 0) {
		s.dir = TC_DIR_OUT;
		s.t_us = now(k);
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
	free(k);
}

const char *tc_case_unmet(const struct tc_case *c, const struct tc_target *tg)
{
	if (c->family && c->family != tg->family)
		return c->family == 4 ? "an IPv4 case (@family 4)" : "an IPv6 case (@family 6)";
	if (c->port == TC_PORT_ACTIVE && !tg->have_agent)
		return "needs the target-side agent (the target opens the connection)";
	if (c->port != TC_PORT_ACTIVE && !tg->ports[c->port])
		return c->port == TC_PORT_CLOSED ? "needs a closed port (none given)" :
		       c->port == TC_PORT_LISTEN ? "needs an open port (none given)" :
		       "needs a port with an agent behind it";
	if ((c->needs & TC_NEED_AGENT) && !tg->have_agent)
		return "needs the target-side agent";
	if ((c->needs & TC_NEED_LINUX) && !tg->is_linux)
		return "judges facts only a Linux target shows";
	if ((c->needs & TC_NEED_NETNS) && !tg->own_link)
		return "sends what only the namespaces' own link may carry (another source or destination "
		       "address, a damaged IP header, the namespaces' addresses): not to a host on a real network";
	return NULL;
}
