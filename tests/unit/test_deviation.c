/* Unit tests of deviations: the fail and xfail results grouped by the cause of their
 * first divergence, in report.json and on the terminal. Results that share a cause
 * group, whatever their numbers; results whose causes differ do not. */
#include "t.h"

#include "replay.h"
#include "report/report.h"
#include "util/util.h"

#include <stdlib.h>

#define NDEV 10

static const struct {
	const char *id, *level, *rfc, *steps, *trace;
} dev_cases[NDEV] = {
	/* 0, 1, 2: a reset that answers an ACK carries ACK (lwIP): one cause, three forms
	 * (a single expectation, alternatives, the model), other numbers, other levels */
	{ "t.rst_a", "MUST", "RFC9293 3.10.7.1", "@port closed\n> . 1:1(0) ack 5\n< R 5:5(0)\n",
	  "> . 1:1(0) ack 5\n< R. 5:5(0) ack 1\n" },
	{ "t.rst_b", "SHOULD", "RFC9293 3.10.7.1", "@port closed\n> . 1:1(0) ack 77\nalt x\n< R 77:77(0)\nalt y\n"
	  "< R 77:77(0) win 0\nend\n", "> . 1:1(0) ack 77\n< R. 77:77(0) ack 1\n" },
	{ "t.rst_c", "MUST", "RFC9293 3.10.7.4", "@port closed\n> . 1:1(0) ack 9\n< model\n",
	  "> . 1:1(0) ack 9\n< R. 9:9(0) ack 1\n" },
	/* 3, 4: an ACK one beyond what it should be, at different numbers */
	{ "t.ack_a", "MUST", "RFC9293 3.10.7.4", "> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0) ack 1\n> P. 1:11(10) ack 1\n"
	  "< . 1:1(0) ack 11\n", "> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0)\n> P. 1:11(10)\n< . 1:1(0) ack 12\n" },
	{ "t.ack_b", "MUST", "RFC9293 3.10.7.4", "> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0) ack 1\n> P. 1:101(100) ack 1\n"
	  "< . 1:1(0) ack 101\n", "> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0)\n> P. 1:101(100)\n< . 1:1(0) ack 102\n" },
	/* 5: one short: another cause */
	{ "t.ack_c", "MUST", "RFC9293 3.10.7.4", "> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0) ack 1\n> P. 1:101(100) ack 1\n"
	  "< . 1:1(0) ack 101\n", "> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0)\n> P. 1:101(100)\n< . 1:1(0) ack 100\n" },
	/* 6, 7: silence where a reset, and where an ACK, is due: two causes */
	{ "t.quiet_a", "MUST", "RFC9293 3.10.7.1", "@port closed\n> . 1:1(0) ack 5\n< R 5:5(0)\n", "> . 1:1(0) ack 5\n" },
	{ "t.quiet_b", "MAY", "RFC9293 3.10.7.4", "> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0) ack 1\n> P. 1:11(10) ack 1\n"
	  "< . 1:1(0) ack 11\n", "> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0)\n> P. 1:11(10)\n" },
	/* 8: a pass and 9: a skip are no deviation */
	{ "t.pass", "MUST", "RFC9293 3.10.7.1", "@port closed\n> . 1:1(0) ack 5\n< R 5:5(0)\n",
	  "> . 1:1(0) ack 5\n< R 5:5(0)\n" },
	{ "t.skip", "MUST", "RFC9293 3.10.7.1", "@family 6\n@port closed\n> . 1:1(0) ack 5\n< R 5:5(0)\n", "> . 1:1(0) ack 5\n" },
};

struct devrun {
	struct replay r[NDEV];
	struct tc_result res[NDEV + 1];
};

static int dev_runs(struct t_ctx *t, struct devrun *x)
{
	char c[600];
	int i;

	memset(x, 0, sizeof(*x));
	for (i = 0; i < NDEV; i++) {
		snprintf(c, sizeof(c), "@id %s\n@title T\n@rfc %s\n@level %s\n%s", dev_cases[i].id, dev_cases[i].rfc,
			 dev_cases[i].level, dev_cases[i].steps);
		if (replay_run(&x->r[i], NULL, c, dev_cases[i].trace, NULL) < 0) {
			t_fail(t, __FILE__, __LINE__, "%s: %s", dev_cases[i].id, x->r[i].err);
			while (i >= 0)
				replay_free(&x->r[i--]);
			return -1;
		}
		x->res[i] = x->r[i].res;
	}
	/* the first case again, over IPv6 and waived: the same cause, counted twice, listed once */
	x->res[NDEV] = x->res[0];
	x->res[NDEV].family = 6;
	x->res[NDEV].verdict = TC_V_XFAIL;
	return 0;
}

