/* model: the tracker (a trace replayed through the model, as it happens). */
#include "model/track.h"
#include "packet/format.h"
#include "util/util.h"

#include <stdio.h>
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
	memset(k, 0, sizeof(*k));
	tc_tcb_init(&k->t, initial);
	commit(k);
}

void tc_track_forget(struct tc_track *k)
{
	k->npending = 0;
	k->t.st = TC_ST_CLOSED;
	commit(k);
}

/* adopt - follow pending outcome @i (replacing the one assumed so far). */
static void adopt(struct tc_track *k, int i)
{
	k->adopted = i;
	k->t = k->pending[i].next;
	k->npath = k->path_before;
	commit(k);
}

void tc_track_settle(struct tc_track *k)
{
	int i;

	/* The target stayed silent. If the outcome assumed so far wanted a reply that
	 * no rate limit explains, the silent outcome is the one it chose. */
	if (k->npending && k->pending[k->adopted].nreply && !k->pending[k->adopted].reply.ratelimited)
		for (i = 0; i < k->npending; i++)
			if (!k->pending[i].nreply) {
				adopt(k, i);
				break;
			}
	k->npending = 0;
}

void tc_track_out(struct tc_track *k, const struct tc_seg *s)
{
	tc_track_settle(k);
	k->npending = tc_model_arrive(&k->t, s, k->pending, TC_MODEL_MAX_OUTCOMES);
	k->path_before = k->npath;
	adopt(k, 0);            /* RFC 9293's outcome, until the target shows another */
}

static void describe(const struct tc_track *k, const struct tc_seg *s, char *buf, size_t len)
{
	char fl[16];
	size_t off = (size_t)snprintf(buf, len, "got [%s] seq %u ack %u; the RFCs allow",
				      tc_flags_str(s->flags, fl, sizeof(fl)), s->seq, s->ack);
	int i;

	for (i = 0; i < k->npending && off < len; i++) {
		const struct tc_outcome *o = &k->pending[i];

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

int tc_track_is_retransmission(const struct tc_track *k, const struct tc_seg *s)
{
	uint32_t len = tc_seg_len(s);
	int i;

	for (i = 0; i < k->npending; i++)      /* an answer, however much it looks old */
		if (k->pending[i].nreply && tc_reply_matches(&k->pending[i].reply, s))
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

	if (s->problem[0] || s->cksum_status == TC_CK_BAD)
		return;
	if (tc_track_is_retransmission(k, s))
		return;                 /* its own timer, not an answer */
	if (k->npending) {
		for (i = 0; i < k->npending && found < 0; i++)
			if (k->pending[i].nreply && tc_reply_matches(&k->pending[i].reply, s))
				found = i;
		if (found >= 0) {
			if (found != k->adopted)
				adopt(k, found);
		} else if (k->pending[k->adopted].nreply && !k->unexplained_line &&
			   !(s->payload_len || (s->flags & TC_FIN))) {
			/* the outcome assumed wanted a reply; this is not one the RFCs permit */
			k->unexplained_line = k->line ? k->line : -1;
			describe(k, s, k->unexplained, sizeof(k->unexplained));
		}
		k->npending = 0;
	}
	tc_model_sent(&k->t, s);
	commit(k);
}
