/*
 * case: the case-file parser. One line at a time: metadata (@key value), steps
 * (> < wait agent), and groups of named alternatives (alt NAME ... end).
 * Every error is "file:line:col: message".
 */
#include "case/lex.h"
#include "util/util.h"

#include <ctype.h>
#include "packet/tcpstate.h"
#include "util/tok.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parser state across lines. */
struct pctx {
	struct tc_case *c;
	struct tc_step **steps;  /* where steps go now: the case, or the open branch */
	int *nsteps;
	size_t cap_top, cap_br;
	struct tc_step *alt;     /* the open alt group, NULL outside one */
	unsigned seen_meta;      /* bit per key, to catch duplicates */
	int trace;               /* a peer's trace: "<" lines are what it sends */
};

/* squeeze - a copy of the step's text with runs of blanks made one space (messages
 * quote it). */
static char *squeeze(const char *s, size_t n)
{
	char *out = tc_xmalloc(n + 1);
	size_t i, o = 0;
	int inq = 0;

	for (i = 0; i < n; i++) {
		int blank = !inq && (s[i] == ' ' || s[i] == '\t');

		if (s[i] == '"' && (i == 0 || s[i - 1] != '\\'))
			inq = !inq;
		if (blank && (o == 0 || out[o - 1] == ' '))
			continue;
		out[o++] = blank ? ' ' : s[i];
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return out;
}

static struct tc_step *new_step(struct pctx *pc, size_t *cap)
{
	struct tc_step *st;

	tc_grow(pc->steps, sizeof(**pc->steps), (size_t)*pc->nsteps, cap);
	st = &(*pc->steps)[(*pc->nsteps)++];
	memset(st, 0, sizeof(*st));
	return st;
}

/* fit - the step arrays as long as their steps: grown by doubling while parsing, they
 * would hold a case's steps twice over (a run loads thousands of cases). */
static void fit(struct tc_step **steps, int n)
{
	for (int i = 0; i < n; i++)
		for (int b = 0; b < (*steps)[i].nbr; b++)
			fit(&(*steps)[i].br[b].steps, (*steps)[i].br[b].nsteps);
	if (n > 0)
		*steps = tc_xrealloc(*steps, (size_t)n * sizeof(**steps));
}

static char **split_list(const char *s, const char *seps, int *n)
{
	char **v = NULL, *copy = tc_xstrdup(s), *save = NULL, *tok;
	size_t cap = 0;

	*n = 0;
	for (tok = strtok_r(copy, seps, &save); tok; tok = strtok_r(NULL, seps, &save)) {
		while (isspace((unsigned char)*tok))
			tok++;
		if (!*tok)
			continue;
		tc_grow(&v, sizeof(*v), (size_t)*n, &cap);
		v[(*n)++] = tc_xstrdup(tok);
		while (*n && isspace((unsigned char)v[*n - 1][strlen(v[*n - 1]) - 1]))
			v[*n - 1][strlen(v[*n - 1]) - 1] = '\0';
	}
	free(copy);
	return v;
}

/* split_refs - @rfc: references separated by ';', except inside parentheses and quotes
 * ("RFC9293 3.10.7.4 (sixth; in TIME-WAIT)" is one reference). */
static char **split_refs(const char *s, int *n)
{
	char *copy = tc_xstrdup(s), *p, **v;
	int depth = 0, quoted = 0;

	for (p = copy; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && *p == '(')
			depth++;
		else if (!quoted && *p == ')' && depth)
			depth--;
		else if (!quoted && !depth && *p == ';')
			*p = '\x1f';           /* a separator no reference holds */
	}
	v = split_list(copy, "\x1f", n);
	free(copy);
	return v;
}

static int valid_id(const char *s)
{
	if (!*s || *s == '.')
		return 0;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_' || *s == '.' || *s == '-'))
			return 0;
	return 1;
}

static int meta_needs(struct tc_lx *lx, struct tc_case *c, const char *val, size_t at)
{
	char **v;
	int n, i, rc = 0;

	v = split_list(val, " \t,", &n);
	for (i = 0; i < n; i++) {
		int b = tc_tok_val(tc_need_toks, v[i]);
		char names[100];

		if (b >= 0)
			c->needs |= (unsigned)b;
		else if (!rc)
			rc = tc_lx_fail(lx, at, "unknown need '%s' (%s)", v[i], tc_tok_list(tc_need_toks, names, sizeof(names)));
	}
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return rc;
}

