/* run: the scheduler (one thread, many cases). */
#include "run/sched.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sched {
	struct tc_run_env *env;
	const struct tc_sched_opts *o;
	struct tc_sched_stats *stats;
	struct tc_conn **act;
	struct tc_result **ares;
	int nact;
	int serial;                     /* a serial case is running */
	char err[TC_ERRLEN];
	int broken;
};

static void on_frame(void *arg, const uint8_t *frame, size_t len, uint64_t t_us)
{
	struct sched *S = arg;
	const struct tc_target *tg = S->env->tg;
	struct tc_seg s;
	int rc, i;

	rc = tc_seg_decode(&s, frame, len, tg->link);
	s.t_us = t_us;
	s.dir = TC_DIR_IN;
	if (rc == 1 || !tc_addr_eq(&s.src, &tg->target)) {
		tc_seg_free(&s);        /* not ours: other traffic, ARP... */
		return;
	}
	if (rc < 0) {
		if (!S->stats->malformed++)
			snprintf(S->stats->first_malformed, sizeof(S->stats->first_malformed), "%s", s.problem);
		tc_seg_free(&s);
		return;
	}
	for (i = 0; i < S->nact; i++)
		if (tc_conn_port(S->act[i]) == s.dport) {
			tc_conn_segment(S->act[i], &s);
			tc_seg_free(&s);
			return;
		}
	S->stats->stray++;
	tc_seg_free(&s);
}

static void on_reply(void *arg, uint32_t id, int ok, const char *text)
{
	struct sched *S = arg;
	int i;

	for (i = 0; i < S->nact; i++)
		tc_conn_agent_reply(S->act[i], id, ok, text);
}

static void reap(struct sched *S)
{
	int i = 0;

	while (i < S->nact) {
		struct tc_conn *k = S->act[i];

		if (!tc_conn_done(k)) {
			i++;
			continue;
		}
		tc_conn_teardown(k);
		if (tc_runs_alone(S->ares[i]->c))
			S->serial = 0;
		if (S->o->on_done)
			S->o->on_done(S->o->arg, S->ares[i]);
		tc_conn_free(k);
		S->act[i] = S->act[S->nact - 1];
		S->ares[i] = S->ares[S->nact - 1];
		S->nact--;
	}
}

static uint64_t next_deadline(struct sched *S)
{
	uint64_t d = 0, x;
	int i;

	if (S->env->io->ops->next_due) {
		x = S->env->io->ops->next_due(S->env->io->ctx);
		if (x)
			d = x;
	}
	for (i = 0; i < S->nact; i++) {
		x = tc_conn_deadline(S->act[i]);
		if (x && (!d || x < d))
			d = x;
		x = S->ares[i]->start_us + S->o->case_limit_us;
		if (!d || x < d)
			d = x;
	}
	return d;
}

/* wait_events - poll until @deadline (0: none) or input; then drain what came. */
static int wait_events(struct sched *S, uint64_t deadline)
{
	struct tc_run_env *env = S->env;
	struct pollfd p[2];
	int np = 0, tmo = -1, got;
	uint64_t t = tc_now_us(env->clock);

	if (env->io->ops->fd(env->io->ctx) >= 0)
		p[np++] = (struct pollfd){ .fd = env->io->ops->fd(env->io->ctx), .events = POLLIN };
	if (env->agent && env->agent->ops->fd(env->agent->ctx) >= 0)
		p[np++] = (struct pollfd){ .fd = env->agent->ops->fd(env->agent->ctx), .events = POLLIN };
	if (deadline)
		tmo = deadline > t ? (int)((deadline - t + 999) / 1000) : 0;
	if (env->clock->fake) {
		tmo = 0;
	} else if (tmo < 0 || tmo > 200) {
		tmo = 200;      /* look at the stop flag now and then */
	}
	if (np && poll(p, (nfds_t)np, tmo) < 0 && errno != EINTR)
		return tc_errf(S->err, sizeof(S->err), "poll: %s", strerror(errno));
	got = env->io->ops->drain(env->io->ctx, on_frame, S, S->err, sizeof(S->err));
	if (got < 0)
		return -1;
	if (env->agent) {
		int a = env->agent->ops->drain(env->agent->ctx, on_reply, S, S->err, sizeof(S->err));

		if (a < 0)
			return -1;
		got += a;
	}
	if (env->clock->fake && got == 0) {
		/* Nothing happened: nothing can before the next deadline (which the
		 * events just handled may have moved). */
		deadline = next_deadline(S);
		if (deadline > env->clock->now_us)
			env->clock->now_us = deadline;
	}
	return 0;
}

