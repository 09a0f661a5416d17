/* packet: tcpdump-style text for segments. */
#ifndef TC_PACKET_FORMAT_H
#define TC_PACKET_FORMAT_H

#include "packet/seg.h"

/* tc_flags_str - tcpdump's letters for the control bits ("S", "S.", "FP.", "R", "none");
 * @buf needs 16 bytes. Reserved bits are not letters: see tc_seg_format_case. */
const char *tc_flags_str(uint16_t flags, char *buf, size_t len);

/* tc_opts_str - tcpdump's option list without brackets: "mss 1460,nop,wscale 7". */
size_t tc_opts_str(const struct tc_seg *s, char *buf, size_t len);

/*
 * tc_seg_format_tcpdump - the segment as `tcpdump -nn -S` prints it, absolute numbers:
 * "172.16.12.1.49898 > 172.16.12.2.23: Flags [S], seq 1450082649, win 4128,
 * options [mss 1460], length 0". With @verbose, as `tcpdump -nn -v -S`: the IP line,
 * a newline, four spaces, then the TCP line with the checksum. Returns @buf.
 */
char *tc_seg_format_tcpdump(const struct tc_seg *s, int verbose, char *buf, size_t len);

/*
 * tc_seg_format_case - the segment in the notation of the case files, with sequence
 * numbers relative to @seq_base and acknowledgment numbers relative to @ack_base:
 * "S. 0:0(0) ack 1 win 65160 <mss 1460,sackOK,TS val 7 ecr 9,nop,wscale 7>".
 * A malformed segment's problem is not in it (s->problem says it). Returns @buf.
 */
char *tc_seg_format_case(const struct tc_seg *s, uint32_t seq_base, uint32_t ack_base,
			 char *buf, size_t len);

#endif
