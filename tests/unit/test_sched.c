/* The scheduler's watch over a target that stops: a scripted stack that dies on one
 * case's segment (its SYN with window 1). The three cases run side by side, the stack
 * dies, is started again, and the three run again one at a time: the one that stops
 * it alone fails, saying so; the other two get their own verdicts (pass). */
#include "t.h"

#include "case/case.h"
#include "env/cpuwatch.h"
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

/* one_case - a case on the closed port: a SYN with window @win, then @expect. */
static struct tc_case *one_case(const char *id, int win, const char *expect)
{
	char text[400], err[200];
	struct tc_case *c;

	snprintf(text, sizeof(text),
		 "@id %s\n@title A SYN, then what the target does\n@rfc RFC9293 3.10.7.1\n@level MUST\n@port closed\n"
		 "> S 0:0(0) win %d <mss 1460>\n%s\n", id, win, expect);
	c = tc_case_parse("s.tcp", text, strlen(text), err, sizeof(err));
	if (!c)
		fprintf(stderr, "# %s\n", err);
	return c;
}

static struct tc_case *quiet_case(const char *id, int win)
{
	return one_case(id, win, "< nothing 100ms");
}

/* A scripted target that never answers, on a fake clock: the scheduler's environment. */
struct fixture {
	struct dying d;
	struct tc_io io;
	struct tc_target tg;
	struct tc_clock clock;
	struct tc_run_env env;
};

static void fixture_init(struct fixture *f)
{
	static const struct tc_io_ops ops = { .name = "dying", .send = dying_send, .fd = dying_fd, .drain = dying_drain };

	memset(f, 0, sizeof(*f));
	f->io = (struct tc_io){ .ops = &ops, .ctx = &f->d };
	f->tg.family = 4;
	f->tg.link = TC_LINK_ETH;
	tc_addr_parse(&f->tg.tester, "198.18.0.1");
	tc_addr_parse(&f->tg.target, "198.18.0.2");
	f->tg.ports[TC_PORT_CLOSED] = 5999;
	f->clock = (struct tc_clock){ .fake = 1, .now_us = 1000000 };
	f->env = (struct tc_run_env){ .tg = &f->tg, .io = &f->io, .clock = &f->clock, .port_lo = 20000,
				      .port_hi = 20100 };
}

/* fill_items - the scheduler's items for the @n cases (each parsed: -1 if one is not). */
static int fill_items(struct t_ctx *t, struct tc_case **c, struct tc_result *res, struct tc_sched_item *items, int n,
		      struct tc_run_env *env)
{
	for (int i = 0; i < n; i++) {
		T_OK(t, c[i] != NULL);
		if (!c[i])
			return -1;
		items[i] = (struct tc_sched_item){ .c = c[i], .r = &res[i], .env = env };
	}
	return 0;
}

static void note(void *arg, struct tc_result *r)
{
	(void)arg;
	(void)r;
}

void test_sched_target_stops(struct t_ctx *t)
{
	struct fixture f;
	struct tc_sched_opts so = { .jobs = 3, .seed = 1, .case_limit_us = 60000000, .health = dying_health,
				    .revive = dying_revive, .on_done = note };
	struct tc_case *c[3] = { quiet_case("a.first", 65535), quiet_case("k.killer", 1), quiet_case("z.last", 65535) };
	struct tc_result res[3];
	struct tc_sched_item items[3];
	struct tc_sched_stats st;
	char err[200];

	fixture_init(&f);
	so.arg = &f.d;
	if (fill_items(t, c, res, items, 3, &f.env) < 0)
		return;
	T_EQ_U(t, tc_sched_run(items, 3, &so, &st, err, sizeof(err)), 0);
	T_EQ_S(t, tc_verdict_name(res[0].verdict), "pass");
	T_EQ_S(t, tc_verdict_name(res[1].verdict), "fail");
	T_EQ_S(t, tc_verdict_name(res[2].verdict), "pass");
	T_OK(t, res[1].reason && strstr(res[1].reason, "the target stopped on this case, run alone") &&
		strstr(res[1].reason, "the scripted stack crashed"));
	T_EQ_U(t, st.deaths, 2);        /* with the three in flight, then with the killer alone */
	T_EQ_U(t, f.d.revived, 2);
	T_EQ_S(t, st.culprits, "k.killer");
	T_OK(t, !strncmp(st.first_death, "the scripted stack crashed while these ran: ", 44));
	for (int i = 0; i < 3; i++) {
		tc_result_free(&res[i]);
		tc_case_free(c[i]);
	}
}

