/* io: the live back-end (libnet + libpcap). */
#include "io/live.h"

#include <errno.h>
#include <libnet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

struct tc_live {
	pcap_t *pc;
	libnet_t *ln;                   /* link layer, or raw IP (cfg.raw) */
	/* neighbour resolution in progress */
	struct tc_addr resolving;
	uint8_t resolved_mac[6];
	int resolved;
	/* rate limit: a token bucket of a twentieth of a second (at least one packet), so
	 * that no second, wherever it starts, carries more than the rate and its 5 % */
	double tokens;
	uint64_t tokens_at;
	struct tc_live_cfg cfg;
	int fd;
	/* during a drain */
	tc_frame_cb cb;
	void *arg;
	int64_t mono_minus_wall;        /* to turn pcap's wall-clock stamps into ours */
	int pending;                    /* the last drain stopped with frames waiting */
	char err[TC_ERRLEN];
	int failed;
};

/* build_frame - libnet's headers around the TCP bytes of @s, in context @l. */
static int build_frame(libnet_t *l, const struct tc_seg *s, char *err, size_t errlen)
{
	const uint8_t *tcp = s->raw + s->tcp_off;
	uint32_t tcplen = (uint32_t)(s->raw_len - s->tcp_off);
	libnet_ptag_t ip;
	uint16_t et;

	libnet_clear_packet(l);
	if (s->family == 4) {
		uint32_t src, dst;
		int bad = s->ip_cksum_status == TC_CK_BAD;

		memcpy(&src, s->src.a, 4);
		memcpy(&dst, s->dst.a, 4);
		if (s->ip_optlen) {
			uint8_t opts[40] = { 0 };

			memcpy(opts, s->ip_opts, s->ip_optlen);
			if (libnet_build_ipv4_options(opts, (uint32_t)((s->ip_optlen + 3) / 4 * 4), l, 0) == -1)
				return tc_errf(err, errlen, "libnet: %s", libnet_geterror(l));
		}
		/* A checksum of 0 asks libnet to compute it; a wrong one on purpose is ours. */
		ip = libnet_build_ipv4(s->ip_len, s->tos, s->ip_id, s->ip_frag, s->ttl, s->ip_proto,
				       bad ? s->ip_cksum : 0, src, dst, tcp, tcplen, l, 0);
		if (ip != -1 && bad)
			libnet_toggle_checksum(l, ip, LIBNET_OFF);
		et = ETHERTYPE_IP;
	} else {
		struct libnet_in6_addr src, dst;

		memcpy(&src, s->src.a, 16);
		memcpy(&dst, s->dst.a, 16);
		ip = libnet_build_ipv6(s->tos, s->flowlabel, s->ip_len, s->ip_proto, s->ttl, src, dst,
				       tcp, tcplen, l, 0);
		et = ETHERTYPE_IPV6;
	}
	if (ip == -1)
		return tc_errf(err, errlen, "libnet: %s", libnet_geterror(l));
	if (s->link == TC_LINK_RAW)
		return 0;               /* the kernel routes it and adds the link layer */
	if (libnet_build_ethernet(s->eth_dst, s->eth_src, et, NULL, 0, l, 0) == -1)
		return tc_errf(err, errlen, "libnet: %s", libnet_geterror(l));
	return 0;
}

static double bucket(double rate)
{
	return rate / 20 > 1 ? rate / 20 : 1;
}

/* pace - wait until the rate limit lets one more packet go. */
static void pace(struct tc_live *lv)
{
	uint64_t t = tc_now_us(NULL);
	double rate = lv->cfg.rate;

	if (rate <= 0)
		return;
	lv->tokens += (double)(t - lv->tokens_at) * rate / 1e6;
	if (lv->tokens > bucket(rate))
		lv->tokens = bucket(rate);
	lv->tokens_at = t;
	if (lv->tokens < 1) {
		uint64_t us = (uint64_t)((1 - lv->tokens) * 1e6 / rate);
		struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };

		nanosleep(&ts, NULL);
		lv->tokens = 1;
		lv->tokens_at = tc_now_us(NULL);
	}
	lv->tokens -= 1;
}

