/* Unit tests of the packet layer: decoder, encoder, checksums, formatter, against the
 * reference telnet session (tests/vectors) and against frames made broken on purpose. */
#include "t.h"

#include "packet/format.h"
#include "packet/seg.h"
#include "util/util.h"

#include <pcap/pcap.h>
#include <stdlib.h>

#define NVEC 10

struct vec {
	uint8_t frame[128];
	size_t len;
};

/* The table of tests/vectors/README.md ("verified" columns). */
static const struct {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint16_t win, len, ip_ck, tcp_ck;
	uint16_t flags;
} want[NVEC] = {
	{ 49898, 23, 1450082649, 0, 4128, 0, 0xcb70, 0x7d19, TC_SYN },
	{ 23, 49898, 890558775, 1450082650, 4128, 0, 0xf02e, 0x6ebc, TC_SYN | TC_ACK },
	{ 49898, 23, 1450082687, 890558848, 4056, 1, 0xcb62, 0x134b, TC_PSH | TC_ACK },
	{ 23, 49898, 890558848, 1450082688, 4090, 1, 0xf024, 0x1328, TC_PSH | TC_ACK },
	{ 23, 49898, 890559455, 1450082711, 4067, 0, 0xf00c, 0x83c9, TC_FIN | TC_PSH | TC_ACK },
	{ 49898, 23, 1450082711, 890559456, 3449, 0, 0xcb48, 0x863b, TC_ACK },
	{ 49898, 23, 1450082711, 890559456, 3449, 0, 0xcb47, 0x863a, TC_FIN | TC_ACK },
	{ 23, 49898, 890559456, 1450082712, 4067, 0, 0xf00b, 0x83d0, TC_ACK },
	{ 45310, 23, 1260944976, 612296016, 4051, 2, 0x735f, 0x9e6c, TC_PSH | TC_ACK },
	{ 23, 45310, 612296016, 0, 0, 0, 0x0601, 0x84d8, TC_RST },
};

static int load_vectors(struct t_ctx *t, struct vec *v)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline("tests/vectors/seed-telnet.pcap", eb);
	struct pcap_pkthdr *h;
	const u_char *d;
	int n = 0;

	if (!p) {
		t_fail(t, __FILE__, __LINE__, "%s", eb);
		return 0;
	}
	while (n < NVEC && pcap_next_ex(p, &h, &d) == 1) {
		memcpy(v[n].frame, d, h->caplen);
		v[n++].len = h->caplen;
	}
	pcap_close(p);
	T_EQ_U(t, n, NVEC);
	return n == NVEC;
}

void test_decode_vectors(struct t_ctx *t)
{
	struct vec v[NVEC];
	int i;

	if (!load_vectors(t, v))
		return;
	for (i = 0; i < NVEC; i++) {
		struct tc_seg s;
		int rc = tc_seg_decode(&s, v[i].frame, v[i].len, TC_LINK_ETH);

		T_EQ_U(t, rc, 0);
		T_EQ_S(t, s.problem, "");
		T_EQ_U(t, s.family, 4);
		T_EQ_U(t, s.sport, want[i].sport);
		T_EQ_U(t, s.dport, want[i].dport);
		T_EQ_U(t, s.seq, want[i].seq);
		T_EQ_U(t, s.ack, want[i].ack);
		T_EQ_U(t, s.win, want[i].win);
		/* the frames are padded to 60 bytes: the IP length decides */
		T_EQ_U(t, s.payload_len, want[i].len);
		T_EQ_U(t, s.flags, want[i].flags);
		T_EQ_U(t, s.ip_cksum, want[i].ip_ck);
		T_EQ_U(t, s.cksum, want[i].tcp_ck);
		T_EQ_U(t, s.cksum_status, TC_CK_OK);
		T_EQ_U(t, s.ip_cksum_status, TC_CK_OK);
		T_EQ_U(t, s.ttl, 255);
		tc_seg_free(&s);
	}
}

