/*
 * tester/agent/cmd.c: the verbs of tcpconform-agent's control protocol.
 * Each run() replies "ok ..." or "err ...", or returns AGENT_WAIT to be called
 * again after the next events (see struct agent_verb in agent.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent.h"

/* The reason a closed connection can do no more: its error or "closed". */
static const char *closed_why(const struct agent_conn *c)
{
	return c->error ? agent_errname(c->error) : "closed";
}

/*
 * Reply the error for a verb that needs an open fd, when @c has none.
 * Returns true if it replied (the fd is closed).
 */
bool agent_reply_if_closed(struct agent *a, const struct agent_req *r,
			   const struct agent_conn *c)
{
	if (c->fd >= 0)
		return false;
	agent_reply(a, r->id, "err connection from port %u is closed (%s)",
		    c->pport, closed_why(c));
	return true;
}

/* Reply "ok", or "err WHAT: strerror(errno)" when @rc is not 0. */
static enum agent_step reply_rc(struct agent *a, struct agent_req *r, int rc,
				const char *what)
{
	if (rc != 0)
		agent_reply(a, r->id, "err %s: %s", what, strerror(errno));
	else
		agent_reply(a, r->id, "ok");
	return AGENT_DONE;
}

/* Expiry of verbs that never wait after finding their connection. */
static void no_expire(struct agent *a, struct agent_req *r,
		      struct agent_conn *c)
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

/* close PP: close() the fd. */
static enum agent_step cmd_close(struct agent *a, struct agent_req *r,
				 struct agent_conn *c)
{
	if (agent_reply_if_closed(a, r, c))
		return AGENT_DONE;
	agent_conn_close(a, c, 0);
	agent_reply(a, r->id, "ok");
	return AGENT_DONE;
}

/* The shutdown() mode named @s, or -1. */
static int shut_how(const char *s)
{
	if (strcmp(s, "rd") == 0)
		return SHUT_RD;
	if (strcmp(s, "wr") == 0)
		return SHUT_WR;
	if (strcmp(s, "rdwr") == 0)
		return SHUT_RDWR;
	return -1;
}

/* Arguments of shutdown. */
static int check_shutdown(const struct agent_req *r)
{
	return shut_how(r->str) < 0 ? -1 : 0;
}

/* shutdown PP rd|wr|rdwr. */
static enum agent_step cmd_shutdown(struct agent *a, struct agent_req *r,
				    struct agent_conn *c)
{
	if (agent_reply_if_closed(a, r, c))
		return AGENT_DONE;
	return reply_rc(a, r, shutdown(c->fd, shut_how(r->str)), "shutdown");
}

/* abort PP: SO_LINGER {1,0} then close(): the kernel sends RST. */
static enum agent_step cmd_abort(struct agent *a, struct agent_req *r,
				 struct agent_conn *c)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (agent_reply_if_closed(a, r, c))
		return AGENT_DONE;
	if (setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) != 0)
		return reply_rc(a, r, -1, "abort: SO_LINGER");
	agent_conn_close(a, c, 0);
	return reply_rc(a, r, 0, NULL);
}

/* forget PP: TCP_REPAIR on, then close(): the kernel drops it silently. */
static enum agent_step cmd_forget(struct agent *a, struct agent_req *r,
				  struct agent_conn *c)
{
	int on = 1;

	if (agent_reply_if_closed(a, r, c))
		return AGENT_DONE;
	if (setsockopt(c->fd, SOL_TCP, TCP_REPAIR, &on, sizeof(on)) != 0)
		return reply_rc(a, r, -1, "forget: TCP_REPAIR");
	agent_conn_close(a, c, 0);
	return reply_rc(a, r, 0, NULL);
}

/* Arguments of send. */
static int check_send(const struct agent_req *r)
{
	return r->n > AGENT_SEND_MAX ? -1 : 0;
}

