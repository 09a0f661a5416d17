/*
 * packet: the one segment type of tcpconform.
 *
 * A struct tc_seg holds the raw bytes of a frame (owned) and the decoded view of
 * its Ethernet, IPv4/IPv6 and TCP headers with all TCP options. The same struct is
 * the input of the encoder: fill the view, call tc_seg_encode(), get the bytes.
 * Decoding and encoding are pure: no sockets, no root.
 */
#ifndef TC_PACKET_SEG_H
#define TC_PACKET_SEG_H

#include <stddef.h>
#include <stdint.h>

/* TCP control bits: the low 8 bits of header byte 13, plus the 4 bits that RFC 9293
 * calls Rsrvd (bit 8 is AE/NS, used by Accurate ECN; 9..11 are reserved). */
enum {
	TC_FIN = 0x001, TC_SYN = 0x002, TC_RST = 0x004, TC_PSH = 0x008,
	TC_ACK = 0x010, TC_URG = 0x020, TC_ECE = 0x040, TC_CWR = 0x080,
	TC_AE = 0x100, TC_RSV1 = 0x200, TC_RSV2 = 0x400, TC_RSV3 = 0x800,
};
#define TC_FLAGS_ALL 0xfffu

/* TCP option kinds with names. */
enum {
	TC_OPT_EOL = 0, TC_OPT_NOP = 1, TC_OPT_MSS = 2, TC_OPT_WSCALE = 3,
	TC_OPT_SACKOK = 4, TC_OPT_SACK = 5, TC_OPT_TS = 8, TC_OPT_MD5 = 19,
	TC_OPT_UTO = 28, TC_OPT_AO = 29, TC_OPT_MPTCP = 30, TC_OPT_FASTOPEN = 34,
	TC_OPT_EXP1 = 253, TC_OPT_EXP2 = 254,
};

#define TC_MAX_OPTS 40          /* 40 option bytes hold at most 40 one-byte options */
#define TC_OPT_DATA 40
#define TC_SACK_MAX 4

struct tc_opt {
	uint8_t kind;
	uint8_t len;            /* the length byte as on the wire; 1 for EOL and NOP */
	uint8_t dlen;           /* data bytes present after kind and length */
	uint8_t bad;            /* length wrong for the kind, or runs past the header */
	uint8_t data[TC_OPT_DATA];
	union {
		uint16_t mss;
		uint8_t wscale;
		struct { uint32_t val, ecr; } ts;
		struct { uint8_t n; uint32_t l[TC_SACK_MAX], r[TC_SACK_MAX]; } sack;
	} v;                    /* decoded values of the known kinds (when !bad) */
};

enum tc_link { TC_LINK_ETH = 1, TC_LINK_RAW = 2 };   /* Ethernet, or a bare IP packet */
enum tc_dir { TC_DIR_NONE = 0, TC_DIR_OUT = 1, TC_DIR_IN = 2 };
enum tc_cksum { TC_CK_UNKNOWN = 0, TC_CK_OK, TC_CK_BAD, TC_CK_PARTIAL };

struct tc_addr {
	int family;             /* 4 or 6 (0: unset) */
	uint8_t a[16];          /* IPv4 in the first 4 bytes */
};

struct tc_seg {
	/* Raw frame, owned by the segment (NULL for a segment not yet encoded). */
	uint8_t *raw;
	size_t raw_len;
	enum tc_link link;
	uint64_t t_us;          /* capture or injection time */
	enum tc_dir dir;

	/* Ethernet */
	uint8_t eth_src[6], eth_dst[6];
	uint16_t ethertype;

	/* IP */
	int family;             /* 4 or 6 */
	struct tc_addr src, dst;
	uint8_t tos;            /* IPv4 TOS or IPv6 traffic class */
	uint8_t ttl;            /* IPv4 TTL or IPv6 hop limit */
	uint8_t ip_proto;       /* IPv4 protocol or IPv6 next header */
	uint16_t ip_id;
	uint16_t ip_frag;       /* IPv4 flags and fragment offset, host order */
	uint32_t flowlabel;
	uint16_t ip_len;        /* IPv4 total length / IPv6 payload length, as on the wire */
	uint16_t ip_cksum;
	enum tc_cksum ip_cksum_status;
	uint8_t ip_opts[40];    /* IPv4 options, as on the wire (padded to 4 when encoded) */
	uint8_t ip_optlen;

	/* ICMP and ICMPv6 (ip_proto 1 or 58): type, code, the 4 bytes after the checksum
	 * (the next-hop MTU of "fragmentation needed", the MTU of "packet too big"); the
	 * quoted packet is the payload. */
	uint8_t icmp_type, icmp_code;
	uint32_t icmp_rest;

	/* TCP */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t doff;           /* data offset in 32-bit words, as on the wire */
	uint16_t flags;         /* TC_FIN .. TC_RSV3 */
	uint16_t win, cksum, urp;
	enum tc_cksum cksum_status;
	struct tc_opt opts[TC_MAX_OPTS];
	int nopts;
	size_t tcp_off;         /* offset of the TCP header in raw */
	size_t payload_off;     /* offset of the payload in raw */
	uint32_t payload_len;

