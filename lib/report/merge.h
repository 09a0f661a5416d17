/*
 * report: the shards of one run (--shard I/N on several machines) merged into one
 * report.json: the cases of every shard, the summary counted again, the deviations
 * joined, the findings of all. Only shards of one selection (run.selection), one tool
 * version and one N, each I once and none missing.
 */
#ifndef TC_REPORT_MERGE_H
#define TC_REPORT_MERGE_H

#include <stddef.h>

/* tc_merge_reports - the merged report.json (malloc'd) of the @n report texts (read
 * from @names, for messages); NULL with @err when they are not the shards of one run. */
char *tc_merge_reports(char *const *texts, char *const *names, int n, char *err, size_t errlen);

#endif
