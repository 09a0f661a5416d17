/*
 * tester/agent.h: tcpconform-agent, the application on the target host.
 *
 * The agent runs in the target's network namespace, listens on ports with a
 * behaviour each (echo, discard, send:N, close, abort, noread) and executes
 * the tester's commands, received as text lines on a control channel.
 * One thread, one poll() loop, non-blocking sockets, one context
 * (struct agent).
 */
#ifndef TC_AGENT_H
#define TC_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AGENT_LINE_MAX 256		/* longest control line, without \n */
#define AGENT_TIMEOUT_MS 2000		/* default wait of commands naming PP */
#define AGENT_ECHO_HIGH (1u << 20)	/* echo stops reading above this */
#define AGENT_SEND_MAX (1u << 26)	/* largest N of `send` and send:N */
#define AGENT_IOBUF 65536		/* one read() and the netlink buffer */
#define AGENT_NPORTS 65536
#define AGENT_MAX_ARGS 8		/* tokens of a request, with ID, verb */
#define AGENT_ACCEPT_BURST 64		/* accepts per listener per loop turn */

enum agent_mode {
	AGENT_ECHO,
	AGENT_DISCARD,
	AGENT_SEND,
	AGENT_CLOSE,
	AGENT_ABORT,
	AGENT_NOREAD,
};

/* A byte queue: the bytes still to go are data[off..len). */
struct agent_buf {
	char *data;
	size_t off, len, cap;
};

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
	int error;			/* errno of failed read/write/connect */
	uint64_t nread;			/* bytes read by the application */
	uint64_t queued, written;	/* output bytes, cumulative */
	uint64_t pattern;		/* pattern bytes generated so far */
	struct agent_buf out;
};

/* The control channel: requests in, replies out, both non-blocking. */
struct agent_ctl {
	int in, out;
	int in_flags, out_flags;	/* O_ flags to restore at exit */
	bool eof;
	bool skipping;			/* dropping an over-long line */
	size_t ilen;
	char ibuf[AGENT_LINE_MAX + 2];
	struct agent_buf obuf;
};

struct agent;
struct agent_verb;

/* A parsed request; lives on the pending list while it waits. */
struct agent_req {
	char line[AGENT_LINE_MAX + 1];	/* tokens point into it */
	const char *id;
	const struct agent_verb *verb;
	int argc;			/* arguments after the verb, not t= */
	char *argv[AGENT_MAX_ARGS];
	uint16_t port[2];		/* P arguments */
	uint64_t n;			/* N argument */
	int64_t val;			/* V argument */
	const char *str;		/* S argument */
	int64_t deadline;		/* monotonic ms */
	uint64_t serial;		/* bound connection, 0 = not yet */
	bool started;
	uint64_t target;		/* send: c->written to reach */
};

enum agent_step { AGENT_DONE, AGENT_WAIT };

/*
 * A verb. spec lists its arguments: P port, N count, V signed value, S word;
 * '?' makes the rest optional. check(), if any, validates the arguments at
 * arrival. When wait is set, the first argument is PP and run() is called only
 * once that connection exists; otherwise run() gets c == NULL. run() either
 * replies (AGENT_DONE) or asks to be called again after the next events
 * (AGENT_WAIT); expire() replies when the deadline passes while it waits.
 */
struct agent_verb {
	const char *name;
	const char *spec;
	const char *usage;
	bool wait;
	int (*check)(const struct agent_req *r);	/* NULL: no check */
	enum agent_step (*run)(struct agent *a, struct agent_req *r,
			       struct agent_conn *c);
	void (*expire)(struct agent *a, struct agent_req *r,
		       struct agent_conn *c);
	bool via_proxy;		/* still means something behind a proxy (--proxy) */
};

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

/* agent.c */
int agent_listener_open(struct agent_listener *l, int backlog);
int agent_parse_mode(const char *s, size_t len, struct agent_listener *l);

/* agent_loop.c */
int agent_loop(struct agent *a);

/* agent_util.c */
int64_t agent_now_ms(void);
const char *agent_errname(int err);
int agent_buf_reserve(struct agent_buf *b, size_t more);
int agent_buf_append(struct agent_buf *b, const char *p, size_t n);
void agent_buf_free(struct agent_buf *b);
int agent_parse_u64(const char *s, uint64_t max, uint64_t *out);
int agent_parse_port(const char *s, uint16_t *out);

/* agent_conn.c */
struct agent_conn *agent_conn_add(struct agent *a, int fd, uint16_t pport,
				  uint16_t lport, enum agent_mode mode);
void agent_conn_close(struct agent *a, struct agent_conn *c, int err);
void agent_conn_free_all(struct agent *a);
int agent_conn_queue_pattern(struct agent *a, struct agent_conn *c,
			     uint64_t n);
short agent_conn_events(const struct agent_conn *c);
void agent_conn_event(struct agent *a, struct agent_conn *c, short revents);
void agent_listener_accept(struct agent *a, struct agent_listener *l);

/* agent_ctl.c */
int agent_ctl_init(struct agent *a, int in, int out);
void agent_ctl_fini(struct agent *a);
void agent_ctl_read(struct agent *a);
int agent_ctl_flush(struct agent *a);
void agent_ctl_drain(struct agent *a, int ms);
void agent_reply(struct agent *a, const char *id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* agent_req.c */
void agent_req_dispatch(struct agent *a, char *line);
void agent_pending_run(struct agent *a);
int agent_pending_timeout(const struct agent *a);
void agent_pending_free(struct agent *a);

/* agent_cmd.c */
const struct agent_verb *agent_verb_find(const char *name);
bool agent_reply_if_closed(struct agent *a, const struct agent_req *r,
			   const struct agent_conn *c);

/* agent_cmd_net.c: the verbs connect, sockopt, listen and unlisten */
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

/* agent_diag.c */
int agent_diag_state(struct agent *a, uint16_t pport, uint16_t lport,
		     int *state, char *err, size_t errlen);
const char *agent_state_name(int state);

#endif /* TC_AGENT_H */
