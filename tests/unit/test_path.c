/* Unit tests of the path analysis: traces as a middlebox leaves them must give the
 * finding, with its message; clean traces must give none. */
#include "t.h"

#include "env/trace.h"
#include "run/path.h"
#include "util/util.h"

#include <string.h>

static struct tc_case the_case = { .id = "tcp.x" }, other_case = { .id = "tcp.y" };

static void add(struct tc_result *r, enum tc_dir dir, uint16_t flags, uint8_t ttl, const char *opts)
{
	struct tc_seg s;

	tc_seg_init(&s);
	s.dir = dir;
	s.flags = flags;
	s.ttl = ttl;
	s.cksum_status = TC_CK_OK;
	for (const char *p = opts; p && *p; p++) {
		struct tc_opt *o = &s.opts[s.nopts++];

		switch (*p) {
		case 'n': tc_opt_simple(o, TC_OPT_NOP); break;
		case 'k': tc_opt_simple(o, TC_OPT_SACKOK); break;
		case 'm': tc_opt_mss(o, 1460); break;
		case 'c': tc_opt_mss(o, 1000); break;          /* clamped */
		case 't': tc_opt_ts(o, 100, 0); break;          /* the SYN's: TSval 100 */
		case 'e': tc_opt_ts(o, 5000, 100); break;       /* echoes 100 */
		case 'x': tc_opt_ts(o, 5000, 999); break;       /* echoes what nobody sent */
		default: break;
		}
	}
	tc_result_trace_add(r, &s, 0, NULL);
}

static void handshake(struct tc_result *r, const char *synack_opts, uint8_t ttl)
{
	tc_result_init(r, &the_case);
	add(r, TC_DIR_OUT, TC_SYN, 64, "mkt");
	add(r, TC_DIR_IN, TC_SYN | TC_ACK, ttl, synack_opts);
	add(r, TC_DIR_OUT, TC_ACK, 64, NULL);
}

static const struct tc_path_finding *find(const struct tc_path_report *p, const char *what)
{
	for (int i = 0; i < p->n; i++)
		if (!strcmp(p->f[i].what, what))
			return &p->f[i];
	return NULL;
}

void test_path_findings(struct t_ctx *t)
{
	struct tc_result r[3];
	struct tc_path_report p;
	const struct tc_path_finding *f;

	/* clean: no finding, the values recorded */
	handshake(&r[0], "mket", 64);
	handshake(&r[1], "mket", 64);
	add(&r[1], TC_DIR_IN, TC_RST, 64, NULL);
	tc_path_analyze(r, 2, 1500, &p);
	T_EQ_U(t, (unsigned)p.n, 0);
	T_EQ_U(t, (unsigned)p.fam[0].n_mss, 1);
	T_EQ_U(t, p.fam[0].mss[0], 1460);
	T_EQ_U(t, p.fam[0].ttl_rst[0], 64);
	tc_result_free(&r[0]);
	tc_result_free(&r[1]);

	/* a firewall's RST: another TTL */
	handshake(&r[0], "mket", 61);
	add(&r[0], TC_DIR_IN, TC_ACK, 61, NULL);
	tc_result_init(&r[1], &the_case);
	add(&r[1], TC_DIR_OUT, TC_ACK, 64, NULL);
	add(&r[1], TC_DIR_IN, TC_RST, 250, NULL);
	tc_path_analyze(r, 2, 0, &p);
	f = find(&p, "ttl");
	T_OK(t, f != NULL);
	if (f)
		T_EQ_S(t, f->message, "the target's SYN-ACKs come with TTL 61, its RSTs with 250 (tcp.x): something on "
		       "the way answers for it or rewrites its RSTs");
	T_EQ_U(t, (unsigned)p.n, 1);
	tc_result_free(&r[0]);
	tc_result_free(&r[1]);

	/* MSS clamped; timestamps stripped from the SYN-ACK (NOPs) but on the later ACKs;
	 * a TSecr that echoes nothing */
	handshake(&r[0], "cnnnnnnnnnnk", 64);
	add(&r[0], TC_DIR_IN, TC_ACK, 64, "e");
	handshake(&r[1], "cx", 64);
	tc_path_analyze(r, 2, 1500, &p);
	f = find(&p, "mss");
	T_OK(t, f && !strcmp(f->message, "the target announces MSS 1000, less than the 1460 that this side's link "
			     "(MTU 1500) allows (tcp.x): its own link is smaller, or a middlebox clamps MSS"));
	f = find(&p, "options");
	T_OK(t, f && !strcmp(f->message, "a SYN-ACK carries 10 NOPs in a row (tcp.x): an option was overwritten "
			     "on the way, as middleboxes that strip options do"));
	f = find(&p, "timestamps");
	T_OK(t, f && !strcmp(f->message, "a SYN-ACK's TSecr 999 does not echo the SYN's TSval 100 (tcp.x): "
			     "timestamps rewritten on the way, or by the stack"));
	T_EQ_U(t, (unsigned)p.n, 3);
	tc_result_free(&r[0]);
	tc_result_free(&r[1]);

	/* options the SYN-ACK lacked (no NOP trace) on later segments; MSS values differ */
	handshake(&r[0], "m", 64);
	add(&r[0], TC_DIR_IN, TC_ACK, 64, "e");
	handshake(&r[1], "c", 64);
	r[1].c = &other_case;                   /* the one with the odd value is named */
	tc_path_analyze(r, 2, 0, &p);
	f = find(&p, "options");
	T_OK(t, f && !strcmp(f->message, "the target's segments carry timestamps that its SYN-ACK did not (tcp.x): "
			     "the SYN-ACK's option was removed on the way"));
	f = find(&p, "mss");
	T_OK(t, f && !strcmp(f->message, "the target's SYN-ACKs announce different MSS values (1460, 1000; 1000 "
			     "first in tcp.y): a middlebox clamps some"));
	tc_result_free(&r[0]);
	tc_result_free(&r[1]);
}

