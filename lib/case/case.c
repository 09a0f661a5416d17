/* case: names, agent steps, freeing, loading files and directories, selection. */
#include "case/lex.h"
#include "util/tok.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const struct tc_tok tc_level_toks[] = {
	{ TC_LEVEL_MUST, "MUST" }, { TC_LEVEL_SHOULD, "SHOULD" }, { TC_LEVEL_MAY, "MAY" }, { TC_LEVEL_LINUX, "LINUX" },
	{ 0, NULL },
};

const struct tc_tok tc_port_toks[] = {
	{ TC_PORT_LISTEN, "listen" }, { TC_PORT_ECHO, "echo" }, { TC_PORT_DISCARD, "discard" },
	{ TC_PORT_SEND, "send" }, { TC_PORT_CLOSE, "close" }, { TC_PORT_ABORT, "abort" },
	{ TC_PORT_NOREAD, "noread" }, { TC_PORT_CLOSED, "closed" }, { TC_PORT_ACTIVE, "active" }, { 0, NULL },
};

const char *tc_level_name(enum tc_level l)
{
	return tc_tok_str(tc_level_toks, (int)l, "?");
}

int tc_level_from_name(const char *s)
{
	return tc_tok_val(tc_level_toks, s);
}

const char *tc_port_name(enum tc_port p)
{
	return tc_tok_str(tc_port_toks, (int)p, "?");
}

int tc_port_from_name(const char *s)
{
	return tc_tok_val(tc_port_toks, s);
}

const struct tc_tok tc_agent_toks[] = {
	{ TC_AG_CLOSE, "close" }, { TC_AG_ABORT, "abort" }, { TC_AG_FORGET, "forget" },
	{ TC_AG_SHUTDOWN, "shutdown" }, { TC_AG_SEND, "send" }, { TC_AG_NOREAD, "noread" },
	{ TC_AG_READ, "read" }, { TC_AG_RECEIVED, "received" }, { TC_AG_EOF, "eof" }, { TC_AG_STATE, "state" },
	{ TC_AG_CONNECT, "connect" }, { TC_AG_SOCKOPT, "sockopt" }, { TC_AG_TAKE, "take" },
	{ TC_AG_URGENT, "urgent" }, { TC_AG_INFO, "info" }, { 0, NULL },
};

/* The fields of `agent info FIELD VAL`: Linux's struct tcp_info without "tcpi_", as the
 * Linux agent's info reply names them (tester/agent/cmd.c). */
const struct tc_tok tc_tcpinfo_toks[] = {
	{ 1, "state" }, { 2, "ca_state" }, { 3, "retransmits" }, { 4, "probes" }, { 5, "backoff" },
	{ 6, "options" }, { 7, "snd_wscale" }, { 8, "rcv_wscale" }, { 9, "rto" }, { 10, "ato" },
	{ 11, "snd_mss" }, { 12, "rcv_mss" }, { 13, "unacked" }, { 14, "sacked" }, { 15, "lost" },
	{ 16, "retrans" }, { 17, "fackets" }, { 18, "pmtu" }, { 19, "rcv_ssthresh" }, { 20, "rtt" },
	{ 21, "rttvar" }, { 22, "snd_ssthresh" }, { 23, "snd_cwnd" }, { 24, "advmss" }, { 25, "reordering" },
	{ 26, "rcv_rtt" }, { 27, "rcv_space" }, { 28, "total_retrans" }, { 0, NULL },
};

/* The socket options of `agent sockopt NAME N`: every agent's table (tester/agent,
 * tester/lwip, tester/gvisor) has these names, which a unit test holds them to. */
const struct tc_tok tc_sockopt_toks[] = {
	{ 1, "nodelay" }, { 2, "keepalive" }, { 3, "keepidle" }, { 4, "keepintvl" }, { 5, "keepcnt" },
	{ 6, "user_timeout" }, { 7, "rcvbuf" }, { 8, "sndbuf" }, { 9, "linger" }, { 10, "cork" },
	{ 11, "oobinline" }, { 0, NULL },
};

/* agent_args - what follows a verb: 0 nothing, 1 a byte count, 2 rd|wr|rdwr, 3 a state,
 * 4 a socket option's name and value, 5 a TCP_INFO field and its value. */
