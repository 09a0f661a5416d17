/*
 * model: replaying a trace through the model. The tracker follows a connection as it
 * happens: each segment the tester sends gets the model's outcomes; the target's next
 * segment says which outcome it chose (or that it chose none the RFCs permit); the
 * target's own segments (its SYN, data, FIN, RST) move the TCB too. It names the
 * target's state after each event: the "observed" state path of a report. Pure.
 */
#ifndef TC_MODEL_TRACK_H
#define TC_MODEL_TRACK_H

#include "model/model.h"

#define TC_TRACK_PATH 64

struct tc_track {
	struct tc_tcb t;                        /* the TCB as observed so far */
	/* The outcomes of the tester's last segment, until the target answers. */
	struct tc_outcome pending[TC_MODEL_MAX_OUTCOMES];
	int npending;
	int adopted;                            /* which pending outcome the TCB follows */
	int path_before;                        /* path length before that segment */
	/* The path: each state entered, in order, starting with the initial one, with
	 * the case-file line of the step that entered it. */
	enum tc_state path[TC_TRACK_PATH];
	int path_line[TC_TRACK_PATH];
	int npath;
	int line;                               /* the step being run (set by the runner) */
	/* The first reply no outcome explains. */
	int unexplained_line;
	char unexplained[200];
};

/* tc_track_init - start in @initial (LISTEN for an open port, CLOSED otherwise). */
void tc_track_init(struct tc_track *k, enum tc_state initial);

/* tc_track_out - the tester sent @s to the target. */
void tc_track_out(struct tc_track *k, const struct tc_seg *s);

/* tc_track_in - the target sent @s. */
void tc_track_in(struct tc_track *k, const struct tc_seg *s);

/* tc_track_settle - the tester's last segment got no answer (the case moves on, or
 * ends): settle which outcome that silence means. */
void tc_track_settle(struct tc_track *k);

/* tc_track_is_retransmission - is @s a segment the target sent before (data, SYN or
 * FIN below its SND.NXT), sent again by its retransmission timer? */
int tc_track_is_retransmission(const struct tc_track *k, const struct tc_seg *s);

/* tc_track_forget - the target dropped the connection without a word (agent forget). */
void tc_track_forget(struct tc_track *k);

/* tc_track_state - the current state. */
static inline enum tc_state tc_track_state(const struct tc_track *k) { return k->t.st; }

#endif
