/*
 * run: the runner of one case. A case in progress (struct tc_conn) is a state machine
 * fed with events: segments from the target, agent replies and the passing of time.
 * It sends what the case says, matches what arrives, and writes its result.
 */
#ifndef TC_RUN_RUNNER_H
#define TC_RUN_RUNNER_H

#include "case/case.h"
#include "io/io.h"
#include "io/target.h"
#include "run/result.h"
#include "util/util.h"

/* Everything a running case uses, shared by the cases of a run. */
struct tc_run_env {
	const struct tc_target *tg;
	struct tc_io *io;
	struct tc_agentc *agent;        /* NULL when there is none */
	struct tc_clock *clock;
	uint32_t next_agent_id;
	uint32_t *agent_seq;            /* the run's request numbers, when its environments share
					 * one agent (IPv4 and IPv6): a reply must reach one case */
	uint16_t next_ip_id;
	uint16_t port_lo, port_hi;      /* the tester ports of its cases: one each, never reused */
	uint16_t next_port;             /* the ports beyond the cases', for @samples (set by the scheduler) */
	int verbose;
};

struct tc_conn;

/*
 * tc_conn_new - a case ready to start: @r (initialised by the caller) receives the
 * result; @tport is the tester's port, @isn the tester's initial sequence number.
 */
struct tc_conn *tc_conn_new(const struct tc_case *c, struct tc_result *r, struct tc_run_env *env,
			    uint16_t tport, uint32_t isn);

/* tc_conn_start - run the first steps (until the case waits for something). */
void tc_conn_start(struct tc_conn *k);

/* tc_conn_segment - a segment from the target arrived for this case. */
void tc_conn_segment(struct tc_conn *k, const struct tc_seg *s);

/* tc_conn_agent_reply - the agent answered request @id (ignored if not ours). */
void tc_conn_agent_reply(struct tc_conn *k, uint32_t id, int ok, const char *text);

/* tc_conn_tick - time passed: handle an expired step deadline. */
void tc_conn_tick(struct tc_conn *k);

/* tc_conn_deadline - the time at which tc_conn_tick has something to do (0: none). */
uint64_t tc_conn_deadline(const struct tc_conn *k);

/* tc_conn_quiet_until - when the case's current step, a wait (the tester silent, no
 * new connection: "wait" or "ignore"; the target may resend what it sent), ends; 0
 * when it is in another step, or a real service plays the application (the tester
 * answers its data whatever the step). */
uint64_t tc_conn_quiet_until(const struct tc_conn *k);

/* tc_conn_done - non-zero once the verdict is final. */
int tc_conn_done(const struct tc_conn *k);

/* tc_conn_abort - end the case now with @v and @reason (environment errors, Ctrl-C). */
void tc_conn_abort(struct tc_conn *k, enum tc_verdict v, const char *reason);

/* tc_conn_teardown - leave nothing on the target: reset a connection the case left
 * open (the reset is in the trace, noted "teardown"). Call once, after done. */
void tc_conn_teardown(struct tc_conn *k);

/* tc_conn_port - the tester's port of this case (the demultiplexing key). */
uint16_t tc_conn_port(const struct tc_conn *k);

void tc_conn_free(struct tc_conn *k);

/* tc_case_unmet - why @c cannot run against @tg (a skip reason), or NULL if it can. */
const char *tc_case_unmet(const struct tc_case *c, const struct tc_target *tg);

#endif
