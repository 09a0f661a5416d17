/*
 * tester/lwip/lwip_conn.c: the connection table of tcpconform-lwip and the
 * application's side of each connection on lwIP's raw API: listeners and
 * accept, reading (held pbufs, tcp_recved), echo, writing (tcp_write, more
 * from the sent callback), close, abort, and the state of a connection.
 *
 * lwIP's callbacks only record what happened (data, FIN, error, a new
 * connection); agent_conn_service(), called by the main loop after lwIP ran,
 * acts on it, so that nothing closes or aborts a pcb from inside lwIP.
 * Records are indexed by the peer's port; a record keeps its counters after
 * its pcb is gone, until a new connection from the same port replaces it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

#include "agent.h"

struct agent *agent_self;

/* Link @c at the head of the list of open records. */
static void conn_link(struct agent *a, struct agent_conn *c)
{
	c->prev = NULL;
	c->next = a->live;
	if (a->live)
		a->live->prev = c;
	a->live = c;
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
}

/*
 * Take @c's pcb out of the record: lwIP calls none of the record's callbacks
 * for it any more. Returns the pcb (NULL if lwIP had freed it).
 */
struct tcp_pcb *agent_conn_detach(struct agent *a, struct agent_conn *c)
{
	struct tcp_pcb *pcb = c->pcb;

	if (!pcb)
		return NULL;
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	tcp_ext_arg_set(pcb, a->ext_id, NULL);
	c->pcb = NULL;
	return pcb;
}

/* End the application's handle of @c: unread and unsent bytes are dropped. */
static void conn_end(struct agent *a, struct agent_conn *c)
{
	if (!c->open)
		return;
	conn_unlink(a, c);
	c->open = false;
	c->connecting = false;
	if (c->held)
		pbuf_free(c->held);
	c->held = NULL;
	agent_buf_free(&c->out);
}

/*
 * Close @c as close() would (if open) and record @err (0: none, keeps an older
 * error). Unread data makes lwIP send a reset (tcp_close_shutdown() in
 * tcp.c); after `sockopt linger 0` the close is an abort. The record stays.
 */
void agent_conn_close(struct agent *a, struct agent_conn *c, int err)
{
	struct tcp_pcb *pcb;

	if (err)
		c->error = err;
	if (!c->open)
		return;
	pcb = agent_conn_detach(a, c);
	if (pcb) {
		if (c->linger0)
			tcp_abort(pcb);
		else if (tcp_close(pcb) != ERR_OK)
			tcp_abort(pcb);	/* out of memory: the pcb must go anyway */
	}
	conn_end(a, c);
}

/* abort (@rst: tcp_abort, a reset) or forget (tcp_abandon without a segment). */
void agent_conn_abort(struct agent *a, struct agent_conn *c, bool rst)
{
	struct tcp_pcb *pcb;

	if (!c->open)
		return;
	pcb = agent_conn_detach(a, c);
	if (pcb)
		tcp_abandon(pcb, rst ? 1 : 0);
	conn_end(a, c);
}

/* Free a record, closing it first if open. */
static void conn_free(struct agent *a, struct agent_conn *c)
{
	agent_conn_close(a, c, 0);
	free(c);
}

/* lwIP freed @c's pcb (its ext-arg destroy callback). */
static void on_destroy(u8_t id, void *data)
{
	struct agent_conn *c = data;

	(void)id;
	if (c)
		c->pcb = NULL;
}

static const struct tcp_ext_arg_callbacks ext_callbacks = { on_destroy, NULL };

/*
 * lwIP's error callback: the pcb is already freed. A reset or an abort ends
 * the application's handle with that error, as a socket error would; a
 * normal end (ERR_CLSD: the FIN handshake finished) leaves it open.
 */
static void on_err(void *arg, err_t err)
{
	struct agent_conn *c = arg;
	int e;

	if (!c)
		return;
	c->pcb = NULL;
	if (err == ERR_CLSD)
		return;
	e = agent_errno_of(err);
	if (err == ERR_RST && c->connecting)
		e = ECONNREFUSED;	/* a reset answering our SYN */
	agent_conn_close(agent_self, c, e);
}

