/* packet: tcpdump-style formatting (print-tcp.c's layout, our own code). */
#include "packet/format.h"
#include "util/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A bounded string builder: appends never overflow, the result is always terminated. */
struct sb {
	char *buf;
	size_t len, off;
};

static void sbf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sbf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->off >= b->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->off, b->len - b->off, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->off = TC_MIN(b->off + (size_t)n, b->len - 1);
}

const char *tc_flags_str(uint16_t flags, char *buf, size_t len)
{
	static const struct { uint16_t bit; char c; } tab[] = {
		{ TC_FIN, 'F' }, { TC_SYN, 'S' }, { TC_RST, 'R' }, { TC_PSH, 'P' },
		{ TC_ACK, '.' }, { TC_URG, 'U' }, { TC_ECE, 'E' }, { TC_CWR, 'W' },
		{ TC_AE, 'e' },
	};
	size_t i, n = 0;

	for (i = 0; i < TC_ARRAY_LEN(tab) && n + 1 < len; i++)
		if (flags & tab[i].bit)
			buf[n++] = tab[i].c;
	if (n == 0)
		tc_strlcpy(buf, "none", len);
	else
		buf[n] = '\0';
	return buf;
}

static void opt_str(struct sb *b, const struct tc_opt *o, uint32_t sack_base)
{
	const char *name = tc_opt_name(o->kind);
	int i;

	if (o->bad || !name) {
		if (name)
			sbf(b, "%s", name);
		else
			sbf(b, "unknown-%u", o->kind);
		if (o->bad)
			sbf(b, " len %u", o->len);
		if (o->dlen)
			sbf(b, " 0x");
		for (i = 0; i < o->dlen; i++)
			sbf(b, "%02x", o->data[i]);
		return;
	}
	switch (o->kind) {
	case TC_OPT_MSS: sbf(b, "mss %u", o->v.mss); break;
	case TC_OPT_WSCALE: sbf(b, "wscale %u", o->v.wscale); break;
	case TC_OPT_TS: sbf(b, "TS val %u ecr %u", o->v.ts.val, o->v.ts.ecr); break;
	case TC_OPT_SACK:
		sbf(b, "sack %u", o->v.sack.n);
		for (i = 0; i < o->v.sack.n; i++)
			sbf(b, " {%u:%u}", o->v.sack.l[i] - sack_base, o->v.sack.r[i] - sack_base);
		break;
	default:
		sbf(b, "%s", name);
		if (o->dlen)
			sbf(b, " 0x");
		for (i = 0; i < o->dlen; i++)
			sbf(b, "%02x", o->data[i]);
	}
}

static size_t opts_str(const struct tc_seg *s, uint32_t sack_base, char *buf, size_t len)
{
	struct sb b = { buf, len, 0 };
	int i;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < s->nopts; i++) {
		if (i)
			sbf(&b, ",");
		opt_str(&b, &s->opts[i], sack_base);
	}
	return b.off;
}

size_t tc_opts_str(const struct tc_seg *s, char *buf, size_t len)
{
	return opts_str(s, 0, buf, len);
}

static const char *ck_str(enum tc_cksum st)
{
	switch (st) {
	case TC_CK_OK: return "correct";
	case TC_CK_PARTIAL: return "partial";
	case TC_CK_BAD: return "incorrect";
	default: return "unverified";
	}
}

static void ip_line(struct sb *b, const struct tc_seg *s)
{
	if (s->family == 6) {
		sbf(b, "IP6 (");
		if (s->tos)
			sbf(b, "class 0x%x, ", s->tos);
		if (s->flowlabel)
			sbf(b, "flowlabel 0x%05x, ", s->flowlabel);
		sbf(b, "hlim %u, next-header TCP (6) payload length: %u) ", s->ttl, s->ip_len);
		return;
	}
	sbf(b, "IP (tos 0x%x, ttl %u, id %u, offset %u, flags [%s], proto TCP (6), length %u",
	    s->tos, s->ttl, s->ip_id, (s->ip_frag & 0x1fff) * 8,
	    (s->ip_frag & 0x4000) ? "DF" : (s->ip_frag & 0x2000) ? "+" : "none", s->ip_len);
	if (s->ip_cksum_status == TC_CK_BAD)
		sbf(b, ", bad cksum %x!", s->ip_cksum);
	sbf(b, ")\n    ");
}