/* send PP N: queue N pattern bytes; ok once all are in the socket. */
static enum agent_step cmd_send(struct agent *a, struct agent_req *r,
				struct agent_conn *c)
{
	if (!r->started) {
		if (agent_reply_if_closed(a, r, c))
			return AGENT_DONE;
		c->werr = 0;
		r->target = c->queued + r->n;
		if (agent_conn_queue_pattern(a, c, r->n) != 0) {
			agent_reply(a, r->id, "err out of memory");
			return AGENT_DONE;
		}
		r->started = true;
	}
	if (c->werr) {          /* write() failed: the bytes not in the socket are dropped */
		agent_reply(a, r->id, "err wrote %" PRIu64 " of %" PRIu64 " bytes (%s)",
			    c->written + r->n > r->target ? c->written + r->n - r->target : 0, r->n,
			    agent_errname(c->werr));
		return AGENT_DONE;
	}
	if (c->written >= r->target) {
		agent_reply(a, r->id, "ok");
		return AGENT_DONE;
	}
	if (c->fd >= 0)
		return AGENT_WAIT;
	agent_reply(a, r->id, "err wrote %" PRIu64 " of %" PRIu64 " bytes (%s)",
		    r->n - (r->target - c->written), r->n, closed_why(c));
	return AGENT_DONE;
}

/* Timeout of send. */
static void expire_send(struct agent *a, struct agent_req *r,
			struct agent_conn *c)
{
	agent_reply(a, r->id, "err wrote %" PRIu64 " of %" PRIu64 " bytes",
		    r->n - (r->target - c->written), r->n);
}

/* urgent PP: the application sends the next pattern byte as urgent data (MSG_OOB),
 * once all it queued before is in the socket; ok SEQ (the byte's offset in the
 * stream, from 0). */
static enum agent_step cmd_urgent(struct agent *a, struct agent_req *r,
				  struct agent_conn *c)
{
	char byte;

	if (agent_reply_if_closed(a, r, c))
		return AGENT_DONE;
	if (c->written < c->queued)
		return AGENT_WAIT;      /* the ordinary data first, in order */
	byte = (char)('a' + c->pattern % 26);
	if (send(c->fd, &byte, 1, MSG_OOB | MSG_DONTWAIT | MSG_NOSIGNAL) != 1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return AGENT_WAIT;      /* the send buffer is full: again when it drains */
		return reply_rc(a, r, -1, "urgent: send(MSG_OOB)");
	}
	agent_reply(a, r->id, "ok %" PRIu64, c->written);
	c->pattern++;
	c->queued++;
	c->written++;
	return AGENT_DONE;
}

/* noread PP / read PP: stop or resume reading. */
static enum agent_step cmd_reading(struct agent *a, struct agent_req *r,
				   struct agent_conn *c)
{
	if (agent_reply_if_closed(a, r, c))
		return AGENT_DONE;
	c->reading = strcmp(r->verb->name, "read") == 0;
	agent_reply(a, r->id, "ok");
	return AGENT_DONE;
}

/* take PP N: the application reads at most N bytes now, reading on or off: ok COUNT
 * (what it got; 0 when nothing was there). */
static enum agent_step cmd_take(struct agent *a, struct agent_req *r, struct agent_conn *c)
{
	uint64_t got = 0;

