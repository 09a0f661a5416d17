/* Unit tests of verdicts that must blame the right cause: ECN checks that look at the
 * ECN field alone, replies captured before the segment they would answer, and an agent
 * that cannot do what a case asks. Offline, against the scripted peer. */
#include "t.h"

#include "case/build.h"
#include "replay.h"
#include "util/util.h"

#include <stdlib.h>

/* fails - the case (file @path, or @text) against @trace fails: the same trace without
 * what a test gives the run (a service, a cut frame) is the stack's own departure. */
static void fails(struct t_ctx *t, const char *path, const char *text, const char *trace, const char *file,
		  int line)
{
	struct replay r;

	if (replay_check(t, &r, path, text, trace, NULL, file, line))
		return;
	if (r.res.verdict != TC_V_FAIL)
		t_fail(t, file, line, "the verdict is %s, expected fail", tc_verdict_name(r.res.verdict));
	replay_free(&r);
}
#define FAILS(path, text, trace) fails(t, path, text, trace, __FILE__, __LINE__)

/* verdict_is - the case (file @path, or @text) against @trace ends with @verdict, its
 * reason holding @why. 0 with @r kept for more checks (the caller frees it), or -1. */
static int verdict_is(struct t_ctx *t, struct replay *r, const char *path, const char *text, const char *trace,
		      const char *verdict, const char *why, const char *file, int line)
{
	if (replay_check(t, r, path, text, trace, NULL, file, line))
		return -1;
	if (strcmp(tc_verdict_name(r->res.verdict), verdict))
		t_fail(t, file, line, "the verdict is %s, expected %s", tc_verdict_name(r->res.verdict), verdict);
	if (!r->res.reason || !strstr(r->res.reason, why))
		t_fail(t, file, line, "the reason is\n#   \"%s\"\n# without\n#   \"%s\"",
		       r->res.reason ? r->res.reason : "(none)", why);
	return 0;
}
#define VERDICT(r, path, text, trace, verdict, why) \
	verdict_is(t, r, path, text, trace, verdict, why, __FILE__, __LINE__)

/* RFC 3168 6.1.1 constrains the ECN field (the low two bits of the TOS byte), not the
 * DSCP: a SYN-ACK with DSCP 2 (tos 8) and Not-ECT passes every ECN case; one with
 * ECT(1) fails, and the diagnostic names the ECN field. */
void test_ecn_field_only(struct t_ctx *t)
{
	static const struct { const char *path, *trace; } c[] = {
		{ "testcases/ecn/setup_synack.tcp", "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460> tos 8\n> . 1:1(0)\n" },
		{ "testcases/ecn/setup_synack.tcp", "> S 0:0(0)\n< S.E 0:0(0) ack 1 <mss 1460> tos 8\n> . 1:1(0)\n" },
		{ "testcases/ecn/cwr_only_syn.tcp", "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460> tos 8\n> . 1:1(0)\n" },
		{ "testcases/ecn/ece_only_syn.tcp", "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460> tos 8\n> . 1:1(0)\n" },
		{ "testcases/ecn/ae_bit_syn.tcp", "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460> tos 8\n> . 1:1(0)\n" },
		{ "testcases/ecn/syn_ect_marked.tcp", "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460> tos 8\n> . 1:1(0)\n" },
		{ "testcases/ecn/no_ecn_without_setup.tcp", "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460> tos 8\n> . 1:1(0)\n"
		  "< P. 1:1001(1000) ack 1 tos 8\n< P. 1001:2001(1000) ack 1 tos 8\n> . 1:1(0) ack 2001\n" },
	};
	struct replay r;
	char tr[400];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		snprintf(tr, sizeof(tr), "%s", c[i].trace);    /* DSCP 2, Not-ECT: libslirp's */
		if (RUN(&r, c[i].path, NULL, tr, NULL))
			return;
		if (strcmp(tc_verdict_name(r.res.verdict), "pass"))
			t_fail(t, __FILE__, __LINE__, "%s with tos 8: %s: %s", c[i].path,
			       tc_verdict_name(r.res.verdict), r.res.reason ? r.res.reason : "");
		replay_free(&r);
	}
	/* DSCP 2 with ECT(1) on the SYN-ACK: the ECN field is wrong, and the reason says so */
	if (RUN(&r, "testcases/ecn/cwr_only_syn.tcp", NULL,
		"> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460> tos 9\n> . 1:1(0)\n", NULL))
		return;
	T_EQ_S(t, tc_verdict_name(r.res.verdict), "fail");
	T_EQ_S(t, r.res.reason, "testcases/ecn/cwr_only_syn.tcp:10: expected < S. 0:0(0) ack 1 <mss *, ...> ecn not-ect, "
	       "got S. 0:0(0) ack 1 win 65535 tos 9 <mss 1460> (ecn is ect1, expected not-ect; "
	       "tos 0x09, its DSCP 2 not compared)");
	replay_free(&r);
	/* CE marked data from the tester goes out as tos 3 */
	if (RUN(&r, "testcases/ecn/ce_echo.tcp", NULL,
		"> S 0:0(0)\n< S.E 0:0(0) ack 1 <mss 1460> tos 8\n> . 1:1(0)\n> P. 1:11(10)\n< .E 1:1(0) ack 11 tos 8\n"
		"> P. 11:21(10)\n< .E 1:1(0) ack 21\n> P.W 21:31(10)\n< . 1:1(0) ack 31\n> P. 31:41(10)\n"
		"< . 1:1(0) ack 41 tos 8\n", NULL))
		return;
	T_EQ_S(t, r.res.reason ? r.res.reason : "", "");
	T_EQ_S(t, tc_verdict_name(r.res.verdict), "pass");
	T_EQ_U(t, tc_fake_sent(r.peer, 2)->tos, 3);
	T_EQ_U(t, tc_fake_sent(r.peer, 3)->tos, 2);
	replay_free(&r);
}

