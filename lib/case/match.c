/* case: the matcher. */
#include "case/match.h"
#include "packet/format.h"
#include "util/util.h"

#include <stdio.h>
#include <string.h>

static int val_ok(const struct tc_val *v, uint32_t got)
{
	return !v->set || v->any || (v->range ? got >= v->v && got <= v->hi : v->v == got);
}

static int num_field(const struct tc_val *v, uint32_t got, const char *name, char *why, size_t wl)
{
	if (val_ok(v, got))
		return 1;
	if (v->range)
		tc_errf(why, wl, "%s is %u, expected %u..%u", name, got, v->v, v->hi);
	else
		tc_errf(why, wl, "%s is %u, expected %u", name, got, v->v);
	return 0;
}

/* ecn_field - the ECN field (the low two bits of the TOS / traffic class byte, RFC 3168
 * 5): the diagnostic names the codepoints and shows the whole byte, whose DSCP is not
 * compared. */
static int ecn_field(const struct tc_val *v, uint8_t tos, char *why, size_t wl)
{
	static const char *const cp[4] = { "not-ect", "ect1", "ect0", "ce" };
	unsigned e = tos & 3u;

	if (val_ok(v, e))
		return 1;
	if (v->range)
		tc_errf(why, wl, "ecn is %s, expected %s..%s; tos 0x%02x, its DSCP %u not compared", cp[e],
			cp[v->v & 3], cp[v->hi & 3], tos, tos >> 2);
	else
		tc_errf(why, wl, "ecn is %s, expected %s; tos 0x%02x, its DSCP %u not compared", cp[e], cp[v->v & 3],
			tos, tos >> 2);
	return 0;
}

/* opt_fits - does the observed option @o fit the pattern @q? */
static int opt_fits(const struct tc_optpat *q, const struct tc_opt *o, uint32_t ack_base,
		    char *why, size_t wl)
{
	const char *name = tc_opt_name(q->kind) ? tc_opt_name(q->kind) : "option";
	int i;

	if (q->any_value)
		return 1;
	if (q->raw) {
		if ((q->len_set && q->len != o->len) || q->dlen != o->dlen || memcmp(q->data, o->data, q->dlen))
			return tc_errf(why, wl, "option %s differs in its bytes", name), 0;
		return 1;
	}
	if (o->bad)
		return tc_errf(why, wl, "option %s is malformed (length %u)", name, o->len), 0;
	switch (q->kind) {
	case TC_OPT_MSS:
		return num_field(&q->a, o->v.mss, "mss", why, wl);
	case TC_OPT_WSCALE:
		return num_field(&q->a, o->v.wscale, "wscale", why, wl);
	case TC_OPT_TS:
		return num_field(&q->a, o->v.ts.val, "TS val", why, wl) &&
		       num_field(&q->b, o->v.ts.ecr, "TS ecr", why, wl);
	case TC_OPT_SACK:
		if (q->nsack && q->nsack != o->v.sack.n)
			return tc_errf(why, wl, "sack has %u blocks, expected %u", o->v.sack.n, q->nsack), 0;
		for (i = 0; i < q->nsack; i++)
			if (!num_field(&q->sack_l[i], o->v.sack.l[i] - ack_base, "sack left edge", why, wl) ||
			    !num_field(&q->sack_r[i], o->v.sack.r[i] - ack_base, "sack right edge", why, wl))
				return 0;
		return 1;
	default:
		return 1;
	}
}

/* opts_fit - every option of the pattern is present (in order of kind), and, unless
 * the list ends with "...", no other kind appears. NOP and EOL are padding: ignored. */