static int agent_args(enum tc_agent_verb v)
{
	switch (v) {
	case TC_AG_SEND: case TC_AG_RECEIVED: case TC_AG_TAKE: return 1;
	case TC_AG_SHUTDOWN: return 2;
	case TC_AG_STATE: return 3;
	case TC_AG_SOCKOPT: return 4;
	case TC_AG_INFO: return 5;
	default: return 0;
	}
}

/* tc_parse_agent - "agent VERB [ARGS]" after the word agent. */
int tc_parse_agent(struct tc_lx *lx, struct tc_step *st)
{
	char w[32];
	size_t at;
	int v;

	tc_lx_ws(lx);
	at = lx->pos;
	tc_lx_word(lx, w, sizeof(w));
	v = tc_tok_val(tc_agent_toks, w);
	if (v < 0)
		return tc_lx_fail(lx, at, "unknown agent action '%s' (close, abort, forget, shutdown, send N, "
				  "urgent, noread, read, take N, received N, eof, state STATE, connect, sockopt NAME N, "
				  "info FIELD N)", w);
	st->verb = (enum tc_agent_verb)v;
	switch (agent_args(st->verb)) {
	case 1:
		return tc_lx_num(lx, &st->arg, "a byte count");
	case 2:
		tc_lx_ws(lx);
		at = lx->pos;
		if (tc_lx_eol(lx)) {
			tc_strlcpy(st->sarg, "wr", sizeof(st->sarg));
			return 0;
		}
		tc_lx_word(lx, st->sarg, sizeof(st->sarg));
		if (strcmp(st->sarg, "rd") && strcmp(st->sarg, "wr") && strcmp(st->sarg, "rdwr"))
			return tc_lx_fail(lx, at, "shutdown takes rd, wr or rdwr");
		return 0;
	case 3:
		tc_lx_ws(lx);
		at = lx->pos;
		tc_lx_word(lx, st->sarg, sizeof(st->sarg));
		if (!st->sarg[0] || strspn(st->sarg, "ABCDEFGHIJKLMNOPQRSTUVWXYZ-12") != strlen(st->sarg))
			return tc_lx_fail(lx, at, "agent state needs a state name, like ESTABLISHED");
		return 0;
	case 4:
		tc_lx_ws(lx);
		at = lx->pos;
		if (!tc_lx_word(lx, st->sarg, sizeof(st->sarg)))
			return tc_lx_fail(lx, at, "sockopt needs a name and a value");
		if (tc_tok_val(tc_sockopt_toks, st->sarg) < 0) {
			char names[200];

			return tc_lx_fail(lx, at, "unknown socket option '%s' (%s)", st->sarg,
					  tc_tok_list(tc_sockopt_toks, names, sizeof(names)));
		}
		return tc_lx_num(lx, &st->arg, "a socket option value");
	case 5:
		tc_lx_ws(lx);
		at = lx->pos;
		if (!tc_lx_word(lx, st->sarg, sizeof(st->sarg)))
			return tc_lx_fail(lx, at, "info needs a field of TCP_INFO and its value, like snd_cwnd 10..100");
		if (tc_tok_val(tc_tcpinfo_toks, st->sarg) < 0)
			return tc_lx_fail(lx, at, "unknown TCP_INFO field '%s' (a member of Linux's struct tcp_info "
					  "without 'tcpi_', like snd_cwnd or rtt: testcases/README.md lists them)", st->sarg);
		tc_lx_ws(lx);
		at = lx->pos;
		if (tc_lx_val(lx, &st->val, "the field's value") < 0)
			return -1;
		if (st->val.any)
			return tc_lx_fail(lx, at, "info needs a value or a range LO..HI, not '*'");
		return 0;
	default:
		return 0;
	}
}

static void free_segpat(struct tc_segpat *p)
{
	free(p->payload);
	free(p->opts);
}

static void free_steps(struct tc_step *v, int n)
{
	int i, j;

	for (i = 0; i < n; i++) {
		free(v[i].text);
		free_segpat(&v[i].seg);
		for (j = 0; j < v[i].nbr; j++) {
			free(v[i].br[j].name);
			free_steps(v[i].br[j].steps, v[i].br[j].nsteps);
		}
		free(v[i].br);
	}
	free(v);
}