/* whole_tos - the line of a "<" step of @st (or its branches) that compares the whole
 * tos byte, or 0. */
static int whole_tos(const struct tc_step *st, int n)
{
	int i, j, l;

	for (i = 0; i < n; i++) {
		if (st[i].kind == TC_STEP_EXPECT && st[i].seg.tos.set && !st[i].seg.tos.any)
			return st[i].line;
		for (j = 0; j < st[i].nbr; j++)
			if ((l = whole_tos(st[i].br[j].steps, st[i].br[j].nsteps)))
				return l;
	}
	return 0;
}

/* No shipped case compares the whole TOS byte of a reply unless it cites a rule on the
 * DSCP (RFC 2474): the ECN rules constrain the two ECN bits alone ('ecn'). */
void test_cases_tos_scope(struct t_ctx *t)
{
	struct tc_caseset set = { 0 };
	char err[TC_ERRLEN] = "";
	size_t i;

	T_EQ_U(t, tc_caseset_load_dir(&set, "testcases", NULL, NULL, err, sizeof(err)), 0);
	for (i = 0; i < set.n; i++) {
		const struct tc_case *c = set.v[i];
		int j, dscp = 0, l = whole_tos(c->steps, c->nsteps);

		for (j = 0; j < c->nrfc; j++)
			dscp |= !strncmp(c->rfc[j], "RFC2474", 7);
		if (l && !dscp)
			t_fail(t, __FILE__, __LINE__, "%s:%d: 'tos' compares the DSCP too; the rule speaks of the ECN "
			       "field: 'ecn'", c->file, l);
	}
	tc_caseset_free(&set);
}

/* A reply captured before the tester sent the segment a step waits on is not that
 * step's answer: it belongs to what came before. */
void test_replay_early_reply(struct t_ctx *t)
{
	struct replay r;
	char c[600];
	int i;

	/* The target's SYN-ACK and a stray ACK come together; the tester reads the ACK only
	 * after it has sent the third ACK and the data: captured 20 us before them, the ACK
	 * is not the duplicate ACK of the "dropped" alternative. */
	replay_early(0, 40);
	replay_early(1, 20);
	if (RUN(&r, "testcases/handshake/syn_with_data.tcp", NULL,
		"> S 0:100(100)\nwait 1ms\n< S. 0:0(0) ack 1 <mss 1460>\n< . 1:1(0) ack 1\n> . 101:101(0)\n"
		"> P. 101:111(10)\n< . 1:1(0) ack 111\n", NULL))
		return;
	T_EQ_S(t, tc_verdict_name(r.res.verdict), "fail");
	T_EQ_S(t, r.res.reason, "testcases/handshake/syn_with_data.tcp:10: expected nothing more before line 11 is sent, "
	       "got . 1:1(0) ack 1 win 65535 (captured 20 us before the segment of line 11 was sent: it cannot "
	       "answer it, nor any step after it)");
	T_EQ_S(t, r.res.alternative, "");
	/* the trace runs in time order: the stray ACK before the third ACK */
	T_OK(t, r.res.ntrace >= 4);
	for (i = 1; i < r.res.ntrace; i++)
		T_OK(t, r.tr[i - 1].seg.t_us <= r.tr[i].seg.t_us);
	T_EQ_U(t, r.tr[2].seg.dir, TC_DIR_IN);
	T_EQ_S(t, r.tr[2].note ? r.tr[2].note : "", "unexpected");
	T_EQ_U(t, r.tr[2].line, 10);
	T_EQ_U(t, r.tr[3].line, 11);
	replay_free(&r);

	/* captured inside a "< nothing 100ms" window, read after the next send: that step
	 * fails, not the one that was waiting when it was read */
	snprintf(c, sizeof(c), "%s", "@id f\n@title T\n@rfc R\n@level MUST\n> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0) ack 1\n"
		 "< nothing 100ms\n> P. 1:2(1) ack 1\n< . 1:1(0) ack 2\n< nothing 50ms\n");
	replay_early(1, 2000);
	if (RUN(&r, NULL, c, "> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0)\nwait 101ms\n< . 1:1(0) ack 1\n> P. 1:2(1)\n"
		"< . 1:1(0) ack 2\n", NULL))
		return;
	T_EQ_S(t, tc_verdict_name(r.res.verdict), "fail");
	T_EQ_S(t, r.res.reason, "r.tcp:8: expected < nothing 100ms, got . 1:1(0) ack 1 win 65535 (captured 99 ms after "
	       "this step began, inside its window; it reached the tester after line 9 was sent)");
	replay_free(&r);

	/* data is the target's own: the second segment of a burst, captured before the
	 * tester's ACK of the first, is still the segment the next step expects */
	snprintf(c, sizeof(c), "%s", "@id f\n@title T\n@rfc R\n@level MUST\n> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0) ack 1\n"
		 "> P. 1:2(1) ack 1\n< P. 1:2(1) ack 2\n> . 2:2(0) ack 2\n< P. 2:3(1) ack 2\n");
	replay_early(1, 10);
	replay_early(2, 5);
	if (RUN(&r, NULL, c, "> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0)\n> P. 1:2(1)\nwait 1ms\n< P. 1:2(1) ack 2\n"
		"< P. 2:3(1) ack 2\n> . 2:2(0)\n", NULL))
		return;
	T_EQ_S(t, r.res.reason ? r.res.reason : "", "");
	T_EQ_S(t, tc_verdict_name(r.res.verdict), "pass");
	replay_free(&r);
}

