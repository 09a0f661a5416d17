/*
 * tester/lwip/lwip_cmd.c: the verbs of tcpconform-lwip, on lwIP's raw API,
 * with the replies of tcpconform-agent (tester/agent/cmd.c,
 * tester/agent/cmd_net.c). What the raw API cannot do replies
 * "err unsupported: WHY".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lwip/ip.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

#include "agent.h"

/* The reason a closed connection can do no more: its error or "closed". */
static const char *closed_why(const struct agent_conn *c)
{
	return c->error ? agent_errname(c->error) : "closed";
}

/*
 * Reply the error for a verb that needs the application's handle, when @c
 * has none. Returns true if it replied.
 */
static bool reply_if_closed(struct agent *a, const struct agent_req *r,
			    const struct agent_conn *c)
{
	if (c->open)
		return false;
	agent_reply(a, r->id, "err connection from port %u is closed (%s)",
		 c->pport, closed_why(c));
	return true;
}

/* Expiry of verbs that never wait after finding their connection. */
static void no_expire(struct agent *a, struct agent_req *r, struct agent_conn *c)
{
	(void)c;
	agent_reply(a, r->id, "err timeout");
}

/* ping: answer ok. */
static enum agent_step cmd_ping(struct agent *a, struct agent_req *r,
			     struct agent_conn *c)
{
	(void)c;
	agent_reply(a, r->id, "ok");
	return AGENT_DONE;
}

/* quit: answer ok and make the main loop exit 0. */
static enum agent_step cmd_quit(struct agent *a, struct agent_req *r,
			     struct agent_conn *c)
{
	(void)c;
	agent_reply(a, r->id, "ok");
	a->quit = true;
	return AGENT_DONE;
}

/* close PP: tcp_close() (a reset if data is unread: lwIP's rule). */
static enum agent_step cmd_close(struct agent *a, struct agent_req *r,
			      struct agent_conn *c)
{
	if (reply_if_closed(a, r, c))
		return AGENT_DONE;
	agent_conn_close(a, c, 0);
	agent_reply(a, r->id, "ok");
	return AGENT_DONE;
}

/* Arguments of shutdown. */
static int check_shutdown(const struct agent_req *r)
{
	return strcmp(r->str, "rd") && strcmp(r->str, "wr") &&
	       strcmp(r->str, "rdwr") ? -1 : 0;
}

/*
 * shutdown PP rd|wr|rdwr: tcp_shutdown(). Both halves is tcp_close() for
 * lwIP, which may free the pcb: the record lets go of it first, and stays
 * open (reads end, writes fail) as a socket after shutdown(SHUT_RDWR).
 */
static enum agent_step cmd_shutdown(struct agent *a, struct agent_req *r,
				 struct agent_conn *c)
{
	bool rd = strcmp(r->str, "wr") != 0, wr = strcmp(r->str, "rd") != 0;
	struct tcp_pcb *pcb = c->pcb;
	err_t err;

	if (reply_if_closed(a, r, c))
		return AGENT_DONE;
	if (!pcb) {
		agent_reply(a, r->id, "err shutdown: %s", strerror(ENOTCONN));
		return AGENT_DONE;
	}
	if (rd && wr) {
		c->rd_shut = true;
		agent_conn_detach(a, c);
		if (tcp_shutdown(pcb, 1, 1) != ERR_OK)
			tcp_abort(pcb);
		agent_reply(a, r->id, "ok");
		return AGENT_DONE;
	}
	if (wr && (pcb->state == FIN_WAIT_1 || pcb->state == FIN_WAIT_2 ||
		   pcb->state == CLOSING || pcb->state == LAST_ACK ||
		   pcb->state == TIME_WAIT)) {
		agent_reply(a, r->id, "ok");	/* our FIN is out already */
		return AGENT_DONE;
	}
	err = tcp_shutdown(pcb, rd, wr);
	if (err != ERR_OK) {
		agent_reply(a, r->id, "err shutdown: %s", strerror(agent_errno_of(err)));
		return AGENT_DONE;
	}
	if (rd)
		c->rd_shut = true;
	agent_reply(a, r->id, "ok");
	return AGENT_DONE;
}

/* abort PP: tcp_abort(): a reset. */
static enum agent_step cmd_abort(struct agent *a, struct agent_req *r,
			      struct agent_conn *c)
{
	if (reply_if_closed(a, r, c))
		return AGENT_DONE;
	agent_conn_abort(a, c, true);
	agent_reply(a, r->id, "ok");
	return AGENT_DONE;
}

/* forget PP: tcp_abandon(pcb, 0): lwIP drops the pcb without a segment. */
static enum agent_step cmd_forget(struct agent *a, struct agent_req *r,
			       struct agent_conn *c)
{
	if (reply_if_closed(a, r, c))
		return AGENT_DONE;
	agent_conn_abort(a, c, false);
	agent_reply(a, r->id, "ok");
	return AGENT_DONE;
}

