/* Offline runs for the unit tests. */
#include "replay.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void target(struct tc_target *tg)
{
	static const uint16_t ports[TC_PORT__COUNT] = {
		[TC_PORT_LISTEN] = 9, [TC_PORT_ECHO] = 7, [TC_PORT_DISCARD] = 9, [TC_PORT_SEND] = 19,
		[TC_PORT_CLOSE] = 5001, [TC_PORT_ABORT] = 5002, [TC_PORT_NOREAD] = 5003,
		[TC_PORT_CLOSED] = 5999,
	};

	memset(tg, 0, sizeof(*tg));
	tg->family = 4;
	tg->link = TC_LINK_ETH;
	tc_addr_parse(&tg->tester, "198.18.0.1");
	tc_addr_parse(&tg->target, "198.18.0.2");
	memcpy(tg->ports, ports, sizeof(ports));
	tg->have_agent = 1;
	tg->is_linux = 1;
	tg->mode = "replay";
	tg->own_link = 1;
}

static int service_next;
static int banner_next, http_next, mtu_next;

void replay_mtu(int mtu)
{
	mtu_next = mtu;
}

static char info_next[600];

void replay_agent_info(const char *text)
{
	tc_strlcpy(info_next, text, sizeof(info_next));
}

void replay_service(void)
{
	service_next = 1;
}

void replay_banner(void)
{
	service_next = banner_next = 1;
}

void replay_http(void)
{
	service_next = http_next = 1;
}

static char agent_reply[64];

void replay_agent_reply(const char *text)
{
	tc_strlcpy(agent_reply, text, sizeof(agent_reply));
}

static int wrong_line;
static uint16_t wrong_port;

static int cut_line;
static int watched_next;

void replay_watched(void)
{
	watched_next = 1;
}

/* always_alive - a watched host with no process to ask (the remote mode's): the probe
 * alone tells */
static int always_alive(void *arg, char *why, size_t whylen)
{
	return 1;
}

void replay_cut(int line)
{
	cut_line = line;
}

void replay_wrong_port(int line, uint16_t port)
{
	wrong_line = line;
	wrong_port = port;
}

/* Frames stamped earlier than the peer hands them over: the capture of a reply that
 * the tester reads only after its next send (replay_early). */
static struct {
	int frame[4];
	uint64_t us[4];
	int n, seen;
	struct tc_io inner;
	tc_frame_cb cb;
	void *arg;
} shift;

void replay_early(int frame, uint64_t us)
{
	if (shift.n < 4) {
		shift.frame[shift.n] = frame;
		shift.us[shift.n++] = us;
	}
}

static void shift_cb(void *arg, const uint8_t *frame, size_t len, size_t wire_len, uint64_t t_us)
{
	int i;

	(void)arg;
	for (i = 0; i < shift.n; i++)
		if (shift.frame[i] == shift.seen)
			t_us -= shift.us[i];
	shift.seen++;
	shift.cb(shift.arg, frame, len, wire_len, t_us);
}

static int shift_send(void *ctx, const struct tc_seg *s, char *err, size_t errlen)
{
	return shift.inner.ops->send(shift.inner.ctx, s, err, errlen);
}

static int shift_fd(void *ctx)
{
	return -1;
}

static int shift_drain(void *ctx, tc_frame_cb cb, void *arg, char *err, size_t errlen)
{
	shift.cb = cb;
	shift.arg = arg;
	return shift.inner.ops->drain(shift.inner.ctx, shift_cb, NULL, err, errlen);
}

static uint64_t shift_next_due(void *ctx)
{
	return shift.inner.ops->next_due(shift.inner.ctx);
}

