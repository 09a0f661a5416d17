/*
 * tester/lwip/agent.h: tcpconform-lwip, the agent of the lwIP stack.
 *
 * lwIP 2.1.3 runs inside this process (NO_SYS, raw TCP API) on a TAP file
 * descriptor it inherits; the agent is lwIP's application and speaks the
 * agent protocol of tester/PROTOCOL.md on a control channel, with the same
 * verbs, replies and listener modes as tcpconform-agent (tester/agent/), whose
 * control channel and requests it shares (tester/common/).
 * One thread, one poll() loop over the TAP, the control channel and lwIP's
 * timers; lwIP's callbacks only record what happened, and the loop acts on it.
 */
#ifndef TC_LWIP_AGENT_H
#define TC_LWIP_AGENT_H

#include "common/agent_proto.h"

#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"

#define AGENT_ECHO_HIGH (1u << 20)		/* echo stops reading above this */
#define AGENT_IOBUF 65536			/* one read from lwIP's queue */
#define AGENT_NPORTS 65536
#define AGENT_MAX_NEIGH 16			/* --neigh entries */
#define AGENT_FRAME_MAX 1600		/* one Ethernet frame (MTU 1500) */

struct agent_listener {
	struct tcp_pcb *pcb;		/* lwIP's listening pcb */
	uint16_t port;
	enum agent_mode mode;
	uint64_t send_n;		/* for AGENT_SEND */
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
struct agent_conn {
	struct agent_conn *next, *prev;	/* list of open records */
	uint64_t serial;		/* unique per record, never reused */
	bool open;
	struct tcp_pcb *pcb;
	uint16_t pport, lport;		/* peer and local port */
	enum agent_mode mode;
	uint64_t send_n;		/* AGENT_SEND: bytes to send at once */
	bool started;			/* the listener's mode was applied */
	bool rd_shut;			/* shutdown rd: reads end here */
	bool connecting;		/* tcp_connect() not yet answered */
	bool reading;			/* application reads (read/noread) */
	bool fin;			/* lwIP delivered the end of the stream */
	bool eof;			/* the application read up to it */
	bool linger0;			/* sockopt linger 0: close aborts */
	int error;			/* errno of what ended the pcb */
	int werr;			/* errno of the last failed write (the connection stays) */
	struct pbuf *held;		/* received, not yet read by the application */
	uint64_t nread;			/* bytes read by the application */
	uint64_t queued, written;	/* output bytes, cumulative (written: in lwIP) */
	uint64_t pattern;		/* pattern bytes generated so far */
	struct agent_buf out;
};

/* A static neighbour (--neigh): the tester's address and MAC. */
struct agent_neigh {
	ip_addr_t addr;
	uint8_t mac[6];
};

/* The shared parts (ctl, pend, npend, cappend, quit, proxy, byport) keep the names
 * tester/common/agent_proto.h gives them. */
struct agent {
	int backlog;
	bool quit;
	const char *proxy;		/* always NULL: lwIP is the tested stack itself */
	int tap_fd, tap_flags;		/* the TAP and its O_ flags to restore */
	struct netif netif;
	uint8_t mac[6];
	struct agent_neigh neigh[AGENT_MAX_NEIGH];
	size_t nneigh;
	bool tap_warned;
	struct agent_listener *lis;
	size_t nlis;
	struct agent_conn **byport;	/* AGENT_NPORTS entries */
	struct agent_conn *live;		/* open records */
	uint8_t ext_id;			/* lwIP's ext-arg slot of the records */
	uint64_t next_serial;
	struct agent_req **pend;		/* waiting requests, in arrival order */
	size_t npend, cappend;
	struct agent_ctl ctl;
	char *iobuf;			/* AGENT_IOBUF bytes */
};

/* The agent: lwIP's callbacks reach it through this one pointer. */
extern struct agent *agent_self;

/* lwip_util.c */
int agent_errno_of(err_t err);
int agent_parse_mac(const char *s, uint8_t mac[6]);

/* lwip_netif.c */
int agent_netif_setup(struct agent *a, const char *const *addrs, size_t naddrs);
int agent_tap_input(struct agent *a);
void agent_tap_restore(struct agent *a);

/* lwip_conn.c */
struct agent_conn *agent_conn_add(struct agent *a, struct tcp_pcb *pcb,
			    uint16_t pport, enum agent_mode mode);
void agent_conn_close(struct agent *a, struct agent_conn *c, int err);
void agent_conn_abort(struct agent *a, struct agent_conn *c, bool rst);
struct tcp_pcb *agent_conn_detach(struct agent *a, struct agent_conn *c);
void agent_conn_flush(struct agent *a, struct agent_conn *c, bool in_callback);
void agent_conn_free_all(struct agent *a);
int agent_conn_queue_pattern(struct agent *a, struct agent_conn *c, uint64_t n);
uint64_t agent_conn_take(struct agent *a, struct agent_conn *c, uint64_t max);
void agent_conn_service(struct agent *a);
void agent_conn_callbacks(struct agent *a, struct agent_conn *c);
err_t agent_conn_connected(void *arg, struct tcp_pcb *pcb, err_t err);
int agent_conn_init(struct agent *a);
int agent_listener_open(struct agent *a, struct agent_listener *l);
void agent_listeners_close(struct agent *a);
const char *agent_state_of(const struct agent *a, uint16_t pport);

#endif /* TC_LWIP_AGENT_H */
