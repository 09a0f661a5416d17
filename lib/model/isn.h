/*
 * model: judging initial sequence numbers (RFC 9293 3.4.1, MUST-8, SHLD-1, MUST-9;
 * RFC 6528). Given the target's ISNs from many connection attempts, in the order they
 * were made, with their times:
 *  - isn-random (attempts from different ports): no more repeats than random 32-bit
 *    values show by chance (one pair among 2000, 1 in 2150), no ISN 0, every bit as
 *    often 1 as 0, the top byte uniform (chi-square), and consecutive ISNs not close
 *    to each other, as they would be from a counter, a clock or a constant;
 *  - isn-clock (attempts from one port): the ISN grows with time, at least 250 000
 *    per second (RFC 9293 3.4.1: "a (possibly fictitious) 32-bit clock ... about
 *    every 4 microseconds"), and never goes back.
 * Pure: unit-tested on counters, clocks, constants and random data.
 */
#ifndef TC_MODEL_ISN_H
#define TC_MODEL_ISN_H

#include <stddef.h>
#include <stdint.h>

struct tc_isn_sample {
	uint64_t t_us;
	uint32_t isn;
	int has_ts;             /* the SYN-ACK carried TSopt, with TSval: */
	uint32_t tsval;
};

/* tc_isn_random - 1 if @n samples look unpredictable, 0 if not; @why says which test
 * failed (or, on success, the figures). Needs n >= 200. */
int tc_isn_random(const struct tc_isn_sample *s, size_t n, char *why, size_t len);

/* tc_isn_clock - 1 if the samples (one 4-tuple) grow with time as a clock of at least
 * 250 000 ticks per second, 0 if not, with @why; -1 (with @why) when they grow fast
 * enough but the pauses between the attempts came out too even to tell a clock from a
 * counter of connections (a busy machine). */
int tc_isn_clock(const struct tc_isn_sample *s, size_t n, char *why, size_t len);

/* tc_ts_clock - 1 if the TSvals of the SYN-ACKs come from one clock that never goes
 * back and ticks between once a second and once a millisecond (RFC 7323 5.4: "in the
 * range 1 ms to 1 sec per tick"; 10% and one tick either way for the measure), 0 if
 * not, with @why.
 * A target that takes no timestamps (no TSopt in any SYN-ACK) passes, saying so; one
 * that takes them now and then does not. The samples must span 1.5 s at least. */
int tc_ts_clock(const struct tc_isn_sample *s, size_t n, char *why, size_t len);

#endif
