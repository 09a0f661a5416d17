/*
 * packet: the decoder. Every length field is checked against the bytes that are
 * really there before it is used; a malformed frame is described in s->problem,
 * never trusted and never a crash.
 */
#include "packet/seg.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* problem - record the first thing found wrong with the frame (later ones are kept
 * out: the first is the cause, the rest are usually its consequences). */
static void problem(struct tc_seg *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void problem(struct tc_seg *s, const char *fmt, ...)
{
	va_list ap;

	if (s->problem[0])
		return;
	va_start(ap, fmt);
	vsnprintf(s->problem, sizeof(s->problem), fmt, ap);
	va_end(ap);
}

/* want_len - the data length a known option kind must have (-1: any) and a check. */
static int opt_len_ok(uint8_t kind, uint8_t len)
{
	switch (kind) {
	case TC_OPT_MSS: return len == 4;
	case TC_OPT_WSCALE: return len == 3;
	case TC_OPT_SACKOK: return len == 2;
	case TC_OPT_TS: return len == 10;
	case TC_OPT_SACK: return len >= 10 && len <= 34 && (len - 2) % 8 == 0;
	default: return 1;
	}
}

static void opt_values(struct tc_opt *o)
{
	int i;

	switch (o->kind) {
	case TC_OPT_MSS: o->v.mss = rd16(o->data); break;
	case TC_OPT_WSCALE: o->v.wscale = o->data[0]; break;
	case TC_OPT_TS:
		o->v.ts.val = rd32(o->data);
		o->v.ts.ecr = rd32(o->data + 4);
		break;
	case TC_OPT_SACK:
		o->v.sack.n = (uint8_t)(o->dlen / 8);
		for (i = 0; i < o->v.sack.n && i < TC_SACK_MAX; i++) {
			o->v.sack.l[i] = rd32(o->data + 8 * i);
			o->v.sack.r[i] = rd32(o->data + 8 * i + 4);
		}
		break;
	default: break;
	}
}

/* parse_options - parse @n option bytes at @p into s->opts (RFC 9293 3.1, 3.2). */
static void parse_options(struct tc_seg *s, const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n && s->nopts < TC_MAX_OPTS) {
		struct tc_opt *o = &s->opts[s->nopts++];

		memset(o, 0, sizeof(*o));
		o->kind = p[i];
		if (o->kind == TC_OPT_EOL || o->kind == TC_OPT_NOP) {
			o->len = 1;
			i++;
			if (o->kind == TC_OPT_EOL) {    /* the rest is padding, and zero (MUST-69) */
				for (; i < n; i++)
					if (p[i]) {
						problem(s, "option padding after EOL is not zero (0x%02x at option byte %zu)",
							p[i], i);
						break;
					}
				return;
			}
			continue;
		}
		if (i + 1 >= n) {
			o->bad = 1;
			problem(s, "option kind %u has no length byte", o->kind);
			return;
		}
		o->len = p[i + 1];
		if (o->len < 2) {
			o->bad = 1;
			problem(s, "option kind %u has length %u (< 2)", o->kind, o->len);
			return;
		}
		if (i + o->len > n) {
			o->bad = 1;
			o->dlen = (uint8_t)(n - i - 2);
			memcpy(o->data, p + i + 2, o->dlen);
			problem(s, "option kind %u of length %u runs past the header", o->kind, o->len);
			return;
		}
		o->dlen = (uint8_t)(o->len - 2);
		memcpy(o->data, p + i + 2, o->dlen);
		if (!opt_len_ok(o->kind, o->len)) {
			o->bad = 1;
			problem(s, "option %s has length %u", tc_opt_name(o->kind), o->len);
		} else {
			opt_values(o);
		}
		i += o->len;
	}
}

/* decode_options - the options; a problem found in them alone is marked as such. */
static void decode_options(struct tc_seg *s, const uint8_t *p, size_t n)
{
	int sound = !s->problem[0];

	parse_options(s, p, n);
	s->opt_problem = sound && s->problem[0];
}

/* decode_tcp - the TCP header at raw[off], @avail bytes of IP payload (already
 * bounded by the IP length and the capture). Returns 0 or -1. */
