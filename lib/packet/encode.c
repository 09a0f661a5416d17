/*
 * packet: the encoder. Builds the bytes of a frame from the view of a tc_seg,
 * computing lengths and checksums, or leaving them wrong on purpose.
 */
#include "packet/seg.h"
#include "util/util.h"

#include <string.h>

static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* opt_data - the data bytes of a known option from its decoded values; returns the
 * count, or -1 to use o->data as given (unknown kinds, or a deliberate odd length). */
static int opt_data(const struct tc_opt *o, uint8_t *d)
{
	int i;

	switch (o->kind) {
	case TC_OPT_MSS: wr16(d, o->v.mss); return 2;
	case TC_OPT_WSCALE: d[0] = o->v.wscale; return 1;
	case TC_OPT_SACKOK: return 0;
	case TC_OPT_TS: wr32(d, o->v.ts.val); wr32(d + 4, o->v.ts.ecr); return 8;
	case TC_OPT_SACK:
		for (i = 0; i < o->v.sack.n && i < TC_SACK_MAX; i++) {
			wr32(d + 8 * i, o->v.sack.l[i]);
			wr32(d + 8 * i + 4, o->v.sack.r[i]);
		}
		return 8 * i;
	default: return -1;
	}
}

size_t tc_opts_encode(const struct tc_opt *opts, int n, uint8_t *buf, size_t buflen)
{
	size_t off = 0;
	int i;

	for (i = 0; i < n; i++) {
		const struct tc_opt *o = &opts[i];
		uint8_t d[TC_OPT_DATA];
		int dl = -1;
		size_t need;

		if (o->kind == TC_OPT_EOL || o->kind == TC_OPT_NOP) {
			if (off < buflen)
				buf[off++] = o->kind;
			continue;
		}
		if (!o->bad && !o->dlen)
			dl = opt_data(o, d);
		if (dl < 0) {
			dl = o->dlen;
			memcpy(d, o->data, o->dlen);
		}
		need = 2 + (size_t)dl;
		if (off + need > buflen)
			break;
		buf[off] = o->kind;
		/* The length byte is the view's when set (odd lengths on purpose), and always
		 * for an option sent as written (bad): its length may be 0 on purpose. */
		buf[off + 1] = o->len || o->bad ? o->len : (uint8_t)need;
		memcpy(buf + off + 2, d, (size_t)dl);
		off += need;
	}
	return off;
}

/* put_tcp - the TCP header, options and payload at @t; returns the length. */
static size_t put_tcp(struct tc_seg *s, uint8_t *t, const uint8_t *opt, size_t optlen,
		      const uint8_t *payload, const struct tc_enc_opts *eo)
{
	size_t hlen = 20 + optlen;

	wr16(t, s->sport);
	wr16(t + 2, s->dport);
	wr32(t + 4, s->seq);
	wr32(t + 8, s->ack);
	if (!(eo && eo->doff_set))
		s->doff = (uint8_t)(hlen / 4);
	t[12] = (uint8_t)(s->doff << 4 | ((s->flags >> 8) & 0x0f));
	t[13] = (uint8_t)s->flags;
	wr16(t + 14, s->win);
	wr16(t + 16, 0);
	wr16(t + 18, s->urp);
	memcpy(t + 20, opt, optlen);
	if (s->payload_len && payload)
		memcpy(t + hlen, payload, s->payload_len);
	return hlen + s->payload_len;
}

static size_t ipv4_hlen(const struct tc_seg *s)
{
	return 20 + ((size_t)s->ip_optlen + 3) / 4 * 4;
}

static size_t put_ipv4(struct tc_seg *s, uint8_t *ip, size_t tcplen, const struct tc_enc_opts *eo)
{
	size_t hl = ipv4_hlen(s);

	if (!(eo && eo->ip_len_set))
		s->ip_len = (uint16_t)(hl + tcplen);
	ip[0] = (uint8_t)(0x40 | hl / 4);
	memcpy(ip + 20, s->ip_opts, s->ip_optlen);     /* the rest stays 0: EOL padding */
	ip[1] = s->tos;
	wr16(ip + 2, s->ip_len);
	wr16(ip + 4, s->ip_id);
	wr16(ip + 6, s->ip_frag);
	ip[8] = s->ttl;
	ip[9] = s->ip_proto;
	wr16(ip + 10, 0);
	memcpy(ip + 12, s->src.a, 4);
	memcpy(ip + 16, s->dst.a, 4);
	s->ip_cksum = eo && eo->ip_cksum_set ? eo->ip_cksum : tc_cksum_fold(tc_cksum_add(0, ip, hl));
	wr16(ip + 10, s->ip_cksum);
	s->ip_cksum_status = tc_cksum_fold(tc_cksum_add(0, ip, hl)) == 0 ? TC_CK_OK : TC_CK_BAD;
	return hl;
}

