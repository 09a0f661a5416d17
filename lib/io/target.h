/*
 * io: what the tester knows of the target, for every layer that reaches it (the
 * environments that find it, the back-ends that talk to it, the runner): addresses,
 * link, ports per behaviour, and what it can do.
 */
#ifndef TC_IO_TARGET_H
#define TC_IO_TARGET_H

#include "case/case.h"
#include "packet/seg.h"
#include "util/util.h"

#include <stdint.h>
#include <string.h>

/* What the tester knows of the target: addresses, link, ports per behaviour. */
struct tc_target {
	int family;                     /* 4 or 6 */
	enum tc_link link;
	struct tc_addr tester, target;
	uint8_t tester_mac[6], target_mac[6];
	uint16_t ports[TC_PORT__COUNT]; /* 0: this port is not available */
	int have_agent;
	int listen_per_case;            /* a proxy: each case has its agent listen on a port of its
					 * own ('listen PP MODE'), its connection named by it */
	int is_linux;
	int sets_sysctls;               /* the tester may set the target's net.* sysctls for a case
					 * (@sysctl): Linux in namespaces the tool made */
	const char *answers;            /* the service on the listening port answers what it reads
					 * ("echo", "http"), or NULL */
	int banner;                     /* the service on the listening port speaks first (SSH,
					 * SMTP, FTP): its greeting is awaited and acknowledged */
	const char *request;            /* the send port played by a web server: the request (sent
					 * once the connection is up) whose answer is its bytes */
	const char *send_why;           /* or why the send port cannot be had (NULL: no reason) */
	/* 'agent send N' played by a web server: for each N the cases write, the request
	 * whose whole answer is N bytes (NULL: none, and why) */
	const struct tc_sized {
		uint32_t bytes;
		const char *req, *why;
	} *sized;
	int nsized;
	enum tc_fill fill;              /* the bytes of the tester's data: a request that never
					 * ends for a web server (--service http) */
	int mtu;                        /* the tester's link's MTU: a larger segment to send goes
					 * in pieces (0: unknown, sent whole) */
	int own_link;                   /* on a link the tool made (namespaces, a test's peer):
					 * it may carry other addresses and damaged headers */
	const char *mode;               /* "netns", "remote", "replay": for reports */
};

/* tc_target_seg - @s made ready for a segment from the tester to @tg: link, family,
 * addresses (IP and Ethernet), and DF over IPv4, as stacks send TCP. */
static inline void tc_target_seg(const struct tc_target *tg, struct tc_seg *s)
{
	tc_seg_init(s);
	s->link = tg->link;
	s->family = tg->family;
	s->src = tg->tester;
	s->dst = tg->target;
	memcpy(s->eth_src, tg->tester_mac, 6);
	memcpy(s->eth_dst, tg->target_mac, 6);
	if (tg->family == 4)
		s->ip_frag = 0x4000;
}

#endif
