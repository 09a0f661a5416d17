/* run: alternatives: the branches a case accepts, followed side by side until one
 * matches. */
#include "case/match.h"
#include "run/steps.h"

#include <stdio.h>
#include <string.h>

/* alt_expects - all open branches' expectations, for a message. */
void rn_alt_expects(struct tc_conn *k, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < k->ex.alt->nbr && off < len; i++) {
		if (!(k->ex.live & (1u << i)))
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s[%s] %s", off ? " or " : "one of: ",
					k->ex.alt->br[i].name, k->ex.alt->br[i].steps[k->ex.bpc[i]].text);
	}
}

static void alt_commit(struct tc_conn *k, int i)
{
	rn_add_alt_name(k, k->ex.alt->br[i].name);
	k->ex.br.steps = k->ex.alt->br[i].steps;
	k->ex.br.n = k->ex.alt->br[i].nsteps;
	k->ex.br.pc = k->ex.bpc[i];
	k->ex.in_br = 1;
	k->ex.alt = NULL;
	k->ex.armed = 0;
}

/* alt_decide - commit to a branch when the group allows it: 1 if done so. */
static int alt_decide(struct tc_conn *k)
{
	const struct tc_step *g = k->ex.alt;
	int i, first = -1, nlive = 0;

	for (i = 0; i < g->nbr; i++) {
		if (!(k->ex.live & (1u << i)))
			continue;
		nlive++;
		if (first < 0)
			first = i;
		if (k->ex.bpc[i] >= g->br[i].nsteps) {     /* this outcome is complete */
			rn_add_alt_name(k, g->br[i].name);
			k->ex.alt = NULL;
			k->ex.armed = 0;
			k->ex.top.pc++;
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
		if ((k->ex.live & (1u << i)) && g->br[i].steps[k->ex.bpc[i]].kind != TC_STEP_EXPECT &&
		    g->br[i].steps[k->ex.bpc[i]].kind != TC_STEP_NOTHING) {
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
int rn_rate_limit_may_explain(const struct tc_conn *k)
{
	uint64_t before = k->rep.out_invalid ? k->rep.invalid_us[1] : k->rep.invalid_us[0];

	return before && k->rep.out_us - before <= TC_RATELIMIT_US;
}

void rn_step_alt(struct tc_conn *k, int *wait)
{
	const struct tc_step *g = k->ex.alt;
	const struct tc_seg *s;
	char why[160], exp[600], obs[600];
	unsigned matched = 0, state_off = 0, late = 0;
	uint64_t tmo = 0, quiet = 0;
	int i, idx;

	if (alt_decide(k))
		return;
	s = rn_queue_pop(k, &idx);
	if (!s) {
		/* each open branch waits as long as its own step says; the group, the longest;
		 * but a branch that expects silence ends the wait when its silence is over */
		for (i = 0; i < g->nbr; i++) {
			const struct tc_step *st = &g->br[i].steps[k->ex.bpc[i]];
			uint64_t d = st->dur_us ? st->dur_us : k->c->timeout_us;

			if (!(k->ex.live & (1u << i)))
				continue;
			if (st->kind == TC_STEP_NOTHING && (!quiet || d < quiet))
				quiet = d;
			else if (st->kind != TC_STEP_NOTHING && d > tmo)
				tmo = d;
		}
		rn_arm(k, quiet ? quiet : tmo);
		*wait = 1;
		return;
	}
	if (rn_early(k, idx))
		return;
	for (i = 0; i < g->nbr; i++) {
		const struct tc_step *st = &g->br[i].steps[k->ex.bpc[i]];
		uint64_t dt = s->t_us > k->ex.step_t0 ? s->t_us - k->ex.step_t0 : 0;

		k->ex.resolve_failed = 0;
		/* each branch waits as long as its own step says: a segment later than that
		 * is no answer to it, though a sibling still waits (the group waits the
		 * longest) */
		if ((k->ex.live & (1u << i)) && st->kind == TC_STEP_EXPECT &&
		    dt > (st->dur_us ? st->dur_us : k->c->timeout_us)) {
			late |= 1u << i;
			continue;
		}
		if (!(k->ex.live & (1u << i)) || st->kind == TC_STEP_NOTHING ||
		    !rn_try_match(k, &st->seg, s, why, sizeof(why)) ||
		    rn_too_early(k, &st->seg, s, why, sizeof(why))) {
			if (k->ex.resolve_failed) {
				rn_error(k, "%s:%d: %s", k->c->file, st->line, why);
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
		rn_check_state(k, &g->br[i].steps[k->ex.bpc[i]]);
		return;
	}
	if (!matched && rn_is_late(k, idx)) {
		/* a late answer to what the tester sent before this run, which no branch
		 * takes, is left to its segment: the group goes on waiting (as a step does) */
		rn_pass_late(k, idx);
		return;
	}
	if (!matched) {
		struct tc_step fake = *g;

		rn_alt_expects(k, exp, sizeof(exp));
		fake.text = exp;
		for (i = 0; i < g->nbr; i++)
			if (k->ex.live & (1u << i)) {
				fake.line = g->br[i].steps[k->ex.bpc[i]].line;
				break;
			}
		k->r->trace[idx].line = fake.line;
		k->r->trace[idx].note = "unexpected";
		rn_rel_text(k, s, obs, sizeof(obs));
		if (late)
			snprintf(why, sizeof(why), "it came %llu ms after the step began: later than the branches it "
				 "would fit wait", (unsigned long long)((s->t_us > k->ex.step_t0 ? s->t_us - k->ex.step_t0 : 0) / 1000));
		rn_diverge(k, &fake, obs, late ? why : NULL, TC_V_FAIL);
		return;
	}
	for (i = 0; i < g->nbr; i++)
		if (matched & (1u << i)) {
			if (!(k->r->trace[idx].line))
				k->r->trace[idx].line = g->br[i].steps[k->ex.bpc[i]].line;
			k->ex.bpc[i]++;
		}
	k->ex.live = matched;
	k->ex.armed = 0;
	rn_met(k, k->r->trace[idx].line);
	/* the branches' next steps begin now: their "after" and TCB names count from here */
	k->ex.step_t0 = rn_now(k);
	k->ex.step_tcb = k->trk.t;
}
