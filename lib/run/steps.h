/*
 * run: the pieces of the runner (lib/run/runner.c) that its step files share: the
 * case's clock, steps and verdict, and each kind of step. Internal to lib/run.
 *   runner.c      a case's life: start, events, the step loop, teardown
 *   step_seg.c    sending segments and ICMP, matching and waiting for replies
 *   step_agent.c  the agent's steps (and a proxy's per-case listener)
 *   step_alt.c    alternatives
 *   step_model.c  "< model" and the state path
 *   sample.c      sampled cases (@samples, @analyze)
 */
#ifndef TC_RUN_STEPS_H
#define TC_RUN_STEPS_H

#include "run/conn.h"

/* The longest rate limit the model allows for: Linux's tcp_invalid_ratelimit (500 ms)
 * and a margin. */
#define TC_RATELIMIT_US 1000000

void rn_add_alt_name(struct tc_conn *k, const char *name);
void rn_advance(struct tc_conn *k);
int rn_agent_send(struct tc_conn *k, int line, const char *cmd);
void rn_alt_expects(struct tc_conn *k, char *buf, size_t len);
void rn_arm(struct tc_conn *k, uint64_t dur);
int rn_check_state(struct tc_conn *k, const struct tc_step *st);
struct tc_frame *rn_cur(struct tc_conn *k);
void rn_diverge(struct tc_conn *k, const struct tc_step *st, const char *observed,
		    const char *why, enum tc_verdict v);
int rn_do_icmp(struct tc_conn *k, const struct tc_step *st);
int rn_do_send(struct tc_conn *k, const struct tc_step *st);
int rn_early(struct tc_conn *k, int idx);
void rn_finish(struct tc_conn *k, enum tc_verdict v);
/* rn_exec_reset - the steps from the first again, nothing open or queued, the step
 * beginning now with the tracker's TCB (a new connection: tc_conn_new, a sample's next
 * run). */
void rn_exec_reset(struct tc_conn *k);

/* rn_error - the case ends as an error (the tester, the case or the environment broke),
 * its reason printf-style. */
void rn_error(struct tc_conn *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *rn_listen_mode(const struct tc_conn *k);
void rn_met(struct tc_conn *k, int line);
uint32_t rn_next_request(struct tc_run_env *env);
void rn_next_step(struct tc_conn *k);
uint64_t rn_now(const struct tc_conn *k);
void rn_path_mismatch(struct tc_conn *k);
int rn_port_ok(const struct tc_conn *k, const struct tc_seg *s, char *why, size_t wl);
const struct tc_seg *rn_queue_pop(struct tc_conn *k, int *idx);
int rn_rate_limit_may_explain(const struct tc_conn *k);
void rn_rel_text(const struct tc_conn *k, const struct tc_seg *s, char *buf, size_t len);
int rn_resolve(struct tc_conn *k, const struct tc_segpat *in, struct tc_segpat *out, int send,
	       char *err, size_t el);
/* rn_bind - after @s matched @p: the names @p captures (a lone $NAME not yet bound)
 * take their values from @s. */
void rn_bind(struct tc_conn *k, const struct tc_segpat *p, const struct tc_seg *s);
void rn_run_send(struct tc_conn *k, int line, uint64_t t);
int rn_sample_done(struct tc_conn *k);
int rn_sample_retry(struct tc_conn *k);
/* rn_sample_gap - the pause before run @sample (from 0) of sampled case @c, when a
 * same-port case leaves @settle_us between a reset and the next SYN. */
uint64_t rn_sample_gap(const struct tc_case *c, int sample, uint64_t settle_us);
void rn_step_agent(struct tc_conn *k, const struct tc_step *st, int *wait);
void rn_step_alt(struct tc_conn *k, int *wait);
void rn_step_expect(struct tc_conn *k, const struct tc_step *st, int *wait);
void rn_step_model(struct tc_conn *k, const struct tc_step *st, int *wait);
void rn_step_nothing(struct tc_conn *k, const struct tc_step *st, int *wait);
int rn_too_early(struct tc_conn *k, const struct tc_segpat *p, const struct tc_seg *s,
		     char *why, size_t wl);
int rn_try_match(struct tc_conn *k, const struct tc_segpat *pat, const struct tc_seg *s,
		     char *why, size_t wl);

/* run/service.c: a real service in the agent's place. */
/* rn_service_take - a banner service's greeting (@s, trace entry @idx): taken, not
 * judged (acknowledged once whole). 1 if taken. */
int rn_service_take(struct tc_conn *k, const struct tc_seg *s, int idx);
/* rn_service_wait - before the next step: is the greeting awaited? (*@wait set) */
int rn_service_wait(struct tc_conn *k, int *wait);
/* rn_service_late - the deadline passed: the greeting did not come (inconclusive). 1 if so. */
int rn_service_late(struct tc_conn *k);
/* rn_service_close - the agent's close (or shutdown of its sending side) played by a
 * web server: a request that draws its answer and its close. */
void rn_service_close(struct tc_conn *k, const struct tc_step *st);
/* rn_service_send - the agent's 'send N' played by a web server: a request whose whole
 * answer is N bytes. */
void rn_service_send(struct tc_conn *k, const struct tc_step *st);
/* rn_service_fin_acks - the step expects the ACK of the tester's FIN and the web server,
 * drawn to close on it, sent its FIN with that ACK: if the case closes next and then
 * expects that FIN, the segment (@idx, just popped) meets the step and stays queued for
 * the FIN's. 1 if so. */
int rn_service_fin_acks(struct tc_conn *k, const struct tc_step *st, int idx);
/* rn_service_spoke - did the service answer or close on its own? @why says what. */
int rn_service_spoke(const struct tc_conn *k, char *why, size_t wl);

/* rn_is_late - the tracker said, when the target's segment @idx came, that it answers
 * what the tester sent before the run the current step waits on ("late answer"). */
int rn_is_late(const struct tc_conn *k, int idx);

/* rn_pass_late - the late answer @idx is left to the segment it answers, with its line:
 * the step waits on (and names it if nothing else comes). */
void rn_pass_late(struct tc_conn *k, int idx);

#endif
