/*
 * tester/agent/diag.c: the kernel's TCP state of a connection, by peer port,
 * from NETLINK_SOCK_DIAG (what `ss` uses). It sees sockets without an fd too:
 * orphans after close(), TIME-WAIT, and SYN-RECEIVED request sockets.
 */
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "agent.h"

/* Linux's TCP states (include/net/tcp_states.h). */
enum {
	K_ESTABLISHED = 1, K_SYN_SENT, K_SYN_RECV, K_FIN_WAIT1, K_FIN_WAIT2,
	K_TIME_WAIT, K_CLOSE, K_CLOSE_WAIT, K_LAST_ACK, K_LISTEN, K_CLOSING,
	K_NEW_SYN_RECV, K_BOUND_INACTIVE,
};

/*
 * The states asked for: all but LISTEN (no peer), CLOSE and BOUND_INACTIVE
 * (6.6+ dumps bound sockets without a connection, which keep a stale peer
 * port after close).
 */
#define DIAG_STATES (~0u & ~(1u << K_LISTEN) & ~(1u << K_CLOSE) & \
		     ~(1u << K_BOUND_INACTIVE))

/* The best socket seen so far for the peer port asked about. */
struct diag_best {
	uint16_t pport, lport;	/* host order; lport 0: unknown */
	int score;		/* 0: nothing found */
	int state;
};

/* The RFC 9293 name of Linux TCP state @state; CLOSED for unknown ones. */
const char *agent_state_name(int state)
{
	switch (state) {
	case K_ESTABLISHED:
		return "ESTABLISHED";
	case K_SYN_SENT:
		return "SYN-SENT";
	case K_SYN_RECV:
	case K_NEW_SYN_RECV:
		return "SYN-RECEIVED";
	case K_FIN_WAIT1:
		return "FIN-WAIT-1";
	case K_FIN_WAIT2:
		return "FIN-WAIT-2";
	case K_TIME_WAIT:
		return "TIME-WAIT";
	case K_CLOSE_WAIT:
		return "CLOSE-WAIT";
	case K_LAST_ACK:
		return "LAST-ACK";
	case K_LISTEN:
		return "LISTEN";
	case K_CLOSING:
		return "CLOSING";
	default:
		return "CLOSED";
	}
}

/*
 * Weigh one socket: it must have the peer port; then the known local port
 * (the recorded connection) counts most, and a socket not in TIME-WAIT beats
 * one that is (a new connection from a reused peer port).
 */
static void diag_consider(struct diag_best *b, const struct inet_diag_msg *m)
{
	int score;

	if (ntohs(m->id.idiag_dport) != b->pport ||
	    !(DIAG_STATES & (1u << (m->idiag_state & 31))))
		return;
	score = 1;
	if (b->lport && ntohs(m->id.idiag_sport) == b->lport)
		score += 4;
	if (m->idiag_state != K_TIME_WAIT)
		score += 2;
	if (score > b->score) {
		b->score = score;
		b->state = m->idiag_state;
	}
}

/*
 * Walk the @len bytes of netlink messages in @buf. Returns 1 at NLMSG_DONE,
 * 0 when more messages are to come, -1 on an error message or bad framing
 * (message in @err).
 */
static int diag_parse(struct diag_best *b, const char *buf, size_t len,
		      char *err, size_t errlen)
{
	size_t off = 0;

	while (len - off >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *h = (const void *)(buf + off);

		if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len - off) {
			snprintf(err, errlen, "bad netlink message");
			return -1;
		}
		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(h);

			snprintf(err, errlen, "sock_diag: %s",
				 h->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) ?
				 strerror(-e->error) : "error");
			return -1;
		}
		if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY &&
		    h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
			diag_consider(b, NLMSG_DATA(h));
		off += NLMSG_ALIGN(h->nlmsg_len);
		if (off > len)
			break;
	}
	return 0;
}

/* Dump the TCP sockets of @family on netlink socket @fd into @b. 0 or -1. */
static int diag_dump(struct agent *a, int fd, int family, struct diag_best *b,
		     char *err, size_t errlen)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req;
	int rc = 0;

	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = sizeof(req);
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nlh.nlmsg_seq = (unsigned int)family;
	req.r.sdiag_family = (unsigned char)family;
	req.r.sdiag_protocol = IPPROTO_TCP;
	req.r.idiag_states = DIAG_STATES;	/* TIME-WAIT, SYN-RECV too */
	if (send(fd, &req, sizeof(req), 0) < 0) {
		snprintf(err, errlen, "sock_diag send: %s", strerror(errno));
		return -1;
	}
	while (rc == 0) {
		ssize_t n = recv(fd, a->iobuf, AGENT_IOBUF, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "sock_diag recv: %s",
				 n ? strerror(errno) : "end of data");
			return -1;
		}
		rc = diag_parse(b, a->iobuf, (size_t)n, err, errlen);
	}
	return rc < 0 ? -1 : 0;
}

/*
 * Find the TCP socket whose remote port is @pport (local port @lport if
 * known, 0 otherwise) in both address families and set *state to its Linux
 * state, K_CLOSE when there is none. Returns 0, or -1 with a message in @err.
 */
int agent_diag_state(struct agent *a, uint16_t pport, uint16_t lport,
		     int *state, char *err, size_t errlen)
{
	struct diag_best b = { .pport = pport, .lport = lport };
	struct timeval tv = { .tv_sec = 1 };
	int fd, rc;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0) {
		snprintf(err, errlen, "sock_diag socket: %s", strerror(errno));
		return -1;
	}
	rc = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (rc != 0)
		snprintf(err, errlen, "SO_RCVTIMEO: %s", strerror(errno));
	if (rc == 0)
		rc = diag_dump(a, fd, AF_INET, &b, err, errlen);
	if (rc == 0)
		rc = diag_dump(a, fd, AF_INET6, &b, err, errlen);
	if (close(fd) != 0 && rc == 0) {
		snprintf(err, errlen, "close: %s", strerror(errno));
		rc = -1;
	}
	*state = b.score ? b.state : K_CLOSE;
	return rc;
}
