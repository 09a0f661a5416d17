/*
 * case: the test-case model. A case file (testcases/README.md documents the
 * language) parses into a struct tc_case: metadata plus a list of steps. Steps send a
 * segment, expect one, expect nothing for a while, wait, ask the target-side agent to
 * act, or offer named alternative outcomes. Pure: no I/O beyond reading the file.
 */
#ifndef TC_CASE_CASE_H
#define TC_CASE_CASE_H

#include "util/tok.h"
#include "packet/seg.h"

#include <stdint.h>

/* A numeric field of a pattern: absent, a wildcard, or a value. */
/* Names of the target's TCB that a value may use (RFC 9293 3.3.1), evaluated when the
 * step runs: "> R RCV.NXT+RCV.WND-1:RCV.NXT+RCV.WND-1(0)". */
enum tc_sym {
	TC_SYM_RCV_NXT = 1, TC_SYM_RCV_WND, TC_SYM_SND_NXT, TC_SYM_SND_UNA, TC_SYM_SND_WND,
	TC_SYM_ISS, TC_SYM_IRS,
};
#define TC_VAL_TERMS 4
/* Sym values from TC_SYM_CAP on are the case's captures ($NAME), slot = sym - TC_SYM_CAP. */
#define TC_SYM_CAP 64
#define TC_MAX_CAPS 16

/* The names a case captures ($NAME): a field of a segment the target sent, bound where
 * first met in an expectation, used after. A name holds a number, or an option's bytes. */
struct tc_caps {
	int n;
	char name[TC_MAX_CAPS][24];
	uint8_t bytes[TC_MAX_CAPS];     /* an option's data ("tfo $cookie"), not a number */
};

/* A numeric field of a pattern: absent, a wildcard, or a value: a constant plus up to
 * TC_VAL_TERMS names of the TCB, each with a sign and a divisor. */
struct tc_val {
	uint8_t set;            /* given in the file */
	uint8_t any;            /* given as '*' */
	uint32_t v;             /* the constant part (the low end of a range) */
	uint8_t range;          /* given as LO..HI: any value from v to hi (expectations) */
	uint32_t hi;
	uint8_t nsym;
	struct { int8_t sign; uint8_t sym; uint32_t div; } sym[TC_VAL_TERMS];
};

/* tc_sym_name - "RCV.NXT" ...; tc_sym_is_seq - a sequence number (not a size). */
const char *tc_sym_name(enum tc_sym s);
int tc_sym_is_seq(enum tc_sym s);

/* One option of a pattern. Values are tc_val so that "TS val * ecr 0" can be said. */
struct tc_optpat {
	uint8_t kind;
	uint8_t any_value;      /* "mss *": the kind must be there, any value */
	struct tc_val a, b;     /* mss / wscale / TS val (a) and ecr (b) */
	uint8_t nsack;
	struct tc_val sack_l[TC_SACK_MAX], sack_r[TC_SACK_MAX];
	uint8_t len_set, len;   /* a deliberate length byte ("mss len 5 0x05b400") */
	uint8_t dlen;           /* raw data for unknown kinds or odd lengths */
	uint8_t data[TC_OPT_DATA];
	uint8_t raw;            /* data given as hex: use it as is */
	uint8_t cap;            /* data given as a capture: its slot + 1 ("tfo $cookie") */
};

enum tc_ck_req { TC_CKREQ_AUTO = 0, TC_CKREQ_BAD, TC_CKREQ_VALUE, TC_CKREQ_ANY };