/* Every truncation of every vector, and random bytes: never a crash, never a view
 * that reaches past the bytes (ASan watches), always a stated problem when short. */
void test_decode_bounds(struct t_ctx *t)
{
	struct vec v[NVEC];
	struct tc_rng rng;
	uint8_t buf[128];
	int i, k;
	size_t l;

	if (!load_vectors(t, v))
		return;
	for (i = 0; i < NVEC; i++) {
		for (l = 0; l < 54; l++) {
			struct tc_seg s;
			int rc = tc_seg_decode(&s, v[i].frame, l, TC_LINK_ETH);

			if (rc != -1 && !s.problem[0])
				t_fail(t, __FILE__, __LINE__, "vector %d cut to %zu bytes decoded without a problem", i + 1, l);
			tc_seg_free(&s);
		}
	}
	tc_rng_seed(&rng, 42);
	for (k = 0; k < 20000; k++) {
		struct tc_seg s;
		char txt[1024];

		memcpy(buf, v[k % NVEC].frame, 60);
		for (i = 0; i < 1 + k % 6; i++)
			buf[14 + tc_rng_u32(&rng) % 46] = (uint8_t)tc_rng_u32(&rng);
		l = 14 + tc_rng_u32(&rng) % 47;
		tc_seg_decode(&s, buf, l, TC_LINK_ETH);
		tc_seg_format_tcpdump(&s, 1, txt, sizeof(txt));
		tc_seg_free(&s);
	}
	T_OK(t, 1);
}

/* A TCP header with the given option bytes, wrapped in IPv4 and Ethernet. */
static size_t frame_with_opts(uint8_t *f, const uint8_t *opt, size_t optlen, int doff_words)
{
	struct tc_seg s;
	size_t n;

	tc_seg_init(&s);
	tc_addr_parse(&s.src, "192.0.2.1");
	tc_addr_parse(&s.dst, "192.0.2.2");
	s.sport = 1000;
	s.dport = 80;
	s.flags = TC_SYN;
	s.opts[0].kind = 250;   /* replaced below */
	tc_seg_encode(&s, NULL, NULL, NULL, 0);
	memcpy(f, s.raw, 14 + 20 + 20);
	memcpy(f + 54, opt, optlen);
	n = 54 + optlen;
	while ((n - 54) % 4)
		f[n++] = 0;     /* EOL padding, as a sender would add */
	f[14 + 20 + 12] = (uint8_t)(doff_words << 4);
	f[16] = (uint8_t)((n - 14) >> 8);
	f[17] = (uint8_t)(n - 14);
	f[24] = f[25] = 0;
	{
		uint16_t ck = tc_cksum_fold(tc_cksum_add(0, f + 14, 20));

		f[24] = (uint8_t)(ck >> 8);
		f[25] = (uint8_t)ck;
	}
	tc_seg_free(&s);
	return n;
}

