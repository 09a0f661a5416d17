/* case: packetdrill scripts translated into case files (see import.h). */
#include "case/import.h"
#include "case/case.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A Linux network namespace's own values of the sysctls packetdrill's defaults.sh sets:
 * the ones equal to them need no @sysctl. */
static const struct { const char *key, *value; } ns_default[] = {
	{ "net.ipv4.tcp_timestamps", "1" }, { "net.ipv4.tcp_synack_retries", "5" }, { "net.ipv4.tcp_frto", "2" },
	{ "net.ipv4.tcp_sack", "1" }, { "net.ipv4.tcp_dsack", "1" }, { "net.ipv4.tcp_reordering", "3" },
	{ "net.ipv4.tcp_congestion_control", "cubic" }, { "net.ipv4.tcp_recovery", "1" },
	{ "net.ipv4.tcp_tso_win_divisor", "3" }, { "net.ipv4.tcp_pacing_ss_ratio", "200" },
	{ "net.ipv4.tcp_pacing_ca_ratio", "120" }, { "net.ipv4.tcp_notsent_lowat", "4294967295" },
	{ "net.ipv4.tcp_syncookies", "1" }, { "net.ipv4.tcp_ecn_option", "2" },
};
/* sysctls gone from today's kernels: setting them is a no-op there */
static const char *const ns_gone[] = { "net.ipv4.tcp_fack" };

/* The socket options an agent step sets: the script's level and name, the agent's. */
static const struct { const char *level, *name, *agent; } sockopts[] = {
	{ "SOL_TCP", "TCP_NODELAY", "nodelay" }, { "IPPROTO_TCP", "TCP_NODELAY", "nodelay" },
	{ "SOL_TCP", "TCP_CORK", "cork" }, { "IPPROTO_TCP", "TCP_CORK", "cork" },
	{ "SOL_TCP", "TCP_KEEPIDLE", "keepidle" }, { "SOL_TCP", "TCP_KEEPINTVL", "keepintvl" },
	{ "SOL_TCP", "TCP_KEEPCNT", "keepcnt" }, { "SOL_TCP", "TCP_USER_TIMEOUT", "user_timeout" },
	{ "IPPROTO_TCP", "TCP_USER_TIMEOUT", "user_timeout" }, { "SOL_SOCKET", "SO_KEEPALIVE", "keepalive" },
	{ "SOL_SOCKET", "SO_RCVBUF", "rcvbuf" }, { "SOL_SOCKET", "SO_SNDBUF", "sndbuf" },
	{ "SOL_SOCKET", "SO_OOBINLINE", "oobinline" },
};

struct st {
	struct tc_import *im;
	const char *path;
	char *(*read_rel)(const char *, const char *);
	struct tc_sbuf steps;
	int line;                       /* of the statement being translated */
	double t_prev;                  /* the script's time of the last event, seconds */
	int lfd, cfd;                   /* the listener and the connection (-1: none yet) */
	int active;                     /* the script connects out */
	int accepted;
	unsigned long long got;         /* bytes the application has read */
	char *sysctl[TC_MAX_SYSCTL + 8];
	int nsysctl;
	int ts_bound;                   /* the target's first TSval is $tsv, */
	unsigned long ts0;              /* which the script calls this */
	double tol;                     /* --tolerance_usecs: how far a time may be off */
	int strict;                     /* --strict_segments: no TSO, no "pieces" */
	int lclosed;                    /* the listener was closed */
	double hi;                      /* a time range's upper end ("+.1~+.105"), or 0 */
	char pyvar[8][48];              /* the Python blocks' integer variables */
	long pyval[8];
	int npy;
	char title[160];
};

