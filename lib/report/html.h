/*
 * report: report.html, one self-contained page (no fetch from anywhere: it opens from a
 * CI artifact or a mail) built from report.json: the summary and the deviations first,
 * filters (verdict, level, family, id), and per case its title, RFC clause, verdict,
 * reason, waiver, pcap link and a ladder diagram of its trace, the expected segment
 * drawn beside what came where the case failed.
 */
#ifndef TC_REPORT_HTML_H
#define TC_REPORT_HTML_H

#include <stddef.h>

/* tc_report_html - the page (malloc'd) of the report text @report; NULL with @err when
 * it is not a report. */
char *tc_report_html(const char *report, char *err, size_t errlen);

/* The page in parts, for a writer that has one case's object at a time: the head from
 * the report's object (its "cases" not read), each case, the end. */
struct cJSON;
struct tc_sbuf;
void tc_html_head(struct tc_sbuf *b, const struct cJSON *root);
void tc_html_case(struct tc_sbuf *b, const struct cJSON *c);
void tc_html_tail(struct tc_sbuf *b);

#endif
