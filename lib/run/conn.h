/* run: the inside of a running case, shared by runner.c and build.c. */
#ifndef TC_RUN_CONN_H
#define TC_RUN_CONN_H

#include "model/isn.h"
#include "model/track.h"
#include "run/runner.h"

#define TC_MAX_BRANCHES 16
#define TC_QUEUE 256

struct tc_frame {
	const struct tc_step *steps;
	int n, pc;
};

/* Where a case's steps stand on one connection: the frame (the case's steps, or the
 * branch committed to), the open alternatives, the deadline, when the step began and
 * the TCB then, the target's segments not yet matched. */
struct rn_exec {
	struct tc_frame top, br;
	int in_br;                      /* executing a committed alternative */
	const struct tc_step *alt;      /* a group whose branches are still open */
	unsigned live;                  /* bit per open branch */
	int bpc[TC_MAX_BRANCHES];
	int armed;                      /* the current step has a deadline */
	uint64_t deadline, armed_dur;
	uint64_t step_t0;               /* when the current step began */
	struct tc_tcb step_tcb;         /* the target's TCB then: what RCV.NXT etc. mean */
	int queue[TC_QUEUE];            /* trace indices of target segments not yet matched */
	int qh, qt;
	int resolve_failed;             /* a TCB name of an expectation was not known yet */
	uint32_t pieces_got;            /* "pieces": the bytes of the range met so far, */
	uint32_t pieces_len;            /* of so many */
};

/* What the target's replies on one connection of a case are weighed against: the
 * model's outcomes, rate limits, runs of the tester's segments, silences met. All zero
 * on a new connection. */
struct rn_rep {
	/* The model's outcomes for the tester's last segment (for "< model"). */
	struct tc_outcome last[TC_MODEL_MAX_OUTCOMES];
	int nlast;
	/* Segments the model expects a rate-limited reply to ("invalid" ones): when the
	 * last two were sent, to tell whether a limit can explain a missing reply. */
	uint64_t invalid_us[2];
	uint64_t out_us;                /* when the tester's last segment was sent, */
	int out_invalid;                /* and whether a limited reply answers it */
	/* Replies and the segments they answer. A run is the segments the tester sends
	 * after an expectation was met: the steps after it wait on them. A reply (a segment
	 * without sequence space) captured before the run's first segment went out answers
	 * what came before, never a step after it. */
	int run_open;                   /* a run has begun since the last expectation was met */
	uint64_t run_us;                /* when its first segment was sent (0: none yet) */
	int late_idx;                   /* 1 + the trace index of the last late answer a step
					 * passed over (rn_step_expect; 0: none) */
	int run_line;                   /* and the line of that send */
	int met_line;                   /* the line of the last expectation met (0: none) */
	const struct tc_step *quiet_st; /* the last "< nothing" met, and its window */
	uint64_t quiet_t0, quiet_t1;
	/* The highest acknowledgment the target has sent on this connection (since its
	 * SYN): a bare ACK below it is an old one, overtaken on its way (rn_stale_ack). */
	uint32_t ack_hi;
	int have_ack_hi;
	int stale_idx;                  /* 1 + the trace index of the last one ignored (0: none) */
};

/* What a real service does on one connection of a case (run/service.c): all zero on a
 * new connection (rn_svc_reset). */
