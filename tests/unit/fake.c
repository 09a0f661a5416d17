/* io: the scripted peer and the fake agent. */
#include "fake.h"
#include "case/build.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct due {
	struct tc_seg s;
	uint64_t at;
	int cut;                        /* tc_fake_cut: the capture kept less than the frame */
};

struct tc_fake {
	const struct tc_case *tr;
	const struct tc_target *tg;
	struct tc_clock *clk;
	int pc;                         /* next step of the trace */
	uint32_t isn_r, isn_t;
	int have_isn_t, bound, started;
	uint16_t first_tport;           /* the tester's port when the peer speaks first */
	uint16_t tport;
	int wrong_line;                 /* tc_fake_wrong_port */
	uint16_t wrong_port;
	int cut_line;                   /* tc_fake_cut */
	struct tc_seg *sent;
	int nsent;
	size_t cap_sent;
	struct due *q;
	int nq;
	size_t cap_q;
	char err[TC_ERRLEN];
};

void tc_fake_wrong_port(struct tc_fake *f, int line, uint16_t port)
{
	f->wrong_line = line;
	f->wrong_port = port;
}

void tc_fake_cut(struct tc_fake *f, int line)
{
	f->cut_line = line;
}

struct tc_fake *tc_fake_new(const struct tc_case *trace, const struct tc_target *tg, uint32_t isn_r,
			    struct tc_clock *clk)
{
	struct tc_fake *f = tc_xcalloc(1, sizeof(*f));

	f->tr = trace;
	f->tg = tg;
	f->isn_r = isn_r;
	f->clk = clk;
	f->first_tport = 20000;
	return f;
}

void tc_fake_free(struct tc_fake *f)
{
	int i;

	if (!f)
		return;
	for (i = 0; i < f->nsent; i++)
		tc_seg_free(&f->sent[i]);
	for (i = 0; i < f->nq; i++)
		tc_seg_free(&f->q[i].s);
	free(f->sent);
	free(f->q);
	free(f);
}

/* queue_reply - build the "<" step @st as a segment from the target, due at @at. */
static void queue_reply(struct tc_fake *f, const struct tc_step *st, uint64_t at)
{
	struct tc_build_auto au = { 0 };
	struct due *d;

	tc_grow(&f->q, sizeof(*f->q), (size_t)f->nq, &f->cap_q);
	d = &f->q[f->nq];
	tc_seg_init(&d->s);
	d->s.link = f->tg->link;
	d->s.family = f->tg->family;
	d->s.src = f->tg->target;
	d->s.dst = f->tg->tester;
	memcpy(d->s.eth_src, f->tg->target_mac, 6);
	memcpy(d->s.eth_dst, f->tg->tester_mac, 6);
	/* the port the tester talks to, or an ephemeral one when the peer opened */
	d->s.sport = f->nsent && f->sent[f->nsent - 1].dport ? f->sent[f->nsent - 1].dport : 41000;
	d->s.dport = f->tport;
	if (f->wrong_line && st->line == f->wrong_line)
		d->s.sport = f->wrong_port;
	au.ack = f->isn_t;
	/* Like the tester, the peer numbers absolutely until it has sent its SYN. */
	if (st->seg.flags & TC_SYN)
		f->bound = 1;
	if (tc_segpat_build(&st->seg, &d->s, f->bound ? f->isn_r : 0, f->isn_t, &au, f->err, sizeof(f->err)) < 0) {
		tc_seg_free(&d->s);
		return;
	}
	d->at = at;
	d->cut = f->cut_line && st->line == f->cut_line;
	f->nq++;
}

/* play - after a segment from the tester: queue the replies up to the next ">". */
static void play(struct tc_fake *f)
{
	uint64_t at = tc_now_us(f->clk);

	while (f->pc < f->tr->nsteps) {
		const struct tc_step *st = &f->tr->steps[f->pc];

		if (st->kind == TC_STEP_SEND)
			return;
		if (st->kind == TC_STEP_WAIT)
			at += st->dur_us;
		else if (st->kind == TC_STEP_EXPECT)
			queue_reply(f, st, at);
		f->pc++;
	}
}

static int fake_send(void *ctx, const struct tc_seg *s, char *err, size_t errlen)
{
	struct tc_fake *f = ctx;
	const struct tc_step *st;

	tc_grow(&f->sent, sizeof(*f->sent), (size_t)f->nsent, &f->cap_sent);
	tc_seg_copy(&f->sent[f->nsent++], s);
	f->tport = s->sport;
	/* Skip to the next ">" of the script; it stands for this segment. */
	while (f->pc < f->tr->nsteps && f->tr->steps[f->pc].kind != TC_STEP_SEND)
		f->pc++;
	if (f->pc >= f->tr->nsteps)
		return 0;               /* the script has nothing more to say */
	st = &f->tr->steps[f->pc++];
	/* a SYN starts a connection (the runs of a sampled case: one after another) */
	if (!f->have_isn_t || (s->flags & (TC_SYN | TC_ACK)) == TC_SYN) {
		f->isn_t = s->seq - st->seg.seq.v;
		f->have_isn_t = 1;
	}
	play(f);
	return 0;
}

