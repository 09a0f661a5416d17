/* Golden tests of the reporters: a replayed run on a fake clock gives the same
 * report.json and junit.xml, byte for byte (make golden rewrites them after a
 * deliberate change). */
#include "t.h"

#include "replay.h"
#include "report/report.h"
#include "util/util.h"

#include <stdlib.h>

struct three {
	struct replay r[3];
	struct tc_result res[3];
	struct tc_run_info info;
};

static int three_runs(struct t_ctx *t, struct three *x)
{
	static const char *const sysk[] = { "net.ipv4.tcp_sack", "net.ipv4.tcp_timestamps" };
	static const char *const sysv[] = { "1", "1" };

	memset(x, 0, sizeof(*x));
	if (replay_run(&x->r[0], "testcases/data/echo.tcp", NULL,
		       "> S 0:0(0)\n< S. 0:0(0) ack 1 win 64240 <mss 1460>\n> . 1:1(0)\n> P. 1:2(1)\n< . 1:1(0) ack 2\n< P. 1:2(1) ack 2 \"s\"\n> . 2:2(0)\n", NULL) ||
	    replay_run(&x->r[1], "testcases/handshake/syn_ack_basic.tcp", NULL,
		       "> S 0:0(0)\n< S. 0:0(0) ack 2 win 64240 <mss 1460>\n", NULL) ||
	    replay_run(&x->r[2], "testcases/rst/closed_port_syn.tcp", NULL,
		       "> S 0:0(0)\n< R. 0:0(0) ack 1 win 0\n", NULL)) {
		t_fail(t, __FILE__, __LINE__, "replay: %s %s %s", x->r[0].err, x->r[1].err, x->r[2].err);
		return -1;
	}
	x->res[0] = x->r[0].res;
	x->res[1] = x->r[1].res;
	x->res[2] = x->r[2].res;
	x->info.tool_version = "0.0.0-test";
	x->info.mode = "replay";
	x->info.stack = "linux";
	snprintf(x->info.kernel, sizeof(x->info.kernel), "6.0.0-test");
	snprintf(x->info.target_addr, sizeof(x->info.target_addr), "198.18.0.2");
	snprintf(x->info.tester_addr, sizeof(x->info.tester_addr), "198.18.0.1");
	snprintf(x->info.iface, sizeof(x->info.iface), "fake0");
	x->info.sysctl_keys = (char **)sysk;
	x->info.sysctl_vals = (char **)sysv;
	x->info.nsysctl = 2;
	x->info.complete = 1;
	x->info.jobs = 1;
	x->info.seed = 18446744073709551557ull;    /* a 64-bit value survives as a string */
	{
		struct tc_clock start = { .fake = 1, .now_us = 0 };

		tc_wall_iso(&start, x->info.started, sizeof(x->info.started));
		tc_wall_iso(&x->r[0].clock, x->info.finished, sizeof(x->info.finished));
	}
	return 0;
}

static void free_three(struct three *x)
{
	for (int i = 0; i < 3; i++)
		replay_free(&x->r[i]);
}

void test_report_golden(struct t_ctx *t)
{
	struct three x;
	struct tc_sched_stats st = { 0 };
	char *json;

	if (three_runs(t, &x) == 0) {
		json = tc_report_json(&x.info, x.res, 3, &st);
		T_GOLDEN(t, "tests/golden/report.json", json);
		T_OK(t, strstr(json, "\"seed\":\t\"18446744073709551557\"") != NULL);
		free(json);
	}
	free_three(&x);
}

void test_junit_golden(struct t_ctx *t)
{
	struct three x;
	char *xml;

	if (three_runs(t, &x) == 0) {
		xml = tc_report_junit(&x.info, x.res, 3);
		T_GOLDEN(t, "tests/golden/junit.xml", xml);
		free(xml);
	}
	free_three(&x);
}
