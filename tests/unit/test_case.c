/* Unit tests of the case language: the parser (good files, and bad ones with their
 * exact diagnostics), the matcher and the shipped case files. */
#include "t.h"

#include "case/case.h"
#include "case/build.h"
#include "case/match.h"
#include "packet/format.h"
#include "packet/tcpstate.h"
#include "run/runner.h"
#include "util/util.h"

#include <stdlib.h>

static struct tc_case *parse(const char *text, char *err)
{
	return tc_case_parse("t.tcp", text, strlen(text), err, TC_ERRLEN);
}

#define HDR "@id a.b\n@title T\n@rfc RFC9293 3.5; RFC5961 3.2\n@level MUST\n"

void test_parse_good(struct t_ctx *t)
{
	char err[TC_ERRLEN] = "";
	struct tc_case *c = parse(HDR "@port echo\n@states LISTEN SYN-RECEIVED\n@tags core slow\n"
				  "@isn 4294967000\n@timeout 300ms\n"
				  "# a comment\n"
				  "> S 0:0(0) win 1000 <mss 1460, sackOK, TS val 5 ecr 0, nop, wscale 7>\n"
				  "< S. 0:0(0) ack 1 <mss *, ...> within 2s => SYN-RECEIVED # trailing\n"
				  "> FP. 1:3(2) ack 1 \"\\r\\n\" cksum bad ttl 3 rsvd 2\n"
				  "alt one\n< P?. 1:2(1) ack 3 \"a\"\nalt two\n< . 1:1(0) ack 3\n< * *\nend\n"
				  "< nothing 500ms\nwait 1s\nagent shutdown rd\nagent send 100\n"
				  "agent state TIME-WAIT\n> R 3:3(0) <unknown-99 len 3 0xab, mss len 5 0x0102ff>\n", err);

	T_EQ_S(t, err, "");
	if (!c)
		return;
	T_EQ_S(t, c->id, "a.b");
	T_EQ_U(t, c->nrfc, 2);
	T_EQ_S(t, c->rfc[1], "RFC5961 3.2");
	T_EQ_U(t, c->level, TC_LEVEL_MUST);
	T_EQ_U(t, c->port, TC_PORT_ECHO);
	/* OWN_BYTES: its "\\r\\n"; SEND: its 'agent send 100' */
	T_EQ_U(t, c->needs, TC_NEED_OPEN_PORT | TC_NEED_AGENT | TC_NEED_LINUX_AGENT | TC_NEED_OWN_BYTES | TC_NEED_SEND);
	T_EQ_U(t, c->nstates, 2);
	T_OK(t, tc_case_has_tag(c, "slow"));
	T_EQ_U(t, c->isn, 4294967000u);
	T_EQ_U(t, c->timeout_us, 300000);
	T_EQ_U(t, c->nsteps, 10);
	T_EQ_U(t, c->steps[0].kind, TC_STEP_SEND);
	T_EQ_U(t, c->steps[0].seg.nopts, 5);
	T_EQ_U(t, c->steps[0].seg.opts[2].a.v, 5);
	T_EQ_U(t, c->steps[0].seg.win.v, 1000);
	T_EQ_U(t, c->steps[1].dur_us, 2000000);
	T_EQ_S(t, c->steps[1].state, "SYN-RECEIVED");
	T_OK(t, c->steps[1].seg.opts_more && c->steps[1].seg.opts[0].a.any);
	T_EQ_S(t, c->steps[1].text, "< S. 0:0(0) ack 1 <mss *, ...> within 2s => SYN-RECEIVED");
	T_EQ_U(t, c->steps[2].seg.flags, TC_FIN | TC_PSH | TC_ACK);
	T_EQ_U(t, c->steps[2].seg.payload_len, 2);
	T_EQ_U(t, c->steps[2].seg.payload[0], '\r');
	T_EQ_U(t, c->steps[2].seg.cksum, TC_CKREQ_BAD);
	T_EQ_U(t, c->steps[2].seg.rsvd.v, 2);
	T_EQ_U(t, c->steps[3].kind, TC_STEP_ALT);
	T_EQ_U(t, c->steps[3].nbr, 2);
	T_EQ_S(t, c->steps[3].br[1].name, "two");
	T_EQ_U(t, c->steps[3].br[0].steps[0].seg.flags_opt, TC_PSH);
	T_OK(t, c->steps[3].br[1].steps[1].seg.flags_any && c->steps[3].br[1].steps[1].seg.seq.any);
	T_EQ_U(t, c->steps[4].kind, TC_STEP_NOTHING);
	T_EQ_U(t, c->steps[4].dur_us, 500000);
	T_EQ_U(t, c->steps[5].dur_us, 1000000);
	T_EQ_S(t, c->steps[6].sarg, "rd");
	T_EQ_U(t, c->steps[7].arg, 100);
	T_EQ_S(t, c->steps[8].sarg, "TIME-WAIT");
	T_EQ_U(t, c->steps[9].seg.opts[0].kind, 99);
	T_EQ_U(t, c->steps[9].seg.opts[0].len, 3);
	T_EQ_U(t, c->steps[9].seg.opts[1].dlen, 3);
	tc_case_free(c);

	/* ICMP errors and the IP fields of a send */
	c = parse(HDR "> icmp frag-needed mtu 1280\n> S 0:0(0) ipsrc 2001:db8::9 ethdst broadcast ipopts 0x0101\n", err);
	T_EQ_S(t, err, "");
	if (c) {
		T_EQ_U(t, c->steps[0].kind, TC_STEP_ICMP);
		T_EQ_U(t, c->steps[0].icmp, TC_ICMP_FRAG_NEEDED);
		T_EQ_U(t, c->steps[0].arg, 1280);
		T_EQ_U(t, c->steps[1].seg.ipsrc.family, 6);
		T_EQ_U(t, c->steps[1].seg.ethdst[5], 0xff);
		T_EQ_U(t, c->steps[1].seg.ipoptlen, 2);
		tc_case_free(c);
	}

	/* A closed port, relative numbers that wrap, negative values. */
	c = parse(HDR "@port closed\n> . 1:1(0) ack -1\n< R -1:-1(0)\n", err);
	T_EQ_S(t, err, "");
	if (c) {
		T_EQ_U(t, c->needs, TC_NEED_CLOSED_PORT);
		T_EQ_U(t, c->steps[0].seg.ack.v, 0xffffffffu);
		tc_case_free(c);
	}
}