	if (agent_reply_if_closed(a, r, c))
		return AGENT_DONE;
	while (got < r->n) {
		size_t want = r->n - got > AGENT_IOBUF ? AGENT_IOBUF : (size_t)(r->n - got);
		ssize_t n = recv(c->fd, a->iobuf, want, MSG_DONTWAIT);

		if (n == 0)
			c->eof = true;  /* the peer's FIN, read: eof answers from now on */
		if (n <= 0)
			break;
		got += (uint64_t)n;
	}
	c->nread += got;
	agent_reply(a, r->id, "ok %" PRIu64, got);
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
	if (c->fd >= 0 && !c->eof)
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

/* eof PP: ok once read() returned 0. */
static enum agent_step cmd_eof(struct agent *a, struct agent_req *r,
			       struct agent_conn *c)
{
	if (c->eof) {
		agent_reply(a, r->id, "ok");
		return AGENT_DONE;
	}
	if (c->fd >= 0)
		return AGENT_WAIT;
	agent_reply(a, r->id, "err no EOF (%s)", closed_why(c));
	return AGENT_DONE;
}

/* Timeout of eof. */
static void expire_eof(struct agent *a, struct agent_req *r,
		       struct agent_conn *c)
{
	(void)c;
	agent_reply(a, r->id, "err no EOF");
}

/* state PP: the kernel's TCP state, without waiting. */
static enum agent_step cmd_state(struct agent *a, struct agent_req *r,
				 struct agent_conn *c)
{
	char err[128];
	int st;

	c = a->byport[r->port[0]];
	if (agent_diag_state(a, r->port[0], c ? c->lport : 0, &st, err,
			     sizeof(err)) != 0)
		agent_reply(a, r->id, "err state: %s", err);
	else
		agent_reply(a, r->id, "ok %s", agent_state_name(st));
	return AGENT_DONE;
}

/* info PP: what the application saw, then the kernel's TCP_INFO of the
 * connection (the names of struct tcp_info without "tcpi_"), while it is open. */
static enum agent_step cmd_info(struct agent *a, struct agent_req *r,
				struct agent_conn *c)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	char t[900] = "";

	memset(&ti, 0, sizeof(ti));
	if (c->fd >= 0 &&
	    getsockopt(c->fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0)
		snprintf(t, sizeof(t),
			 " state=%u ca_state=%u retransmits=%u probes=%u"
			 " backoff=%u options=%u snd_wscale=%u rcv_wscale=%u"
			 " rto=%u ato=%u snd_mss=%u rcv_mss=%u unacked=%u"
			 " sacked=%u lost=%u retrans=%u fackets=%u pmtu=%u"
			 " rcv_ssthresh=%u rtt=%u rttvar=%u snd_ssthresh=%u"
			 " snd_cwnd=%u advmss=%u reordering=%u rcv_rtt=%u"
			 " rcv_space=%u total_retrans=%u",
			 ti.tcpi_state, ti.tcpi_ca_state, ti.tcpi_retransmits,
			 ti.tcpi_probes, ti.tcpi_backoff, ti.tcpi_options,
			 ti.tcpi_snd_wscale, ti.tcpi_rcv_wscale, ti.tcpi_rto,
			 ti.tcpi_ato, ti.tcpi_snd_mss, ti.tcpi_rcv_mss,
			 ti.tcpi_unacked, ti.tcpi_sacked, ti.tcpi_lost,
			 ti.tcpi_retrans, ti.tcpi_fackets, ti.tcpi_pmtu,
			 ti.tcpi_rcv_ssthresh, ti.tcpi_rtt, ti.tcpi_rttvar,
			 ti.tcpi_snd_ssthresh, ti.tcpi_snd_cwnd, ti.tcpi_advmss,
			 ti.tcpi_reordering, ti.tcpi_rcv_rtt, ti.tcpi_rcv_space,
			 ti.tcpi_total_retrans);
	agent_reply(a, r->id, "ok read=%" PRIu64 " eof=%d error=%s reading=%d%s",
		    c->nread, c->eof, agent_errname(c->error), c->reading, t);
	return AGENT_DONE;
}

/* sysctl KEY [VALUE...]: read a net.* sysctl, and set it to the VALUE tokens joined
 * by blanks; the reply is its value before ("ok 4096 131072 6291456"). For a
 * target whose settings the tester cannot reach (a kernel in a virtual machine). */
static int check_sysctl(const struct agent_req *r)
{
	const char *k = r->argv[0];

	return strncmp(k, "net.", 4) || strstr(k, "..") || strchr(k, '/') ? -1 : 0;
}

static enum agent_step cmd_sysctl(struct agent *a, struct agent_req *r,
				  struct agent_conn *c)
{
	char path[160], old[256] = "", val[256] = "";
	size_t i, off = 0;
	ssize_t n;
	int fd;

