/* run: the cases that run alone. A case with @sysctl lines gets its values set in the
 * target's namespace before it starts and given back after; a case tagged serial may
 * start beside cases that only wait. */
#include "run/sched_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* rs_restore_sysctls - the target's namespace gets back the values the @sysctl lines of
 * the case that ran changed; what cannot be given back is noted in its result. */
void rs_restore_sysctls(struct sched *S)
{
	const struct tc_case *c = S->sc_res->c;
	char err[TC_ERRLEN];

	for (int i = S->sc_n - 1; i >= 0; i--)
		if (S->o->sysctl(S->o->arg, c->sysctl_key[i], S->sc_old[i], NULL, 0, err, sizeof(err)) < 0) {
			fprintf(stderr, "tcpconform: @sysctl of %s: %s was not given back its value '%s': %s\n",
				c->id, c->sysctl_key[i], S->sc_old[i], err);
			tc_result_add_note(S->sc_res, "@sysctl: %s was not given back its value '%s' (%s): the cases "
					   "after this one ran with its value", c->sysctl_key[i], S->sc_old[i], err);
		}
	S->sc_n = 0;
	S->sc_res = NULL;
}

/* rs_set_sysctls - the @sysctl values of @it's case, in the target's namespace: 0, or -1
 * when one cannot be set (then none is, and the case ends as an error that says why). */
int rs_set_sysctls(struct sched *S, const struct tc_sched_item *it)
{
	const struct tc_case *c = it->c;
	char err[TC_ERRLEN] = "nothing here can set it";
	int i;

	if (S->sc_n)            /* a case stopped before it could give them back */
		rs_restore_sysctls(S);
	S->sc_res = it->r;
	for (i = 0; i < c->nsysctl; i++) {
		if (!S->o->sysctl || S->o->sysctl(S->o->arg, c->sysctl_key[i], c->sysctl_val[i], S->sc_old[i],
						  sizeof(S->sc_old[i]), err, sizeof(err)) < 0)
			break;
		S->sc_n = i + 1;
	}
	if (i == c->nsysctl)
		return 0;
	if (S->sc_n)
		rs_restore_sysctls(S);
	S->sc_res = NULL;
	it->r->verdict = TC_V_ERROR;
	tc_result_set_reason(it->r, "%s:%d: @sysctl %s=%s cannot be set in the target's namespace: %s", c->file,
			     c->sysctl_line[i], c->sysctl_key[i], c->sysctl_val[i], err);
	rs_done(S, it->r);
	return -1;
}

/* A case tagged serial needs the target to itself: no other connection opened, no
 * other data moved, while it runs. Cases that only wait (a "wait" or "ignore" step:
 * the tester silent, nothing opened) leave it that, so it may start beside them when
 * each has QUIET_MIN_US of its wait yet: its own steps take seconds (a timer case
 * waiting three minutes would hold it back otherwise). Should one of them go on before
 * it ends, its failure is not judged (rs_beside_check). A case that sets sysctls or runs
 * last waits for an empty target. */
#define QUIET_MIN_US 30000000ULL

/* rs_beside_waits - @c may start now beside the running cases (all waiting long enough):
 * 1, with the first wait's end noted; 0 otherwise. */
int rs_beside_waits(struct sched *S, const struct tc_case *c)
{
	uint64_t now = tc_now_us(S->env->clock), until = UINT64_MAX;
	int who = -1;

	if (c->nsysctl || tc_case_has_tag(c, "last") || S->probe || S->nretry || S->ngrace || S->nheld)
		return 0;
	for (int i = 0; i < S->nact; i++) {
		uint64_t q = tc_conn_quiet_until(S->act[i]);

		if (q < now + QUIET_MIN_US)
			return 0;
		if (q < until) {
			until = q;
			who = i;
		}
	}
	S->bs_until = until;
	snprintf(S->bs_who, sizeof(S->bs_who), "%s%s", S->ares[who]->c->id, S->ares[who]->family == 6 ? " [ipv6]" : "");
	S->bs_gone[0] = '\0';
	return 1;
}

/* rs_beside_check - the serial case @r, which started beside waiting cases, ended: if one
 * of them went on before, a failure is not judged (the target was not its own). */
void rs_beside_check(struct sched *S, struct tc_result *r)
{
	const char *who = S->bs_gone[0] ? S->bs_gone : S->bs_who;
	char *was;

	S->bs_res = NULL;
	if (!S->bs_gone[0] && tc_now_us(S->env->clock) < S->bs_until)
		return;
	if (r->verdict == TC_V_PASS)
		tc_result_add_note(r, "it ran beside %s, which was waiting and went on before it ended", who);
	if (r->verdict != TC_V_FAIL)
		return;
	was = tc_xstrdup(r->reason ? r->reason : "");
	tc_result_set_reason(r, "this case runs alone but for cases that wait; %s was waiting when it started and "
			     "went on before it ended: not judged; it read: %.300s", who, was);
	r->verdict = TC_V_INCONCLUSIVE;
	free(was);
}
