/* Unit tests of the matcher: segments that must fit a pattern, segments that must not,
 * and the exact reason given for each misfit. */
#include "t.h"

#include "case/case.h"
#include "case/match.h"
#include "packet/format.h"
#include "util/util.h"

#include <stdlib.h>

/* pat - the pattern of a one-line expect step. */
static struct tc_case *pat(const char *line)
{
	char buf[512], err[TC_ERRLEN];
	struct tc_case *c;

	snprintf(buf, sizeof(buf), "@id a\n@title T\n@rfc R\n@level MUST\n%s\n", line);
	c = tc_case_parse("m.tcp", buf, strlen(buf), err, sizeof(err));
	if (!c)
		printf("# parse error: %s\n", err);
	return c;
}

/* seg - a target segment (ISN 1000, tester ISN 5000) with options and payload. */
static void seg(struct tc_seg *s, uint16_t flags, uint32_t rseq, uint32_t rack, const char *payload)
{
	tc_seg_init(s);
	tc_addr_parse(&s->src, "198.18.0.2");
	tc_addr_parse(&s->dst, "198.18.0.1");
	s->sport = 9;
	s->dport = 20000;
	s->flags = flags;
	s->seq = 1000 + rseq;
	s->ack = 5000 + rack;
	s->win = 64240;
	s->payload_len = payload ? (uint32_t)strlen(payload) : 0;
	tc_opt_mss(&s->opts[0], 1460);
	tc_opt_simple(&s->opts[1], TC_OPT_SACKOK);
	tc_opt_ts(&s->opts[2], 77, 88);
	tc_opt_simple(&s->opts[3], TC_OPT_NOP);
	tc_opt_wscale(&s->opts[4], 7);
	s->nopts = 5;
	tc_seg_encode(s, (const uint8_t *)payload, NULL, NULL, 0);
}

static void check(struct t_ctx *t, const char *line, const struct tc_seg *s, const char *why, int lineno)
{
	struct tc_case *c = pat(line);
	char got[200] = "";
	int m;

	if (!c) {
		t_fail(t, __FILE__, lineno, "pattern did not parse: %s", line);
		return;
	}
	m = tc_match(&c->steps[0].seg, s, 1000, 5000, got, sizeof(got));
	if (!why && !m)
		t_fail(t, __FILE__, lineno, "'%s' should match, but: %s", line, got);
	else if (why && m)
		t_fail(t, __FILE__, lineno, "'%s' should not match", line);
	else if (why && strcmp(why, got))
		t_fail(t, __FILE__, lineno, "'%s': reason \"%s\", expected \"%s\"", line, got, why);
	tc_case_free(c);
}
#define MATCH(line, s) check(t, line, s, NULL, __LINE__)
#define NOMATCH(line, s, why) check(t, line, s, why, __LINE__)

void test_match_fields(struct t_ctx *t)
{
	struct tc_seg s;

	seg(&s, TC_SYN | TC_ACK, 0, 1, NULL);
	MATCH("< S. 0:0(0) ack 1", &s);
	MATCH("< S. 0:0(0) ack 1 win 64240", &s);
	MATCH("< * *", &s);
	MATCH("< S. *:*(0) ack *", &s);
	MATCH("< S.P? 0:0(0)", &s);
	NOMATCH("< S 0:0(0)", &s, "flags are [S.], expected [S]");
	NOMATCH("< S.P 0:0(0)", &s, "flags are [S.], expected [SP.]");
	NOMATCH("< R. 0:0(0) ack 1", &s, "flags are [S.], expected [R.]");
	NOMATCH("< S. 1:1(0) ack 1", &s, "seq is 0, expected 1");
	NOMATCH("< S. 0:0(0) ack 2", &s, "ack is 1, expected 2");
	NOMATCH("< S. 0:0(0) ack 1 win 65535", &s, "win is 64240, expected 65535");
	NOMATCH("< S. 0:1(1) ack 1", &s, "length is 0, expected 1");
	NOMATCH("< S. 0:0(0) ttl 1", &s, "ttl is 64, expected 1");
	/* ranges: LO..HI */
	MATCH("< S. 0:0(0) ack 1 win 1..64240 ttl 64..255", &s);
	NOMATCH("< S. 0:0(0) win 1..64239", &s, "win is 64240, expected 1..64239");
	NOMATCH("< S. 0:*(0..0) ttl 65..255", &s, "ttl is 64, expected 65..255");
	/* the ECN field is the low two bits of tos: DSCP aside */
	s.tos = 0xb8 | 3;
	MATCH("< S. 0:0(0) ecn ce", &s);
	MATCH("< S. 0:0(0) ecn 3 tos 187", &s);
	MATCH("< S. 0:0(0) ecn *", &s);
	NOMATCH("< S. 0:0(0) ecn not-ect", &s, "ecn is ce, expected not-ect; tos 0xbb, its DSCP 46 not compared");
	NOMATCH("< S. 0:0(0) ecn ect0", &s, "ecn is ce, expected ect0; tos 0xbb, its DSCP 46 not compared");
	NOMATCH("< S. 0:0(0) tos 0", &s, "tos is 187, expected 0");
	s.tos = 0;
	tc_seg_free(&s);

	/* payload and sequence arithmetic across the wrap */
	seg(&s, TC_PSH | TC_ACK, 0xfffffff0u, 2, "s");
	MATCH("< P. -16:-15(1) ack 2 \"s\"", &s);
	MATCH("< P. 4294967280:4294967281(1)", &s);
	NOMATCH("< P. -16:-15(1) \"t\"", &s, "payload byte 0 is 0x73, expected 0x74");
	tc_seg_free(&s);

	/* checksums and malformed segments never fit, unless asked */
	{
		struct tc_seg e, d;
		struct tc_enc_opts eo = { .tcp_cksum_set = 1, .tcp_cksum = 0xdead };

		seg(&e, TC_ACK, 1, 1, NULL);
		tc_seg_encode(&e, NULL, &eo, NULL, 0);
		tc_seg_decode(&d, e.raw, e.raw_len, TC_LINK_ETH);
		NOMATCH("< . 1:1(0) ack 1", &d, "TCP checksum 0xdead is incorrect");
		MATCH("< . 1:1(0) ack 1 cksum *", &d);
		tc_seg_free(&d);
		eo = (struct tc_enc_opts){ .doff_set = 1 };
		e.doff = 4;
		tc_seg_encode(&e, NULL, &eo, NULL, 0);
		tc_seg_decode(&d, e.raw, e.raw_len, TC_LINK_ETH);
		NOMATCH("< . 1:1(0) ack 1", &d, "malformed: TCP data offset 4 is below 5");
		tc_seg_free(&d);
		tc_seg_free(&e);
	}
}

