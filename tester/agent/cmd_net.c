/*
 * tester/agent/cmd_net.c: the verbs of tcpconform-agent that make sockets or
 * set their options: connect and sockopt.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent.h"

union agent_addr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_storage ss;
};

/*
 * Fill @u with the IPv4 or IPv6 literal @s and @port. Returns the address
 * length, or 0 when @s is neither.
 */
static socklen_t parse_addr(const char *s, uint16_t port, union agent_addr *u)
{
	memset(u, 0, sizeof(*u));
	if (inet_pton(AF_INET, s, &u->in.sin_addr) == 1) {
		u->in.sin_family = AF_INET;
		u->in.sin_port = htons(port);
		return sizeof(u->in);
	}
	if (inet_pton(AF_INET6, s, &u->in6.sin6_addr) == 1) {
		u->in6.sin6_family = AF_INET6;
		u->in6.sin6_port = htons(port);
		return sizeof(u->in6);
	}
	return 0;
}

/* Arguments of connect: ADDR must be an IPv4 or IPv6 literal. */
int agent_check_connect(const struct agent_req *r)
{
	union agent_addr u;

	return parse_addr(r->str, r->port[0], &u) ? 0 : -1;
}

/* Bind @fd to the wildcard address of @family, port @lport. 0 or -1. */
static int bind_local(int fd, int family, uint16_t lport)
{
	union agent_addr u;
	socklen_t len = parse_addr(family == AF_INET ? "0.0.0.0" : "::",
				   lport, &u);
	int on = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0)
		return -1;
	return bind(fd, &u.sa, len);
}

/* The local port of @fd, or 0 when unknown. */
static uint16_t local_port(int fd)
{
	union agent_addr u;
	socklen_t len = sizeof(u);

	if (getsockname(fd, &u.sa, &len) != 0)
		return 0;
	if (u.sa.sa_family == AF_INET)
		return ntohs(u.in.sin_port);
	if (u.sa.sa_family == AF_INET6)
		return ntohs(u.in6.sin6_port);
	return 0;
}

/*
 * connect ADDR PORT [LPORT]: start a non-blocking connect(); the connection
 * is named by PORT, in mode discard. ok once connect() has started.
 */
enum agent_step agent_cmd_connect(struct agent *a, struct agent_req *r,
				  struct agent_conn *c)
{
	union agent_addr dst;
	socklen_t len = parse_addr(r->str, r->port[0], &dst);
	const char *what = "socket";
	int fd, rc, err;

	fd = socket(dst.sa.sa_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	what = "bind";
	if (r->port[1] && bind_local(fd, dst.sa.sa_family, r->port[1]) != 0)
		goto fail;
	what = "connect";
	rc = connect(fd, &dst.sa, len);
	if (rc != 0 && errno != EINPROGRESS)
		goto fail;
	c = agent_conn_add(a, fd, r->port[0], local_port(fd), AGENT_DISCARD);
	if (!c) {
		agent_reply(a, r->id, "err out of memory");
		return AGENT_DONE;
	}
	c->connecting = rc != 0;
	agent_reply(a, r->id, "ok");
	return AGENT_DONE;
fail:
	err = errno;
	if (fd >= 0 && close(fd) != 0)
		perror("tcpconform-agent: close");
	agent_reply(a, r->id, "err %s: %s", what, strerror(err));
	return AGENT_DONE;
}

struct sockopt_def {
	const char *name;
	int level, opt;
};

static const struct sockopt_def sockopts[] = {
	{ "nodelay", IPPROTO_TCP, TCP_NODELAY },
	{ "keepalive", SOL_SOCKET, SO_KEEPALIVE },
	{ "keepidle", IPPROTO_TCP, TCP_KEEPIDLE },
	{ "keepintvl", IPPROTO_TCP, TCP_KEEPINTVL },
	{ "keepcnt", IPPROTO_TCP, TCP_KEEPCNT },
	{ "user_timeout", IPPROTO_TCP, TCP_USER_TIMEOUT },
	{ "rcvbuf", SOL_SOCKET, SO_RCVBUF },
	{ "sndbuf", SOL_SOCKET, SO_SNDBUF },
	{ "linger", SOL_SOCKET, SO_LINGER },
	{ "cork", IPPROTO_TCP, TCP_CORK },
	{ "oobinline", SOL_SOCKET, SO_OOBINLINE },     /* urgent data stays in the stream */
};

/* The option called @name, or NULL. */
static const struct sockopt_def *sockopt_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(sockopts) / sizeof(sockopts[0]); i++)
		if (strcmp(sockopts[i].name, name) == 0)
			return &sockopts[i];
	return NULL;
}