/* Each bad file, and the exact message it must give: file:line:col: what is wrong. */
void test_parse_bad(struct t_ctx *t)
{
	static const struct { const char *text, *msg; } bad[] = {
		{ "@id a\n@title T\n@rfc R\n", "t.tcp:3:1: missing @level" },
		{ HDR, "t.tcp:4:1: the case has no steps" },
		{ HDR "@colour red\n", "t.tcp:5:1: unknown metadata '@colour' (id, title, rfc, level, needs, port, states, tags, isn, timeout, family, samples, analyze, sysctl, source)" },
		{ HDR "@id x\n", "t.tcp:5:1: @id given twice" },
		{ "@id Bad.Id\n", "t.tcp:1:5: an id is lower-case words joined by dots, like tcp.data.echo" },
		{ HDR "@level MAYBE\n", "t.tcp:5:1: @level given twice" },
		{ "@id a\n@title T\n@rfc R\n@level MAYBE\n", "t.tcp:4:8: a level is MUST, SHOULD, MAY or LINUX" },
		{ "@id a\n@title T\n@level LINUX\n> S 0:0(0)\n", "t.tcp:4:1: a LINUX case names the script it comes from: missing @source" },
		{ HDR "> S 0:0(0)\n@port echo\n", "t.tcp:6:1: metadata must come before the first step" },
		{ HDR "> X 0:0(0)\n", "t.tcp:5:3: unknown flag 'X' (flags are F S R P . U E W e, '?' after one makes it optional, '-' is none, '*' any)" },
		{ HDR "> SS 0:0(0)\n", "t.tcp:5:4: flag 'S' given twice" },
		{ HDR "> S 0:5(1)\n", "t.tcp:5:5: 0:5 is 5 bytes, not (1)" },
		{ HDR "> S 0;0(0)\n", "t.tcp:5:6: expected ':' as in 1:2(1)" },
		{ HDR "> S *:*(*)\n", "t.tcp:5:5: a segment to send needs a sequence number and length, not '*'" },
		{ HDR "> P? 0:0(0)\n", "t.tcp:5:3: a segment to send needs exact flags (no '*' or '?')" },
		{ HDR "> . 1:1(0) win *\n", "t.tcp:5:16: a segment to send needs a value, not '*', for win" },
		{ HDR "> . 1:1(0) win 70000\n", "t.tcp:5:16: win 70000 does not fit (at most 65535)" },
		{ HDR "> S 0:0(0) <mss *>\n", "t.tcp:5:13: option mss to send needs a value, not '*' (only TS takes '*')" },
		{ HDR "> S 0:0(0) <mss 1460, ...>\n", "t.tcp:5:23: '...' only makes sense in an expected segment" },
		{ HDR "< . 1:1(0) ipcksum bad\n", "t.tcp:5:12: 'ipcksum' can only be set on a segment to send" },
		{ HDR "< . 1:1(0) doff 5\n", "t.tcp:5:12: 'doff' can only be set on a segment to send" },
		{ HDR "< . 1:1(0) cksum bad cksum ok\n", "t.tcp:5:22: 'cksum' given twice" },
		{ HDR "< . 1:1(0) cksum 0x1234\n", "t.tcp:5:18: expected ok, bad or *" },
		{ HDR "< . 1:1(0) within 1s within 2s\n", "t.tcp:5:22: 'within' given twice" },
		{ HDR "< . 1:11(10) pieces pieces\n", "t.tcp:5:21: 'pieces' given twice" },
		{ HDR "agent send 10 -> 5\n", "t.tcp:5:18: '-> N' checks the count 'agent take' read; other calls take '-> ERRNO'" },
		{ HDR "agent close -> epipe\n", "t.tcp:5:16: '->' takes an errno name (EPIPE, ECONNRESET, ...) or, after 'agent take', a count" },
		{ HDR "agent take 5 took 2s..1s\n", "t.tcp:5:19: 'took LO..HI' needs LO <= HI" },
		{ HDR "> . 1:1(0) ack $\n", "t.tcp:5:16: '$' needs a name: a letter or '_', then letters, digits or '_'" },
		{ HDR "> . 1:1(0) ack $a23456789012345678901234\n", "t.tcp:5:16: a name is at most 23 characters" },
		{ HDR "< S. 0:0(0) <tfo $c>\n> . 1:1(0) ack $c\n", "t.tcp:6:16: $c holds an option's bytes, not a number" },
		{ HDR "< . 1:1(0) ack $n\n< . 1:1(0) <tfo $n>\n", "t.tcp:6:17: $n holds a number, not an option's bytes" },
		{ HDR "< . *:*(10) pieces\n", "t.tcp:5:13: 'pieces' needs the range's SEQ and LEN, not '*' or a range" },
		{ HDR "< S. 0:0(0) pieces\n", "t.tcp:5:13: 'pieces' is for a range of data, not a SYN or any flags" },
		{ HDR "< . 1:1(0) pieces\n", "t.tcp:5:12: 'pieces' needs a range of data: the length is (0)" },
		{ HDR "> . 1:11(10) pieces\n", "t.tcp:5:14: unexpected 'pieces'" },
		{ HDR "> S 0:0(0)\nalt a\n< . 1:11(10) pieces\nalt b\n< R 0:0(0)\nend\n",
		  "t.tcp:7:14: 'pieces' is not allowed in an alternative: its first segment would choose the branch" },
		{ HDR "agent state FOO\n", "t.tcp:5:13: unknown state 'FOO'" },
		{ HDR "@port echo\nagent connect\n", "t.tcp:6:7: 'agent connect' needs @port active (the target opens the connection)" },
		{ HDR "> . 1:3(2) \"abc\"\n", "t.tcp:5:17: the payload has 3 bytes but the length says (2)" },
		{ HDR "> P. 1:1+RCV.WND(RCV.WND) ack 1 \"abc\"\n", "t.tcp:5:38: a length from the TCB's names comes with no payload: the tester fills it" },
		{ HDR "> P. 1:2(RCV.WND + 1) ack 1\n", "t.tcp:5:17: expected ')' as in 1:2(1)" },
		{ HDR "> . 1:1(0) \"ab\n", "t.tcp:5:12: unterminated string" },
		{ HDR "> . 1:1(0) \"\\q\"\n", "t.tcp:5:13: unknown escape \\q" },
		{ HDR "> . 1:1(0) ack 99999999999\n", "t.tcp:5:16: ack is larger than 2^32-1" },
		{ HDR "> . 1:1(0) <mss 1460 wscale 7>\n", "t.tcp:5:22: expected ',' or '>' in the option list" },
		{ HDR "> . 1:1(0) <mss 1460, bogus>\n", "t.tcp:5:23: unknown option 'bogus'" },
		{ HDR "< . 1:1(0) <..., mss 1>\n", "t.tcp:5:18: '...' must come last in an option list" },
		{ HDR "> . 1:1(0) <sack 5 {1:2}>\n", "t.tcp:5:18: SACK holds 1 to 4 blocks" },
		{ HDR "> . 1:1(0) ack 1 ack 2\n", "t.tcp:5:18: 'ack' given twice" },
		{ HDR "> . 1:1(0) ack *\n", "t.tcp:5:16: a segment to send needs a value, not '*', for ack" },
		{ HDR "< . 1:1(0) iplen 5\n", "t.tcp:5:12: 'iplen' can only be set on a segment to send" },
		{ HDR "< . 1:1(0) junk\n", "t.tcp:5:12: unexpected 'junk'" },
		{ HDR "< . 1:1(0) => OPEN\n", "t.tcp:5:15: unknown state 'OPEN' (CLOSED, LISTEN, SYN-SENT, SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT)" },
		{ HDR "< nothing 5\n", "t.tcp:5:11: a duration needs a unit: us, ms or s" },
		{ HDR "wait 5m\n", "t.tcp:5:6: a duration needs a unit: us, ms or s" },
		{ HDR "agent dance\n", "t.tcp:5:7: unknown agent action 'dance' (close, abort, forget, shutdown, send N, urgent, noread, read, take N, received N, eof, state STATE, connect, sockopt NAME N, info FIELD N)" },
		{ HDR "agent info cwnd 10\n", "t.tcp:5:12: unknown TCP_INFO field 'cwnd' (a member of Linux's struct tcp_info without 'tcpi_', like snd_cwnd or rtt: testcases/README.md lists them)" },
		{ HDR "agent info snd_cwnd *\n", "t.tcp:5:21: info needs a value or a range LO..HI, not '*'" },
		{ HDR "agent info snd_cwnd 20..10\n", "t.tcp:5:23: the range 20..10 is empty" },
		{ HDR "agent sockopt nodelya 1\n", "t.tcp:5:15: unknown socket option 'nodelya' (nodelay, keepalive, keepidle, keepintvl, keepcnt, user_timeout, rcvbuf, sndbuf, linger, cork, oobinline)" },
		{ HDR "agent sockopt\n", "t.tcp:5:14: sockopt needs a name and a value" },
		{ HDR "agent send\n", "t.tcp:5:11: expected a byte count (a number)" },
		{ HDR "hello\n", "t.tcp:5:1: expected a step: '>' (send), '<' (expect), 'wait', 'ignore', 'agent', 'alt' or 'end'" },
		{ HDR "end\n", "t.tcp:5:1: 'end' without 'alt'" },
		{ HDR "alt a\n< . 1:1(0)\n", "t.tcp:5:1: 'alt' group not closed with 'end'" },
		{ HDR "alt a\n< . 1:1(0)\nend\n", "t.tcp:7:1: a group needs at least two alternatives" },
		{ HDR "alt a\n< . 1:1(0)\nalt a\n", "t.tcp:7:1: alternative 'a' given twice" },
		{ HDR "alt a\nalt b\n", "t.tcp:6:1: alternative 'a' has no steps" },
		{ HDR "alt a\n< . 1:1(0)\nalt b\n> . 1:1(0)\nend\n", "t.tcp:9:1: alternative 'b' must start with an expected segment ('<') or '< nothing'" },
		{ HDR "@states LISTEN | | CLOSED\n", "t.tcp:5:9: an empty state path (paths are separated by '|')" },
		{ HDR "@states LISTEN | SYN-RCVD\n", "t.tcp:5:9: unknown state 'SYN-RCVD'" },
		{ HDR "> . 1:1(0) ecn 4\n", "t.tcp:5:16: ecn is not-ect, ect1, ect0, ce or 0 to 3, not 4" },
		{ HDR "> . 1:1(0) ecn *\n", "t.tcp:5:16: a segment to send needs one value for ecn" },
		{ HDR "> . 1:1(0) win 1..5\n", "t.tcp:5:16: a segment to send needs one value for win, not a range" },
		{ HDR "> S 0:0(0) <mss 500..600>\n", "t.tcp:5:13: option mss to send needs a value, not a range" },
		{ HDR "< S. 0:0(0) <mss 600..500>\n", "t.tcp:5:21: the range 600..500 is empty" },
		{ HDR "< . 1:1(0) ttl 1..300\n", "t.tcp:5:16: ttl 300 does not fit (at most 255)" },
		{ HDR "< . 1:1(0) ecn ce ecn 1\n", "t.tcp:5:19: 'ecn' given twice" },
		{ HDR "@port nowhere\n", "t.tcp:5:7: unknown port 'nowhere' (listen, echo, discard, send, close, abort, noread, closed, active)" },
		{ HDR "@needs wings\n", "t.tcp:5:8: unknown need 'wings' (open-port, closed-port, agent, linux, netns)" },
		{ HDR "@isn lots\n", "t.tcp:5:6: @isn needs a number below 2^32" },
		{ HDR "@sysctl net.ipv4.tcp_sack\n", "t.tcp:5:9: @sysctl needs KEY=VALUE (net.ipv4.tcp_sack=0)" },
		{ HDR "@sysctl =1\n", "t.tcp:5:9: @sysctl needs KEY=VALUE (net.ipv4.tcp_sack=0)" },
		{ HDR "@sysctl kernel.panic=1\n", "t.tcp:5:9: @sysctl sets the target's network namespace: its names start with 'net.' (kernel.panic is the host's)" },
		{ HDR "@sysctl net.ipv4/tcp_sack=0\n", "t.tcp:5:17: a sysctl name is words joined by dots (net.ipv4.tcp_sack)" },
		{ HDR "@sysctl net.ipv4.tcp_sack=  \n", "t.tcp:5:27: @sysctl net.ipv4.tcp_sack= needs a value" },
		{ HDR "@sysctl net.ipv4.tcp_sack=0\n@sysctl net.ipv4.tcp_sack=1\n", "t.tcp:6:9: @sysctl net.ipv4.tcp_sack given twice" },
		{ HDR "> S 0:0(0)\n@sysctl net.ipv4.tcp_sack=0\n", "t.tcp:6:1: metadata must come before the first step" },
		{ HDR "@states LISTEN NOWHERE\n", "t.tcp:5:9: unknown state 'NOWHERE'" },
		{ "@id a\n\0\n", "t.tcp:2:1: NUL byte in a text file" },
		{ HDR "> icmp bogus\n", "t.tcp:5:8: unknown ICMP error 'bogus' (net-unreachable, host-unreachable, proto-unreachable, port-unreachable, frag-needed, source-quench, time-exceeded, param-problem, admin-prohibited)" },
		{ HDR "> icmp frag-needed\n", "t.tcp:5:19: frag-needed needs 'mtu N'" },
		{ HDR "> icmp port-unreachable mtu 5\n", "t.tcp:5:8: only frag-needed carries an MTU" },
		{ HDR "> S 0:0(0) ipsrc 1.2.3\n", "t.tcp:5:18: expected an IPv4 or IPv6 address" },
		{ HDR "> S 0:0(0) ethdst 11:22\n", "t.tcp:5:19: expected a MAC address (aa:bb:cc:dd:ee:ff) or broadcast" },
		{ HDR "alt a\n< . 1:1(0)\nalt b\n< . 1:1(0)\nalt c\n< . 1:1(0)\nalt d\n< . 1:1(0)\nalt e\n< . 1:1(0)\n"
		      "alt f\n< . 1:1(0)\nalt g\n< . 1:1(0)\nalt h\n< . 1:1(0)\nalt i\n< . 1:1(0)\nalt j\n< . 1:1(0)\n"
		      "alt k\n< . 1:1(0)\nalt l\n< . 1:1(0)\nalt m\n< . 1:1(0)\nalt n\n< . 1:1(0)\nalt o\n< . 1:1(0)\n"
		      "alt p\n< . 1:1(0)\nalt q\n", "t.tcp:37:1: at most 16 alternatives in a group" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[TC_ERRLEN] = "";
		size_t len = strlen(bad[i].text);
		struct tc_case *c;

		if (!strcmp(bad[i].msg, "t.tcp:2:1: NUL byte in a text file"))
			len = 9;
		c = tc_case_parse("t.tcp", bad[i].text, len, err, sizeof(err));
		if (c) {
			t_fail(t, __FILE__, __LINE__, "bad file %zu parsed: %s", i, bad[i].text);
			tc_case_free(c);
			continue;
		}
		T_EQ_S(t, err, bad[i].msg);
	}
}

/* The shipped cases all parse, with unique ids, each citing an RFC. */
void test_parse_repo_cases(struct t_ctx *t)
{
	struct tc_caseset set = { 0 };
	char err[TC_ERRLEN] = "";
	size_t i;

	T_EQ_U(t, tc_caseset_load_dir(&set, "testcases", NULL, NULL, err, sizeof(err)), 0);
	T_EQ_S(t, err, "");
	T_OK(t, set.n >= 140);                          /* the hand-written cases, besides the matrix */
	for (i = 0; i < set.n; i++) {
		const struct tc_case *c = set.v[i];
		int j;

		/* every case cites an RFC, names its level and its state path, has a title and
		 * a step, and an id of the tcp.GROUP.NAME form */
		for (j = 0; j < c->nrfc; j++)
			if (strncmp(c->rfc[j], "RFC", 3))
				t_fail(t, __FILE__, __LINE__, "%s: reference '%s' names no RFC", c->file, c->rfc[j]);
		if (!c->nrfc || !c->nstates || !c->nsteps || !c->title || !*c->title ||
		    strncmp(c->id, "tcp.", 4) || !strchr(c->id + 4, '.'))
			t_fail(t, __FILE__, __LINE__, "%s: incomplete metadata or id '%s'", c->file, c->id);
	}
	{                                               /* the core cases, under their ids */
		static const char *const core[] = {
			"tcp.handshake.syn_ack_basic", "tcp.data.echo", "tcp.data.ooo_dupack_and_reassembly",
			"tcp.data.ack_above_snd_nxt", "tcp.data.ack_below_snd_una_ignored",
			"tcp.close.passive_close", "tcp.close.active_close", "tcp.close.three_way",
			"tcp.close.fin_with_data", "tcp.rst.after_session_clear", "tcp.rst.closed_port_syn",
			"tcp.rst.closed_port_ack", "tcp.handshake.listen_rst_ignored",
		};
		size_t s;

		for (s = 0; s < sizeof(core) / sizeof(core[0]); s++) {
			for (i = 0; i < set.n && strcmp(set.v[i]->id, core[s]); i++)
				;
			if (i == set.n)
				t_fail(t, __FILE__, __LINE__, "the core case %s is missing", core[s]);
		}
	}
	tc_caseset_free(&set);
	/* two files with one id: an error naming both */
	{
		char d[] = "/tmp/tccaseXXXXXX", p[160];
		FILE *f;

		if (!mkdtemp(d))
			return;
		for (i = 0; i < 2; i++) {
			snprintf(p, sizeof(p), "%s/%zu.tcp", d, i);
			f = fopen(p, "w");
			fputs(HDR "> S 0:0(0)\n", f);
			fclose(f);
		}
		T_OK(t, tc_caseset_load_dir(&set, d, NULL, NULL, err, sizeof(err)) < 0);
		snprintf(p, sizeof(p), "%s/1.tcp:1:1: id a.b is already used by %s/0.tcp", d, d);
		T_EQ_S(t, err, p);
		tc_caseset_free(&set);
		for (i = 0; i < 2; i++) {
			snprintf(p, sizeof(p), "%s/%zu.tcp", d, i);
			remove(p);
		}
		remove(d);
	}
}

/* What a case needs of the application behind its port: the agent for actions, or a
 * service (--service) for an echo or discard port, whose close after the tester's FIN
 * would read as the stack's answer: the cases that judge what follows a FIN the target
 * took need an application that keeps its side open (the agent). */
void test_needs_service(struct t_ctx *t)
{
	static const struct {
		const char *text;
		int hold, agent;
		const char *unmet;      /* with a discard service and no agent */
	} c[] = {
		/* the FIN is taken (CLOSE-WAIT), and its answer judged */
		{ "@port discard\n@states LISTEN SYN-RECEIVED ESTABLISHED CLOSE-WAIT\n> S 0:0(0)\n< S. 0:0(0) ack 1\n"
		  "> . 1:1(0) ack 1\n> F. 1:1(0) ack 1\n< . 1:1(0) ack 2\n", 1, 0,
		  "judges what follows its FIN: needs an application that keeps its side open after the peer's FIN "
		  "(the agent does; a service may close, and its FIN would read as the stack's answer)" },
		/* in an alternative */
		{ "@port discard\n@states LISTEN SYN-RECEIVED ESTABLISHED CLOSE-WAIT\n> S 0:0(0)\n< S. 0:0(0) ack 1\n"
		  "> . 1:1(0) ack 1\nalt a\n< . 1:1(0) ack 1\n> F. 1:1(0) ack 1\nalt b\n< nothing 100ms\nend\n< model\n", 1, 0, "judges what follows" },
		/* nothing judged after the FIN */
		{ "@port discard\n@states LISTEN SYN-RECEIVED ESTABLISHED CLOSE-WAIT\n> S 0:0(0)\n< S. 0:0(0) ack 1\n"
		  "> F. 1:1(0) ack 1\n", 0, 0, NULL },
		/* the paths never take the FIN (SYN-RECEIVED drops a FIN without ACK) */
		{ "@port discard\n@states LISTEN SYN-RECEIVED\n> S 0:0(0)\n< S. 0:0(0) ack 1\n> F 1:1(0)\n< nothing 100ms\n",
		  0, 0, NULL },
		/* no @states: whether the FIN is taken is not known */
		{ "@port listen\n> S 0:0(0)\n< S. 0:0(0) ack 1\n> F. 1:1(0) ack 1\n< model\n", 1, 0, "judges what follows" },
		/* what the application read is a check a service cannot answer: unchecked, not a need */
		{ "@port discard\n> S 0:0(0)\n< S. 0:0(0) ack 1\n> P. 1:11(10) ack 1\n< . 1:1(0) ack 11\nagent received 10\n",
		  0, 0, NULL },
		/* what it does is an action: the agent */
		{ "@port discard\n> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0) ack 1\nagent send 10\n< P. 1:11(10) ack 1\n",
		  0, 0, "needs the target-side agent" },
		/* the application's close: the agent, or a web server drawn to close */
		{ "@port discard\n> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0) ack 1\nagent close\n< F. 1:1(0) ack 1\n",
		  0, 0, "needs the target-side agent, or a web server or a banner service (--service http, banner) "
		  "that a request makes close" },
		/* a close after the tester's FIN: a service that closes on it plays it, no hold */
		{ "@port listen\n> S 0:0(0)\n< S. 0:0(0) ack 1\n> F. 1:1(0) ack 1\n< . 1:1(0) ack 2\nagent close\n"
		  "< F. 1:1(0) ack 2\n", 0, 0, "needs the target-side agent, or a web server" },
		/* a half close, then data judged as written: it counts on the application reading */
		{ "@port discard\n> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0) ack 1\nagent shutdown wr\n"
		  "< F. 1:1(0) ack 1\n> P. 1:11(10) ack 2\n< . 2:2(0) ack 11\n", 0, 1, "needs the target-side agent" },
		/* the same judged by the model, which knows which close it was */
		{ "@port discard\n> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0) ack 1\nagent shutdown wr\n"
		  "< F. 1:1(0) ack 1\n> P. 1:11(10) ack 2\n< model\n", 0, 0, "needs the target-side agent, or a web server" },
		/* an echo port without an echo service */
		{ "@port echo\n> S 0:0(0)\n< S. 0:0(0) ack 1\n", 0, 0, "needs an echo service (--service echo) or the agent" },
	};
	struct tc_target tg = { .family = 4 };
	char err[TC_ERRLEN], text[600];
	size_t i;

	tg.ports[TC_PORT_LISTEN] = tg.ports[TC_PORT_DISCARD] = 9;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct tc_case *k;
		const char *why;

		snprintf(text, sizeof(text), HDR "%s", c[i].text);
		err[0] = '\0';
		k = parse(text, err);
		T_EQ_S(t, err, "");
		if (!k)
			continue;
		if (!(k->needs & TC_NEED_HOLD) != !c[i].hold || !(k->needs & TC_NEED_AGENT) != !c[i].agent)
			t_fail(t, __FILE__, __LINE__, "case %zu: needs %#x, expected hold %d agent %d", i, k->needs,
			       c[i].hold, c[i].agent);
		why = tc_case_unmet(k, &tg);
		if (!why != !c[i].unmet || (why && strncmp(why, c[i].unmet, strlen(c[i].unmet))))
			t_fail(t, __FILE__, __LINE__, "case %zu: unmet '%s', expected '%s'", i, why ? why : "(none)",
			       c[i].unmet ? c[i].unmet : "(none)");
		tg.have_agent = 1;      /* with the agent, everything runs */
		why = tc_case_unmet(k, &tg);
		T_OK(t, why == NULL || !strcmp(why, "needs an echo service (--service echo) or the agent"));
		tg.have_agent = 0;
		tg.fill = TC_FILL_HTTP; /* a web server: a close it can play runs */
		if (!tc_case_unmet(k, &tg) != (!c[i].unmet || strstr(c[i].unmet, "web server")))
			t_fail(t, __FILE__, __LINE__, "case %zu: over a web server, needs %#x, unmet '%s'", i, k->needs,
			       tc_case_unmet(k, &tg) ? tc_case_unmet(k, &tg) : "(none)");
		tg.fill = TC_FILL_PATTERN;
		tc_case_free(k);
	}
	/* data to "any listener" (the agent's discards it): not to an echo service */
	{
		struct tc_case *k = parse(HDR "> S 0:0(0)\n< S. 0:0(0) ack 1\n> P. 1:11(10) ack 1\n< . 1:1(0) ack 11\n", err);

		if (!k)
			return;
		T_OK(t, (k->needs & TC_NEED_SILENT) != 0);
		T_OK(t, tc_case_unmet(k, &tg) == NULL);
		tg.answers = "echo";
		T_EQ_S(t, tc_case_unmet(k, &tg) ? tc_case_unmet(k, &tg) : "",
		       "sends data to a listener that must not answer it: the echo service would");
		tc_case_free(k);
		k = parse(HDR "> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0) ack 1\n< nothing 100ms\n", err);
		if (!k)
			return;
		T_OK(t, tc_case_unmet(k, &tg) == NULL);
		tc_case_free(k);
	}
	/* a web server: the tester's data is a request that never ends, so data to any
	 * listener runs; bytes written out in the case would be read as a bad request */
	{
		struct tc_case *k = parse(HDR "> S 0:0(0)\n< S. 0:0(0) ack 1\n> P. 1:11(10) ack 1\n< . 1:1(0) ack 11\n", err);

		if (!k)
			return;
		tg.answers = NULL;
		tg.fill = TC_FILL_HTTP;
		T_OK(t, (k->needs & TC_NEED_OWN_BYTES) == 0);
		T_OK(t, tc_case_unmet(k, &tg) == NULL);
		/* a banner service reads the fill as a line that never ends */
		tg.fill = TC_FILL_PATTERN;
		tg.banner = 1;
		T_OK(t, tc_case_unmet(k, &tg) == NULL);
		tg.banner = 0;
		tg.fill = TC_FILL_HTTP;
		tc_case_free(k);
		k = parse(HDR "> S 0:0(0)\n< S. 0:0(0) ack 1\n> P. 1:4(3) ack 1 \"abc\"\n< . 1:1(0) ack 4\n", err);
		T_EQ_S(t, err, "");
		if (!k)
			return;
		T_OK(t, (k->needs & TC_NEED_OWN_BYTES) != 0);
		T_EQ_S(t, tc_case_unmet(k, &tg) ? tc_case_unmet(k, &tg) : "",
		       "sends bytes of its own, which the http service would read as a request that is not one "
		       "(400 Bad Request and a close): the tester's data to it is a request that never ends");
		tg.fill = TC_FILL_PATTERN;
		tg.banner = 1;
		T_EQ_S(t, tc_case_unmet(k, &tg) ? tc_case_unmet(k, &tg) : "",
		       "sends bytes of its own, which a banner service would read as a line of its protocol and "
		       "answer: the tester's data to it is a line that never ends");
		tg.banner = 0;
		T_OK(t, tc_case_unmet(k, &tg) == NULL);
		tc_case_free(k);
	}
	/* the send port: the agent's, or a web server's answer of its size, or why not */
	{
		struct tc_case *k = parse(HDR "@port send\n> S 0:0(0)\n< S. 0:0(0) ack 1\n> . 1:1(0) ack 1\n"
					  "< P. 1:1001(1000) ack 1\n", err);

		if (!k)
			return;
		T_OK(t, (k->needs & TC_NEED_AGENT) == 0);
		T_EQ_S(t, tc_case_unmet(k, &tg) ? tc_case_unmet(k, &tg) : "",
		       "needs the agent, or a web server (--service http) whose page has the send port's bytes "
		       "(2000 or more, --http-path)");
		tg.send_why = "needs the send port's 2000 bytes, which the http service does not give: / has 6 bytes";
		T_EQ_S(t, tc_case_unmet(k, &tg) ? tc_case_unmet(k, &tg) : "", tg.send_why);
		tg.ports[TC_PORT_SEND] = 8080;
		T_OK(t, tc_case_unmet(k, &tg) == NULL);
		tc_case_free(k);
	}
}