char *tc_seg_format_tcpdump(const struct tc_seg *s, int verbose, char *buf, size_t len)
{
	struct sb b = { buf, len, 0 };
	char src[64], dst[64], fl[16], opts[512];

	if (len)
		buf[0] = '\0';
	tc_addr_format(&s->src, src, sizeof(src));
	tc_addr_format(&s->dst, dst, sizeof(dst));
	if (s->ip_proto == 1 || s->ip_proto == 58) {
		sbf(&b, "%s %s > %s: ICMP%s type %u, code %u", s->family == 6 ? "IP6" : "IP", src, dst,
		    s->ip_proto == 58 ? "6" : "", s->icmp_type, s->icmp_code);
		if (s->icmp_rest)
			sbf(&b, ", mtu %u", s->icmp_rest & 0xffff);
		sbf(&b, ", length %u", 8 + s->payload_len);
		return buf;
	}
	if (verbose)
		ip_line(&b, s);
	else
		sbf(&b, "%s ", s->family == 6 ? "IP6" : "IP");
	sbf(&b, "%s.%u > %s.%u: Flags [%s]", src, s->sport, dst, s->dport,
	    tc_flags_str(s->flags, fl, sizeof(fl)));
	if (verbose) {
		sbf(&b, ", cksum 0x%04x (%s)", s->cksum, ck_str(s->cksum_status));
	}
	if (s->payload_len)
		sbf(&b, ", seq %u:%u", s->seq, s->seq + s->payload_len);
	else if (s->flags & (TC_SYN | TC_FIN | TC_RST))
		sbf(&b, ", seq %u", s->seq);
	if (s->flags & TC_ACK)
		sbf(&b, ", ack %u", s->ack);
	sbf(&b, ", win %u", s->win);
	if (s->flags & TC_URG)
		sbf(&b, ", urg %u", s->urp);
	if (s->nopts) {
		opts_str(s, 0, opts, sizeof(opts));
		sbf(&b, ", options [%s]", opts);
	}
	sbf(&b, ", length %u", s->payload_len);
	if (s->problem[0])
		sbf(&b, " [malformed: %s]", s->problem);
	return buf;
}

char *tc_seg_format_case(const struct tc_seg *s, uint32_t seq_base, uint32_t ack_base,
			 char *buf, size_t len)
{
	struct sb b = { buf, len, 0 };
	char fl[16], opts[512];
	uint32_t rs = s->seq - seq_base;

	if (len)
		buf[0] = '\0';
	if (s->ip_proto == 1 || s->ip_proto == 58) {
		sbf(&b, "icmp%s type %u code %u", s->ip_proto == 58 ? "6" : "", s->icmp_type, s->icmp_code);
		if (s->icmp_rest)
			sbf(&b, " mtu %u", s->icmp_rest & 0xffff);
		sbf(&b, " (quoting %u bytes)", s->payload_len);
		return buf;
	}
	tc_flags_str(s->flags, fl, sizeof(fl));
	sbf(&b, "%s %u:%u(%u)", strcmp(fl, "none") ? fl : "-", rs, rs + s->payload_len,
	    s->payload_len);
	if (s->flags & TC_ACK)
		sbf(&b, " ack %u", s->ack - ack_base);
	sbf(&b, " win %u", s->win);
	if (s->flags & TC_URG || s->urp)
		sbf(&b, " urg %u", s->urp);
	if (s->flags & (TC_RSV1 | TC_RSV2 | TC_RSV3))
		sbf(&b, " rsvd %u", (s->flags >> 9) & 7);
	if (s->tos)
		sbf(&b, " tos %u", s->tos);
	if (s->nopts) {
		opts_str(s, ack_base, opts, sizeof(opts));
		sbf(&b, " <%s>", opts);
	}
	if (s->cksum_status == TC_CK_BAD)
		sbf(&b, " cksum bad");
	return buf;
}