static int live_send(void *ctx, const struct tc_seg *s, char *err, size_t errlen)
{
	struct tc_live *lv = ctx;

	if ((s->link == TC_LINK_RAW) != !!lv->cfg.raw)
		return tc_errf(err, errlen, "a %s frame on a %s back-end", s->link == TC_LINK_RAW ? "bare IP" : "link-layer",
			       lv->cfg.raw ? "raw IP" : "link-layer");
	if (lv->cfg.only_targets) {
		int i, ok = 0;

		for (i = 0; i < 2; i++)
			ok |= tc_addr_eq(&s->dst, &lv->cfg.target[i]) && tc_addr_eq(&s->src, &lv->cfg.tester[i]);
		if (!ok)
			return tc_errf(err, errlen, "refused: a packet to or from another address than the target's "
				       "and the tester's");
	}
	pace(lv);
	if (build_frame(lv->ln, s, err, errlen) < 0)
		return -1;
	if (libnet_write(lv->ln) == -1) {
		const char *why = libnet_geterror(lv->ln);

		/* libnet leaves its text empty when the write itself failed */
		return tc_errf(err, errlen, "libnet_write on %s: %s", lv->cfg.iface,
			       why && *why ? why : strerror(errno));
	}
	return 0;
}

/* answer_arp - the target's ARP request for the tester's IPv4 address gets our MAC
 * (only when cfg.answer_arp: nobody else is ever answered). */
static void answer_arp(struct tc_live *lv, const u_char *f, size_t len)
{
	int v4 = lv->cfg.tester[0].family == 4 ? 0 : 1;
	const struct tc_addr *me = &lv->cfg.tester[v4], *them = &lv->cfg.target[v4];
	const uint8_t *a = f + 14;

	if (!lv->cfg.answer_arp || lv->cfg.raw || len < 42 || me->family != 4 || them->family != 4)
		return;
	/* htype 1, ptype IPv4, hlen 6, plen 4, op request, sender the target, target
	 * protocol address ours */
	if (a[0] != 0 || a[1] != 1 || a[2] != 8 || a[3] != 0 || a[4] != 6 || a[5] != 4 ||
	    a[6] != 0 || a[7] != 1 || memcmp(a + 14, them->a, 4) || memcmp(a + 24, me->a, 4))
		return;
	libnet_clear_packet(lv->ln);
	if (libnet_build_arp(ARPHRD_ETHER, ETHERTYPE_IP, 6, 4, ARPOP_REPLY, lv->cfg.tester_mac, me->a,
			     a + 8, a + 14, NULL, 0, lv->ln, 0) == -1 ||
	    libnet_build_ethernet(a + 8, lv->cfg.tester_mac, ETHERTYPE_ARP, NULL, 0, lv->ln, 0) == -1 ||
	    libnet_write(lv->ln) == -1) {
		lv->failed = 1;
		snprintf(lv->err, sizeof(lv->err), "ARP reply: %s", libnet_geterror(lv->ln));
	}
}

/* answer_ns - a neighbour solicitation for the tester's IPv6 address gets a solicited
 * advertisement with our MAC (RFC 4861 7.2.4), when cfg.answer_arp: a stack on a TAP
 * asks for the tester's address before it answers. Only the tester's address is
 * ever answered, and only to the asker. */
/* send_nd - a neighbour solicitation (135) or advertisement (136) from the tester's
 * IPv6 address @me, for @target, to @dst at @eth_dst, with the tester's MAC as its
 * source (1) or target (2) link-layer address option (RFC 4861 4.3, 4.4). 0 or -1. */
