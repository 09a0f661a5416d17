/*
 * report: report.json in parts (json.c), for the writer that streams it (write.c):
 * the document without its cases, and one case.
 */
#ifndef TC_REPORT_JSONPARTS_H
#define TC_REPORT_JSONPARTS_H

#include "report/report.h"

#include <cjson/cJSON.h>

/* tc_json_root - the report's object; its last member, "cases", an empty array. */
cJSON *tc_json_root(const struct tc_run_info *info, const struct tc_result *res, int n,
		    const struct tc_sched_stats *st);

/* tc_json_case - one result's object, as in "cases". */
cJSON *tc_json_case(const struct tc_result *r);

#endif
