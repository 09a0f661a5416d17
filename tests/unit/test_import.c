/* Unit tests of tcpconform import: packetdrill scripts into case files, whole or not at
 * all, with the reasons of the rest. */
#include "t.h"

#include "case/case.h"
#include "case/import.h"

#include <stdlib.h>
#include <string.h>

/* the defaults file a script names, as read next to it */
static char *defaults(const char *script, const char *rel)
{
	(void)script;
	if (strcmp(rel, "../common/defaults.sh"))
		return NULL;
	return strdup("#!/bin/bash\n# comment\nip tcp_metrics flush all > /dev/null 2>&1\n"
		      "sysctl -q net.ipv4.tcp_rmem=\"4096 540000 $((15*1024*1024))\"\n"
		      "sysctl -q net.ipv4.tcp_timestamps=1\nsysctl -q net.ipv4.tcp_fack=0\n"
		      "sysctl -q net.ipv4.tcp_early_retrans=4 net.ipv4.tcp_recovery=1\n"
		      "tc qdisc add dev tun0 root pfifo\nsysctl -q net/ipv4/tcp_ecn=0   # no ECN\n");
}

static const char server[] =
	"// SPDX-License-Identifier: GPL-2.0\n"
	"// The peer closes first; then the application reads the end and closes.\n"
	"`../common/defaults.sh`\n"
	"    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
	"   +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0\n"
	"   +0 bind(3, ..., ...) = 0\n"
	"   +0 listen(3, 1) = 0\n"
	"   +0 < S 0:0(0) win 32792 <mss 1000,sackOK,TS val 100 ecr 0,nop,wscale 7>\n"
	"   +0 > S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 700 ecr 100,nop,wscale 8>\n"
	"  +.1 < . 1:1(0) ack 1 win 257 <nop,nop,TS val 110 ecr 700>\n"
	"   +0 accept(3, ..., ...) = 4\n"
	"   +0 %{ print(tcpi_snd_cwnd); cwnd = 10 # the initial window\n"
	"assert tcpi_snd_cwnd == cwnd, tcpi_snd_cwnd\nassert tcpi_ca_state == TCP_CA_Open\n"
	"assert tcpi_rto >= 200000 }%\n"
	"   +0 write(4, ..., 3000) = 3000\n"
	"   +0 > P. 1:3001(3000) ack 1 <nop,nop,TS val 701 ecr 110>\n"
	"/* a comment\n   over lines */\n"
	"  +.3 > . 1:1001(1000) ack 1 <...>     // the retransmission\n"
	"   +0 < F. 1:1(0) ack 3001 win 257 <nop,nop,TS val 120 ecr 702>\n"
	"   +0 read(4, ..., 1000) = 0\n"
	"   +0 close(4) = 0\n"
	"   +0 > F. 3001:3001(0) ack 2 <...>\n";

/* A server script whole: each part as the case says it, and the case parses. */
void test_import_server(struct t_ctx *t)
{
	static const char *const want[] = {
		"@id      tcp.import.x\n@title   The peer closes first; then the application reads the end and closes.\n"
		"@level   LINUX\n@source  dir/x.pkt\n@port    noread\n",
		"@sysctl  net.ipv4.tcp_rmem=4096 540000 15728640\n@sysctl  net.ipv4.tcp_early_retrans=4\n"
		"@sysctl  net.ipv4.tcp_ecn=0\n@tags",
		"> S 0:0(0) win 32792 <mss 1000, sackOK, TS val 100 ecr 0, nop, wscale 7> # line 8\n",
		"< S. 0:0(0) ack 1 <mss *, sackOK, TS val $tsv ecr 100, nop, wscale 8> # line 9\n",
		"wait 100ms                                               # line 10\n"
		"> . 1:1(0) ack 1 win 257 <nop, nop, TS val 110 ecr $tsv+0> # line 10\n",
		"agent info snd_cwnd 10                                   # line 12\n"
		"agent info ca_state 0                                    # line 12\n"
		"agent info rto 200000..4294967295                        # line 12\n",
		"agent send 3000                                          # line 16\n"
		"< P?. 1:3001(3000) ack 1 <nop, nop, TS val * ecr 110> pieces # line 17\n",
		"< P?. 1:1001(1000) ack 1 <...> pieces after 280ms within 320ms # line 20\n",
		"> F. 1:1(0) ack 3001 win 257 <nop, nop, TS val 120 ecr $tsv+2> # line 21\n",
		"agent take 1000                                          # line 22\nagent eof",
		"agent close                                              # line 23\n"
		"< F. 3001:3001(0) ack 2 <...>                            # line 24\n",
	};
	struct tc_import im;
	struct tc_case *c;
	char err[TC_ERRLEN];
	size_t i;

	T_EQ_U(t, tc_import_pkt(&im, "dir/x.pkt", "tcp.import.x", server, defaults), 0);
	T_EQ_U(t, im.nwhy, 0);
	for (i = 0; i < TC_ARRAY_LEN(want); i++)
		if (!im.out.s || !strstr(im.out.s, want[i]))
			t_fail(t, __FILE__, __LINE__, "the case lacks:\n%s\n--- it reads:\n%s", want[i],
			       im.out.s ? im.out.s : "(nothing)");
	/* what equals a namespace's own value, or is gone from the kernel, is not set */
	T_OK(t, im.out.s && !strstr(im.out.s, "tcp_timestamps") && !strstr(im.out.s, "tcp_fack") &&
	     !strstr(im.out.s, "tcp_recovery"));
	c = tc_case_parse("x.tcp", im.out.s, im.out.len, err, sizeof(err));
	T_OK(t, c != NULL);
	if (c) {
		T_EQ_S(t, tc_level_name(c->level), "LINUX");
		T_EQ_S(t, c->source, "dir/x.pkt");
		T_EQ_U(t, c->nsysctl, 3);
	}
	tc_case_free(c);
	tc_import_free(&im);
}