/* A segment as the file describes it: what to send, or what to accept. */
struct tc_segpat {
	uint8_t flags_any;      /* "*" */
	uint16_t flags;         /* required bits */
	uint16_t flags_opt;     /* bits that may be on or off ("P?") */
	struct tc_val seq, end, len;
	struct tc_val ack, win, urp;
	uint8_t opts_given;     /* an option list was written */
	uint8_t opts_more;      /* "..." in the list: other options may follow */
	int nopts;                      /* at most TC_MAX_OPTS */
	struct tc_optpat *opts;         /* owned, nopts of them (a case holds thousands of
					 * patterns: each its own size) */
	uint8_t payload_given;
	uint8_t *payload;       /* owned */
	uint32_t payload_len;
	/* Deliberate damage and IP fields (sends), or checksum demands (expects). */
	enum tc_ck_req cksum;
	uint16_t cksum_value;
	enum tc_ck_req ipcksum;
	struct tc_val doff, ttl, tos, iplen, rsvd;
	struct tc_val ecn;      /* the ECN field: the low two bits of tos (RFC 3168 5) */
	uint64_t after_us;      /* expect: not before this long after the step began */
	uint8_t pieces;         /* expect: the range may come as several segments, in order */
	uint32_t pieces_col;    /* parser bookkeeping: where "pieces" was written */
	unsigned seen;          /* parser bookkeeping: fields given once */
	/* IP and link fields of a segment to send (MUST-50, MUST-57, MUST-63): */
	uint8_t ipsrc_set, ipdst_set, ethdst_set;
	struct tc_addr ipsrc, ipdst;
	uint8_t ethdst[6];
	uint8_t ipoptlen;
	uint8_t ipopts[40];
};

#define TC_MAX_ALTS 16           /* alternatives in one group */
#define TC_MAX_PATHS 8           /* state paths in @states */

enum tc_step_kind {
	TC_STEP_SEND = 1,       /* > ...                */
	TC_STEP_EXPECT,         /* < ...                */
	TC_STEP_NOTHING,        /* < nothing 500ms      */
	TC_STEP_WAIT,           /* wait 200ms; ignore 200ms (what comes meanwhile is not judged) */
	TC_STEP_AGENT,          /* agent close          */
	TC_STEP_ALT,            /* alt NAME ... end     */
	TC_STEP_MODEL,          /* < model: what the model predicts for the last send */
	TC_STEP_ICMP,           /* > icmp frag-needed mtu 1280: an ICMP error quoting the target */
};

/* ICMP errors the tester can send, named the same for IPv4 and IPv6. */
enum tc_icmp_kind {
	TC_ICMP_NET = 1, TC_ICMP_HOST, TC_ICMP_PROTO, TC_ICMP_PORT, TC_ICMP_FRAG_NEEDED,
	TC_ICMP_SOURCE_QUENCH, TC_ICMP_TIME_EXCEEDED, TC_ICMP_PARAM_PROBLEM, TC_ICMP_ADMIN,
};

enum tc_agent_verb {
	TC_AG_CLOSE = 1, TC_AG_ABORT, TC_AG_FORGET, TC_AG_SHUTDOWN, TC_AG_SEND,
	TC_AG_NOREAD, TC_AG_READ, TC_AG_RECEIVED, TC_AG_EOF, TC_AG_STATE,
	TC_AG_CONNECT, TC_AG_SOCKOPT, TC_AG_TAKE, TC_AG_URGENT, TC_AG_INFO,
};

struct tc_step;

struct tc_branch {
	char *name;
	int line;
	struct tc_step *steps;
	int nsteps;
};

struct tc_step {
	enum tc_step_kind kind;
	int line, col;
	char *text;             /* the step as written, comments stripped (for messages) */
	struct tc_segpat seg;   /* SEND, EXPECT */
	uint64_t dur_us;        /* NOTHING, WAIT: duration; EXPECT: timeout (0: default) */
	uint8_t ratelimited;    /* EXPECT, NOTHING: a rate limit may suppress the reply */
	uint8_t ignore;         /* WAIT: the target's segments meanwhile are not judged */
	char state[20];         /* "=> STATE": the target's state after this step */
	/* AGENT */
	enum tc_agent_verb verb;
	uint32_t arg;
	char sarg[32];
	struct tc_val val;      /* info FIELD VAL: the value (or LO..HI) the field must have */
	/* what the call must give: "-> ERRNO" (it fails so), "-> N" (take: the count), and
	 * "took DUR" or "took LO..HI" (how long until the agent answered) */
	char want_err[16];
	uint8_t want_n_set, took_set;
	uint32_t want_n;
	uint64_t took_lo, took_hi;
	/* ALT */
	struct tc_branch *br;
	int nbr;
	/* ICMP (the MTU in arg) */
	enum tc_icmp_kind icmp;
};