/* A target starved of CPU: the scheduler reads the wait counter when each case starts
 * and ends and keeps the difference; a failure on a step with a time becomes
 * inconclusive when the wait is a quarter of that time or more, and not otherwise. */
static uint64_t waited;

static uint64_t wait_counter(void *arg)
{
	(void)arg;
	return waited += 10000;         /* each read: 10 ms more */
}

void test_sched_cpu_wait(struct t_ctx *t)
{
	struct fixture f;
	struct tc_sched_opts so = { .jobs = 1, .seed = 1, .case_limit_us = 60000000, .cpu_wait = wait_counter,
				    .on_done = note };
	/* 30 ms: 10 ms of wait is a third of it; 40 ms: a quarter; 50 ms: a fifth; the
	 * last has no time of its own (the default second): 10 ms is not enough */
	struct tc_case *c[4] = { one_case("w.30", 100, "< R. 0:0(0) ack 1 within 30ms"),
				 one_case("w.40", 100, "< R. 0:0(0) ack 1 within 40ms"),
				 one_case("w.50", 100, "< R. 0:0(0) ack 1 within 50ms"),
				 one_case("w.default", 100, "< R. 0:0(0) ack 1") };
	struct tc_result res[4];
	struct tc_sched_item items[4];
	struct tc_sched_stats st;
	char err[200];

	fixture_init(&f);
	for (int i = 0; i < 4; i++) {
		T_OK(t, c[i] != NULL);
		if (!c[i])
			return;
		items[i] = (struct tc_sched_item){ .c = c[i], .r = &res[i], .env = &f.env };
	}
	T_EQ_U(t, tc_sched_run(items, 4, &so, &st, err, sizeof(err)), 0);
	for (int i = 0; i < 4; i++) {
		T_EQ_S(t, tc_verdict_name(res[i].verdict), "fail");
		T_EQ_U(t, res[i].cpu_wait_known, 1);
		T_EQ_U(t, res[i].cpu_wait_us, 10000);
	}
	T_EQ_U(t, tc_result_judge_wait(&res[0], "the stack and the tester"), 1);
	T_EQ_S(t, tc_verdict_name(res[0].verdict), "inconclusive");
	T_EQ_S(t, res[0].reason, "the stack and the tester waited 10.0 ms for a CPU while this case ran or just after (the machine "
	       "is busy), and the step it failed on has 30 ms, which so late a process may miss: not judged; it read: "
	       "s.tcp:7: expected < R. 0:0(0) ack 1 within 30ms, got nothing within 30 ms");
	T_EQ_U(t, tc_result_judge_wait(&res[1], "x"), 1);
	T_EQ_S(t, tc_verdict_name(res[1].verdict), "inconclusive");
	T_EQ_U(t, tc_result_judge_wait(&res[2], "x"), 0);
	T_EQ_S(t, tc_verdict_name(res[2].verdict), "fail");
	T_EQ_U(t, tc_result_judge_wait(&res[3], "x"), 0);
	T_EQ_S(t, tc_verdict_name(res[3].verdict), "fail");
	/* a failure timing cannot explain stands, however long the wait: the wrong segment,
	 * on a step with no time of its own */
	res[3].cpu_wait_us = 5000000;
	free(res[3].div_observed);
	res[3].div_observed = strdup("S. 0:0(0) ack 1");
	T_EQ_U(t, tc_result_judge_wait(&res[3], "x"), 0);
	/* unmeasured, or not a failure: nothing changes */
	res[2].cpu_wait_us = 5000000;
	res[2].cpu_wait_known = 0;
	T_EQ_U(t, tc_result_judge_wait(&res[2], "x"), 0);
	res[2].cpu_wait_known = 1;
	res[2].verdict = TC_V_XFAIL;
	T_EQ_U(t, tc_result_judge_wait(&res[2], "x"), 0);
	for (int i = 0; i < 4; i++) {
		tc_result_free(&res[i]);
		tc_case_free(c[i]);
	}
}

