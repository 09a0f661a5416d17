/* libnet builds the IP and Ethernet headers of what the live back-end sends; the
 * encoder builds the same frames for traces, pcaps and offline runs. Both must give
 * the same bytes, for IPv4 and IPv6, with damage done on purpose. Needs root (libnet
 * hands back built frames only in its advanced mode, which opens a packet socket). */
#include "t.h"

#include "io/live.h"
#include "packet/seg.h"
#include "util/util.h"

#include <stdlib.h>
#include <unistd.h>

static void one(struct t_ctx *t, int family, uint16_t flags, int nopts, const struct tc_enc_opts *eo,
		int line)
{
	struct tc_seg s;
	uint8_t *frame = NULL, payload[37];
	size_t len = 0;
	char err[TC_ERRLEN];
	static const uint8_t a[6] = { 2, 0, 0, 0, 0, 1 }, b[6] = { 2, 0, 0, 0, 0, 2 };

	tc_seg_init(&s);
	s.family = family;
	tc_addr_parse(&s.src, family == 4 ? "198.18.0.1" : "2001:db8:7463::1");
	tc_addr_parse(&s.dst, family == 4 ? "198.18.0.2" : "2001:db8:7463::2");
	memcpy(s.eth_src, a, 6);
	memcpy(s.eth_dst, b, 6);
	s.sport = 40001;
	s.dport = 7;
	s.seq = 0xfffffff0u;
	s.ack = 12345;
	s.flags = flags;
	s.win = 512;
	s.ip_id = 777;
	s.ip_frag = family == 4 ? 0x4000 : 0;
	s.tos = 0x10;
	s.ttl = 33;
	if (nopts) {
		tc_opt_mss(&s.opts[0], 1000);
		tc_opt_simple(&s.opts[1], TC_OPT_NOP);
		tc_opt_wscale(&s.opts[2], 14);
		s.nopts = 3;
	}
	memset(payload, 'z', sizeof(payload));
	s.payload_len = sizeof(payload);
	if (line < 0 && line > -1000) {                 /* IP options: NOP NOP Timestamp */
		static const uint8_t o[] = { 1, 1, 0x44, 8, 5, 0, 0, 0, 0, 0 };

		memcpy(s.ip_opts, o, sizeof(o));
		s.ip_optlen = sizeof(o);
		line = -line;
	} else if (line < 0) {                          /* ICMP quoting the payload bytes */
		s.ip_proto = family == 4 ? 1 : 58;
		s.icmp_type = family == 4 ? 3 : 1;
		s.icmp_code = 3;
		line = -line - 1000;
	}
	if (eo && eo->ip_len_set)
		s.ip_len = 1000;
	if (tc_seg_encode(&s, payload, eo, err, sizeof(err)) < 0 ||
	    tc_libnet_frame("lo", &s, &frame, &len, err, sizeof(err)) < 0) {
		t_fail(t, __FILE__, line, "%s", err);
	} else if (len != s.raw_len || memcmp(frame, s.raw, len)) {
		size_t i = 0;

		while (i < len && i < s.raw_len && frame[i] == s.raw[i])
			i++;
		t_fail(t, __FILE__, line, "libnet's frame (%zu bytes) differs from the encoder's (%zu) at byte %zu",
		       len, s.raw_len, i);
	}
	free(frame);
	tc_seg_free(&s);
}

void test_libnet_frames(struct t_ctx *t)
{
	struct tc_enc_opts bad_tcp = { .tcp_cksum_set = 1, .tcp_cksum = 0xbad0 };
	struct tc_enc_opts bad_ip = { .ip_cksum_set = 1, .ip_cksum = 0x1234 };
	struct tc_enc_opts zero_ip = { .ip_cksum_set = 1, .ip_cksum = 0 };
	struct tc_enc_opts odd_len = { .ip_len_set = 1 };   /* the length field says 1000 */

	if (geteuid() != 0) {
		t->skipped = "needs root";
		return;
	}
	one(t, 4, TC_SYN, 3, NULL, __LINE__);
	one(t, 4, TC_ACK | TC_PSH | TC_RSV1 | TC_AE, 0, NULL, __LINE__);
	one(t, 4, TC_ACK, 3, &bad_tcp, __LINE__);
	one(t, 4, TC_ACK, 0, &bad_ip, __LINE__);
	one(t, 4, TC_ACK, 0, &zero_ip, __LINE__);
	one(t, 6, TC_SYN | TC_ACK, 3, NULL, __LINE__);
	one(t, 6, TC_FIN | TC_URG | TC_ECE | TC_CWR, 0, &bad_tcp, __LINE__);
	one(t, 4, TC_ACK, 0, &odd_len, __LINE__);
	one(t, 6, TC_ACK, 0, &odd_len, __LINE__);
	one(t, 4, TC_SYN, 1, NULL, -__LINE__);          /* with IPv4 options */
	one(t, 4, 0, 0, NULL, -1000 - __LINE__);         /* an ICMP error */
	one(t, 6, 0, 0, NULL, -1000 - __LINE__);         /* an ICMPv6 error */
}