static int decode_tcp(struct tc_seg *s, size_t off, size_t avail, size_t declared)
{
	const uint8_t *t = s->raw + off;
	size_t hlen;
	uint32_t sum;

	s->tcp_off = off;
	if (avail < 20) {
		problem(s, "TCP header truncated: %zu of 20 bytes", avail);
		return -1;
	}
	s->sport = rd16(t);
	s->dport = rd16(t + 2);
	s->seq = rd32(t + 4);
	s->ack = rd32(t + 8);
	s->doff = t[12] >> 4;
	s->flags = (uint16_t)((t[12] & 0x0f) << 8 | t[13]);
	s->win = rd16(t + 14);
	s->cksum = rd16(t + 16);
	s->urp = rd16(t + 18);
	hlen = (size_t)s->doff * 4;
	if (s->doff < 5) {
		problem(s, "TCP data offset %u is below 5", s->doff);
		hlen = 20;
	} else if (hlen > avail) {
		problem(s, "TCP data offset %u (%zu bytes) exceeds the segment's %zu bytes",
			s->doff, hlen, avail);
		decode_options(s, t + 20, avail - 20);
		hlen = avail;
	} else {
		decode_options(s, t + 20, hlen - 20);
	}
	s->payload_off = off + hlen;
	s->payload_len = (uint32_t)(avail - hlen);
	if (avail < declared) {
		s->cksum_status = TC_CK_UNKNOWN;
		return 0;
	}
	sum = tc_tcp_pseudo_sum(&s->src, &s->dst, (uint32_t)avail);
	if (tc_cksum_fold(tc_cksum_add(sum, t, avail)) == 0)
		s->cksum_status = TC_CK_OK;
	else if ((uint16_t)(s->cksum ^ tc_cksum_fold(sum)) == 0xffff)
		s->cksum_status = TC_CK_PARTIAL;        /* offload left the pseudo sum */
	else
		s->cksum_status = TC_CK_BAD;
	return 0;
}

/* decode_icmp - type, code and the rest of an ICMP header at raw[off], if it is all there. */
static void decode_icmp(struct tc_seg *s, size_t off, size_t avail)
{
	const uint8_t *m = s->raw + off;

	s->tcp_off = off;
	if (avail < 8)
		return;
	s->icmp_type = m[0];
	s->icmp_code = m[1];
	s->cksum = rd16(m + 2);
	s->icmp_rest = rd32(m + 4);
	s->payload_off = off + 8;
	s->payload_len = (uint32_t)(avail - 8);
}

/* decode_ipv4 - the IPv4 header at raw[off]; returns as tc_seg_decode. */
static int decode_ipv4(struct tc_seg *s, size_t off)
{
	const uint8_t *ip = s->raw + off;
	size_t avail = s->raw_len - off, ihl, tot;

	s->family = 4;
	if (avail < 20) {
		problem(s, "IPv4 header truncated: %zu of 20 bytes", avail);
		return -1;
	}
	if (ip[0] >> 4 != 4) {
		problem(s, "IP version %u in an IPv4 frame", ip[0] >> 4);
		return -1;
	}
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	s->tos = ip[1];
	s->ip_len = rd16(ip + 2);
	s->ip_id = rd16(ip + 4);
	s->ip_frag = rd16(ip + 6);
	s->ttl = ip[8];
	s->ip_proto = ip[9];
	s->ip_cksum = rd16(ip + 10);
	s->src.family = s->dst.family = 4;
	memcpy(s->src.a, ip + 12, 4);
	memcpy(s->dst.a, ip + 16, 4);
	if (ihl < 20 || ihl > avail) {
		problem(s, "IPv4 header length %zu is invalid for %zu bytes", ihl, avail);
		return -1;
	}
	s->ip_cksum_status = tc_cksum_fold(tc_cksum_add(0, ip, ihl)) == 0 ? TC_CK_OK : TC_CK_BAD;
	if (s->ip_cksum_status == TC_CK_BAD)
		problem(s, "IPv4 header checksum 0x%04x is wrong", s->ip_cksum);
	tot = s->ip_len;
	if (tot < ihl) {
		problem(s, "IPv4 total length %zu is below the header length %zu", tot, ihl);
		return -1;
	}
	if (tot > avail) {
		/* Judge what is there; the missing bytes make the checksum unknown. */
		problem(s, "IPv4 total length %zu exceeds the %zu bytes captured", tot, avail);
		s->truncated = 1;
	} else {
		avail = tot;    /* the rest is link-layer padding */
	}
	if (ihl > 20) {
		s->ip_optlen = (uint8_t)(ihl - 20);
		memcpy(s->ip_opts, ip + 20, ihl - 20);
	}
	if (s->ip_proto == 1)
		decode_icmp(s, off + ihl, avail - ihl);
	if (s->ip_proto != 6)
		return 1;
	if (s->ip_frag & 0x3fff) {
		problem(s, "IPv4 fragment (offset %u%s)", (s->ip_frag & 0x1fff) * 8,
			s->ip_frag & 0x2000 ? ", more fragments" : "");
		return -1;
	}
	return decode_tcp(s, off + ihl, avail - ihl, tot - ihl);
}