/* put_icmp - an ICMP or ICMPv6 message quoting @payload; returns its length. */
static size_t put_icmp(struct tc_seg *s, uint8_t *m, const uint8_t *payload)
{
	uint32_t sum = 0;
	size_t len = 8 + s->payload_len;

	m[0] = s->icmp_type;
	m[1] = s->icmp_code;
	wr16(m + 2, 0);
	wr32(m + 4, s->icmp_rest);
	if (s->payload_len && payload)
		memcpy(m + 8, payload, s->payload_len);
	if (s->family == 6) {           /* ICMPv6 covers a pseudo header (RFC 8200 8.1) */
		sum = tc_cksum_add(sum, s->src.a, 16);
		sum = tc_cksum_add(sum, s->dst.a, 16);
		sum += (uint32_t)len + 58;
	}
	s->cksum = tc_cksum_fold(tc_cksum_add(sum, m, len));
	wr16(m + 2, s->cksum);
	s->cksum_status = TC_CK_OK;
	return len;
}

static size_t put_ipv6(struct tc_seg *s, uint8_t *ip, size_t tcplen, const struct tc_enc_opts *eo)
{
	if (!(eo && eo->ip_len_set))
		s->ip_len = (uint16_t)tcplen;
	wr32(ip, 6u << 28 | (uint32_t)s->tos << 20 | (s->flowlabel & 0xfffff));
	wr16(ip + 4, s->ip_len);
	ip[6] = s->ip_proto;
	ip[7] = s->ttl;
	memcpy(ip + 8, s->src.a, 16);
	memcpy(ip + 24, s->dst.a, 16);
	s->ip_cksum_status = TC_CK_OK;
	return 40;
}

int tc_seg_encode(struct tc_seg *s, const uint8_t *payload, const struct tc_enc_opts *eo,
		  char *err, size_t errlen)
{
	uint8_t opt[64];
	size_t optlen, l2 = s->link == TC_LINK_ETH ? 14 : 0, l3, tcplen, cap;
	uint8_t *t;
	uint32_t sum;

	optlen = tc_opts_encode(s->opts, s->nopts, opt, sizeof(opt));
	if (!(eo && eo->no_opt_padding))
		while (optlen % 4)
			opt[optlen++] = TC_OPT_EOL;
	if (optlen > 40)
		return tc_errf(err, errlen, "options take %zu bytes (at most 40)", optlen);
	if (s->payload_len > 65000)
		return tc_errf(err, errlen, "payload of %u bytes is too large", s->payload_len);
	if (s->family != 4 && s->family != 6)
		return tc_errf(err, errlen, "address family %d is not 4 or 6", s->family);
	if (s->ip_optlen > 40 || (s->ip_optlen && s->family != 4))
		return tc_errf(err, errlen, "IP options: at most 40 bytes, IPv4 only");
	l3 = s->family == 4 ? ipv4_hlen(s) : 40;
	cap = l2 + l3 + 20 + optlen + s->payload_len;
	tc_seg_free(s);
	s->raw = tc_xcalloc(1, cap);
	s->raw_len = cap;
	s->src.family = s->dst.family = s->family;
	if (l2) {
		memcpy(s->raw, s->eth_dst, 6);
		memcpy(s->raw + 6, s->eth_src, 6);
		s->ethertype = s->family == 4 ? 0x0800 : 0x86dd;
		wr16(s->raw + 12, s->ethertype);
	}
	s->tcp_off = l2 + l3;
	t = s->raw + s->tcp_off;
	if (s->ip_proto == 1 || s->ip_proto == 58) {
		tcplen = put_icmp(s, t, payload);
		s->payload_off = s->tcp_off + 8;
		s->raw_len = s->tcp_off + tcplen;
		if (s->family == 4)
			put_ipv4(s, s->raw + l2, tcplen, eo);
		else
			put_ipv6(s, s->raw + l2, tcplen, eo);
		return 0;
	}
	tcplen = put_tcp(s, t, opt, optlen, payload, eo);
	s->payload_off = s->tcp_off + 20 + optlen;
	if (s->family == 4)
		put_ipv4(s, s->raw + l2, tcplen, eo);
	else
		put_ipv6(s, s->raw + l2, tcplen, eo);
	sum = tc_tcp_pseudo_sum(&s->src, &s->dst, (uint32_t)tcplen);
	s->cksum = eo && eo->tcp_cksum_set ? eo->tcp_cksum : tc_cksum_fold(tc_cksum_add(sum, t, tcplen));
	wr16(t + 16, s->cksum);
	s->cksum_status = tc_cksum_fold(tc_cksum_add(sum, t, tcplen)) == 0 ? TC_CK_OK : TC_CK_BAD;
	return 0;
}