/* The http fill: one request line and header lines, by the stream's offset (so a
 * segment sent again, or out of order, carries the same bytes), never ending. */
void test_fill_http(struct t_ctx *t)
{
	enum { N = 100000 };
	static uint8_t all[N], part[3000];
	uint32_t i, line = 0, longest = 0;
	struct tc_segpat p;
	struct tc_seg s;
	struct tc_build_auto au = { .fill = TC_FILL_HTTP };
	char err[TC_ERRLEN];
	const uint8_t *b;

	tc_fill_bytes(TC_FILL_HTTP, 0, all, N);
	T_OK(t, !memcmp(all, "GET / HTTP/1.1\r\nHost: ", 22));
	for (i = 0; i + 1 < N; i++) {
		T_OK(t, all[i] >= 0x20 || all[i] == '\r' || all[i] == '\n');
		if (all[i] == '\r') {
			T_OK(t, all[i + 1] == '\n');
			if (i + 2 < N && all[i + 2] == '\r')
				t_fail(t, __FILE__, __LINE__, "an empty line (the request's end) at %u", i);
			longest = i - line > longest ? i - line : longest;
			line = i + 2;
		}
	}
	T_OK(t, longest > 1000 && longest < 1024);      /* under any server's line limit (Apache: 8190) */
	/* any piece, from any offset, is the stream's */
	tc_fill_bytes(TC_FILL_HTTP, 54321, part, sizeof(part));
	T_OK(t, !memcmp(part, all + 54321, sizeof(part)));
	/* the pattern fill is as before: "abc..." from each segment's first byte */
	tc_fill_bytes(TC_FILL_PATTERN, 700, part, 30);
	T_OK(t, !memcmp(part, "abcdefghijklmnopqrstuvwxyzabcd", 30));
	/* a segment takes its bytes from its sequence number (1: the stream's first byte;
	 * a SYN with data: after the SYN's own number) */
	memset(&p, 0, sizeof(p));
	p.flags = TC_ACK | TC_PSH;
	p.seq.v = 11;
	p.seq.set = p.len.set = p.end.set = 1;
	p.len.v = 40;
	p.end.v = 51;
	tc_seg_init(&s);
	s.family = 4;
	T_EQ_U(t, tc_segpat_build(&p, &s, 1000, 0, &au, err, sizeof(err)), 0);
	b = tc_seg_payload(&s);
	T_OK(t, b && !memcmp(b, all + 10, 40));
	tc_seg_free(&s);
	p.flags = TC_SYN;
	p.seq.v = 0;
	tc_seg_init(&s);
	s.family = 4;
	T_EQ_U(t, tc_segpat_build(&p, &s, 1000, 0, &au, err, sizeof(err)), 0);
	b = tc_seg_payload(&s);
	T_OK(t, b && !memcmp(b, all, 40));
	tc_seg_free(&s);
}