/* "ID err unsupported: WHY" (tester/PROTOCOL.md): the stack cannot do what the case
 * asks; the case is skipped with the agent's reason, never failed. Any other "err" is
 * still the case's finding. */
void test_replay_agent_unsupported(struct t_ctx *t)
{
	static const char *tr = "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n> . 1:1(0)\n< P. 1:4(3) ack 1 \"abc\"\n"
				"> . 1:1(0) ack 4\n";
	struct replay r;

	replay_agent_reply("unsupported: lwIP's raw API has no urgent data to send");
	if (RUN(&r, "testcases/urgent/send_pointer_semantics.tcp", NULL, tr, "urgent"))
		return;
	T_EQ_S(t, tc_verdict_name(r.res.verdict), "skip");
	T_EQ_S(t, r.res.reason, "testcases/urgent/send_pointer_semantics.tcp:18: the target's agent cannot do 'agent urgent': "
	       "lwIP's raw API has no urgent data to send (the stack under test offers no such operation: the case "
	       "cannot run there)");
	T_OK(t, r.res.div_observed == NULL);
	replay_free(&r);

	replay_agent_reply("unsupported");
	if (RUN(&r, "testcases/urgent/send_pointer_semantics.tcp", NULL, tr, "urgent"))
		return;
	T_EQ_S(t, tc_verdict_name(r.res.verdict), "skip");
	T_OK(t, r.res.reason && strstr(r.res.reason, ":18: the target's agent cannot do 'agent urgent' (the stack"));
	replay_free(&r);

	/* a word that only starts like it is another error: the case fails as before */
	replay_agent_reply("unsupportedly broken");
	if (RUN(&r, "testcases/urgent/send_pointer_semantics.tcp", NULL, tr, "urgent"))
		return;
	T_EQ_S(t, tc_verdict_name(r.res.verdict), "fail");
	replay_free(&r);
}

/* An echo port played by a service (--service echo, no agent): silence where the echo
 * is due may be the service's, not the stack's; inconclusive, saying so. With the
 * agent (which echoes), the same silence is the stack's failure. */
void test_service_silence(struct t_ctx *t)
{
	static const char *tr = "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n> . 1:1(0)\n> P. 1:2(1)\n< . 1:1(0) ack 2\n";
	struct replay r;

	replay_service();
	if (VERDICT(&r, "testcases/data/echo.tcp", NULL, tr, "inconclusive",
		    "got nothing within 1000 ms (the echo service sent nothing: a "
		    "service that does not echo, not the stack, may be the cause)"))
		return;
	replay_free(&r);
	FAILS("testcases/data/echo.tcp", NULL, tr);
}

/* A banner service greets once the connection is up: the tester takes the greeting,
 * acknowledges it, and the case's numbers count from after it. What the service does
 * on its own later (a close) makes a divergence inconclusive; the stack's own (a reset
 * where a challenge ACK is due) still fails. */
