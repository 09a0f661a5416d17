/* run: the scheduler (one thread, many cases). */
#include "run/sched.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENVS 4

struct sched {
	struct tc_run_env *env;         /* the first: its io, agent and clock serve all */
	struct tc_run_env *envs[MAX_ENVS];      /* every environment: their targets */
	int nenv;
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
	for (i = 0; rc != 1 && i < S->nenv; i++)
		if (tc_addr_eq(&s.src, &S->envs[i]->tg->target))
			break;
	if (rc == 1 || i == S->nenv) {
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

static void start_one(struct sched *S, const struct tc_sched_item *it, uint16_t port, struct tc_rng *rng)
{
	struct tc_case *c = it->c;
	struct tc_result *r = it->r;
	struct tc_conn *k = tc_conn_new(c, r, it->env, port, tc_rng_u32(rng));

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

int tc_sched_run(const struct tc_sched_item *items, int n, const struct tc_sched_opts *o,
		 struct tc_sched_stats *stats, char *err, size_t errlen)
{
	struct sched S = { .env = n ? items[0].env : NULL, .o = o, .stats = stats };
	struct tc_rng rng;
	uint16_t *port = tc_xcalloc((size_t)n + 1, sizeof(*port));
	int next = 0, jobs = o->jobs < 1 ? 1 : o->jobs, rc = 0, i, e;

	memset(stats, 0, sizeof(*stats));
	tc_rng_seed(&rng, o->seed);
	S.act = tc_xcalloc((size_t)jobs, sizeof(*S.act));
	S.ares = tc_xcalloc((size_t)jobs, sizeof(*S.ares));
	for (i = 0; i < n; i++) {
		struct tc_run_env *env = items[i].env;

		tc_result_init(items[i].r, items[i].c);
		items[i].r->family = env->tg->family;
		for (e = 0; e < S.nenv && S.envs[e] != env; e++)
			;
		if (e == S.nenv) {
			if (S.nenv == MAX_ENVS) {
				rc = tc_errf(err, errlen, "more than %d environments in one run", MAX_ENVS);
				goto out;
			}
			S.envs[S.nenv++] = env;
			env->next_port = env->port_lo;
		}
		if (!env->next_port || env->next_port > env->port_hi) {
			rc = tc_errf(err, errlen, "the cases need more tester ports than %u-%u", env->port_lo,
				     env->port_hi);
			goto out;
		}
		port[i] = env->next_port++;     /* the rest of the range serves @samples */
	}
	while (next < n || S.nact > 0) {
		if (o->stop && *o->stop) {
			stop_all(&S, TC_V_NOTRUN, "interrupted");
			rc = 1;
			break;
		}
		while (S.nact < jobs && next < n && !S.serial) {
			const struct tc_sched_item *it = &items[next];
			const char *why = tc_case_unmet(it->c, it->env->tg);

			if (!why && tc_runs_alone(it->c) && S.nact > 0)
				break;
			if (why) {
				it->r->verdict = TC_V_SKIP;
				tc_result_set_reason(it->r, "%s", why);
				if (o->on_done)
					o->on_done(o->arg, it->r);
			} else {
				start_one(&S, it, port[next], &rng);
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
	free(port);
	free(S.act);
	free(S.ares);
	return rc;
}
