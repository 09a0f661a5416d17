/* run: "< model" steps (the replies the RFCs permit) and the state path. */
#include "packet/format.h"
#include "run/steps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* path_mismatch - the steps all matched, but the state path is not the one the
 * case expects: fail, naming both paths. */
void rn_path_mismatch(struct tc_conn *k)
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
	rn_finish(k, TC_V_FAIL);
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

	for (i = 0; i < k->rep.nlast && off < len; i++) {
		reply_text(k, &k->rep.last[i], one, sizeof(one));
		off += (size_t)snprintf(buf + off, len - off, "%s %s", i ? " or" : "", one);
	}
}

/* step_model - "< model": the reply the model predicts for the last segment sent (any
 * of the permitted outcomes), or silence when an outcome has none. */
void rn_step_model(struct tc_conn *k, const struct tc_step *st, int *wait)
{
	const struct tc_seg *s;
	char exp[800], obs[600];
	struct tc_step show = *st;
	int i, idx = 0, quiet = -1, all_rl = 1;

	if (!k->rep.nlast) {
		rn_error(k, "%s:%d: '< model' needs a segment sent before it", k->c->file, st->line);
		return;
	}
	model_expects(k, exp, sizeof(exp));
	show.text = exp;
	s = rn_queue_pop(k, &idx);
	while (s && k->r->trace[idx].note && !strcmp(k->r->trace[idx].note, "retransmission"))
		s = rn_queue_pop(k, &idx);
	if (s && rn_early(k, idx))
		return;
	if (s) {
		char pwhy[64];
		int pok = rn_port_ok(k, s, pwhy, sizeof(pwhy));

		k->r->trace[idx].line = st->line;
		for (i = 0; i < k->rep.nlast && pok; i++)
			if (k->rep.last[i].nreply && tc_reply_matches(&k->rep.last[i].reply, s)) {
				rn_add_alt_name(k, k->rep.last[i].name);
				k->rep.nlast = 0;
				if (!k->bound && (s->flags & TC_SYN)) {   /* the SYN-ACK tells the ISN */
					k->bound = 1;
					k->isn_r = s->seq;
				}
				rn_met(k, st->line);
				if (rn_check_state(k, st) == 0)
					rn_next_step(k);
				return;
			}
		k->r->trace[idx].note = "unexpected";
		rn_rel_text(k, s, obs, sizeof(obs));
		rn_diverge(k, &show, obs, pok ? NULL : pwhy, TC_V_FAIL);
		return;
	}
	rn_arm(k, st->dur_us);
	if (rn_now(k) < k->ex.deadline) {
		*wait = 1;
		return;
	}
	for (i = 0; i < k->rep.nlast; i++) {
		if (!k->rep.last[i].nreply && quiet < 0)
			quiet = i;
		if (k->rep.last[i].nreply)
			all_rl &= k->rep.last[i].reply.ratelimited;
	}
	/* A rate limit (one such reply per 500 ms and connection, as RFC 5961 7 allows)
	 * explains silence only after another invalid segment of this connection. */
	if (!rn_rate_limit_may_explain(k))
		all_rl = 0;
	if (quiet >= 0 && all_rl) {
		/* the reply may have been rate-limited, or the stack chose silence: the
		 * model keeps the reply's outcome; the case goes on */
		char name[80];

		snprintf(name, sizeof(name), "%s (rate-limited?)", k->rep.last[0].name);
		rn_add_alt_name(k, name);
		k->rep.nlast = 0;
		tc_track_settle(&k->trk);
		rn_met(k, st->line);
		if (rn_check_state(k, st) == 0)
			rn_next_step(k);
		return;
	}
	if (quiet >= 0) {
		rn_add_alt_name(k, k->rep.last[quiet].name);
		k->rep.nlast = 0;
		tc_track_settle(&k->trk);
		rn_met(k, st->line);
		if (rn_check_state(k, st) == 0)
			rn_next_step(k);
		return;
	}
	snprintf(obs, sizeof(obs), "nothing within %llu ms", (unsigned long long)st->dur_us / 1000);
	rn_diverge(k, &show, obs, all_rl ? "a rate limit may have suppressed the reply" : NULL,
		all_rl ? TC_V_INCONCLUSIVE : TC_V_FAIL);
}