/* meta_value - the rest of the line after the key, trimmed. */
static char *meta_value(struct tc_lx *lx, size_t *at)
{
	tc_lx_ws(lx);
	*at = lx->pos;
	return tc_xstrndup(lx->s + lx->pos, lx->end - lx->pos);
}

const struct tc_tok tc_need_toks[] = {
	{ TC_NEED_OPEN_PORT, "open-port" }, { TC_NEED_CLOSED_PORT, "closed-port" }, { TC_NEED_AGENT, "agent" },
	{ TC_NEED_LINUX, "linux" }, { TC_NEED_NETNS, "netns" }, { 0, NULL },
};

const struct tc_tok tc_analyze_toks[] = {
	{ TC_AN_ISN_RANDOM, "isn-random" }, { TC_AN_ISN_CLOCK, "isn-clock" }, { TC_AN_TS_CLOCK, "ts-clock" },
	{ 0, NULL },
};

/* The metadata keys (testcases/README.md, "metadata"). */
enum meta_key {
	M_ID, M_TITLE, M_RFC, M_LEVEL, M_NEEDS, M_PORT, M_STATES, M_TAGS, M_ISN, M_TIMEOUT, M_FAMILY,
	M_SAMPLES, M_ANALYZE, M_SYSCTL, M_SOURCE
};

const struct tc_tok tc_meta_toks[] = {
	{ M_ID, "id" }, { M_TITLE, "title" }, { M_RFC, "rfc" }, { M_LEVEL, "level" }, { M_NEEDS, "needs" },
	{ M_PORT, "port" }, { M_STATES, "states" }, { M_TAGS, "tags" }, { M_ISN, "isn" },
	{ M_TIMEOUT, "timeout" }, { M_FAMILY, "family" }, { M_SAMPLES, "samples" }, { M_ANALYZE, "analyze" },
	{ M_SYSCTL, "sysctl" }, { M_SOURCE, "source" }, { 0, NULL },
};

/* meta_sysctl - "@sysctl net.ipv4.tcp_sack=0": a setting of the target's network
 * namespace (net.*) while the case runs; the value is the rest of the line, blanks
 * included (net.ipv4.tcp_rmem=4096 40000 40000). */
static int meta_sysctl(struct tc_lx *lx, struct tc_case *c, char *val, size_t at)
{
	char *eq = strchr(val, '=');
	size_t i = strlen(val);

	while (i > 0 && (val[i - 1] == ' ' || val[i - 1] == '\t'))
		val[--i] = '\0';
	if (!eq || eq == val)
		return tc_lx_fail(lx, at, "@sysctl needs KEY=VALUE (net.ipv4.tcp_sack=0)");
	*eq = '\0';
	for (i = 0; val[i]; i++)
		if (!((val[i] >= 'a' && val[i] <= 'z') || (val[i] >= '0' && val[i] <= '9') || val[i] == '_' ||
		      val[i] == '.' || val[i] == '-'))
			return tc_lx_fail(lx, at + i, "a sysctl name is words joined by dots (net.ipv4.tcp_sack)");
	if (strncmp(val, "net.", 4))
		return tc_lx_fail(lx, at, "@sysctl sets the target's network namespace: its names start with 'net.' "
				  "(%s is the host's)", val);
	if (!eq[1])
		return tc_lx_fail(lx, at + (size_t)(eq - val) + 1, "@sysctl %s= needs a value", val);
	for (int k = 0; k < c->nsysctl; k++)
		if (!strcmp(c->sysctl_key[k], val))
			return tc_lx_fail(lx, at, "@sysctl %s given twice", val);
	if (c->nsysctl == TC_MAX_SYSCTL)
		return tc_lx_fail(lx, at, "at most %d @sysctl lines", TC_MAX_SYSCTL);
	c->sysctl_line[c->nsysctl] = lx->line;
	c->sysctl_key[c->nsysctl] = tc_xstrdup(val);
	c->sysctl_val[c->nsysctl++] = tc_xstrdup(eq + 1);
	return 0;
}