/* Arguments of send. */
static int check_send(const struct agent_req *r)
{
	return r->n > AGENT_SEND_MAX ? -1 : 0;
}

/* send PP N: queue N pattern bytes; ok once tcp_write() took them all. */
static enum agent_step cmd_send(struct agent *a, struct agent_req *r,
			     struct agent_conn *c)
{
	if (!r->started) {
		if (reply_if_closed(a, r, c))
			return AGENT_DONE;
		c->werr = 0;
		r->target = c->queued + r->n;
		if (agent_conn_queue_pattern(a, c, r->n) != 0) {
			agent_reply(a, r->id, "err out of memory");
			return AGENT_DONE;
		}
		r->started = true;
	}
	if (c->werr) {          /* the write failed: the bytes not in lwIP are dropped */
		agent_reply(a, r->id, "err wrote %" PRIu64 " of %" PRIu64 " bytes (%s)",
			 c->written + r->n > r->target ? c->written + r->n - r->target : 0, r->n,
			 agent_errname(c->werr));
		return AGENT_DONE;
	}
	if (c->written >= r->target) {
		agent_reply(a, r->id, "ok");
		return AGENT_DONE;
	}
	if (c->open)
		return AGENT_WAIT;
	agent_reply(a, r->id, "err wrote %" PRIu64 " of %" PRIu64 " bytes (%s)",
		 r->n - (r->target - c->written), r->n, closed_why(c));
	return AGENT_DONE;
}

/* Timeout of send. */
static void expire_send(struct agent *a, struct agent_req *r, struct agent_conn *c)
{
	agent_reply(a, r->id, "err wrote %" PRIu64 " of %" PRIu64 " bytes",
		 r->n - (r->target - c->written), r->n);
}

/* urgent PP: not on lwIP. */
static enum agent_step cmd_urgent(struct agent *a, struct agent_req *r,
			       struct agent_conn *c)
{
	(void)c;
	agent_reply(a, r->id, "err unsupported: lwIP's raw API has no urgent data "
		 "to send");
	return AGENT_DONE;
}

/* noread PP / read PP: stop or resume reading (and tcp_recved()). */
static enum agent_step cmd_reading(struct agent *a, struct agent_req *r,
				struct agent_conn *c)
{
	if (reply_if_closed(a, r, c))
		return AGENT_DONE;
	c->reading = strcmp(r->verb->name, "read") == 0;
	agent_reply(a, r->id, "ok");
	return AGENT_DONE;
}

/* take PP N: read at most N bytes now, reading on or off: ok COUNT. */
static enum agent_step cmd_take(struct agent *a, struct agent_req *r,
			     struct agent_conn *c)
{
	if (reply_if_closed(a, r, c))
		return AGENT_DONE;
	agent_reply(a, r->id, "ok %" PRIu64, agent_conn_take(a, c, r->n));
	return AGENT_DONE;
}

/* received PP N: ok COUNT once COUNT >= N bytes were read. */
static enum agent_step cmd_received(struct agent *a, struct agent_req *r,
				 struct agent_conn *c)
{
	if (c->nread >= r->n) {
		agent_reply(a, r->id, "ok %" PRIu64, c->nread);
		return AGENT_DONE;
	}
	if (c->open && !c->eof)
		return AGENT_WAIT;
	agent_reply(a, r->id, "err read %" PRIu64 " of %" PRIu64 " bytes (%s)",
		 c->nread, r->n, c->eof ? "EOF" : closed_why(c));
	return AGENT_DONE;
}

/* Timeout of received. */
static void expire_received(struct agent *a, struct agent_req *r,
			    struct agent_conn *c)
{
	agent_reply(a, r->id, "err read %" PRIu64 " of %" PRIu64 " bytes",
		 c->nread, r->n);
}

/* eof PP: ok once the application read up to the peer's FIN. */
static enum agent_step cmd_eof(struct agent *a, struct agent_req *r,
			    struct agent_conn *c)
{
	if (c->eof) {
		agent_reply(a, r->id, "ok");
		return AGENT_DONE;
	}
	if (c->open)
		return AGENT_WAIT;
	agent_reply(a, r->id, "err no EOF (%s)", closed_why(c));
	return AGENT_DONE;
}

/* Timeout of eof. */
static void expire_eof(struct agent *a, struct agent_req *r, struct agent_conn *c)
{
	(void)c;
	agent_reply(a, r->id, "err no EOF");
}

/* state PP: lwIP's state of the connection, without waiting. */
static enum agent_step cmd_state(struct agent *a, struct agent_req *r,
			      struct agent_conn *c)
{
	(void)c;
	agent_reply(a, r->id, "ok %s", agent_state_of(a, r->port[0]));
	return AGENT_DONE;
}

