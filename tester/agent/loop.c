/*
 * tester/agent/loop.c: tcpconform-agent's poll() loop. Each turn: poll the
 * control channel, the listeners and every open connection; then serve the
 * connections, accept, advance the waiting requests, read new requests, and
 * write the replies. Nothing in a turn blocks.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include "agent.h"

/* The poll set of one turn; conn[i] is the record of pfd[i] (or NULL). */
struct loop_set {
	struct pollfd *pfd;
	struct agent_conn **conn;
	size_t n, cap;
};

/* Grow @s to hold @need entries. Returns 0, or -1 (out of memory). */
static int set_reserve(struct loop_set *s, size_t need)
{
	struct pollfd *p;
	struct agent_conn **c;

	if (need <= s->cap && s->pfd && s->conn)
		return 0;
	p = realloc(s->pfd, need * sizeof(*p));
	if (!p)
		return -1;
	s->pfd = p;
	c = realloc(s->conn, need * sizeof(*c));
	if (!c)
		return -1;
	s->conn = c;
	s->cap = need;
	return 0;
}

/* Append one entry to @s (room was reserved). */
static void set_add(struct loop_set *s, int fd, short events,
		    struct agent_conn *c)
{
	s->pfd[s->n].fd = fd;
	s->pfd[s->n].events = events;
	s->pfd[s->n].revents = 0;
	s->conn[s->n] = c;
	s->n++;
}

/*
 * Build the poll set: [0] control input, [1] control output (ignored when
 * the same fd or nothing to write), then listeners, then connections.
 * Returns 0, or -1 (out of memory).
 */
static int loop_build(struct agent *a, struct loop_set *s)
{
	bool out_pending = a->ctl.obuf.off < a->ctl.obuf.len;
	bool same = a->ctl.in == a->ctl.out;
	struct agent_conn *c;
	size_t i;

	if (set_reserve(s, 2 + a->nlis + a->nlive) != 0)
		return -1;
	s->n = 0;
	set_add(s, a->ctl.in, POLLIN | (same && out_pending ? POLLOUT : 0),
		NULL);
	set_add(s, same || !out_pending ? -1 : a->ctl.out, POLLOUT, NULL);
	for (i = 0; i < a->nlis; i++)
		set_add(s, a->lis[i].fd, POLLIN, NULL);
	for (c = a->live; c; c = c->next) {
		short ev = agent_conn_events(c);

		if (ev >= 0)
			set_add(s, c->fd, ev, c);
	}
	return 0;
}

/* Serve what poll() reported, in an order that keeps records valid. */
static void loop_serve(struct agent *a, struct loop_set *s)
{
	size_t i, first_conn = 2 + a->nlis;

	/* Connections first: accepting may free a replaced record. */
	for (i = first_conn; i < s->n; i++)
		agent_conn_event(a, s->conn[i], s->pfd[i].revents);
	for (i = 0; i < a->nlis; i++)
		if (s->pfd[2 + i].revents)
			agent_listener_accept(a, &a->lis[i]);
	agent_pending_run(a);
	if (s->pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
		agent_ctl_read(a);
	agent_pending_run(a);
}

/*
 * Run until `quit`, EOF on the control channel, or its reader going away;
 * then write what replies can still be written. Returns the exit status.
 */
int agent_loop(struct agent *a)
{
	struct loop_set s = { NULL, NULL, 0, 0 };
	int rc = 0;

	while (!a->quit && !a->ctl.eof) {
		int n;

		if (agent_ctl_flush(a) != 0)
			break;
		if (loop_build(a, &s) != 0) {
			perror("tcpconform-agent: poll set");
			rc = 1;
			break;
		}
		n = poll(s.pfd, s.n, agent_pending_timeout(a));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("tcpconform-agent: poll");
			rc = 1;
			break;
		}
		loop_serve(a, &s);
	}
	agent_ctl_drain(a, 1000);
	free(s.pfd);
	free(s.conn);
	return rc;
}