	/* Empty when well formed; otherwise what is wrong (a finding about the sender). */
	char problem[96];
	/* The problem is in the options alone: the header and the data are sound, and a
	 * receiver may process the segment, ignoring the options from the bad one on
	 * (RFC 9293 MUST-7). */
	uint8_t opt_problem;
	/* The IP length says more bytes than the frame holds: cut by the capture (a frame
	 * longer than the link's MTU: segments merged on the receiving host) or sent short. */
	uint8_t truncated;
	uint8_t cut;            /* the capture kept less than the frame (set by the receiver) */
};

/* tc_seg_unreadable - a receiver cannot process @s at all (a broken IP or TCP header,
 * not just a bad option). */
static inline int tc_seg_unreadable(const struct tc_seg *s) { return s->problem[0] && !s->opt_problem; }

/* Encoding requests that go beyond the view: deliberate errors. */
struct tc_enc_opts {
	int tcp_cksum_set;      /* use tcp_cksum as is instead of computing it */
	uint16_t tcp_cksum;
	int ip_cksum_set;
	uint16_t ip_cksum;
	int ip_len_set;         /* use the view's ip_len as is */
	int doff_set;           /* use the view's doff as is */
	int no_opt_padding;     /* do not pad the options to a multiple of 4 with EOL */
};

/* Sequence arithmetic modulo 2^32 (RFC 9293 3.4). */
static inline int tc_seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline int tc_seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline int tc_seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline int tc_seq_ge(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }

/* tc_seg_len - SEG.LEN: payload octets plus one for SYN and one for FIN. */
uint32_t tc_seg_len(const struct tc_seg *s);

/* tc_seg_init - zero a segment and give it sane defaults (IPv4, TTL 64, Ethernet). */
void tc_seg_init(struct tc_seg *s);

/* tc_seg_free - release the raw bytes; the view stays readable. NULL is fine. */
void tc_seg_free(struct tc_seg *s);

/* tc_seg_copy - deep copy of @src into @dst (which must not own bytes). */
void tc_seg_copy(struct tc_seg *dst, const struct tc_seg *src);

/* tc_seg_payload - pointer to the payload bytes (NULL when there are none). */
const uint8_t *tc_seg_payload(const struct tc_seg *s);

/*
 * tc_seg_decode - decode @len bytes of @frame (copied into s->raw) as @link.
 * Returns 0 for a TCP segment (s->problem is empty if it is well formed, or says what
 * is wrong: the view holds what could be read), 1 for a frame that is not TCP over IP
 * (ARP, ICMP...: ethertype, family and ip_proto tell what), -1 for a frame too short
 * or too broken to say where its TCP header is (s->problem says why).
 */
int tc_seg_decode(struct tc_seg *s, const uint8_t *frame, size_t len, enum tc_link link);

/*
 * tc_seg_encode - build s->raw from the view (options from s->opts, payload @payload
 * of s->payload_len bytes), computing lengths and checksums unless @eo asks for
 * deliberate errors (@eo may be NULL). Fills doff, ip_len, cksum and the checksum
 * status in the view. With ip_proto 1 (IPv4) or 58 (IPv6) it builds an ICMP message
 * instead: icmp_type, icmp_code, icmp_rest, and the payload as the quoted packet.
 * Returns 0, or -1 with @err filled when the view cannot be encoded (more than 40
 * option bytes, payload too large).
 */
int tc_seg_encode(struct tc_seg *s, const uint8_t *payload, const struct tc_enc_opts *eo,
		  char *err, size_t errlen);

/* tc_opts_encode - the option bytes of @opts (unpadded) into @buf (at least 60 bytes);
 * returns their length. Exported for the injector, which hands them to libnet. */
size_t tc_opts_encode(const struct tc_opt *opts, int n, uint8_t *buf, size_t buflen);

/* Option helpers for building segments. */
void tc_opt_mss(struct tc_opt *o, uint16_t mss);
void tc_opt_wscale(struct tc_opt *o, uint8_t shift);
void tc_opt_simple(struct tc_opt *o, uint8_t kind);       /* NOP, EOL, SACK-permitted */
void tc_opt_ts(struct tc_opt *o, uint32_t val, uint32_t ecr);

/* tc_opt_find - the first option of @kind, or NULL. */
const struct tc_opt *tc_opt_find(const struct tc_seg *s, uint8_t kind);

/* tc_opt_name - tcpdump's name of an option kind ("mss", "wscale", "sackOK", "TS"...). */
const char *tc_opt_name(uint8_t kind);

/* Checksums. tc_cksum_fold is the final fold and complement of a 32-bit partial sum. */
uint32_t tc_cksum_add(uint32_t sum, const uint8_t *p, size_t len);
uint16_t tc_cksum_fold(uint32_t sum);
/* tc_tcp_pseudo_sum - the partial sum of the IPv4/IPv6 pseudo header. */
uint32_t tc_tcp_pseudo_sum(const struct tc_addr *src, const struct tc_addr *dst, uint32_t tcp_len);

/* Addresses. */
int tc_addr_parse(struct tc_addr *a, const char *text);    /* 0 or -1 */
void tc_addr_format(const struct tc_addr *a, char *buf, size_t len);
int tc_addr_eq(const struct tc_addr *a, const struct tc_addr *b);

#endif