/* info PP: counters, for diagnostics. */
static enum agent_step cmd_info(struct agent *a, struct agent_req *r,
			     struct agent_conn *c)
{
	agent_reply(a, r->id, "ok read=%" PRIu64 " eof=%d error=%s reading=%d",
		 c->nread, c->eof, agent_errname(c->error), c->reading);
	return AGENT_DONE;
}

/* Parse the IPv4 or IPv6 literal @s into @ip. 0, or -1. */
static int parse_addr(const char *s, ip_addr_t *ip)
{
	unsigned char buf[16];

	if (inet_pton(AF_INET, s, buf) != 1 && inet_pton(AF_INET6, s, buf) != 1)
		return -1;
	return ipaddr_aton(s, ip) ? 0 : -1;
}

/* Arguments of connect: ADDR must be an IPv4 or IPv6 literal. */
static int check_connect(const struct agent_req *r)
{
	ip_addr_t ip;

	return parse_addr(r->str, &ip);
}

/*
 * connect ADDR PORT [LPORT]: tcp_connect() from LPORT (bound with
 * SOF_REUSEADDR, as the Linux agent binds with SO_REUSEADDR); the connection
 * is named by PORT, in mode discard. ok once the SYN is on its way.
 */
static enum agent_step cmd_connect(struct agent *a, struct agent_req *r,
				struct agent_conn *c)
{
	struct tcp_pcb *pcb;
	const char *what = "bind";
	ip_addr_t dst;
	err_t err = ERR_OK;

	if (parse_addr(r->str, &dst) != 0) {	/* check() passed: cannot happen */
		agent_reply(a, r->id, "err usage: %s", r->verb->usage);
		return AGENT_DONE;
	}
	pcb = tcp_new_ip_type(IP_GET_TYPE(&dst));
	if (!pcb) {
		agent_reply(a, r->id, "err socket: %s", strerror(ENOMEM));
		return AGENT_DONE;
	}
	if (r->port[1]) {
		ip_set_option(pcb, SOF_REUSEADDR);
		err = tcp_bind(pcb, IP_IS_V6(&dst) ? IP6_ADDR_ANY : IP4_ADDR_ANY,
			       r->port[1]);
	}
	if (err == ERR_OK) {
		what = "connect";
		err = tcp_connect(pcb, &dst, r->port[0], agent_conn_connected);
	}
	if (err != ERR_OK) {
		tcp_abandon(pcb, 0);
		agent_reply(a, r->id, "err %s: %s", what, strerror(agent_errno_of(err)));
		return AGENT_DONE;
	}
	c = agent_conn_add(a, pcb, r->port[0], AGENT_DISCARD);
	if (!c) {
		tcp_abort(pcb);
		agent_reply(a, r->id, "err out of memory");
		return AGENT_DONE;
	}
	c->connecting = pcb->state == SYN_SENT;
	agent_reply(a, r->id, "ok");
	return AGENT_DONE;
}

/* The socket options of the protocol, and why lwIP has none of some. */
static const struct {
	const char *name;
	const char *unsupported;	/* NULL: supported */
} sockopts[] = {
	{ "nodelay", NULL },
	{ "keepalive", NULL },
	{ "keepidle", NULL },
	{ "keepintvl", NULL },
	{ "keepcnt", NULL },
	{ "user_timeout", "lwIP has no user timeout (its retransmission limits "
	  "TCP_MAXRTX and TCP_SYNMAXRTX are fixed at build time)" },
	{ "rcvbuf", "lwIP's receive window is fixed at build time (TCP_WND)" },
	{ "sndbuf", "lwIP's send buffer is fixed at build time (TCP_SND_BUF)" },
	{ "linger", NULL },
	{ "cork", "lwIP's raw API has no cork" },
	{ "oobinline", "lwIP ignores urgent data (the urgent pointer is never "
	  "read; urgent bytes stay in the stream)" },
};