static int meta_simple(struct tc_lx *lx, struct tc_case *c, enum meta_key key, char *val, size_t at)
{
	uint64_t n;
	int i;

	switch (key) {
	case M_ID:
		if (!valid_id(val))
			return tc_lx_fail(lx, at, "an id is lower-case words joined by dots, like tcp.data.echo");
		c->id = tc_xstrdup(val);
		c->line_id = lx->line;
		return 0;
	case M_TITLE: c->title = tc_xstrdup(val); return 0;
	case M_SOURCE: c->source = tc_xstrdup(val); return 0;
	case M_RFC: c->rfc = split_refs(val, &c->nrfc); return 0;
	case M_LEVEL:
		i = tc_level_from_name(val);
		if (i < 0)
			return tc_lx_fail(lx, at, "a level is MUST, SHOULD, MAY or LINUX");
		c->level = (enum tc_level)i;
		return 0;
	case M_NEEDS: return meta_needs(lx, c, val, at);
	case M_PORT:
		i = tc_port_from_name(val);
		if (i < 0)
			return tc_lx_fail(lx, at, "unknown port '%s' (listen, echo, discard, send, close, abort, noread, closed, active)", val);
		c->port = (enum tc_port)i;
		return 0;
	case M_STATES:
		c->line_states = lx->line;
		for (char *part = val, *bar; part; part = bar) {
			int np = c->npaths;

			bar = strchr(part, '|');
			if (bar)
				*bar++ = '\0';
			if (np >= TC_MAX_PATHS)
				return tc_lx_fail(lx, at, "at most %d state paths", TC_MAX_PATHS);
			c->paths[np] = split_list(part, " \t", &c->npathlen[np]);
			c->npaths++;
			if (!c->npathlen[np])
				return tc_lx_fail(lx, at, "an empty state path (paths are separated by '|')");
			for (i = 0; i < c->npathlen[np]; i++)
				if (tc_state_from_name(c->paths[np][i]) < 0)
					return tc_lx_fail(lx, at, "unknown state '%s'", c->paths[np][i]);
		}
		c->states = c->paths[0];
		c->nstates = c->npathlen[0];
		return 0;
	case M_TAGS: c->tags = split_list(val, " \t,", &c->ntags); return 0;
	case M_ISN:
		if (tc_parse_u64(val, 0xffffffffu, &n))
			return tc_lx_fail(lx, at, "@isn needs a number below 2^32");
		c->isn_set = 1;
		c->isn = (uint32_t)n;
		return 0;
	case M_FAMILY:
		if (strcmp(val, "4") && strcmp(val, "6"))
			return tc_lx_fail(lx, at, "@family is 4 or 6");
		c->family = val[0] - '0';
		return 0;
	case M_SAMPLES: {
		char *sp = strchr(val, ' ');

		if (sp) {
			*sp = '\0';
			while (sp[1] == ' ' || sp[1] == '\t')
				sp++;
			if (strcmp(sp + 1, "same-port"))
				return tc_lx_fail(lx, at + (size_t)(sp - val) + 1, "expected 'same-port' after the count");
			c->same_port = 1;
		}
		if (tc_parse_u64(val, 100000, &n) || n < 1)
			return tc_lx_fail(lx, at, "@samples needs a count from 1 to 100000");
		c->samples = (int)n;
		return 0;
	}
	case M_SYSCTL: return meta_sysctl(lx, c, val, at);
	case M_ANALYZE:
		i = tc_tok_val(tc_analyze_toks, val);
		if (i < 0)
			return tc_lx_fail(lx, at, "@analyze is isn-random, isn-clock or ts-clock");
		c->analyze = (enum tc_analysis)i;
		return 0;
	default:
		return -1;
	}
}

static int parse_meta(struct tc_lx *lx, struct pctx *pc)
{
	char key[24], names[160], *val;
	size_t at = lx->pos, vat;
	int k, rc;

	lx->pos++;
	tc_lx_word(lx, key, sizeof(key));
	k = tc_tok_val(tc_meta_toks, key);
	if (k < 0)
		return tc_lx_fail(lx, at, "unknown metadata '@%s' (%s)", key, tc_tok_list(tc_meta_toks, names, sizeof(names)));
	if ((pc->seen_meta & (1u << k)) && k != M_SYSCTL)       /* @sysctl: one a line */
		return tc_lx_fail(lx, at, "@%s given twice", key);
	pc->seen_meta |= 1u << k;
	if (pc->c->nsteps || pc->alt)
		return tc_lx_fail(lx, at, "metadata must come before the first step");
	if (k == M_TIMEOUT) {
		if (tc_lx_dur(lx, &pc->c->timeout_us) < 0)
			return -1;
		return tc_lx_eol(lx) ? 0 : tc_lx_fail(lx, lx->pos, "unexpected text after @timeout");
	}
	val = meta_value(lx, &vat);
	if (!*val)
		rc = tc_lx_fail(lx, vat, "@%s needs a value", key);
	else
		rc = meta_simple(lx, pc->c, (enum meta_key)k, val, vat);
	free(val);
	return rc;
}