struct rn_svc {
	/* A banner service's greeting (run/service.c): not yet due, awaited, taken. */
	enum { TC_BANNER_NONE = 0, TC_BANNER_DUE, TC_BANNER_TAKEN } banner;
	uint32_t banner_len;            /* its bytes: the target's numbers count from after them */
	int banner_ssh;                 /* it is SSH's ("SSH-"): a line not its own makes it close */
	int banner_armed;               /* the deadline is the greeting's */
	/* The send port over a web server: its request, not yet sent, sent (and where it
	 * ends, absolute), acknowledged. */
	enum { TC_REQ_NONE = 0, TC_REQ_SENT, TC_REQ_ACKED } req;
	uint32_t merged;                /* the IP length of a frame of the target's longer than captured */
	uint32_t req_end;
	uint32_t req_seq;               /* the target's SND.NXT when it went out */
	int req_answered;               /* the target's data came since */
	/* A web server drawn to close in the agent's place (run/service.c): its answer,
	 * awaited and taken (the target's numbers count from after it), and when. */
	enum { TC_ANSWER_NONE = 0, TC_ANSWER_DUE, TC_ANSWER_TAKEN } answer;
	uint32_t answer_len;
	uint64_t close_us;              /* when the close was drawn (0: not) */
	uint32_t asked;                 /* the bytes of answers asked for (send port, agent send) */
	int fin_acked;                  /* a FIN+ACK of the service's served the ACK step too: the */
	uint32_t fin_seq, fin_ack;      /* plain ACK it may have overtaken is not a step's */
	struct tc_seg view;             /* a queued segment without a service's answer at its front
					 * (rn_queue_pop); it owns nothing */
};

/* What the case's names ($NAME) hold on this connection: a number, in the numbering
 * of the field it came from, or an option's bytes. */
struct rn_caps {
	uint8_t set[TC_MAX_CAPS];
	uint32_t v[TC_MAX_CAPS];
	uint8_t len[TC_MAX_CAPS];
	uint8_t data[TC_MAX_CAPS][TC_OPT_DATA];
};

struct tc_conn {
	const struct tc_case *c;
	struct tc_result *r;
	struct tc_run_env *env;
	struct tc_track trk;
	struct rn_exec ex;              /* where the steps are: rn_exec_reset() on a new connection */
	/* The connection's numbers: both ISNs, the tester's side, its ports (a sample's next
	 * run sets them anew). */
	uint32_t isn_t, isn_r;
	int bound;                      /* the target's ISN is known */
	uint32_t rcv_nxt_t;             /* the tester's RCV.NXT (absolute) */
	int have_rcv;
	uint32_t snd_nxt_t;             /* the tester's SND.NXT (absolute) */
	uint32_t ts_recent;             /* the target's last TSval */
	uint64_t ts_base_us;
	uint16_t tport, rport;
	/* The agent's request in flight. */
	uint32_t agent_id;
	int agent_wait;
	uint64_t agent_t0;              /* when it went out: an answer's "took" counts from it */
	int listen_wait;                /* 'listen PP MODE' sent, its answer not yet here */
	int unlistened;                 /* 'unlisten PP' sent */
	uint64_t gap_until;             /* isn-clock: the next sample waits until then */
	struct rn_rep rep;              /* the replies of this connection: all zero on a new one */
	int done, torn_down;
	/* @samples: the runs done, their ISNs, and the trace kept (the first three). */
	int sample;
	struct tc_isn_sample *isns;
	int trace_mark;
	int retries;                    /* runs made again after they departed */
	struct rn_svc svc;              /* a real service's part (run/service.c) */
	uint64_t settle_us;             /* same-port: the pause between a run's reset and the next SYN */
	struct rn_caps *cap;            /* the names' values (a case with names only) */
	struct tc_optpat *optbuf;       /* a pattern's options with its names resolved */
};

/* tc_build_send - the segment a send step describes, encoded; 0 or -1 (@err). */
int tc_build_send(struct tc_conn *k, const struct tc_segpat *p, struct tc_seg *s, char *err, size_t errlen);

/* tc_build_icmp - the ICMP error of @st quoting the target's segment @q, encoded. */
int tc_build_icmp(struct tc_conn *k, const struct tc_step *st, const struct tc_seg *q, struct tc_seg *s,
		  char *err, size_t errlen);

/* tc_build_rst - a reset with @seq from the tester (teardown), encoded. */
int tc_build_rst(struct tc_conn *k, uint32_t seq, struct tc_seg *s, char *err, size_t errlen);

#endif