static void free_list(char **v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void tc_case_free(struct tc_case *c)
{
	if (!c)
		return;
	free(c->file);
	free(c->id);
	free(c->title);
	free(c->source);
	free_list(c->rfc, c->nrfc);
	free_list(c->tags, c->ntags);
	for (int i = 0; i < c->nsysctl; i++) {
		free(c->sysctl_key[i]);
		free(c->sysctl_val[i]);
	}
	for (int i = 0; i < c->npaths; i++)
		free_list(c->paths[i], c->npathlen[i]);
	free_steps(c->steps, c->nsteps);
	free(c->caps);
	free(c);
}

int tc_case_has_tag(const struct tc_case *c, const char *tag)
{
	int i;

	for (i = 0; i < c->ntags; i++)
		if (!strcmp(c->tags[i], tag))
			return 1;
	return 0;
}

struct tc_case *tc_case_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	struct tc_case *c;

	if (!f) {
		tc_errf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	do {
		tc_grow(&buf, 1, len + 4096, &cap);
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0 && len < (1u << 22));
	if (ferror(f) || len >= (1u << 22)) {
		tc_errf(err, errlen, "%s: %s", path, ferror(f) ? strerror(errno) : "file larger than 4 MiB");
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	c = tc_case_parse(path, buf, len, err, errlen);
	free(buf);
	return c;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* collect - the paths of *.tcp files below @dir, recursively, into @v. */
static int collect(const char *dir, char ***v, size_t *n, size_t *cap, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!d)
		return tc_errf(err, errlen, "%s: %s", dir, strerror(errno));
	while ((e = readdir(d)) && !rc) {
		size_t l = strlen(e->d_name);
		char *p;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		if (asprintf(&p, "%s/%s", dir, e->d_name) < 0)
			abort();
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			rc = collect(p, v, n, cap, err, errlen);
			free(p);
		} else if (l > 4 && !strcmp(e->d_name + l - 4, ".tcp")) {
			tc_grow(v, sizeof(**v), *n, cap);
			(*v)[(*n)++] = p;
		} else {
			free(p);
		}
	}
	closedir(d);
	return rc;
}

int tc_caseset_add(struct tc_caseset *set, struct tc_case *c, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (!strcmp(set->v[i]->id, c->id))
			return tc_errf(err, errlen, "%s:%d:1: id %s is already used by %s", c->file,
				       c->line_id, c->id, set->v[i]->file);
	tc_grow(&set->v, sizeof(*set->v), set->n, &set->cap);
	set->v[set->n++] = c;
	return 0;
}

int tc_caseset_load_dir(struct tc_caseset *set, const char *dir, void (*report)(void *, const char *),
			void *rctx, char *err, size_t errlen)
{
	char **paths = NULL, msg[TC_ERRLEN];
	size_t n = 0, cap = 0, i;
	int rc;

	rc = collect(dir, &paths, &n, &cap, err, errlen);
	qsort(paths, n, sizeof(*paths), cmp_str);
	for (i = 0; i < n; i++) {
		struct tc_case *c = tc_case_load(paths[i], msg, sizeof(msg));

		if (c && tc_caseset_add(set, c, msg, sizeof(msg)) < 0) {
			tc_case_free(c);
			c = NULL;
		}
		if (!c) {
			if (report)
				report(rctx, msg);
			if (rc == 0)
				tc_strlcpy(err, msg, errlen);
			rc = -1;
		}
		free(paths[i]);
	}
	free(paths);
	if (rc == 0 && set->n == 0 && err)
		return tc_errf(err, errlen, "%s: no case files (*.tcp)", dir);
	return rc;
}

void tc_caseset_free(struct tc_caseset *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		tc_case_free(set->v[i]);
	free(set->v);
	memset(set, 0, sizeof(*set));
}

int tc_case_selected(const struct tc_case *c, char *const *globs, int n)
{
	int i;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++)
		if (fnmatch(globs[i], c->id, 0) == 0)
			return 1;
	return 0;
}

int tc_step_closes(const struct tc_step *st)
{
	return st->kind == TC_STEP_AGENT &&
	       (st->verb == TC_AG_CLOSE || (st->verb == TC_AG_SHUTDOWN && strstr(st->sarg, "wr")));
}