void test_match_options(struct t_ctx *t)
{
	struct tc_seg s;

	seg(&s, TC_SYN | TC_ACK, 0, 1, NULL);
	MATCH("< S. 0:0(0) <mss 1460, sackOK, TS val 77 ecr 88, nop, wscale 7>", &s);
	MATCH("< S. 0:0(0) <wscale 7, mss 1460, TS val * ecr *, sackOK>", &s);   /* a set; NOP ignored */
	MATCH("< S. 0:0(0) <mss *, ...>", &s);
	MATCH("< S. 0:0(0)", &s);                                              /* not checked */
	NOMATCH("< S. 0:0(0) <mss 1460>", &s, "option sackOK was not expected");
	NOMATCH("< S. 0:0(0) <>", &s, "option mss was not expected");
	NOMATCH("< S. 0:0(0) <mss 536, ...>", &s, "mss is 1460, expected 536");
	NOMATCH("< S. 0:0(0) <TS val * ecr 0, ...>", &s, "TS ecr is 88, expected 0");
	NOMATCH("< S. 0:0(0) <md5 *, ...>", &s, "option md5 is missing");
	NOMATCH("< S. 0:0(0) <unknown-99 *, ...>", &s, "option unknown-99 is missing");
	NOMATCH("< S. 0:0(0) <sack 1 {1:2}, ...>", &s, "option sack is missing");
	tc_seg_free(&s);

	/* SACK blocks are relative to the tester's ISN */
	tc_seg_init(&s);
	tc_addr_parse(&s.src, "198.18.0.2");
	tc_addr_parse(&s.dst, "198.18.0.1");
	s.flags = TC_ACK;
	s.seq = 1001;
	s.ack = 5001;
	s.opts[0].kind = TC_OPT_SACK;
	s.opts[0].v.sack.n = 1;
	s.opts[0].v.sack.l[0] = 5011;
	s.opts[0].v.sack.r[0] = 5021;
	s.nopts = 1;
	tc_seg_encode(&s, NULL, NULL, NULL, 0);
	{
		struct tc_seg d;

		tc_seg_decode(&d, s.raw, s.raw_len, TC_LINK_ETH);
		MATCH("< . 1:1(0) ack 1 <sack 1 {11:21}>", &d);
		NOMATCH("< . 1:1(0) ack 1 <sack 1 {11:31}>", &d, "sack right edge is 21, expected 31");
		NOMATCH("< . 1:1(0) ack 1 <sack 2 {11:21} {31:41}>", &d, "sack has 1 blocks, expected 2");
		tc_seg_free(&d);
	}
	tc_seg_free(&s);
}

/* What the formatter prints for a decoded segment parses back, and fits it. */
void test_parse_roundtrip_options(struct t_ctx *t)
{
	struct tc_seg s;
	char txt[600], line[700];

	seg(&s, TC_SYN | TC_ACK | TC_ECE, 0, 1, NULL);
	tc_seg_format_case(&s, 1000, 5000, txt, sizeof(txt));
	T_EQ_S(t, txt, "S.E 0:0(0) ack 1 win 64240 <mss 1460,sackOK,TS val 77 ecr 88,nop,wscale 7>");
	snprintf(line, sizeof(line), "< %s", txt);
	MATCH(line, &s);
	tc_seg_free(&s);
}
