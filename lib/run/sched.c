/* run: the scheduler (one thread, many cases). */
#include "run/sched_int.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#define GRACE_US 200000

/* The probe: any SYN-ACK will do, within two seconds. */
static const char probe_text[] =
	"@id      tcpconform.probe\n"
	"@title   The target still answers: a SYN to its listening port gets a SYN-ACK\n"
	"@rfc     RFC9293 3.10.7.2\n"
	"@level   MUST\n"
	"@port    listen\n"
	"> S 0:0(0) win 65535 <mss 1460>\n"
	"< S. 0:0(0) ack 1 <mss *, ...> within 2s\n";

static void on_frame(void *arg, const uint8_t *frame, size_t len, size_t wire_len, uint64_t t_us)
{
	struct sched *S = arg;
	const struct tc_target *tg = S->env->tg;
	struct tc_seg s;
	int rc, i;

	if (S->adapting) {
		uint64_t now = tc_now_us(S->env->clock);

		tc_adapt_late(&S->adapt, now > t_us ? now - t_us : 0);
	}
	rc = tc_seg_decode(&s, frame, len, tg->link);
	s.cut = wire_len > len;
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
	if (S->probe && tc_conn_port(S->probe) == s.dport) {
		tc_conn_segment(S->probe, &s);
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
	if (S->probe)
		tc_conn_agent_reply(S->probe, id, ok, text);
}

/* suspect_fail - a failure a dead target would explain, so it waits for the probe's
 * word: silence (a reply that did not come, or nothing at all from the target: a stack
 * that hangs looks just like this), or a reset (a host whose listener is gone answers
 * a SYN with one; a killed application's connections end with one). */
static int suspect_fail(const struct tc_result *r)
{
	if (r->verdict != TC_V_FAIL)
		return 0;
	if (r->div_observed && (!strncmp(r->div_observed, "nothing", 7) || r->div_observed[0] == 'R'))
		return 1;
	for (int i = 0; i < r->ntrace; i++)
		if (r->trace[i].seg.dir == TC_DIR_IN)
			return 0;
	return 1;
}


void rs_done(struct sched *S, struct tc_result *r)
{
	/* read when the verdict is final, after the grace of a watched target: a thread
	 * that waits in the run queue shows its wait only once it has run */
	if (S->o->cpu_wait) {
		uint64_t w = S->o->cpu_wait(S->o->arg);

		r->cpu_wait_us = w > r->cpu_wait_us ? w - r->cpu_wait_us : 0;
		r->cpu_wait_known = 1;
	}
	S->ndone++;
	if (S->retrying >= 0 && S->items[S->retrying].r == r) {
		S->retrying = -1;
		S->serial = 0;
	}
	if (S->o->on_done)
		S->o->on_done(S->o->arg, r);
	tc_result_pack(r);      /* final: the trace as frames from here on */
}

/* start_probe - a SYN to the listening port from a spare port of @env. */
static void start_probe(struct sched *S, struct tc_run_env *env)
{
	char err[TC_ERRLEN];

	if (!S->probe_case)
		S->probe_case = tc_case_parse("(probe)", probe_text, sizeof(probe_text) - 1, err, sizeof(err));
	if (!S->probe_case || env->next_port > env->port_hi)
		return;
	tc_result_free(&S->probe_res);
	tc_result_init(&S->probe_res, S->probe_case);
	S->probe_res.family = env->tg->family;
	S->probe = tc_conn_new(S->probe_case, &S->probe_res, env, env->next_port++, tc_rng_u32(S->rng));
	tc_conn_start(S->probe);
}

static void target_died(struct sched *S, const char *why);

/* probe_done - the probe's word on the held cases: their verdicts stand, or the target
 * hangs (target_died sorts them out). */
static void probe_done(struct sched *S)
{
	int alive = S->probe_res.verdict == TC_V_PASS;
	char why[300];

	tc_conn_teardown(S->probe);
	tc_conn_free(S->probe);
	S->probe = NULL;
	if (!alive) {
		int reset = S->probe_res.div_observed && S->probe_res.div_observed[0] == 'R';

		snprintf(why, sizeof(why), "%s after %s%s", reset ? "its listening port answers a SYN with a reset: "
			 "what listened there is gone" : "it hangs: a SYN to its listening port got no SYN-ACK",
			 S->held[0]->c->id, S->held[0]->family == 6 ? " [ipv6]" : "");
		target_died(S, why);
		return;
	}
	for (int i = 0; i < S->nheld; i++)
		rs_done(S, S->held[i]);
	S->nheld = 0;
}

/* overload - the capture lost @n frames while @r's case ran: what it saw may lack a
 * reply that came (a failure that is the tester's) or one that would have failed it
 * (a pass on silence that is not one): its verdict is not judged. */
static void overload(struct tc_result *r, unsigned n)
{
	char *was;

	if (r->verdict == TC_V_SKIP || r->verdict == TC_V_ERROR || r->verdict == TC_V_NOTRUN)
		return;
	was = tc_xstrdup(r->reason ? r->reason : "");
	tc_result_set_reason(r, "the capture lost %u frame%s while this case ran (the tester fell behind: "
			     "fewer cases at once, -j, or a less busy machine): its %s is not judged%s%.300s", n,
			     n == 1 ? "" : "s", tc_verdict_name(r->verdict), *was ? "; it read: " : "", was);
	r->verdict = TC_V_ERROR;
	free(was);
}

/* release_grace - report the finished cases whose grace is over (@all: every one). */
static void release_grace(struct sched *S, int all)
{
	uint64_t t = tc_now_us(S->env->clock);
	int i = 0;

	while (i < S->ngrace) {
		if (!all && t < S->gdue[i]) {
			i++;
			continue;
		}
		rs_done(S, S->grace[i]);
		S->ngrace--;
		S->grace[i] = S->grace[S->ngrace];
		S->gitem[i] = S->gitem[S->ngrace];
		S->gdue[i] = S->gdue[S->ngrace];
	}
}

/* unslot - the running case in slot @i leaves (the last slot takes its place). */
static void unslot(struct sched *S, int i)
{
	S->nact--;
	S->act[i] = S->act[S->nact];
	S->ares[i] = S->ares[S->nact];
	S->adrop[i] = S->adrop[S->nact];
	S->aitem[i] = S->aitem[S->nact];
}

static void reap(struct sched *S)
{
	int i = 0;

	if (S->probe && tc_conn_done(S->probe))
		probe_done(S);
	while (i < S->nact) {
		struct tc_conn *k = S->act[i];

		if (!tc_conn_done(k)) {
			i++;
			continue;
		}
		tc_conn_teardown(k);
		if (S->sc_n && S->sc_res == S->ares[i])
			rs_restore_sysctls(S);
		if (S->bs_res == S->ares[i])
			rs_beside_check(S, S->ares[i]);
		else if (S->bs_res && !S->bs_gone[0])
			snprintf(S->bs_gone, sizeof(S->bs_gone), "%s%s", S->ares[i]->c->id,
				 S->ares[i]->family == 6 ? " [ipv6]" : "");
		if (tc_runs_alone(S->ares[i]->c))
			S->serial = 0;
		if (S->adrop[i])
			overload(S->ares[i], S->adrop[i]);
		if (S->o->health && suspect_fail(S->ares[i])) {
			S->held = tc_xrealloc(S->held, (size_t)(S->nheld + 1) * sizeof(*S->held));
			S->hitem = tc_xrealloc(S->hitem, (size_t)(S->nheld + 1) * sizeof(*S->hitem));
			S->hitem[S->nheld] = S->aitem[i];
			S->held[S->nheld++] = S->ares[i];
			for (int e = 0; !S->probe && e < S->nenv; e++)
				if (S->envs[e]->tg->family == S->ares[i]->family)
					start_probe(S, S->envs[e]);
			if (!S->probe) {        /* no probe to be had: the verdicts stand */
				rs_done(S, S->held[--S->nheld]);
			}
		} else if (S->o->health) {
			S->grace = tc_xrealloc(S->grace, (size_t)(S->ngrace + 1) * sizeof(*S->grace));
			S->gitem = tc_xrealloc(S->gitem, (size_t)(S->ngrace + 1) * sizeof(*S->gitem));
			S->gdue = tc_xrealloc(S->gdue, (size_t)(S->ngrace + 1) * sizeof(*S->gdue));
			S->gitem[S->ngrace] = S->aitem[i];
			S->gdue[S->ngrace] = tc_now_us(S->env->clock) + GRACE_US;
			S->grace[S->ngrace++] = S->ares[i];
		} else {
			rs_done(S, S->ares[i]);
		}
		tc_conn_free(k);
		unslot(S, i);
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
	if (S->probe && (x = tc_conn_deadline(S->probe)) && (!d || x < d))
		d = x;
	for (i = 0; i < S->ngrace; i++)
		if (!d || S->gdue[i] < d)
			d = S->gdue[i];
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

/* wait_events - poll until @deadline (0: none) or input; then drain what came.
 * 0, or 2 when the drain stopped with frames still waiting (then no timer may be
 * judged: a reply to it may be among them), 1 when the link or the agent's channel
 * broke and a health check is to say why, -1 on error. */
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
	if (env->clock->fake || S->pending) {
		tmo = 0;
	} else if (tmo < 0 || tmo > 200) {
		tmo = 200;      /* look at the stop flag now and then */
	}
	if (np && poll(p, (nfds_t)np, tmo) < 0 && errno != EINTR)
		return tc_errf(S->err, sizeof(S->err), "poll: %s", strerror(errno));
	got = env->io->ops->drain(env->io->ctx, on_frame, S, S->err, sizeof(S->err));
	if (got < 0)            /* the link is gone: did the target take it along? */
		return S->o->health ? 1 : -1;
	S->pending = env->io->ops->pending && env->io->ops->pending(env->io->ctx);
	if (env->io->ops->drops) {
		unsigned d = env->io->ops->drops(env->io->ctx);

		if (d > S->drops) {     /* every case in flight may have lost a reply */
			for (int i = 0; i < S->nact; i++)
				S->adrop[i] += d - S->drops;
			S->stats->capture_drops += d - S->drops;
			S->drops = d;
		}
	}
	if (env->agent && !S->dead[0]) {
		int a = env->agent->ops->drain(env->agent->ctx, on_reply, S, S->err, sizeof(S->err));

		if (a < 0)
			return S->o->health ? 1 : -1;   /* the agent's end: did the target die? */
		got += a;
	}
	if (env->clock->fake && got == 0) {
		/* Nothing happened: nothing can before the next deadline (which the
		 * events just handled may have moved). */
		deadline = next_deadline(S);
		if (deadline > env->clock->now_us)
			env->clock->now_us = deadline;
	}
	return S->pending ? 2 : 0;
}

static void start_one(struct sched *S, const struct tc_sched_item *it, uint16_t port, struct tc_rng *rng)
{
	if (it->c->nsysctl && S->o->sysctl && rs_set_sysctls(S, it) < 0)
		return;
	if (it->c->nsysctl && !S->o->sysctl)    /* a LINUX case on another stack (unmet.c) */
		tc_result_add_note(it->r, "its @sysctl lines, Linux's settings of the script's kernel, are not set: "
				   "this target is not Linux in the tool's namespaces");
	S->aitem[S->nact] = (int)(it - S->items);
	struct tc_case *c = it->c;
	struct tc_result *r = it->r;
	struct tc_conn *k = tc_conn_new(c, r, it->env, port, tc_rng_u32(rng));

	S->act[S->nact] = k;
	S->adrop[S->nact] = 0;
	r->cpu_wait_us = S->o->cpu_wait ? S->o->cpu_wait(S->o->arg) : 0;       /* until done() */
	S->ares[S->nact++] = r;
	if (tc_runs_alone(c))
		S->serial = 1;
	tc_conn_start(k);
}

static void tick_all(struct sched *S)
{
	uint64_t t = tc_now_us(S->env->clock);
	int i;

	if (S->probe)
		tc_conn_tick(S->probe);
	for (i = 0; i < S->nact; i++) {
		uint64_t due = tc_conn_deadline(S->act[i]);

		if (S->adapting && due && t > due)
			tc_adapt_late(&S->adapt, t - due);
		tc_conn_tick(S->act[i]);
		if (!tc_conn_done(S->act[i]) && t >= S->ares[i]->start_us + S->o->case_limit_us)
			tc_conn_abort(S->act[i], TC_V_ERROR, "the case did not finish in time");
	}
}

static void stop_all(struct sched *S, enum tc_verdict v, const char *why);

/* target_died - the target stopped (@why): the cases in flight end as errors naming
 * it, the finding names them, and the target is started again for the cases after
 * (or, when it cannot be, they end as errors too). */
static void target_died(struct sched *S, const char *why)
{
	char reason[TC_ERRLEN], names[300] = "";
	size_t off = 0;
	int i, culprit = S->retrying;

	for (i = 0; i < S->nact && off < sizeof(names) - 80; i++)
		off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s%s", i ? ", " : "",
					S->ares[i]->c->id, S->ares[i]->family == 6 ? " [ipv6]" : "");
	for (i = 0; i < S->ngrace && off < sizeof(names) - 80; i++)
		off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s%s (just ended)", off ? ", " : "",
					S->grace[i]->c->id, S->grace[i]->family == 6 ? " [ipv6]" : "");
	if (!S->stats->deaths++)
		snprintf(S->stats->first_death, sizeof(S->stats->first_death), "%s%s%s", why,
			 names[0] ? " while these ran: " : "", names);
	fprintf(stderr, "tcpconform: the target stopped: %s%s%s\n", why, names[0] ? " while these ran: " : "", names);
	/* the case that ran alone stopped it: that is its verdict */
	if (culprit >= 0) {
		struct tc_result *r = S->items[culprit].r;

		for (i = 0; i < S->nact; i++)
			if (S->aitem[i] == culprit) {
				tc_conn_abort(S->act[i], TC_V_FAIL, why);
				tc_conn_teardown(S->act[i]);
				tc_conn_free(S->act[i]);
				unslot(S, i);
				break;
			}
		for (i = 0; i < S->nheld; i++)
			if (S->hitem[i] == culprit) {
				S->nheld--;
				S->held[i] = S->held[S->nheld];
				S->hitem[i] = S->hitem[S->nheld];
				break;
			}
		for (i = 0; i < S->ngrace; i++)
			if (S->gitem[i] == culprit) {
				S->ngrace--;
				S->grace[i] = S->grace[S->ngrace];
				S->gitem[i] = S->gitem[S->ngrace];
				S->gdue[i] = S->gdue[S->ngrace];
				break;
			}
		r->verdict = TC_V_FAIL;
		tc_result_set_reason(r, "the target stopped on this case, run alone after it stopped with others in "
				     "flight: %.200s", why);
		snprintf(S->stats->culprits + strlen(S->stats->culprits),
			 sizeof(S->stats->culprits) - strlen(S->stats->culprits), "%s%s%s",
			 S->stats->culprits[0] ? ", " : "", r->c->id, r->family == 6 ? " [ipv6]" : "");
		rs_done(S, r);
	}
	/* the others in flight, and those that waited for the probe: again, one at a time */
	for (i = 0; i < S->nact; i++) {
		S->retry = tc_xrealloc(S->retry, (size_t)(S->nretry + 1) * sizeof(*S->retry));
		S->retry[S->nretry++] = S->aitem[i];
		tc_conn_abort(S->act[i], TC_V_NOTRUN, "the target stopped");
		tc_conn_teardown(S->act[i]);
		tc_conn_free(S->act[i]);
	}
	S->nact = 0;
	for (i = 0; i < S->nheld; i++) {
		S->retry = tc_xrealloc(S->retry, (size_t)(S->nretry + 1) * sizeof(*S->retry));
		S->retry[S->nretry++] = S->hitem[i];
	}
	S->nheld = 0;
	for (i = 0; i < S->ngrace; i++) {       /* just ended: the target may have died of them */
		S->retry = tc_xrealloc(S->retry, (size_t)(S->nretry + 1) * sizeof(*S->retry));
		S->retry[S->nretry++] = S->gitem[i];
	}
	S->ngrace = 0;
	S->serial = 0;
	S->bs_res = NULL;       /* each case runs again alone: none beside another */
	S->bs_gone[0] = '\0';
	if (!S->o->revive || S->o->revive(S->o->arg, reason, sizeof(reason)) < 0) {
		snprintf(S->dead, sizeof(S->dead), "the target is not answering: %.160s (%.60s)", why,
			 S->o->revive ? reason : "it cannot be started again");
		return;
	}
	fprintf(stderr, "tcpconform: started the target again; the run goes on%s\n",
		S->nretry ? " (the cases in flight run again, one at a time)" : "");
}