/* parse_tail - the optional "=> STATE" at the end of a step, then the end of line. */
/* parse_result - what an agent step's call must give: "-> ERRNO" or "-> N" (take), then
 * "took DUR" (at the most) or "took LO..HI". */
static int parse_result(struct tc_lx *lx, struct tc_step *st)
{
	size_t at;

	tc_lx_ws(lx);
	at = lx->pos;
	if (lx->end - lx->pos >= 2 && !memcmp(lx->s + lx->pos, "->", 2)) {
		char w[24];

		lx->pos += 2;
		tc_lx_ws(lx);
		at = lx->pos;
		if (tc_lx_peek(lx) >= '0' && tc_lx_peek(lx) <= '9') {
			if (st->verb != TC_AG_TAKE)
				return tc_lx_fail(lx, at, "'-> N' checks the count 'agent take' read; other calls take "
						  "'-> ERRNO'");
			if (tc_lx_num(lx, &st->want_n, "a byte count") < 0)
				return -1;
			st->want_n_set = 1;
		} else {
			tc_lx_word(lx, w, sizeof(w));
			if (w[0] != 'E' || strlen(w) < 3 || strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(w) ||
			    strlen(w) >= sizeof(st->want_err))
				return tc_lx_fail(lx, at, "'->' takes an errno name (EPIPE, ECONNRESET, ...) or, after "
						  "'agent take', a count");
			tc_strlcpy(st->want_err, w, sizeof(st->want_err));
		}
		tc_lx_ws(lx);
		at = lx->pos;
	}
	if (tc_lx_kw(lx, "took")) {
		tc_lx_ws(lx);
		at = lx->pos;
		if (tc_lx_dur(lx, &st->took_lo) < 0)
			return -1;
		st->took_hi = st->took_lo;     /* "took D": D at the most */
		if (!(lx->end - lx->pos >= 2 && !memcmp(lx->s + lx->pos, "..", 2)))
			st->took_lo = 0;
		else {
			lx->pos += 2;
			if (tc_lx_dur(lx, &st->took_hi) < 0)
				return -1;
			if (st->took_hi < st->took_lo)
				return tc_lx_fail(lx, at, "'took LO..HI' needs LO <= HI");
		}
		st->took_set = 1;
	}
	return 0;
}

static int parse_tail(struct tc_lx *lx, struct tc_step *st)
{
	char w[24];
	size_t at;

	tc_lx_ws(lx);
	at = lx->pos;
	if (lx->end - lx->pos >= 2 && !memcmp(lx->s + lx->pos, "=>", 2)) {
		lx->pos += 2;
		tc_lx_ws(lx);
		at = lx->pos;
		tc_lx_word(lx, w, sizeof(w));
		if (tc_state_from_name(w) < 0) {
			char names[200];

			return tc_lx_fail(lx, at, "unknown state '%s' (%s)", w, tc_tok_list(tc_state_toks, names, sizeof(names)));
		}
		tc_strlcpy(st->state, w, sizeof(st->state));
		tc_lx_ws(lx);
		at = lx->pos;
	}
	if (!tc_lx_eol(lx))
		return tc_lx_fail(lx, at, "unexpected '%.*s'", (int)TC_MIN(lx->end - at, 20), lx->s + at);
	return 0;
}