static int fake_fd(void *ctx)
{
	return -1;
}

static int fake_drain(void *ctx, tc_frame_cb cb, void *arg, char *err, size_t errlen)
{
	struct tc_fake *f = ctx;
	uint64_t t = tc_now_us(f->clk);
	int n = 0;

	/* "<" lines before the first ">": the peer speaks first (an active open). */
	if (!f->started) {
		f->started = 1;
		if (f->tr->nsteps && f->tr->steps[0].kind != TC_STEP_SEND) {
			f->tport = f->first_tport;
			play(f);
		}
	}
	/* In order of due time, then of the script. */
	while (f->nq && f->q[0].at <= t) {
		struct due d = f->q[0];

		memmove(f->q, f->q + 1, (size_t)(f->nq - 1) * sizeof(*f->q));
		f->nq--;
		cb(arg, d.s.raw, d.s.raw_len, d.s.raw_len + (d.cut ? 1 : 0), t);
		tc_seg_free(&d.s);
		n++;
	}
	return n;
}

static uint64_t fake_next_due(void *ctx)
{
	struct tc_fake *f = ctx;

	return f->nq ? f->q[0].at : 0;
}

struct tc_io tc_fake_io(struct tc_fake *f)
{
	static const struct tc_io_ops ops = {
		.name = "fake", .send = fake_send, .fd = fake_fd, .drain = fake_drain,
		.next_due = fake_next_due,
	};

	return (struct tc_io){ .ops = &ops, .ctx = f };
}

int tc_fake_nsent(const struct tc_fake *f)
{
	return f->nsent;
}

const struct tc_seg *tc_fake_sent(const struct tc_fake *f, int i)
{
	return i >= 0 && i < f->nsent ? &f->sent[i] : NULL;
}

const char *tc_fake_error(const struct tc_fake *f)
{
	return f->err;
}

/* The fake agent. */
struct tc_fake_agent {
	uint32_t ids[64];
	int ok[64];
	int n;
	char fail_prefix[32], fail_reply[64];
	char info_reply[600];           /* the ok text of "info PP" ("": an empty ok) */
	char *log;
	size_t loglen;
};

struct tc_fake_agent *tc_fake_agent_new(void)
{
	struct tc_fake_agent *a = tc_xcalloc(1, sizeof(*a));

	a->log = tc_xstrdup("");
	return a;
}

void tc_fake_agent_fail(struct tc_fake_agent *a, const char *prefix, const char *reply)
{
	tc_strlcpy(a->fail_prefix, prefix, sizeof(a->fail_prefix));
	tc_strlcpy(a->fail_reply, reply, sizeof(a->fail_reply));
}

void tc_fake_agent_info(struct tc_fake_agent *a, const char *reply)
{
	tc_strlcpy(a->info_reply, reply, sizeof(a->info_reply));
}

void tc_fake_agent_free(struct tc_fake_agent *a)
{
	if (!a)
		return;
	free(a->log);
	free(a);
}

static int fa_request(void *ctx, uint32_t id, const char *cmd, char *err, size_t errlen)
{
	struct tc_fake_agent *a = ctx;
	size_t l = strlen(cmd);

	if (a->n >= 64)
		return tc_errf(err, errlen, "fake agent: too many requests");
	a->log = tc_xrealloc(a->log, a->loglen + l + 2);
	memcpy(a->log + a->loglen, cmd, l);
	a->loglen += l;
	a->log[a->loglen++] = '\n';
	a->log[a->loglen] = '\0';
	a->ids[a->n] = id;
	a->ok[a->n++] = a->fail_prefix[0] && !strncmp(cmd, a->fail_prefix, strlen(a->fail_prefix)) ? 0 :
			!strncmp(cmd, "info ", 5) ? 2 : 1;
	return 0;
}

static int fa_fd(void *ctx)
{
	return -1;
}

static int fa_drain(void *ctx, tc_agent_cb cb, void *arg, char *err, size_t errlen)
{
	struct tc_fake_agent *a = ctx;
	int i, n = a->n;

	a->n = 0;
	for (i = 0; i < n; i++)
		cb(arg, a->ids[i], a->ok[i] != 0, !a->ok[i] ? a->fail_reply : a->ok[i] == 2 ? a->info_reply : "");
	return n;
}

const char *tc_fake_agent_log(const struct tc_fake_agent *a)
{
	return a->log;
}

struct tc_agentc tc_fake_agentc(struct tc_fake_agent *a)
{
	static const struct tc_agent_ops ops = { .request = fa_request, .fd = fa_fd, .drain = fa_drain };

	return (struct tc_agentc){ .ops = &ops, .ctx = a };
}