static void stop_all(struct sched *S, enum tc_verdict v, const char *why)
{
	int i;

	release_grace(S, 1);
	for (i = 0; i < S->nact; i++)
		tc_conn_abort(S->act[i], v, why);
	if (S->probe) {                 /* the held cases keep their verdicts */
		tc_conn_abort(S->probe, TC_V_PASS, why);
		tc_conn_teardown(S->probe);
		tc_conn_free(S->probe);
		S->probe = NULL;
		for (i = 0; i < S->nheld; i++)
			rs_done(S, S->held[i]);
		S->nheld = 0;
	}
	reap(S);
}

/* adapt_turn - the number of cases at once, judged after a turn of events (adapt.h);
 * the CPU wait is read only when a window ends */
static void adapt_turn(struct sched *S)
{
	uint64_t now = tc_now_us(S->env->clock);

	if (now < S->adapt.t0 + TC_ADAPT_WINDOW_US)
		return;
	S->jobs = tc_adapt_turn(&S->adapt, now, S->drops, S->o->cpu_wait ? S->o->cpu_wait(S->o->arg) : 0);
	S->stats->jobs_peak = S->adapt.peak;
	S->stats->jobs_backoffs = S->adapt.backoffs;
	memcpy(S->stats->jobs_why, S->adapt.last_why, sizeof(S->stats->jobs_why));
}