static void start_one(struct sched *S, struct tc_case *c, struct tc_result *r, uint16_t port,
		      struct tc_rng *rng)
{
	struct tc_conn *k = tc_conn_new(c, r, S->env, port, tc_rng_u32(rng));

	S->act[S->nact] = k;
	S->ares[S->nact++] = r;
	if (tc_runs_alone(c))
		S->serial = 1;
	tc_conn_start(k);
}

static void tick_all(struct sched *S)
{
	uint64_t t = tc_now_us(S->env->clock);
	int i;

	for (i = 0; i < S->nact; i++) {
		tc_conn_tick(S->act[i]);
		if (!tc_conn_done(S->act[i]) && t >= S->ares[i]->start_us + S->o->case_limit_us)
			tc_conn_abort(S->act[i], TC_V_ERROR, "the case did not finish in time");
	}
}

static void stop_all(struct sched *S, enum tc_verdict v, const char *why)
{
	int i;

	for (i = 0; i < S->nact; i++)
		tc_conn_abort(S->act[i], v, why);
	reap(S);
}

int tc_sched_run(struct tc_case *const *cases, int n, struct tc_result *res, struct tc_run_env *env,
		 const struct tc_sched_opts *o, struct tc_sched_stats *stats, char *err, size_t errlen)
{
	struct sched S = { .env = env, .o = o, .stats = stats };
	struct tc_rng rng;
	uint32_t range = (uint32_t)(o->port_hi - o->port_lo) + 1;
	int next = 0, jobs = o->jobs < 1 ? 1 : o->jobs, rc = 0;

	memset(stats, 0, sizeof(*stats));
	tc_rng_seed(&rng, o->seed);
	S.act = tc_xcalloc((size_t)jobs, sizeof(*S.act));
	S.ares = tc_xcalloc((size_t)jobs, sizeof(*S.ares));
	for (int i = 0; i < n; i++) {
		tc_result_init(&res[i], cases[i]);
		res[i].family = env->tg->family;
	}
	if ((uint32_t)n > range) {
		rc = tc_errf(err, errlen, "%d cases need %d tester ports; the range has %u", n, n, range);
		goto out;
	}
	env->next_port = (uint16_t)(o->port_lo + (uint32_t)n);
	env->port_hi = o->port_hi;
	while (next < n || S.nact > 0) {
		if (o->stop && *o->stop) {
			stop_all(&S, TC_V_NOTRUN, "interrupted");
			rc = 1;
			break;
		}
		while (S.nact < jobs && next < n && !S.serial) {
			struct tc_case *c = cases[next];
			const char *why = tc_case_unmet(c, env->tg);

			if (!why && tc_runs_alone(c) && S.nact > 0)
				break;
			if (why) {
				res[next].verdict = TC_V_SKIP;
				tc_result_set_reason(&res[next], "%s", why);
				if (o->on_done)
					o->on_done(o->arg, &res[next]);
			} else {
				start_one(&S, c, &res[next], (uint16_t)(o->port_lo + (uint32_t)next), &rng);
			}
			next++;
		}
		reap(&S);
		if (!S.nact)
			continue;
		if (wait_events(&S, next_deadline(&S)) < 0) {
			stop_all(&S, TC_V_ERROR, S.err);
			tc_strlcpy(err, S.err, errlen);
			rc = -1;
			break;
		}
		tick_all(&S);
		reap(&S);
	}
out:
	free(S.act);
	free(S.ares);
	return rc;
}