/* parse_icmp - "icmp KIND [mtu N]" after the '>'. */
static int parse_icmp(struct tc_lx *lx, struct tc_step *st)
{
	static const struct { const char *w; enum tc_icmp_kind k; } kinds[] = {
		{ "net-unreachable", TC_ICMP_NET }, { "host-unreachable", TC_ICMP_HOST },
		{ "proto-unreachable", TC_ICMP_PROTO }, { "port-unreachable", TC_ICMP_PORT },
		{ "frag-needed", TC_ICMP_FRAG_NEEDED }, { "source-quench", TC_ICMP_SOURCE_QUENCH },
		{ "time-exceeded", TC_ICMP_TIME_EXCEEDED }, { "param-problem", TC_ICMP_PARAM_PROBLEM },
		{ "admin-prohibited", TC_ICMP_ADMIN },
	};
	char w[32];
	size_t i, at;

	tc_lx_ws(lx);
	at = lx->pos;
	tc_lx_word(lx, w, sizeof(w));
	for (i = 0; i < TC_ARRAY_LEN(kinds); i++)
		if (!strcmp(w, kinds[i].w))
			break;
	if (i == TC_ARRAY_LEN(kinds))
		return tc_lx_fail(lx, at, "unknown ICMP error '%s' (net-unreachable, host-unreachable, "
				  "proto-unreachable, port-unreachable, frag-needed, source-quench, time-exceeded, "
				  "param-problem, admin-prohibited)", w);
	st->icmp = kinds[i].k;
	if (tc_lx_kw(lx, "mtu")) {
		if (st->icmp != TC_ICMP_FRAG_NEEDED)
			return tc_lx_fail(lx, at, "only frag-needed carries an MTU");
		if (tc_lx_num(lx, &st->arg, "an MTU") < 0)
			return -1;
		if (st->arg > 65535)
			return tc_lx_fail(lx, at, "an MTU fits in 16 bits");
	} else if (st->icmp == TC_ICMP_FRAG_NEEDED) {
		return tc_lx_fail(lx, lx->pos, "frag-needed needs 'mtu N'");
	}
	return 0;
}

static int parse_step(struct tc_lx *lx, struct pctx *pc)
{
	size_t *cap = pc->alt ? &pc->cap_br : &pc->cap_top;
	struct tc_step *st;
	int c = tc_lx_peek(lx);
	size_t at = lx->pos;

	st = new_step(pc, cap);
	st->line = lx->line;
	st->col = (int)at + 1;
	st->text = squeeze(lx->s + at, lx->end - at);
	if (c == '>' || c == '<') {
		lx->pos++;
		if (c == '>' && tc_lx_kw(lx, "icmp")) {
			st->kind = TC_STEP_ICMP;
			if (parse_icmp(lx, st) < 0)
				return -1;
			return parse_tail(lx, st);
		}
		if (c == '<' && tc_lx_kw(lx, "model")) {
			st->kind = TC_STEP_MODEL;
			st->dur_us = 500000;
			if (tc_lx_kw(lx, "within") && tc_lx_dur(lx, &st->dur_us) < 0)
				return -1;
			return parse_tail(lx, st);
		}
		if (c == '<' && tc_lx_kw(lx, "nothing")) {
			st->kind = TC_STEP_NOTHING;
			tc_lx_kw(lx, "for");
			if (tc_lx_dur(lx, &st->dur_us) < 0)
				return -1;
			return parse_tail(lx, st);
		}
		st->kind = c == '>' ? TC_STEP_SEND : TC_STEP_EXPECT;
		/* In a trace the roles swap: the peer sends the "<" segments. */
		if (tc_parse_segpat(lx, &st->seg, pc->trace ? c == '<' : c == '>', &st->dur_us,
				    &st->ratelimited) < 0)
			return -1;
		if (st->seg.pieces && pc->alt)
			return tc_lx_fail(lx, st->seg.pieces_col, "'pieces' is not allowed in an alternative: "
					  "its first segment would choose the branch");
		if (st->kind == TC_STEP_SEND && !pc->trace &&
		    (st->seg.ipsrc_set || st->seg.ipdst_set || st->seg.ethdst_set || st->seg.iplen.set ||
		     st->seg.ipcksum != TC_CKREQ_AUTO))
			pc->c->needs |= TC_NEED_NETNS;
		return parse_tail(lx, st);
	}
	if (tc_lx_kw(lx, "wait") || (tc_lx_kw(lx, "ignore") && (st->ignore = 1))) {
		st->kind = TC_STEP_WAIT;
		if (tc_lx_dur(lx, &st->dur_us) < 0)
			return -1;
		return parse_tail(lx, st);
	}
	if (tc_lx_kw(lx, "agent")) {
		st->kind = TC_STEP_AGENT;
		if (tc_parse_agent(lx, st) < 0 || parse_result(lx, st) < 0)
			return -1;
		/* what the application read, whether it saw the end, the kernel's state and
		 * TCP_INFO are checks, not actions: with a service instead of the agent they go
		 * unchecked (a note says so) */
		if (tc_step_closes(st))
			pc->c->needs |= TC_NEED_CLOSE;
		else if (st->verb == TC_AG_SEND)
			pc->c->needs |= TC_NEED_SEND;
		else if (st->verb != TC_AG_RECEIVED && st->verb != TC_AG_EOF && st->verb != TC_AG_STATE &&
			 st->verb != TC_AG_INFO)
			pc->c->needs |= TC_NEED_AGENT;
		if (st->want_err[0] || st->want_n_set || st->took_set)
			pc->c->needs |= TC_NEED_AGENT;  /* a call's result: a service has none */
		if (st->verb == TC_AG_STATE) {
			if (tc_state_from_name(st->sarg) < 0)
				return tc_lx_fail(lx, (size_t)st->col + 11, "unknown state '%s'", st->sarg);
			pc->c->needs |= TC_NEED_LINUX_AGENT;
		}
		if (st->verb == TC_AG_INFO)     /* the kernel's view of its own connection: behind a
						 * proxy the agent's socket is not the tested stack's */
			pc->c->needs |= TC_NEED_LINUX_AGENT;
		if (st->verb == TC_AG_CONNECT && pc->c->port && pc->c->port != TC_PORT_ACTIVE)
			return tc_lx_fail(lx, (size_t)st->col + 5, "'agent connect' needs @port active (the target opens the connection)");
		if (st->verb == TC_AG_CONNECT)
			pc->c->port = TC_PORT_ACTIVE;
		return parse_tail(lx, st);
	}
	(*pc->nsteps)--;
	free(st->text);
	return tc_lx_fail(lx, at, "expected a step: '>' (send), '<' (expect), 'wait', 'ignore', 'agent', 'alt' or 'end'");
}