int tc_sched_run(const struct tc_sched_item *items, int n, const struct tc_sched_opts *o,
		 struct tc_sched_stats *stats, char *err, size_t errlen)
{
	struct sched S = { .env = n ? items[0].env : NULL, .o = o, .stats = stats };
	struct tc_rng rng;
	uint16_t *port = tc_xcalloc((size_t)n + 1, sizeof(*port));
	int next = 0, jobs = o->jobs < 1 ? 1 : o->jobs, rc = 0, i, e;
	int cap = o->jobs_max > jobs ? o->jobs_max : jobs;     /* room for the most at once */

	memset(stats, 0, sizeof(*stats));
	tc_rng_seed(&rng, o->seed);
	S.act = tc_xcalloc((size_t)cap, sizeof(*S.act));
	S.ares = tc_xcalloc((size_t)cap, sizeof(*S.ares));
	S.adrop = tc_xcalloc((size_t)cap, sizeof(*S.adrop));
	S.aitem = tc_xcalloc((size_t)cap, sizeof(*S.aitem));
	S.items = items;
	S.retrying = -1;
	S.total = n;
	if (S.env && S.env->io->ops->drops)
		S.drops = S.env->io->ops->drops(S.env->io->ctx);
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
	S.rng = &rng;
	S.jobs = jobs;
	if (o->jobs_max > jobs && !S.env->clock->fake) {
		S.adapting = 1;
		tc_adapt_init(&S.adapt, TC_JOBS_MIN, o->jobs_max, jobs, tc_now_us(S.env->clock), S.drops,
			      o->cpu_wait ? o->cpu_wait(o->arg) : 0);
		stats->jobs_peak = S.adapt.peak;
	}
	while (next < n || S.nact > 0 || S.probe || S.nretry || S.ngrace) {
		if (o->stop && *o->stop) {
			stop_all(&S, TC_V_NOTRUN, "interrupted");
			rc = 1;
			break;
		}
		if (S.nretry && !S.nact && !S.probe && S.retrying < 0) {     /* again, alone */
			const struct tc_sched_item *it = &items[S.retry[0]];

			memmove(S.retry, S.retry + 1, (size_t)--S.nretry * sizeof(*S.retry));
			tc_result_free(it->r);
			tc_result_init(it->r, it->c);
			it->r->family = it->env->tg->family;
			if (S.dead[0] || it->env->next_port > it->env->port_hi) {
				it->r->verdict = TC_V_ERROR;
				tc_result_set_reason(it->r, "%s", S.dead[0] ? S.dead : "no tester port left to run it again");
				rs_done(&S, it->r);
			} else {
				S.retrying = (int)(it - items);
				S.serial = 1;
				start_one(&S, it, it->env->next_port++, &rng);
			}
		}
		if (S.adapting && S.nact >= S.jobs && next < n && !S.serial && !S.probe && !S.nretry)
			tc_adapt_full(&S.adapt);        /* cases wait for room */
		while (S.nact < S.jobs && next < n && !S.serial && !S.probe && !S.nretry) {     /* the probe first: is it alive? */
			const struct tc_sched_item *it = &items[next];
			const char *why = tc_case_unmet(it->c, it->env->tg);

			if (!why && !S.dead[0] && tc_runs_alone(it->c) && S.nact > 0) {
				if (!rs_beside_waits(&S, it->c))
					break;
				S.bs_res = it->r;
			}
			if (why || S.dead[0]) {
				it->r->verdict = why ? TC_V_SKIP : TC_V_ERROR;
				tc_result_set_reason(it->r, "%s", why ? why : S.dead);
				rs_done(&S, it->r);
			} else {
				start_one(&S, it, port[next], &rng);
			}
			next++;
		}
		reap(&S);
		if (!S.nact && !S.probe && !S.ngrace)
			continue;       /* (retries start at the top) */
		e = wait_events(&S, next_deadline(&S));
		if (e < 0) {
			stop_all(&S, TC_V_ERROR, S.err);
			tc_strlcpy(err, S.err, errlen);
			rc = -1;
			break;
		}
		if (o->health && !S.dead[0]) {
			char why[TC_ERRLEN];
			int alive = o->health(o->arg, why, sizeof(why));

			/* the agent's end comes a moment before its exit status */
			for (int t = 0; e == 1 && alive && t < 50; t++) {
				usleep(10000);
				alive = o->health(o->arg, why, sizeof(why));
			}
			if (!alive) {
				target_died(&S, why);
				continue;
			}
			if (e == 1) {   /* the agent channel or the link broke, the processes live */
				stop_all(&S, TC_V_ERROR, S.err);
				tc_strlcpy(err, S.err, errlen);
				rc = -1;
				break;
			}
		}
		if (e == 2) {   /* more frames wait: back to the top (the stop flag), then them */
			reap(&S);
			continue;
		}
		tick_all(&S);
		reap(&S);
		if (!S.dead[0])
			release_grace(&S, 0);
		else
			release_grace(&S, 1);
		if (S.adapting)
			adapt_turn(&S);
		if (o->on_progress)
			o->on_progress(o->arg, S.ares, S.nact, S.ndone, S.total);
	}
out:
	if (S.sc_n)
		rs_restore_sysctls(&S);
	if (S.probe_case)
		tc_result_free(&S.probe_res);
	tc_case_free(S.probe_case);
	free(S.held);
	free(S.hitem);
	free(S.grace);
	free(S.gitem);
	free(S.gdue);
	free(S.retry);
	free(S.aitem);
	free(port);
	free(S.act);
	free(S.ares);
	free(S.adrop);
	return rc;
}
