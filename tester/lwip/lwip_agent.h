/*
 * tester/lwip/lwip_agent.h: tcpconform-lwip, the agent of the lwIP stack.
 *
 * lwIP 2.1.3 runs inside this process (NO_SYS, raw TCP API) on a TAP file
 * descriptor it inherits; the agent is lwIP's application and speaks the
 * agent protocol of tester/PROTOCOL.md on a control channel, with the same
 * verbs, replies and listener modes as tcpconform-agent (tester/agent*.c).
 * One thread, one poll() loop over the TAP, the control channel and lwIP's
 * timers; lwIP's callbacks only record what happened, and the loop acts on it.
 */
#ifndef TCL_LWIP_AGENT_H
#define TCL_LWIP_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"

#define LA_LINE_MAX 256			/* longest control line, without \n */
#define LA_TIMEOUT_MS 2000		/* default wait of verbs naming PP */
#define LA_ECHO_HIGH (1u << 20)		/* echo stops reading above this */
#define LA_SEND_MAX (1u << 26)		/* largest N of `send` and send:N */
#define LA_IOBUF 65536			/* one read from lwIP's queue */
#define LA_NPORTS 65536
#define LA_MAX_ARGS 8			/* tokens of a request, with ID, verb */
#define LA_MAX_NEIGH 16			/* --neigh entries */
#define LA_FRAME_MAX 1600		/* one Ethernet frame (MTU 1500) */

enum la_mode {
	LA_ECHO,
	LA_DISCARD,
	LA_SEND,
	LA_CLOSE,
	LA_ABORT,
	LA_NOREAD,
};

/* A byte queue: the bytes still to go are data[off..len). */
struct la_buf {
	char *data;
	size_t off, len, cap;
};

struct la_listener {
	struct tcp_pcb *pcb;		/* lwIP's listening pcb */
	uint16_t port;
	enum la_mode mode;
	uint64_t send_n;		/* for LA_SEND */
};

/*
 * One connection, named by the peer's port. The record outlives its pcb so
 * that later verbs still see what happened (bytes read, EOF, error).
 * open is the application's handle (a socket's fd): it ends when the
 * application closes, aborts or forgets the connection, or when lwIP reports
 * an error (a reset, an abort: error says which, as an errno value). pcb is
 * lwIP's, NULL once lwIP freed it; an open record may outlive it (after the
 * FIN handshake or TIME-WAIT ended), as a socket outlives its connection.
 */
struct la_conn {
	struct la_conn *next, *prev;	/* list of open records */
	uint64_t serial;		/* unique per record, never reused */
	bool open;
	struct tcp_pcb *pcb;
	uint16_t pport, lport;		/* peer and local port */
	enum la_mode mode;
	uint64_t send_n;		/* LA_SEND: bytes to send at once */
	bool started;			/* the listener's mode was applied */
	bool rd_shut;			/* shutdown rd: reads end here */
	bool connecting;		/* tcp_connect() not yet answered */
	bool reading;			/* application reads (read/noread) */
	bool fin;			/* lwIP delivered the end of the stream */
	bool eof;			/* the application read up to it */
	bool linger0;			/* sockopt linger 0: close aborts */
	int error;			/* errno of what ended the pcb */
	struct pbuf *held;		/* received, not yet read by the application */
	uint64_t nread;			/* bytes read by the application */
	uint64_t queued, written;	/* output bytes, cumulative (written: in lwIP) */
	uint64_t pattern;		/* pattern bytes generated so far */
	struct la_buf out;
};

/* The control channel: requests in, replies out, both non-blocking. */
struct la_ctl {
	int in, out;
	int in_flags, out_flags;	/* O_ flags to restore at exit */
	bool eof;
	bool skipping;			/* dropping an over-long line */
	size_t ilen;
	char ibuf[LA_LINE_MAX + 2];
	struct la_buf obuf;
};

/* A static neighbour (--neigh): the tester's address and MAC. */
struct la_neigh {
	ip_addr_t addr;
	uint8_t mac[6];
};

struct la_agent;
struct la_verb;

/* A parsed request; lives on the pending list while it waits. */
struct la_req {
	char line[LA_LINE_MAX + 1];	/* tokens point into it */
	const char *id;
	const struct la_verb *verb;
	int argc;			/* arguments after the verb, not t= */
	char *argv[LA_MAX_ARGS];
	uint16_t port[2];		/* P arguments */
	uint64_t n;			/* N argument */
	int64_t val;			/* V argument */
	const char *str;		/* S argument */
	int64_t deadline;		/* monotonic ms */
	uint64_t serial;		/* bound connection, 0 = not yet */
	bool started;
	uint64_t target;		/* send: c->written to reach */
};

