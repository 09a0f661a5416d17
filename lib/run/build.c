/* run: segments a running case sends. */
#include "case/build.h"
#include "run/conn.h"

#include <string.h>

static void base_seg(struct tc_conn *k, struct tc_seg *s)
{
	const struct tc_target *tg = k->env->tg;

	tc_seg_init(s);
	s->link = tg->link;
	s->family = tg->family;
	s->src = tg->tester;
	s->dst = tg->target;
	memcpy(s->eth_src, tg->tester_mac, 6);
	memcpy(s->eth_dst, tg->target_mac, 6);
	s->sport = k->tport;
	s->dport = k->rport;
	s->ip_id = k->env->next_ip_id++;
	if (tg->family == 4)
		s->ip_frag = 0x4000;    /* DF, as stacks send TCP */
}

int tc_build_send(struct tc_conn *k, const struct tc_segpat *p, struct tc_seg *s, char *err, size_t errlen)
{
	struct tc_build_auto au;

	base_seg(k, s);
	au.ack = k->have_rcv ? k->rcv_nxt_t : k->isn_r;
	/* TS val '*': a clock of 1 ms ticks, as RFC 7323 suggests. */
	au.ts_val = (uint32_t)((tc_now_us(k->env->clock) - k->ts_base_us) / 1000 + 1000);
	au.ts_ecr = k->ts_recent;
	return tc_segpat_build(p, s, k->isn_t, k->bound ? k->isn_r : 0, &au, err, errlen);
}

int tc_build_rst(struct tc_conn *k, uint32_t seq, struct tc_seg *s, char *err, size_t errlen)
{
	base_seg(k, s);
	s->seq = seq;
	s->flags = TC_RST;
	return tc_seg_encode(s, NULL, NULL, err, errlen);
}
