/*
 * report: the stack matrix. One run per stack (--stack all, or a list), one column
 * per stack: for each case and family, the verdict and the alternative each stack
 * gave. Written as matrix.json beside the run directories, and as a table of the
 * cases on which the stacks differ.
 */
#ifndef TC_REPORT_STACKMX_H
#define TC_REPORT_STACKMX_H

#include "run/result.h"

#include <stdio.h>

#define TC_STACKMX_COLS 16

struct tc_stackmx_cell {
	enum tc_verdict v;              /* TC_V_NOTRUN where the stack did not run it */
	char *alternative;              /* NULL: none */
};

struct tc_stackmx_row {
	char *id;
	int family;
	const char *level;
	struct tc_stackmx_cell cell[TC_STACKMX_COLS];
};

struct tc_stackmx {
	const char *col[TC_STACKMX_COLS];        /* the stacks' names */
	int ncol;
	struct tc_stackmx_row *row;
	int nrow, cap;
};

void tc_stackmx_init(struct tc_stackmx *m);

/* tc_stackmx_column - a column for stack @name (at most TC_STACKMX_COLS). */
void tc_stackmx_column(struct tc_stackmx *m, const char *name);

/* tc_stackmx_add - the @n results of the run of column @col. */
void tc_stackmx_add(struct tc_stackmx *m, int col, const struct tc_result *res, int n);

/* tc_stackmx_json - matrix.json (malloc'd): the stacks, then one entry per case and
 * family with each stack's verdict and alternative. */
char *tc_stackmx_json(const struct tc_stackmx *m);

/* tc_stackmx_text - per stack its counts, then the rows whose verdicts differ. */
void tc_stackmx_text(FILE *f, const struct tc_stackmx *m, int color);

/* tc_stackmx_html - matrix.html: a table of case x stack (the cases on which the
 * stacks differ; the others on request), each cell linking to the case in that
 * stack's report.html. */
void tc_stackmx_html(FILE *f, const struct tc_stackmx *m);

void tc_stackmx_free(struct tc_stackmx *m);

#endif