void test_service_banner(struct t_ctx *t)
{
	static const char *c = "@id a.b\n@title T\n@rfc RFC5961 4.2\n@level MUST\n@port listen\n"
			       "> S 0:0(0) win 65535 <mss 1460, nop, nop, TS val 700 ecr 0>\n"
			       "< S. 0:0(0) ack 1 <mss *, TS val * ecr 700>\n"
			       "> . 1:1(0) ack 1 win 900 <nop, nop, TS val 701 ecr *>\n"
			       "> S 0:0(0) win 65535 <mss 1460, nop, nop, TS val 702 ecr 0>\n"
			       "< . 1:1(0) ack 1 <TS val * ecr 702>\n";
	static const char *head = "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460, nop, nop, TS val 50 ecr 700>\n> . 1:1(0)\n";
	char tr[600];
	struct replay r;
	const struct tc_seg *a;

	/* the greeting in two pieces, up to its line end; then the challenge ACK at SND.NXT */
	snprintf(tr, sizeof(tr), "%s< P. 1:5(4) ack 1 <nop, nop, TS val 51 ecr 701> \"SSH-\"\n"
		 "< P. 5:10(5) ack 1 <nop, nop, TS val 52 ecr 701> \"2.0\\r\\n\"\n"
		 "> . 1:1(0)\n> S 0:0(0)\n< . 10:10(0) ack 1 <nop, nop, TS val 53 ecr 702>\n", head);
	replay_banner();
	if (RUN(&r, NULL, c, tr, NULL))
		return;
	T_EQ_S(t, tc_verdict_name(r.res.verdict), "pass");
	T_OK(t, r.res.notes && strstr(r.res.notes, "the banner service's greeting (9 bytes) was acknowledged"));
	T_EQ_S(t, r.tr[3].note, "banner");
	T_EQ_S(t, r.tr[4].note, "banner");
	T_EQ_S(t, r.tr[5].note, "banner acknowledged");
	a = &r.tr[5].seg;
	T_EQ_U(t, a->flags, TC_ACK);
	T_EQ_U(t, a->ack, 4294967000u + 10);    /* all of it: the replay's target ISN + 1 + 9 */
	T_EQ_U(t, a->win, 900);                 /* the window and TSval of the case's last segment */
	T_OK(t, tc_opt_find(a, TC_OPT_TS) && tc_opt_find(a, TC_OPT_TS)->v.ts.val == 701 &&
		tc_opt_find(a, TC_OPT_TS)->v.ts.ecr == 52);
	replay_free(&r);

	/* the same trace, with no banner service: the greeting is data the case did not expect */
	FAILS(NULL, c, tr);

	/* the stack resets where the challenge ACK is due: its own failure */
	snprintf(tr, sizeof(tr), "%s< P. 1:5(4) ack 1 \"hi\\r\\n\"\n> . 1:1(0)\n> S 0:0(0)\n< R 5:5(0)\n", head);
	replay_banner();
	FAILS(NULL, c, tr);

	/* the service closes instead: inconclusive, saying so */
	snprintf(tr, sizeof(tr), "%s< P. 1:5(4) ack 1 \"hi\\r\\n\"\n> . 1:1(0)\n> S 0:0(0)\n< F. 5:5(0) ack 1\n", head);
	replay_banner();
	if (VERDICT(&r, NULL, c, tr, "inconclusive",
		    "(the banner service closed its side (FIN): the service, not the "
		    "stack, may be the cause)"))
		return;
	replay_free(&r);

	/* no greeting at all */
	replay_banner();
	if (VERDICT(&r, NULL, c, head, "inconclusive",
		    "the banner service sent no greeting within 3 s"))
		return;
	replay_free(&r);

	/* ISS names the case's ISS: the greeting counts as the SYN's. The greeting's ACK goes
	 * at the target's RCV.NXT, not after a stray SYN the case sent out of its window */
	{
		static const char *c2 = "@id a.b\n@title T\n@rfc RFC9293 3.10.7.3\n@level MUST\n@port listen\n"
					"> S 0:0(0) win 65535\n< S. 0:0(0) ack 1 <mss *, ...>\n"
					"> S 70000:70000(0) win 65535\n< . ISS+1:ISS+1(0) ack 1\n> . 1:1(0) ack 1\n"
					"> P. 1:11(10) ack 1\n< . ISS+1:ISS+1(0) ack 11\n";

		snprintf(tr, sizeof(tr), "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n> S 70000:70000(0)\n"
			 "< . 1:1(0) ack 1\n> . 1:1(0)\n< P. 1:4(3) ack 1 \"hi\\n\"\n> . 1:1(0)\n> P. 1:11(10)\n"
			 "< . 4:4(0) ack 11\n");
		replay_banner();
		if (RUN(&r, NULL, c2, tr, NULL))
			return;
		T_EQ_S(t, tc_verdict_name(r.res.verdict), "pass");
		T_EQ_S(t, r.tr[6].note, "banner acknowledged");
		T_EQ_U(t, r.tr[6].seg.seq, r.res.tester_isn + 1);
		replay_free(&r);
	}
}

/* A web server that answers the request the tester's data was meant to keep open: the
 * divergence is the service's, quoted; without the answer, the same step fails. */
void test_service_http_answer(struct t_ctx *t)
{
	static const char *tr = "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n> . 1:1(0)\n> P. 1:101(100)\n"
				"< P. 1:25(24) ack 101 \"HTTP/1.1 400 Bad Request\"\n";
	struct replay r;

	replay_http();
	if (VERDICT(&r, "testcases/data/in_order_acked.tcp", NULL, tr, "inconclusive",
		    "(the http service answered the tester's request that never ends "
		    "('HTTP/1.1 400 Bad Request'): the service, not the stack, may be the cause)"))
		return;
	/* and the tester's data was the request's first bytes */
	T_OK(t, tc_fake_nsent(r.peer) >= 3 && tc_fake_sent(r.peer, 2)->payload_len == 100 &&
		!memcmp(tc_seg_payload(tc_fake_sent(r.peer, 2)), "GET / HTTP", 10));
	replay_free(&r);
	FAILS("testcases/data/in_order_acked.tcp", NULL, tr);
}

/* The send port over a web server: once the connection is up the tester sends the
 * request whose answer is the port's bytes, takes the request's own ACK, and counts
 * its numbers from after it; the case reads as written. */
