/*
 * tester/agent/agent.h: tcpconform-agent, the application on the target host.
 *
 * The agent runs in the target's network namespace, listens on ports with a
 * behaviour each (echo, discard, send:N, close, abort, noread) and executes
 * the tester's commands, received as text lines on a control channel.
 * One thread, one poll() loop, non-blocking sockets, one context
 * (struct agent).
 */
#ifndef TC_AGENT_H
#define TC_AGENT_H

#include "common/agent_proto.h"

#define AGENT_ECHO_HIGH (1u << 20)	/* echo stops reading above this */
#define AGENT_IOBUF 65536		/* one read() and the netlink buffer */
#define AGENT_NPORTS 65536
#define AGENT_ACCEPT_BURST 64		/* accepts per listener per loop turn */

struct agent_listener {
	int fd;
	uint16_t port;
	enum agent_mode mode;
	uint64_t send_n;	/* for AGENT_SEND */
	bool by_port;		/* opened by `listen PP`: its connections are named PP */
};

/*
 * One connection, named by the peer's port. The record outlives its fd so
 * that later commands still see what happened (bytes read, EOF, error).
 */
struct agent_conn {
	struct agent_conn *next, *prev;	/* list of records with an open fd */
	uint64_t serial;		/* unique per record, never reused */
	int fd;				/* -1 once closed */
	uint16_t pport, lport;		/* peer and local port */
	enum agent_mode mode;
	bool connecting;		/* connect() in progress */
	bool reading;			/* application reads (read/noread) */
	bool eof;			/* read() returned 0 */
	bool hup;			/* POLLHUP seen: poll only if needed */
	int error;			/* errno of failed read/connect */
	int werr;			/* errno of the last failed write (the socket stays open) */
	uint64_t nread;			/* bytes read by the application */
	uint64_t queued, written;	/* output bytes, cumulative */
	uint64_t pattern;		/* pattern bytes generated so far */
	struct agent_buf out;
};

/* The shared parts (ctl, pend, npend, cappend, quit, proxy, byport) keep the names
 * tester/common/agent_proto.h gives them. */
struct agent {
	int backlog;
	const char *proxy;		/* --proxy NAME, or NULL */
	bool stdio;
	bool quit;
	bool warned_accept;
	struct agent_listener *lis;
	size_t nlis;
	struct agent_conn **byport;	/* AGENT_NPORTS entries */
	struct agent_conn *live;	/* records with an open fd */
	size_t nlive;
	uint64_t next_serial;
	struct agent_req **pend;	/* waiting requests, in arrival order */
	size_t npend, cappend;
	struct agent_ctl ctl;
	char *iobuf;			/* AGENT_IOBUF bytes, 8-aligned */
};

/* main.c */
int agent_listener_open(struct agent_listener *l, int backlog);

/* loop.c */
int agent_loop(struct agent *a);

/* conn.c */
struct agent_conn *agent_conn_add(struct agent *a, int fd, uint16_t pport,
				  uint16_t lport, enum agent_mode mode);
void agent_conn_close(struct agent *a, struct agent_conn *c, int err);
void agent_conn_free_all(struct agent *a);
int agent_conn_queue_pattern(struct agent *a, struct agent_conn *c,
			     uint64_t n);
short agent_conn_events(const struct agent_conn *c);
void agent_conn_event(struct agent *a, struct agent_conn *c, short revents);
void agent_listener_accept(struct agent *a, struct agent_listener *l);

/* cmd.c */
bool agent_reply_if_closed(struct agent *a, const struct agent_req *r,
			   const struct agent_conn *c);

/* cmd_net.c: the verbs connect, sockopt, listen and unlisten */
int agent_check_listen(const struct agent_req *r);
enum agent_step agent_cmd_listen(struct agent *a, struct agent_req *r,
				 struct agent_conn *c);
enum agent_step agent_cmd_unlisten(struct agent *a, struct agent_req *r,
				   struct agent_conn *c);
int agent_check_connect(const struct agent_req *r);
enum agent_step agent_cmd_connect(struct agent *a, struct agent_req *r,
				  struct agent_conn *c);
int agent_check_sockopt(const struct agent_req *r);
enum agent_step agent_cmd_sockopt(struct agent *a, struct agent_req *r,
				  struct agent_conn *c);

/* diag.c */
int agent_diag_state(struct agent *a, uint16_t pport, uint16_t lport,
		     int *state, char *err, size_t errlen);
const char *agent_state_name(int state);

#endif /* TC_AGENT_H */