/* The level of what a case checks: an RFC's requirement keyword, or LINUX: what a Linux
 * version does, as a script imported from another tool says (no RFC claim). */
enum tc_level { TC_LEVEL_MUST = 1, TC_LEVEL_SHOULD, TC_LEVEL_MAY, TC_LEVEL_LINUX };

/* The target port a case talks to: a listener of a given behaviour, or a closed port. */
enum tc_port {
	TC_PORT_LISTEN = 1,     /* any listener (discard in netns mode) */
	TC_PORT_ECHO, TC_PORT_DISCARD, TC_PORT_SEND, TC_PORT_CLOSE, TC_PORT_ABORT,
	TC_PORT_NOREAD, TC_PORT_CLOSED,
	TC_PORT_ACTIVE,         /* no port: the target connects out ("agent connect") */
	TC_PORT__COUNT
};

/* What the send port's application writes once it accepts a connection. */
#define TC_SEND_PORT_BYTES 2000

/* Needs, derived from the port and the steps, plus @needs. */
enum {
	TC_NEED_OPEN_PORT = 1 << 0,
	TC_NEED_CLOSED_PORT = 1 << 1,
	TC_NEED_AGENT = 1 << 2,
	TC_NEED_LINUX = 1 << 3,     /* judges Linux-only facts (agent state, sysctls) */
	TC_NEED_NETNS = 1 << 4,     /* sends what only the namespaces' own link may carry: another
				     * source or destination, a damaged IP header (set by the parser);
				     * an IP option naming the namespaces' addresses (@needs netns) */
	TC_NEED_HOLD = 1 << 5,      /* judges what follows the tester's FIN on an open port: the
				     * application must keep its side open then (the agent does;
				     * an echo or discard server closes) */
	TC_NEED_SILENT = 1 << 6,    /* sends data to "any listener", which must not answer it: not
				     * an echo service */
	TC_NEED_OWN_BYTES = 1 << 7, /* sends bytes of its own (a payload written out), not the
				     * tester's fill: not to a service that reads them as a request */
	TC_NEED_CLOSE = 1 << 8,     /* the application closes (agent close, shutdown wr): the agent,
				     * or a web server drawn to close (--service http) */
	TC_NEED_SEND = 1 << 9,      /* the application sends N bytes (agent send N): the agent, or a
				     * web server's answer of that size (--service http) */
	TC_NEED_LINUX_AGENT = 1 << 10, /* an agent's check only Linux's own socket answers (agent
					* state, agent info): with an agent, a Linux target; without
					* one (a service) the check goes unchecked, noted */
};

/* What the tester's data carries where a case gives only a length. */
enum tc_fill {
	TC_FILL_PATTERN = 0,    /* "abc...z" from each segment's first byte: never a line end,
				 * so a server that reads lines (SSH, SMTP) waits for the rest */
	TC_FILL_HTTP,           /* by the stream's offset: an HTTP request that never ends (a
				 * request line, then header lines of 1 KiB without the empty
				 * line), which a web server reads and holds, answering nothing */
};

#define TC_MAX_SYSCTL 16

struct tc_case {
	char *file;             /* path as given to the loader */
	char *id, *title;
	char *source;           /* @source: the script an imported case comes from (NULL: none) */
	char **rfc;             /* "RFC9293 3.10.7.4" ... */
	int nrfc;
	enum tc_level level;
	char **tags;
	int ntags;
	char **states;          /* @states: the expected path of the target's state */
	int nstates;
	/* @states A B | A C: paths the outcomes permit, each one acceptable (the first is
	 * states/nstates) */
	char **paths[TC_MAX_PATHS];
	int npathlen[TC_MAX_PATHS];
	int npaths;
	enum tc_port port;
	unsigned needs;
	uint8_t isn_set;
	uint32_t isn;           /* the tester's ISN when @isn is given */
	int family;             /* @family 4 or 6: runs over that family only (0: both) */
	int samples;            /* @samples N: run the steps N times and judge them together */
	int same_port;          /* @samples N same-port: every time from one tester port */
	enum tc_analysis { TC_AN_NONE = 0, TC_AN_ISN_RANDOM, TC_AN_ISN_CLOCK, TC_AN_TS_CLOCK } analyze;
	uint64_t timeout_us;    /* default expect timeout */
	/* @sysctl KEY=VALUE (one a line): the target's network namespace has them while the
	 * case runs (alone), and its own values again after */
	char *sysctl_key[TC_MAX_SYSCTL], *sysctl_val[TC_MAX_SYSCTL];
	int sysctl_line[TC_MAX_SYSCTL];        /* the line of each */
	int nsysctl;
	struct tc_step *steps;
	int nsteps;
	int line_id;            /* line of @id, for messages */
	int line_states;        /* line of @states (0: none) */
	struct tc_caps *caps;   /* the names it captures (NULL: none) */
};