void test_decode_options(struct t_ctx *t)
{
	static const uint8_t all[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2,
				       5, 10, 0, 0, 0, 10, 0, 0, 0, 20, 99, 3, 0xab, 0 };
	static const uint8_t badlen[] = { 2, 5, 0x05, 0xb4, 0, 1, 1, 1 };
	static const uint8_t pastend[] = { 1, 1, 8, 10, 0, 0 };
	static const uint8_t zerolen[] = { 1, 1, 30, 0 };
	static const uint8_t eolpad[] = { 2, 4, 0x05, 0xb4, 0, 0, 7, 0 };     /* a 7 in the padding */
	uint8_t f[128];
	struct tc_seg s;
	char txt[256];
	size_t n;

	n = frame_with_opts(f, all, sizeof(all), 5 + ((int)sizeof(all) + 3) / 4);
	T_EQ_U(t, tc_seg_decode(&s, f, n, TC_LINK_ETH), 0);
	T_EQ_U(t, s.nopts, 8);
	T_EQ_U(t, s.opts[0].v.mss, 1460);
	T_EQ_U(t, s.opts[2].v.wscale, 7);
	T_EQ_U(t, s.opts[4].v.ts.val, 1);
	T_EQ_U(t, s.opts[4].v.ts.ecr, 2);
	T_EQ_U(t, s.opts[5].v.sack.n, 1);
	T_EQ_U(t, s.opts[5].v.sack.r[0], 20);
	T_EQ_U(t, s.opts[6].kind, 99);
	T_EQ_S(t, tc_opts_str(&s, txt, sizeof(txt)) ? txt : "",
	       "mss 1460,nop,wscale 7,sackOK,TS val 1 ecr 2,sack 1 {10:20},unknown-99 0xab,eol");
	T_EQ_S(t, s.problem, "");
	tc_seg_free(&s);

	n = frame_with_opts(f, badlen, sizeof(badlen), 7);
	tc_seg_decode(&s, f, n, TC_LINK_ETH);
	T_EQ_S(t, s.problem, "option mss has length 5");
	T_OK(t, s.opts[0].bad);
	tc_seg_free(&s);

	n = frame_with_opts(f, pastend, sizeof(pastend), 7);
	tc_seg_decode(&s, f, n, TC_LINK_ETH);
	T_EQ_S(t, s.problem, "option kind 8 of length 10 runs past the header");
	tc_seg_free(&s);

	n = frame_with_opts(f, zerolen, sizeof(zerolen), 6);
	tc_seg_decode(&s, f, n, TC_LINK_ETH);
	T_EQ_S(t, s.problem, "option kind 30 has length 0 (< 2)");
	tc_seg_free(&s);

	n = frame_with_opts(f, eolpad, sizeof(eolpad), 7);
	tc_seg_decode(&s, f, n, TC_LINK_ETH);
	T_EQ_S(t, s.problem, "option padding after EOL is not zero (0x07 at option byte 6)");
	T_OK(t, s.opt_problem);
	T_EQ_U(t, s.opts[0].v.mss, 1460);
	tc_seg_free(&s);

	n = frame_with_opts(f, zerolen, sizeof(zerolen), 4);
	tc_seg_decode(&s, f, n, TC_LINK_ETH);
	T_EQ_S(t, s.problem, "TCP data offset 4 is below 5");
	tc_seg_free(&s);

	n = frame_with_opts(f, zerolen, sizeof(zerolen), 15);
	tc_seg_decode(&s, f, n, TC_LINK_ETH);
	T_EQ_S(t, s.problem, "TCP data offset 15 (60 bytes) exceeds the segment's 24 bytes");
	tc_seg_free(&s);
}

/* Our -v formatting is tcpdump's, line for line (tcpdump's own output is stored). */
void test_format_vectors(struct t_ctx *t)
{
	struct vec v[NVEC];
	char *want_txt, got[4096] = "", line[1024];
	size_t off = 0;
	int i;

	if (!load_vectors(t, v))
		return;
	want_txt = t_read("tests/vectors/seed-telnet.tcpdump.txt", NULL);
	T_OK(t, want_txt != NULL);
	for (i = 0; i < NVEC; i++) {
		struct tc_seg s;

		tc_seg_decode(&s, v[i].frame, v[i].len, TC_LINK_ETH);
		tc_seg_format_tcpdump(&s, 1, line, sizeof(line));
		off += (size_t)snprintf(got + off, sizeof(got) - off, "%s\n", line);
		tc_seg_free(&s);
	}
	/* the stored text indents the second line with three spaces, tcpdump with four */
	if (want_txt) {
		char *p;

		while ((p = strstr(got, "\n    ")))
			memmove(p + 1, p + 2, strlen(p + 2) + 1);
		T_EQ_S(t, got, want_txt);
	}
	free(want_txt);
	{
		struct tc_seg s;

		tc_seg_decode(&s, v[1].frame, v[1].len, TC_LINK_ETH);
		T_EQ_S(t, tc_seg_format_tcpdump(&s, 0, line, sizeof(line)),
		       "IP 172.16.12.2.23 > 172.16.12.1.49898: Flags [S.], seq 890558775, ack 1450082650, "
		       "win 4128, options [mss 1460], length 0");
		T_EQ_S(t, tc_seg_format_case(&s, 890558775, 1450082649, line, sizeof(line)),
		       "S. 0:0(0) ack 1 win 4128 tos 192 <mss 1460>");
		tc_seg_free(&s);
		tc_seg_decode(&s, v[4].frame, v[4].len, TC_LINK_ETH);
		T_EQ_S(t, tc_seg_format_case(&s, 890558775, 1450082649, line, sizeof(line)),
		       "FP. 680:680(0) ack 62 win 4067 tos 192");
		tc_seg_free(&s);
	}
}

