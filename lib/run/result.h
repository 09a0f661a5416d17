/*
 * run: results, the data a run produces and the reporters present. A result belongs
 * to one case: its verdict, the alternative that matched, the first divergence, the
 * state paths and the whole trace of segments.
 */
#ifndef TC_RUN_RESULT_H
#define TC_RUN_RESULT_H

#include "case/case.h"
#include "case/waiver.h"
#include "packet/seg.h"

#include <stdint.h>

enum tc_verdict {
	TC_V_NOTRUN = 0,        /* interrupted before it ran */
	TC_V_PASS, TC_V_FAIL, TC_V_SKIP, TC_V_INCONCLUSIVE, TC_V_ERROR,
	TC_V_XFAIL,             /* a fail that a waiver names: a known deviation */
};

/* One segment of a trace: what was sent or seen, and the step it belongs to. */
struct tc_trace_ent {
	struct tc_seg seg;      /* owns its bytes */
	int line;               /* the case-file line of the step (0: none) */
	const char *note;       /* static text: "unexpected", "teardown", "after the verdict",
				 * "retransmission", or NULL */
	uint32_t lead;          /* its first bytes are a service's answer, not the steps': they
				 * see the segment after them (a server's last data and its FIN
				 * in one segment) */
};

/* A trace entry once its case is over (tc_result_pack): the frame's bytes and what is
 * not in them. A decoded segment takes 3.5 KB, most of it room for 40 options; its
 * frame about a tenth of that. The view is decoded again when asked (tc_result_entry). */
struct tc_trace_rec {
	uint8_t *raw;           /* owned */
	uint32_t raw_len;
	uint32_t lead;
	uint64_t t_us;
	const char *note;
	int line;
	uint8_t link, dir, cut;
};

struct tc_result {
	const struct tc_case *c;
	enum tc_verdict verdict;
	int family;             /* 4 or 6 */
	char alternative[160];  /* names of the alternatives that matched, comma-separated */
	char *reason;           /* owned: one line, compiler-style for a fail */
	/* The first divergence (fail), also in reason. */
	int div_line;
	char *div_expected;     /* the step as written, or a description */
	char *div_observed;     /* the segment in case notation, or "nothing within 1000 ms" */
	int div_timer;          /* what broke a silence was a retransmission: a timer's, whose
				 * time a late tester shifts into the window (tc_result_judge_wait) */
	/* State paths. */
	char **st_expected;     /* borrowed from the case */
	int nst_expected;
	const char *st_observed[64];
	int st_observed_line[64];       /* the case-file line of the step that entered each (0: none) */
	int nst_observed;
	/* Trace: decoded segments while the case runs, frames once it is packed (then
	 * trace is NULL and packed holds the ntrace entries). */
	struct tc_trace_ent *trace;
	struct tc_trace_rec *packed;
	int ntrace;
	size_t cap_trace;
	uint32_t tester_isn, target_isn;
	int target_isn_known;
	uint16_t tester_port, target_port;
	uint64_t start_us, end_us;      /* clock of the run */
	char *pcap;             /* path of the case's pcap, relative to the run directory */
	char *notes;            /* owned: findings that do not change the verdict */
	const struct tc_waiver *waiver; /* the waiver that applies (xfail, or a waived pass) */
	int parted_line;        /* the step where the observed path left the expected one */
	char *unexplained;      /* owned: a reply no permitted outcome explains, or NULL */
	/* How long the processes its verdict rests on waited for a CPU while it ran (the
	 * machine was busy): see tc_result_judge_wait. */
	uint64_t cpu_wait_us;
	int cpu_wait_known;
};

const char *tc_verdict_name(enum tc_verdict v);

/* tc_result_init - a result for @c, not yet run. */
void tc_result_init(struct tc_result *r, const struct tc_case *c);

/* tc_result_free - release what the result owns (not the result itself). */
void tc_result_free(struct tc_result *r);

/* tc_result_trace_add - append a copy of @s (dir and time as set in @s); returns its index. */
int tc_result_trace_add(struct tc_result *r, const struct tc_seg *s, int line, const char *note);

/* tc_result_pack - keep the trace as frames: for a result whose case is over and whose
 * verdict is final (nothing may hold a pointer into the trace). A trace with an entry
 * that has no frame, or a frame the tester sent that does not decode (an IP length
 * broken on purpose: the view it was built from says more), stays as it is. */
void tc_result_pack(struct tc_result *r);

/* tc_result_entries - the trace, packed or not, as decoded entries: a copy of
 * r->ntrace entries (NULL for none) that the caller releases with tc_result_entries_free. */
struct tc_trace_ent *tc_result_entries(const struct tc_result *r);
void tc_result_entries_free(struct tc_trace_ent *t, int n);

/* tc_result_set_reason - replace the reason (printf-style). */
void tc_result_set_reason(struct tc_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* tc_result_add_note - append a line to the notes. */
void tc_result_add_note(struct tc_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct tc_path_report;

/* A whole run: environment facts and all results. */
struct tc_run_info {
	const char *tool_version;
	const char *mode;               /* "netns", "replay" ... */
	const char *stack;              /* "linux" */
	char selection[512];            /* the options that chose the cases, as a sentence */
	char shard[24];                 /* "I/N", or "" */
	char stack_version[320];        /* "lwIP (raw API) 2.1.3+dfsg1-2 (Debian package liblwip-dev)" */
	char kernel[128];
	char target_addr[64], tester_addr[64];
	char iface[32];
	const char *service;            /* remote: --service (listen, discard, echo, http); NULL otherwise */
	char **sysctl_keys, **sysctl_vals;
	int nsysctl;
	char started[40], finished[40];
	double wall_s;                  /* the run's wall time (0: unknown) */
	int complete;                   /* every selected case ran */
	int jobs;                       /* -j, or the number the run started at */
	int jobs_max;                   /* no -j: the most it could grow to (0: -j fixed it) */
	uint64_t seed;
	char *interrupted;              /* why the run stopped early, or NULL */
	const struct tc_path_report *path;      /* what the traces say about the path, or NULL */
	const char *path_trace_json;    /* --trace-path: report.json's "path_trace", as JSON text */
	const char *vm_accel;           /* run --kernel: "kvm" or "tcg" (NULL: no virtual machine) */
	const char *vm_accel_why;       /* why not KVM, or NULL */
	double vm_boot_s;               /* from qemu's start to the agent's "ready" */
};

struct tc_summary {
	int pass, fail, skip, inconclusive, error, notrun, xfail;
	int fail_must, fail_should, fail_may, fail_linux;
	int waived_pass;        /* passes that a waiver names: the waiver may be stale */
};

/* tc_result_waive - apply @w to a final result: a fail it names becomes xfail; a
 * pass it names is flagged (the deviation is gone, or the waiver is too wide). */
void tc_result_waive(struct tc_result *r, struct tc_waivers *w);

/* tc_result_judge_wait - a failure that rests on timing (nothing came within the step's
 * time, a reply came late or early, or the step names its time) is not judged when the
 * processes it rests on (@who: "slirp4netns, the agent and the tester") waited for a CPU,
 * while the case ran, a quarter of that time or more: the verdict becomes inconclusive,
 * naming both figures (the wait is the whole case's, which overstates the step's: in
 * doubt, the tester does not judge). Other verdicts, and failures that timing cannot explain, stand.
 * Returns 1 when it changed the verdict. */
int tc_result_judge_wait(struct tc_result *r, const char *who);

/* tc_summarize - count the verdicts of @n results. */
void tc_summarize(const struct tc_result *res, int n, struct tc_summary *s);

#endif