/* What has no counterpart keeps the script out, each thing with its line and kind, and
 * no case is written. */
void test_import_reasons(struct t_ctx *t)
{
	static const char text[] =
		"--tolerance_usecs=10000\n"
		"--mtu=1520\n"
		"0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
		"+0 bind(3, ..., ...) = 0\n"
		"+0 listen(3, 1) = 0\n"
		"+0 < S 0:10(10) win 32792 <mss 1460,FO 3021b9d889017eeb,nop,nop>\n"
		"+0 > S. 0:0(0) ack 11 <mss 1460>\n"
		"+0 < . 1:1(0) ack 1 win 257\n"
		"+0 accept(3, ..., ...) = 4\n"
		"+0 %{ assert (tcpi_options & TCPI_OPT_SYN_DATA) != 0\n}%\n"
		"+0 getsockopt(4, SOL_TCP, TCP_INFO, {tcpi_state=TCP_ESTABLISHED}, [256]) = 0\n"
		"+0 write(4, ..., 100) = -1 EAGAIN (Resource temporarily unavailable)\n"
		"+0...0.2 read(4, ..., 100) = 100\n"
		"`tc qdisc replace dev tun0 root fq`\n";
	static const struct { int line; const char *kind; } want[] = {
		{ 2, "a packetdrill option" }, { 6, "a Fast Open cookie of the script's addresses" },
		{ 10, "a Python assertion" }, { 12, "a system call" }, { 13, "a return value or errno" },
		{ 14, "a time" }, { 15, "a shell command" },
	};
	struct tc_import im;
	size_t i;

	T_EQ_U(t, tc_import_pkt(&im, "y.pkt", "tcp.import.y", text, NULL), 1);
	T_OK(t, im.out.s == NULL);
	T_EQ_U(t, im.nwhy, TC_ARRAY_LEN(want));
	for (i = 0; i < TC_ARRAY_LEN(want) && (int)i < im.nwhy; i++) {
		T_EQ_U(t, im.why[i].line, want[i].line);
		T_EQ_S(t, im.why[i].kind, want[i].kind);
	}
	tc_import_free(&im);
}

/* A client script: the agent connects; ids name the script's place. */
void test_import_client(struct t_ctx *t)
{
	static const char text[] =
		"0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
		"+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n"
		"+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)\n"
		"+0 > S 0:0(0) <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 8>\n"
		"+.01 < S. 0:0(0) ack 1 win 5792 <mss 1460,sackOK,TS val 700 ecr 100,nop,wscale 7>\n"
		"+0 > . 1:1(0) ack 1 <nop,nop,TS val 101 ecr 700>\n"
		"+0 write(3, ..., 10) = 10\n"
		"+0 > P. 1:11(10) ack 1 <nop,nop,TS val 101 ecr 700>\n";
	struct tc_import im;
	char id[96];

	T_EQ_U(t, tc_import_pkt(&im, "c.pkt", "tcp.import.c", text, NULL), 0);
	T_OK(t, im.out.s && strstr(im.out.s, "@port    active\n") && strstr(im.out.s, "agent connect ") &&
	     strstr(im.out.s, "< S 0:0(0) <mss *, sackOK, TS val $tsv ecr 0, nop, wscale 8>") &&
	     strstr(im.out.s, "wait 10ms") && strstr(im.out.s, "agent send 10 "));
	tc_import_free(&im);
	/* calls that fail: a write's errno, a read that finds nothing */
	T_EQ_U(t, tc_import_pkt(&im, "e.pkt", "tcp.import.e", "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
				"+0 listen(3, 1) = 0\n+0 < S 0:0(0) win 1000\n+0 > S. 0:0(0) ack 1\n+0 < . 1:1(0) ack 1 win 1000\n"
				"+0 accept(3, ..., ...) = 4\n+0 read(4, ..., 100) = -1 EAGAIN (Resource temporarily unavailable)\n"
				"+0 shutdown(4, SHUT_WR) = 0\n+0 > F. 1:1(0) ack 1\n"
				"+.1 write(4, ..., 1000) = -1 EPIPE (Broken pipe)\n", NULL), 0);
	T_OK(t, im.out.s && strstr(im.out.s, "agent take 100 -> 0 ") && strstr(im.out.s, "agent shutdown wr ") &&
	     strstr(im.out.s, "wait 100ms") && strstr(im.out.s, "agent send 1000 -> EPIPE "));
	tc_import_free(&im);
	tc_import_id("fast_retransmit/fr-4pkt.pkt", id, sizeof(id));
	T_EQ_S(t, id, "tcp.import.fast_retransmit.fr_4pkt");
	tc_import_id("./Close-On-SYN.pkt", id, sizeof(id));
	T_EQ_S(t, id, "tcp.import.close_on_syn");
}
