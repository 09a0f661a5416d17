/*
 * report: deviations. One deviation of the target shows in many cases (a reset that
 * carries ACK fails every case that draws a reset): the failing and waived results are
 * grouped by the cause their first divergence shows, so that one cause is one finding.
 *
 * The cause (the group's key and its summary) comes from the first divergence:
 *   - a field that differs ("flags are [R.], expected [R]"): the field and both values,
 *     where sequence and acknowledgment numbers become their offset from the expected
 *     value ("ack is expected+1") and other numbers, which vary per case, become "N"
 *     (0 stays 0: a zero window is a cause of its own);
 *   - silence where a segment was expected: "nothing where [FLAGS] is expected";
 *   - a segment where none or another was expected, without a field named (an
 *     alternative, "< model" or "< nothing"): "[FLAGS] where EXPECTED is expected",
 *     EXPECTED being "nothing", "[FLAGS]" or "one of [F1] [F2]"; alternatives that all
 *     want the same flags F, other than the segment's, give "flags are [G], expected [F]",
 *     as a single expectation does;
 *   - a state: "state X where Y is expected" (after a step, or along the state path);
 *   - anything else (an agent's refusal, a sampled analysis): its text, numbers as "N".
 * The group's level is the highest of its cases'; its reference, the one most of its
 * cases cite (the first such in the run's order).
 */
#include "report/report.h"
#include "util/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* why_of - the parenthesised explanation at the end of @r's reason ("ack is 2,
 * expected 1"), into @buf; "" if none. */
static void why_of(const struct tc_result *r, char *buf, size_t len)
{
	const char *p = NULL, *q;
	size_t l;

	buf[0] = '\0';
	if (!r->reason || !r->div_observed)
		return;
	q = strstr(r->reason, ", got ");
	while (q && strncmp(q + 6, r->div_observed, strlen(r->div_observed)))
		q = strstr(q + 1, ", got ");
	if (q)
		p = q + 6 + strlen(r->div_observed);
	if (!p || strncmp(p, " (", 2))
		return;
	p += 2;
	l = strlen(p);
	if (!l || p[l - 1] != ')')
		return;
	snprintf(buf, len, "%.*s", (int)(l - 1), p);
}

/* numbers_out - @in with every number made "N" (but a lone 0), into @out. */
static void numbers_out(const char *in, char *out, size_t len)
{
	size_t o = 0;

	while (*in && o + 2 < len) {
		if (isdigit((unsigned char)*in) && (in[0] != '0' || isdigit((unsigned char)in[1]) || in[1] == 'x') &&
		    !(o && (isalnum((unsigned char)out[o - 1]) || out[o - 1] == '.'))) {
			while (isalnum((unsigned char)*in))
				in++;
			out[o++] = 'N';
			continue;
		}
		out[o++] = *in++;
	}
	out[o] = '\0';
}

/* flags_of - the flags token of a segment in case notation ("R." of "R. 0:0(0) ...",
 * or of "< R. 0:0(0)"), as "[R.]". */
static void flags_of(const char *seg, char *buf, size_t len)
{
	size_t n;

	if (!strncmp(seg, "< ", 2))
		seg += 2;
	n = strcspn(seg, " ");
	snprintf(buf, len, "[%.*s]", (int)n, seg);
}

/* expected_of - what a step expected, in short: "nothing", "[FLAGS]", or "one of [A] [B]". */
static void expected_of(const char *exp, char *buf, size_t len)
{
	char f[32];
	size_t o;
	const char *p;

	if (!strncmp(exp, "< nothing", 9)) {
		snprintf(buf, len, "nothing");
		return;
	}
	if (strncmp(exp, "one of: ", 8) && strncmp(exp, "< model: one of:", 16)) {
		flags_of(exp, buf, len);
		return;
	}
	o = (size_t)snprintf(buf, len, "one of");
	/* each alternative: "[name] < FLAGS ..." or, from the model, "[name] FLAGS ..." */
	for (p = strchr(exp, ']'); p && o < len; p = strchr(p + 1, ']')) {
		const char *s = p + 1;

		while (*s == ' ')
			s++;
		if (*s == '[' || !*s)
			continue;
		if (!strncmp(s, "nothing", 7))
			snprintf(f, sizeof(f), "nothing");
		else
			flags_of(s, f, sizeof(f));
		if (!strstr(buf, f))
			o += (size_t)snprintf(buf + o, len - o, " %s", f);
		p = strstr(p + 1, " or [");
		if (!p)
			break;
	}
}

/* seq_delta - "ack is 2, expected 1" made "ack is expected+1" for the sequence-number
 * fields; 0 if @why is not such a text. */
static int seq_delta(const char *why, char *buf, size_t len)
{
	static const char *const names[] = { "seq", "ack", "end sequence number" };
	size_t i, l;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *p = why;
		char *end;
		unsigned long a, b;
		int32_t d;

		l = strlen(names[i]);
		if (strncmp(p, names[i], l) || strncmp(p + l, " is ", 4))
			continue;
		a = strtoul(p + l + 4, &end, 10);
		if (end == p + l + 4 || strncmp(end, ", expected ", 11))
			continue;
		p = end + 11;
		b = strtoul(p, &end, 10);
		if (end == p || *end)
			continue;
		d = (int32_t)(uint32_t)(a - b);
		snprintf(buf, len, "%s is expected%s%d", names[i], d >= 0 ? "+" : "", d);
		return 1;
	}
	return 0;
}