static int parse_alt(struct tc_lx *lx, struct pctx *pc, size_t at)
{
	char name[48];
	struct tc_branch *b;
	size_t cap;

	tc_lx_ws(lx);
	if (!tc_lx_word(lx, name, sizeof(name)))
		return tc_lx_fail(lx, lx->pos, "'alt' needs a name, like: alt piggybacked");
	if (!tc_lx_eol(lx))
		return tc_lx_fail(lx, lx->pos, "unexpected text after the alternative's name");
	if (!pc->alt) {
		size_t *tcap = &pc->cap_top;

		pc->alt = new_step(pc, tcap);
		pc->alt->kind = TC_STEP_ALT;
		pc->alt->line = lx->line;
		pc->alt->col = (int)at + 1;
		pc->alt->text = tc_xstrdup("alt");
	}
	for (int i = 0; i < pc->alt->nbr; i++)
		if (!strcmp(pc->alt->br[i].name, name))
			return tc_lx_fail(lx, at, "alternative '%s' given twice", name);
	if (pc->alt->nbr && !pc->alt->br[pc->alt->nbr - 1].nsteps)
		return tc_lx_fail(lx, at, "alternative '%s' has no steps", pc->alt->br[pc->alt->nbr - 1].name);
	if (pc->alt->nbr >= TC_MAX_ALTS)
		return tc_lx_fail(lx, at, "at most %d alternatives in a group", TC_MAX_ALTS);
	cap = (size_t)pc->alt->nbr;
	pc->alt->br = tc_xrealloc(pc->alt->br, (cap + 1) * sizeof(*b));
	b = &pc->alt->br[pc->alt->nbr++];
	memset(b, 0, sizeof(*b));
	b->name = tc_xstrdup(name);
	b->line = lx->line;
	pc->steps = &b->steps;
	pc->nsteps = &b->nsteps;
	pc->cap_br = 0;
	return 0;
}