/* Names: the words of the case language (util/tok.h tables), for the parser, messages
 * and the test that holds testcases/README.md's grammar summary to them. */
extern const struct tc_tok tc_level_toks[], tc_port_toks[], tc_agent_toks[], tc_meta_toks[],
	tc_need_toks[], tc_analyze_toks[], tc_sockopt_toks[], tc_tcpinfo_toks[];
const char *tc_level_name(enum tc_level l);
int tc_level_from_name(const char *s);  /* -1 if unknown */
const char *tc_port_name(enum tc_port p);
int tc_port_from_name(const char *s);   /* -1 if unknown */

/* tc_case_free - release everything a case owns, and the case. NULL is fine. */
void tc_case_free(struct tc_case *c);

/* tc_case_has_tag - non-zero if @c carries @tag. */
int tc_case_has_tag(const struct tc_case *c, const char *tag);
/* tc_case_derive_needs - the needs that @c's port and steps imply, added to c->needs;
 * with no @port, the port its needs imply (the parser calls it once the case is read). */
void tc_case_derive_needs(struct tc_case *c);
/* tc_step_closes - does agent step @st close the application's sending side (agent
 * close, shutdown wr or rdwr: a FIN follows)? */
int tc_step_closes(const struct tc_step *st);

/*
 * tc_case_parse - parse the text @buf (@len bytes) of the file named @file.
 * Returns the case, or NULL with @err filled as "file:line:col: message".
 */
struct tc_case *tc_case_parse(const char *file, const char *buf, size_t len, char *err, size_t errlen);

/* tc_trace_parse - as tc_case_parse, for a scripted peer's trace: no metadata is
 * required (tests/traces/README.md). */
struct tc_case *tc_trace_parse(const char *file, const char *buf, size_t len, char *err, size_t errlen);

/* tc_case_load - read and parse one file; as tc_case_parse. */
struct tc_case *tc_case_load(const char *path, char *err, size_t errlen);

/* tc_runs_alone - a case tagged "serial" (its timing must not share the target) or
 * "last" (it changes what the target keeps per destination, like the path MTU: it runs
 * after every other case, which the caller orders so), or with @sysctl (the namespace's
 * settings are the case's while it runs), runs with no other case. */
static inline int tc_runs_alone(const struct tc_case *c)
{
	return c->nsysctl || tc_case_has_tag(c, "serial") || tc_case_has_tag(c, "last");
}

/* A set of cases, loaded from a directory tree. */
struct tc_caseset {
	struct tc_case **v;
	size_t n, cap;
};

/*
 * tc_caseset_load_dir - load every *.tcp file below @dir (sorted by path) into @set.
 * Every file is parsed; the errors of all bad files go to @report (one line each,
 * may be NULL). Returns 0, or -1 if any file failed or two cases share an id (@err
 * holds the first problem).
 */
int tc_caseset_load_dir(struct tc_caseset *set, const char *dir, void (*report)(void *, const char *),
			void *rctx, char *err, size_t errlen);

/* tc_caseset_add - add @c (the set owns it then); -1 with @err if its id is taken. */
int tc_caseset_add(struct tc_caseset *set, struct tc_case *c, char *err, size_t errlen);

/* tc_caseset_free - free the cases and the array. */
void tc_caseset_free(struct tc_caseset *set);

/* tc_case_selected - non-zero if @c's id matches one of the @n globs (or @n is 0). */
int tc_case_selected(const struct tc_case *c, char *const *globs, int n);

#endif