static void why(struct st *s, const char *kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void why(struct st *s, const char *kind, const char *fmt, ...)
{
	struct tc_import *im = s->im;
	struct tc_import_why *w;
	va_list ap;

	tc_grow(&im->why, sizeof(*im->why), (size_t)im->nwhy, &im->cap);
	w = &im->why[im->nwhy++];
	w->line = s->line;
	snprintf(w->kind, sizeof(w->kind), "%s", kind);
	va_start(ap, fmt);
	vsnprintf(w->text, sizeof(w->text), fmt, ap);
	va_end(ap);
}

/* step - a line of the case, its script line in a comment */
static void step(struct st *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void step(struct st *s, const char *fmt, ...)
{
	char buf[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tc_sbuf_put(&s->steps, "%-56s # line %d\n", buf, s->line);
}

/* ms - a duration in seconds as the case writes it */
static void ms(double sec, char *buf, size_t len)
{
	long v = (long)(sec * 1000.0 + 0.5);

	snprintf(buf, len, "%ldms", v < 1 ? 1 : v);
}

/* wait_for - the script's time before an action of its own (a packet of the peer's, a
 * call, an assertion): a "wait" step, when there is one */
static void wait_for(struct st *s, double dt)
{
	char d[24];

	if (dt <= 0)
		return;
	ms(dt, d, sizeof(d));
	step(s, "wait %s", d);
}

/* ---- shell commands: the defaults file and sysctls ---------------------------------- */

static void add_sysctl(struct st *s, const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < TC_ARRAY_LEN(ns_default); i++)
		if (!strcmp(key, ns_default[i].key) && !strcmp(value, ns_default[i].value))
			return;
	for (i = 0; i < TC_ARRAY_LEN(ns_gone); i++)
		if (!strcmp(key, ns_gone[i]))
			return;
	int j;

	for (j = 0; j < s->nsysctl; j++)        /* set again: the last value holds */
		if (!strncmp(s->sysctl[j], key, strlen(key)) && s->sysctl[j][strlen(key)] == '=')
			break;
	if (j == (int)TC_ARRAY_LEN(s->sysctl)) {
		why(s, "too many sysctls", "more sysctls than a case holds");
		return;
	}
	if (j == s->nsysctl)
		s->nsysctl++;
	else
		free(s->sysctl[j]);
	s->sysctl[j] = tc_xmalloc(strlen(key) + strlen(value) + 2);
	sprintf(s->sysctl[j], "%s=%s", key, value);
}

/* shell_value - a value as the shell gives it: quotes removed, $((A*B*...)) multiplied */
static int shell_value(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (const char *p = in; *p && o + 24 < len; p++) {
		if (*p == '"' || *p == '\'')
			continue;
		if (!strncmp(p, "$((", 3)) {
			unsigned long long v = 1;
			const char *e = strstr(p, "))");
			char *q;

			if (!e)
				return -1;
			for (p += 3; p < e; p = q + (*q == '*')) {
				v *= strtoull(p, &q, 0);
				if (q == p || (*q != '*' && q != e))
					return -1;
			}
			o += (size_t)snprintf(out + o, len - o, "%llu", v);
			p = e + 1;
			continue;
		}
		out[o++] = *p;
	}
	out[o] = '\0';
	return 0;
}

static void shell_one(struct st *s, char *cmd, int depth);

/* shell_file - a file of shell commands the script runs (defaults.sh), line by line */
static void shell_file(struct st *s, const char *rel, int depth)
{
	char *text = s->read_rel && depth < 3 ? s->read_rel(s->path, rel) : NULL;
	char *line, *save = NULL;

	if (!text) {
		why(s, "a shell command", "`%s`: the file cannot be read", rel);
		return;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c = tc_trim(line);

		if (*c && *c != '#' && strncmp(c, "#!", 2))
			shell_one(s, c, depth + 1);
	}
	free(text);
}

/* shell - the commands of a `...` block, one a line ('\' joins lines) */
static void shell(struct st *s, char *cmd, int depth)
{
	char *line, *save = NULL;

	for (char *q = cmd; (q = strstr(q, "\\\n")); )
		q[0] = q[1] = ' ';
	for (line = strtok_r(cmd, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (*tc_trim(line))
			shell_one(s, line, depth);
}

/* set_sysctls - packetdrill's set_sysctls.py: /proc/sys/A/B/C=V arguments */
static void set_sysctls(struct st *s, char *args)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(args, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(tok, '='), value[200];

		if (!strncmp(tok, "/proc/sys/", 10) && eq) {
			*eq = '\0';
			for (char *c = tok + 10; *c; c++)
				*c = *c == '/' ? '.' : *c;
			if (shell_value(eq + 1, value, sizeof(value)) == 0) {
				add_sysctl(s, tok + 10, value);
				continue;
			}
		}
		why(s, "a shell command", "set_sysctls.py %.60s", tok);
		return;
	}
}

static void shell_one(struct st *s, char *cmd, int depth)
{
	char *p, *tok, *save = NULL, *hash = strchr(cmd, '#');

	if (hash && !strpbrk(cmd, "\"'"))      /* a comment (no quotes to hide a '#' in) */
		*hash = '\0';
	p = tc_trim(cmd);
	if (!*p)
		return;

	if (strstr(p, "set_sysctls.py ")) {
		set_sysctls(s, strstr(p, "set_sysctls.py ") + 15);
		return;
	}
	if (!strncmp(p, "/tmp/sysctl_restore_", 20))
		return;                 /* a case's @sysctl values go when it ends */

	if (strstr(p, "defaults.sh") && !strchr(p, ' ')) {
		shell_file(s, p, depth);
		return;
	}
	if (!strncmp(p, "ip tcp_metrics flush", 20))
		return;                 /* the target namespace keeps no metrics */
	if (!strncmp(p, "tc qdisc", 8) && strstr(p, " pfifo") && !strstr(p, " fq"))
		return;                 /* a plain FIFO on the script's device: the run's link has no pacing either */
	if (strncmp(p, "sysctl ", 7)) {
		why(s, "a shell command", "`%.60s`", p);
		return;
	}
	for (tok = strtok_r(p + 7, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char *eq, *key, value[200];

		if (*tok == '-')
			continue;       /* -q, -w */
		if (*tok == '>' || !strcmp(tok, "2>&1"))
			break;          /* "> /dev/null 2>&1" */
		eq = strchr(tok, '=');
		if (!eq) {
			why(s, "a shell command", "`sysctl %.60s`", tok);
			return;
		}
		*eq = '\0';
		key = tok;
		for (char *c = key; *c; c++)    /* sysctl takes net/ipv4/x as net.ipv4.x */
			*c = *c == '/' ? '.' : *c;
		/* a value with blanks ("4096 540000 ...") goes on in the next words */
		{
			char joined[200];
			size_t n = (size_t)snprintf(joined, sizeof(joined), "%s", eq + 1);

			while (joined[0] == '"' && (n < 2 || joined[n - 1] != '"') && (tok = strtok_r(NULL, " \t", &save)))
				n += (size_t)snprintf(joined + n, sizeof(joined) - n, " %s", tok);
			if (shell_value(joined, value, sizeof(value)) < 0) {
				why(s, "a shell command", "`sysctl %s=%.40s`: a value the shell computes", key, joined);
				return;
			}
		}
		add_sysctl(s, key, value);
	}
}

/* ---- packets ------------------------------------------------------------------------ */

/* option - one TCP option of a packet, in the case's words; @out: the peer's (the
 * tester's), or the target's (an expectation). 0, or -1 (why()). */
static int option(struct st *s, char *o, int expect, struct tc_sbuf *b)
{
	char *save = NULL, *w = strtok_r(o, " ", &save), *a = strtok_r(NULL, " ", &save), *c, *d;

	if (!w)
		return 0;
	if (!strcmp(w, "...") && expect) {      /* any options */
		tc_sbuf_put(b, "%s...", b->len ? ", " : "");
		return 0;
	}
	if (!strcmp(w, "nop") || !strcmp(w, "sackOK") || !strcmp(w, "eol")) {
		tc_sbuf_put(b, "%s%s", b->len ? ", " : "", w);
		return 0;
	}
	if (!strcmp(w, "mss") && a) {
		/* the target's MSS is its link's (the script's tun and its MTU are not ours) */
		tc_sbuf_put(b, "%smss %s", b->len ? ", " : "", expect ? "*" : a);
		return 0;
	}
	if (!strcmp(w, "wscale") && a) {
		tc_sbuf_put(b, "%swscale %s", b->len ? ", " : "", a);
		return 0;
	}
	if (!strcmp(w, "TS") && a && !strcmp(a, "val") && (c = strtok_r(NULL, " ", &save)) && (d = strtok_r(NULL, " ", &save)) &&
	    !strcmp(d, "ecr") && (d = strtok_r(NULL, " ", &save))) {
		unsigned long val = strtoul(c, NULL, 0), ecr = strtoul(d, NULL, 0);

		if (expect) {           /* the target's TSval: its clock, named once */
			if (!s->ts_bound) {
				s->ts_bound = 1;
				s->ts0 = val;
				tc_sbuf_put(b, "%sTS val $tsv ecr %lu", b->len ? ", " : "", ecr);
			} else {
				tc_sbuf_put(b, "%sTS val * ecr %lu", b->len ? ", " : "", ecr);
			}
		} else if (s->ts_bound) {       /* the tester echoes it, as the script's numbers say */
			long off = (long)(ecr - s->ts0);

			tc_sbuf_put(b, "%sTS val %lu ecr $tsv%s%ld", b->len ? ", " : "", val, off < 0 ? "" : "+", off);
		} else if (!ecr) {
			tc_sbuf_put(b, "%sTS val %lu ecr 0", b->len ? ", " : "", val);
		} else {
			why(s, "a TSval of the target not seen yet", "TS ecr %lu echoes a TSval the target has not sent", ecr);
			return -1;
		}
		return 0;
	}
	if (!strcmp(w, "sack") && a) {
		int n = 0;
		struct tc_sbuf blocks = { 0 };

		for (c = a; c; c = strtok_r(NULL, " ", &save)) {
			char *colon = strchr(c, ':');

			if (!colon) {
				free(blocks.s);
				why(s, "a TCP option", "sack block '%s'", c);
				return -1;
			}
			*colon = '\0';
			tc_sbuf_put(&blocks, " {%s:%s}", c, colon + 1);
			n++;
		}
		tc_sbuf_put(b, "%ssack %d%s", b->len ? ", " : "", n, blocks.s ? blocks.s : "");
		free(blocks.s);
		return 0;
	}
	if (!strcmp(w, "FO") && (!a || expect)) {
		/* a cookie request; or the target's cookie, made for the script's addresses
		 * and key, not the run's: any */
		tc_sbuf_put(b, "%stfo%s", b->len ? ", " : "", a ? " *" : "");
		return 0;
	}
	if (!strcmp(w, "FO")) {
		why(s, "a Fast Open cookie of the script's addresses", "FO %s", a);
		return -1;
	}
	why(s, "a TCP option", "option '%s%s%s'", w, a ? " " : "", a ? a : "");
	return -1;
}

static void packet(struct st *s, char *p, int in, double dt)
{
	struct tc_sbuf seg = { 0 }, opts = { 0 };
	char *o = strstr(p, " <"), *tok, *save = NULL, d1[24], d2[24], ecnf[24] = "";
	int data = 0, ok = 1;

	if (o) {
		char *end = strrchr(o, '>');

		if (!end) {
			why(s, "a packet", "an option list without its '>'");
			return;
		}
		*end = '\0';
		*o = '\0';
		for (char *one = strtok_r(o + 2, ",", &save); one && ok; one = strtok_r(NULL, ",", &save))
			ok = option(s, tc_trim(one), !in, &opts) == 0;
		save = NULL;
	}
	for (tok = strtok_r(p, " ", &save); tok && ok; tok = strtok_r(NULL, " ", &save)) {
		if (tok[0] == '[') {            /* the IP ECN field: [ect0] [ect1] [ce] [noecn] */
			static const char *const ecn[][2] = { { "[ect0]", "ect0" }, { "[ect1]", "ect1" }, { "[ce]", "ce" },
							      { "[noecn]", "not-ect" } };
			size_t i;

			for (i = 0; i < TC_ARRAY_LEN(ecn) && strcmp(tok, ecn[i][0]); i++)
				;
			if (i == TC_ARRAY_LEN(ecn)) {
				why(s, "an IP field", "'%s'", tok);
				ok = 0;
				break;
			}
			snprintf(ecnf, sizeof(ecnf), " ecn %s", ecn[i][1]);
			continue;
		}
		if (!seg.len || (strchr(tok, ':') && strchr(tok, '('))) {
			if (strchr(tok, ':'))
				data = strstr(tok, "(0)") == NULL;
			tc_sbuf_put(&seg, "%s%s", seg.len ? " " : "", tok);
			continue;
		}
		if (!strcmp(tok, "ack") || !strcmp(tok, "win") || !strcmp(tok, "urg")) {
			char *v = strtok_r(NULL, " ", &save);

			if (!v) {
				why(s, "a packet", "'%s' without a value", tok);
				ok = 0;
				break;
			}
			tc_sbuf_put(&seg, " %s %s", tok, v);
			continue;
		}
		why(s, "an IP field", "'%s'", tok);
		ok = 0;
	}
	if (ok && (!seg.s || !strchr(seg.s, ':'))) {
		why(s, "a packet", "no SEQ:END(LEN)");
		ok = 0;
	}
	if (ok && strspn(seg.s, "SFRPUEW.-") != strcspn(seg.s, " ")) {
		why(s, "a packet", "flags '%.20s'", seg.s);
		ok = 0;
	}
	if (ok && in && s->lclosed && seg.s[strspn(seg.s, "SFRPUEW.-")] && strchr(seg.s, 'S') &&
	    strchr(seg.s, 'S') < seg.s + strspn(seg.s, "SFRPUEW.-")) {
		why(s, "a system call", "a SYN after the listener's close (the agent's listener stays)");
		ok = 0;
	}
	if (ok && !in && data && strspn(seg.s, "SFRPUEW.-")) {
		/* where a sender puts PSH follows how it cut the data (a TSO packet, or the
		 * segments of the run's link): optional */
		struct tc_sbuf f = { 0 };
		size_t nf = strspn(seg.s, "SFRPUEW.-");
		char *pp = memchr(seg.s, 'P', nf);

		if (pp)
			tc_sbuf_put(&f, "%.*sP?%s", (int)(pp - seg.s), seg.s, pp + 1);
		else
			tc_sbuf_put(&f, "P?%s", seg.s);
		free(seg.s);
		seg = f;
	}
	if (ok) {
		if (in) {
			wait_for(s, dt);
			step(s, "> %s%s%s%s%s", seg.s, ecnf, opts.s ? " <" : "", opts.s ? opts.s : "", opts.s ? ">" : "");
		} else {
			char when[64] = "";

			/* the script's time, within twice its tolerance: a step counts from the end
			 * of the last, which may itself have come that much late */
			if (dt > 0 || s->hi > 0) {
				double tol = 2 * (s->tol > 0.010 ? s->tol : 0.010), top = s->hi > dt ? s->hi : dt;

				ms(top + tol, d2, sizeof(d2));
				if (dt - tol > 0) {
					ms(dt - tol, d1, sizeof(d1));
					snprintf(when, sizeof(when), " after %s within %s", d1, d2);
				} else {
					snprintf(when, sizeof(when), " within %s", d2);
				}
			}
			step(s, "< %s%s%s%s%s%s%s", seg.s, ecnf, opts.s ? " <" : "", opts.s ? opts.s : "", opts.s ? ">" : "",
			     data && !s->strict ? " pieces" : "", when);
		}
	}
	free(seg.s);
	free(opts.s);
}

/* ---- system calls ------------------------------------------------------------------- */

/* args - the top-level comma-separated arguments of a call, in place */
static int args(char *p, char **av, int max)
{
	int n = 0, depth = 0;

	av[n++] = p;
	for (; *p; p++) {
		if (*p == '(' || *p == '[' || *p == '{')
			depth++;
		else if (*p == ')' || *p == ']' || *p == '}')
			depth--;
		else if (*p == ',' && !depth && n < max) {
			*p = '\0';
			av[n++] = p + 1;
		}
	}
	for (int i = 0; i < n; i++)
		av[i] = tc_trim(av[i]);
	return n;
}

static void syscall_(struct st *s, char *p, double dt)
{
	char *open = strchr(p, '('), *close = NULL, *ret, *av[8], name[32];
	int n, fd, depth = 0;
	long rv;

	for (char *q = open; q && *q && !close; q++)    /* the call's own closing parenthesis */
		if (*q == '(' || *q == '[' || *q == '{')
			depth++;
		else if ((*q == ')' || *q == ']' || *q == '}') && !--depth)
			close = q;
	if (!open || !close || !(ret = strchr(close, '='))) {
		why(s, "a statement", "'%.60s'", p);
		return;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(open - p), p);
	*close = '\0';
	ret = tc_trim(ret + 1);
	n = args(open + 1, av, 8);
	fd = (int)strtol(av[0], NULL, 10);
	rv = strtol(ret, NULL, 0);
	if (!strcmp(name, "connect") && fd == s->lfd && (rv == 0 || !strncmp(ret, "-1 EINPROGRESS", 14))) {
		s->active = 1;          /* the agent's connect() is non-blocking, as this one */
		s->cfd = fd;
		step(s, "agent connect");
		return;
	}
	if (rv == -1 && fd == s->cfd && s->cfd >= 0 && !strncmp(ret, "-1 E", 4)) {
		/* a call that fails: a write with its errno, a read that finds nothing */
		char err[16];
		int is_write = !strcmp(name, "write") || (!strcmp(name, "send") && n == 4 && !strcmp(av[3], "0"));
		int is_read = !strcmp(name, "read") || (!strcmp(name, "recv") && n == 4 && !strcmp(av[3], "0"));

		snprintf(err, sizeof(err), "%.*s", (int)strspn(ret + 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), ret + 3);
		/* (the agent's send waits for room: a full buffer's EAGAIN has no counterpart) */
		if (is_write && strtol(av[2], NULL, 0) > 0 && strcmp(err, "EAGAIN")) {
			wait_for(s, dt);
			step(s, "agent send %ld -> %s", strtol(av[2], NULL, 0), err);
			return;
		}
		if (is_read && !strcmp(err, "EAGAIN") && strtol(av[2], NULL, 0) > 0) {
			wait_for(s, dt);
			step(s, "agent take %ld -> 0", strtol(av[2], NULL, 0));
			return;
		}
	}
	if (strchr(ret, ' ') || rv < 0) {
		why(s, "a return value or errno", "%s() = %.40s", name, ret);
		return;
	}
	if (strcmp(name, "socket") && strcmp(name, "bind") && strcmp(name, "listen"))
		wait_for(s, dt);
	if (!strcmp(name, "socket")) {
		if (!strstr(av[1], "SOCK_STREAM")) {
			why(s, "a socket that is not TCP", "socket(%.40s)", av[1]);
			return;
		}
		s->lfd = (int)rv;
		return;
	}
	if (!strcmp(name, "bind") || !strcmp(name, "listen") || !strcmp(name, "fcntl"))
		return;                 /* the agent's listener, non-blocking */
	if (!strcmp(name, "accept") || !strcmp(name, "accept4")) {
		s->cfd = (int)rv;
		s->accepted = 1;
		return;
	}
	if (!strcmp(name, "setsockopt") && n == 5) {
		size_t i;

		if (fd == s->lfd && !strcmp(av[2], "SO_REUSEADDR"))
			return;
		if (fd == s->lfd && !strcmp(av[2], "TCP_FASTOPEN"))
			return;         /* the agent's listeners have a Fast Open queue */
		for (i = 0; i < TC_ARRAY_LEN(sockopts); i++)
			if (!strcmp(av[1], sockopts[i].level) && !strcmp(av[2], sockopts[i].name))
				break;
		if (i == TC_ARRAY_LEN(sockopts) || fd != s->cfd || av[3][0] != '[') {
			why(s, "a socket option", "setsockopt(%s, %s) on the %s", av[1], av[2],
			    fd == s->cfd ? "connection" : "listener, or before the connection");
			return;
		}
		step(s, "agent sockopt %s %ld", sockopts[i].agent, strtol(av[3] + 1, NULL, 0));
		return;
	}
	if (!strcmp(name, "close") && fd == s->lfd && fd != s->cfd && s->accepted) {
		s->lclosed = 1;         /* the listener, once the connection is accepted: it goes on */
		return;
	}
	if (fd != s->cfd || s->cfd < 0) {
		why(s, "a system call", "%s() on the listener or another socket", name);
		return;
	}
	if (!strcmp(name, "write") || (!strcmp(name, "send") && n == 4 && !strcmp(av[3], "0"))) {
		if (rv != strtol(av[2], NULL, 0) || rv <= 0) {
			why(s, "a return value or errno", "%s() = %ld of %s", name, rv, av[2]);
			return;
		}
		step(s, "agent send %ld", rv);
		return;
	}
	if (!strcmp(name, "read") || (!strcmp(name, "recv") && n == 4 && !strcmp(av[3], "0"))) {
		/* the application reads only when the script says so (the noread port), and
		 * what it reads is checked */
		if (rv == 0) {
			step(s, "agent take %ld", strtol(av[2], NULL, 0) > 0 ? strtol(av[2], NULL, 0) : 1);
			step(s, "agent eof");
			return;
		}
		s->got += (unsigned long long)rv;
		step(s, "agent take %ld", rv);
		step(s, "agent received %llu", s->got);
		return;
	}
	if (!strcmp(name, "close")) {
		step(s, "agent close");
		return;
	}
	if (!strcmp(name, "shutdown")) {
		const char *how = !strcmp(av[1], "SHUT_WR") ? "wr" : !strcmp(av[1], "SHUT_RD") ? "rd" :
				  !strcmp(av[1], "SHUT_RDWR") ? "rdwr" : NULL;

		if (!how) {
			why(s, "a system call", "shutdown(%s)", av[1]);
			return;
		}
		step(s, "agent shutdown %s", how);
		return;
	}
	why(s, "a system call", "%s()", name);
}

/* ---- Python: assertions on TCP_INFO --------------------------------------------------- */

/* py_value - a number, a TCP_CA_ state, or a variable the block set: 0, or -1 */
static int py_value(const char *w, const char (*var)[48], const long *val, int nvar, long *out)
{
	static const char *const ca[] = { "TCP_CA_Open", "TCP_CA_Disorder", "TCP_CA_CWR", "TCP_CA_Recovery",
					  "TCP_CA_Loss" };
	char *end;

	*out = strtol(w, &end, 0);
	if (end != w && !*end)
		return 0;
	for (size_t i = 0; i < TC_ARRAY_LEN(ca); i++)
		if (!strcmp(w, ca[i])) {
			*out = (long)i;
			return 0;
		}
	for (int i = 0; i < nvar; i++)
		if (!strcmp(w, var[i])) {
			*out = val[i];
			return 0;
		}
	return -1;
}

/* python - a %{ }% block whose statements are assertions on tcpi_ fields the agent's
 * 'info' reads (with print() and integer variables around them): 'agent info' steps.
 * Anything else: why(). The variables live on from block to block, as in packetdrill. */
static void python(struct st *s, char *body, double dt)
{
	struct tc_sbuf steps = { 0 };
	char *line, *save = NULL;

	for (char *c = body; *c; c++)           /* ';' separates statements too */
		if (*c == ';')
			*c = '\n';
	for (line = strtok_r(body, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = line, *hash = strchr(p, '#'), lhs[48], op[4], rhs[48];
		long v;
		int k;

		if (hash)
			*hash = '\0';
		p = tc_trim(p);
		if (!*p || !strncmp(p, "print(", 6))
			continue;
		if (sscanf(p, "%47[A-Za-z_0-9] %3[+=-] %47[A-Za-z_0-9]", lhs, op, rhs) == 3 && strncmp(lhs, "assert", 7) &&
		    (!strcmp(op, "=") || !strcmp(op, "+=") || !strcmp(op, "-="))) {
			for (k = 0; k < s->npy && strcmp(s->pyvar[k], lhs); k++)
				;
			if (py_value(rhs, s->pyvar, s->pyval, s->npy, &v) < 0 || (k == s->npy && op[0] != '=') ||
			    k == (int)TC_ARRAY_LEN(s->pyvar))
				break;
			if (k == s->npy)
				snprintf(s->pyvar[s->npy++], sizeof(s->pyvar[0]), "%s", lhs);
			s->pyval[k] = op[0] == '+' ? s->pyval[k] + v : op[0] == '-' ? s->pyval[k] - v : v;
			continue;
		}
		if (sscanf(p, "assert tcpi_%47[a-z_] %3[=<>] %47[A-Za-z_0-9]", lhs, op, rhs) != 3 ||
		    tc_tok_val(tc_tcpinfo_toks, lhs) < 0 || py_value(rhs, s->pyvar, s->pyval, s->npy, &v) < 0 ||
		    v < 0)
			break;
		if (!strcmp(op, "=="))
			tc_sbuf_put(&steps, "agent info %s %ld\n", lhs, v);
		else if (!strcmp(op, "<="))
			tc_sbuf_put(&steps, "agent info %s 0..%ld\n", lhs, v);
		else if (!strcmp(op, ">="))
			tc_sbuf_put(&steps, "agent info %s %ld..4294967295\n", lhs, v);
		else
			break;
	}
	if (line) {
		why(s, "a Python assertion", "%%{ %.50s }%%", tc_trim(line));
		free(steps.s);
		return;
	}
	if (steps.s)                    /* the assertions hold at the script's time */
		wait_for(s, dt);
	for (line = steps.s ? strtok_r(steps.s, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save))
		step(s, "%s", line);
	free(steps.s);
}

/* ---- the script --------------------------------------------------------------------- */

/* statement - one statement: a time, then a packet, a call, a shell command or Python */
static void statement(struct st *s, char *p)
{
	double t = s->t_prev, dt = 0;
	char *q;

	p = tc_trim(p);
	if (!*p)
		return;
	if (!strncmp(p, "--", 2)) {     /* packetdrill's own options, written in the script */
		if (!strncmp(p, "--local_ip=", 11) || !strncmp(p, "--remote_ip=", 12) ||
		    !strncmp(p, "--gateway_ip=", 13) || !strncmp(p, "--netmask_ip=", 13))
			return;         /* its addresses: the tester uses the run's */
		if (!strcmp(p, "--tcp_ts_tick_usecs=1000"))
			return;         /* TSvals in milliseconds: as the names count them */
		if (!strncmp(p, "--tolerance_usecs=", 18)) {
			s->tol = strtod(p + 18, NULL) / 1e6;
			return;
		}
		if (!strcmp(p, "--strict_segments")) {
			s->strict = 1;
			return;
		}
		why(s, "a packetdrill option", "'%.40s'", p);
		return;
	}
	if (*p == '`') {
		q = strrchr(p + 1, '`');
		if (q)
			*q = '\0';
		shell(s, p + 1, 0);
		return;
	}
	if (*p == '*') {
		p++;
	} else if (*p == '+' || isdigit((unsigned char)*p) || *p == '.') {
		int rel = *p == '+';
		double v = strtod(p + rel, &q);

		s->hi = 0;
		if (*q == '~' && (q[1] == '+') == rel) {        /* a range: "+.1~+.105" */
			char *r;
			double h = strtod(q + 1 + rel, &r);

			if (r != q + 1 + rel && isspace((unsigned char)*r) && h >= v) {
				s->hi = (rel ? s->t_prev + h : h) - s->t_prev;
				q = r;
			}
		}
		if (q == p + rel || !isspace((unsigned char)*q)) {
			why(s, "a time", "'%.20s' (a blocking call's duration)", p);
			return;
		}
		t = rel ? s->t_prev + v : v;
		dt = t - s->t_prev;
		p = tc_trim(q);
	}
	s->t_prev = t;
	if (!strncmp(p, "%{", 2)) {
		char *e = strstr(p, "}%");

		if (e)
			*e = '\0';
		python(s, p + 2, dt);
		return;
	}
	if (*p == '`') {
		statement(s, p);
		return;
	}
	if (*p == '<' || *p == '>') {
		packet(s, tc_trim(p + 1), *p == '<', dt);
		return;
	}
	if (!strncmp(p, "icmp", 4)) {
		why(s, "an ICMP message", "'%.40s'", p);
		return;
	}
	syscall_(s, p, dt);
}

/* next - the next statement of @text from *@at: comments gone, lines joined while a
 * bracket, a Python block or a shell command is open. NULL at the end. */
static char *next(const char *text, size_t *at, int *line, int *first)
{
	struct tc_sbuf b = { 0 };
	int depth = 0, py = 0, sh = 0;
	const char *p = text + *at;

	*first = 0;
	while (*p) {
		if (!py && !sh && p[0] == '/' && p[1] == '/') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (!py && !sh && p[0] == '/' && p[1] == '*') {
			for (p += 2; *p && !(p[0] == '*' && p[1] == '/'); p++)
				*line += *p == '\n';
			p += *p ? 2 : 0;
			continue;
		}
		if (*p == '\n') {
			(*line)++;
			p++;
			if (b.len && !depth && !py && !sh)
				break;
			if (b.len)
				tc_sbuf_put(&b, "%s", sh || py ? "\n" : " ");
			continue;
		}
		if (!*first && !isspace((unsigned char)*p))
			*first = *line;
		if (p[0] == '%' && p[1] == '{')
			py = 1;
		else if (py && p[0] == '}' && p[1] == '%')
			py = 0;
		else if (!py && *p == '`')
			sh = !sh;
		else if (!py && !sh && (*p == '(' || *p == '{' || *p == '['))
			depth++;
		else if (!py && !sh && (*p == ')' || *p == '}' || *p == ']'))
			depth--;
		tc_sbuf_put(&b, "%c", *p);
		p++;
	}
	*at = (size_t)(p - text);
	return b.s;
}

/* title - the script's first comment that says something (not a licence line) */
static void title(struct st *s, const char *text)
{
	for (const char *p = strstr(text, "//"); p; p = strstr(p + 2, "//")) {
		const char *e = strchr(p, '\n');
		char buf[160];

		snprintf(buf, sizeof(buf), "%.*s", (int)((e ? e : p + strlen(p)) - p - 2), p + 2);
		if (strstr(buf, "SPDX") || strlen(tc_trim(buf)) < 8)
			continue;
		snprintf(s->title, sizeof(s->title), "%s", tc_trim(buf));
		return;
	}
}

int tc_import_pkt(struct tc_import *im, const char *path, const char *id, const char *text,
		  char *(*read_rel)(const char *script, const char *rel))
{
	struct st s = { .im = im, .path = path, .read_rel = read_rel, .lfd = -1, .cfd = -1 };
	size_t at = 0;
	int line = 1, first;
	char *stmt;

	memset(im, 0, sizeof(*im));
	title(&s, text);
	while ((stmt = next(text, &at, &line, &first))) {
		s.line = first;
		statement(&s, stmt);
		free(stmt);
	}
	if (!s.steps.len && !im->nwhy) {
		s.line = 0;
		why(&s, "nothing to translate", "no packet and no call");
	}
	if (s.nsysctl > TC_MAX_SYSCTL) {
		s.line = 0;
		struct tc_sbuf keys = { 0 };

		for (int i = 0; i < s.nsysctl; i++)
			tc_sbuf_put(&keys, "%s%.*s", i ? " " : "", (int)strcspn(s.sysctl[i], "="), s.sysctl[i]);
		why(&s, "too many sysctls", "%d sysctls, a case sets at most %d: %.120s", s.nsysctl, TC_MAX_SYSCTL, keys.s);
		free(keys.s);
	}
	if (!im->nwhy) {
		tc_sbuf_put(&im->out, "@id      %s\n@title   %s\n@level   LINUX\n@source  %s\n@port    %s\n", id,
			    s.title[0] ? s.title : "a packetdrill script", path, s.active ? "active" : "noread");
		for (int i = 0; i < s.nsysctl; i++)
			tc_sbuf_put(&im->out, "@sysctl  %s\n", s.sysctl[i]);
		tc_sbuf_put(&im->out, "@tags    imported\n\n# Translated from %s (tcpconform import): what Linux did when "
			    "the script was written,\n# not an RFC's requirement. The script's '<' packets are the "
			    "tester's '>', its calls\n# the agent's steps.\n\n%s", path, s.steps.s);
	}
	for (int i = 0; i < s.nsysctl; i++)
		free(s.sysctl[i]);
	free(s.steps.s);
	return im->nwhy ? 1 : 0;
}

void tc_import_free(struct tc_import *im)
{
	free(im->out.s);
	free(im->why);
	memset(im, 0, sizeof(*im));
}

void tc_import_id(const char *path, char *id, size_t len)
{
	size_t o = (size_t)snprintf(id, len, "tcp.import.");
	const char *end = strlen(path) > 4 && !strcmp(path + strlen(path) - 4, ".pkt") ? path + strlen(path) - 4 :
			  path + strlen(path);

	while (*path == '.' || *path == '/')    /* "./x.pkt", "../y/x.pkt" */
		path++;
	for (const char *p = path; p < end && o + 1 < len; p++)
		id[o++] = *p == '/' ? '.' : isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
	id[o] = '\0';
}
