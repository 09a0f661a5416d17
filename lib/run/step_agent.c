/* run: the agent's steps, and behind a proxy the case's own listener (tester/PROTOCOL.md). */
#include "run/steps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* listen_mode - behind a proxy, the agent's listener of this case's port kind (NULL:
 * the case needs none: a closed port, an active open, or a target with no proxy). */
const char *rn_listen_mode(const struct tc_conn *k)
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
uint32_t rn_next_request(struct tc_run_env *env)
{
	return env->agent_seq ? ++*env->agent_seq : ++env->next_agent_id;
}

/* agent_send - a request to the agent; 0, or -1 with the case's error set. */
int rn_agent_send(struct tc_conn *k, int line, const char *cmd)
{
	char err[TC_ERRLEN];
	struct tc_agentc *a = k->env->agent;

	k->agent_id = rn_next_request(k->env);
	if (a->ops->request(a->ctx, k->agent_id, cmd, err, sizeof(err)) < 0) {
		rn_error(k, "%s:%d: agent: %s", k->c->file, line, err);
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
	case TC_AG_INFO: snprintf(cmd, len, "info %u", k->tport); break;
	case TC_AG_CONNECT:
		tc_addr_format(&k->env->tg->tester, addr, sizeof(addr));
		snprintf(cmd, len, "connect %s %u", addr, k->tport);
		break;
	}
}

/* info_check - the TCP_INFO field of @st in the agent's info reply @text against the
 * step's value: 1 if it holds; 0 when it does not (a failure) or the agent reports no
 * such field (a stack without Linux's TCP_INFO: the case is skipped, saying so). */
static int info_check(struct tc_conn *k, const struct tc_step *st, const char *text, char *obs, size_t olen)
{
	size_t n = strlen(st->sarg);
	const char *p = text;
	unsigned long v;
	char *end;

	while ((p = strstr(p, st->sarg)) && ((p > text && p[-1] != ' ') || p[n] != '='))
		p += n;
	if (!p) {
		tc_result_set_reason(k->r, "%s:%d: the target's agent reports no '%s' (TCP_INFO is Linux's; this "
				     "stack's agent gives: %.200s): the case cannot run there", k->c->file, st->line,
				     st->sarg, text);
		rn_finish(k, TC_V_SKIP);
		return 0;
	}
	v = strtoul(p + n + 1, &end, 10);
	if (st->val.range ? v >= st->val.v && v <= st->val.hi : v == st->val.v)
		return 1;
	snprintf(obs, olen, "info %s %lu (as the target's kernel reports it)", st->sarg, v);
	rn_diverge(k, st, obs, NULL, TC_V_FAIL);
	return 0;
}

void rn_step_agent(struct tc_conn *k, const struct tc_step *st, int *wait)
{
	char cmd[128];
	struct tc_agentc *a = k->env->agent;

	if (k->agent_wait) {
		*wait = 1;
		return;
	}
	if (!a && (st->verb == TC_AG_RECEIVED || st->verb == TC_AG_EOF || st->verb == TC_AG_STATE ||
		   st->verb == TC_AG_INFO)) {
		tc_result_add_note(k->r, "line %d: '%s' not checked: the application is a service, not the agent",
				   st->line, st->text);
		rn_next_step(k);
		return;
	}
	if (!k->env->tg->have_agent && tc_step_closes(st) &&
	    (k->env->tg->fill == TC_FILL_HTTP || k->env->tg->banner)) {
		rn_service_close(k, st);
		return;
	}
	if (!k->env->tg->have_agent && st->verb == TC_AG_SEND && k->env->tg->fill == TC_FILL_HTTP) {
		rn_service_send(k, st);
		return;
	}
	if (!a) {
		rn_error(k, "%s:%d: no agent on this target", k->c->file, st->line);
		return;
	}
	/* behind a proxy, the application's abort after both sides closed (CLOSING,
	 * LAST-ACK, TIME-WAIT) meets a host-side socket already shut both ways: it never
	 * reaches the tested stack's connection */
	if (k->env->tg->listen_per_case && st->verb == TC_AG_ABORT &&
	    (k->trk.t.st == TC_ST_CLOSING || k->trk.t.st == TC_ST_LAST_ACK || k->trk.t.st == TC_ST_TIME_WAIT)) {
		tc_result_set_reason(k->r, "%s:%d: the target's agent cannot do '%s' in %s: behind a proxy the "
				     "application's abort reaches only the proxy's host-side socket, already closed",
				     k->c->file, st->line, st->text, tc_state_name(k->trk.t.st));
		rn_finish(k, TC_V_SKIP);
		return;
	}
	agent_cmd(k, st, cmd, sizeof(cmd));
	if (rn_agent_send(k, st->line, cmd) < 0)
		return;
	/* close() or a shutdown of the reading side: the application reads no more */
	if (st->verb == TC_AG_CLOSE || (st->verb == TC_AG_SHUTDOWN && strstr(st->sarg, "rd")))
		tc_track_rd_closed(&k->trk);
	/* forget; or abort where RFC 9293 3.10.5 deletes the TCB without a word */
	if (st->verb == TC_AG_FORGET ||
	    (st->verb == TC_AG_ABORT && (k->trk.t.st == TC_ST_CLOSING || k->trk.t.st == TC_ST_LAST_ACK ||
					k->trk.t.st == TC_ST_TIME_WAIT))) {
		k->trk.line = st->line;
		tc_track_forget(&k->trk);
	}
	k->agent_wait = 1;
	k->agent_t0 = rn_now(k);
	rn_arm(k, 10000000);       /* the agent's own waits are shorter */
	*wait = 1;
}