static int send_nd(struct tc_live *lv, const struct tc_addr *me, int type, uint32_t flags, const uint8_t *target,
		   const struct tc_addr *dst, const uint8_t *eth_dst, char *err, size_t errlen)
{
	uint8_t body[24];
	struct tc_seg m;
	int rc;

	tc_seg_init(&m);
	m.family = 6;
	m.ip_proto = 58;
	m.ttl = 255;
	m.src = *me;
	m.dst = *dst;
	memcpy(m.eth_src, lv->cfg.tester_mac, 6);
	memcpy(m.eth_dst, eth_dst, 6);
	m.icmp_type = (uint8_t)type;
	m.icmp_rest = flags;
	memcpy(body, target, 16);
	body[16] = type == 135 ? 1 : 2;
	body[17] = 1;
	memcpy(body + 18, lv->cfg.tester_mac, 6);
	m.payload_len = 24;
	rc = tc_seg_encode(&m, body, NULL, err, errlen) < 0 || build_frame(lv->ln, &m, err, errlen) < 0 ||
	     libnet_write(lv->ln) == -1 ? -1 : 0;
	tc_seg_free(&m);
	return rc;
}

static void answer_ns(struct tc_live *lv, const u_char *f, size_t len)
{
	const struct tc_addr *me = lv->cfg.tester[1].family == 6 ? &lv->cfg.tester[1] : &lv->cfg.tester[0];
	static const uint8_t unspec[16], all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	struct tc_addr dst;
	char err[TC_ERRLEN];
	int from_unspec;

	if (!lv->cfg.answer_arp || lv->cfg.raw || me->family != 6 || len < 14 + 40 + 24 ||
	    f[12] != 0x86 || f[13] != 0xdd || f[20] != 58 || f[54] != 135 || memcmp(f + 62, me->a, 16))
		return;
	from_unspec = !memcmp(f + 22, unspec, 16);
	if (from_unspec) {                      /* from ::, to all nodes (7.2.4) */
		tc_addr_parse(&dst, "ff02::1");
	} else {
		dst.family = 6;
		memcpy(dst.a, f + 22, 16);
	}
	/* solicited (not to ::) and override */
	if (send_nd(lv, me, 136, from_unspec ? 0x20000000 : 0x60000000, me->a, &dst,
		    from_unspec ? all_nodes_mac : f + 6, err, sizeof(err)) < 0) {
		lv->failed = 1;
		snprintf(lv->err, sizeof(lv->err), "neighbour advertisement: %s", libnet_geterror(lv->ln));
	}
}

/* neighbour_reply - an ARP reply or an ICMPv6 neighbour advertisement for the
 * address being resolved: keep its link-layer address. */
static void neighbour_reply(struct tc_live *lv, const u_char *f, size_t len)
{
	const struct tc_addr *want = &lv->resolving;

	if (want->family == 4 && len >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 2 &&
	    !memcmp(f + 28, want->a, 4)) {
		memcpy(lv->resolved_mac, f + 22, 6);
		lv->resolved = 1;
	}
	/* IPv6, next header ICMPv6, type 136, target address, option 2 (target LL address) */
	if (want->family == 6 && len >= 14 + 40 + 32 && f[12] == 0x86 && f[13] == 0xdd && f[20] == 58 &&
	    f[54] == 136 && !memcmp(f + 62, want->a, 16) && f[78] == 2 && f[79] == 1) {
		memcpy(lv->resolved_mac, f + 80, 6);
		lv->resolved = 1;
	}
}

