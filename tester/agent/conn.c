/*
 * tester/agent/conn.c: the connection table of tcpconform-agent and the
 * application's side of each connection (read, echo, write, accept).
 *
 * Records are indexed by the peer's port. A record keeps its counters after
 * its fd is closed; it is freed only when a new connection from the same
 * peer port replaces it, or at exit.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent.h"

/* Link @c at the head of the list of open records. */
static void conn_link(struct agent *a, struct agent_conn *c)
{
	c->prev = NULL;
	c->next = a->live;
	if (a->live)
		a->live->prev = c;
	a->live = c;
	a->nlive++;
}

/* Remove @c from the list of open records. */
static void conn_unlink(struct agent *a, struct agent_conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		a->live = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->next = c->prev = NULL;
	a->nlive--;
}

/* Free a record, closing its fd if still open. */
static void conn_free(struct agent *a, struct agent_conn *c)
{
	if (c->fd >= 0) {
		conn_unlink(a, c);
		if (close(c->fd) != 0)
			perror("tcpconform-agent: close");
	}
	agent_buf_free(&c->out);
	free(c);
}

/*
 * Make a record for the open socket @fd (owned by the record from now on,
 * even on failure) and index it under @pport, replacing and freeing an older
 * record there. Returns the record, or NULL (out of memory; @fd is closed).
 */
struct agent_conn *agent_conn_add(struct agent *a, int fd, uint16_t pport,
				  uint16_t lport, enum agent_mode mode)
{
	struct agent_conn *c = calloc(1, sizeof(*c));

	if (!c) {
		perror("tcpconform-agent: connection record");
		if (close(fd) != 0)
			perror("tcpconform-agent: close");
		return NULL;
	}
	if (a->byport[pport])
		conn_free(a, a->byport[pport]);
	c->serial = ++a->next_serial;
	c->fd = fd;
	c->pport = pport;
	c->lport = lport;
	c->mode = mode;
	c->reading = mode != AGENT_NOREAD;
	conn_link(a, c);
	a->byport[pport] = c;
	return c;
}

/*
 * Close the record's fd (if open) and record @err (0: none, keeps an older
 * error). Unsent output is dropped. The record stays in the table.
 */
void agent_conn_close(struct agent *a, struct agent_conn *c, int err)
{
	if (err)
		c->error = err;
	if (c->fd < 0)
		return;
	conn_unlink(a, c);
	if (close(c->fd) != 0)
		perror("tcpconform-agent: close");
	c->fd = -1;
	c->connecting = false;
	agent_buf_free(&c->out);
}

/* Free every record (at exit). */
void agent_conn_free_all(struct agent *a)
{
	size_t i;

	if (!a->byport)
		return;
	for (i = 0; i < AGENT_NPORTS; i++) {
		if (a->byport[i])
			conn_free(a, a->byport[i]);
		a->byport[i] = NULL;
	}
}

/*
 * Write queued output until the socket's buffer is full. A failed write records
 * the error and drops what was queued; the socket stays open, as an application's
 * does after write() failed (EPIPE after its own shutdown, ECONNRESET after a
 * reset): what it does next (close, read) is the case's.
 */
static void conn_flush(struct agent *a, struct agent_conn *c)
{
	struct agent_buf *b = &c->out;

	while (c->fd >= 0 && b->off < b->len) {
		ssize_t n = send(c->fd, b->data + b->off, b->len - b->off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				c->werr = errno;
				c->queued -= b->len - b->off;   /* what was queued is dropped */
				b->off = b->len = 0;
			}
			return;
		}
		b->off += (size_t)n;
		c->written += (uint64_t)n;
	}
	if (b->off == b->len)
		b->off = b->len = 0;
}

/*
 * Queue @n pattern bytes ('a'..'z' repeating, continuing the connection's
 * pattern) and start writing them. Returns 0, or -1 (out of memory).
 */
int agent_conn_queue_pattern(struct agent *a, struct agent_conn *c,
			     uint64_t n)
{
	struct agent_buf *b = &c->out;
	size_t i;

	if (n > AGENT_SEND_MAX || agent_buf_reserve(b, (size_t)n) != 0)
		return -1;
	for (i = 0; i < n; i++)
		b->data[b->len + i] = (char)('a' + (c->pattern + i) % 26);
	b->len += (size_t)n;
	c->pattern += n;
	c->queued += n;
	conn_flush(a, c);
	return 0;
}