int replay_run(struct replay *r, const char *case_path, const char *case_text, const char *trace_text,
	       const char *agent_fail)
{
	struct tc_sched_opts so = { 0 };
	struct tc_io io;
	struct tc_agentc ag;
	struct tc_run_env env = { 0 };
	struct tc_sched_item item;
	int rc;

	memset(r, 0, sizeof(*r));
	if (case_text)
		r->c = tc_case_parse("r.tcp", case_text, strlen(case_text), r->err, sizeof(r->err));
	else
		r->c = tc_case_load(case_path, r->err, sizeof(r->err));
	if (!r->c)
		return -1;
	r->trace = tc_trace_parse("trace", trace_text, strlen(trace_text), r->err, sizeof(r->err));
	if (!r->trace)
		return -1;
	target(&r->tg);
	if (service_next)               /* a service plays the application: no agent */
		r->tg.have_agent = 0;
	r->tg.banner = banner_next;
	r->tg.fill = http_next ? TC_FILL_HTTP : TC_FILL_PATTERN;
	r->tg.request = http_next ? REPLAY_REQUEST : NULL;
	{
		static const struct tc_sized sized[] = { { 300, REPLAY_SIZED, NULL }, { 10, NULL, REPLAY_NO_10 } };

		r->tg.sized = http_next ? sized : NULL;
		r->tg.nsized = http_next ? 2 : 0;
	}
	r->tg.mtu = mtu_next;
	service_next = banner_next = http_next = mtu_next = 0;
	r->clock.fake = 1;
	r->clock.now_us = 1000000;
	/* The target's ISN is near the wrap, so relative arithmetic is exercised. */
	r->peer = tc_fake_new(r->trace, &r->tg, 4294967000u, &r->clock);
	if (wrong_line)
		tc_fake_wrong_port(r->peer, wrong_line, wrong_port);
	if (cut_line)
		tc_fake_cut(r->peer, cut_line);
	cut_line = 0;
	wrong_line = 0;
	r->agent = tc_fake_agent_new();
	tc_fake_agent_info(r->agent, info_next);
	info_next[0] = '\0';
	if (agent_fail)
		tc_fake_agent_fail(r->agent, agent_fail, agent_reply[0] ? agent_reply : "no connection from port 20000");
	agent_reply[0] = '\0';
	io = tc_fake_io(r->peer);
	if (shift.n) {
		static const struct tc_io_ops ops = {
			.name = "shifted", .send = shift_send, .fd = shift_fd, .drain = shift_drain,
			.next_due = shift_next_due,
		};

		shift.inner = io;
		shift.seen = 0;
		io = (struct tc_io){ .ops = &ops, .ctx = NULL };
	}
	ag = tc_fake_agentc(r->agent);
	env.tg = &r->tg;
	env.io = &io;
	env.agent = &ag;
	env.clock = &r->clock;
	env.port_lo = 20000;
	env.port_hi = 20010;
	so.jobs = 1;
	so.seed = 1;
	so.case_limit_us = 60000000;
	if (watched_next)
		so.health = always_alive;
	watched_next = 0;
	item.c = r->c;
	item.r = &r->res;
	item.env = &env;
	rc = tc_sched_run(&item, 1, &so, &r->stats, r->err, sizeof(r->err));
	shift.n = 0;
	if (rc != 0)
		return -1;
	r->tr = tc_result_entries(&r->res);
	if (tc_fake_error(r->peer)[0]) {
		snprintf(r->err, sizeof(r->err), "trace: %s", tc_fake_error(r->peer));
		return -1;
	}
	return 0;
}

int replay_check(struct t_ctx *t, struct replay *r, const char *path, const char *text, const char *trace,
		 const char *agent_fail, const char *file, int line)
{
	if (replay_run(r, path, text, trace, agent_fail) < 0) {
		t_fail(t, file, line, "replay failed: %s", r->err);
		replay_free(r);
		return -1;
	}
	return 0;
}

void replay_free(struct replay *r)
{
	shift.n = 0;
	tc_result_entries_free(r->tr, r->res.ntrace);
	r->tr = NULL;
	tc_result_free(&r->res);
	tc_case_free(r->c);
	tc_case_free(r->trace);
	tc_fake_free(r->peer);
	tc_fake_agent_free(r->agent);
}
