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

/* tc_report_junit - JUnit XML text (malloc'd). */
char *tc_report_junit(const struct tc_run_info *info, const struct tc_result *res, int n);

/* tc_write_file_atomic - write @text to @path through a temporary file and rename(),
 * so that a reader never sees half a file. 0 or -1 with @err. */
int tc_write_file_atomic(const char *path, const char *text, char *err, size_t errlen);

/* tc_pcap_write - the frames of @r's trace as a classic pcap file at @path; the
 * trace's monotonic times plus @wall_offset_us give the wall-clock stamps. */
int tc_pcap_write(const char *path, const struct tc_result *r, int64_t wall_offset_us,
		  char *err, size_t errlen);

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
/* tc_text_trace - the trace of @r in case notation, one segment a line. */
void tc_text_trace(FILE *f, const struct tc_result *r);

#endif
