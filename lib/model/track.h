/*
 * model: the state tracker. It replays a trace (the tester's segments, the target's
 * segments, the agent's actions) through the RFC 9293 state machine (3.10) and names
 * the target's state after each event: the "observed" state path of a report.
 * Segments from the tester are taken as the target must take them (acceptability test
 * of 3.10.7.4, RFC 5961 for RST and SYN); segments from the target move it as their
 * flags say (its SYN-ACK, its FIN, its RST). Pure.
 */
#ifndef TC_MODEL_TRACK_H
#define TC_MODEL_TRACK_H

#include "packet/seg.h"

#include <stdint.h>

enum tc_state {
	TC_ST_CLOSED = 0, TC_ST_LISTEN, TC_ST_SYN_SENT, TC_ST_SYN_RECEIVED, TC_ST_ESTABLISHED,
	TC_ST_FIN_WAIT_1, TC_ST_FIN_WAIT_2, TC_ST_CLOSE_WAIT, TC_ST_CLOSING, TC_ST_LAST_ACK,
	TC_ST_TIME_WAIT, TC_ST__COUNT
};

#define TC_TRACK_HOLES 16

struct tc_track {
	enum tc_state st;
	int passive;            /* the connection came from LISTEN */
	/* The target's TCB, as far as the wire shows it. */
	int have_iss;
	uint32_t iss, snd_una, snd_nxt, fin_seq;
	int fin_sent;
	int have_irs;
	uint32_t irs, rcv_nxt;
	uint32_t rcv_wnd;       /* the target's last advertised window, scaled */
	int ws_tester, ws_target;       /* shifts offered in the SYNs, -1 if none */
	int fin_rcvd;
	uint32_t fin_rcvd_seq;
	int syn_seen;           /* the tester's SYN reached a listener */
	/* Out-of-order data held by the target: [l, r) ranges above rcv_nxt. */
	int nholes;
	uint32_t hl[TC_TRACK_HOLES], hr[TC_TRACK_HOLES];
	/* The path: each state entered, in order, starting with the initial one. */
	enum tc_state path[64];
	int npath;
};

/* tc_state_name - RFC 9293 name ("SYN-RECEIVED"); tc_state_from_name: -1 if unknown. */
const char *tc_state_name(enum tc_state s);
int tc_state_from_name(const char *s);

/* tc_track_init - start in @initial (LISTEN for an open port, CLOSED otherwise). */
void tc_track_init(struct tc_track *t, enum tc_state initial);

/* tc_track_out - the tester sent @s to the target. */
void tc_track_out(struct tc_track *t, const struct tc_seg *s);

/* tc_track_in - the target sent @s. */
void tc_track_in(struct tc_track *t, const struct tc_seg *s);

/* tc_track_forget - the target dropped the connection without a word (agent forget),
 * or aborted it (the RST it sends says the same). */
void tc_track_forget(struct tc_track *t);

#endif
