/*
 * env: --trace-path, where on the way the tester's SYN is changed. The tester sends its
 * SYN again with TTL (hop limit) 1, 2, ... and reads the ICMP time-exceeded messages of
 * the routers on the way: each quotes the SYN as that router received it. The first
 * quote that differs from what was sent puts the change between that router and the
 * one before it (as tracebox does). The probes stop at the target's answer.
 */
#ifndef TC_ENV_TRACE_H
#define TC_ENV_TRACE_H

#include "io/io.h"
#include "io/target.h"

#define TC_TRACE_MAX_HOPS 16

struct tc_trace_hop {
	int ttl;
	char addr[64];          /* who answered: a router, or the target ("" nothing) */
	int reached;            /* the target answered (its SYN-ACK or RST) */
	int whole;              /* the quote holds the whole TCP header (options included) */
	char changes[300];      /* how the quoted SYN differs from the SYN sent ("" alike) */
};

struct tc_trace {
	int family;
	int nhops;
	struct tc_trace_hop hop[TC_TRACE_MAX_HOPS];
	char finding[512];      /* where the SYN changed, or "" */
};

/* tc_quote_changes - how the TCP header quoted in @quote (an IP packet as a router
 * received it, @qlen bytes) differs from the segment @sent: "" when alike, else a
 * list ("mss 1460 -> 1000; option timestamps removed"). *whole says whether the quote
 * held the whole TCP header. */
void tc_quote_changes(const struct tc_seg *sent, const uint8_t *quote, size_t qlen, int *whole, char *out,
		      size_t outlen);

/* tc_trace_path - probe the path to @tg's @port from tester port @sport, sending on
 * @io and listening on interface @iface. 0, or -1 with @err (the probes could not be
 * sent or heard). */
int tc_trace_path(const struct tc_io *io, const struct tc_target *tg, const char *iface, uint16_t port,
		  uint16_t sport, struct tc_trace *out, char *err, size_t errlen);

#endif