void tc_deviation_cause(const struct tc_result *r, char *buf, size_t len)
{
	char why[400], a[64], b[200];
	const char *obs = r->div_observed ? r->div_observed : "";
	const char *exp = r->div_expected ? r->div_expected : "";

	why_of(r, why, sizeof(why));
	if (r->reason && strstr(r->reason, ": expected state ") && r->div_expected && r->div_observed) {
		snprintf(buf, len, "state %s where %s is expected", obs, exp);
		return;
	}
	if (r->reason && strstr(r->reason, ": expected the state path ")) {
		int i;

		for (i = 0; i < r->nst_observed && i < r->nst_expected; i++)
			if (strcmp(r->st_observed[i], r->st_expected[i]))
				break;
		if (i < r->nst_observed && i < r->nst_expected)
			snprintf(buf, len, "state path: %s where %s is expected", r->st_observed[i], r->st_expected[i]);
		else if (i < r->nst_observed)
			snprintf(buf, len, "state path: %s after %s, where it ends", r->st_observed[i],
				 i ? r->st_observed[i - 1] : "the start");
		else
			snprintf(buf, len, "state path ends at %s where %s is expected next",
				 i ? r->st_observed[i - 1] : "the start", i < r->nst_expected ? r->st_expected[i] : "?");
		return;
	}
	if (why[0] && !strstr(why, "rate limit")) {
		if (seq_delta(why, buf, len))
			return;
		if (!strncmp(why, "source port is ", 15)) {
			snprintf(buf, len, "a segment from another port of the target");
			return;
		}
		if (strstr(why, " before the segment of line ")) {
			flags_of(obs, a, sizeof(a));
			snprintf(buf, len, "%s before the tester's next segment, where nothing is expected", a);
			return;
		}
		numbers_out(why, buf, len);
		return;
	}
	if (!strncmp(obs, "nothing within ", 15)) {
		expected_of(exp, b, sizeof(b));
		snprintf(buf, len, "nothing where %s is expected", b);
		return;
	}
	if (r->div_observed && r->div_expected && (exp[0] == '<' || !strncmp(exp, "one of: ", 8))) {
		flags_of(obs, a, sizeof(a));
		expected_of(exp, b, sizeof(b));
		/* alternatives (or the model's outcomes) that all want the same flags: the
		 * flags are what differs, as a single expectation would say */
		if (!strncmp(b, "one of [", 8) && !strchr(b + 8, ' ') && strcmp(a, b + 7)) {
			snprintf(buf, len, "flags are %s, expected %s", a, b + 7);
			return;
		}
		snprintf(buf, len, "%s where %s is expected", a, b);
		return;
	}
	if (r->div_observed && r->div_expected) {
		snprintf(why, sizeof(why), "%s where %s is expected", obs, exp);
		numbers_out(why, buf, len);
		return;
	}
	numbers_out(r->reason ? r->reason : "no reason given", buf, len);
}

void tc_deviations_free(struct tc_deviation *d, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(d[i].summary);
		free(d[i].idx);
	}
	free(d);
}

/* level_rank - MUST first. */
static int level_rank(enum tc_level l)
{
	return l == TC_LEVEL_MUST ? 0 : l == TC_LEVEL_SHOULD ? 1 : l == TC_LEVEL_MAY ? 2 : 3;
}

/* common_ref - the reference most of the group's cases cite. */
static const char *common_ref(const struct tc_result *res, const struct tc_deviation *d)
{
	const char *best = NULL;
	int i, j, x, y, nbest = 0;

	for (i = 0; i < d->n; i++) {
		const struct tc_case *c = res[d->idx[i]].c;

		for (j = 0; j < c->nrfc; j++) {
			int cnt = 0;

			for (x = 0; x < d->n; x++) {
				const struct tc_case *e = res[d->idx[x]].c;

				for (y = 0; y < e->nrfc; y++)
					if (!strcmp(e->rfc[y], c->rfc[j])) {
						cnt++;
						break;
					}
			}
			if (cnt > nbest) {
				nbest = cnt;
				best = c->rfc[j];
			}
		}
	}
	return best ? best : "";
}

int tc_deviations(const struct tc_result *res, int n, struct tc_deviation **out)
{
	struct tc_deviation *d = NULL;
	char key[400];
	size_t cap = 0;
	int i, j, nd = 0;

	for (i = 0; i < n; i++) {
		if (res[i].verdict != TC_V_FAIL && res[i].verdict != TC_V_XFAIL)
			continue;
		tc_deviation_cause(&res[i], key, sizeof(key));
		for (j = 0; j < nd && strcmp(d[j].summary, key); j++)
			;
		if (j == nd) {
			tc_grow(&d, sizeof(*d), (size_t)nd, &cap);
			memset(&d[nd], 0, sizeof(*d));
			d[nd].summary = tc_xstrdup(key);
			d[nd].level = res[i].c->level;
			nd++;
		}
		d[j].idx = tc_xrealloc(d[j].idx, (size_t)(d[j].n + 1) * sizeof(*d[j].idx));
		d[j].idx[d[j].n++] = i;
		if (level_rank(res[i].c->level) < level_rank(d[j].level))
			d[j].level = res[i].c->level;
	}
	for (j = 0; j < nd; j++) {
		d[j].rfc = common_ref(res, &d[j]);
		for (i = 0; i < d[j].n; i++)
			d[j].failing += res[d[j].idx[i]].verdict == TC_V_FAIL;
	}
	/* the widest first; then MUST before SHOULD before MAY; then the run's order */
	for (i = 1; i < nd; i++) {
		struct tc_deviation x = d[i];

		for (j = i; j > 0 && (d[j - 1].n < x.n || (d[j - 1].n == x.n &&
			level_rank(d[j - 1].level) > level_rank(x.level))); j--)
			d[j] = d[j - 1];
		d[j] = x;
	}
	*out = d;
	return nd;
}