void test_service_http_send(struct t_ctx *t)
{
	static const char *c = "@id a.b\n@title T\n@rfc RFC9293 3.7.1\n@level MUST\n@port send\n"
			       "> S 0:0(0) win 65535 <mss 1000>\n< S. 0:0(0) ack 1 <mss *, ...>\n"
			       "> . 1:1(0) ack 1 win 3000\n< P?. 1:1001(1000) ack 1\n< P?. 1001:2001(1000) ack 1\n"
			       "> . 1:1(0) ack 2001\n> P. 1:11(10) ack 2001\n< . 2001:2001(0) ack 11\n";
	static const char *tr = "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n> . 1:1(0)\n> P. 1:21(20)\n"
				"< . 1:1(0) ack 21\n< P. 1:1001(1000) ack 21\n< P. 1001:2001(1000) ack 21\n"
				"> . 21:21(0)\n> P. 21:31(10)\n< . 2001:2001(0) ack 31\n";
	struct replay r;
	const struct tc_seg *q;
	uint32_t isn;

	T_EQ_U(t, strlen(REPLAY_REQUEST), 20);
	replay_http();
	if (RUN(&r, NULL, c, tr, NULL))
		return;
	T_EQ_S(t, tc_verdict_name(r.res.verdict), "pass");
	T_EQ_S(t, r.tr[3].note, "request");
	q = &r.tr[3].seg;
	isn = tc_fake_sent(r.peer, 0)->seq;
	T_EQ_U(t, q->seq, isn + 1);
	T_EQ_U(t, q->flags, TC_ACK | TC_PSH);
	T_EQ_U(t, q->win, 3000);
	T_OK(t, q->payload_len == 20 && !memcmp(tc_seg_payload(q), REPLAY_REQUEST, 20));
	T_EQ_S(t, r.tr[4].note, "request acknowledged");
	T_EQ_U(t, r.res.tester_isn, isn + 20);
	T_OK(t, r.res.notes && strstr(r.res.notes, "its request (20 bytes, a range of its page whose whole answer is "
				      "2000 bytes) went out"));
	/* the case's data after it: the next request's first bytes (a web server waits) */
	q = tc_fake_sent(r.peer, 4);
	T_OK(t, q && q->seq == isn + 21 && q->payload_len == 10 && !memcmp(tc_seg_payload(q), "GET / HTTP", 10));
	replay_free(&r);

	/* with the agent there is no request: the same trace departs */
	FAILS(NULL, c, tr);
}

/* A web server that reads the request only after it answered: its window update (the
 * same acknowledgment, a larger window, after the answer) is the request's doing, not
 * a step's; a pure ACK that offers no more window is the steps' to judge. */
void test_service_http_window_update(struct t_ctx *t)
{
	static const char *c = "@id a.b\n@title T\n@rfc RFC9293 3.7.1\n@level MUST\n@port send\n"
			       "> S 0:0(0) win 65535 <mss 1000>\n< S. 0:0(0) ack 1 <mss *, ...>\n"
			       "> . 1:1(0) ack 1\n< P?. 1:1001(1000) ack 1\n< P?. 1001:2001(1000) ack 1\n"
			       "> . 1:1(0) ack 2001\n< nothing 100ms\n";
	static const char *upd = "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n> . 1:1(0)\n> P. 1:21(20)\n"
				 "< P. 1:1001(1000) ack 21 win 1000\n< P. 1001:2001(1000) ack 21 win 1000\n"
				 "< . 2001:2001(0) ack 21 win 64000\n> . 21:21(0)\n";
	static const char *dup = "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n> . 1:1(0)\n> P. 1:21(20)\n"
				 "< P. 1:1001(1000) ack 21 win 1000\n< P. 1001:2001(1000) ack 21 win 1000\n"
				 "< . 2001:2001(0) ack 21 win 1000\n> . 21:21(0)\n";
	struct replay r;

	replay_http();
	if (RUN(&r, NULL, c, upd, NULL))
		return;
	T_EQ_S(t, tc_verdict_name(r.res.verdict), "pass");
	T_EQ_S(t, r.tr[7].note, "window update: the request read");
	replay_free(&r);
	replay_http();
	if (RUN(&r, NULL, c, dup, NULL))
		return;
	T_EQ_S(t, tc_verdict_name(r.res.verdict), "fail");
	replay_free(&r);
}

/* A frame of the target's that says more bytes than were captured: cut by the capture
 * (longer than the link carries: segments merged on this host) is the tester's side,
 * inconclusive with its cause; sent short by the target, it is the target's, a fail. */
void test_merged_frame(struct t_ctx *t)
{
	static const char *tr = "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n> . 1:1(0)\n> P. 1:101(100)\n"
				"< . 1:1(0) ack 101 iplen 2040\n";
	struct replay r;

	replay_cut(5);
	if (VERDICT(&r, "testcases/data/in_order_acked.tcp", NULL, tr, "inconclusive",
		    "(a frame of the target's says 2040 bytes, more than were "
		    "captured: segments merged on this host (GRO or LRO on the tester's interface"))
		return;
	replay_free(&r);
	if (VERDICT(&r, "testcases/data/in_order_acked.tcp", NULL, tr, "fail",
		    "malformed: IPv4 total length 2040 exceeds"))
		return;
	replay_free(&r);
}

/* A remote host whose listener went away answers SYNs with resets: the case that met
 * the first one waits for the probe, whose reset says what listened there is gone, and
 * ends as an error naming it. When the probe gets its SYN-ACK, the failure stands. */
