/* Waiver files: their syntax (good and bad, with exact messages) and how they turn a
 * failure into xfail, only for the ids, family and failure they name. */
#include "t.h"

#include "case/waiver.h"
#include "replay.h"
#include "util/util.h"

#include <stdlib.h>
#include <unistd.h>

static const char *write_tmp(const char *text)
{
	static char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/tcwaiver.%d", (int)getpid());
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

void test_waiver_parse(struct t_ctx *t)
{
	static const struct { const char *text, *msg; } bad[] = {
		{ "reason = x\n", ":1:1: a key before the first [section]" },
		{ "[a.b\nreason = x\nref = y\n", ":1:1: a section is [case-id or glob]" },
		{ "[ ]\n", ":1:2: an empty section name" },
		{ "[a.b]\nreason x\n", ":2:1: expected key = value (reason, ref, match, family, service, kernels, varies)" },
		{ "[a.b]\ncolour = red\n", ":2:1: unknown key 'colour' (reason, ref, match, family, service, kernels, varies)" },
		{ "[a.b]\nreason = x\nreason = y\n", ":3:1: 'reason' given twice" },
		{ "[a.b]\nreason =\n", ":2:9: 'reason' needs a value" },
		{ "[a.b]\nreason = x\nfamily = 5\n", ":3:10: family is 4 or 6" },
		{ "[a.b]\nreason = x\n", ":1:1: waiver [a.b] needs a reason and a ref" },
		{ "[a.b]\nreason = x\nvaries = sometimes\n", ":3:10: varies is yes (or absent)" },
		{ "[a.b]\nvaries = yes\nvaries = yes\n", ":3:1: varies given twice" },
		{ "[a.b]\nservice = smtp\n", ":2:11: service is listen, discard, echo, http or banner (one or more)" },
		{ "[a.b]\nservice = http  htt\n", ":2:17: service is listen, discard, echo, http or banner (one or more)" },
		{ "[a.b]\nservice = http\nservice = http\n", ":3:1: service given twice" },
		{ "[a.b]\nkernels = six\n", ":2:11: kernels is one or more Linux versions (6.1 6.12), or a version and later (6.5+), blank-separated" },
		{ "[a.b]\nkernels = 6.1 +6\n", ":2:11: kernels is one or more Linux versions (6.1 6.12), or a version and later (6.5+), blank-separated" },
		{ "[a.b]\nkernels = 6.1\nkernels = 6.1\n", ":3:1: kernels given twice" },
	};
	struct tc_waivers w = { 0 };
	char err[TC_ERRLEN], want[TC_ERRLEN];
	const char *p;
	size_t i;

	p = write_tmp("# Linux\n\n[tcp.timewait.*]\nreason = 60 s\nref = tcp.h\nmatch = expected\n"
		      "[tcp.x tcp.z.*]\n  reason =  spaced out  \nref = r\nfamily = 6\nvaries = yes\n"
		      "[tcp.s]\nreason = orphan\nref = r\nservice = http  banner\n");
	T_EQ_U(t, tc_waivers_load(&w, p, err, sizeof(err)), 0);
	T_EQ_U(t, w.n, 3);
	T_EQ_S(t, w.v[1].reason, "spaced out");
	T_EQ_U(t, w.v[1].family, 6);
	T_EQ_U(t, w.v[0].varies, 0);
	T_EQ_U(t, w.v[1].varies, 1);
	T_EQ_U(t, w.v[0].line, 3);
	T_OK(t, tc_waiver_find(&w, "tcp.timewait.duration", 4, NULL, "x: expected y, got z") == &w.v[0]);
	T_OK(t, tc_waiver_find(&w, "tcp.timewait.duration", 4, NULL, "a different failure") == NULL);
	T_OK(t, tc_waiver_find(&w, "tcp.timewait.duration", 4, NULL, NULL) == &w.v[0]);
	T_OK(t, tc_waiver_find(&w, "tcp.x", 4, NULL, "any") == NULL);
	T_OK(t, tc_waiver_find(&w, "tcp.x", 6, NULL, "any") == &w.v[1]);
	T_OK(t, tc_waiver_find(&w, "tcp.y", 6, NULL, "any") == NULL);
	T_OK(t, tc_waiver_find(&w, "tcp.z.q", 6, NULL, "any") == &w.v[1]);
	/* a service's waiver: only where that service is the application */
	T_OK(t, tc_waiver_find(&w, "tcp.s", 4, "http", "any") == &w.v[2]);
	T_OK(t, tc_waiver_find(&w, "tcp.s", 4, "echo", "any") == NULL);
	T_OK(t, tc_waiver_find(&w, "tcp.s", 4, "banner", "any") == &w.v[2]);
	T_OK(t, tc_waiver_find(&w, "tcp.s", 4, "ban", "any") == NULL);
	T_OK(t, tc_waiver_find(&w, "tcp.s", 4, NULL, "any") == NULL);
	T_OK(t, tc_waiver_find(&w, "tcp.timewait.duration", 4, "http", NULL) == &w.v[0]);
	tc_waivers_free(&w);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = write_tmp(bad[i].text);
		snprintf(want, sizeof(want), "%s%s", p, bad[i].msg);
		err[0] = '\0';
		T_OK(t, tc_waivers_load(&w, p, err, sizeof(err)) < 0);
		T_EQ_S(t, err, want);
		tc_waivers_free(&w);
	}
	unlink(p);
}