/* call_result - what the step says its call must give ("-> EPIPE", "-> 0" after take,
 * "took 200ms..400ms"): 0 when it did (or says nothing), -1 when the case failed here. */
static int call_result(struct tc_conn *k, const struct tc_step *st, int ok, const char *text)
{
	uint64_t took = rn_now(k) - k->agent_t0;
	char obs[200], why[120];

	if (st->want_err[0] && (ok || !strstr(text, st->want_err))) {
		snprintf(obs, sizeof(obs), "agent: %s%s%s", ok ? "ok" : "", ok && *text ? " " : "", text);
		snprintf(why, sizeof(why), "the call %s, not with %s", ok ? "succeeded" : "failed otherwise", st->want_err);
		rn_diverge(k, st, obs, why, TC_V_FAIL);
		return -1;
	}
	if (st->want_n_set && ok && strtoul(text, NULL, 10) != st->want_n) {
		snprintf(obs, sizeof(obs), "agent: ok %s", *text ? text : "0");
		snprintf(why, sizeof(why), "it read %lu bytes, expected %u", strtoul(text, NULL, 10), st->want_n);
		rn_diverge(k, st, obs, why, TC_V_FAIL);
		return -1;
	}
	if (st->took_set && (took < st->took_lo || took > st->took_hi)) {
		/* (a timed result: a busy machine's CPU wait may explain it, tc_result_judge_wait) */
		snprintf(obs, sizeof(obs), "agent: %s%s%s", ok ? "ok" : "", ok && *text ? " " : "", text);
		snprintf(why, sizeof(why), "it answered %llu ms after the step began, expected %llu..%llu ms",
			 (unsigned long long)took / 1000, (unsigned long long)st->took_lo / 1000,
			 (unsigned long long)st->took_hi / 1000);
		rn_diverge(k, st, obs, why, TC_V_FAIL);
		return -1;
	}
	return 0;
}

void tc_conn_agent_reply(struct tc_conn *k, uint32_t id, int ok, const char *text)
{
	const struct tc_step *st;
	char obs[160];

	if (!k->done && k->listen_wait && id == k->agent_id) {
		k->listen_wait = 0;
		k->ex.armed = 0;
		if (!ok) {
			rn_error(k, "the agent could not listen on port %u for this case: %s", k->tport, text);
			return;
		}
		rn_advance(k);
		return;
	}
	if (k->done || !k->agent_wait || id != k->agent_id)
		return;
	k->agent_wait = 0;
	st = &rn_cur(k)->steps[rn_cur(k)->pc];
	if (!ok && !strncmp(text, "unsupported", 11) && (!text[11] || text[11] == ':')) {
		/* the stack offers no such operation (tester/PROTOCOL.md): nothing to judge */
		const char *why = text[11] ? text + 12 : "";

		while (*why == ' ')
			why++;
		tc_result_set_reason(k->r, "%s:%d: the target's agent cannot do '%s'%s%s (the stack under test offers "
				     "no such operation: the case cannot run there)", k->c->file, st->line, st->text,
				     *why ? ": " : "", why);
		rn_finish(k, TC_V_SKIP);
		return;
	}
	if (call_result(k, st, ok, text) < 0)
		return;
	if (!ok && st->verb == TC_AG_STATE) {
		/* the query failed, not the target: the state is unknown, nothing is judged */
		rn_error(k, "%s:%d: the agent could not read the connection's state: %s", k->c->file, st->line, text);
		return;
	}
	if (!ok && !st->want_err[0]) {
		snprintf(obs, sizeof(obs), "agent: %s", text);
		rn_diverge(k, st, obs, NULL, TC_V_FAIL);
		return;
	}
	if (st->verb == TC_AG_STATE && strcmp(text, st->sarg)) {
		snprintf(obs, sizeof(obs), "state %s (as the target's kernel reports it)", text);
		rn_diverge(k, st, obs, NULL, TC_V_FAIL);
		return;
	}
	if (st->verb == TC_AG_INFO && info_check(k, st, text, obs, sizeof(obs)) <= 0)
		return;
	if (rn_check_state(k, st) == 0)
		rn_next_step(k);
	rn_advance(k);
}
