/* run: segments a running case sends. */
#include "case/build.h"
#include "run/conn.h"

#include <string.h>

static void base_seg(struct tc_conn *k, struct tc_seg *s)
{
	const struct tc_target *tg = k->env->tg;

	tc_target_seg(tg, s);
	s->sport = k->tport;
	s->dport = k->rport;
	s->ip_id = k->env->next_ip_id++;
}

int tc_build_send(struct tc_conn *k, const struct tc_segpat *p, struct tc_seg *s, char *err, size_t errlen)
{
	struct tc_build_auto au;

	base_seg(k, s);
	au.ack = k->have_rcv ? k->rcv_nxt_t : k->isn_r;
	/* TS val '*': a clock of 1 ms ticks, as RFC 7323 suggests. */
	au.ts_val = (uint32_t)((tc_now_us(k->env->clock) - k->ts_base_us) / 1000 + 1000);
	au.ts_ecr = k->ts_recent;
	au.fill = k->env->tg->fill;
	return tc_segpat_build(p, s, k->isn_t, k->bound ? k->isn_r : 0, &au, err, errlen);
}

int tc_build_rst(struct tc_conn *k, uint32_t seq, struct tc_seg *s, char *err, size_t errlen)
{
	base_seg(k, s);
	s->seq = seq;
	s->flags = TC_RST;
	return tc_seg_encode(s, NULL, NULL, err, errlen);
}

/* icmp_codes - type and code of @kind for the family (RFC 792, RFC 4443). -1 if the
 * family has no such message. */
static int icmp_codes(enum tc_icmp_kind kind, int family, uint8_t *type, uint8_t *code)
{
	static const uint8_t v4[][2] = {
		[TC_ICMP_NET] = { 3, 0 }, [TC_ICMP_HOST] = { 3, 1 }, [TC_ICMP_PROTO] = { 3, 2 },
		[TC_ICMP_PORT] = { 3, 3 }, [TC_ICMP_FRAG_NEEDED] = { 3, 4 }, [TC_ICMP_SOURCE_QUENCH] = { 4, 0 },
		[TC_ICMP_TIME_EXCEEDED] = { 11, 0 }, [TC_ICMP_PARAM_PROBLEM] = { 12, 0 }, [TC_ICMP_ADMIN] = { 3, 13 },
	};
	static const uint8_t v6[][2] = {
		[TC_ICMP_NET] = { 1, 0 }, [TC_ICMP_HOST] = { 1, 3 }, [TC_ICMP_PROTO] = { 4, 1 },
		[TC_ICMP_PORT] = { 1, 4 }, [TC_ICMP_FRAG_NEEDED] = { 2, 0 }, [TC_ICMP_SOURCE_QUENCH] = { 0, 0 },
		[TC_ICMP_TIME_EXCEEDED] = { 3, 0 }, [TC_ICMP_PARAM_PROBLEM] = { 4, 0 }, [TC_ICMP_ADMIN] = { 1, 1 },
	};
	const uint8_t *c = family == 4 ? v4[kind] : v6[kind];

	if (!c[0])
		return -1;
	*type = c[0];
	*code = c[1];
	return 0;
}

int tc_build_icmp(struct tc_conn *k, const struct tc_step *st, const struct tc_seg *q, struct tc_seg *s,
		  char *err, size_t errlen)
{
	size_t l2 = q->link == TC_LINK_ETH ? (q->raw[12] == 0x81 ? 18 : 14) : 0;
	size_t qlen = q->payload_off - l2;      /* the quoted IP header and TCP header */

	base_seg(k, s);
	s->dport = s->sport = 0;
	s->ip_proto = k->env->tg->family == 4 ? 1 : 58;
	if (icmp_codes(st->icmp, s->family, &s->icmp_type, &s->icmp_code) < 0)
		return tc_errf(err, errlen, "IPv%d has no such ICMP message", s->family);
	if (st->icmp == TC_ICMP_FRAG_NEEDED)
		s->icmp_rest = st->arg;         /* next-hop MTU (RFC 1191), or the MTU (RFC 4443) */
	s->payload_len = (uint32_t)qlen;
	return tc_seg_encode(s, q->raw + l2, NULL, err, errlen);
}