/* lwIP's receive callback: keep the data for the application; NULL is FIN. */
static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct agent_conn *c = arg;

	(void)err;
	if (!c || !c->open) {	/* cannot happen: detached pcbs have no arg */
		if (p) {
			tcp_recved(pcb, p->tot_len);
			pbuf_free(p);
		}
		return ERR_OK;
	}
	if (!p) {
		c->fin = true;
		return ERR_OK;
	}
	if (c->held)
		pbuf_cat(c->held, p);
	else
		c->held = p;
	return ERR_OK;
}

/* lwIP's sent callback: room in the send buffer, write more. */
static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct agent_conn *c = arg;

	(void)pcb;
	(void)len;
	if (c)
		agent_conn_flush(agent_self, c, true);
	return ERR_OK;
}

/* lwIP's connected callback (of tcp_connect()): the handshake finished. */
err_t agent_conn_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct agent_conn *c = arg;

	(void)pcb;
	(void)err;
	if (c)
		c->connecting = false;
	return ERR_OK;
}

/* Set the record's callbacks on its pcb. */
void agent_conn_callbacks(struct agent *a, struct agent_conn *c)
{
	tcp_arg(c->pcb, c);
	tcp_recv(c->pcb, on_recv);
	tcp_sent(c->pcb, on_sent);
	tcp_err(c->pcb, on_err);
	tcp_ext_arg_set_callbacks(c->pcb, a->ext_id, &ext_callbacks);
	tcp_ext_arg_set(c->pcb, a->ext_id, c);
}

/*
 * Make an open record for @pcb and index it under @pport, replacing and
 * freeing an older record there. Returns the record, or NULL (out of memory;
 * the caller still owns @pcb).
 */
struct agent_conn *agent_conn_add(struct agent *a, struct tcp_pcb *pcb,
			    uint16_t pport, enum agent_mode mode)
{
	struct agent_conn *c = calloc(1, sizeof(*c));

	if (!c) {
		perror("tcpconform-lwip: connection record");
		return NULL;
	}
	if (a->byport[pport])
		conn_free(a, a->byport[pport]);
	c->serial = ++a->next_serial;
	c->open = true;
	c->pcb = pcb;
	c->pport = pport;
	c->lport = pcb->local_port;
	c->mode = mode;
	c->reading = mode != AGENT_NOREAD;
	c->started = true;
	conn_link(a, c);
	a->byport[pport] = c;
	agent_conn_callbacks(a, c);
	return c;
}

/* Free every record (at exit); open ones are closed. */
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
 * Hand lwIP queued output while its send buffer has room. In a callback
 * (@in_callback) an error only stops; the next service turn closes.
 */
void agent_conn_flush(struct agent *a, struct agent_conn *c, bool in_callback)
{
	struct agent_buf *b = &c->out;
	bool wrote = false;

	while (c->open && c->pcb && b->off < b->len) {
		struct tcp_pcb *pcb = c->pcb;
		size_t n = b->len - b->off, room = tcp_sndbuf(pcb);
		size_t mss = pcb->mss ? pcb->mss : 536;
		int segs = TCP_SND_QUEUELEN - (int)tcp_sndqueuelen(pcb) - 1;
		err_t err;

		if (room == 0 || segs <= 0)
			break;
		if (n > room)
			n = room;
		if (n > (size_t)segs * mss)
			n = (size_t)segs * mss;
		err = tcp_write(pcb, b->data + b->off, (u16_t)n,
				TCP_WRITE_FLAG_COPY);
		if (err == ERR_MEM)
			break;	/* again from the sent callback */
		if (err != ERR_OK) {
			/* a failed write (ERR_CONN: after our FIN, as EPIPE) drops what was
			 * queued and leaves the connection to the case, as an application's */
			c->werr = err == ERR_CONN ? EPIPE : agent_errno_of(err);
			c->queued -= b->len - b->off;
			b->off = b->len = 0;
			return;
		}
		b->off += n;
		c->written += n;
		wrote = true;
	}
	if (b->off == b->len)
		b->off = b->len = 0;
	else if (c->open && !c->pcb && !in_callback)
		agent_conn_close(a, c, EPIPE);	/* writing to a finished connection */
	if (wrote && !in_callback && c->pcb)
		tcp_output(c->pcb);
}

