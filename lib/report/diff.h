/*
 * report: the difference between two runs (two report.json texts): the cases whose
 * verdict, alternative or segments from the target differ, and the regressions (a
 * case that fails in the second run and did not in the first). For CI: "what
 * changed since the last run", between kernels, between stacks.
 */
#ifndef TC_REPORT_DIFF_H
#define TC_REPORT_DIFF_H

#include <stdio.h>

struct tc_diff_entry {
	char *id;
	char *family;                   /* "ipv4", "ipv6" */
	char *level;
	char *verdict[2];               /* "pass" ..., or "absent" */
	char *alternative[2];           /* NULL: none */
	char *observed[2];              /* the first segment from the target that differs, in
					 * case notation, or "nothing" (NULL: the same) */
	int nseg[2];                    /* how many segments came from the target */
	char *reason;                   /* the second run's reason (NULL: none) */
	char *waiver[2];                /* "FILE:LINE" of the waiver that made it xfail, or that
					 * named it and was not needed (a pass); NULL: none */
	int regression;                 /* fails in the second run, not in the first */
};

struct tc_diff {
	char *stack[2], *version[2];
	int ncases[2];
	struct tc_diff_entry *e;
	int n, cap;
	int regressions;
};

/* tc_diff_reports - compare the report texts @a and @b (read from files named @na
 * and @nb, for messages). 0, or -1 with @err (not JSON, not a report, a schema
 * version this tool does not read). */
int tc_diff_reports(const char *a, const char *na, const char *b, const char *nb, struct tc_diff *d,
		    char *err, size_t errlen);

/* tc_diff_text - one line per case that differs, then a summary line. */
void tc_diff_text(FILE *f, const struct tc_diff *d);

/* tc_diff_json - the same as JSON (malloc'd). */
char *tc_diff_json(const struct tc_diff *d);

void tc_diff_free(struct tc_diff *d);

#endif
