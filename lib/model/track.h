/*
 * model: replaying a trace through the model. The tracker follows a connection as it
 * happens: each segment the tester sends gets the model's outcomes; the target's
 * answer says which outcome it chose (or that it chose none the RFCs permit); the
 * target's own segments (its SYN, data, FIN, RST) move the TCB too. It names the
 * target's state after each event: the "observed" state path of a report. Pure.
 *
 * The tester may send again before the target answered (a stimulus, then at once a
 * probe): the outcomes of the segments not yet answered wait in order, each with the
 * TCB it arrived at, so that a late answer to an earlier segment is recognised; the
 * TCB is then replayed over the segments that followed.
 */
#ifndef TC_MODEL_TRACK_H
#define TC_MODEL_TRACK_H

#include "model/model.h"

#define TC_TRACK_PATH 64
#define TC_TRACK_PENDING 24             /* segments awaiting their answer */
#define TC_TRACK_LATE_US 5000000ULL     /* an answer later than this after its segment is not
					 * taken as its (tc_track_late_answer) */
#define TC_TRACK_ANSWER_US 1000000      /* silence this long after a segment settles it */

/* A segment of the tester's, not yet answered, and what the RFCs allow for it. */
struct tc_pending {
	struct tc_seg seg;              /* the segment (its view; no raw bytes) */
	struct tc_tcb before;           /* the TCB it arrived at */
	int path_before;                /* the path's length before it */
	int line;                       /* the case-file line that sent it */
	struct tc_outcome o[TC_MODEL_MAX_OUTCOMES];
	int n;
	int adopted;                    /* which outcome the TCB follows so far */
	int rl_explains;                /* a rate limit may explain its silence: the
					 * last such segment came less than 1 s before */
};

struct tc_track {
	struct tc_tcb t;                        /* the TCB as observed so far */
	struct tc_pending *pend;                /* oldest first; owned, grown as needed (a
						 * pending segment takes 5.6 KB: most cases
						 * have a few at a time, not TC_TRACK_PENDING) */
	int npend;
	size_t cap_pend;
	/* The last two segments that got no answer in time (settled as silent): a reply
	 * that comes after all may still be theirs (tc_track_late_answer). */
	struct tc_unanswered {
		struct tc_outcome o[TC_MODEL_MAX_OUTCOMES];
		int n, line;
		uint64_t t_us;
	} quiet[2];
	int nquiet;
	int have_invalid;                       /* a segment a rate-limited reply answers was sent, */
	uint64_t invalid_us;                    /* at this time */
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

/* tc_track_init - start in @initial (LISTEN for an open port, CLOSED otherwise). @k is
 * zeroed or was initialised before (its queue is then reused); tc_track_free releases it. */
void tc_track_init(struct tc_track *k, enum tc_state initial);
void tc_track_free(struct tc_track *k);

/* tc_track_rd_closed - the target's application closed (close(), not a shutdown of its
 * sending side): from now on, whatever the segments still unanswered lead to. */
void tc_track_rd_closed(struct tc_track *k);

/* tc_track_out - the tester sent @s to the target. */
void tc_track_out(struct tc_track *k, const struct tc_seg *s);

/* tc_track_last - the outcomes of the tester's last segment while unanswered
 * (NULL and 0 when it was answered or settled). */
const struct tc_outcome *tc_track_last(const struct tc_track *k, int *n);

/* tc_track_in - the target sent @s. */
void tc_track_in(struct tc_track *k, const struct tc_seg *s);

/* tc_track_settle - the segments not answered got no answer (the case waited, or
 * ends): settle which outcome each silence means. */
void tc_track_settle(struct tc_track *k);

/* tc_track_late_answer - @s, a reply without sequence space, answers a segment the
 * tester sent before @t_us and none sent since (a duplicate ACK of an earlier
 * out-of-order segment, reaching the tester after it sent more): 1 if that segment
 * still waits for its answer (tc_track_in takes it as such), 2 if it was settled as
 * unanswered already (@s is then not fed to tc_track_in: it moves nothing), with that
 * segment's case-file line in *@line; 0 otherwise. Call it before tc_track_in. */
int tc_track_late_answer(const struct tc_track *k, const struct tc_seg *s, uint64_t t_us, int *line);

/* tc_track_is_retransmission - is @s a segment the target sent before (data, SYN or
 * FIN below its SND.NXT), sent again by its retransmission timer? */
int tc_track_is_retransmission(const struct tc_track *k, const struct tc_seg *s);

/* tc_track_forget - the target dropped the connection without a word (agent forget). */
void tc_track_forget(struct tc_track *k);

/* tc_track_state - the current state. */
static inline enum tc_state tc_track_state(const struct tc_track *k) { return k->t.st; }

#endif
