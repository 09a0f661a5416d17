/* run: sampled cases (@samples, @analyze): one run after another, judged together. */
#include "model/isn.h"
#include "run/steps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ISN_GAP_US 4000            /* a clock of 250 000 a second: 1000 ticks */
#define RETRY_GAP_US 2000000       /* before a run that departed is made again */
#define RETRIES 3                  /* such runs made again, in all, per case */
#define SETTLE_SLOW_US 100000      /* same-port: between a reset and the next SYN, after a retry */

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

	if (ok > 0) {
		tc_result_add_note(k->r, "%s", why);
		rn_finish(k, TC_V_PASS);
		return;
	}
	if (ok < 0) {           /* the samples cannot tell: not judged */
		tc_result_set_reason(k->r, "%s: %d samples: %s: not judged", k->c->file, k->sample, why);
		rn_finish(k, TC_V_INCONCLUSIVE);
		return;
	}
	free(k->r->div_expected);
	free(k->r->div_observed);
	k->r->div_line = k->c->line_id;
	k->r->div_expected = tc_xstrdup(want[k->c->analyze]);
	k->r->div_observed = tc_xstrdup(why);
	tc_result_set_reason(k->r, "%s: %d samples: %s", k->c->file, k->sample, why);
	rn_finish(k, TC_V_FAIL);
}

uint64_t rn_sample_gap(const struct tc_case *c, int sample, uint64_t settle_us)
{
	/* same-port: the reset that ended the run reaches the target before the next SYN
	 * does, on its own (a stack that reads its input in batches may drop what follows a
	 * reset in the same batch: passt's tcp_tap_handler() does) */
	uint64_t gap = c->same_port ? settle_us : 0;

	/* isn-clock: every other attempt after a pause several times longer than the gap
	 * between the others (tc_isn_clock() needs 3 times at least), so that the steps of a
	 * clock follow the time between attempts and those of a per-connection counter do
	 * not */
	if (c->analyze == TC_AN_ISN_CLOCK && sample % 2)
		gap = 4 * gap + ISN_GAP_US;
	return gap;
}

/* restart - the tester's side as at the case's start, for the next run (or the same one
 * again). 1 if the case ended instead (no tester port left). */
static int restart(struct tc_conn *k)
{
	k->torn_down = 0;
	k->bound = 0;
	k->have_rcv = 0;
	memset(&k->rep, 0, sizeof(k->rep));     /* a rate limit, a run, a silence: per connection */
	memset(&k->svc, 0, sizeof(k->svc));     /* a new connection: a new greeting, request... */
	k->isn_t = k->isn_t * 2654435761u + 0x9e3779b9u;
	k->snd_nxt_t = k->isn_t;
	if (!k->c->same_port) {
		if (!k->env->next_port || (k->env->port_hi && k->env->next_port > k->env->port_hi)) {
			rn_error(k, "%s: sample %d: no tester port left in the run's range", k->c->file,
				 k->sample + 1);
			return 1;
		}
		k->tport = k->env->next_port++;
	}
	tc_track_init(&k->trk, k->trk.path[0]);
	rn_exec_reset(k);
	return 0;
}

/* sample_done - one run of a sampled case ended: keep its ISN, start the next run
 * (on a new tester port unless same-port), or judge them all. 1 if the case goes on
 * or is judged, 0 if it ended some other way. */
int rn_sample_done(struct tc_conn *k)
{
	uint64_t gap;
	int i;

	if (!k->bound) {
		rn_error(k, "%s: sample %d: no SYN from the target bound its ISN", k->c->file,
			 k->sample + 1);
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
	if (restart(k))
		return 1;
	gap = rn_sample_gap(k->c, k->sample, k->settle_us);
	if (gap)
		k->gap_until = rn_now(k) + gap;
	return 1;
}

/* sample_retry - a run after the first departed from the case: make it again after a
 * pause, at most RETRIES times a case (a stack may still hold the 4-tuple that the run
 * before reset, or have dropped a SYN). 1 if it goes again, 0 if the retries are spent. */
int rn_sample_retry(struct tc_conn *k)
{
	struct tc_result *r = k->r;
	int i;

	if (k->retries >= RETRIES)
		return 0;
	k->retries++;
	tc_result_add_note(r, "sample %d of %d departed from the case (%s); made again after a %d s pause",
			   k->sample + 1, k->c->samples, r->reason ? r->reason : "", RETRY_GAP_US / 1000000);
	free(r->reason);
	free(r->div_expected);
	free(r->div_observed);
	r->reason = r->div_expected = r->div_observed = NULL;
	r->div_line = 0;
	tc_conn_teardown(k);
	if (k->sample >= 3) {
		for (i = k->trace_mark; i < r->ntrace; i++)
			tc_seg_free(&r->trace[i].seg);
		r->ntrace = k->trace_mark;
	}
	if (restart(k))
		return 1;
	k->gap_until = rn_now(k) + RETRY_GAP_US;
	rn_arm(k, RETRY_GAP_US);
	k->settle_us = SETTLE_SLOW_US;          /* and the runs after it wait longer */
	return 1;
}