/* --trace-path: what a router's quote of the tester's SYN shows, against what was sent:
 * nothing when alike; the field and both values when changed; only the sequence number
 * when the router quoted the first 8 bytes of the TCP header (RFC 792). */
void test_trace_quotes(struct t_ctx *t)
{
	struct tc_seg s;
	char err[TC_ERRLEN], out[300];
	uint8_t q[120];
	size_t n, o;
	int whole = -1;

	tc_seg_init(&s);
	s.link = TC_LINK_RAW;
	tc_addr_parse(&s.src, "198.51.100.1");
	tc_addr_parse(&s.dst, "203.0.113.2");
	s.sport = 24000;
	s.dport = 80;
	s.seq = 1000;
	s.flags = TC_SYN;
	s.win = 65535;
	s.nopts = 4;
	s.opts[0].kind = TC_OPT_MSS;
	s.opts[0].v.mss = 1460;
	s.opts[1].kind = TC_OPT_SACKOK;
	s.opts[2].kind = TC_OPT_TS;
	s.opts[2].v.ts.val = 1;
	s.opts[3].kind = TC_OPT_NOP;
	if (tc_seg_encode(&s, NULL, NULL, err, sizeof(err)) < 0) {
		t_fail(t, __FILE__, __LINE__, "encode: %s", err);
		return;
	}
	n = s.raw_len;
	memcpy(q, s.raw, n);
	tc_quote_changes(&s, q, n, &whole, out, sizeof(out));
	T_EQ_S(t, out, "");
	T_EQ_U(t, whole, 1);
	/* the MSS lowered to 1000, the timestamps overwritten with NOPs (as nftables does) */
	o = 40;                                         /* the options, after 20 + 20 bytes */
	T_EQ_U(t, q[o], TC_OPT_MSS);
	q[o + 2] = 1000 >> 8;
	q[o + 3] = 1000 & 255;
	T_EQ_U(t, q[o + 6], TC_OPT_TS);
	memset(q + o + 6, TC_OPT_NOP, 10);
	tc_quote_changes(&s, q, n, &whole, out, sizeof(out));
	T_EQ_S(t, out, "mss 1460 -> 1000; option timestamps removed");
	/* the first 8 bytes only: the sequence number is all there is to compare */
	tc_quote_changes(&s, q, 28, &whole, out, sizeof(out));
	T_EQ_S(t, out, "");
	T_EQ_U(t, whole, 0);
	q[27] ^= 1;
	tc_quote_changes(&s, q, 28, &whole, out, sizeof(out));
	T_EQ_S(t, out, "sequence number 1000 -> 1001");
	tc_seg_free(&s);
}
