/* model: the tracker (a trace replayed through the model, as it happens). */
#include "model/track.h"
#include "packet/format.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void commit(struct tc_track *k)
{
	if (k->npath && k->path[k->npath - 1] == k->t.st)
		return;
	if (k->npath < TC_TRACK_PATH) {
		k->path_line[k->npath] = k->line;
		k->path[k->npath++] = k->t.st;
	}
}

void tc_track_init(struct tc_track *k, enum tc_state initial)
{
	struct tc_pending *pend = k->pend;
	size_t cap = k->cap_pend;

	memset(k, 0, sizeof(*k));
	k->pend = pend;
	k->cap_pend = cap;
	tc_tcb_init(&k->t, initial);
	commit(k);
}

void tc_track_free(struct tc_track *k)
{
	free(k->pend);
	k->pend = NULL;
	k->cap_pend = 0;
	k->npend = 0;
}

void tc_track_forget(struct tc_track *k)
{
	k->npend = 0;
	k->t.st = TC_ST_CLOSED;
	commit(k);
}

/* silent_choice - the outcome a segment that got no answer chose: if the one assumed
 * wanted a reply that no rate limit explains, the silent one (when the RFCs allow
 * silence at all). */
static int silent_choice(const struct tc_pending *p)
{
	const struct tc_outcome *a = &p->o[p->adopted];
	int i;

	if (!a->nreply || (a->reply.ratelimited && p->rl_explains))
		return p->adopted;
	for (i = 0; i < p->n; i++)
		if (!p->o[i].nreply)
			return i;
	return p->adopted;
}

static int answered_by(const struct tc_pending *p, const struct tc_seg *s)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (p->o[i].nreply && tc_reply_matches(&p->o[i].reply, s))
			return i;
	return -1;
}

/*
 * rebuild - replay the waiting segments over the TCB the first one arrived at: those
 * before @upto got no answer; the one at @upto was answered by @answer (if not NULL),
 * which the target sent before it took the segments after it (or it would have
 * answered those: it answers in order), so the answer moves the TCB there (its ACK is
 * Last.ACK.sent, its data SND.NXT); the rest keep the RFC's outcome until the target
 * shows another. A RST answer leaves the TCB as the outcome says (see tc_track_in).
 */
static void rebuild(struct tc_track *k, int upto, const struct tc_seg *answer)
{
	int i, line = k->line;

	k->t = k->pend[0].before;
	k->npath = k->pend[0].path_before;
	for (i = 0; i < k->npend; i++) {
		struct tc_pending *p = &k->pend[i];

		if (i) {
			p->before = k->t;
			p->path_before = k->npath;
			p->n = tc_model_arrive(&k->t, &p->seg, p->o, TC_MODEL_MAX_OUTCOMES);
			p->adopted = 0;
		}
		if (i < upto)
			p->adopted = silent_choice(p);
		else if (i == upto && answer)
			p->adopted = answered_by(p, answer) < 0 ? 0 : answered_by(p, answer);
		else
			p->adopted = 0;
		k->t = p->o[p->adopted].next;
		k->line = p->line;
		commit(k);
		if (i == upto && answer && !(answer->flags & TC_RST)) {
			k->line = line;
			tc_model_sent(&k->t, answer);
			commit(k);
		}
	}
	k->line = line;
}

/* drop - the first @m waiting segments are done with. */
static void drop(struct tc_track *k, int m)
{
	if (m >= k->npend) {
		k->npend = 0;
		return;
	}
	memmove(k->pend, k->pend + m, (size_t)(k->npend - m) * sizeof(k->pend[0]));
	k->npend -= m;
}

/* settle_first - the first @m waiting segments got no answer: those that could have
 * had one are remembered (the last two), for an answer that comes late. */
