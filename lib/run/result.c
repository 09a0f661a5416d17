/* run: results. */
#include "run/result.h"
#include "util/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *tc_verdict_name(enum tc_verdict v)
{
	switch (v) {
	case TC_V_PASS: return "pass";
	case TC_V_FAIL: return "fail";
	case TC_V_SKIP: return "skip";
	case TC_V_INCONCLUSIVE: return "inconclusive";
	case TC_V_ERROR: return "error";
	case TC_V_XFAIL: return "xfail";
	default: return "notrun";
	}
}

void tc_result_init(struct tc_result *r, const struct tc_case *c)
{
	memset(r, 0, sizeof(*r));
	r->c = c;
	r->family = 4;
	r->st_expected = c->states;
	r->nst_expected = c->nstates;
}

void tc_result_free(struct tc_result *r)
{
	int i;

	for (i = 0; r->trace && i < r->ntrace; i++)
		tc_seg_free(&r->trace[i].seg);
	for (i = 0; r->packed && i < r->ntrace; i++)
		free(r->packed[i].raw);
	free(r->trace);
	free(r->packed);
	r->packed = NULL;
	free(r->reason);
	free(r->div_expected);
	free(r->div_observed);
	free(r->pcap);
	free(r->notes);
	free(r->unexplained);
	r->unexplained = NULL;
	r->trace = NULL;
	r->ntrace = 0;
	r->reason = r->div_expected = r->div_observed = r->pcap = r->notes = NULL;
}

int tc_result_trace_add(struct tc_result *r, const struct tc_seg *s, int line, const char *note)
{
	struct tc_trace_ent *e;

	if (r->packed)
		abort();        /* a packed result is final: nothing is added to it */
	tc_grow(&r->trace, sizeof(*r->trace), (size_t)r->ntrace, &r->cap_trace);
	e = &r->trace[r->ntrace];
	tc_seg_copy(&e->seg, s);
	e->line = line;
	e->note = note;
	e->lead = 0;
	return r->ntrace++;
}

void tc_result_pack(struct tc_result *r)
{
	struct tc_trace_rec *p;
	int i;

	if (!r->trace)
		return;
	for (i = 0; i < r->ntrace; i++) {
		struct tc_seg d;
		int rc;

		if (!r->trace[i].seg.raw)
			return;
		if (r->trace[i].seg.dir != TC_DIR_OUT)
			continue;       /* what came in was decoded from its frame */
		rc = tc_seg_decode(&d, r->trace[i].seg.raw, r->trace[i].seg.raw_len, r->trace[i].seg.link);
		tc_seg_free(&d);
		if (rc < 0)
			return;         /* a frame the tester broke on purpose: its view says more */
	}
	p = tc_xcalloc(r->ntrace ? (size_t)r->ntrace : 1, sizeof(*p));
	for (i = 0; i < r->ntrace; i++) {
		struct tc_trace_ent *e = &r->trace[i];

		p[i].raw = e->seg.raw;          /* the bytes move over */
		p[i].raw_len = (uint32_t)e->seg.raw_len;
		p[i].lead = e->lead;
		p[i].t_us = e->seg.t_us;
		p[i].note = e->note;
		p[i].line = e->line;
		p[i].link = (uint8_t)e->seg.link;
		p[i].dir = (uint8_t)e->seg.dir;
		p[i].cut = e->seg.cut;
	}
	free(r->trace);
	r->trace = NULL;
	r->cap_trace = 0;
	r->packed = p;
}

struct tc_trace_ent *tc_result_entries(const struct tc_result *r)
{
	struct tc_trace_ent *t;
	int i;

	if (r->ntrace <= 0)
		return NULL;
	t = tc_xcalloc((size_t)r->ntrace, sizeof(*t));
	for (i = 0; i < r->ntrace; i++) {
		const struct tc_trace_rec *p;

		if (r->trace) {
			t[i] = r->trace[i];
			tc_seg_copy(&t[i].seg, &r->trace[i].seg);
			continue;
		}
		p = &r->packed[i];
		tc_seg_decode(&t[i].seg, p->raw, p->raw_len, (enum tc_link)p->link);
		t[i].seg.t_us = p->t_us;
		t[i].seg.dir = (enum tc_dir)p->dir;
		t[i].seg.cut = p->cut;
		t[i].line = p->line;
		t[i].note = p->note;
		t[i].lead = p->lead;
	}
	return t;
}