	(void)c;
	snprintf(path, sizeof(path), "/proc/sys/%s", r->argv[0]);
	for (i = 10; path[i]; i++)
		if (path[i] == '.')
			path[i] = '/';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return reply_rc(a, r, -1, r->argv[0]);
	n = read(fd, old, sizeof(old) - 1);
	close(fd);
	old[n > 0 ? n : 0] = '\0';
	for (i = 0; old[i]; i++)
		if (old[i] == '\t' || old[i] == '\n')
			old[i] = old[i] == '\t' ? ' ' : '\0';
	for (i = 1; i < (size_t)r->argc; i++)
		off += (size_t)snprintf(val + off, sizeof(val) - off, "%s%s", i > 1 ? " " : "", r->argv[i]);
	if (r->argc > 1) {
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val)) {
			int e = errno;

			if (fd >= 0)
				close(fd);
			errno = e;
			return reply_rc(a, r, -1, r->argv[0]);
		}
		close(fd);
	}
	agent_reply(a, r->id, "ok %s", old);
	return AGENT_DONE;
}

static const struct agent_verb verbs[] = {
	{ "ping", "", "ping", false, NULL, cmd_ping, no_expire, true },
	{ "quit", "", "quit", false, NULL, cmd_quit, no_expire, true },
	{ "close", "P", "close PP [t=MS]", true, NULL, cmd_close, no_expire, true },
	{ "shutdown", "PS", "shutdown PP rd|wr|rdwr [t=MS]", true,
	  check_shutdown, cmd_shutdown, no_expire, true },
	{ "abort", "P", "abort PP [t=MS]", true, NULL, cmd_abort, no_expire, true },
	{ "forget", "P", "forget PP [t=MS]", true, NULL, cmd_forget,
	  no_expire, false },
	{ "send", "PN", "send PP N [t=MS] (N <= 67108864)", true, check_send,
	  cmd_send, expire_send, true },
	{ "urgent", "P", "urgent PP [t=MS]", true, NULL, cmd_urgent, no_expire, false },
	{ "noread", "P", "noread PP [t=MS]", true, NULL, cmd_reading,
	  no_expire, false },	/* behind a proxy: its own buffer drains into ours */
	{ "read", "P", "read PP [t=MS]", true, NULL, cmd_reading, no_expire, true },
	{ "take", "PN", "take PP N [t=MS]", true, NULL, cmd_take, no_expire, true },
	{ "received", "PN", "received PP N [t=MS]", true, NULL, cmd_received,
	  expire_received, true },
	{ "eof", "P", "eof PP [t=MS]", true, NULL, cmd_eof, expire_eof, true },
	{ "state", "P", "state PP", false, NULL, cmd_state, no_expire, false },
	{ "connect", "SP?P", "connect ADDR PORT [LPORT]", false,
	  agent_check_connect, agent_cmd_connect, no_expire, false },
	{ "sockopt", "PSV", "sockopt PP NAME VALUE [t=MS] (NAME: nodelay "
	  "keepalive keepidle keepintvl keepcnt user_timeout rcvbuf sndbuf "
	  "linger cork oobinline)", true, agent_check_sockopt, agent_cmd_sockopt,
	  no_expire, false },
	{ "info", "P", "info PP [t=MS]", true, NULL, cmd_info, no_expire, true },
	{ "listen", "PS", "listen PP MODE (MODE: echo discard send:N close abort "
	  "noread)", false, agent_check_listen, agent_cmd_listen, no_expire, true },
	{ "unlisten", "P", "unlisten PP", false, NULL, agent_cmd_unlisten,
	  no_expire, true },
	{ "sysctl", "S?SSSSS", "sysctl net.KEY [VALUE...]", false, check_sysctl,
	  cmd_sysctl, no_expire, false },
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