/* Build each vector from its fields: the bytes must be the recorded ones. */
void test_encode_vectors(struct t_ctx *t)
{
	struct vec v[NVEC];
	int i;

	if (!load_vectors(t, v))
		return;
	for (i = 0; i < NVEC; i++) {
		struct tc_seg d, e;
		char err[TC_ERRLEN] = "";
		size_t iplen;

		tc_seg_decode(&d, v[i].frame, v[i].len, TC_LINK_ETH);
		tc_seg_init(&e);
		memcpy(e.eth_src, d.eth_src, 6);
		memcpy(e.eth_dst, d.eth_dst, 6);
		e.src = d.src;
		e.dst = d.dst;
		e.tos = d.tos;
		e.ttl = d.ttl;
		e.ip_id = d.ip_id;
		e.ip_frag = 0;
		e.sport = d.sport;
		e.dport = d.dport;
		e.seq = d.seq;
		e.ack = d.ack;
		e.flags = d.flags;
		e.win = d.win;
		memcpy(e.opts, d.opts, sizeof(d.opts));
		e.nopts = d.nopts;
		e.payload_len = d.payload_len;
		T_EQ_U(t, tc_seg_encode(&e, tc_seg_payload(&d), NULL, err, sizeof(err)), 0);
		iplen = 14 + d.ip_len;
		T_EQ_U(t, e.raw_len, iplen);
		if (e.raw_len == iplen && memcmp(e.raw, v[i].frame, iplen))
			t_fail(t, __FILE__, __LINE__, "vector %d: encoded bytes differ", i + 1);
		T_EQ_U(t, e.cksum, want[i].tcp_ck);
		T_EQ_U(t, e.ip_cksum, want[i].ip_ck);
		tc_seg_free(&d);
		tc_seg_free(&e);
	}
}

static void roundtrip_one(struct t_ctx *t, int family, int link)
{
	struct tc_seg e, d;
	char a[1024], b[1024];
	uint8_t pl[100];

	tc_seg_init(&e);
	e.family = family;
	e.link = (enum tc_link)link;
	tc_addr_parse(&e.src, family == 4 ? "198.18.0.1" : "2001:db8::1");
	tc_addr_parse(&e.dst, family == 4 ? "198.18.0.2" : "2001:db8::2");
	e.sport = 40000;
	e.dport = 5000;
	e.seq = 0xfffffff0u;
	e.ack = 7;
	e.flags = TC_SYN | TC_ACK | TC_ECE | TC_CWR | TC_AE | TC_RSV2;
	e.win = 29200;
	e.urp = 3;
	tc_opt_mss(&e.opts[0], 1460);
	tc_opt_simple(&e.opts[1], TC_OPT_SACKOK);
	tc_opt_ts(&e.opts[2], 123456, 654321);
	tc_opt_simple(&e.opts[3], TC_OPT_NOP);
	tc_opt_wscale(&e.opts[4], 7);
	e.nopts = 5;
	memset(pl, 'x', sizeof(pl));
	e.payload_len = sizeof(pl);
	T_EQ_U(t, tc_seg_encode(&e, pl, NULL, NULL, 0), 0);
	T_EQ_U(t, tc_seg_decode(&d, e.raw, e.raw_len, (enum tc_link)link), 0);
	T_EQ_S(t, d.problem, "");
	T_EQ_U(t, d.cksum_status, TC_CK_OK);
	T_EQ_U(t, d.flags, e.flags);
	T_EQ_U(t, d.urp, 3);
	T_EQ_U(t, d.payload_len, 100);
	T_EQ_S(t, tc_seg_format_tcpdump(&d, 1, a, sizeof(a)), tc_seg_format_tcpdump(&e, 1, b, sizeof(b)));
	tc_seg_free(&d);
	tc_seg_free(&e);
}