void tc_result_entries_free(struct tc_trace_ent *t, int n)
{
	for (int i = 0; t && i < n; i++)
		tc_seg_free(&t[i].seg);
	free(t);
}

static char *vfmt(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	return s;
}

void tc_result_set_reason(struct tc_result *r, const char *fmt, ...)
{
	va_list ap;

	free(r->reason);
	va_start(ap, fmt);
	r->reason = vfmt(fmt, ap);
	va_end(ap);
}

void tc_result_add_note(struct tc_result *r, const char *fmt, ...)
{
	va_list ap;
	char *line, *joined;

	va_start(ap, fmt);
	line = vfmt(fmt, ap);
	va_end(ap);
	if (!r->notes) {
		r->notes = line;
		return;
	}
	if (asprintf(&joined, "%s; %s", r->notes, line) < 0)
		abort();
	free(r->notes);
	free(line);
	r->notes = joined;
}

void tc_summarize(const struct tc_result *res, int n, struct tc_summary *s)
{
	int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < n; i++) {
		switch (res[i].verdict) {
		case TC_V_PASS:
			s->pass++;
			s->waived_pass += res[i].waiver != NULL && !res[i].waiver->varies;
			break;
		case TC_V_FAIL:
			s->fail++;
			if (res[i].c->level == TC_LEVEL_MUST)
				s->fail_must++;
			else if (res[i].c->level == TC_LEVEL_SHOULD)
				s->fail_should++;
			else if (res[i].c->level == TC_LEVEL_LINUX)
				s->fail_linux++;
			else
				s->fail_may++;
			break;
		case TC_V_SKIP: s->skip++; break;
		case TC_V_INCONCLUSIVE: s->inconclusive++; break;
		case TC_V_ERROR: s->error++; break;
		case TC_V_XFAIL: s->xfail++; break;
		default: s->notrun++; break;
		}
	}
}

void tc_result_waive(struct tc_result *r, struct tc_waivers *w)
{
	struct tc_waiver *x;

	if (!w)
		return;
	if (r->verdict == TC_V_FAIL) {
		x = tc_waiver_find(w, r->c->id, r->family, w->service, r->reason ? r->reason : "");
		if (x) {
			r->verdict = TC_V_XFAIL;
			r->waiver = x;
			x->used = 1;
		}
	} else if (r->verdict == TC_V_PASS) {
		x = tc_waiver_find(w, r->c->id, r->family, w->service, NULL);
		if (x) {
			r->waiver = x;
			x->used = 1;
			if (x->varies)
				tc_result_add_note(r, "passed; waived where it fails (%s:%d), as the stack's answer "
						   "varies from run to run", x->file, x->line);
			else
				tc_result_add_note(r, "passed, though waived (%s:%d): the waiver may be stale", x->file,
						   x->line);
		}
	}
}

/* step_at - the step of @n steps (alternatives' branches included) on case-file line @line. */
static const struct tc_step *step_at(const struct tc_step *st, int n, int line)
{
	for (int i = 0; i < n; i++) {
		const struct tc_step *x;

		if (st[i].line == line && st[i].kind != TC_STEP_ALT)
			return &st[i];
		for (int b = 0; b < st[i].nbr; b++)
			if ((x = step_at(st[i].br[b].steps, st[i].br[b].nsteps, line)))
				return x;
	}
	return NULL;
}

/* The tester answered a segment this late: a target's retransmission timer may fire
 * first (200 ms is the smallest RTO of Linux and gVisor), and what it resends then is
 * the tester's doing, not the target's. Well under any RTO; far above a tester that keeps
 * up (its answers leave within a millisecond). */
#define LATE_ANSWER_US 50000
#define RESEND_MARGIN_US 10000          /* the answer's way to the target, and its turn */

/* judge_resend - @r failed on a segment the target sent again (the same sequence
 * number, length and SYN/FIN as one it sent before) when the tester's answer to the
 * first left LATE_ANSWER_US or more after it and no more than RESEND_MARGIN_US before
 * the resend (or not at all), and @who waited for a CPU a quarter of that lateness or
 * more: the target's timer beat a late tester. Inconclusive, saying so; 1 if it was. */
