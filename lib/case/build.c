/* case: concrete segments from patterns. */
#include "case/build.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* opt_from_pat - the option to send for @q; SACK blocks relative to @ack_base. */
static int opt_from_pat(const struct tc_optpat *q, struct tc_opt *o, uint32_t ack_base,
			const struct tc_build_auto *au, char *err, size_t errlen)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->kind = q->kind;
	if (q->kind == TC_OPT_EOL || q->kind == TC_OPT_NOP) {
		o->len = 1;
		return 0;
	}
	if (q->raw || (q->kind != TC_OPT_MSS && q->kind != TC_OPT_WSCALE && q->kind != TC_OPT_TS &&
		       q->kind != TC_OPT_SACK && q->kind != TC_OPT_SACKOK)) {
		o->bad = 1;     /* send the bytes as written */
		o->dlen = q->dlen;
		memcpy(o->data, q->data, q->dlen);
		o->len = q->len_set ? q->len : (uint8_t)(2 + q->dlen);
		return 0;
	}
	if (q->any_value || (q->kind != TC_OPT_TS && (q->a.any || q->b.any)))
		return tc_errf(err, errlen, "option %s needs a value to be sent", tc_opt_name(q->kind));
	switch (q->kind) {
	case TC_OPT_MSS: tc_opt_mss(o, (uint16_t)q->a.v); break;
	case TC_OPT_WSCALE: tc_opt_wscale(o, (uint8_t)q->a.v); break;
	case TC_OPT_SACKOK: tc_opt_simple(o, TC_OPT_SACKOK); break;
	case TC_OPT_TS:
		tc_opt_ts(o, q->a.any ? au->ts_val : q->a.v, q->b.any ? au->ts_ecr : q->b.v);
		break;
	case TC_OPT_SACK:
		o->len = (uint8_t)(2 + 8 * q->nsack);
		o->v.sack.n = q->nsack;
		for (i = 0; i < q->nsack; i++) {
			if (q->sack_l[i].any || q->sack_r[i].any)
				return tc_errf(err, errlen, "SACK blocks to send need values");
			o->v.sack.l[i] = ack_base + q->sack_l[i].v;
			o->v.sack.r[i] = ack_base + q->sack_r[i].v;
		}
		break;
	default: break;
	}
	return 0;
}

static void damage(const struct tc_segpat *p, struct tc_seg *s, struct tc_enc_opts *eo)
{
	if (p->doff.set) {
		eo->doff_set = 1;
		s->doff = (uint8_t)p->doff.v;
	}
	if (p->iplen.set) {
		eo->ip_len_set = 1;
		s->ip_len = (uint16_t)p->iplen.v;
	}
	if (p->cksum == TC_CKREQ_VALUE) {
		eo->tcp_cksum_set = 1;
		eo->tcp_cksum = p->cksum_value;
	}
}

static const char fill_head[] = "GET / HTTP/1.1\r\nHost: tcpconform.invalid\r\nUser-Agent: tcpconform\r\n";
static const char fill_name[] = "X-Tcpconform-Pad: ";
#define FILL_LINE 1024u

size_t tc_fill_close(uint32_t off, char *buf, size_t len)
{
	const uint32_t hl = sizeof(fill_head) - 1, nl = sizeof(fill_name) - 1;
	uint32_t c = off >= hl ? (off - hl) % FILL_LINE : 0;
	int n;

	if (!off)
		return (size_t)snprintf(buf, len, "HEAD / HTTP/1.1\r\nHost: tcpconform.invalid\r\nConnection: close\r\n\r\n");
	if (off < hl) {         /* inside the request line or its first headers: the rest of them */
		n = snprintf(buf, len, "%sConnection: close\r\n\r\n", fill_head + off);
		return n < 0 ? 0 : (size_t)n;
	}
	/* inside a padding line: its name finished (an "x" for its value), the line ended */
	n = snprintf(buf, len, "%s%sConnection: close\r\n\r\n", c && c < nl ? fill_name + c : "",
		     !c ? "" : c < nl ? "x\r\n" : c == FILL_LINE - 1 ? "\n" : "\r\n");
	return n < 0 ? 0 : (size_t)n;
}