void test_encode_roundtrip(struct t_ctx *t)
{
	roundtrip_one(t, 4, TC_LINK_ETH);
	roundtrip_one(t, 6, TC_LINK_ETH);
	roundtrip_one(t, 4, TC_LINK_RAW);
	roundtrip_one(t, 6, TC_LINK_RAW);
}

void test_encode_damage(struct t_ctx *t)
{
	struct tc_seg e, d;
	struct tc_enc_opts eo = { 0 };

	tc_seg_init(&e);
	tc_addr_parse(&e.src, "198.18.0.1");
	tc_addr_parse(&e.dst, "198.18.0.2");
	e.flags = TC_ACK;
	eo.tcp_cksum_set = 1;
	eo.tcp_cksum = 0x1234;
	tc_seg_encode(&e, NULL, &eo, NULL, 0);
	T_EQ_U(t, e.cksum_status, TC_CK_BAD);
	tc_seg_decode(&d, e.raw, e.raw_len, TC_LINK_ETH);
	T_EQ_U(t, d.cksum, 0x1234);
	T_EQ_U(t, d.cksum_status, TC_CK_BAD);
	tc_seg_free(&d);

	memset(&eo, 0, sizeof(eo));
	eo.doff_set = 1;
	e.doff = 3;
	tc_seg_encode(&e, NULL, &eo, NULL, 0);
	tc_seg_decode(&d, e.raw, e.raw_len, TC_LINK_ETH);
	T_EQ_S(t, d.problem, "TCP data offset 3 is below 5");
	tc_seg_free(&d);

	memset(&eo, 0, sizeof(eo));
	eo.ip_len_set = 1;
	e.ip_len = 400;
	tc_seg_encode(&e, NULL, &eo, NULL, 0);
	tc_seg_decode(&d, e.raw, e.raw_len, TC_LINK_ETH);
	T_EQ_S(t, d.problem, "IPv4 total length 400 exceeds the 40 bytes captured");
	T_EQ_U(t, d.cksum_status, TC_CK_UNKNOWN);
	tc_seg_free(&d);

	memset(&eo, 0, sizeof(eo));
	eo.ip_cksum_set = 1;
	eo.ip_cksum = 0xbeef;
	tc_seg_encode(&e, NULL, &eo, NULL, 0);
	tc_seg_decode(&d, e.raw, e.raw_len, TC_LINK_ETH);
	T_EQ_S(t, d.problem, "IPv4 header checksum 0xbeef is wrong");
	tc_seg_free(&d);
	tc_seg_free(&e);
}

/* A checksum left as the pseudo-header sum (transmit offload) is "partial". */
void test_checksum_partial(struct t_ctx *t)
{
	struct tc_seg e, d;
	struct tc_enc_opts eo = { 0 };
	uint32_t ps;

	tc_seg_init(&e);
	tc_addr_parse(&e.src, "198.18.0.1");
	tc_addr_parse(&e.dst, "198.18.0.2");
	e.flags = TC_SYN;
	ps = tc_tcp_pseudo_sum(&e.src, &e.dst, 20);
	eo.tcp_cksum_set = 1;
	eo.tcp_cksum = (uint16_t)~tc_cksum_fold(ps);
	tc_seg_encode(&e, NULL, &eo, NULL, 0);
	tc_seg_decode(&d, e.raw, e.raw_len, TC_LINK_ETH);
	T_EQ_U(t, d.cksum_status, TC_CK_PARTIAL);
	tc_seg_free(&d);
	tc_seg_free(&e);
}