/*
 * Queue @n pattern bytes ('a'..'z' repeating, continuing the connection's
 * pattern) and start writing them. Returns 0, or -1 (out of memory).
 */
int agent_conn_queue_pattern(struct agent *a, struct agent_conn *c, uint64_t n)
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
	agent_conn_flush(a, c, false);
	return 0;
}

/*
 * The application reads at most @max held bytes (echoing them when @echo,
 * while the echo backlog is below AGENT_ECHO_HIGH) and opens the window by as
 * much (tcp_recved). Returns the count.
 */
static uint64_t conn_consume(struct agent *a, struct agent_conn *c,
			     uint64_t max, bool echo)
{
	uint64_t got = 0;

	while (c->open && c->held && got < max) {
		size_t n = c->held->tot_len;

		if (n > AGENT_IOBUF)
			n = AGENT_IOBUF;
		if (n > max - got)
			n = (size_t)(max - got);
		if (echo && c->out.len - c->out.off >= AGENT_ECHO_HIGH)
			break;
		pbuf_copy_partial(c->held, a->iobuf, (u16_t)n, 0);
		c->held = pbuf_free_header(c->held, (u16_t)n);
		if (c->pcb)
			tcp_recved(c->pcb, (u16_t)n);
		got += n;
		c->nread += n;
		if (echo) {
			if (agent_buf_append(&c->out, a->iobuf, n) != 0) {
				agent_conn_close(a, c, ENOMEM);
				break;
			}
			c->queued += n;
		}
	}
	return got;
}

/* take: read at most @max bytes now, reading on or off. Returns the count. */
uint64_t agent_conn_take(struct agent *a, struct agent_conn *c, uint64_t max)
{
	return conn_consume(a, c, max, false);
}

/* Apply the listener's mode to the just accepted connection @c. */
static void conn_start(struct agent *a, struct agent_conn *c)
{
	switch (c->mode) {
	case AGENT_SEND:
		if (agent_conn_queue_pattern(a, c, c->send_n) != 0)
			agent_conn_close(a, c, ENOMEM);
		break;
	case AGENT_CLOSE:
		agent_conn_close(a, c, 0);
		break;
	case AGENT_ABORT:
		agent_conn_abort(a, c, true);
		break;
	default:
		break;
	}
}

/*
 * After lwIP ran: start new connections, read (and echo) what arrived, note
 * EOF, write what is queued.
 */
void agent_conn_service(struct agent *a)
{
	struct agent_conn *c, *next;

	for (c = a->live; c; c = next) {
		next = c->next;
		if (!c->started) {
			c->started = true;
			conn_start(a, c);
		}
		if (c->open && c->reading)
			conn_consume(a, c, UINT64_MAX, c->mode == AGENT_ECHO);
		if (c->open && c->reading && !c->held && (c->fin || c->rd_shut))
			c->eof = true;
		if (c->open)
			agent_conn_flush(a, c, false);
	}
}

/* lwIP's accept callback: a record for the new connection, started later. */
static err_t on_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
	struct agent_listener *l = arg;
	struct agent_conn *c;

	if (err != ERR_OK || !newpcb || !l)
		return ERR_VAL;
	c = agent_conn_add(agent_self, newpcb, newpcb->remote_port, l->mode);
	if (!c) {
		tcp_abort(newpcb);
		return ERR_ABRT;
	}
	c->send_n = l->send_n;
	c->started = false;
	return ERR_OK;
}

