/*
 * io: a scripted peer on a fake clock, for tests without root. It plays a trace
 * (tests/traces/README.md): each ">" line waits for one segment from the tester, each
 * "<" line is a segment the peer then sends, "wait D" delays the ones after it.
 */
#ifndef TC_IO_FAKE_H
#define TC_IO_FAKE_H

#include "case/case.h"
#include "io/io.h"
#include "io/target.h"

struct tc_fake;

/* tc_fake_new - a peer for @tg playing @trace (borrowed), with target ISN @isn_r,
 * on clock @clk (fake). */
struct tc_fake *tc_fake_new(const struct tc_case *trace, const struct tc_target *tg, uint32_t isn_r,
			    struct tc_clock *clk);
void tc_fake_free(struct tc_fake *f);

/* tc_fake_io - the io table over @f. */
struct tc_io tc_fake_io(struct tc_fake *f);

/* tc_fake_sent - how many segments the tester injected, and the i-th of them. */
int tc_fake_nsent(const struct tc_fake *f);
const struct tc_seg *tc_fake_sent(const struct tc_fake *f, int i);

/* tc_fake_wrong_port - the reply of trace line @line comes from port @port instead of
 * the case's (a broken stack, or another connection of the target). */
void tc_fake_wrong_port(struct tc_fake *f, int line, uint16_t port);

/* tc_fake_cut - the frame of trace line @line reaches the tester cut by the capture
 * (its wire length more than the bytes handed over). */
void tc_fake_cut(struct tc_fake *f, int line);

/* tc_fake_error - the first problem of the script (a send it could not build), or "". */
const char *tc_fake_error(const struct tc_fake *f);

/* A fake agent: answers "ok" to everything, or "err" for commands starting with a
 * prefix set by tc_fake_agent_fail. Replies come at the next drain. */
struct tc_fake_agent;
struct tc_fake_agent *tc_fake_agent_new(void);
void tc_fake_agent_fail(struct tc_fake_agent *a, const char *prefix, const char *reply);
/* tc_fake_agent_info - the text of its ok to "info PP" (default: an empty ok). */
void tc_fake_agent_info(struct tc_fake_agent *a, const char *reply);
void tc_fake_agent_free(struct tc_fake_agent *a);
struct tc_agentc tc_fake_agentc(struct tc_fake_agent *a);
/* tc_fake_agent_log - every command received, "\n"-separated. */
const char *tc_fake_agent_log(const struct tc_fake_agent *a);

#endif