static int opts_fit(const struct tc_segpat *p, const struct tc_seg *s, uint32_t ack_base,
		    char *why, size_t wl)
{
	unsigned char used[TC_MAX_OPTS] = { 0 };
	int i, j;

	for (i = 0; i < p->nopts; i++) {
		const struct tc_optpat *q = &p->opts[i];
		int found = 0;

		if (q->kind == TC_OPT_NOP || q->kind == TC_OPT_EOL)
			continue;
		int misfit = 0;

		for (j = 0; j < s->nopts && !found; j++) {
			if (used[j] || s->opts[j].kind != q->kind)
				continue;
			if (!opt_fits(q, &s->opts[j], ack_base, why, wl)) {
				misfit = 1;     /* keep the reason; a later one may fit */
				continue;
			}
			used[j] = found = 1;
		}
		if (!found && misfit)
			return 0;
		if (!found) {
			const char *n = tc_opt_name(q->kind);

			if (n)
				tc_errf(why, wl, "option %s is missing", n);
			else
				tc_errf(why, wl, "option unknown-%u is missing", q->kind);
			return 0;
		}
	}
	if (p->opts_more)
		return 1;
	for (j = 0; j < s->nopts; j++) {
		const struct tc_opt *o = &s->opts[j];

		if (used[j] || o->kind == TC_OPT_NOP || o->kind == TC_OPT_EOL)
			continue;
		if (tc_opt_name(o->kind))
			tc_errf(why, wl, "option %s was not expected", tc_opt_name(o->kind));
		else
			tc_errf(why, wl, "option unknown-%u was not expected", o->kind);
		return 0;
	}
	return 1;
}

static int payload_fits(const struct tc_segpat *p, const struct tc_seg *s, char *why, size_t wl)
{
	const uint8_t *b = tc_seg_payload(s);
	uint32_t i;

	if (!p->payload_given)
		return 1;
	if (s->payload_len != p->payload_len)
		return tc_errf(why, wl, "payload has %u bytes, expected %u", s->payload_len, p->payload_len), 0;
	for (i = 0; i < p->payload_len; i++)
		if (!b || b[i] != p->payload[i])
			return tc_errf(why, wl, "payload byte %u is 0x%02x, expected 0x%02x", i,
				       b ? b[i] : 0, p->payload[i]), 0;
	return 1;
}

static int flags_fit(const struct tc_segpat *p, const struct tc_seg *s, char *why, size_t wl)
{
	uint16_t got = s->flags & 0x1ff;
	char a[16], b[16];

	if (p->flags_any || (got & ~p->flags_opt) == p->flags)
		return 1;
	tc_flags_str(got, a, sizeof(a));
	tc_flags_str(p->flags, b, sizeof(b));
	tc_errf(why, wl, "flags are [%s], expected [%s]", a, b);
	return 0;
}

int tc_match(const struct tc_segpat *p, const struct tc_seg *s, uint32_t seq_base,
	     uint32_t ack_base, char *why, size_t wl)
{
	uint32_t rel_seq = s->seq - seq_base;

	if (why && wl)
		why[0] = '\0';
	if (s->problem[0]) {
		/* first: a broken header explains whatever else looks wrong */
		tc_errf(why, wl, "malformed: %s", s->problem);
		return 0;
	}
	if (!flags_fit(p, s, why, wl))
		return 0;
	if (!num_field(&p->seq, rel_seq, "seq", why, wl) ||
	    !num_field(&p->len, s->payload_len, "length", why, wl) ||
	    !num_field(&p->end, rel_seq + s->payload_len, "end sequence number", why, wl))
		return 0;
	if ((s->flags & TC_ACK) && !num_field(&p->ack, s->ack - ack_base, "ack", why, wl))
		return 0;
	if (!num_field(&p->win, s->win, "win", why, wl) ||
	    !num_field(&p->urp, s->urp, "urg", why, wl) ||
	    !num_field(&p->ttl, s->ttl, "ttl", why, wl) ||
	    !num_field(&p->tos, s->tos, "tos", why, wl) ||
	    !ecn_field(&p->ecn, s->tos, why, wl) ||
	    !num_field(&p->rsvd, (s->flags >> 9) & 7, "reserved bits", why, wl))
		return 0;
	if (p->opts_given && !opts_fit(p, s, ack_base, why, wl))
		return 0;
	if (!payload_fits(p, s, why, wl))
		return 0;
	if (p->cksum == TC_CKREQ_BAD && s->cksum_status != TC_CK_BAD) {
		tc_errf(why, wl, "TCP checksum 0x%04x is correct, expected a bad one", s->cksum);
		return 0;
	}
	if (p->cksum != TC_CKREQ_ANY && p->cksum != TC_CKREQ_BAD && s->cksum_status == TC_CK_BAD) {
		tc_errf(why, wl, "TCP checksum 0x%04x is incorrect", s->cksum);
		return 0;
	}
	return 1;
}