/* The index of the option called @name, or -1. */
static int sockopt_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(sockopts) / sizeof(sockopts[0]); i++)
		if (strcmp(sockopts[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Arguments of sockopt: a known NAME. */
static int check_sockopt(const struct agent_req *r)
{
	return sockopt_find(r->str) < 0 ? -1 : 0;
}

/*
 * sockopt PP NAME VALUE: nodelay (tcp_nagle_disable/enable), keepalive
 * (SOF_KEEPALIVE), keepidle and keepintvl (seconds, as Linux takes them),
 * keepcnt, linger 0 (close becomes tcp_abort, as lwIP's sockets layer does).
 */
static enum agent_step cmd_sockopt(struct agent *a, struct agent_req *r,
				struct agent_conn *c)
{
	int i = sockopt_find(r->str);
	const char *name;
	struct tcp_pcb *pcb = c->pcb;
	int64_t v = r->val;

	if (i < 0) {	/* check() passed: cannot happen */
		agent_reply(a, r->id, "err usage: %s", r->verb->usage);
		return AGENT_DONE;
	}
	name = sockopts[i].name;
	if (sockopts[i].unsupported) {
		agent_reply(a, r->id, "err unsupported: %s", sockopts[i].unsupported);
		return AGENT_DONE;
	}
	if (reply_if_closed(a, r, c))
		return AGENT_DONE;
	if (strcmp(name, "linger") == 0) {
		if (v != 0) {
			agent_reply(a, r->id, "err unsupported: lwIP's raw API never "
				 "waits in close: only linger 0 (close is an abort)");
			return AGENT_DONE;
		}
		c->linger0 = true;
		agent_reply(a, r->id, "ok");
		return AGENT_DONE;
	}
	if ((strcmp(name, "keepidle") == 0 || strcmp(name, "keepintvl") == 0) &&
	    (v < 1 || v > 32767)) {
		agent_reply(a, r->id, "err sockopt %s: %s", name, strerror(EINVAL));
		return AGENT_DONE;
	}
	if (strcmp(name, "keepcnt") == 0 && (v < 1 || v > 127)) {
		agent_reply(a, r->id, "err sockopt %s: %s", name, strerror(EINVAL));
		return AGENT_DONE;
	}
	if (!pcb) {	/* lwIP freed it: nothing left to set */
		agent_reply(a, r->id, "ok");
		return AGENT_DONE;
	}
	if (strcmp(name, "nodelay") == 0) {
		if (v)
			tcp_nagle_disable(pcb);
		else
			tcp_nagle_enable(pcb);
	} else if (strcmp(name, "keepalive") == 0) {
		if (v)
			ip_set_option(pcb, SOF_KEEPALIVE);
		else
			ip_reset_option(pcb, SOF_KEEPALIVE);
	} else if (strcmp(name, "keepidle") == 0) {
		pcb->keep_idle = (u32_t)v * 1000;
	} else if (strcmp(name, "keepintvl") == 0) {
		pcb->keep_intvl = (u32_t)v * 1000;
	} else {
		pcb->keep_cnt = (u32_t)v;
	}
	agent_reply(a, r->id, "ok");
	return AGENT_DONE;
}

static const struct agent_verb verbs[] = {
	{ "ping", "", "ping", false, NULL, cmd_ping, no_expire, false },
	{ "quit", "", "quit", false, NULL, cmd_quit, no_expire, false },
	{ "close", "P", "close PP [t=MS]", true, NULL, cmd_close, no_expire, false },
	{ "shutdown", "PS", "shutdown PP rd|wr|rdwr [t=MS]", true,
	  check_shutdown, cmd_shutdown, no_expire, false },
	{ "abort", "P", "abort PP [t=MS]", true, NULL, cmd_abort, no_expire, false },
	{ "forget", "P", "forget PP [t=MS]", true, NULL, cmd_forget, no_expire, false },
	{ "send", "PN", "send PP N [t=MS] (N <= 67108864)", true, check_send,
	  cmd_send, expire_send, false },
	{ "urgent", "P", "urgent PP [t=MS]", false, NULL, cmd_urgent, no_expire, false },
	{ "noread", "P", "noread PP [t=MS]", true, NULL, cmd_reading, no_expire, false },
	{ "read", "P", "read PP [t=MS]", true, NULL, cmd_reading, no_expire, false },
	{ "take", "PN", "take PP N [t=MS]", true, NULL, cmd_take, no_expire, false },
	{ "received", "PN", "received PP N [t=MS]", true, NULL, cmd_received,
	  expire_received, false },
	{ "eof", "P", "eof PP [t=MS]", true, NULL, cmd_eof, expire_eof, false },
	{ "state", "P", "state PP", false, NULL, cmd_state, no_expire, false },
	{ "connect", "SP?P", "connect ADDR PORT [LPORT]", false, check_connect,
	  cmd_connect, no_expire, false },
	{ "sockopt", "PSV", "sockopt PP NAME VALUE [t=MS] (NAME: nodelay "
	  "keepalive keepidle keepintvl keepcnt user_timeout rcvbuf sndbuf "
	  "linger cork oobinline)", true, check_sockopt, cmd_sockopt,
	  no_expire, false },
	{ "info", "P", "info PP [t=MS]", true, NULL, cmd_info, no_expire, false },
};

/* The verb called @name, or NULL. */
const struct agent_verb *agent_verb_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verbs[i].name, name) == 0)
			return &verbs[i];
	return NULL;
}
