/* Golden tests of the reporters: a replayed run on a fake clock gives the same
 * report.json and junit.xml, byte for byte (make golden rewrites them after a
 * deliberate change). */
#include "t.h"

#include "replay.h"
#include "report/html.h"
#include "report/report.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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

/* add - a segment of @family over @link into @r's trace, with what is not in its bytes. */
static void add(struct tc_result *r, int family, enum tc_link link, int dir, uint8_t proto, int line,
		const char *note, uint32_t lead, int cut)
{
	struct tc_seg s;

	tc_seg_init(&s);
	s.family = family;
	s.link = link;
	s.ip_proto = proto;
	tc_addr_parse(&s.src, family == 4 ? "198.18.0.1" : "2001:db8::1");
	tc_addr_parse(&s.dst, family == 4 ? "198.18.0.2" : "2001:db8::2");
	s.sport = 20000;
	s.dport = 80;
	s.seq = 1000 + (uint32_t)line;
	s.ack = 7;
	s.flags = TC_ACK | TC_PSH;
	s.win = 512;
	tc_opt_simple(&s.opts[s.nopts++], TC_OPT_NOP);
	tc_opt_simple(&s.opts[s.nopts++], TC_OPT_NOP);
	tc_opt_ts(&s.opts[s.nopts++], 11, 22);
	s.icmp_type = 3;
	s.icmp_code = 4;
	s.icmp_rest = 1280;
	s.payload_len = 4;
	if (tc_seg_encode(&s, (const uint8_t *)"abcd", NULL, NULL, 0) == 0) {
		s.t_us = 5000 + (uint64_t)line;
		s.dir = (enum tc_dir)dir;
		s.cut = (uint8_t)cut;
		int i = tc_result_trace_add(r, &s, line, note);

		r->trace[i].lead = lead;
	}
	tc_seg_free(&s);
}

/* A finished case's trace kept as frames gives back every entry as it was: the report,
 * the pcap and the text trace read the same, and what is not in the frame (time,
 * direction, cut, step line, note, lead) survives. */
void test_result_pack(struct t_ctx *t)
{
	static struct tc_case c = { .id = "x.pack", .file = "x.tcp" };
	struct tc_run_info info = { .tool_version = "t", .mode = "netns", .stack = "linux" };
	struct tc_sched_stats st = { 0 };
	struct tc_result r;
	struct tc_trace_ent *a, *b;
	char *before, *after;
	int i;

	tc_result_init(&r, &c);
	r.verdict = TC_V_PASS;
	add(&r, 4, TC_LINK_ETH, TC_DIR_OUT, 6, 10, NULL, 0, 0);
	add(&r, 4, TC_LINK_ETH, TC_DIR_IN, 6, 11, "answer, then the FIN", 4, 1);
	add(&r, 6, TC_LINK_RAW, TC_DIR_IN, 6, 0, "teardown", 0, 0);
	T_EQ_U(t, r.ntrace, 3);
	a = tc_result_entries(&r);
	before = tc_report_json(&info, &r, 1, &st);
	tc_result_pack(&r);
	T_OK(t, r.trace == NULL && r.packed != NULL);
	T_EQ_U(t, r.ntrace, 3);
	b = tc_result_entries(&r);
	after = tc_report_json(&info, &r, 1, &st);
	T_EQ_S(t, after, before);
	for (i = 0; a && b && i < 3; i++) {
		T_EQ_U(t, b[i].seg.t_us, a[i].seg.t_us);
		T_EQ_U(t, b[i].seg.dir, a[i].seg.dir);
		T_EQ_U(t, b[i].seg.link, a[i].seg.link);
		T_EQ_U(t, b[i].seg.cut, a[i].seg.cut);
		T_EQ_U(t, b[i].seg.family, a[i].seg.family);
		T_EQ_U(t, b[i].seg.raw_len, a[i].seg.raw_len);
		T_OK(t, !memcmp(b[i].seg.raw, a[i].seg.raw, a[i].seg.raw_len));
		T_EQ_U(t, b[i].line, a[i].line);
		T_EQ_S(t, b[i].note ? b[i].note : "-", a[i].note ? a[i].note : "-");
		T_EQ_U(t, b[i].lead, a[i].lead);
	}
	T_EQ_U(t, b[1].seg.cut, 1);
	T_EQ_U(t, b[1].lead, 4);
	T_EQ_U(t, b[0].seg.nopts, 3);
	T_EQ_U(t, tc_opt_find(&b[0].seg, TC_OPT_TS)->v.ts.ecr, 22);
	tc_result_pack(&r);     /* twice: nothing changes */
	T_OK(t, r.packed != NULL && r.ntrace == 3);
	tc_result_entries_free(a, 3);
	tc_result_entries_free(b, 3);
	free(before);
	free(after);
	tc_result_free(&r);

	/* an ICMP message the tester sent: its type, code, next-hop MTU and quote */
	tc_result_init(&r, &c);
	add(&r, 4, TC_LINK_ETH, TC_DIR_OUT, 1, 12, "unexpected", 0, 0);
	tc_result_pack(&r);
	b = tc_result_entries(&r);
	T_OK(t, r.packed && b && b[0].seg.ip_proto == 1 && b[0].seg.icmp_type == 3 && b[0].seg.icmp_code == 4 &&
	     b[0].seg.icmp_rest == 1280 && b[0].seg.payload_len == 4 && b[0].line == 12);
	tc_result_entries_free(b, r.ntrace);
	tc_result_free(&r);

	/* an entry without a frame (a view never encoded) keeps the trace as it is */
	tc_result_init(&r, &c);
	add(&r, 4, TC_LINK_ETH, TC_DIR_OUT, 6, 10, NULL, 0, 0);
	{
		struct tc_seg s;

		tc_seg_init(&s);
		tc_result_trace_add(&r, &s, 0, NULL);
	}
	tc_result_pack(&r);
	T_OK(t, r.trace != NULL && r.packed == NULL);
	tc_result_free(&r);

	/* a frame the tester broke on purpose (an IP total length below the headers) does
	 * not decode: the view it was built from stays */
	tc_result_init(&r, &c);
	add(&r, 4, TC_LINK_ETH, TC_DIR_OUT, 6, 10, NULL, 0, 0);
	r.trace[0].seg.raw[14 + 2] = 0;
	r.trace[0].seg.raw[14 + 3] = 20;
	tc_result_pack(&r);
	T_OK(t, r.trace != NULL && r.packed == NULL);
	tc_result_free(&r);
}

