/*
 * report: presenting results. JSON (report.json, the public interface described by
 * reports/schema.json; the only user of cJSON), JUnit XML, the per-case pcap files and
 * the terminal text. Pure over the results, but for writing the files.
 */
#ifndef TC_REPORT_REPORT_H
#define TC_REPORT_REPORT_H

#include "run/result.h"
#include "run/sched.h"

#include <stdio.h>

#define TC_SCHEMA_VERSION "1.0"

/* tc_report_json - the whole report as JSON text (malloc'd). */
char *tc_report_json(const struct tc_run_info *info, const struct tc_result *res, int n,
		     const struct tc_sched_stats *st);

/* tc_report_write - report.json at @json_path and, unless @html_path is NULL, its
 * report.html, written case by case (the same bytes as tc_report_json and
 * tc_report_html give, without holding either document whole), each through a
 * temporary file and rename(). 0, or -1 with @err. */
int tc_report_write(const char *json_path, const char *html_path, const struct tc_run_info *info,
		    const struct tc_result *res, int n, const struct tc_sched_stats *st, char *err, size_t errlen);

/* tc_report_junit - JUnit XML text (malloc'd). */
char *tc_report_junit(const struct tc_run_info *info, const struct tc_result *res, int n);

/* tc_report_junit_json - the same document from a report.json text (a merged run's);
 * NULL if it does not parse. */
char *tc_report_junit_json(const char *report);

/* tc_write_file_atomic - write @text to @path through a temporary file and rename(),
 * so that a reader never sees half a file. 0 or -1 with @err. */
int tc_write_file_atomic(const char *path, const char *text, char *err, size_t errlen);

/* tc_pcap_write - the frames of @r's trace as a classic pcap file at @path; the
 * trace's monotonic times plus @wall_offset_us give the wall-clock stamps. */
int tc_pcap_write(const char *path, const struct tc_result *r, int64_t wall_offset_us,
		  char *err, size_t errlen);

/* One deviation of the target: the failing and waived results whose first divergence
 * shows the same cause (lib/report/deviation.c says how the cause is derived). */
struct tc_deviation {
	char *summary;          /* the cause, e.g. "flags are [R.], expected [R]" */
	const char *rfc;        /* the reference most of its cases cite (borrowed) */
	enum tc_level level;    /* the highest level among its cases */
	int *idx;               /* the results (indices into the run's array), in order */
	int n;                  /* how many (a case run over IPv4 and IPv6 counts twice) */
	int failing;            /* of them, fail (the others are xfail) */
};

/* tc_deviation_cause - the cause @r's first divergence shows, normalised (numbers that
 * vary per case taken out), into @buf. */
void tc_deviation_cause(const struct tc_result *r, char *buf, size_t len);

/* tc_deviations - group the fail and xfail results of @res by cause, the widest group
 * first; returns their count and the array in *@out (tc_deviations_free). */
int tc_deviations(const struct tc_result *res, int n, struct tc_deviation **out);
void tc_deviations_free(struct tc_deviation *d, int n);

/* Terminal text. */
struct tc_text_opts {
	int color;
	int verbose;    /* also print each trace */
};
/* tc_text_case - one line per case (and the reason under a failure). */
void tc_text_case(FILE *f, const struct tc_result *r, const struct tc_text_opts *o);
/* tc_text_summary - the closing lines: counts, MUST failures, where the reports are. */
void tc_text_summary(FILE *f, const struct tc_result *res, int n, const char *dir, double secs,
		     const struct tc_text_opts *o);
/* tc_tap_case - @r as a TAP 14 test point: ok, ok # SKIP (skip, inconclusive, not
 * run), not ok # TODO (xfail: a waived, known deviation), not ok with a YAML block
 * (fail, error). */
void tc_tap_case(FILE *f, const struct tc_result *r);
/* tc_text_trace - the trace of @r in case notation, one segment a line. */
void tc_text_trace(FILE *f, const struct tc_result *r);

#endif