enum la_step { LA_DONE, LA_WAIT };

/*
 * A verb, as in tester/agent.h: spec lists the arguments (P port, N count,
 * V signed value, S word, '?' makes the rest optional); with wait set the
 * first argument is PP and run() is called once that connection exists.
 */
struct la_verb {
	const char *name;
	const char *spec;
	const char *usage;
	bool wait;
	int (*check)(const struct la_req *r);
	enum la_step (*run)(struct la_agent *a, struct la_req *r,
			    struct la_conn *c);
	void (*expire)(struct la_agent *a, struct la_req *r,
		       struct la_conn *c);
};

struct la_agent {
	int backlog;
	bool quit;
	int tap_fd, tap_flags;		/* the TAP and its O_ flags to restore */
	struct netif netif;
	uint8_t mac[6];
	struct la_neigh neigh[LA_MAX_NEIGH];
	size_t nneigh;
	bool tap_warned;
	struct la_listener *lis;
	size_t nlis;
	struct la_conn **byport;	/* LA_NPORTS entries */
	struct la_conn *live;		/* open records */
	uint8_t ext_id;			/* lwIP's ext-arg slot of the records */
	uint64_t next_serial;
	struct la_req **pend;		/* waiting requests, in arrival order */
	size_t npend, cappend;
	struct la_ctl ctl;
	char *iobuf;			/* LA_IOBUF bytes */
};

/* The agent: lwIP's callbacks reach it through this one pointer. */
extern struct la_agent *la_self;

/* lwip_util.c */
int64_t la_now_ms(void);
const char *la_errname(int err);
int la_errno_of(err_t err);
int la_buf_reserve(struct la_buf *b, size_t more);
int la_buf_append(struct la_buf *b, const char *p, size_t n);
void la_buf_free(struct la_buf *b);
int la_parse_u64(const char *s, uint64_t max, uint64_t *out);
int la_parse_port(const char *s, uint16_t *out);
int la_parse_mac(const char *s, uint8_t mac[6]);

/* lwip_netif.c */
int la_netif_setup(struct la_agent *a, const char *const *addrs, size_t naddrs);
int la_tap_input(struct la_agent *a);
void la_tap_restore(struct la_agent *a);

/* lwip_conn.c */
struct la_conn *la_conn_add(struct la_agent *a, struct tcp_pcb *pcb,
			    uint16_t pport, enum la_mode mode);
void la_conn_close(struct la_agent *a, struct la_conn *c, int err);
void la_conn_abort(struct la_agent *a, struct la_conn *c, bool rst);
struct tcp_pcb *la_conn_detach(struct la_agent *a, struct la_conn *c);
void la_conn_flush(struct la_agent *a, struct la_conn *c, bool in_callback);
void la_conn_free_all(struct la_agent *a);
int la_conn_queue_pattern(struct la_agent *a, struct la_conn *c, uint64_t n);
uint64_t la_conn_take(struct la_agent *a, struct la_conn *c, uint64_t max);
void la_conn_service(struct la_agent *a);
void la_conn_callbacks(struct la_agent *a, struct la_conn *c);
err_t la_conn_connected(void *arg, struct tcp_pcb *pcb, err_t err);
int la_conn_init(struct la_agent *a);
int la_listener_open(struct la_agent *a, struct la_listener *l);
void la_listeners_close(struct la_agent *a);
const char *la_state_of(const struct la_agent *a, uint16_t pport);

/* lwip_ctl.c */
int la_ctl_init(struct la_agent *a, int in, int out);
void la_ctl_fini(struct la_agent *a);
void la_ctl_read(struct la_agent *a);
int la_ctl_flush(struct la_agent *a);
void la_ctl_drain(struct la_agent *a, int ms);
void la_reply(struct la_agent *a, const char *id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* lwip_req.c */
void la_req_dispatch(struct la_agent *a, char *line);
void la_pending_run(struct la_agent *a);
int la_pending_timeout(const struct la_agent *a);
void la_pending_free(struct la_agent *a);

/* lwip_cmd.c */
const struct la_verb *la_verb_find(const char *name);

#endif /* TCL_LWIP_AGENT_H */