void test_listener_gone(struct t_ctx *t)
{
	struct replay r;

	replay_watched();
	if (RUN(&r, "testcases/handshake/syn_ack_basic.tcp", NULL,
		"> S 0:0(0)\n< R. 0:0(0) ack 1\n> S 0:0(0)\n< R. 0:0(0) ack 1\n", NULL))
		return;
	T_EQ_S(t, tc_verdict_name(r.res.verdict), "error");
	T_OK(t, r.res.reason && strstr(r.res.reason, "the target is not answering: its listening port answers a SYN "
		    "with a reset: what listened there is gone"));
	replay_free(&r);
	replay_watched();
	if (RUN(&r, "testcases/handshake/syn_ack_basic.tcp", NULL,
		"> S 0:0(0)\n< R. 0:0(0) ack 1\n> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n", NULL))
		return;
	T_EQ_S(t, tc_verdict_name(r.res.verdict), "fail");
	replay_free(&r);
}

/* The agent's close played by a web server: the tester ends its request asking for a
 * close, takes and acknowledges the answer, and both sides' numbers count from after
 * them; new data after that close may get a reset (a half-duplex close). With the
 * agent, the same trace departs (no request went out). */
void test_service_http_close(struct t_ctx *t)
{
	static const char *c = "@id a.b\n@title T\n@rfc RFC9293 3.6.1\n@level SHOULD\n@port discard\n"
			       "> S 0:0(0) win 65535 <mss 1460>\n< S. 0:0(0) ack 1 <mss *, ...>\n"
			       "> . 1:1(0) ack 1\nagent shutdown wr\n< F. 1:1(0) ack 1 => FIN-WAIT-1\n"
			       "> . 1:1(0) ack 2 => FIN-WAIT-2\n> P. 1:11(10) ack 2\n< model\n";
	static const char *tr = "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n> . 1:1(0)\n> P. 1:65(64)\n"
				"< P. 1:101(100) ack 65\n> . 65:65(0)\n< F. 101:101(0) ack 65\n> . 65:65(0)\n"
				"> P. 65:75(10)\n< R 102:102(0)\n";
	char want[96];
	struct replay r;
	const struct tc_seg *q;
	size_t n = tc_fill_close(0, want, sizeof(want));

	T_EQ_U(t, n, 64);
	replay_http();
	if (RUN(&r, NULL, c, tr, NULL))
		return;
	T_EQ_S(t, tc_verdict_name(r.res.verdict), "pass");
	T_EQ_S(t, r.res.alternative, "half-duplex");
	q = tc_fake_sent(r.peer, 2);
	T_OK(t, q && q->payload_len == 64 && !memcmp(tc_seg_payload(q), want, 64));
	T_EQ_S(t, r.tr[3].note, "request for a close");
	T_EQ_S(t, r.tr[4].note, "answer");
	T_EQ_S(t, r.tr[5].note, "answer acknowledged");
	q = tc_fake_sent(r.peer, 3);
	T_OK(t, q && q->ack == r.tr[4].seg.seq + 100 && q->payload_len == 0);
	T_OK(t, r.res.notes && strstr(r.res.notes, "line 9: 'agent shutdown wr' is the http service's: the tester "
				      "ended its request (64 bytes)"));
	replay_free(&r);
	FAILS(NULL, c, tr);
	/* the request's ACK read after the answer (a window update once the server read
	 * it): the tester's, not the steps'; the same ACK after the FIN, numbered after
	 * the answer, is the steps' (a reply to nothing: the case fails) */
	replay_http();
	if (RUN(&r, NULL, c, "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n> . 1:1(0)\n> P. 1:65(64)\n"
		"< P. 1:101(100) ack 65\n> . 65:65(0)\n< . 1:1(0) ack 65\n< F. 101:101(0) ack 65\n> . 65:65(0)\n"
		"> P. 65:75(10)\n< R 102:102(0)\n", NULL))
		return;
	T_EQ_S(t, tc_verdict_name(r.res.verdict), "pass");
	T_EQ_S(t, r.tr[6].note, "request acknowledged");
	replay_free(&r);
	replay_http();
	FAILS(NULL, c, "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n> . 1:1(0)\n> P. 1:65(64)\n"
	      "< P. 1:101(100) ack 65\n> . 65:65(0)\n< . 101:101(0) ack 65\n< F. 101:101(0) ack 65\n");
}

/* A web server drawn to close on the tester's FIN may send its FIN with the ACK of the
 * tester's: the segment meets the ACK's step and then the FIN's after the case's close.
 * Without a close next in the case, the same segment is the service's doing. */
