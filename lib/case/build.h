/* case: concrete segments from patterns (what a send step, or a scripted peer, sends). */
#ifndef TC_CASE_BUILD_H
#define TC_CASE_BUILD_H

#include "case/case.h"

/* Values that '*' stands for in a segment to send, and the defaults. */
struct tc_build_auto {
	uint32_t ack;           /* absolute ack when the pattern has ACK but no value */
	uint32_t ts_val;        /* TS val * */
	uint32_t ts_ecr;        /* TS ecr * */
	enum tc_fill fill;      /* the bytes of a data segment without a payload of its own */
};

/* tc_fill_bytes - @len bytes of the @fill stream from its offset @off (0: the first
 * byte after the SYN) into @buf. */
void tc_fill_bytes(enum tc_fill fill, uint32_t off, uint8_t *buf, uint32_t len);
/* tc_fill_close - the bytes that end the HTTP request the first @off bytes of the http
 * fill began, as one that asks the server to close after its answer ("Connection:
 * close"); with nothing sent yet, a whole HEAD request. Into @buf (@len >= 96), NUL
 * ended; returns their number. */
size_t tc_fill_close(uint32_t off, char *buf, size_t len);

/*
 * tc_segpat_build - fill @s (addresses, ports, link, IP id already set by the caller)
 * from @p: sequence numbers relative to @seq_base, acknowledgment numbers and SACK
 * blocks relative to @ack_base; then encode it, with the deliberate damage the pattern
 * asks for (bad checksums, data offset, IP length). Returns 0 or -1 with @err.
 */
int tc_segpat_build(const struct tc_segpat *p, struct tc_seg *s, uint32_t seq_base, uint32_t ack_base,
		    const struct tc_build_auto *au, char *err, size_t errlen);

#endif