static void settle_first(struct tc_track *k, int m)
{
	if (!m || !k->npend)
		return;
	rebuild(k, m, NULL);
	for (int i = 0; i < m && i < k->npend; i++) {
		const struct tc_pending *p = &k->pend[i];
		struct tc_unanswered *u;
		int j;

		for (j = 0; j < p->n && !p->o[j].nreply; j++)
			;
		if (j == p->n)
			continue;       /* silence was all the RFCs allowed */
		if (k->nquiet == 2) {
			k->quiet[0] = k->quiet[1];
			k->nquiet = 1;
		}
		u = &k->quiet[k->nquiet++];
		memcpy(u->o, p->o, sizeof(u->o));
		u->n = p->n;
		u->line = p->line;
		u->t_us = p->seg.t_us;
	}
	drop(k, m);
}

void tc_track_settle(struct tc_track *k)
{
	settle_first(k, k->npend);
}

void tc_track_rd_closed(struct tc_track *k)
{
	int i, j;

	k->t.rd_closed = 1;
	for (i = 0; i < k->npend; i++) {
		k->pend[i].before.rd_closed = 1;
		for (j = 0; j < k->pend[i].n; j++)
			k->pend[i].o[j].next.rd_closed = 1;
	}
}

void tc_track_out(struct tc_track *k, const struct tc_seg *s)
{
	struct tc_pending *p;
	int m = 0;

	/* what waited too long got no answer */
	while (m < k->npend && s->t_us > k->pend[m].seg.t_us + TC_TRACK_ANSWER_US)
		m++;
	settle_first(k, m);
	/* room for this one: the oldest is given up, its outcome as assumed (a burst
	 * longer than the queue says nothing about silence) */
	if (k->npend >= TC_TRACK_PENDING)
		drop(k, k->npend - TC_TRACK_PENDING + 1);

	if ((size_t)k->npend == k->cap_pend) {  /* 2, 4, 8 ... TC_TRACK_PENDING */
		k->cap_pend = k->cap_pend ? k->cap_pend * 2 : 2;
		if (k->cap_pend > TC_TRACK_PENDING)
			k->cap_pend = TC_TRACK_PENDING;
		k->pend = tc_xrealloc(k->pend, k->cap_pend * sizeof(*k->pend));
	}
	p = &k->pend[k->npend++];
	memset(p, 0, sizeof(*p));
	p->seg = *s;
	p->seg.raw = NULL;              /* the view alone; the caller owns the bytes */
	p->seg.raw_len = 0;
	p->before = k->t;
	p->path_before = k->npath;
	p->line = k->line;
	p->n = tc_model_arrive(&k->t, s, p->o, TC_MODEL_MAX_OUTCOMES);
	if (p->n && p->o[0].nreply && p->o[0].reply.ratelimited) {
		p->rl_explains = k->have_invalid && s->t_us - k->invalid_us < TC_TRACK_ANSWER_US;
		k->have_invalid = 1;
		k->invalid_us = s->t_us;
	}
	p->adopted = 0;                 /* RFC 9293's outcome, until the target shows another */
	k->t = p->o[0].next;
	commit(k);
}

const struct tc_outcome *tc_track_last(const struct tc_track *k, int *n)
{
	*n = k->npend ? k->pend[k->npend - 1].n : 0;
	return k->npend ? k->pend[k->npend - 1].o : NULL;
}

static void describe(const struct tc_pending *p, const struct tc_seg *s, char *buf, size_t len)
{
	char fl[16];
	size_t off = (size_t)snprintf(buf, len, "got [%s] seq %u ack %u; the RFCs allow",
				      tc_flags_str(s->flags, fl, sizeof(fl)), s->seq, s->ack);
	int i;

	for (i = 0; i < p->n && off < len; i++) {
		const struct tc_outcome *o = &p->o[i];

		if (o->nreply && o->reply.seq_any)
			off += (size_t)snprintf(buf + off, len - off, "%s %s: [%s] ack %u", i ? "," : "", o->name,
						tc_flags_str(o->reply.flags, fl, sizeof(fl)), o->reply.ack);
		else if (o->nreply)
			off += (size_t)snprintf(buf + off, len - off, "%s %s: [%s] seq %u ack %u", i ? "," : "",
						o->name, tc_flags_str(o->reply.flags, fl, sizeof(fl)), o->reply.seq,
						o->reply.ack);
		else
			off += (size_t)snprintf(buf + off, len - off, "%s %s: nothing", i ? "," : "", o->name);
	}
}

