/* case: the matcher. Does an observed segment fit a pattern of a case file? Pure. */
#ifndef TC_CASE_MATCH_H
#define TC_CASE_MATCH_H

#include "case/case.h"

/*
 * tc_match - compare the segment @s with the pattern @p. Sequence numbers of @s are
 * taken relative to @seq_base, acknowledgment numbers (and SACK blocks) relative to
 * @ack_base. Returns 1 when it fits, 0 when it does not, with @why (may be NULL)
 * naming the first field that differs, e.g. "ack is 5, expected 1".
 */
int tc_match(const struct tc_segpat *p, const struct tc_seg *s, uint32_t seq_base,
	     uint32_t ack_base, char *why, size_t whylen);

#endif
