/*
 * tester/common/agent_proto.h: what the C agents share: the agent protocol's
 * control channel, its requests, the list of requests that wait, and small
 * helpers (tester/PROTOCOL.md describes the protocol).
 *
 * The shared sources (tester/common/ctl.c, req.c, util.c) are compiled into each
 * agent with that agent's own "agent.h", which includes this file and defines:
 *   struct agent       with the members  struct agent_ctl ctl;
 *                      struct agent_req **pend; size_t npend, cappend;
 *                      bool quit; const char *proxy (NULL: none);
 *                      struct agent_conn **byport (AGENT_NPORTS entries)
 *   struct agent_conn  with the member   uint64_t serial
 * and provides agent_verb_find(), its table of verbs.
 */
#ifndef TC_AGENT_PROTO_H
#define TC_AGENT_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AGENT_LINE_MAX 256		/* longest control line, without \n */
#define AGENT_TIMEOUT_MS 2000		/* default wait of commands naming PP */
#define AGENT_SEND_MAX (1u << 26)	/* largest N of `send` and send:N */
#define AGENT_MAX_ARGS 8		/* tokens of a request, with ID, verb */

/* What a listener's connections do at once (--listen MODE:PORT, listen PP MODE). */
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
struct agent_conn;
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

/* util.c */
/* agent_perror - "PROGRAM: @what: strerror(errno)" on stderr. */
void agent_perror(const char *what);
int64_t agent_now_ms(void);
const char *agent_errname(int err);
int agent_buf_reserve(struct agent_buf *b, size_t more);
int agent_buf_append(struct agent_buf *b, const char *p, size_t n);
void agent_buf_free(struct agent_buf *b);
int agent_parse_u64(const char *s, uint64_t max, uint64_t *out);
int agent_parse_port(const char *s, uint16_t *out);
/* agent_parse_mode - MODE (echo, discard, send:N, close, abort, noread), @len bytes
 * of @s, into *mode (and *send_n). 0 or -1. */
int agent_parse_mode(const char *s, size_t len, enum agent_mode *mode, uint64_t *send_n);

/* ctl.c */
int agent_ctl_init(struct agent *a, int in, int out);
void agent_ctl_fini(struct agent *a);
void agent_ctl_read(struct agent *a);
int agent_ctl_flush(struct agent *a);
void agent_ctl_drain(struct agent *a, int ms);
void agent_reply(struct agent *a, const char *id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* req.c */
void agent_req_dispatch(struct agent *a, char *line);
void agent_pending_run(struct agent *a);
int agent_pending_timeout(const struct agent *a);
void agent_pending_free(struct agent *a);

/* the agent's own: its verbs */
const struct agent_verb *agent_verb_find(const char *name);

#endif /* TC_AGENT_PROTO_H */