/* testcases/README.md's grammar summary names every word the parser takes: the metadata
 * keys, levels, ports, needs, analyses, agent actions and states (from the parser's own
 * tables, so a word added there and not here fails). */
void test_grammar_summary(struct t_ctx *t)
{
	static const struct { const char *what, *pre; const struct tc_tok *toks; } sets[] = {
		{ "metadata key", "@", tc_meta_toks }, { "level", "", tc_level_toks }, { "port", "", tc_port_toks },
		{ "need", "", tc_need_toks }, { "analysis", "", tc_analyze_toks }, { "agent action", "", tc_agent_toks },
		{ "state", "", tc_state_toks },
	};
	char *doc = t_read(t_path("testcases/README.md"), NULL), *g, *end, want[64];
	size_t i;

	T_OK(t, doc != NULL);
	if (!doc)
		return;
	g = strstr(doc, "## Grammar summary");
	end = g ? strstr(g, "Parse-time constraints") : NULL;
	T_OK(t, g && end);
	if (!g || !end) {
		free(doc);
		return;
	}
	*end = '\0';
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		for (const struct tc_tok *k = sets[i].toks; k->s; k++) {
			snprintf(want, sizeof(want), "\"%s%s\"", sets[i].pre, k->s);
			if (!strstr(g, want))
				t_fail(t, __FILE__, __LINE__, "the grammar summary lacks the %s %s", sets[i].what, want);
		}
	free(doc);
}