static int parse_end(struct tc_lx *lx, struct pctx *pc, size_t at)
{
	struct tc_step *g = pc->alt;

	if (!g)
		return tc_lx_fail(lx, at, "'end' without 'alt'");
	if (!tc_lx_eol(lx))
		return tc_lx_fail(lx, lx->pos, "unexpected text after 'end'");
	if (!g->br[g->nbr - 1].nsteps)
		return tc_lx_fail(lx, at, "alternative '%s' has no steps", g->br[g->nbr - 1].name);
	if (g->nbr < 2)
		return tc_lx_fail(lx, at, "a group needs at least two alternatives");
	for (int i = 0; i < g->nbr; i++)
		if (g->br[i].steps[0].kind != TC_STEP_EXPECT && g->br[i].steps[0].kind != TC_STEP_NOTHING)
			return tc_lx_fail(lx, at,
					  "alternative '%s' must start with an expected segment ('<') or '< nothing'",
					  g->br[i].name);
	pc->alt = NULL;
	pc->steps = &pc->c->steps;
	pc->nsteps = &pc->c->nsteps;
	return 0;
}

static int parse_line(struct tc_lx *lx, struct pctx *pc)
{
	size_t at;

	if (tc_lx_eol(lx))
		return 0;
	at = lx->pos;
	if (lx->s[at] == '@')
		return parse_meta(lx, pc);
	if (tc_lx_kw(lx, "alt"))
		return parse_alt(lx, pc, at);
	if (tc_lx_kw(lx, "end"))
		return parse_end(lx, pc, at);
	return parse_step(lx, pc);
}

static int check_case(struct tc_case *c, const char *file, int lines, char *err, size_t errlen)
{
	static const char *const req[] = { "id", "title", "rfc", "level" };
	/* a LINUX case states what a script says Linux does: it names its @source, no RFC */
	const void *have[] = { c->id, c->title, c->rfc || c->level == TC_LEVEL_LINUX ? "" : NULL,
			       c->level ? "" : NULL };
	size_t i;

	for (i = 0; i < TC_ARRAY_LEN(req); i++)
		if (!have[i])
			return tc_errf(err, errlen, "%s:%d:1: missing @%s", file, lines, req[i]);
	if (c->level == TC_LEVEL_LINUX && !c->source)
		return tc_errf(err, errlen, "%s:%d:1: a LINUX case names the script it comes from: missing @source", file,
			       lines);
	if (!c->nsteps)
		return tc_errf(err, errlen, "%s:%d:1: the case has no steps", file, lines);
	tc_case_derive_needs(c);
	if (!c->timeout_us)
		c->timeout_us = 1000000;
	if (c->analyze && c->samples < 2)
		return tc_errf(err, errlen, "%s:%d:1: @analyze needs @samples 2 or more", file, lines);
	if (c->samples && !c->analyze)
		return tc_errf(err, errlen, "%s:%d:1: @samples needs @analyze (isn-random, isn-clock or ts-clock)", file, lines);
	return 0;
}

static struct tc_case *parse(const char *file, const char *buf, size_t len, int trace,
			     char *err, size_t errlen)
{
	struct tc_case *c = tc_xcalloc(1, sizeof(*c));
	struct pctx pc = { 0 };
	size_t pos = 0;
	int line = 0;

	c->file = tc_xstrdup(file);
	pc.c = c;
	pc.trace = trace;
	pc.steps = &c->steps;
	pc.nsteps = &c->nsteps;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		struct tc_lx lx;

		line++;
		if (memchr(buf + pos, '\0', n)) {
			tc_errf(err, errlen, "%s:%d:1: NUL byte in a text file", file, line);
			goto fail;
		}
		tc_lx_init(&lx, file, line, buf + pos, n, err, errlen);
		lx.caps = &pc.c->caps;
		if (parse_line(&lx, &pc) < 0)
			goto fail;
		pos += n + 1;
	}
	if (pc.alt) {
		tc_errf(err, errlen, "%s:%d:%d: 'alt' group not closed with 'end'", file,
			pc.alt->line, pc.alt->col);
		goto fail;
	}
	if (!trace && check_case(c, file, line ? line : 1, err, errlen) < 0)
		goto fail;
	fit(&c->steps, c->nsteps);
	return c;
fail:
	tc_case_free(c);
	return NULL;
}

struct tc_case *tc_case_parse(const char *file, const char *buf, size_t len, char *err, size_t errlen)
{
	return parse(file, buf, len, 0, err, errlen);
}

struct tc_case *tc_trace_parse(const char *file, const char *buf, size_t len, char *err, size_t errlen)
{
	return parse(file, buf, len, 1, err, errlen);
}