void test_waiver_apply(struct t_ctx *t)
{
	struct tc_waivers w = { 0 };
	struct tc_summary s;
	struct replay r;
	char err[TC_ERRLEN];
	const char *p = write_tmp("[tcp.handshake.syn_ack_basic]\nreason = r\nref = f\nmatch = (ack is 2, expected 1)\n");

	T_EQ_U(t, tc_waivers_load(&w, p, err, sizeof(err)), 0);
	/* the failure it names: xfail */
	if (replay_run(&r, "testcases/handshake/syn_ack_basic.tcp", NULL, "> S 0:0(0)\n< S. 0:0(0) ack 2\n", NULL) == 0) {
		tc_result_waive(&r.res, &w);
		T_EQ_S(t, tc_verdict_name(r.res.verdict), "xfail");
		T_OK(t, r.res.waiver == &w.v[0]);
		replay_free(&r);
	}
	/* another failure of the same case: still a fail */
	if (replay_run(&r, "testcases/handshake/syn_ack_basic.tcp", NULL, "> S 0:0(0)\n< R. 0:0(0) ack 1\n", NULL) == 0) {
		tc_result_waive(&r.res, &w);
		T_EQ_S(t, tc_verdict_name(r.res.verdict), "fail");
		replay_free(&r);
	}
	/* a pass: flagged, the waiver may be stale */
	if (replay_run(&r, "testcases/handshake/syn_ack_basic.tcp", NULL,
		       "> S 0:0(0)\n< S. 0:0(0) ack 1 <mss 1460>\n> . 1:1(0)\n> P. 1:11(10)\n< . 1:1(0) ack 11\n", NULL) == 0) {
		tc_result_waive(&r.res, &w);
		T_EQ_S(t, tc_verdict_name(r.res.verdict), "pass");
		T_OK(t, r.res.waiver == &w.v[0]);
		T_OK(t, r.res.notes && strstr(r.res.notes, "the waiver may be stale"));
		tc_summarize(&r.res, 1, &s);
		T_EQ_U(t, s.waived_pass, 1);
		/* unless the waiver says that the stack's answer varies: a pass is expected at times */
		w.v[0].varies = 1;
		free(r.res.notes);
		r.res.notes = NULL;
		tc_result_waive(&r.res, &w);
		T_OK(t, r.res.waiver == &w.v[0]);
		snprintf(err, sizeof(err), "passed; waived where it fails (%s:1), as the stack's answer varies from run to run", p);
		T_EQ_S(t, r.res.notes ? r.res.notes : "", err);
		tc_summarize(&r.res, 1, &s);
		T_EQ_U(t, s.waived_pass, 0);
		replay_free(&r);
	}
	tc_waivers_free(&w);
	unlink(p);
}

/* a waiver kept to some kernels: it applies on those releases only, and on none when
 * the target's kernel is not known */
void test_waiver_kernels(struct t_ctx *t)
{
	static const struct { const char *release; int found; } v[] = {
		{ "6.1.0-57-cloud-amd64", 1 }, { "6.18.44-fc-v1272", 1 }, { "6.12.118+deb12-cloud-amd64", 0 },
		{ "6.1", 1 }, { "6.10.2", 0 }, { NULL, 0 },
	};
	struct tc_waivers w = { 0 };
	char err[TC_ERRLEN];
	const char *p = write_tmp("[tcp.k]\nreason = r\nref = f\nkernels = 6.1  6.18\n[tcp.any]\nreason = r\nref = f\n");

	T_EQ_U(t, tc_waivers_load(&w, p, err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		w.kernel = v[i].release;
		if ((tc_waiver_find(&w, "tcp.k", 4, NULL, "x") != NULL) != v[i].found)
			t_fail(t, __FILE__, __LINE__, "kernel %s: the waiver %s", v[i].release ? v[i].release : "(unknown)",
			       v[i].found ? "does not apply" : "applies");
		T_OK(t, tc_waiver_find(&w, "tcp.any", 4, NULL, "x") != NULL);   /* no kernels: any */
	}
	tc_waivers_free(&w);
	/* "6.5+": that version and later, by number (6.12 is after 6.5; 6.1 and 5.15 are not) */
	T_OK(t, tc_kernel_fits("6.5+", "6.12.118+deb12-cloud-amd64"));
	T_OK(t, tc_kernel_fits("6.5+", "6.5.0"));
	T_OK(t, tc_kernel_fits("6.5+", "7.0.1"));
	T_OK(t, !tc_kernel_fits("6.5+", "6.1.0-57-cloud-amd64"));
	T_OK(t, !tc_kernel_fits("6.5+", "5.15.0"));
	T_OK(t, tc_kernel_fits("5.10 6.5+", "5.10.2"));
	T_OK(t, !tc_kernel_fits("6.5+", NULL));
}