static void on_pcap(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct tc_live *lv = (struct tc_live *)user;
	size_t l2 = h->caplen >= 18 && bytes[12] == 0x81 && bytes[13] == 0x00 ? 18 : 14;

	if (lv->resolving.family)
		neighbour_reply(lv, bytes, h->caplen);
	if (h->caplen >= 14 && bytes[12] == 0x08 && bytes[13] == 0x06) {
		answer_arp(lv, bytes, h->caplen);
		return;
	}
	if (h->caplen > 54 && bytes[12] == 0x86 && bytes[13] == 0xdd && bytes[20] == 58 && bytes[54] == 135)
		answer_ns(lv, bytes, h->caplen);        /* and on: the trace may want it */
	if (!lv->cb)
		return;
	if (lv->cfg.raw) {              /* hand over the IP packet: the trace is bare IP */
		if (h->caplen > l2)
			lv->cb(lv->arg, bytes + l2, h->caplen - l2, h->len - l2,
			       (uint64_t)((int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec + lv->mono_minus_wall));
		return;
	}
	/* The kernel's receive time, not ours: the trace shows the wire. */
	lv->cb(lv->arg, bytes, h->caplen, h->len,
	       (uint64_t)((int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec + lv->mono_minus_wall));
}

/* sync_clocks - the offset of our clock from pcap's wall-clock stamps, taken anew at
 * each drain: a step of the wall clock during a run must not move captures against
 * the send times (taken on our clock). */
static void sync_clocks(struct tc_live *lv)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	lv->mono_minus_wall = (int64_t)tc_now_us(lv->cfg.clock) - ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

/* A drain hands frames over in chunks, and stops after DRAIN_BUDGET_US even when more
 * wait: the callback sends, and a target that answers each send at once (a sampled
 * case's thousands of handshakes) would otherwise keep one drain going until the case
 * ends, with no look at the stop flag, the target's health or the other cases' timers. */
#define DRAIN_CHUNK 16
#define DRAIN_BUDGET_US 20000

static int live_drain(void *ctx, tc_frame_cb cb, void *arg, char *err, size_t errlen)
{
	struct tc_live *lv = ctx;
	uint64_t t0 = tc_now_us(NULL);
	int n, total = 0;

	sync_clocks(lv);
	lv->cb = cb;
	lv->arg = arg;
	lv->pending = 0;
	do {
		n = pcap_dispatch(lv->pc, DRAIN_CHUNK, on_pcap, (u_char *)lv);
		if (n == PCAP_ERROR)
			return tc_errf(err, errlen, "pcap: %s", pcap_geterr(lv->pc));
		if (lv->failed)
			return tc_errf(err, errlen, "%s", lv->err);
		if (n > 0)
			total += n;
		/* fewer than asked: the ring had no more */
	} while (n == DRAIN_CHUNK && !(lv->pending = tc_now_us(NULL) - t0 >= DRAIN_BUDGET_US));
	return total;
}

static int live_pending(void *ctx)
{
	return ((struct tc_live *)ctx)->pending;
}

static int live_fd(void *ctx)
{
	return ((struct tc_live *)ctx)->fd;
}

static unsigned live_drops(void *ctx)
{
	return tc_live_drops(ctx);
}

struct tc_io tc_live_io(struct tc_live *lv)
{
	static const struct tc_io_ops ops = {
		.name = "live", .send = live_send, .fd = live_fd, .drain = live_drain, .drops = live_drops,
		.pending = live_pending,
	};

	return (struct tc_io){ .ops = &ops, .ctx = lv };
}

/* filter_text - capture TCP from the targets to the testers, and ARP. */
static void filter_text(const struct tc_live_cfg *c, char *buf, size_t len)
{
	char t[64], u[64];
	size_t off = (size_t)snprintf(buf, len, "arp or icmp6");
	int i;

	for (i = 0; i < 2; i++) {
		if (!c->target[i].family)
			continue;
		tc_addr_format(&c->target[i], u, sizeof(u));
		tc_addr_format(&c->tester[i], t, sizeof(t));
		/* from the target to anywhere: a case may send from another source address */
		off += (size_t)snprintf(buf + off, len - off, " or (%s and tcp and src host %s)",
					c->target[i].family == 4 ? "ip" : "ip6", u);
		(void)t;
	}
}

static int open_pcap(struct tc_live *lv, char *err, size_t errlen)
{
	char eb[PCAP_ERRBUF_SIZE] = "", ftxt[400];
	struct bpf_program prog;

	lv->pc = pcap_create(lv->cfg.iface, eb);
	if (!lv->pc)
		return tc_errf(err, errlen, "pcap_create %s: %s", lv->cfg.iface, eb);
	/* Frames are at most the link's MTU (offloads are off): a snap length near it
	 * gives the kernel's ring many more slots than 64 KB each, so that a burst of
	 * replies (hundreds of cases at once) is not dropped. 4 MB holds about 2,500
	 * such frames: the quick suite at -j 256 with three busy loops beside it lost
	 * none; the ring's pages count in the tester's memory as it wraps (32 MB
	 * made more than half of a run's peak RSS). */
	int mtu = tc_live_mtu(lv->cfg.iface), snap = mtu > 0 && mtu < 9000 ? (mtu < 1500 ? 1500 : mtu) + 64 : 65535;
	/* TCPCONFORM_CAPTURE_BUFFER (bytes): a small ring makes the capture lose frames,
	 * for the tests that show how lost frames are judged */
	const char *b = getenv("TCPCONFORM_CAPTURE_BUFFER");
	int bufsz = b && atoi(b) > 0 ? atoi(b) : 4 << 20;

	if (pcap_set_snaplen(lv->pc, snap) || pcap_set_immediate_mode(lv->pc, 1) ||
	    pcap_set_buffer_size(lv->pc, bufsz) || pcap_set_promisc(lv->pc, 1))
		return tc_errf(err, errlen, "pcap options on %s", lv->cfg.iface);
	if (pcap_activate(lv->pc) < 0)
		return tc_errf(err, errlen, "pcap_activate %s: %s", lv->cfg.iface, pcap_geterr(lv->pc));
	if (pcap_datalink(lv->pc) != DLT_EN10MB)
		return tc_errf(err, errlen, "%s is not an Ethernet interface", lv->cfg.iface);
	if (pcap_setdirection(lv->pc, PCAP_D_IN) < 0)
		return tc_errf(err, errlen, "pcap_setdirection: %s", pcap_geterr(lv->pc));
	filter_text(&lv->cfg, ftxt, sizeof(ftxt));
	if (pcap_compile(lv->pc, &prog, ftxt, 1, PCAP_NETMASK_UNKNOWN) < 0)
		return tc_errf(err, errlen, "pcap filter \"%s\": %s", ftxt, pcap_geterr(lv->pc));
	if (pcap_setfilter(lv->pc, &prog) < 0) {
		pcap_freecode(&prog);
		return tc_errf(err, errlen, "pcap_setfilter: %s", pcap_geterr(lv->pc));
	}
	pcap_freecode(&prog);
	if (pcap_setnonblock(lv->pc, 1, eb) < 0)
		return tc_errf(err, errlen, "pcap_setnonblock: %s", eb);
	lv->fd = pcap_get_selectable_fd(lv->pc);
	if (lv->fd < 0)
		return tc_errf(err, errlen, "%s has no selectable descriptor", lv->cfg.iface);
	return 0;
}

int tc_live_mtu(const char *ifname)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), mtu = 0;

	if (fd < 0)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFMTU, &ifr) == 0)
		mtu = ifr.ifr_mtu;
	close(fd);
	return mtu;
}