/* The end of the http fill's request, from any offset: what the fill sent, then these
 * bytes, is one whole request (lines ended by CR LF, each header a name and a colon,
 * one empty line, last) that asks for a close. */
void test_fill_close(struct t_ctx *t)
{
	/* the request line, its headers, a padding line's start, inside its name, at its
	 * value, inside it, before its CR, between CR and LF, the next line's start */
	static const uint32_t offs[] = { 0, 5, 20, 65, 66, 70, 84, 85, 500, 1088, 1089, 1090, 3000, 3138 };
	static uint8_t buf[4096];
	char end[160];
	size_t i, n, len;

	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		char *p, *line, *eol;
		int headers = 0, bad = 0;

		n = tc_fill_close(offs[i], end, sizeof(end));
		T_OK(t, n > 0 && n < sizeof(end) && strlen(end) == n);
		tc_fill_bytes(TC_FILL_HTTP, 0, buf, offs[i]);
		memcpy(buf + offs[i], end, n + 1);
		len = offs[i] + n;
		if (len < 4 || memcmp(buf + len - 4, "\r\n\r\n", 4) || strstr((char *)buf, "\r\n\r\n") != (char *)buf + len - 4)
			bad = 1;
		if (!strstr((char *)buf, "\r\nConnection: close\r\n"))
			bad = 1;
		for (p = (char *)buf; !bad && (eol = strstr(p, "\r\n")) && eol != p; p = eol + 2) {
			line = p;
			if (memchr(line, '\n', (size_t)(eol - line)) || memchr(line, '\r', (size_t)(eol - line)))
				bad = 1;
			else if (headers++ && !memchr(line, ':', (size_t)(eol - line)))
				bad = 1;
		}
		if (bad)
			t_fail(t, __FILE__, __LINE__, "from offset %u, not one whole request: ...%.*s", offs[i], 120,
			       len > 120 ? (char *)buf + len - 120 : (char *)buf);
	}
	T_OK(t, !strncmp(end, "Connection", 10));       /* 3138: a line's start */
	n = tc_fill_close(0, end, sizeof(end));
	T_EQ_S(t, end, "HEAD / HTTP/1.1\r\nHost: tcpconform.invalid\r\nConnection: close\r\n\r\n");
}