/* Whether the application wants to read from @c now. */
static bool conn_wants_read(const struct agent_conn *c)
{
	if (c->fd < 0 || c->connecting || !c->reading || c->eof)
		return false;
	return c->mode != AGENT_ECHO ||
	       c->out.len - c->out.off < AGENT_ECHO_HIGH;
}

/*
 * The poll events to ask for on @c; -1 when @c must not be polled at all
 * (closed, or hung up with nothing left to do, which would spin).
 */
short agent_conn_events(const struct agent_conn *c)
{
	short ev = 0;

	if (c->fd < 0)
		return -1;
	if (c->connecting)
		return POLLOUT;
	if (conn_wants_read(c))
		ev |= POLLIN;
	if (c->out.off < c->out.len)
		ev |= POLLOUT;
	if (ev == 0 && c->hup)
		return -1;
	return ev;
}

/* Read once from @c: count, echo, note EOF or the error. */
static void conn_read(struct agent *a, struct agent_conn *c)
{
	ssize_t n = recv(c->fd, a->iobuf, AGENT_IOBUF, MSG_DONTWAIT);

	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			agent_conn_close(a, c, errno);
		return;
	}
	if (n == 0) {
		c->eof = true;	/* half-closed: leave it to the tester */
		return;
	}
	c->nread += (uint64_t)n;
	if (c->mode != AGENT_ECHO)
		return;
	if (agent_buf_append(&c->out, a->iobuf, (size_t)n) != 0) {
		agent_conn_close(a, c, ENOMEM);
		return;
	}
	c->queued += (uint64_t)n;
	conn_flush(a, c);
}

/* The pending socket error of @fd (SO_ERROR), or the errno of the query. */
static int conn_so_error(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		return errno;
	return err;
}

/* Handle the poll result @revents of @c. */
void agent_conn_event(struct agent *a, struct agent_conn *c, short revents)
{
	int err;

	if (c->fd < 0 || revents == 0)
		return;
	if (c->connecting) {
		err = conn_so_error(c->fd);
		if (err)
			agent_conn_close(a, c, err);
		else
			c->connecting = false;	/* connected */
		if (c->fd >= 0 && (revents & POLLHUP))
			c->hup = true;
		return;
	}
	if (revents & POLLERR) {
		err = conn_so_error(c->fd);
		if (err) {
			agent_conn_close(a, c, err);
			return;
		}
	}
	if ((revents & (POLLIN | POLLHUP | POLLERR)) && conn_wants_read(c))
		conn_read(a, c);
	if (c->fd >= 0 && (revents & (POLLOUT | POLLHUP | POLLERR)))
		conn_flush(a, c);
	if (c->fd >= 0 && (revents & POLLHUP))
		c->hup = true;
}

/* The port of a socket address (IPv4 or IPv6), host order; 0 if neither. */
static uint16_t sockaddr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

/* Apply the listener's behaviour to the just accepted connection @c. */
static void conn_start(struct agent *a, struct agent_listener *l,
		       struct agent_conn *c)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	switch (l->mode) {
	case AGENT_SEND:
		if (agent_conn_queue_pattern(a, c, l->send_n) != 0)
			agent_conn_close(a, c, ENOMEM);
		break;
	case AGENT_CLOSE:
		agent_conn_close(a, c, 0);
		break;
	case AGENT_ABORT:
		if (setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)))
			perror("tcpconform-agent: SO_LINGER");
		agent_conn_close(a, c, 0);
		break;
	default:
		break;
	}
}

/* Report a failed accept once; the listener is retried next turn. */
static void accept_warn(struct agent *a, int err)
{
	if (a->warned_accept)
		return;
	a->warned_accept = true;
	fprintf(stderr, "tcpconform-agent: accept: %s\n", strerror(err));
}

/* Accept what the listener @l has queued (a bounded burst per call). */
void agent_listener_accept(struct agent *a, struct agent_listener *l)
{
	int i;

	for (i = 0; i < AGENT_ACCEPT_BURST; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		struct agent_conn *c;
		int fd = accept4(l->fd, (struct sockaddr *)&ss, &len,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				accept_warn(a, errno);
			return;
		}
		/* behind a proxy the peer's port is the proxy's own: a listener
		 * of `listen PP` names its connection PP */
		c = agent_conn_add(a, fd, l->by_port ? l->port : sockaddr_port(&ss),
				   l->port, l->mode);
		if (c)
			conn_start(a, l, c);
	}
}
