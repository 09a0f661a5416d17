/* Unit tests of the runner, offline: the shipped cases against scripted peers whose
 * traces must pass, and traces that must fail, with the exact diagnostic. */
#include "t.h"

#include "replay.h"
#include "report/report.h"
#include "util/util.h"

#include <stdlib.h>

#define HANDSHAKE "> S 0:0(0)\n< S. 0:0(0) ack 1 win 64240 <mss 1460>\n> . 1:1(0)\n"


static const char *verdict(const struct replay *r)
{
	return tc_verdict_name(r->res.verdict);
}

void test_replay_pass(struct t_ctx *t)
{
	struct replay r;

	if (RUN(&r, "testcases/handshake/syn_ack_basic.tcp", NULL,
		HANDSHAKE "> P. 1:11(10)\n< . 1:1(0) ack 11 win 64230\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	T_EQ_U(t, r.res.ntrace, 6);
	T_EQ_S(t, r.tr[5].note, "teardown");   /* the reset that cleans up the target */
	T_EQ_U(t, r.tr[5].seg.flags, TC_RST);
	T_EQ_U(t, r.tr[5].seg.seq, r.res.tester_isn + 11);
	T_EQ_U(t, r.res.target_isn, 4294967000u);
	T_EQ_U(t, r.tr[1].line, 10);
	T_EQ_U(t, r.tr[4].line, 13);
	T_EQ_U(t, r.res.nst_observed, 3);
	T_EQ_S(t, r.res.st_observed[2], "ESTABLISHED");
	T_OK(t, r.res.reason == NULL);
	replay_free(&r);

	/* a closed port: numbers are absolute until a SYN binds the target's ISN */
	if (RUN(&r, "testcases/rst/closed_port_ack.tcp", NULL, "> . 1:1(0)\n< R 1000:1000(0) win 0\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	T_EQ_U(t, r.tr[1].seg.seq, 1000);
	replay_free(&r);
}

void test_replay_fail(struct t_ctx *t)
{
	struct replay r;

	/* a wrong acknowledgment number */
	if (RUN(&r, "testcases/handshake/syn_ack_basic.tcp", NULL,
		"> S 0:0(0)\n< S. 0:0(0) ack 2 win 64240 <mss 1460>\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_EQ_S(t, r.res.reason, "testcases/handshake/syn_ack_basic.tcp:10: expected < S. 0:0(0) ack 1 <mss *, ...> "
	       "=> SYN-RECEIVED, got S. 0:0(0) ack 2 win 64240 <mss 1460> (ack is 2, expected 1)");
	T_EQ_U(t, r.res.div_line, 10);
	T_EQ_S(t, r.res.div_observed, "S. 0:0(0) ack 2 win 64240 <mss 1460>");
	T_EQ_S(t, r.tr[1].note, "unexpected");
	replay_free(&r);

	/* a reset instead of the SYN-ACK */
	if (RUN(&r, "testcases/handshake/syn_ack_basic.tcp", NULL, "> S 0:0(0)\n< R. 0:0(0) ack 1 win 0\n", NULL))
		return;
	T_EQ_S(t, r.res.reason, "testcases/handshake/syn_ack_basic.tcp:10: expected < S. 0:0(0) ack 1 <mss *, ...> "
	       "=> SYN-RECEIVED, got R. 0:0(0) ack 1 win 0 (flags are [R.], expected [S.])");
	replay_free(&r);

	/* no reply at all */
	if (RUN(&r, "testcases/handshake/syn_ack_basic.tcp", NULL, "> S 0:0(0)\n", NULL))
		return;
	T_EQ_S(t, r.res.reason, "testcases/handshake/syn_ack_basic.tcp:10: expected < S. 0:0(0) ack 1 <mss *, ...> "
	       "=> SYN-RECEIVED, got nothing within 1000 ms");
	T_EQ_U(t, r.res.end_us - r.res.start_us, 1000000);
	replay_free(&r);

	/* the closed port answering with the ACK bit set and the wrong sequence number */
	if (RUN(&r, "testcases/rst/closed_port_ack.tcp", NULL, "> . 1:1(0)\n< R. 0:0(0) ack 1 win 0\n", NULL))
		return;
	T_EQ_S(t, r.res.reason, "testcases/rst/closed_port_ack.tcp:10: expected < R 1000:1000(0), "
	       "got R. 0:0(0) ack 1 win 0 (flags are [R.], expected [R])");
	replay_free(&r);
}

#define ECHO_HEAD HANDSHAKE "> P. 1:2(1)\n"

void test_replay_alternatives(struct t_ctx *t)
{
	struct replay r;

	if (RUN(&r, "testcases/data/echo.tcp", NULL,
		ECHO_HEAD "< . 1:1(0) ack 2\n< P. 1:2(1) ack 2 \"s\"\n> . 2:2(0)\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	T_EQ_S(t, r.res.alternative, "separate");
	replay_free(&r);

	if (RUN(&r, "testcases/data/echo.tcp", NULL, ECHO_HEAD "< P. 1:2(1) ack 2 \"s\"\n> . 2:2(0)\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	T_EQ_S(t, r.res.alternative, "piggybacked");
	replay_free(&r);

	/* PSH is optional in both ("P?.") */
	if (RUN(&r, "testcases/data/echo.tcp", NULL, ECHO_HEAD "< . 1:2(1) ack 2 \"s\"\n> . 2:2(0)\n", NULL))
		return;
	T_EQ_S(t, r.res.alternative, "piggybacked");
	replay_free(&r);

	/* neither: the echo does not acknowledge the keystroke */
	if (RUN(&r, "testcases/data/echo.tcp", NULL, ECHO_HEAD "< P. 1:2(1) ack 1 \"s\"\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_EQ_S(t, r.res.reason, "testcases/data/echo.tcp:14: expected one of: [piggybacked] < P?. 1:2(1) ack 2 \"s\" "
	       "or [separate] < . 1:1(0) ack 2, got P. 1:2(1) ack 1 win 65535");
	replay_free(&r);

	/* the separate ACK comes, then the echo is wrong: the branch is committed */
	if (RUN(&r, "testcases/data/echo.tcp", NULL, ECHO_HEAD "< . 1:1(0) ack 2\n< P. 1:2(1) ack 2 \"x\"\n", NULL))
		return;
	T_EQ_S(t, r.res.reason, "testcases/data/echo.tcp:17: expected < P?. 1:2(1) ack 2 \"s\", "
	       "got P. 1:2(1) ack 2 win 65535 (payload byte 0 is 0x78, expected 0x73)");
	T_EQ_S(t, r.res.alternative, "separate");
	replay_free(&r);
}

void test_replay_nothing(struct t_ctx *t)
{
	struct replay r;

	/* a stray ACK 50 ms later, inside "< nothing 100ms": fail */
	if (RUN(&r, "testcases/data/echo.tcp", NULL,
		ECHO_HEAD "< P. 1:2(1) ack 2 \"s\"\n> . 2:2(0)\nwait 50ms\n< . 2:2(0) ack 2\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_EQ_S(t, r.res.reason, "testcases/data/echo.tcp:20: expected < nothing 100ms, got . 2:2(0) ack 2 win 65535");
	replay_free(&r);

	/* 150 ms later it is outside the window: pass, and the segment is kept as late */
	if (RUN(&r, "testcases/data/echo.tcp", NULL,
		ECHO_HEAD "< P. 1:2(1) ack 2 \"s\"\n> . 2:2(0)\nwait 150ms\n< . 2:2(0) ack 2\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	T_EQ_U(t, r.res.end_us - r.res.start_us, 100000);
	replay_free(&r);
}

void test_replay_ratelimited(struct t_ctx *t)
{
	struct replay r;

	if (RUN(&r, "testcases/data/ack_above_snd_nxt.tcp", NULL, HANDSHAKE "> P. 1:11(10)\n", NULL))
		return;
	/* the first segment that a limited reply answers: no limit can have been reached */
	T_EQ_S(t, verdict(&r), "fail");
	T_EQ_S(t, r.res.reason, "testcases/data/ack_above_snd_nxt.tcp:13: expected < . 1:1(0) ack 1 ratelimited, "
	       "got nothing within 1000 ms");
	replay_free(&r);

	/* a second one 100 ms after the first: the limit may explain its silence; 1.5 s
	 * after it: no limit does */
	{
		static const struct { const char *gap, *verdict, *why; } g[] = {
			{ "100ms", "inconclusive", " (a rate limit may have suppressed the reply)" },
			{ "1500ms", "fail", "" },
		};
		char c[512], tr[512], want[200];
		size_t i;

		for (i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
			snprintf(c, sizeof(c), "@id f\n@title T\n@rfc R\n@level MUST\n> S 0:0(0)\n< S. 0:0(0) ack 1\n"
				 "> . 1:1(0) ack 1\n> . 1:1(0) ack 1001\n< . 1:1(0) ack 1 ratelimited\nwait %s\n"
				 "> . 1:1(0) ack 1002\n< . 1:1(0) ack 1 ratelimited\n", g[i].gap);
			snprintf(tr, sizeof(tr), HANDSHAKE "> . 1:1(0) ack 1001\n< . 1:1(0) ack 1\nwait %s\n"
				 "> . 1:1(0) ack 1002\n", g[i].gap);
			snprintf(want, sizeof(want), "r.tcp:12: expected < . 1:1(0) ack 1 ratelimited, got nothing "
				 "within 1000 ms%s", g[i].why);
			if (RUN(&r, NULL, c, tr, NULL))
				return;
			T_EQ_S(t, verdict(&r), g[i].verdict);
			T_EQ_S(t, r.res.reason, want);
			replay_free(&r);
		}
	}

	/* the data taken in spite of the bad ACK: fail at the second expectation */
	if (RUN(&r, "testcases/data/ack_above_snd_nxt.tcp", NULL,
		HANDSHAKE "> P. 1:11(10)\n< . 1:1(0) ack 11\n> P. 1:11(10)\n< . 1:1(0) ack 11\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_OK(t, r.res.reason && strstr(r.res.reason, ":13: expected < . 1:1(0) ack 1 ratelimited, got . 1:1(0) ack 11 win 65535 (ack is 11, expected 1)"));
	replay_free(&r);
}

/* Replies are the case's only when they come from its port on the target. */
void test_replay_ports(struct t_ctx *t)
{
	struct replay r;
	const char *tr = HANDSHAKE "> P. 1:11(10)\n< . 1:1(0) ack 11 win 64230\n";

	replay_wrong_port(2, 4242);                     /* the SYN-ACK from another port */
	if (RUN(&r, "testcases/handshake/syn_ack_basic.tcp", NULL, tr, NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_EQ_S(t, r.res.reason, "testcases/handshake/syn_ack_basic.tcp:10: expected < S. 0:0(0) ack 1 <mss *, ...> "
	       "=> SYN-RECEIVED, got S. 0:0(0) ack 1 win 64240 <mss 1460> (source port is 4242, expected 9)");
	replay_free(&r);
	replay_wrong_port(5, 4242);                     /* the ACK of the data */
	if (RUN(&r, "testcases/handshake/syn_ack_basic.tcp", NULL, tr, NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_OK(t, r.res.reason && strstr(r.res.reason, ":13: expected < . 1:1(0) ack 11") &&
		strstr(r.res.reason, "(source port is 4242, expected 9)"));
	replay_free(&r);
	if (RUN(&r, "testcases/handshake/syn_ack_basic.tcp", NULL, tr, NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");                 /* once only */
	replay_free(&r);
	/* "< model" steps too */
	replay_wrong_port(2, 4242);
	if (RUN(&r, NULL, "@id f\n@title T\n@rfc R\n@level MUST\n> S 0:0(0)\n< model\n",
		"> S 0:0(0)\n< S. 0:0(0) ack 1\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_OK(t, r.res.reason && strstr(r.res.reason, "(source port is 4242, expected 9)"));
	replay_free(&r);
}

/* A sampled case: each run's SYN-ACK gives a sample, its TSval included; ts-clock
 * judges them. The peer plays the runs one after another. */
void test_replay_samples(struct t_ctx *t)
{
	static const char *c = "@id f\n@title T\n@rfc R\n@level SHOULD\n@states LISTEN SYN-RECEIVED\n"
			       "@samples 2 same-port\n@analyze ts-clock\n"
			       "> S 0:0(0) <mss 1460, nop, nop, TS val 1 ecr 0>\n< S. 0:0(0) ack 1 <mss *, ...>\nwait 2s\n";
	struct replay r;
	char tr[400];

	snprintf(tr, sizeof(tr), "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460, nop, nop, TS val %u ecr 1>\n> R 1:1(0)\n"
		 "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460, nop, nop, TS val %u ecr 1>\n> R 1:1(0)\n", 1000u, 3000u);
	if (RUN(&r, NULL, c, tr, NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	/* 2000 ticks over the 2 s wait and the 2 ms pause between a same-port reset and the next SYN */
	T_OK(t, r.res.notes && strstr(r.res.notes, "2 TSvals over 2.00 s: a clock that never went back, 999.0 ticks a second"));
	replay_free(&r);
	snprintf(tr, sizeof(tr), "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460, nop, nop, TS val %u ecr 1>\n> R 1:1(0)\n"
		 "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460, nop, nop, TS val %u ecr 1>\n> R 1:1(0)\n", 1000u, 500u);
	if (RUN(&r, NULL, c, tr, NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_EQ_S(t, r.res.reason, "r.tcp: 2 samples: the timestamp clock went back between attempts 1 and 2 (TSval 1000, then 500)");
	replay_free(&r);
	/* a later run that goes unanswered says nothing of the clock: inconclusive, named */
	snprintf(tr, sizeof(tr), "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460, nop, nop, TS val %u ecr 1>\n> R 1:1(0)\n"
		 "> S 0:0(0)\n", 1000u);
	if (RUN(&r, NULL, c, tr, NULL))
		return;
	T_EQ_S(t, verdict(&r), "inconclusive");
	T_EQ_S(t, r.res.reason, "sample 2 of 2 departed from the case, the 1 before did not, nor did it when made "
	       "again 3 times: r.tcp:9: expected < S. 0:0(0) ack 1 <mss *, ...>, got nothing within 1000 ms; the "
	       "analysed rule is not judged (same-port: each run's SYN reuses the 4-tuple that the previous run "
	       "reset just before, which a stack may still hold)");
	T_OK(t, r.res.notes && strstr(r.res.notes, "sample 2 of 2 departed from the case (r.tcp:9: expected < S. 0:0(0) "
				      "ack 1 <mss *, ...>, got nothing within 1000 ms); made again after a 2 s pause"));
	T_EQ_U(t, tc_fake_nsent(r.peer), 6);    /* run 1: SYN, reset; run 2: SYN, made again 3 times */
	replay_free(&r);
	/* made again after the pause, the run is answered: the clock is judged */
	snprintf(tr, sizeof(tr), "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460, nop, nop, TS val %u ecr 1>\n> R 1:1(0)\n"
		 "> S 0:0(0)\n> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460, nop, nop, TS val %u ecr 1>\n> R 1:1(0)\n",
		 1000u, 3000u);
	if (RUN(&r, NULL, c, tr, NULL))
		return;
	T_EQ_S(t, r.res.reason ? r.res.reason : "", "");
	T_EQ_S(t, verdict(&r), "pass");
	T_OK(t, r.res.notes && strstr(r.res.notes, "made again after a 2 s pause") &&
		strstr(r.res.notes, "2 TSvals over 5."));
	replay_free(&r);
	/* the first run is an ordinary one: its departure is a fail */
	if (RUN(&r, NULL, c, "> S 0:0(0)\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_EQ_S(t, r.res.reason, "r.tcp:9: expected < S. 0:0(0) ack 1 <mss *, ...>, got nothing within 1000 ms");
	replay_free(&r);
}

void test_replay_agent(struct t_ctx *t)
{
	struct replay r;
	const char *pc = HANDSHAKE "> F. 1:1(0)\n< . 1:1(0) ack 2\n";

	if (RUN(&r, "testcases/close/passive_close.tcp", NULL, pc, "close"))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_EQ_S(t, r.res.reason, "testcases/close/passive_close.tcp:15: expected agent close, "
	       "got agent: no connection from port 20000");
	T_EQ_S(t, tc_fake_agent_log(r.agent), "eof 20000\nclose 20000\n");
	replay_free(&r);

	/* the whole passive close, the agent acting on the target */
	if (RUN(&r, "testcases/close/passive_close.tcp", NULL,
		"> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n> . 1:1(0)\n> F. 1:1(0)\n< . 1:1(0) ack 2\n"
		"< F. 1:1(0) ack 2\n> . 2:2(0)\n> . 2:2(0)\n< R 2:2(0) win 0\n", NULL))
		return;
	T_EQ_S(t, r.res.reason ? r.res.reason : "", "");
	T_EQ_S(t, verdict(&r), "pass");
	T_EQ_U(t, r.res.nst_observed, 6);
	T_EQ_S(t, r.res.st_observed[4], "LAST-ACK");
	replay_free(&r);
}

void test_replay_states(struct t_ctx *t)
{
	struct replay r;

	if (RUN(&r, NULL, "@id s\n@title T\n@rfc R\n@level MUST\n> S 0:0(0)\n< S. 0:0(0) ack 1 => ESTABLISHED\n",
		"> S 0:0(0)\n< S. 0:0(0) ack 1\n", NULL))
		return;
	T_EQ_S(t, r.res.reason, "r.tcp:6: expected state ESTABLISHED after this step, the trace shows SYN-RECEIVED");
	T_EQ_S(t, r.res.div_expected, "ESTABLISHED");
	T_EQ_S(t, r.res.div_observed, "SYN-RECEIVED");
	replay_free(&r);

	if (RUN(&r, NULL, "@id s\n@title T\n@rfc R\n@level MUST\n@states LISTEN SYN-RECEIVED ESTABLISHED CLOSED\n"
		"> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0) ack 1\n",
		"> S 0:0(0)\n< S. 0:0(0) ack 1\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_EQ_S(t, r.res.reason, "r.tcp:5: expected the state path LISTEN SYN-RECEIVED ESTABLISHED CLOSED, "
	       "the trace shows LISTEN SYN-RECEIVED ESTABLISHED");
	T_EQ_U(t, r.res.div_line, 5);
	replay_free(&r);
}

/* Malformed segments from the target are findings, never crashes. */
void test_replay_malformed(struct t_ctx *t)
{
	struct replay r;

	if (RUN(&r, "testcases/handshake/syn_ack_basic.tcp", NULL,
		"> S 0:0(0)\n< S. 0:0(0) ack 1 doff 4\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_OK(t, r.res.reason && strstr(r.res.reason, "(malformed: TCP data offset 4 is below 5)"));
	replay_free(&r);

	if (RUN(&r, "testcases/handshake/syn_ack_basic.tcp", NULL,
		"> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460> cksum bad\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_OK(t, r.res.reason && strstr(r.res.reason, "cksum bad (TCP checksum 0x"));
	T_OK(t, r.res.reason && strstr(r.res.reason, " is incorrect)"));
	replay_free(&r);

	if (RUN(&r, "testcases/handshake/syn_ack_basic.tcp", NULL,
		"> S 0:0(0)\n< S. 0:0(0) ack 1 <mss len 7 0x05b4ffff, sackOK>\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_OK(t, r.res.reason && strstr(r.res.reason, "<mss len 7 0x05b4ffff04,mss len 0> (malformed: option mss has length 7)"));
	replay_free(&r);
}

/* Language features at run time: "after", states inside alternatives, per-branch
 * timeouts, ratelimited alternatives, bad checksums on demand, the target's active open. */
void test_replay_features(struct t_ctx *t)
{
	struct replay r;
	const char *hs = "@id f\n@title T\n@rfc R\n@level MUST\n> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0) ack 1\n";
	char c[1024];

	/* "after 500ms": a retransmission that comes at 300 ms is too early, at 600 ms fine */
	snprintf(c, sizeof(c), "%s", "@id f\n@title T\n@rfc R\n@level MUST\n> S 0:0(0)\n< S. 0:0(0) ack 1\n"
		 "< S. 0:0(0) ack 1 after 500ms within 2s\n");
	if (RUN(&r, NULL, c, "> S 0:0(0)\n< S. 0:0(0) ack 1\nwait 300ms\n< S. 0:0(0) ack 1\n", NULL))
		return;
	T_EQ_S(t, r.res.reason, "r.tcp:7: expected < S. 0:0(0) ack 1 after 500ms within 2s, got S. 0:0(0) ack 1 "
	       "win 65535 (it came 300 ms after the step began, expected not before 500 ms)");
	replay_free(&r);
	if (RUN(&r, NULL, c, "> S 0:0(0)\n< S. 0:0(0) ack 1\nwait 600ms\n< S. 0:0(0) ack 1\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	replay_free(&r);

	/* "=> STATE" inside alternatives: the branch the trace contradicts is not taken */
	snprintf(c, sizeof(c), "%s> P. 1:2(1) ack 1\nalt wrong\n< . 1:1(0) ack 2 => CLOSED\nalt right\n"
		 "< . 1:1(0) ack 2 => ESTABLISHED\nend\n", hs);
	if (RUN(&r, NULL, c, HANDSHAKE "> P. 1:2(1)\n< . 1:1(0) ack 2\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	T_EQ_S(t, r.res.alternative, "right");
	replay_free(&r);

	/* each branch waits as long as its own "within"; all ratelimited, after another
	 * segment a limited reply answers: inconclusive; without one: fail */
	snprintf(c, sizeof(c), "%s> . 1:1(0) ack 1001\n< . 1:1(0) ack 1\n> . 1:1(0) ack 1002\nalt a\n"
		 "< . 1:1(0) ack 1 within 200ms ratelimited\nalt b\n< R 1:1(0) within 300ms ratelimited\nend\n", hs);
	if (RUN(&r, NULL, c, HANDSHAKE "> . 1:1(0) ack 1001\n< . 1:1(0) ack 1\n> . 1:1(0) ack 1002\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "inconclusive");
	T_EQ_U(t, r.res.end_us - r.res.start_us, 300000);
	replay_free(&r);
	snprintf(c, sizeof(c), "%s> P. 1:2(1) ack 1\nalt a\n< . 1:1(0) ack 2 within 200ms ratelimited\nalt b\n"
		 "< R 1:1(0) within 300ms ratelimited\nend\n", hs);
	if (RUN(&r, NULL, c, HANDSHAKE "> P. 1:2(1)\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_OK(t, r.res.reason && !strstr(r.res.reason, "rate limit"));
	replay_free(&r);

	/* an alternative may be silence: it wins when its window passes quietly, and dies
	 * when a segment comes; no branch fits a wrong segment */
	snprintf(c, sizeof(c), "%s> P. 1:2(1) ack 1\nalt quiet\n< nothing 400ms\n> P. 2:3(1) ack 1\n"
		 "< . 1:1(0) ack 3\nalt acked\n< . 1:1(0) ack 2\nend\n", hs);
	if (RUN(&r, NULL, c, HANDSHAKE "> P. 1:2(1)\n> P. 2:3(1)\n< . 1:1(0) ack 3\n", NULL))
		return;
	T_EQ_S(t, r.res.reason ? r.res.reason : "", "");
	T_EQ_S(t, verdict(&r), "pass");
	T_EQ_S(t, r.res.alternative, "quiet");
	replay_free(&r);
	if (RUN(&r, NULL, c, HANDSHAKE "> P. 1:2(1)\n< . 1:1(0) ack 2\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	T_EQ_S(t, r.res.alternative, "acked");
	replay_free(&r);
	if (RUN(&r, NULL, c, HANDSHAKE "> P. 1:2(1)\n< R 1:1(0)\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_EQ_S(t, r.res.reason, "r.tcp:10: expected one of: [quiet] < nothing 400ms or [acked] < . 1:1(0) ack 2, "
	       "got R 1:1(0) win 65535");
	replay_free(&r);

	/* "< model" on a SYN: the SYN-ACK it accepts binds the target's ISN for what follows */
	if (RUN(&r, NULL, "@id f\n@title T\n@rfc R\n@level MUST\n> S 0:0(0)\n< model\n> . 1:1(0) ack 1\n",
		HANDSHAKE, NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	T_EQ_U(t, r.tr[2].seg.ack, r.res.target_isn + 1);
	T_EQ_U(t, r.res.target_isn, r.tr[1].seg.seq);
	replay_free(&r);

	/* "< model" and silence where a rate limit explains it: the reply's outcome, noted */
	snprintf(c, sizeof(c), "%s> R 5:5(0)\n< model\n> R 9:9(0)\n< model\n", hs);
	if (RUN(&r, NULL, c, HANDSHAKE "> R 5:5(0)\n< . 1:1(0) ack 1\n> R 9:9(0)\n", NULL))
		return;
	T_EQ_S(t, r.res.reason ? r.res.reason : "", "");
	T_EQ_S(t, r.res.alternative, "rfc5961,rfc5961 (rate-limited?)");
	T_EQ_S(t, r.res.st_observed[r.res.nst_observed - 1], "ESTABLISHED");
	replay_free(&r);

	/* several state paths: the one followed is the expected one; none followed: fail,
	 * naming them all */
	if (RUN(&r, NULL, "@id f\n@title T\n@rfc R\n@level MUST\n"
		"@states LISTEN SYN-RECEIVED ESTABLISHED | LISTEN SYN-RECEIVED ESTABLISHED CLOSED\n"
		"> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0) ack 1\n> R 1:1(0)\n", HANDSHAKE "> R 1:1(0)\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	T_EQ_U(t, r.res.nst_expected, 4);
	replay_free(&r);
	if (RUN(&r, NULL, "@id f\n@title T\n@rfc R\n@level MUST\n@states LISTEN CLOSED | LISTEN SYN-RECEIVED\n"
		"> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0) ack 1\n", HANDSHAKE, NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_EQ_S(t, r.res.reason, "r.tcp:5: expected the state path LISTEN CLOSED or LISTEN SYN-RECEIVED, "
	       "the trace shows LISTEN SYN-RECEIVED ESTABLISHED");
	T_EQ_U(t, r.res.nst_expected, 2);
	T_EQ_S(t, r.res.st_expected[1], "SYN-RECEIVED");       /* the closer one */
	replay_free(&r);

	/* "ignore D": what comes meanwhile is taken, not judged; the next step sees what follows */
	snprintf(c, sizeof(c), "%s> P. 1:2(1) ack 1\nignore 500ms\n< . 1:1(0) ack 2\n", hs);
	if (RUN(&r, NULL, c, HANDSHAKE "> P. 1:2(1)\n< R 1:1(0)\nwait 600ms\n< . 1:1(0) ack 2\n", NULL))
		return;
	T_EQ_S(t, r.res.reason ? r.res.reason : "", "");
	T_EQ_S(t, verdict(&r), "pass");
	T_EQ_S(t, r.tr[4].note ? r.tr[4].note : "", "ignored");
	replay_free(&r);

	/* a TCB name not known yet is the case's error, not the target's failure */
	if (RUN(&r, NULL, "@id f\n@title T\n@rfc R\n@level MUST\n@port closed\n> . 1:1(0) ack 1\n"
		"< R SND.NXT:SND.NXT(0)\n", "> . 1:1(0)\n< R 1:1(0)\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "error");
	T_EQ_S(t, r.res.reason, "r.tcp:7: SND.NXT is not known yet at this step");
	replay_free(&r);

	/* "cksum bad" on an expectation demands a bad checksum */
	snprintf(c, sizeof(c), "%s", "@id f\n@title T\n@rfc R\n@level MUST\n> S 0:0(0)\n< S. 0:0(0) ack 1 cksum bad\n");
	if (RUN(&r, NULL, c, "> S 0:0(0)\n< S. 0:0(0) ack 1\n", NULL))
		return;
	T_OK(t, r.res.reason && strstr(r.res.reason, " is correct, expected a bad one)"));
	replay_free(&r);
	if (RUN(&r, NULL, c, "> S 0:0(0)\n< S. 0:0(0) ack 1 cksum bad\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	replay_free(&r);

	/* the end of SEQ:END(LEN) counts when SEQ is '*' */
	snprintf(c, sizeof(c), "%s> P. 1:2(1) ack 1\n< P. *:11(10) ack 2\n", hs);
	if (RUN(&r, NULL, c, HANDSHAKE "> P. 1:2(1)\n< P. 2:12(10) ack 2\n", NULL))
		return;
	T_OK(t, r.res.reason && strstr(r.res.reason, "(end sequence number is 12, expected 11)"));
	replay_free(&r);

	/* the target opens: its SYN comes first, from a port the tester learns */
	if (RUN(&r, NULL, "@id f\n@title T\n@rfc R\n@level MUST\n@states CLOSED SYN-SENT ESTABLISHED\nagent connect\n"
		"< S 0:0(0) <mss *, ...> => SYN-SENT\n> S. 0:0(0) ack 1 <mss 1460> => ESTABLISHED\n< . 1:1(0) ack 1\n",
		"< S 0:0(0) <mss 1460>\n> S. 0:0(0)\n< . 1:1(0) ack 1\n", NULL))
		return;
	T_EQ_S(t, r.res.reason ? r.res.reason : "", "");
	T_EQ_S(t, verdict(&r), "pass");
	T_EQ_U(t, r.res.target_port, 41000);
	T_EQ_S(t, tc_fake_agent_log(r.agent), "connect 198.18.0.1 20000\n");
	replay_free(&r);
}

/* Each branch of a group waits as long as its own step says: a reply later than a
 * branch's "within" is no answer to it, though a sibling waits longer for another. */
void test_replay_alt_within(struct t_ctx *t)
{
	static const char c[] =
		"@id r.late\n@title a branch's own within\n@rfc RFC9293 3.5\n@level MUST\n@port listen\n"
		"> S 0:0(0) win 65535 <mss 1460>\n"
		"alt fast\n< S. 0:0(0) ack 1 <mss *, ...> within 400ms\n"
		"alt slow\n< R. 0:0(0) ack 1 within 2s\nend\n";
	struct replay r;

	if (RUN(&r, NULL, c, "> S 0:0(0)\nwait 200ms\n< S. 0:0(0) ack 1 win 64240 <mss 1460>\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	T_EQ_S(t, r.res.alternative, "fast");
	replay_free(&r);
	/* the SYN-ACK 1 s later: only the fast branch would take it, and it waited 400 ms */
	if (RUN(&r, NULL, c, "> S 0:0(0)\nwait 1s\n< S. 0:0(0) ack 1 win 64240 <mss 1460>\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_OK(t, r.res.reason && strstr(r.res.reason, "later than the branches it would fit wait"));
	replay_free(&r);
	/* the slow branch takes its reply at 1 s */
	if (RUN(&r, NULL, c, "> S 0:0(0)\nwait 1s\n< R. 0:0(0) ack 1\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	T_EQ_S(t, r.res.alternative, "slow");
	replay_free(&r);
}

/* the start of a case on an established connection: its next line is line 9 */
#define OPEN_CASE "@id x.open\n@title T\n@rfc RFC9293 3.10.7.4\n@level MUST\n@port listen\n" \
	"> S 0:0(0) win 65535 <mss 1460>\n< S. 0:0(0) ack 1 <mss *, ...>\n> . 1:1(0) ack 1\n"

/* A segment larger than the tester's link carries goes in pieces of the largest size
 * that fits (8-byte units), with its header: PSH on the last one; the model and the
 * steps after it see them all. What cannot be cut (urgent data, a SYN, a header damaged
 * on purpose) is an error that says why, naming the MTU. */
void test_replay_pieces(struct t_ctx *t)
{
	static const char text[] =
		OPEN_CASE
		"> P. 1:1401(1400) ack 1\n< . 1:1(0) ack 1401\n";
	static const char urg[] =
		OPEN_CASE
		"> PU. 1:1401(1400) ack 1 urg 10\n< . 1:1(0) ack 1401\n";
	struct replay r;
	int i;

	replay_mtu(600);        /* IPv4: 40 bytes of headers, 560 of data a piece */
	if (RUN(&r, NULL, text, HANDSHAKE "> . 1:561(560)\n> . 561:1121(560)\n> P. 1121:1401(280)\n"
		"< . 1:1(0) ack 1401 win 64000\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	T_EQ_U(t, tc_fake_nsent(r.peer), 6);    /* the handshake's two, three pieces, the teardown */
	for (i = 0; i < 3; i++) {
		const struct tc_seg *s = tc_fake_sent(r.peer, 2 + i);

		T_EQ_U(t, s->payload_len, i < 2 ? 560 : 280);
		T_EQ_U(t, s->seq - r.res.tester_isn, 1 + 560 * (uint32_t)i);
		T_EQ_U(t, s->flags, i < 2 ? TC_ACK : TC_ACK | TC_PSH);
		T_EQ_U(t, s->raw_len, 14 + 40 + (i < 2 ? 560 : 280));
		T_EQ_U(t, r.tr[3 + i].line, 9);
	}
	replay_free(&r);
	/* without a known MTU it goes whole (as before) */
	if (RUN(&r, NULL, text, HANDSHAKE "> P. 1:1401(1400)\n< . 1:1(0) ack 1401 win 64000\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	T_EQ_U(t, tc_fake_sent(r.peer, 2)->payload_len, 1400);
	replay_free(&r);
	replay_mtu(600);
	if (RUN(&r, NULL, urg, HANDSHAKE "> . 1:561(560)\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "error");
	T_EQ_S(t, r.res.reason, "r.tcp:9: the segment is 1440 bytes of IP, more than the link's MTU of 600, and urgent "
	       "data is not cut in pieces: send less");
	replay_free(&r);
}

/* "pieces": a range the target may send as several segments, one after the other (a
 * packetdrill script's TSO-sized packet, as the wire carries it): each piece starts where
 * the last ended, PSH may be on any piece and FIN only on the last; a gap, a piece past
 * the range, a FIN too soon, a wrong byte or too few bytes fail, saying how far the
 * range had come. */
void test_replay_expect_pieces(struct t_ctx *t)
{
	static const char text[] =
		OPEN_CASE
		"> P. 1:2(1) ack 1\n< P?. 1:3001(3000) ack 2 pieces\n> . 2:2(0) ack 3001\n< nothing 100ms\n";
	static const char fin[] = OPEN_CASE "> P. 1:2(1) ack 1\n< FP. 1:7(6) ack 2 \"abcdef\" pieces\n";
	static const struct { const char *peer, *reason; } bad[] = {
		{ "< . 1:1001(1000) ack 2\n< . 2001:3001(1000) ack 2\n",
		  "r.tcp:10: expected < P?. 1:3001(3000) ack 2 pieces, got . 2001:3001(1000) ack 2 win 65535 (seq is 2001, "
		  "expected 1001; in pieces: 1000 of the range's 3000 bytes had come)" },
		{ "< . 1:1001(1000) ack 2\n< . 1001:3501(2500) ack 2\n",
		  "r.tcp:10: expected < P?. 1:3001(3000) ack 2 pieces, got . 1001:3501(2500) ack 2 win 65535 (length is "
		  "2500, expected 1..2000; in pieces: 1000 of the range's 3000 bytes had come)" },
		{ "< F. 1:1001(1000) ack 2\n",
		  "r.tcp:10: expected < P?. 1:3001(3000) ack 2 pieces, got F. 1:1001(1000) ack 2 win 65535 (flags are "
		  "[F.], expected [.])" },
		{ "< . 1:1001(1000) ack 3\n",
		  "r.tcp:10: expected < P?. 1:3001(3000) ack 2 pieces, got . 1:1001(1000) ack 3 win 65535 (ack is 3, "
		  "expected 2)" },
		{ "< . 1:1001(1000) ack 2\n",
		  "r.tcp:10: expected < P?. 1:3001(3000) ack 2 pieces, got nothing more within 1000 ms (in pieces: 1000 "
		  "of the range's 3000 bytes had come)" },
	};
	struct replay r;
	size_t i;

	if (RUN(&r, NULL, text, HANDSHAKE "> P. 1:2(1)\n< . 1:1001(1000) ack 2 win 64000\n< P. 1001:2001(1000) ack 2 "
		"win 64000\n< . 2001:3001(1000) ack 2 win 64000\n> . 2:2(0) ack 3001\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	for (i = 4; i < 7; i++)
		T_EQ_U(t, r.tr[i].line, 10);
	T_EQ_U(t, r.tr[7].line, 11);
	replay_free(&r);
	/* the whole range in one segment is one piece */
	if (RUN(&r, NULL, text, HANDSHAKE "> P. 1:2(1)\n< P. 1:3001(3000) ack 2 win 64000\n> . 2:2(0) ack 3001\n",
		NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	replay_free(&r);
	for (i = 0; i < TC_ARRAY_LEN(bad); i++) {
		char peer[300];

		snprintf(peer, sizeof(peer), HANDSHAKE "> P. 1:2(1)\n%s", bad[i].peer);
		if (RUN(&r, NULL, text, peer, NULL))
			return;
		T_EQ_S(t, verdict(&r), "fail");
		T_EQ_S(t, r.res.reason, bad[i].reason);
		replay_free(&r);
	}
	/* the payload is compared piece by piece; FIN and PSH on the last */
	if (RUN(&r, NULL, fin, HANDSHAKE "> P. 1:2(1)\n< . 1:4(3) ack 2 \"abc\"\n< FP. 4:7(3) ack 2 \"def\"\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	replay_free(&r);
	if (RUN(&r, NULL, fin, HANDSHAKE "> P. 1:2(1)\n< . 1:4(3) ack 2 \"abc\"\n< FP. 4:7(3) ack 2 \"dXf\"\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_OK(t, r.res.reason && strstr(r.res.reason, "; in pieces: 3 of the range's 6 bytes had come)"));
	replay_free(&r);
}

/* A bare ACK below one the target already sent was overtaken on its way (a starved
 * stack's output, a network that reorders): the peer ignores it (RFC 9293 3.10.7.4) and
 * no step takes it; a repeated ACK (not below) is still the target's answer. */
void test_replay_stale_ack(struct t_ctx *t)
{
	static const char text[] = OPEN_CASE "> P. 1:11(10) ack 1\n< . 1:1(0) ack 11\n< nothing 100ms\n";
	struct replay r;

	if (RUN(&r, NULL, text, HANDSHAKE "> P. 1:11(10)\n< . 1:1(0) ack 11\n< . 1:1(0) ack 1\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	T_EQ_S(t, r.tr[5].note ? r.tr[5].note : "", "an old ACK, below one the target sent before (overtaken on its way): ignored");
	replay_free(&r);
	/* the same ACK again is not old: "nothing" fails on it */
	if (RUN(&r, NULL, text, HANDSHAKE "> P. 1:11(10)\n< . 1:1(0) ack 11\n< . 1:1(0) ack 11\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	replay_free(&r);
	/* the only answer an old ACK: the step that gets nothing names it */
	{
		static const char probe[] = OPEN_CASE "> P. 1:11(10) ack 1\n< . 1:1(0) ack 11\n> . 11:11(0) ack 1\n"
						   "< . 1:1(0) ack 11\n";

		if (RUN(&r, NULL, probe, HANDSHAKE "> P. 1:11(10)\n< . 1:1(0) ack 11\n> . 11:11(0)\n< . 1:1(0) ack 1\n",
			NULL))
			return;
		T_EQ_S(t, verdict(&r), "fail");
		T_EQ_S(t, r.res.reason, "r.tcp:12: expected < . 1:1(0) ack 11, got nothing within 1000 ms (. 1:1(0) ack 1 "
		       "win 65535 came, ignored: its ack is below one the target sent before)");
		replay_free(&r);
	}
	/* data with an old acknowledgment is data: judged */
	if (RUN(&r, NULL, text, HANDSHAKE "> P. 1:11(10)\n< . 1:1(0) ack 11\n< P. 1:2(1) ack 1\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	replay_free(&r);
}

/* What an agent step's call must give: an errno ("-> EPIPE"), the count 'take' read
 * ("-> 0"), a time ("took 50ms", "took LO..HI"); each mismatch fails, saying what came. */
void test_replay_call_results(struct t_ctx *t)
{
	static const struct { const char *step, *fail, *reply, *verdict, *reason; } runs[] = {
		{ "agent send 100 -> EPIPE\n", "send", "wrote 0 of 100 bytes (EPIPE)", "pass", NULL },
		{ "agent send 100 -> EPIPE\n", NULL, NULL, "fail",
		  "r.tcp:9: expected agent send 100 -> EPIPE, got agent: ok (the call succeeded, not with EPIPE)" },
		{ "agent send 100 -> EPIPE\n", "send", "wrote 0 of 100 bytes (ECONNRESET)", "fail",
		  "r.tcp:9: expected agent send 100 -> EPIPE, got agent: wrote 0 of 100 bytes (ECONNRESET) (the call "
		  "failed otherwise, not with EPIPE)" },
		{ "agent take 100 -> 0\n", NULL, NULL, "pass", NULL },
		{ "agent take 100 -> 5\n", NULL, NULL, "fail",
		  "r.tcp:9: expected agent take 100 -> 5, got agent: ok 0 (it read 0 bytes, expected 5)" },
		{ "agent close took 50ms\n", NULL, NULL, "pass", NULL },
		{ "agent close took 100ms..200ms\n", NULL, NULL, "fail",
		  "r.tcp:9: expected agent close took 100ms..200ms, got agent: ok (it answered 0 ms after the step "
		  "began, expected 100..200 ms)" },
	};
	struct replay r;
	size_t i;

	for (i = 0; i < TC_ARRAY_LEN(runs); i++) {
		char text[300];

		snprintf(text, sizeof(text), OPEN_CASE "%s", runs[i].step);
		if (runs[i].reply)
			replay_agent_reply(runs[i].reply);
		if (RUN(&r, NULL, text, HANDSHAKE, runs[i].fail))
			return;
		T_EQ_S(t, verdict(&r), runs[i].verdict);
		T_EQ_S(t, r.res.reason ? r.res.reason : "", runs[i].reason ? runs[i].reason : "");
		replay_free(&r);
	}
}

/* A silence broken by a retransmission is a timer's doing, whose time a late tester may
 * have shifted into the window: a busy machine's CPU wait makes such a failure
 * inconclusive; new data in the same place stays a failure. */
void test_replay_silence_timer(struct t_ctx *t)
{
	static const char text[] = OPEN_CASE "agent send 200\n< P?. 1:101(100) ack 1\n< P?. 101:201(100) ack 1\n"
				   "> . 1:1(0) ack 1\n< nothing 100ms\n";
	static const struct { const char *peer; int timer; const char *verdict; } runs[] = {
		{ "< P. 1:101(100) ack 1\n< P. 101:201(100) ack 1\n> . 1:1(0)\n< P. 1:101(100) ack 1\n", 1, "inconclusive" },
		{ "< P. 1:101(100) ack 1\n< P. 101:201(100) ack 1\n> . 1:1(0)\n< P. 201:301(100) ack 1\n", 0, "fail" },
	};
	struct replay r;
	size_t i;

	for (i = 0; i < TC_ARRAY_LEN(runs); i++) {
		char peer[300];

		snprintf(peer, sizeof(peer), HANDSHAKE "%s", runs[i].peer);
		if (RUN(&r, NULL, text, peer, NULL))
			return;
		T_EQ_S(t, verdict(&r), "fail");
		T_EQ_U(t, r.res.div_timer, runs[i].timer);
		r.res.cpu_wait_known = 1;
		r.res.cpu_wait_us = 30000;      /* 30 ms: over a quarter of the window */
		tc_result_judge_wait(&r.res, "the tester");
		T_EQ_S(t, verdict(&r), runs[i].verdict);
		replay_free(&r);
	}
}

/* tc_opt_of - the option of @kind in @s, or NULL. */
static const struct tc_opt *opt_of(const struct tc_seg *s, int kind)
{
	for (int i = 0; i < s->nopts; i++)
		if (s->opts[i].kind == kind)
			return &s->opts[i];
	return NULL;
}

/* Names ($NAME): a lone name not bound yet in an expectation takes the field's value
 * (the target's TSval, a Fast Open cookie); after, it is that value, in sends (with
 * arithmetic) as in expectations; a name used before it is bound is an error of the
 * case, and a value that differs from the one bound fails. */
void test_replay_captures(struct t_ctx *t)
{
	static const char ts[] =
		"@id x.cap\n@title T\n@rfc RFC7323 3.2\n@level MUST\n@port listen\n"
		"> S 0:0(0) win 65535 <mss 1460, nop, nop, TS val 100 ecr 0>\n"
		"< S. 0:0(0) ack 1 <mss *, nop, nop, TS val $tsv ecr 100>\n"
		"> . 1:1(0) ack 1 <nop, nop, TS val 101 ecr $tsv>\n"
		"> P. 1:11(10) ack 1 <nop, nop, TS val 102 ecr $tsv+1>\n"
		"< . 1:1(0) ack 11 <nop, nop, TS val $tsv ecr 102>\n";
	static const char early[] =
		"@id x.cap\n@title T\n@rfc RFC7323 3.2\n@level MUST\n@port listen\n"
		"> S 0:0(0) win 65535 <mss 1460, nop, nop, TS val 100 ecr $later>\n";
	static const char tfo[] =
		"@id x.tfo\n@title T\n@rfc RFC7413 4.1.2\n@level MUST\n@port listen\n"
		"> S 0:0(0) win 65535 <mss 1460, tfo>\n"
		"< S. 0:0(0) ack 1 <mss *, tfo $cookie>\n"
		"> R 1:1(0)\n"
		"> S 0:0(0) win 65535 <mss 1460, tfo $cookie>\n";
	struct replay r;
	const struct tc_opt *o;

	if (RUN(&r, NULL, ts, "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460, nop, nop, TS val 5000 ecr 100>\n"
		"> . 1:1(0)\n> P. 1:11(10)\n< . 1:1(0) ack 11 <nop, nop, TS val 5000 ecr 102>\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	o = opt_of(tc_fake_sent(r.peer, 1), TC_OPT_TS);
	T_OK(t, o && o->v.ts.ecr == 5000);      /* the TSval taken, sent back */
	o = opt_of(tc_fake_sent(r.peer, 2), TC_OPT_TS);
	T_OK(t, o && o->v.ts.ecr == 5001);      /* with arithmetic */
	replay_free(&r);
	/* once bound, a name is its value: another TSval fails */
	if (RUN(&r, NULL, ts, "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460, nop, nop, TS val 5000 ecr 100>\n"
		"> . 1:1(0)\n> P. 1:11(10)\n< . 1:1(0) ack 11 <nop, nop, TS val 5007 ecr 102>\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_OK(t, r.res.reason && strstr(r.res.reason, "r.tcp:10: expected < . 1:1(0) ack 11 <nop, nop, TS val $tsv ecr 102>"));
	T_OK(t, r.res.reason && strstr(r.res.reason, "(TS val is 5007, expected 5000)"));
	replay_free(&r);
	/* a send with a name not bound yet: the case's error, not the target's failure */
	if (RUN(&r, NULL, early, "> S 0:0(0)\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "error");
	T_EQ_S(t, r.res.reason, "r.tcp:6: cannot send: $later is not captured yet at this step");
	replay_free(&r);
	/* an option's bytes: a Fast Open cookie taken from the SYN-ACK, sent in the next SYN */
	if (RUN(&r, NULL, tfo, "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460, tfo 0x0102030405060708>\n> R 1:1(0)\n"
		"> S 0:0(0)\n", NULL))
		return;
	o = opt_of(tc_fake_sent(r.peer, 0), TC_OPT_FASTOPEN);
	T_OK(t, o && o->dlen == 0);             /* the cookie request: no data */
	o = opt_of(tc_fake_sent(r.peer, 2), TC_OPT_FASTOPEN);
	T_OK(t, o && o->dlen == 8 && !memcmp(o->data, "\x01\x02\x03\x04\x05\x06\x07\x08", 8));
	replay_free(&r);
}

/* A length from the TCB's names: the data that fills the target's receive window,
 * evaluated when the step begins (RCV.WND 1000 after a SYN-ACK offering 1000). */
void test_replay_len_names(struct t_ctx *t)
{
	static const char text[] =
		OPEN_CASE
		"> P. RCV.NXT:RCV.NXT+RCV.WND(RCV.WND) ack 1\n< . 1:1(0) ack RCV.NXT win 0\n";
	struct replay r;

	if (RUN(&r, NULL, text, "> S 0:0(0)\n< S. 0:0(0) ack 1 win 1000 <mss 1460>\n> . 1:1(0)\n"
		"> P. 1:1001(1000)\n< . 1:1(0) ack 1001 win 0\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	T_EQ_U(t, tc_fake_sent(r.peer, 2)->payload_len, 1000);
	replay_free(&r);
	/* a window that says another length than SEQ:END: an error saying both */
	if (RUN(&r, NULL, OPEN_CASE
		"> P. 1:501(RCV.WND) ack 1\n", "> S 0:0(0)\n< S. 0:0(0) ack 1 win 1000 <mss 1460>\n> . 1:1(0)\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "error");
	T_OK(t, r.res.reason && strstr(r.res.reason, "1:501 is 500 bytes, not (1000)"));
	replay_free(&r);
}

/* win RCV.WND..65535: a range whose low end is a TCB value: at least what is left of
 * the window (the right edge may grow, not move left) */
void test_replay_name_range(struct t_ctx *t)
{
	static const char text[] = OPEN_CASE "> P. 1:1001(1000) ack 1\n< . 1:1(0) ack 1001 win RCV.WND..65535\n";
	static const struct { const char *win, *verdict; } v[] = {
		{ "0", "pass" },        /* the edge where the SYN-ACK put it: 1000 offered, 1000 taken */
		{ "3000", "pass" },     /* the edge moved right */
		{ "65535", "pass" },
	};
	char in[300];
	struct replay r;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(in, sizeof(in), "> S 0:0(0)\n< S. 0:0(0) ack 1 win 1000 <mss 1460>\n> . 1:1(0)\n"
			 "> P. 1:1001(1000)\n< . 1:1(0) ack 1001 win %s\n", v[i].win);
		if (RUN(&r, NULL, text, in, NULL))
			return;
		T_EQ_S(t, verdict(&r), v[i].verdict);
		replay_free(&r);
	}
	/* the edge moved left: the SYN-ACK offered 2000, 1000 were taken, 500 are offered */
	if (RUN(&r, NULL, text, "> S 0:0(0)\n< S. 0:0(0) ack 1 win 2000 <mss 1460>\n> . 1:1(0)\n"
		"> P. 1:1001(1000)\n< . 1:1(0) ack 1001 win 500\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_OK(t, r.res.reason && strstr(r.res.reason, "win is 500, expected 1000..65535"));
	if (r.res.reason && !strstr(r.res.reason, "win is 500, expected 1000..65535"))
		t_fail(t, __FILE__, __LINE__, "reason: %s", r.res.reason);
	replay_free(&r);
}

/* info_run - OPEN_CASE then @steps, the agent's info answering @reply: the verdict, or
 * NULL when the replay could not run (a test failure already). */
static const char *info_run(struct t_ctx *t, struct replay *r, const char *reply, const char *steps)
{
	char text[600];

	snprintf(text, sizeof(text), "%s%s", OPEN_CASE, steps);
	replay_agent_info(reply);
	return RUN(r, NULL, text, HANDSHAKE, NULL) ? NULL : verdict(r);
}

/* agent info FIELD N: the field of the agent's info reply against a number or a range;
 * a mismatch fails naming the value; an agent without TCP_INFO skips the case. */
void test_replay_agent_info(struct t_ctx *t)
{
	static const char linux_like[] = "read=0 eof=0 error=none reading=1 state=1 ca_state=0 snd_mss=1460 "
					 "rcv_mss=536 snd_ssthresh=2147483647 snd_cwnd=10 rcv_space=14600";
	struct replay r;
	const char *v;

	if ((v = info_run(t, &r, linux_like, "agent info snd_cwnd 10..20\nagent info snd_mss 1460\n"))) {
		T_EQ_S(t, v, "pass");
		T_OK(t, strstr(tc_fake_agent_log(r.agent), "info 20000\ninfo 20000\n") != NULL);
		replay_free(&r);
	}
	/* snd_cwnd 10, the case asks 11..20 (and 'snd_ssthresh' does not stand for 'ssthresh') */
	if ((v = info_run(t, &r, "read=0 eof=0 error=none reading=1 snd_ssthresh=15 snd_cwnd=10 snd_mss=1460",
			  "agent info snd_cwnd 11..20\n"))) {
		T_EQ_S(t, v, "fail");
		T_EQ_S(t, r.res.reason, "r.tcp:9: expected agent info snd_cwnd 11..20, got info snd_cwnd 10 (as the "
		       "target's kernel reports it)");
		replay_free(&r);
	}
	/* 'rtt' is neither 'rcv_rtt' nor 'rttvar' */
	if ((v = info_run(t, &r, "read=0 eof=0 error=none reading=1 rcv_rtt=5 rttvar=7 rtt=100", "agent info rtt 100\n"))) {
		T_EQ_S(t, v, "pass");
		replay_free(&r);
	}
	/* an agent whose info has no TCP_INFO (lwIP's, gVisor's): skipped, saying why */
	if ((v = info_run(t, &r, "read=0 eof=0 error=none reading=1", "agent info snd_cwnd 10..20\n"))) {
		T_EQ_S(t, v, "skip");
		T_EQ_S(t, r.res.reason, "r.tcp:9: the target's agent reports no 'snd_cwnd' (TCP_INFO is Linux's; this "
		       "stack's agent gives: read=0 eof=0 error=none reading=1): the case cannot run there");
		replay_free(&r);
	}
}

/* A busy target's duplicate ACK of an earlier out-of-order segment reaches the tester
 * after it sent the segment that fills the hole (slirp at SCHED_IDLE beside busy loops):
 * the step waiting on the answer to that segment passes over it and takes the ACK that
 * follows. Where no other ACK follows, the failure says what came instead. */
void test_replay_late_answer(struct t_ctx *t)
{
	struct replay r;

	if (RUN(&r, "testcases/data/ack_above_snd_nxt.tcp", NULL,
		HANDSHAKE "> P. 1:11(10)\n< . 1:1(0) ack 1\n> P. 11:21(10)\n> P. 1:11(10)\n< . 1:1(0) ack 1\n"
		"< . 1:1(0) ack 21\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	T_EQ_S(t, r.tr[7].note ? r.tr[7].note : "", "late answer to an earlier segment: not this step's");
	T_EQ_U(t, r.tr[7].line, 14);    /* the out-of-order segment it answers */
	T_EQ_U(t, r.tr[8].line, 17);
	replay_free(&r);
	/* only the duplicate ACK: the failure names it */
	if (RUN(&r, "testcases/data/ack_above_snd_nxt.tcp", NULL,
		HANDSHAKE "> P. 1:11(10)\n< . 1:1(0) ack 1\n> P. 11:21(10)\n> P. 1:11(10)\n< . 1:1(0) ack 1\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "fail");
	T_EQ_S(t, r.res.reason, "testcases/data/ack_above_snd_nxt.tcp:17: expected < . 1:1(0) ack 21, got nothing "
	       "within 1000 ms (. 1:1(0) ack 1 win 65535 came, taken as the late answer to line 14)");
	replay_free(&r);
	/* in a silence: the duplicate ACK of an out-of-order segment, late (the segment was
	 * settled unanswered), is left to that segment, not taken as breaking the silence
	 * after a pure ACK; the same ACK in the silence after the out-of-order one breaks it */
	{
		static const char quiet[] = OPEN_CASE "> P. 1:11(10) ack 1\n< . 1:1(0) ack 11\n> P. 21:31(10) ack 1\n"
					    "< nothing 10ms\n> . 11:11(0) ack 1\n< nothing 100ms\n";

		if (RUN(&r, NULL, quiet, HANDSHAKE "> P. 1:11(10)\n< . 1:1(0) ack 11\n> P. 21:31(10)\nwait 20ms\n"
			"> . 11:11(0)\n< . 1:1(0) ack 11\n", NULL))
			return;
		T_EQ_S(t, verdict(&r), "pass");
		T_EQ_S(t, r.tr[7].note ? r.tr[7].note : "", "late answer to an earlier segment: not this step's");
		replay_free(&r);
		if (RUN(&r, NULL, quiet, HANDSHAKE "> P. 1:11(10)\n< . 1:1(0) ack 11\n> P. 21:31(10)\n< . 1:1(0) ack 11\n",
			NULL))
			return;
		T_EQ_S(t, verdict(&r), "fail");
		replay_free(&r);
	}
	/* the same inside an alternative group: a late answer no branch takes is left to its
	 * segment, and the group goes on (its silence branch is the outcome); an answer that
	 * is not late still fails the group */
	{
		static const char alt[] = OPEN_CASE "> P. 1:11(10) ack 1\n< . 1:1(0) ack 11\n> P. 21:31(10) ack 1\n"
					  "< nothing 10ms\n> . 11:11(0) ack 1\nalt quiet\n< nothing 100ms\nalt other\n"
					  "< . 1:1(0) ack 99\nend\n";

		if (RUN(&r, NULL, alt, HANDSHAKE "> P. 1:11(10)\n< . 1:1(0) ack 11\n> P. 21:31(10)\nwait 20ms\n"
			"> . 11:11(0)\n< . 1:1(0) ack 11\n", NULL))
			return;
		T_EQ_S(t, verdict(&r), "pass");
		T_EQ_S(t, r.res.alternative ? r.res.alternative : "", "quiet");
		T_EQ_S(t, r.tr[7].note ? r.tr[7].note : "", "late answer to an earlier segment: not this step's");
		replay_free(&r);
		if (RUN(&r, NULL, alt, HANDSHAKE "> P. 1:11(10)\n< . 1:1(0) ack 11\n> P. 21:31(10)\nwait 20ms\n"
			"> . 11:11(0)\n< P. 1:2(1) ack 11\n", NULL))
			return;
		T_EQ_S(t, verdict(&r), "fail");
		replay_free(&r);
	}
	/* the same ACK before the tester sent more is the model step's, and judged there */
	if (RUN(&r, "testcases/data/ack_above_snd_nxt.tcp", NULL,
		HANDSHAKE "> P. 1:11(10)\n< . 1:1(0) ack 1\n> P. 11:21(10)\n< . 1:1(0) ack 1\n> P. 1:11(10)\n"
		"< . 1:1(0) ack 21\n", NULL))
		return;
	T_EQ_S(t, verdict(&r), "pass");
	T_OK(t, !r.tr[6].note || strcmp(r.tr[6].note, "late answer to an earlier segment: not this step's"));
	replay_free(&r);
}