void tc_fill_bytes(enum tc_fill fill, uint32_t off, uint8_t *buf, uint32_t len)
{
	const uint32_t hl = sizeof(fill_head) - 1, nl = sizeof(fill_name) - 1, line = FILL_LINE;
	uint32_t i, o, c;

	for (i = 0; i < len; i++) {
		if (fill != TC_FILL_HTTP) {
			buf[i] = (uint8_t)('a' + i % 26);
			continue;
		}
		o = off + i;
		if (o < hl) {
			buf[i] = (uint8_t)fill_head[o];
			continue;
		}
		c = (o - hl) % line;    /* a header line: name, letters, CR LF; never an empty one */
		if (c < nl)
			buf[i] = (uint8_t)fill_name[c];
		else
			buf[i] = (uint8_t)(c == line - 2 ? '\r' : c == line - 1 ? '\n' : 'a' + (c - nl) % 26);
	}
}

int tc_segpat_build(const struct tc_segpat *p, struct tc_seg *s, uint32_t seq_base, uint32_t ack_base,
		    const struct tc_build_auto *au, char *err, size_t errlen)
{
	struct tc_enc_opts eo = { 0 };
	uint8_t *fill = NULL;
	const uint8_t *payload = p->payload;
	uint32_t i;
	int rc;

	s->seq = seq_base + p->seq.v;
	s->flags = (uint16_t)(p->flags | (p->rsvd.set ? (p->rsvd.v & 7) << 9 : 0));
	if (p->ack.set)
		s->ack = ack_base + p->ack.v;
	else if (p->flags & TC_ACK)
		s->ack = au->ack;
	s->win = p->win.set ? (uint16_t)p->win.v : 65535;
	s->urp = (uint16_t)p->urp.v;
	if (p->ttl.set)
		s->ttl = (uint8_t)p->ttl.v;
	if (p->tos.set)
		s->tos = (uint8_t)p->tos.v;
	if (p->ecn.set)
		s->tos = (uint8_t)((s->tos & ~3u) | p->ecn.v);
	s->nopts = 0;
	for (i = 0; i < (uint32_t)p->nopts; i++)
		if (opt_from_pat(&p->opts[i], &s->opts[s->nopts++], ack_base, au, err, errlen) < 0)
			return -1;
	s->payload_len = p->len.v;
	if (!p->payload_given && p->len.v) {
		fill = tc_xmalloc(p->len.v);
		/* the stream's offset of the first byte: a SYN takes the first number */
		tc_fill_bytes(au->fill, p->seq.v + ((p->flags & TC_SYN) ? 1u : 0u) - 1u, fill, p->len.v);
		payload = fill;
	}
	damage(p, s, &eo);
	if (p->ipsrc_set || p->ipdst_set) {
		if ((p->ipsrc_set && p->ipsrc.family != s->family) || (p->ipdst_set && p->ipdst.family != s->family)) {
			free(fill);
			return tc_errf(err, errlen, "ipsrc/ipdst of another address family than this run (IPv%d)",
				       s->family);
		}
		if (p->ipsrc_set)
			s->src = p->ipsrc;
		if (p->ipdst_set)
			s->dst = p->ipdst;
	}
	if (p->ethdst_set)
		memcpy(s->eth_dst, p->ethdst, 6);
	if (p->ipoptlen) {
		if (s->family != 4) {
			free(fill);
			return tc_errf(err, errlen, "ipopts: IPv6 has no header options");
		}
		memcpy(s->ip_opts, p->ipopts, p->ipoptlen);
		s->ip_optlen = p->ipoptlen;
	}
	rc = tc_seg_encode(s, payload, &eo, err, errlen);
	if (rc == 0 && (p->cksum == TC_CKREQ_BAD || p->ipcksum == TC_CKREQ_BAD)) {
		/* Wrong, and not the ones'-complement twin of the right value. */
		if (p->cksum == TC_CKREQ_BAD) {
			eo.tcp_cksum_set = 1;
			eo.tcp_cksum = s->cksum ^ 0x1111;
		}
		if (p->ipcksum == TC_CKREQ_BAD) {
			eo.ip_cksum_set = 1;
			eo.ip_cksum = s->ip_cksum ^ 0x1111;
		}
		rc = tc_seg_encode(s, payload, &eo, err, errlen);
	}
	free(fill);
	return rc;
}
