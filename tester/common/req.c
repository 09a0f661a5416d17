/*
 * tester/common/req.c: requests of the C agents: parsing a control line,
 * running its verb, and the list of requests that wait (for a connection to
 * appear, for bytes, for EOF, for output to drain) without holding up others.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

#define AGENT_T_MAX 86400000u	/* longest t=MS: one day */

/*
 * Split @s in place into tokens, storing at most @max of them. Returns the
 * number of tokens, which may exceed @max.
 */
static int tokenize(char *s, char **tok, int max)
{
	int n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(s, " \t\r", &save); t;
	     t = strtok_r(NULL, " \t\r", &save)) {
		if (n < max)
			tok[n] = t;
		n++;
	}
	return n;
}

/* Parse a V argument: an optionally negative int. Returns 0 or -1. */
static int parse_val(const char *s, int64_t *out)
{
	uint64_t v;
	int neg = *s == '-';

	if (agent_parse_u64(s + neg, INT_MAX, &v) != 0)
		return -1;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

/* Fill r's typed fields from r->argv following the verb's spec. 0 or -1. */
static int req_args(struct agent_req *r)
{
	const char *s;
	int i = 0, np = 0;
	bool opt = false;

	for (s = r->verb->spec; *s; s++) {
		if (*s == '?') {
			opt = true;
			continue;
		}
		if (i >= r->argc)
			return opt ? 0 : -1;
		if (*s == 'P' && agent_parse_port(r->argv[i], &r->port[np++]))
			return -1;
		if (*s == 'N' && agent_parse_u64(r->argv[i], UINT64_MAX, &r->n))
			return -1;
		if (*s == 'V' && parse_val(r->argv[i], &r->val))
			return -1;
		if (*s == 'S')
			r->str = r->argv[i];
		i++;
	}
	return i == r->argc ? 0 : -1;
}

/*
 * Parse the tokens after the ID: verb, arguments, optional t=MS. Replies and
 * returns -1 on a bad verb or bad arguments.
 */
static int req_parse(struct agent *a, struct agent_req *r, char **tok, int n)
{
	uint64_t ms = AGENT_TIMEOUT_MS;
	int i;

	if (n < 1) {
		agent_reply(a, r->id, "err usage: ID VERB ARGS...");
		return -1;
	}
	r->verb = agent_verb_find(tok[0]);
	if (!r->verb) {
		agent_reply(a, r->id, "err unknown verb %s", tok[0]);
		return -1;
	}
	if (a->proxy && !r->verb->via_proxy) {
		agent_reply(a, r->id, "err unsupported: behind %s, '%s' would act on "
			    "the proxy's host-side socket, not on the tested stack",
			    a->proxy, r->verb->name);
		return -1;
	}
	if (n > 1 && strncmp(tok[n - 1], "t=", 2) == 0) {
		if (agent_parse_u64(tok[n - 1] + 2, AGENT_T_MAX, &ms) != 0) {
			agent_reply(a, r->id, "err usage: t=MS (0 to %u)",
				    AGENT_T_MAX);
			return -1;
		}
		n--;
	}
	r->argc = n - 1;
	for (i = 0; i < r->argc; i++)
		r->argv[i] = tok[i + 1];
	if (req_args(r) != 0 || (r->verb->check && r->verb->check(r) != 0)) {
		agent_reply(a, r->id, "err usage: %s", r->verb->usage);
		return -1;
	}
	r->deadline = agent_now_ms() + (int64_t)ms;
	return 0;
}

/* Whether an earlier request still waits for the connection from @port. */
static bool pending_for(const struct agent *a, uint16_t port)
{
	size_t i;

	for (i = 0; i < a->npend; i++) {
		const struct agent_req *r = a->pend[i];

		if (r->verb->wait && !r->serial && r->port[0] == port)
			return true;
	}
	return false;
}

/* Append @r to the pending list. Replies and returns -1 when out of memory. */
static int pending_add(struct agent *a, struct agent_req *r)
{
	if (a->npend == a->cappend) {
		size_t cap = a->cappend ? a->cappend * 2 : 16;
		struct agent_req **p = realloc(a->pend, cap * sizeof(*p));

		if (!p) {
			agent_reply(a, r->id, "err out of memory");
			return -1;
		}
		a->pend = p;
		a->cappend = cap;
	}
	a->pend[a->npend++] = r;
	return 0;
}

/*
 * Advance one request at time @now: bind it to its connection once that
 * exists, run it, expire it. Returns AGENT_DONE once it has replied.
 */
static enum agent_step req_step(struct agent *a, struct agent_req *r,
				int64_t now)
{
	struct agent_conn *c = r->verb->wait ? a->byport[r->port[0]] : NULL;

	if (r->serial && (!c || c->serial != r->serial)) {
		agent_reply(a, r->id,
			    "err connection from port %u was replaced",
			    r->port[0]);
		return AGENT_DONE;
	}
	if (r->verb->wait && !c) {
		if (now < r->deadline)
			return AGENT_WAIT;
		agent_reply(a, r->id, "err no connection from port %u",
			    r->port[0]);
		return AGENT_DONE;
	}
	if (c)
		r->serial = c->serial;
	if (r->verb->run(a, r, c) == AGENT_DONE)
		return AGENT_DONE;
	if (now < r->deadline)
		return AGENT_WAIT;
	r->verb->expire(a, r, c);
	return AGENT_DONE;
}

/*
 * Handle one control line (NUL-terminated, newline removed): reply at once,
 * or leave the request on the pending list. Blank lines are ignored.
 */
void agent_req_dispatch(struct agent *a, char *line)
{
	char *tok[AGENT_MAX_ARGS];
	struct agent_req *r;
	int n;

	if (line[strspn(line, " \t\r")] == '\0')
		return;
	r = calloc(1, sizeof(*r));
	if (!r) {
		agent_reply(a, "0", "err out of memory");
		return;
	}
	snprintf(r->line, sizeof(r->line), "%s", line);
	n = tokenize(r->line, tok, AGENT_MAX_ARGS);
	if (n < 1 || strspn(tok[0], "0123456789") != strlen(tok[0]) ||
	    strlen(tok[0]) > 20) {
		agent_reply(a, "0", "err bad request");
		goto done;
	}
	r->id = tok[0];
	if (n > AGENT_MAX_ARGS) {
		agent_reply(a, r->id, "err usage: too many arguments");
		goto done;
	}
	if (req_parse(a, r, tok + 1, n - 1) != 0)
		goto done;
	if (r->verb->wait && pending_for(a, r->port[0])) {
		if (pending_add(a, r) == 0)
			return;
		goto done;
	}
	if (req_step(a, r, agent_now_ms()) == AGENT_WAIT &&
	    pending_add(a, r) == 0)
		return;
done:
	free(r);
}

/* Advance every pending request, in arrival order; drop the finished ones. */
void agent_pending_run(struct agent *a)
{
	int64_t now = agent_now_ms();
	size_t i, j = 0;

	for (i = 0; i < a->npend; i++) {
		struct agent_req *r = a->pend[i];

		if (req_step(a, r, now) == AGENT_DONE)
			free(r);
		else
			a->pend[j++] = r;
	}
	a->npend = j;
}

/* Milliseconds until the nearest pending deadline; -1 if none is pending. */
int agent_pending_timeout(const struct agent *a)
{
	int64_t now = agent_now_ms(), best = -1;
	size_t i;

	for (i = 0; i < a->npend; i++) {
		int64_t left = a->pend[i]->deadline - now;

		if (left < 0)
			left = 0;
		if (best < 0 || left < best)
			best = left;
	}
	return best > INT_MAX ? INT_MAX : (int)best;
}

/* Free the pending requests (at exit), without replying. */
void agent_pending_free(struct agent *a)
{
	size_t i;

	for (i = 0; i < a->npend; i++)
		free(a->pend[i]);
	free(a->pend);
	a->pend = NULL;
	a->npend = a->cappend = 0;
}