static void free_runs(struct devrun *x)
{
	int i;

	for (i = 0; i < NDEV; i++)
		replay_free(&x->r[i]);
}

void test_deviation_groups(struct t_ctx *t)
{
	struct devrun x;
	struct tc_deviation *d;
	char cause[400];
	int nd, i;

	if (dev_runs(t, &x) < 0)
		return;
	tc_deviation_cause(&x.res[0], cause, sizeof(cause));
	T_EQ_S(t, cause, "flags are [R.], expected [R]");
	tc_deviation_cause(&x.res[3], cause, sizeof(cause));
	T_EQ_S(t, cause, "ack is expected+1");
	nd = tc_deviations(x.res, NDEV + 1, &d);
	T_EQ_U(t, nd, 5);
	if (nd == 5) {
		/* the widest first */
		T_EQ_S(t, d[0].summary, "flags are [R.], expected [R]");
		T_EQ_U(t, d[0].n, 4);
		T_EQ_U(t, d[0].failing, 3);
		T_EQ_U(t, d[0].level, TC_LEVEL_MUST);
		T_EQ_S(t, d[0].rfc, "RFC9293 3.10.7.1");
		T_EQ_U(t, d[0].idx[0], 0);
		T_EQ_U(t, d[0].idx[1], 1);
		T_EQ_U(t, d[0].idx[2], 2);
		T_EQ_U(t, d[0].idx[3], NDEV);
		T_EQ_S(t, d[1].summary, "ack is expected+1");
		T_EQ_U(t, d[1].n, 2);
		for (i = 2; i < 5; i++)
			T_EQ_U(t, d[i].n, 1);
		T_EQ_S(t, d[2].summary, "ack is expected-1");
		T_EQ_S(t, d[3].summary, "nothing where [R] is expected");
		T_EQ_S(t, d[4].summary, "nothing where [.] is expected");
		T_EQ_U(t, d[4].level, TC_LEVEL_MAY);
	}
	tc_deviations_free(d, nd);

	/* the terminal: the deviations, then the verdicts */
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		struct tc_text_opts o = { 0 };

		tc_text_summary(f, x.res, NDEV + 1, NULL, 1.5, &o);
		fclose(f);
		T_EQ_S(t, buf, "\n5 deviations (the failures grouped by the cause their first divergence shows):\n"
		       "     4 x MUST   flags are [R.], expected [R] (RFC9293 3.10.7.1) [1 waived]\n"
		       "                t.rst_a, t.rst_b, t.rst_c\n"
		       "     2 x MUST   ack is expected+1 (RFC9293 3.10.7.4)\n"
		       "                t.ack_a, t.ack_b\n"
		       "     1 x MUST   ack is expected-1 (RFC9293 3.10.7.4)\n"
		       "                t.ack_c\n"
		       "     1 x MUST   nothing where [R] is expected (RFC9293 3.10.7.1)\n"
		       "                t.quiet_a\n"
		       "     1 x MAY    nothing where [.] is expected (RFC9293 3.10.7.4)\n"
		       "                t.quiet_b\n"
		       "\n11 cases: 1 pass, 8 fail (6 MUST, 1 SHOULD, 1 MAY), 1 xfail, 1 skip, 0 inconclusive, 0 error in 1.50 s\n");
		free(buf);
	}

	/* report.json: one entry a cause, each case once */
	{
		struct tc_run_info info = { .tool_version = "t", .mode = "replay", .stack = "linux", .complete = 1 };
		char *json = tc_report_json(&info, x.res, NDEV + 1, NULL);

		T_OK(t, json && strstr(json, "\"deviations\":\t[{\n\t\t\t\"summary\":\t\"flags are [R.], expected [R]\",\n"
				       "\t\t\t\"rfc\":\t\"RFC9293 3.10.7.1\",\n\t\t\t\"level\":\t\"MUST\",\n\t\t\t\"count\":\t4,\n"
				       "\t\t\t\"fail\":\t3,\n\t\t\t\"xfail\":\t1,\n"
				       "\t\t\t\"cases\":\t[\"t.rst_a\", \"t.rst_b\", \"t.rst_c\"]\n\t\t}, {"));
		free(json);
	}
	free_runs(&x);
}