struct tc_live *tc_live_open(const struct tc_live_cfg *cfg, char *err, size_t errlen)
{
	struct tc_live *lv = tc_xcalloc(1, sizeof(*lv));
	char eb[LIBNET_ERRBUF_SIZE] = "";

	lv->cfg = *cfg;
	lv->fd = -1;
	sync_clocks(lv);
	/* Capture first: the filter is armed before anything can be injected. */
	if (open_pcap(lv, err, errlen) < 0)
		goto fail;
	lv->ln = libnet_init(!cfg->raw ? LIBNET_LINK : cfg->tester[0].family == 6 || cfg->tester[1].family == 6 ?
			     LIBNET_RAW6 : LIBNET_RAW4, cfg->raw ? NULL : cfg->iface, eb);
	lv->tokens = bucket(cfg->rate);
	lv->tokens_at = tc_now_us(NULL);
	if (!lv->ln) {
		tc_errf(err, errlen, "libnet_init %s: %s", cfg->iface, eb);
		goto fail;
	}
	return lv;
fail:
	tc_live_close(lv);
	return NULL;
}

unsigned tc_live_drops(struct tc_live *lv)
{
	struct pcap_stat st;

	if (!lv || !lv->pc || pcap_stats(lv->pc, &st) < 0)
		return 0;
	return st.ps_drop;
}

