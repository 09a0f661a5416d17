/*
 * case: the generated state x event matrix. For each state the tester can bring the
 * target into, each class of arriving segment and each position of its sequence
 * number relative to the target's window, one case: a prelude that reaches the state,
 * the segment, and "< model" (the outcomes the RFC model permits). Ids:
 * tcp.matrix.<state>.<class>.<position>. The cases are written in the case language
 * and parsed like files, so they read like any other (tcpconform show ID).
 */
#ifndef TC_CASE_MATRIX_H
#define TC_CASE_MATRIX_H

#include "case/case.h"

#define TC_MATRIX_STATES 10
#define TC_MATRIX_CLASSES 9
#define TC_MATRIX_POSITIONS 5

/* tc_matrix_text - the source of matrix case number @i (0 <= i < tc_matrix_count()),
 * malloc'd; its id into @id (at least 80 bytes). */
char *tc_matrix_text(int i, char *id, size_t idlen);

/* tc_matrix_count - the number of matrix cases. */
int tc_matrix_count(void);

/* tc_matrix_add - parse every matrix case into @set. 0, or -1 with @err (a bug). */
int tc_matrix_add(struct tc_caseset *set, char *err, size_t errlen);

#endif