/* Arguments of sockopt: a known NAME. */
int agent_check_sockopt(const struct agent_req *r)
{
	return sockopt_find(r->str) ? 0 : -1;
}

/* sockopt PP NAME VALUE: setsockopt(); linger sets {1, VALUE}. */
enum agent_step agent_cmd_sockopt(struct agent *a, struct agent_req *r,
				  struct agent_conn *c)
{
	const struct sockopt_def *d = sockopt_find(r->str);
	struct linger lg = { .l_onoff = 1, .l_linger = (int)r->val };
	int v = (int)r->val, rc;

	if (!d) {	/* check() passed: cannot happen */
		agent_reply(a, r->id, "err usage: %s", r->verb->usage);
		return AGENT_DONE;
	}
	if (agent_reply_if_closed(a, r, c))
		return AGENT_DONE;
	if (d->opt == SO_LINGER && d->level == SOL_SOCKET)
		rc = setsockopt(c->fd, d->level, d->opt, &lg, sizeof(lg));
	else
		rc = setsockopt(c->fd, d->level, d->opt, &v, sizeof(v));
	if (rc != 0)
		agent_reply(a, r->id, "err sockopt %s: %s", d->name,
			    strerror(errno));
	else
		agent_reply(a, r->id, "ok");
	return AGENT_DONE;
}

/* Arguments of listen: PP and a listener's MODE. */
int agent_check_listen(const struct agent_req *r)
{
	struct agent_listener l;

	return agent_parse_mode(r->str, strlen(r->str), &l.mode, &l.send_n);
}

/*
 * listen PP MODE: a listener of its own on port PP, whose connection is named
 * PP whatever its peer's port. Behind a proxy the peer is the proxy, from a
 * port of its choosing: a case's own listening port names its connection.
 */
enum agent_step agent_cmd_listen(struct agent *a, struct agent_req *r,
				 struct agent_conn *c)
{
	struct agent_listener l = { .fd = -1, .port = r->port[0], .by_port = true };
	struct agent_listener *p;
	size_t i;

	(void)c;
	agent_parse_mode(r->str, strlen(r->str), &l.mode, &l.send_n);
	for (i = 0; i < a->nlis; i++)
		if (a->lis[i].port == l.port) {
			agent_reply(a, r->id, "err port %u listens already", l.port);
			return AGENT_DONE;
		}
	p = realloc(a->lis, (a->nlis + 1) * sizeof(*p));
	if (!p) {
		agent_reply(a, r->id, "err out of memory");
		return AGENT_DONE;
	}
	a->lis = p;
	if (agent_listener_open(&l, a->backlog) != 0) {
		agent_reply(a, r->id, "err listen on port %u: %s", l.port, strerror(errno));
		if (l.fd >= 0)
			close(l.fd);
		return AGENT_DONE;
	}
	a->lis[a->nlis++] = l;
	agent_reply(a, r->id, "ok");
	return AGENT_DONE;
}

/* unlisten PP: close the listener of `listen PP` (its connection stays). */
enum agent_step agent_cmd_unlisten(struct agent *a, struct agent_req *r,
				   struct agent_conn *c)
{
	size_t i;

	(void)c;
	for (i = 0; i < a->nlis; i++)
		if (a->lis[i].port == r->port[0] && a->lis[i].by_port) {
			if (close(a->lis[i].fd) != 0)
				perror("tcpconform-agent: close");
			a->lis[i] = a->lis[--a->nlis];
			agent_reply(a, r->id, "ok");
			return AGENT_DONE;
		}
	agent_reply(a, r->id, "err no listener of 'listen %u'", r->port[0]);
	return AGENT_DONE;
}