/* decode_ipv6 - the IPv6 header at raw[off], skipping extension headers. */
static int decode_ipv6(struct tc_seg *s, size_t off)
{
	const uint8_t *ip = s->raw + off;
	size_t avail = s->raw_len - off, tot, pos = 40;
	uint8_t nh;

	s->family = 6;
	if (avail < 40) {
		problem(s, "IPv6 header truncated: %zu of 40 bytes", avail);
		return -1;
	}
	if (ip[0] >> 4 != 6) {
		problem(s, "IP version %u in an IPv6 frame", ip[0] >> 4);
		return -1;
	}
	s->tos = (uint8_t)((ip[0] & 0x0f) << 4 | ip[1] >> 4);
	s->flowlabel = (uint32_t)(ip[1] & 0x0f) << 16 | rd16(ip + 2);
	s->ip_len = rd16(ip + 4);
	nh = ip[6];
	s->ttl = ip[7];
	s->src.family = s->dst.family = 6;
	memcpy(s->src.a, ip + 8, 16);
	memcpy(s->dst.a, ip + 24, 16);
	s->ip_cksum_status = TC_CK_OK;  /* IPv6 has no header checksum */
	tot = 40 + (size_t)s->ip_len;
	if (tot > avail) {
		problem(s, "IPv6 payload length %u exceeds the %zu bytes captured", s->ip_len, avail - 40);
		s->truncated = 1;
	}
	else
		avail = tot;
	while (nh == 0 || nh == 43 || nh == 60 || nh == 44) {
		size_t elen;

		if (pos + 8 > avail) {
			problem(s, "IPv6 extension header %u truncated", nh);
			return -1;
		}
		if (nh == 44 && (rd16(ip + pos + 2) & 0xfff9)) {
			problem(s, "IPv6 fragment");
			return -1;
		}
		elen = nh == 44 ? 8 : ((size_t)ip[pos + 1] + 1) * 8;
		nh = ip[pos];
		pos += elen;
	}
	s->ip_proto = nh;
	if (nh == 58 && pos <= avail)
		decode_icmp(s, off + pos, avail - pos);
	if (nh != 6)
		return 1;
	if (pos > avail) {
		problem(s, "IPv6 extension headers run past the packet");
		return -1;
	}
	return decode_tcp(s, off + pos, avail - pos, tot > pos ? tot - pos : 0);
}

int tc_seg_decode(struct tc_seg *s, const uint8_t *frame, size_t len, enum tc_link link)
{
	size_t off = 0;
	uint16_t et;

	tc_seg_init(s);
	s->raw = tc_xmalloc(len);
	memcpy(s->raw, frame, len);
	s->raw_len = len;
	s->link = link;
	if (link == TC_LINK_RAW) {
		if (len < 1) {
			problem(s, "empty packet");
			return -1;
		}
		et = (frame[0] >> 4) == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
	} else {
		if (len < 14) {
			problem(s, "Ethernet header truncated: %zu of 14 bytes", len);
			return -1;
		}
		memcpy(s->eth_dst, frame, 6);
		memcpy(s->eth_src, frame + 6, 6);
		et = rd16(frame + 12);
		off = 14;
		if (et == ETHERTYPE_VLAN) {
			if (len < 18) {
				problem(s, "802.1Q tag truncated");
				return -1;
			}
			et = rd16(frame + 16);
			off = 18;
		}
	}
	s->ethertype = et;
	if (et == ETHERTYPE_IPV4)
		return decode_ipv4(s, off);
	if (et == ETHERTYPE_IPV6)
		return decode_ipv6(s, off);
	return 1;
}