/* The agents' tables hold the case language's words: each verb of `agent VERB` is a
 * request of the Linux agent, lwIP's and gVisor's (the runner sends the verb's own
 * word), and each socket option of `agent sockopt` is in each agent's option table and
 * in tester/PROTOCOL.md, and the Linux agent has no option the parser refuses. A word
 * added on one side alone fails here, not at run time. */
/* has - does @text hold @pre, @word and @post, adjacent? */
static int has(const char *text, const char *pre, const char *word, const char *post)
{
	char pat[80];

	snprintf(pat, sizeof(pat), "%s%s%s", pre, word, post);
	return strstr(text, pat) != NULL;
}

/* listed - @name is a word of a list in @text: between blanks or backquotes. */
static int listed(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = text; (p = strstr(p, name)); p += n)
		if (p > text && (p[-1] == ' ' || p[-1] == '`') && (p[n] == ' ' || p[n] == '`'))
			return 1;
	return 0;
}

void test_agent_tables_agree(struct t_ctx *t)
{
	/* where each file names a verb and an option (NULL: it names none) */
	static const struct { const char *file, *verb[2], *opt[2]; } ag[] = {
		{ "tester/agent/cmd.c", { "{ \"", "\"," }, { NULL, NULL } },
		{ "tester/agent/cmd_net.c", { NULL, NULL }, { "{ \"", "\"," } },
		{ "tester/lwip/lwip_cmd.c", { "{ \"", "\"," }, { "{ \"", "\"," } },
		{ "tester/gvisor/verbs.go", { "name: \"", "\"" }, { "\"", "\"" } },
		{ "tester/PROTOCOL.md", { NULL, NULL }, { "", "" } },
	};
	size_t i, len;
	int j, n = 0, nopt;

	for (nopt = 0; tc_sockopt_toks[nopt].s; nopt++)
		;
	for (i = 0; i < sizeof(ag) / sizeof(ag[0]); i++) {
		char *text = t_read(t_path(ag[i].file), &len), *p, *end;

		T_OK(t, text != NULL);
		if (!text)
			continue;
		for (j = 0; ag[i].verb[0] && tc_agent_toks[j].s; j++)
			if (!has(text, ag[i].verb[0], tc_agent_toks[j].s, ag[i].verb[1]))
				t_fail(t, __FILE__, __LINE__, "%s has no verb '%s' of the case language", ag[i].file,
				       tc_agent_toks[j].s);
		for (j = 0; ag[i].opt[0] && j < nopt; j++)
			if (!has(text, ag[i].opt[0], tc_sockopt_toks[j].s, ag[i].opt[1]))
				t_fail(t, __FILE__, __LINE__, "%s has no socket option '%s'", ag[i].file,
				       tc_sockopt_toks[j].s);
		/* the TCP_INFO fields of 'agent info': the Linux agent's reply and the protocol
		 * name each */
		for (j = 0; tc_tcpinfo_toks[j].s; j++) {
			if (!strcmp(ag[i].file, "tester/agent/cmd.c") && !has(text, " ", tc_tcpinfo_toks[j].s, "="))
				t_fail(t, __FILE__, __LINE__, "the Linux agent's info reply has no '%s='",
				       tc_tcpinfo_toks[j].s);
			if (!strcmp(ag[i].file, "tester/PROTOCOL.md") && !listed(text, tc_tcpinfo_toks[j].s))
				t_fail(t, __FILE__, __LINE__, "tester/PROTOCOL.md does not name the TCP_INFO field '%s'",
				       tc_tcpinfo_toks[j].s);
		}
		/* the Linux agent's table, "sockopts[] = {" to "};", one entry a line */
		if (!strcmp(ag[i].file, "tester/agent/cmd_net.c") && (p = strstr(text, "sockopts[] = {")) &&
		    (end = strstr(p, "\n};"))) {
			*end = '\0';
			while ((p = strstr(p, "\n\t{ \"")))
				n++, p++;
			T_EQ_U(t, n, nopt);
		}
		free(text);
	}
	T_OK(t, n > 0);
}