void test_service_http_fin_acks(struct t_ctx *t)
{
	static const char *c = "@id a.b\n@title T\n@rfc RFC9293 3.10.7.4\n@level MUST\n@port listen\n"
			       "> S 0:0(0) win 65535 <mss 1460>\n< S. 0:0(0) ack 1 <mss *, ...>\n"
			       "> . 1:1(0) ack 1\n> F. 1:1(0) ack 1\n< . 1:1(0) ack 2 => CLOSE-WAIT\n"
			       "agent close\n< F. 1:1(0) ack 2 => LAST-ACK\n> . 2:2(0) ack 2\n";
	static const char *tr = "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n> . 1:1(0)\n> F. 1:1(0)\n"
				"< F. 1:1(0) ack 2\n> . 2:2(0)\n";
	struct replay r;

	replay_http();
	if (RUN(&r, NULL, c, tr, NULL))
		return;
	T_EQ_S(t, tc_verdict_name(r.res.verdict), "pass");
	T_EQ_S(t, r.tr[4].note, "ACK on the service's FIN");
	T_OK(t, r.res.notes && strstr(r.res.notes, "line 10: the ACK of the tester's FIN came on the http service's "
				      "FIN (it closed at once): the segment is taken for line 10, then for line 12"));
	replay_free(&r);
	/* the case's close not next: the service's FIN came sooner, its own doing */
	replay_http();
	if (!VERDICT(&r, NULL, "@id a.b\n@title T\n@rfc RFC9293 3.10.7.4\n@level MUST\n@port listen\n"
		"> S 0:0(0) win 65535 <mss 1460>\n< S. 0:0(0) ack 1 <mss *, ...>\n> . 1:1(0) ack 1\n"
		"> F. 1:1(0) ack 1\n< . 1:1(0) ack 2 => CLOSE-WAIT\n> . 2:2(0) ack 1\nagent close\n"
		"< F. 1:1(0) ack 2\n", tr, "inconclusive",
		"the http service closed its side (FIN) on the tester's FIN, sooner than the case's application would"))
		replay_free(&r);

	/* and the plain ACK of the tester's FIN, numbered before the service's FIN, captured
	 * after it (two CPUs): not a step's */
	replay_http();
	if (RUN(&r, NULL, "@id a.b\n@title T\n@rfc RFC9293 3.10.7.4\n@level MUST\n@port listen\n"
		"> S 0:0(0) win 65535 <mss 1460>\n< S. 0:0(0) ack 1 <mss *, ...>\n> . 1:1(0) ack 1\n"
		"> F. 1:1(0) ack 1\n< . 1:1(0) ack 2 => CLOSE-WAIT\nagent close\n< F. 1:1(0) ack 2 => LAST-ACK\n"
		"< nothing 50ms\n> . 2:2(0) ack 2\n",
		"> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n> . 1:1(0)\n> F. 1:1(0)\n"
		"< F. 1:1(0) ack 2\n< . 1:1(0) ack 2\n> . 2:2(0)\n", NULL))
		return;
	T_EQ_S(t, tc_verdict_name(r.res.verdict), "pass");
	T_EQ_S(t, r.tr[5].note, "the ACK of the tester's FIN, overtaken by the service's FIN");
	replay_free(&r);
	FAILS(NULL, c, tr);
}

/* The agent's 'send N' played by a web server: a request whose whole answer is N bytes,
 * the tester's numbers counted from after it; the answer is the case's data, not the
 * service speaking. An N it has no request for skips, saying why. */
void test_service_http_sized(struct t_ctx *t)
{
	static const char *c = "@id a.b\n@title T\n@rfc RFC9293 3.8.6.2\n@level MUST\n@port discard\n"
			       "> S 0:0(0) win 65535 <mss 1460>\n< S. 0:0(0) ack 1 <mss *, ...>\n"
			       "> . 1:1(0) ack 1\nagent send 300\n< P?. 1:301(300) ack 1\n> . 1:1(0) ack 301\n"
			       "< nothing 100ms\n";
	static const char *tr = "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n> . 1:1(0)\n> P. 1:20(19)\n"
				"< P. 1:301(300) ack 20\n> . 20:20(0)\n";
	struct replay r;
	const struct tc_seg *q;
	struct tc_case *k;
	char text[600], err[TC_ERRLEN];

	replay_http();
	if (RUN(&r, NULL, c, tr, NULL))
		return;
	T_EQ_S(t, tc_verdict_name(r.res.verdict), "pass");
	q = tc_fake_sent(r.peer, 2);
	T_OK(t, q && q->payload_len == 19 && !memcmp(tc_seg_payload(q), REPLAY_SIZED, 19));
	T_EQ_S(t, r.tr[3].note, "request for the application's bytes");
	T_EQ_U(t, r.res.tester_isn, tc_fake_sent(r.peer, 0)->seq + 19);
	T_OK(t, r.res.notes && strstr(r.res.notes, "line 9: 'agent send 300' is the http service's: the tester sent "
				      "a request (19 bytes, a range of its page) whose whole answer is 300 bytes"));
	replay_free(&r);
	/* a quick ACK of the request, then a window update once the server read it: both
	 * the tester's, before the answer */
	replay_http();
	if (RUN(&r, NULL, c, "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n> . 1:1(0)\n> P. 1:20(19)\n"
		"< . 1:1(0) ack 20\n< . 1:1(0) ack 20\n< P. 1:301(300) ack 20\n> . 20:20(0)\n", NULL))
		return;
	T_EQ_S(t, tc_verdict_name(r.res.verdict), "pass");
	T_EQ_S(t, r.tr[4].note, "request acknowledged");
	T_EQ_S(t, r.tr[5].note, "request acknowledged");
	replay_free(&r);
	replay_http();
	/* the answer past what was asked for is the service's own doing */
	if (!VERDICT(&r, NULL, c, "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n> . 1:1(0)\n> P. 1:20(19)\n"
		     "< P. 1:401(400) ack 20\n", "inconclusive",
		     "(the http service answered the tester's request that never ends ("))
		replay_free(&r);
	replay_http();
	/* the answer asked for is not the service speaking: a failure after it stands */
	if (!VERDICT(&r, NULL, c, "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n> . 1:1(0)\n> P. 1:20(19)\n"
		     "< P. 1:301(300) ack 20\n> . 20:20(0)\n< . 301:301(0) ack 20\n", "fail",
		     "expected < nothing 100ms, got . 301:301(0) ack 1"))
		replay_free(&r);
	/* with the agent, the agent sends: no request goes out */
	if (RUN(&r, NULL, c, tr, NULL))
		return;
	q = tc_fake_sent(r.peer, 2);
	T_OK(t, !q || q->payload_len != 19);
	T_OK(t, !r.res.notes || !strstr(r.res.notes, "is the http service's"));
	replay_free(&r);
	/* a size the server cannot answer with */
	snprintf(text, sizeof(text), "%s", c);
	memcpy(strstr(text, "send 300"), "send 10 ", 8);
	k = tc_case_parse("r.tcp", text, strlen(text), err, sizeof(err));
	T_OK(t, k != NULL);
	if (k) {
		struct tc_target tg = { .family = 4, .fill = TC_FILL_HTTP };
		static const struct tc_sized sized[] = { { 10, NULL, REPLAY_NO_10 } };

		tg.ports[TC_PORT_DISCARD] = tg.ports[TC_PORT_LISTEN] = 80;
		tg.sized = sized;
		tg.nsized = 1;
		T_EQ_S(t, tc_case_unmet(k, &tg), REPLAY_NO_10);
		tg.nsized = 0;
		T_EQ_S(t, tc_case_unmet(k, &tg), "needs the target-side agent, or a web server's answer of the bytes "
			"the application sends");
		tg.fill = TC_FILL_PATTERN;
		T_EQ_S(t, tc_case_unmet(k, &tg), "needs the target-side agent");
		tc_case_free(k);
	}
}