/* ICMP errors quoting a segment, and IPv4 options: encoded, decoded, checksummed. */
void test_encode_icmp_ipopts(struct t_ctx *t)
{
	int fam;

	for (fam = 4; fam <= 6; fam += 2) {
		struct tc_seg q, e, d;
		uint32_t sum = 0;
		size_t l;

		tc_seg_init(&q);
		q.family = fam;
		tc_addr_parse(&q.src, fam == 4 ? "198.18.0.2" : "2001:db8::2");
		tc_addr_parse(&q.dst, fam == 4 ? "198.18.0.1" : "2001:db8::1");
		q.flags = TC_ACK;
		q.seq = 1000;
		T_EQ_U(t, tc_seg_encode(&q, NULL, NULL, NULL, 0), 0);
		tc_seg_init(&e);
		e.family = fam;
		e.src = q.dst;
		e.dst = q.src;
		e.ip_proto = fam == 4 ? 1 : 58;
		e.icmp_type = fam == 4 ? 3 : 2;
		e.icmp_code = fam == 4 ? 4 : 0;
		e.icmp_rest = 1280;
		e.payload_len = (uint32_t)(q.raw_len - 14);
		T_EQ_U(t, tc_seg_encode(&e, q.raw + 14, NULL, NULL, 0), 0);
		T_EQ_U(t, tc_seg_decode(&d, e.raw, e.raw_len, TC_LINK_ETH), 1);     /* not TCP */
		T_EQ_U(t, d.ip_proto, fam == 4 ? 1 : 58);
		T_EQ_U(t, d.icmp_type, e.icmp_type);
		T_EQ_U(t, d.icmp_rest, 1280);
		T_EQ_U(t, d.payload_len, q.raw_len - 14);
		l = e.raw_len - e.tcp_off;
		if (fam == 6) {
			sum = tc_cksum_add(sum, e.src.a, 16);
			sum = tc_cksum_add(sum, e.dst.a, 16);
			sum += (uint32_t)l + 58;
		}
		T_EQ_U(t, tc_cksum_fold(tc_cksum_add(sum, e.raw + e.tcp_off, l)), 0);  /* a valid checksum */
		tc_seg_free(&d);
		tc_seg_free(&e);
		tc_seg_free(&q);
	}
	{
		struct tc_seg e, d;
		static const uint8_t ts[] = { 0x44, 0x08, 0x05, 0x00, 0, 0, 0, 0, 0x01 };

		tc_seg_init(&e);
		tc_addr_parse(&e.src, "198.18.0.1");
		tc_addr_parse(&e.dst, "198.18.0.2");
		e.flags = TC_SYN;
		memcpy(e.ip_opts, ts, sizeof(ts));
		e.ip_optlen = sizeof(ts);               /* 9 bytes: padded to 12 */
		T_EQ_U(t, tc_seg_encode(&e, NULL, NULL, NULL, 0), 0);
		T_EQ_U(t, e.raw[14] & 0x0f, 8);         /* IHL: 20 + 12 bytes */
		T_EQ_U(t, tc_seg_decode(&d, e.raw, e.raw_len, TC_LINK_ETH), 0);
		T_EQ_S(t, d.problem, "");
		T_EQ_U(t, d.ip_optlen, 12);
		T_EQ_U(t, d.ip_opts[0], 0x44);
		T_EQ_U(t, d.cksum_status, TC_CK_OK);
		T_EQ_U(t, d.ip_cksum_status, TC_CK_OK);
		tc_seg_free(&d);
		tc_seg_free(&e);
	}
}
