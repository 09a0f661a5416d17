/* env: --trace-path (trace.h). */
#include "env/trace.h"

#include <pcap/pcap.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOP_WAIT_US 500000      /* how long a probe's answer is awaited */
#define SEQ_BASE 0x5eed0000u    /* probe N carries SEQ_BASE + N: its quote says which */

static const char *opt_name(int kind)
{
	switch (kind) {
	case TC_OPT_MSS: return "mss";
	case TC_OPT_WSCALE: return "wscale";
	case TC_OPT_SACKOK: return "sackOK";
	case TC_OPT_TS: return "timestamps";
	default: return NULL;
	}
}

static const struct tc_opt *find(const struct tc_seg *s, int kind)
{
	int i;

	for (i = 0; i < s->nopts; i++)
		if (s->opts[i].kind == kind)
			return &s->opts[i];
	return NULL;
}

static void add(char *out, size_t outlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void add(char *out, size_t outlen, const char *fmt, ...)
{
	size_t l = strlen(out);
	char one[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(one, sizeof(one), fmt, ap);
	va_end(ap);
	snprintf(out + l, outlen - l, "%s%s", l ? "; " : "", one);
}

void tc_quote_changes(const struct tc_seg *sent, const uint8_t *quote, size_t qlen, int *whole, char *out,
		      size_t outlen)
{
	struct tc_seg q;
	int i;

	out[0] = '\0';
	*whole = 0;
	if (tc_seg_decode(&q, quote, qlen, TC_LINK_RAW) < 0) {
		/* a router that quotes only the first 8 bytes of the TCP header (RFC 792):
		 * the ports and the sequence number */
		size_t ihl = qlen && (quote[0] >> 4) == 4 ? (size_t)(quote[0] & 15) * 4 : 40;

		if (qlen >= ihl + 8) {
			uint32_t seq = (uint32_t)quote[ihl + 4] << 24 | (uint32_t)quote[ihl + 5] << 16 |
				       (uint32_t)quote[ihl + 6] << 8 | quote[ihl + 7];

			if (seq != sent->seq)
				add(out, outlen, "sequence number %u -> %u", sent->seq, seq);
		}
		return;
	}
	*whole = 1;
	if (q.seq != sent->seq)
		add(out, outlen, "sequence number %u -> %u", sent->seq, q.seq);
	if (q.win != sent->win)
		add(out, outlen, "window %u -> %u", sent->win, q.win);
	if ((q.flags & 0xfff) != (sent->flags & 0xfff))
		add(out, outlen, "flags %#x -> %#x", (unsigned)sent->flags, (unsigned)q.flags);
	for (i = 0; i < sent->nopts; i++) {
		const struct tc_opt *o = &sent->opts[i], *p;
		const char *name = opt_name(o->kind);

		if (!name)
			continue;
		p = find(&q, o->kind);
		if (!p)
			add(out, outlen, "option %s removed", name);
		else if (o->kind == TC_OPT_MSS && !p->bad && p->v.mss != o->v.mss)
			add(out, outlen, "%s %u -> %u", name, o->v.mss, p->v.mss);
		else if (o->kind == TC_OPT_WSCALE && !p->bad && p->v.wscale != o->v.wscale)
			add(out, outlen, "%s %u -> %u", name, o->v.wscale, p->v.wscale);
	}
	for (i = 0; i < q.nopts; i++)
		if (opt_name(q.opts[i].kind) && !find(sent, q.opts[i].kind))
			add(out, outlen, "option %s added", opt_name(q.opts[i].kind));
	tc_seg_free(&q);
}

/* probe - the SYN of hop @ttl, encoded. */
static int probe(const struct tc_target *tg, uint16_t port, uint16_t sport, int ttl, struct tc_seg *s, char *err,
		 size_t errlen)
{
	static const struct { int kind; } kinds[] = { { TC_OPT_MSS }, { TC_OPT_SACKOK }, { TC_OPT_TS }, { TC_OPT_NOP },
						    { TC_OPT_WSCALE } };
	size_t i;

	tc_target_seg(tg, s);
	s->ttl = (uint8_t)ttl;
	s->sport = sport;
	s->dport = port;
	s->seq = SEQ_BASE + (uint32_t)ttl;
	s->flags = TC_SYN;
	s->win = 65535;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct tc_opt *o = &s->opts[s->nopts++];

		memset(o, 0, sizeof(*o));
		o->kind = (uint8_t)kinds[i].kind;
		if (o->kind == TC_OPT_MSS)
			o->v.mss = 1460;
		if (o->kind == TC_OPT_WSCALE)
			o->v.wscale = 7;
		if (o->kind == TC_OPT_TS)
			o->v.ts.val = 1;
	}
	return tc_seg_encode(s, NULL, NULL, err, errlen);
}

struct listen_ctx {
	const struct tc_target *tg;
	uint16_t port, sport;
	int ttl;
	struct tc_seg *sent;
	struct tc_trace_hop *hop;
	int done;
};

/* on_frame - a frame captured while hop @c->ttl is awaited. */
static void on_frame(u_char *arg, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct listen_ctx *c = (struct listen_ctx *)arg;
	struct tc_seg s;

	if (c->done || tc_seg_decode(&s, bytes, h->caplen, TC_LINK_ETH) < 0)
		return;
	if (s.ip_proto == 6 && !memcmp(&s.src, &c->tg->target, sizeof(s.src)) && s.sport == c->port &&
	    s.dport == c->sport && (s.flags & (TC_SYN | TC_RST)) && s.ack == c->sent->seq + 1) {
		tc_addr_format(&s.src, c->hop->addr, sizeof(c->hop->addr));
		c->hop->reached = 1;
		c->done = 1;
	} else if ((s.family == 4 && s.ip_proto == 1 && s.icmp_type == 11) ||
		   (s.family == 6 && s.ip_proto == 58 && s.icmp_type == 3)) {
		const uint8_t *q = s.raw + s.payload_off;
		size_t qlen = s.payload_len, ihl = qlen && (q[0] >> 4) == 4 ? (size_t)(q[0] & 15) * 4 : 40;
		uint32_t seq;

		if (qlen < ihl + 8)
			goto out;
		seq = (uint32_t)q[ihl + 4] << 24 | (uint32_t)q[ihl + 5] << 16 | (uint32_t)q[ihl + 6] << 8 | q[ihl + 7];
		/* ours, of this hop (a router may rewrite the sequence number: then the ports) */
		if ((q[ihl] << 8 | q[ihl + 1]) != c->sport || ((q[ihl + 2] << 8 | q[ihl + 3]) != c->port))
			goto out;
		if (seq != c->sent->seq && seq - SEQ_BASE < TC_TRACE_MAX_HOPS + 1)
			goto out;       /* an earlier probe's, late */
		tc_addr_format(&s.src, c->hop->addr, sizeof(c->hop->addr));
		tc_quote_changes(c->sent, q, qlen, &c->hop->whole, c->hop->changes, sizeof(c->hop->changes));
		c->done = 1;
	}
out:
	tc_seg_free(&s);
}

static pcap_t *open_listener(const char *iface, const struct tc_target *tg, char *err, size_t errlen)
{
	char eb[PCAP_ERRBUF_SIZE] = "", ftxt[200], t[64];
	struct bpf_program prog;
	pcap_t *pc = pcap_create(iface, eb);

	if (!pc) {
		tc_errf(err, errlen, "pcap_create %s: %s", iface, eb);
		return NULL;
	}
	tc_addr_format(&tg->target, t, sizeof(t));
	snprintf(ftxt, sizeof(ftxt), "%s or (tcp and src host %s)",
		 tg->family == 4 ? "icmp[0] == 11" : "icmp6 and ip6[40] == 3", t);
	if (pcap_set_snaplen(pc, 2048) || pcap_set_immediate_mode(pc, 1) || pcap_activate(pc) < 0 ||
	    pcap_datalink(pc) != DLT_EN10MB || pcap_setdirection(pc, PCAP_D_IN) < 0 ||
	    pcap_compile(pc, &prog, ftxt, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		tc_errf(err, errlen, "capture on %s for the path's probes: %s", iface, pcap_geterr(pc));
		pcap_close(pc);
		return NULL;
	}
	if (pcap_setfilter(pc, &prog) < 0 || pcap_setnonblock(pc, 1, eb) < 0) {
		tc_errf(err, errlen, "capture on %s for the path's probes: %s", iface, pcap_geterr(pc));
		pcap_freecode(&prog);
		pcap_close(pc);
		return NULL;
	}
	pcap_freecode(&prog);
	return pc;
}

/* finding - where the SYN changed: at the first hop whose quote differs. */
static void finding(struct tc_trace *out)
{
	int i;

	out->finding[0] = '\0';
	for (i = 0; i < out->nhops; i++) {
		const struct tc_trace_hop *h = &out->hop[i];
		char before[96] = "this host";

		if (h->reached || !h->changes[0])
			continue;
		if (i > 0 && out->hop[i - 1].addr[0])
			snprintf(before, sizeof(before), "hop %d (%s)", out->hop[i - 1].ttl, out->hop[i - 1].addr);
		else if (i > 0)
			snprintf(before, sizeof(before), "hop %d (silent)", out->hop[i - 1].ttl);
		snprintf(out->finding, sizeof(out->finding),
			 "the tester's SYN is changed on the way, between %s and hop %d (%s), which received it with: %s",
			 before, h->ttl, h->addr, h->changes);
		return;
	}
}

int tc_trace_path(const struct tc_io *io, const struct tc_target *tg, const char *iface, uint16_t port,
		  uint16_t sport, struct tc_trace *out, char *err, size_t errlen)
{
	pcap_t *pc = open_listener(iface, tg, err, errlen);
	int ttl, rc = 0;

	memset(out, 0, sizeof(*out));
	out->family = tg->family;
	if (!pc)
		return -1;
	for (ttl = 1; ttl <= TC_TRACE_MAX_HOPS; ttl++) {
		struct tc_seg s;
		struct tc_trace_hop *h = &out->hop[out->nhops++];
		struct listen_ctx c = { tg, port, sport, ttl, &s, h, 0 };
		uint64_t t0;

		h->ttl = ttl;
		if (probe(tg, port, sport, ttl, &s, err, errlen) < 0 || io->ops->send(io->ctx, &s, err, errlen) < 0) {
			tc_seg_free(&s);
			rc = -1;
			break;
		}
		t0 = tc_now_us(NULL);
		while (!c.done && tc_now_us(NULL) - t0 < HOP_WAIT_US) {
			struct pollfd p = { pcap_get_selectable_fd(pc), POLLIN, 0 };

			poll(&p, 1, 20);
			pcap_dispatch(pc, -1, on_frame, (u_char *)&c);
		}
		if (h->reached) {
			/* the target took the SYN: reset the half-open connection */
			struct tc_seg r = s;

			r.raw = NULL;
			r.nopts = 0;
			r.flags = TC_RST;
			r.seq = s.seq + 1;
			r.win = 0;
			r.ttl = 64;
			if (tc_seg_encode(&r, NULL, NULL, err, errlen) == 0)
				io->ops->send(io->ctx, &r, err, errlen);
			tc_seg_free(&r);
			tc_seg_free(&s);
			break;
		}
		tc_seg_free(&s);
	}
	pcap_close(pc);
	finding(out);
	return rc;
}