static int judge_resend(struct tc_result *r, const char *who)
{
	struct tc_trace_ent *t = tc_result_entries(r);      /* final or not: packed or not */
	const struct tc_seg *s, *o;
	int f, j = -1, a, n = r->ntrace;
	uint64_t late;
	char *was;

	for (f = n - 1; f >= 0; f--)
		if (t[f].seg.dir == TC_DIR_IN && t[f].line == r->div_line && t[f].note &&
		    !strcmp(t[f].note, "unexpected"))
			break;
	s = f >= 0 ? &t[f].seg : NULL;
	if (s && ((s->flags & (TC_SYN | TC_FIN)) || s->payload_len))   /* what a timer resends */
		for (j = f - 1; j >= 0; j--) {
			o = &t[j].seg;
			if (o->dir == TC_DIR_IN && o->seq == s->seq && o->payload_len == s->payload_len &&
			    (o->flags & (TC_SYN | TC_FIN | TC_RST)) == (s->flags & (TC_SYN | TC_FIN | TC_RST)))
				break;
		}
	if (j < 0) {
		tc_result_entries_free(t, n);
		return 0;
	}
	for (a = j + 1; a < f && t[a].seg.dir != TC_DIR_OUT; a++)
		;
	late = (a < f ? t[a].seg.t_us : s->t_us) - t[j].seg.t_us;
	/* late, not long before the resend (the target had it in time otherwise), and late
	 * because the tester waited for a CPU (a case may hold its answer back on purpose:
	 * on a machine that is not busy, that failure stands) */
	if (late < LATE_ANSWER_US || (a < f && t[a].seg.t_us + RESEND_MARGIN_US < s->t_us) ||
	    !r->cpu_wait_known || r->cpu_wait_us * 4 < late) {
		tc_result_entries_free(t, n);
		return 0;
	}
	was = tc_xstrdup(r->reason ? r->reason : "");
	tc_result_set_reason(r, "the target sent a segment again %.1f ms after the first, before it had the tester's "
			     "answer, which %s %.1f ms after the first (the tester was late: %s waited %.1f ms for a "
			     "CPU while this case ran, the machine is busy); a stack's retransmission timer may fire "
			     "then: not judged; it read: %.300s",
			     (double)(s->t_us - t[j].seg.t_us) / 1000.0, a < f ? "left" : "had not left",
			     (double)late / 1000.0, who, (double)r->cpu_wait_us / 1000.0, was);
	r->verdict = TC_V_INCONCLUSIVE;
	free(was);
	tc_result_entries_free(t, n);
	return 1;
}

int tc_result_judge_wait(struct tc_result *r, const char *who)
{
	const struct tc_step *st;
	uint64_t window;
	int timed;
	char *was;

	if (r->verdict == TC_V_FAIL && judge_resend(r, who))
		return 1;
	if (r->verdict != TC_V_FAIL || !r->cpu_wait_known || !r->cpu_wait_us)
		return 0;
	st = step_at(r->c->steps, r->c->nsteps, r->div_line);
	window = st && st->dur_us ? st->dur_us : r->c->timeout_us;
	if (st && st->kind == TC_STEP_EXPECT && !st->dur_us && st->seg.after_us)
		window = st->seg.after_us;
	/* what starving the target or the tester can change: a reply that does not come in
	 * time, comes late, or comes where a step names its time */
	timed = (r->div_observed && !strncmp(r->div_observed, "nothing", 7)) || r->div_timer ||
		(r->reason && strstr(r->reason, "after the step began")) ||
		(st && st->kind == TC_STEP_EXPECT && (st->dur_us || st->seg.after_us));
	if (!timed || !window || r->cpu_wait_us * 4 < window)
		return 0;
	was = tc_xstrdup(r->reason ? r->reason : "");
	tc_result_set_reason(r, "%s waited %.1f ms for a CPU while this case ran or just after (the machine is busy), and the "
			     "step it failed on has %.0f ms, which so late a process may miss: not judged; it "
			     "read: %.300s", who,
			     (double)r->cpu_wait_us / 1000.0, (double)window / 1000.0, was);
	r->verdict = TC_V_INCONCLUSIVE;
	free(was);
	return 1;
}