int tc_track_late_answer(const struct tc_track *k, const struct tc_seg *s, uint64_t t_us, int *line)
{
	int i, early = -1;

	if (tc_seg_len(s) || (s->flags & TC_RST) || tc_seg_unreadable(s))
		return 0;
	for (i = 0; i < k->npend; i++) {
		if (answered_by(&k->pend[i], s) < 0)
			continue;
		if (k->pend[i].seg.t_us >= t_us)
			return 0;       /* it may answer what was sent since: not late */
		if (early < 0)
			early = i;
	}
	if (early >= 0) {
		*line = k->pend[early].line;
		return 1;
	}
	for (i = k->nquiet - 1; i >= 0; i--)
		for (int j = 0; j < k->quiet[i].n; j++)
			if (k->quiet[i].t_us < t_us && s->t_us - k->quiet[i].t_us < TC_TRACK_LATE_US &&
			    k->quiet[i].o[j].nreply &&
			    tc_reply_matches(&k->quiet[i].o[j].reply, s)) {
				*line = k->quiet[i].line;
				return 2;
			}
	return 0;
}

int tc_track_is_retransmission(const struct tc_track *k, const struct tc_seg *s)
{
	uint32_t len = tc_seg_len(s);
	int i;

	for (i = 0; i < k->npend; i++)         /* an answer, however much it looks old */
		if (answered_by(&k->pend[i], s) >= 0)
			return 0;
	if (!len || !k->t.have_iss || (s->flags & TC_RST) || tc_seq_gt(s->seq + len, k->t.snd_nxt))
		return 0;
	/* a SYN again is a retransmission only in the state that sent it: the SYN-ACK of
	 * a simultaneous open repeats the ISS of the SYN, and answers */
	if (s->flags & TC_SYN)
		return (k->t.st == TC_ST_SYN_SENT && !(s->flags & TC_ACK)) ||
		       (k->t.st == TC_ST_SYN_RECEIVED && (s->flags & TC_ACK));
	return 1;
}

void tc_track_in(struct tc_track *k, const struct tc_seg *s)
{
	int i, found = -1;

	if (tc_seg_unreadable(s) || s->cksum_status == TC_CK_BAD)
		return;
	if (tc_track_is_retransmission(k, s))
		return;                 /* its own timer, not an answer */
	/* the answer to the oldest segment it fits: the target answers in order, and
	 * what came before it got none */
	for (i = 0; i < k->npend && found < 0; i++)
		if (answered_by(&k->pend[i], s) >= 0)
			found = i;
	if (found >= 0) {
		/* the answer moved the TCB in its place (rebuild); a RST that answers a
		 * segment (3.10.7: "send a reset") leaves the state as the outcome says:
		 * SYN-RECEIVED stays, after a bad ACK */
		rebuild(k, found, s);
		drop(k, found + 1);
		commit(k);
		return;
	} else if (k->npend) {
		for (i = 0; i < k->npend; i++) {
			const struct tc_pending *p = &k->pend[i];

			if (!p->o[p->adopted].nreply || k->unexplained_line || s->payload_len || (s->flags & TC_FIN))
				continue;
			/* the outcome assumed wanted a reply; this is not one the RFCs permit */
			k->unexplained_line = k->line ? k->line : -1;
			describe(p, s, k->unexplained, sizeof(k->unexplained));
		}
		k->npend = 0;
	}
	tc_model_sent(&k->t, s);
	commit(k);
}