void tc_live_close(struct tc_live *lv)
{
	if (!lv)
		return;
	if (lv->pc)
		pcap_close(lv->pc);
	if (lv->ln)
		libnet_destroy(lv->ln);
	free(lv);
}

int tc_libnet_frame(const char *iface, const struct tc_seg *s, uint8_t **out, size_t *len,
		    char *err, size_t errlen)
{
	char eb[LIBNET_ERRBUF_SIZE] = "";
	libnet_t *l = libnet_init(LIBNET_LINK_ADV, iface, eb);
	uint8_t *pkt = NULL;
	uint32_t n = 0;
	int rc = -1;

	if (!l)
		return tc_errf(err, errlen, "libnet_init %s: %s", iface, eb);
	if (build_frame(l, s, err, errlen) == 0) {
		if (libnet_adv_cull_packet(l, &pkt, &n) == -1) {
			tc_errf(err, errlen, "libnet_adv_cull_packet: %s", libnet_geterror(l));
		} else {
			*out = tc_xmalloc(n);
			memcpy(*out, pkt, n);
			*len = n;
			libnet_adv_free_packet(l, pkt);
			rc = 0;
		}
	}
	libnet_destroy(l);
	return rc;
}

int tc_live_resolve(struct tc_live *lv, const struct tc_addr *ip, uint8_t *mac, int ms, char *err, size_t errlen)
{
	const struct tc_addr *me = lv->cfg.tester[0].family == ip->family ? &lv->cfg.tester[0] : &lv->cfg.tester[1];
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, zero[6] = { 0 };
	char a[64];
	int try;

	tc_addr_format(ip, a, sizeof(a));
	lv->resolving = *ip;
	lv->resolved = 0;
	for (try = 0; try < 3 && !lv->resolved; try++) {
		uint64_t end;
		int rc;

		if (ip->family == 4) {
			libnet_clear_packet(lv->ln);
			rc = libnet_build_arp(ARPHRD_ETHER, ETHERTYPE_IP, 6, 4, ARPOP_REQUEST, lv->cfg.tester_mac,
					      me->a, zero, ip->a, NULL, 0, lv->ln, 0) == -1 ||
			     libnet_build_ethernet(bcast, lv->cfg.tester_mac, ETHERTYPE_ARP, NULL, 0, lv->ln, 0) == -1 ||
			     libnet_write(lv->ln) == -1;
		} else {
			struct tc_addr group;
			uint8_t gmac[6] = { 0x33, 0x33 };

			/* to the solicited-node group (RFC 4861 4.3) */
			tc_addr_parse(&group, "ff02::1:ff00:0");
			memcpy(group.a + 13, ip->a + 13, 3);
			memcpy(gmac + 2, group.a + 12, 4);
			rc = send_nd(lv, me, 135, 0, ip->a, &group, gmac, err, errlen) < 0;
		}
		if (rc) {
			lv->resolving.family = 0;
			return tc_errf(err, errlen, "cannot ask for %s on %s: %s", a, lv->cfg.iface, libnet_geterror(lv->ln));
		}
		end = tc_now_us(NULL) + (uint64_t)ms * 1000 / 3;
		while (!lv->resolved && tc_now_us(NULL) < end) {
			struct pollfd p = { .fd = lv->fd, .events = POLLIN };

			poll(&p, 1, 20);
			pcap_dispatch(lv->pc, -1, on_pcap, (u_char *)lv);
		}
	}
	lv->resolving.family = 0;
	if (!lv->resolved)
		return tc_errf(err, errlen, "%s does not answer %s on %s", a, ip->family == 4 ? "ARP" : "neighbour solicitations",
			       lv->cfg.iface);
	memcpy(mac, lv->resolved_mac, 6);
	return 0;
}