/* Allocate the records' ext-arg slot. 0, or -1. */
int agent_conn_init(struct agent *a)
{
	a->ext_id = tcp_ext_arg_alloc_id();
	if (a->ext_id == LWIP_TCP_PCB_NUM_EXT_ARG_ID_INVALID) {
		fprintf(stderr, "tcpconform-lwip: no ext-arg slot in lwIP\n");
		return -1;
	}
	return 0;
}

/*
 * Open one listener on PORT, IPv4 and IPv6 (an IPADDR_TYPE_ANY pcb), with
 * SOF_REUSEADDR as the Linux agent's SO_REUSEADDR. lwIP's backlog is at most
 * 255. Returns 0, or -1 with a message naming the port on stderr.
 */
int agent_listener_open(struct agent *a, struct agent_listener *l)
{
	struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);
	u8_t backlog = (u8_t)(a->backlog > 255 ? 255 : a->backlog);
	err_t err;

	if (!pcb) {
		fprintf(stderr, "tcpconform-lwip: tcp_new port %u: out of "
			"memory\n", l->port);
		return -1;
	}
	ip_set_option(pcb, SOF_REUSEADDR);
	err = tcp_bind(pcb, IP_ANY_TYPE, l->port);
	if (err != ERR_OK) {
		fprintf(stderr, "tcpconform-lwip: bind port %u: %s\n", l->port,
			strerror(agent_errno_of(err)));
		tcp_close(pcb);
		return -1;
	}
	l->pcb = tcp_listen_with_backlog_and_err(pcb, backlog, &err);
	if (!l->pcb) {
		fprintf(stderr, "tcpconform-lwip: listen port %u: %s\n", l->port,
			strerror(agent_errno_of(err)));
		tcp_close(pcb);
		return -1;
	}
	tcp_arg(l->pcb, l);
	tcp_accept(l->pcb, on_accept);
	return 0;
}

/* Close every listener and free the list. */
void agent_listeners_close(struct agent *a)
{
	size_t i;

	for (i = 0; i < a->nlis; i++)
		if (a->lis[i].pcb)
			tcp_close(a->lis[i].pcb);
	free(a->lis);
	a->lis = NULL;
	a->nlis = 0;
}

/* The RFC 9293 name of lwIP's state @s. */
static const char *state_name(enum tcp_state s)
{
	switch (s) {
	case LISTEN:
		return "LISTEN";
	case SYN_SENT:
		return "SYN-SENT";
	case SYN_RCVD:
		return "SYN-RECEIVED";
	case ESTABLISHED:
		return "ESTABLISHED";
	case FIN_WAIT_1:
		return "FIN-WAIT-1";
	case FIN_WAIT_2:
		return "FIN-WAIT-2";
	case CLOSE_WAIT:
		return "CLOSE-WAIT";
	case CLOSING:
		return "CLOSING";
	case LAST_ACK:
		return "LAST-ACK";
	case TIME_WAIT:
		return "TIME-WAIT";
	default:
		return "CLOSED";
	}
}

/*
 * The state of the connection from peer port @pport, from lwIP's own lists
 * (active and TIME-WAIT pcbs, whoever holds them), as the Linux agent asks
 * the kernel: the local port of the record counts first, then a state other
 * than TIME-WAIT. CLOSED when lwIP has no such pcb.
 */
const char *agent_state_of(const struct agent *a, uint16_t pport)
{
	const struct agent_conn *c = a->byport[pport];
	struct tcp_pcb *const lists[] = { tcp_active_pcbs, tcp_tw_pcbs };
	int best = 0, state = CLOSED;
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		const struct tcp_pcb *p;

		for (p = lists[i]; p; p = p->next) {
			int score = 1;

			if (p->remote_port != pport || p->state == CLOSED ||
			    p->state == LISTEN)
				continue;
			if (c && c->lport && p->local_port == c->lport)
				score += 4;
			if (p->state != TIME_WAIT)
				score += 2;
			if (score > best) {
				best = score;
				state = p->state;
			}
		}
	}
	return state_name((enum tcp_state)state);
}
