/*
 * model: RFC 9293 section 3.10 event processing, as pure functions over a TCB.
 *
 * For a segment arriving at the target, tc_model_arrive() lists every outcome the RFCs
 * permit, each named: the reply the target sends (or none) and its TCB afterwards.
 * It covers the acceptability test (3.10.7.4, Table 6), RFC 5961 (challenge ACKs for
 * RST, SYN and the ACK range), RFC 7323 (PAWS, and the TSecr each reply echoes),
 * RFC 1337 and RFC 6191 in TIME-WAIT.
 * The first outcome is the one RFC 9293 describes for a stack with RFC 5961; the
 * others are the alternatives it or its companions permit. tc_model_sent() moves the
 * TCB for a segment the target sends of its own accord (its SYN, data, FIN, RST).
 * All sequence arithmetic is modulo 2^32.
 */
#ifndef TC_MODEL_MODEL_H
#define TC_MODEL_MODEL_H

#include "packet/seg.h"
#include "packet/tcpstate.h"

#include <stdint.h>


#define TC_TCB_HOLES 16

/* The target's transmission control block, as far as the wire shows it. */
struct tc_tcb {
	enum tc_state st;
	int passive;                    /* came from LISTEN (matters in SYN-RECEIVED) */
	int have_iss, have_irs;
	uint32_t iss, snd_una, snd_nxt; /* the target's send side */
	uint32_t snd_wnd, max_snd_wnd;  /* the tester's window, as the target sees it */
	uint32_t irs, rcv_nxt, rcv_wnd; /* the target's receive side */
	uint32_t rcv_sent;              /* the end of the tester's data so far (with have_irs):
					 * an ACK up to it shows the target holds that data */
	int fin_sent;                   /* the target sent its FIN, at fin_seq */
	uint32_t fin_seq;
	int fin_rcvd;                   /* the tester's FIN arrived (maybe above a hole) */
	int rd_closed;                  /* the application closed (close(), not a shutdown of
					 * its sending side): it reads no more, and new data may
					 * get a reset (RFC 9293 3.6.1 MAY-1, SHLD-3) */
	uint32_t fin_rcvd_seq;
	int ws_tester, ws_target;       /* window shifts offered in the SYNs; -1: none */
	int ts_tester, ts_target;       /* timestamps offered in the SYNs */
	int sack_tester, sack_target;
	int have_ts_recent;
	uint32_t ts_recent;             /* the tester's last accepted TSval (RFC 7323) */
	int have_last_ack;
	uint16_t last_win_sent;         /* and its window field */
	uint32_t last_ack_sent;         /* the ACK of the target's last segment: RFC 7323
					 * 4.3 takes a TSval only from a segment at or
					 * below it (Linux: rcv_wup) */
	int syn_pending;                /* LISTEN: a SYN was sent, its SYN-ACK not yet seen */
	int nholes;                     /* out-of-order data held: [hl, hr) above rcv_nxt */
	uint32_t hl[TC_TCB_HOLES], hr[TC_TCB_HOLES];
};

/* The reply of an outcome (at most one segment). Absolute numbers. */
struct tc_reply {
	uint16_t flags;                 /* TC_ACK, TC_RST, TC_RST|TC_ACK or TC_SYN|TC_ACK */
	int seq_any;                    /* the target picks it (a new ISS) */
	uint32_t seq, ack;
	int data_ok;                    /* the ACK may ride on data or a FIN (piggybacked) */
	int ratelimited;                /* a rate limit may suppress it (RFC 5961 7) */
	/* RFC 7323 3.2, 4.3: with timestamps on, every non-RST segment carries TSopt and
	 * its TSecr echoes TS.Recent. A SYN-ACK echoes the SYN's TSval if it carries
	 * TSopt at all (the target may not take timestamps): ecr_if_ts. */
	int ecr_set, ecr_if_ts;
	uint32_t ecr;
};

struct tc_outcome {
	const char *name;               /* "rfc9293", "rfc5961", "legacy", "rfc1337"... */
	const char *rule;               /* where the RFC says so */
	int nreply;                     /* 0 or 1 */
	struct tc_reply reply;
	struct tc_tcb next;
};

#define TC_MODEL_MAX_OUTCOMES 6


/* tc_tcb_init - a TCB in @st (LISTEN for an open port; CLOSED for a closed port or
 * before the target's active open). */
void tc_tcb_init(struct tc_tcb *t, enum tc_state st);

/*
 * tc_model_arrive - the outcomes of segment @s arriving at a target with TCB @t, at
 * most @max (TC_MODEL_MAX_OUTCOMES is always enough), the RFC 9293 one first.
 * A segment with a bad checksum or a malformed header is discarded: one outcome,
 * no reply, TCB unchanged. Returns the number of outcomes (>= 1).
 */
int tc_model_arrive(const struct tc_tcb *t, const struct tc_seg *s, struct tc_outcome *o, int max);

/* tc_model_sent - the target sent @s (a reply already accounted for by an outcome,
 * or a segment of its own: SYN, data, FIN, RST); move the TCB accordingly. */
void tc_model_sent(struct tc_tcb *t, const struct tc_seg *s);

/* tc_reply_matches - does the target's segment @s fit the reply @r? */
int tc_reply_matches(const struct tc_reply *r, const struct tc_seg *s);

/* tc_tcb_acceptable - the acceptability test of RFC 9293 3.10.7.4 (Table 6). */
int tc_tcb_acceptable(const struct tc_tcb *t, uint32_t seq, uint32_t len);

#endif