/* @sysctl: one KEY=VALUE a line, the value the rest of it (blanks inside kept, at the end
 * not); such a case runs alone (the namespace's settings are its own while it runs). */
void test_parse_sysctl(struct t_ctx *t)
{
	char err[TC_ERRLEN] = "";
	struct tc_case *c = parse(HDR "@sysctl net.ipv4.tcp_sack=0\n@sysctl net.ipv4.tcp_rmem=4096 40000 40000  \n"
				  "> S 0:0(0)\n", err);

	T_OK(t, c != NULL);
	if (!c) {
		fprintf(stderr, "# %s\n", err);
		return;
	}
	T_EQ_U(t, c->nsysctl, 2);
	T_EQ_S(t, c->sysctl_key[0], "net.ipv4.tcp_sack");
	T_EQ_S(t, c->sysctl_val[0], "0");
	T_EQ_S(t, c->sysctl_key[1], "net.ipv4.tcp_rmem");
	T_EQ_S(t, c->sysctl_val[1], "4096 40000 40000");
	T_EQ_U(t, c->sysctl_line[0], 5);
	T_EQ_U(t, c->sysctl_line[1], 6);
	T_OK(t, tc_runs_alone(c));
	tc_case_free(c);
	c = parse(HDR "> S 0:0(0)\n", err);
	T_OK(t, c && !c->nsysctl && !tc_runs_alone(c));
	tc_case_free(c);
}