/* A banner service drawn to close: an SSH server by a line that is not an SSH
 * identification, another (SMTP, FTP) by QUIT; its answer taken, then its FIN. */
void test_service_banner_close(struct t_ctx *t)
{
	static const char *c = "@id a.b\n@title T\n@rfc RFC9293 3.6.1\n@level SHOULD\n@port discard\n"
			       "> S 0:0(0) win 65535 <mss 1460>\n< S. 0:0(0) ack 1 <mss *, ...>\n"
			       "> . 1:1(0) ack 1\nagent close\n< F. 1:1(0) ack 1 => FIN-WAIT-1\n"
			       "> . 1:1(0) ack 2 => FIN-WAIT-2\n";
	static const struct {
		const char *greeting, *line, *answer;
	} srv[] = {
		{ "SSH-2.0-x\\r\\n", "tcpconform\r\n", "Invalid SSH identification string.\\r\\n" },
		{ "220 mail\\r\\n", "QUIT\r\n", "221 Bye\\r\\n" },
	};
	char tr[800];
	struct replay r;
	const struct tc_seg *q;
	size_t i, gl, ll, al;

	for (i = 0; i < sizeof(srv) / sizeof(srv[0]); i++) {
		gl = strlen(srv[i].greeting) - 2;       /* its "\\r\\n" is 2 bytes written as 4 */
		ll = strlen(srv[i].line);
		al = strlen(srv[i].answer) - 2;
		snprintf(tr, sizeof(tr), "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n> . 1:1(0)\n"
			 "< P. 1:%zu(%zu) ack 1 \"%s\"\n> . 1:1(0)\n> P. 1:%zu(%zu)\n< P. %zu:%zu(%zu) ack %zu \"%s\"\n"
			 "> . %zu:%zu(0)\n< F. %zu:%zu(0) ack %zu\n> . %zu:%zu(0)\n", gl + 1, gl, srv[i].greeting,
			 ll + 1, ll, gl + 1, gl + 1 + al, al, ll + 1, srv[i].answer, ll + 1, ll + 1, gl + 1 + al,
			 gl + 1 + al, ll + 1, ll + 1, ll + 1);
		replay_banner();
		if (RUN(&r, NULL, c, tr, NULL))
			return;
		T_EQ_S(t, tc_verdict_name(r.res.verdict), "pass");
		q = tc_fake_sent(r.peer, 3);
		T_OK(t, q && q->payload_len == ll && !memcmp(tc_seg_payload(q), srv[i].line, ll));
		T_OK(t, r.res.notes && strstr(r.res.notes, "line 9: 'agent close' is the banner service's: the tester "
					      "ended its line"));
		replay_free(&r);
	}
	/* its answer and its FIN in one segment: the answer is taken, the steps see the FIN */
	snprintf(tr, sizeof(tr), "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n> . 1:1(0)\n"
		 "< P. 1:12(11) ack 1 \"SSH-2.0-x\\r\\n\"\n> . 1:1(0)\n> P. 1:13(12)\n"
		 "< FP. 12:14(2) ack 13 \"\\r\\n\"\n> . 13:13(0)\n");
	replay_banner();
	if (RUN(&r, NULL, c, tr, NULL))
		return;
	T_EQ_S(t, tc_verdict_name(r.res.verdict), "pass");
	T_EQ_S(t, r.tr[6].note, "answer, then the FIN");
	T_EQ_U(t, r.tr[6].seg.payload_len, 2);   /* the trace keeps what came */
	replay_free(&r);
}
