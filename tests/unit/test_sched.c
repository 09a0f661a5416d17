/* The scheduler's watch over a target that stops: a scripted stack that dies on one
 * case's segment (its SYN with window 1). The three cases run side by side, the stack
 * dies, is started again, and the three run again one at a time: the one that stops
 * it alone fails, saying so; the other two get their own verdicts (pass). */
#include "t.h"

#include "case/case.h"
#include "run/sched.h"

#include <stdlib.h>

struct dying {
	int dead;               /* the stack has died and is not started again yet */
	int revived;
	int sent;
};

static int dying_send(void *ctx, const struct tc_seg *s, char *err, size_t errlen)
{
	struct dying *d = ctx;

	d->sent++;
	if ((s->flags & TC_SYN) && s->win == 1)
		d->dead = 1;    /* this segment kills it */
	return 0;
}

static int dying_fd(void *ctx)
{
	return -1;
}

static int dying_drain(void *ctx, tc_frame_cb cb, void *arg, char *err, size_t errlen)
{
	return 0;               /* it never says a word: the cases expect silence */
}

static int dying_health(void *arg, char *why, size_t len)
{
	struct dying *d = arg;

	if (d->dead)
		snprintf(why, len, "the scripted stack crashed");
	return !d->dead;
}

static int dying_revive(void *arg, char *why, size_t len)
{
	struct dying *d = arg;

	d->dead = 0;
	d->revived++;
	return 0;
}

static struct tc_case *quiet_case(const char *id, int win)
{
	char text[400], err[200];
	struct tc_case *c;

	snprintf(text, sizeof(text),
		 "@id %s\n@title A SYN, then silence\n@rfc RFC9293 3.10.7.1\n@level MUST\n@port closed\n"
		 "> S 0:0(0) win %d <mss 1460>\n< nothing 100ms\n", id, win);
	c = tc_case_parse("s.tcp", text, strlen(text), err, sizeof(err));
	if (!c)
		fprintf(stderr, "# %s\n", err);
	return c;
}

static struct dying *watched;

static void note(void *arg, struct tc_result *r)
{
	(void)arg;
	(void)r;
}

void test_sched_target_stops(struct t_ctx *t)
{
	static const struct tc_io_ops ops = { .name = "dying", .send = dying_send, .fd = dying_fd, .drain = dying_drain };
	struct dying d = { 0 };
	struct tc_io io = { .ops = &ops, .ctx = &d };
	struct tc_target tg = { .family = 4, .link = TC_LINK_ETH };
	struct tc_clock clock = { .fake = 1, .now_us = 1000000 };
	struct tc_run_env env = { .tg = &tg, .io = &io, .clock = &clock, .port_lo = 20000, .port_hi = 20100 };
	struct tc_sched_opts so = { .jobs = 3, .seed = 1, .case_limit_us = 60000000, .health = dying_health,
				    .revive = dying_revive, .on_done = note };
	struct tc_case *c[3] = { quiet_case("a.first", 65535), quiet_case("k.killer", 1), quiet_case("z.last", 65535) };
	struct tc_result res[3];
	struct tc_sched_item items[3];
	struct tc_sched_stats st;
	char err[200];

	watched = &d;
	so.arg = &d;
	tc_addr_parse(&tg.tester, "198.18.0.1");
	tc_addr_parse(&tg.target, "198.18.0.2");
	tg.ports[TC_PORT_CLOSED] = 5999;
	for (int i = 0; i < 3; i++) {
		T_OK(t, c[i] != NULL);
		if (!c[i])
			return;
		items[i] = (struct tc_sched_item){ .c = c[i], .r = &res[i], .env = &env };
	}
	T_EQ_U(t, tc_sched_run(items, 3, &so, &st, err, sizeof(err)), 0);
	T_EQ_S(t, tc_verdict_name(res[0].verdict), "pass");
	T_EQ_S(t, tc_verdict_name(res[1].verdict), "fail");
	T_EQ_S(t, tc_verdict_name(res[2].verdict), "pass");
	T_OK(t, res[1].reason && strstr(res[1].reason, "the target stopped on this case, run alone") &&
		strstr(res[1].reason, "the scripted stack crashed"));
	T_EQ_U(t, st.deaths, 2);        /* with the three in flight, then with the killer alone */
	T_EQ_U(t, d.revived, 2);
	T_EQ_S(t, st.culprits, "k.killer");
	T_OK(t, !strncmp(st.first_death, "the scripted stack crashed while these ran: ", 44));
	for (int i = 0; i < 3; i++) {
		tc_result_free(&res[i]);
		tc_case_free(c[i]);
	}
}