/* The CPU watch on a /proc tree of the test's own: one process, one thread. */
static void fake_thread(const char *root, char state, unsigned long long ran, unsigned long long wait,
			unsigned long long runs)
{
	char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/100/task/101/schedstat", root);
	if ((f = fopen(path, "w"))) {
		fprintf(f, "%llu %llu %llu\n", ran, wait, runs);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/100/task/101/stat", root);
	if ((f = fopen(path, "w"))) {
		/* a name with a parenthesis and a blank in it: the state follows the last ')' */
		fprintf(f, "101 (slirp) 4netns) %c 1 100 100 0 -1\n", state);
		fclose(f);
	}
}

/* The kernel's softirq threads are found by their names, whatever else runs, as many
 * as the slots left hold; their waits count with the processes'. */
void test_cpuwatch_softirqd(struct t_ctx *t)
{
	char root[] = "/tmp/tc-softirqd.XXXXXX", cmd[600];
	struct tc_cpuwatch w = { .pid = { 100 } };

	if (!mkdtemp(root)) {
		t->skipped = "no temporary directory";
		return;
	}
	snprintf(cmd, sizeof(cmd), "cd %s && mkdir -p 5 7 12 self 30/task/30 && echo ksoftirqd/0 >5/comm && "
		 "echo bash >7/comm && echo ksoftirqd/1 >12/comm && echo ksoftirqd/0 >self/comm && "
		 "echo ksoftirqd/9 >30/comm && echo '1 4000000 3' >30/task/30/schedstat && "
		 "echo '30 (ksoftirqd/9) S 2' >30/task/30/stat", root);
	T_OK(t, system(cmd) == 0);
	w.proc = root;
	T_EQ_U(t, tc_cpuwatch_softirqd(&w, 3), 3);
	T_EQ_U(t, (uint64_t)(w.pid[3] + w.pid[4] + w.pid[5]), 5 + 12 + 30);
	T_EQ_U(t, (uint64_t)w.pid[6], 0);
	T_EQ_U(t, tc_cpuwatch_read(&w, 1000000), 4000);        /* ksoftirqd/9's 4 ms of wait */
	/* no slot left: none added */
	memset(w.pid, 0, sizeof(w.pid));
	T_EQ_U(t, tc_cpuwatch_softirqd(&w, TC_CPUWATCH_PIDS), 0);
	T_EQ_U(t, tc_cpuwatch_softirqd(&w, TC_CPUWATCH_PIDS - 1), 1);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	T_OK(t, system(cmd) == 0);
}

void test_cpuwatch_sampling(struct t_ctx *t)
{
	char root[] = "/tmp/tc-cpuwatch.XXXXXX", path[300];
	struct tc_cpuwatch w = { .pid = { 100 } };

	if (!mkdtemp(root)) {
		t->skipped = "no temporary directory";
		return;
	}
	snprintf(path, sizeof(path), "mkdir -p %s/100/task/101", root);
	T_OK(t, system(path) == 0);
	w.proc = root;
	/* 2 ms of wait so far, asleep */
	fake_thread(root, 'S', 5000000, 2000000, 7);
	T_EQ_U(t, tc_cpuwatch_read(&w, 1000000), 2000);
	/* woken, waiting: schedstat shows nothing yet, and one sample cannot tell */
	fake_thread(root, 'R', 5000000, 2000000, 7);
	T_EQ_U(t, tc_cpuwatch_read(&w, 1010000), 2000);
	/* still runnable 50 ms later, not run in between: 50 ms of wait */
	T_EQ_U(t, tc_cpuwatch_read(&w, 1060000), 52000);
	/* it ran: schedstat adds its 60 ms of wait, of which sampling counted 50 */
	fake_thread(root, 'S', 5100000, 62000000, 8);
	T_EQ_U(t, tc_cpuwatch_read(&w, 1070000), 62000);
	/* running all along (its CPU time grows): no wait */
	fake_thread(root, 'R', 5200000, 62000000, 9);
	T_EQ_U(t, tc_cpuwatch_read(&w, 1080000), 62000);
	fake_thread(root, 'R', 9200000, 62000000, 9);
	T_EQ_U(t, tc_cpuwatch_read(&w, 1090000), 62000);
	/* the process ends: the counter keeps what it had */
	snprintf(path, sizeof(path), "rm -rf %s/100", root);
	T_OK(t, system(path) == 0);
	T_EQ_U(t, tc_cpuwatch_read(&w, 1100000), 62000);
	snprintf(path, sizeof(path), "rm -rf %s", root);
	T_OK(t, system(path) == 0);
}

/* A capture that always has more: each drain stops with frames still waiting (a
 * target that answers every segment the callback sends). The stop flag is looked at
 * between drains, and no timer is judged while frames wait (a reply may be among them):
 * the quiet case is stopped, not passed on a silence it could not have checked. */
struct chatty {
	int drains;
	volatile sig_atomic_t *stop;
};

static int chatty_drain(void *ctx, tc_frame_cb cb, void *arg, char *err, size_t errlen)
{
	struct chatty *ch = ctx;

	if (++ch->drains == 5)
		*ch->stop = 1;          /* a Ctrl-C in the middle of it */
	return 0;
}

static int chatty_pending(void *ctx)
{
	return 1;
}

void test_sched_stop_while_pending(struct t_ctx *t)
{
	static const struct tc_io_ops ops = { .name = "chatty", .send = dying_send, .fd = dying_fd,
					      .drain = chatty_drain, .pending = chatty_pending };
	static volatile sig_atomic_t stop;
	struct fixture f;
	struct chatty ch = { .stop = &stop };
	struct tc_sched_opts so = { .jobs = 1, .seed = 1, .case_limit_us = 60000000, .on_done = note, .stop = &stop };
	struct tc_case *c = quiet_case("q.quiet", 65535);
	struct tc_result res;
	struct tc_sched_item item;
	struct tc_sched_stats st;
	char err[200];

	fixture_init(&f);
	f.io = (struct tc_io){ .ops = &ops, .ctx = &ch };
	T_OK(t, c != NULL);
	if (!c)
		return;
	item = (struct tc_sched_item){ .c = c, .r = &res, .env = &f.env };
	T_EQ_U(t, tc_sched_run(&item, 1, &so, &st, err, sizeof(err)), 1);
	T_EQ_S(t, tc_verdict_name(res.verdict), "notrun");
	T_OK(t, res.reason && !strcmp(res.reason, "interrupted"));
	T_EQ_U(t, ch.drains, 5);
	tc_result_free(&res);
	tc_case_free(c);
}

/* @sysctl: set in the target's namespace before the case starts, given back when it
 * ends; one that cannot be set makes the case an error naming it, and nothing stays
 * set. A target whose settings the tester cannot change skips the case. */
struct sysctls {
	char log[400];
};

static int log_sysctl(void *arg, const char *key, const char *val, char *old, size_t oldlen, char *err,
		      size_t errlen)
{
	struct sysctls *sc = arg;
	size_t off = strlen(sc->log);

	if (!strcmp(key, "net.ipv4.tcp_congestion_control")) {
		snprintf(err, errlen, "sysctl %s=%s: Operation not permitted", key, val);
		return -1;
	}
	if (old)
		snprintf(old, oldlen, "was-%s", val);
	snprintf(sc->log + off, sizeof(sc->log) - off, "%s %s=%s\n", old ? "set" : "back", key, val);
	return 0;
}

static struct tc_case *sysctl_case(const char *id, const char *lines)
{
	char text[400], err[200];
	struct tc_case *c;

	snprintf(text, sizeof(text), "@id %s\n@title T\n@rfc RFC9293 3.10.7.1\n@level MUST\n@port closed\n%s"
		 "> S 0:0(0) win 65535\n< nothing 100ms\n", id, lines);
	c = tc_case_parse("s.tcp", text, strlen(text), err, sizeof(err));
	if (!c)
		fprintf(stderr, "# %s\n", err);
	return c;
}

void test_sched_sysctl(struct t_ctx *t)
{
	struct fixture f;
	struct sysctls sc = { "" };
	struct tc_sched_opts so = { .jobs = 4, .seed = 1, .case_limit_us = 60000000, .on_done = note,
				    .sysctl = log_sysctl, .arg = &sc };
	struct tc_case *c[3] = {
		sysctl_case("s.set", "@sysctl net.ipv4.tcp_sack=0\n@sysctl net.ipv4.tcp_rmem=4096 40000 40000\n"),
		sysctl_case("s.cannot", "@sysctl net.ipv4.tcp_sack=0\n@sysctl net.ipv4.tcp_congestion_control=cubic\n"),
		sysctl_case("s.plain", ""),
	};
	struct tc_result res[3];
	struct tc_sched_item items[3];
	struct tc_sched_stats st;
	char err[200];

	fixture_init(&f);
	f.tg.sets_sysctls = 1;
	if (fill_items(t, c, res, items, 3, &f.env) < 0)
		return;
	T_EQ_U(t, tc_sched_run(items, 3, &so, &st, err, sizeof(err)), 0);
	T_EQ_S(t, tc_verdict_name(res[0].verdict), "pass");
	T_EQ_S(t, tc_verdict_name(res[1].verdict), "error");
	T_EQ_S(t, res[1].reason ? res[1].reason : "", "s.tcp:7: @sysctl net.ipv4.tcp_congestion_control=cubic cannot be "
	       "set in the target's namespace: sysctl net.ipv4.tcp_congestion_control=cubic: Operation not permitted");
	T_EQ_S(t, tc_verdict_name(res[2].verdict), "pass");
	/* set in order, given back in the reverse; the half-set case gives back what it set */
	T_EQ_S(t, sc.log, "set net.ipv4.tcp_sack=0\nset net.ipv4.tcp_rmem=4096 40000 40000\n"
	       "back net.ipv4.tcp_rmem=was-4096 40000 40000\nback net.ipv4.tcp_sack=was-0\n"
	       "set net.ipv4.tcp_sack=0\nback net.ipv4.tcp_sack=was-0\n");
	for (int i = 0; i < 3; i++)
		tc_result_free(&res[i]);
	/* a target whose settings the tester cannot change: skipped, saying why */
	f.tg.sets_sysctls = 0;
	sc.log[0] = '\0';
	T_EQ_U(t, tc_sched_run(items, 1, &so, &st, err, sizeof(err)), 0);
	T_EQ_S(t, tc_verdict_name(res[0].verdict), "skip");
	T_OK(t, res[0].reason && strstr(res[0].reason, "sets the target's sysctls (@sysctl)"));
	T_EQ_S(t, sc.log, "");
	tc_result_free(&res[0]);
	for (int i = 0; i < 3; i++)
		tc_case_free(c[i]);
}

/* A failure on a segment the target sent again, when the tester's answer to the first
 * was late: the target's retransmission timer beat a tester that fell behind. Not
 * judged. With a prompt answer (or one long before the resend) the failure stands. */
static void resend_trace(struct tc_result *r, uint64_t answer_us, uint64_t resend_us)
{
	static const struct tc_case c = { .file = "t.tcp" };
	struct tc_seg s;

	tc_result_init(r, &c);
	r->verdict = TC_V_FAIL;
	r->div_line = 16;
	r->cpu_wait_known = 1;
	r->cpu_wait_us = 80000;
	r->reason = tc_xstrdup("t.tcp:16: expected < . 2:2(0) ack 11, got F. 1:1(0) ack 1");
	tc_seg_init(&s);
	s.dir = TC_DIR_IN, s.flags = TC_FIN | TC_ACK, s.seq = 1001, s.t_us = 1000000;
	tc_result_trace_add(r, &s, 13, NULL);           /* the target's FIN */
	if (answer_us) {
		s.dir = TC_DIR_OUT, s.flags = TC_ACK, s.seq = 5001, s.t_us = 1000000 + answer_us;
		tc_result_trace_add(r, &s, 14, NULL);   /* the tester's ACK of it */
	}
	s.dir = TC_DIR_IN, s.flags = TC_FIN | TC_ACK, s.seq = 1001, s.t_us = 1000000 + resend_us;
	tc_result_trace_add(r, &s, 16, "unexpected");   /* the FIN again */
}

void test_judge_resend(struct t_ctx *t)
{
	struct tc_result r;

	resend_trace(&r, 201000, 203000);       /* answered 201 ms late, resent at 203 ms */
	T_EQ_U(t, tc_result_judge_wait(&r, "x"), 1);
	T_EQ_S(t, tc_verdict_name(r.verdict), "inconclusive");
	T_EQ_S(t, r.reason, "the target sent a segment again 203.0 ms after the first, before it had the tester's answer, "
	       "which left 201.0 ms after the first (the tester was late: x waited 80.0 ms for a CPU while this case "
	       "ran, the machine is busy); a stack's retransmission timer may fire then: not judged; it read: "
	       "t.tcp:16: expected < . 2:2(0) ack 11, got F. 1:1(0) ack 1");
	tc_result_free(&r);
	resend_trace(&r, 0, 210000);            /* no answer before the resend */
	T_EQ_U(t, tc_result_judge_wait(&r, "x"), 1);
	T_OK(t, r.reason && strstr(r.reason, "which had not left 210.0 ms after the first"));
	tc_result_free(&r);
	resend_trace(&r, 201000, 203000);       /* held back on a machine that is not busy: the case's doing */
	r.cpu_wait_us = 2000;
	T_EQ_U(t, tc_result_judge_wait(&r, "x"), 0);
	T_EQ_S(t, tc_verdict_name(r.verdict), "fail");
	tc_result_free(&r);
	resend_trace(&r, 800, 203000);          /* answered at once: the resend is the target's */
	T_EQ_U(t, tc_result_judge_wait(&r, "x"), 0);
	T_EQ_S(t, tc_verdict_name(r.verdict), "fail");
	tc_result_free(&r);
	resend_trace(&r, 60000, 203000);        /* late, but 143 ms before the resend: the target had it */
	T_EQ_U(t, tc_result_judge_wait(&r, "x"), 0);
	T_EQ_S(t, tc_verdict_name(r.verdict), "fail");
	tc_result_free(&r);
}

/* A serial case starts beside cases that only wait, and only when each has 30 s of its
 * wait yet; should one go on before the serial case ends, a failure of the serial case
 * is not judged and a pass says so. */
static void beside_run(struct t_ctx *t, const char *first, const char *serial_step, struct tc_result *res)
{
	struct fixture f;
	struct tc_sched_opts so = { .jobs = 4, .seed = 1, .case_limit_us = 600000000, .on_done = note };
	struct tc_case *c[2] = { one_case("q.long", 65535, first), NULL };
	struct tc_sched_item items[2];
	struct tc_sched_stats st;
	char text[300], err[200];

	snprintf(text, sizeof(text), "@id s.alone\n@title T\n@rfc RFC9293 3.10.7.1\n@level MUST\n@port closed\n"
		 "@tags serial\n> S 0:0(0) win 65535\n%s\n", serial_step);
	c[1] = tc_case_parse("a.tcp", text, strlen(text), err, sizeof(err));
	fixture_init(&f);
	if (fill_items(t, c, res, items, 2, &f.env) == 0)
		T_EQ_U(t, tc_sched_run(items, 2, &so, &st, err, sizeof(err)), 0);
	tc_case_free(c[0]);
	c[0] = NULL;
	res[0].c = res[1].c = NULL;
	tc_case_free(c[1]);
}

void test_sched_serial_beside(struct t_ctx *t)
{
	struct tc_result r[2];

	/* beside a wait of 100 s: at once, and over before it */
	beside_run(t, "wait 100s\n< nothing 100ms", "< nothing 100ms", r);
	T_EQ_S(t, tc_verdict_name(r[1].verdict), "pass");
	T_OK(t, r[1].start_us < r[0].start_us + 1000000 && r[1].end_us < r[0].end_us);
	T_OK(t, r[1].notes == NULL);
	T_EQ_S(t, tc_verdict_name(r[0].verdict), "pass");
	tc_result_free(&r[0]);
	tc_result_free(&r[1]);
	/* beside an expectation (not a wait), or a wait with less than 30 s yet: after it */
	beside_run(t, "< nothing 100s", "< nothing 100ms", r);
	T_OK(t, r[1].start_us >= r[0].end_us);
	tc_result_free(&r[0]);
	tc_result_free(&r[1]);
	beside_run(t, "wait 29s\n< nothing 100ms", "< nothing 100ms", r);
	T_OK(t, r[1].start_us >= r[0].end_us);
	tc_result_free(&r[0]);
	tc_result_free(&r[1]);
	/* the wait (31 s) ends while the serial case runs (40 s): its failure is not judged */
	beside_run(t, "wait 31s\n< nothing 100ms", "< R. 0:0(0) ack 1 within 40s", r);
	T_OK(t, r[1].start_us < r[0].end_us);
	T_EQ_S(t, tc_verdict_name(r[1].verdict), "inconclusive");
	T_OK(t, r[1].reason && strstr(r[1].reason, "this case runs alone but for cases that wait; q.long was waiting "
				       "when it started and went on before it ended: not judged; it read: a.tcp:8: "));
	tc_result_free(&r[0]);
	tc_result_free(&r[1]);
	/* ... and a pass says it */
	beside_run(t, "wait 31s\n< nothing 100ms", "< nothing 40s", r);
	T_EQ_S(t, tc_verdict_name(r[1].verdict), "pass");
	T_EQ_S(t, r[1].notes ? r[1].notes : "", "it ran beside q.long, which was waiting and went on before it ended");
	tc_result_free(&r[0]);
	tc_result_free(&r[1]);
}