/* The files a run writes case by case are the documents made whole: report.json as
 * tc_report_json gives it (and a line break), report.html as tc_report_html makes it
 * from that text; and a directory that cannot be written leaves neither file. */
void test_report_write(struct t_ctx *t)
{
	struct three x;
	struct tc_sched_stats st = { 0 };
	char dir[] = "/tmp/tc-unit-write.XXXXXX", jp[64], hp[64], err[256];
	char *json, *html, *jf, *hf, *want;
	size_t len;

	if (three_runs(t, &x) < 0)
		return;
	T_OK(t, mkdtemp(dir) != NULL);
	snprintf(jp, sizeof(jp), "%s/report.json", dir);
	snprintf(hp, sizeof(hp), "%s/report.html", dir);
	T_EQ_U(t, tc_report_write(jp, hp, &x.info, x.res, 3, &st, err, sizeof(err)), 0);
	json = tc_report_json(&x.info, x.res, 3, &st);
	html = tc_report_html(json, err, sizeof(err));
	jf = tc_read_file(jp, &len);
	hf = tc_read_file(hp, &len);
	want = NULL;
	T_OK(t, asprintf(&want, "%s\n", json) > 0);
	T_EQ_S(t, jf ? jf : "", want);
	free(want);
	want = NULL;
	T_OK(t, asprintf(&want, "%s\n", html ? html : "-") > 0);
	T_EQ_S(t, hf ? hf : "", want);
	T_OK(t, hf && strstr(hf, "<svg class=\"ladder\"") && strstr(hf, "</html>"));
	free(jf);
	free(hf);
	free(want);
	/* no html asked: report.json alone */
	unlink(hp);
	T_EQ_U(t, tc_report_write(jp, NULL, &x.info, x.res, 3, &st, err, sizeof(err)), 0);
	T_OK(t, access(hp, F_OK) < 0);
	unlink(jp);
	/* a directory that is not there: an error naming the file, nothing left */
	snprintf(jp, sizeof(jp), "%s/gone/report.json", dir);
	T_EQ_U(t, tc_report_write(jp, NULL, &x.info, x.res, 3, &st, err, sizeof(err)), (unsigned long long)-1);
	T_OK(t, strstr(err, "gone/report.json.tmp") != NULL);
	T_OK(t, rmdir(dir) == 0);       /* empty: no temporary file stayed */
	free(json);
	free(html);
	free_three(&x);
}
