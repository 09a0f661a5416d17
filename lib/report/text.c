/* report: what the terminal shows. */
#include "report/report.h"
#include "packet/format.h"

#include <stdio.h>
#include <string.h>

static const char *color_of(enum tc_verdict v)
{
	switch (v) {
	case TC_V_PASS: return "\033[32m";
	case TC_V_FAIL: return "\033[31m";
	case TC_V_ERROR: return "\033[35m";
	case TC_V_INCONCLUSIVE: return "\033[33m";
	case TC_V_XFAIL: return "\033[36m";
	default: return "\033[2m";
	}
}

static void upper(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
		buf[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
	buf[i] = '\0';
}

void tc_text_case(FILE *f, const struct tc_result *r, const struct tc_text_opts *o)
{
	char v[16];
	double ms = r->end_us > r->start_us ? (double)(r->end_us - r->start_us) / 1000.0 : 0;

	upper(tc_verdict_name(r->verdict), v, sizeof(v));
	fprintf(f, "%s%-12s%s %s", o->color ? color_of(r->verdict) : "", v, o->color ? "\033[0m" : "",
		r->c->id);
	if (r->family == 6)
		fprintf(f, " [ipv6]");
	if (r->alternative[0])
		fprintf(f, " (%s)", r->alternative);
	if (r->verdict == TC_V_FAIL)
		fprintf(f, " [%s]", tc_level_name(r->c->level));
	if (r->verdict == TC_V_PASS || r->verdict == TC_V_FAIL || r->verdict == TC_V_INCONCLUSIVE ||
	    r->verdict == TC_V_XFAIL)
		fprintf(f, " %.1f ms", ms);
	fputc('\n', f);
	if (r->reason && r->verdict != TC_V_PASS)
		fprintf(f, "             %s\n", r->reason);
	if (r->verdict == TC_V_XFAIL && r->waiver)
		fprintf(f, "             waived: %s (%s)\n", r->waiver->reason, r->waiver->ref);
	if (r->notes)
		fprintf(f, "             note: %s\n", r->notes);
	if (o->verbose)
		tc_text_trace(f, r);
}

void tc_text_trace(FILE *f, const struct tc_result *r)
{
	int i;
	char line[700];
	struct tc_trace_ent *t = tc_result_entries(r);

	for (i = 0; i < r->ntrace; i++) {
		const struct tc_seg *s = &t[i].seg;
		int out = s->dir == TC_DIR_OUT;

		tc_seg_format_case(s, out ? r->tester_isn : (r->target_isn_known ? r->target_isn : 0),
				   out ? (r->target_isn_known ? r->target_isn : 0) : r->tester_isn,
				   line, sizeof(line));
		fprintf(f, "             %8.3f ms %c %s", (double)(s->t_us - r->start_us) / 1000.0,
			out ? '>' : '<', line);
		if (t[i].line)
			fprintf(f, "    # line %d", t[i].line);
		if (t[i].note)
			fprintf(f, " (%s)", t[i].note);
		if (s->problem[0])
			fprintf(f, " [malformed: %s]", s->problem);
		fputc('\n', f);
	}
	tc_result_entries_free(t, r->ntrace);
}

/* deviations - one line a cause of the fail and xfail results, the widest first, with
 * the number of results it explains and the first cases. */
static void deviations(FILE *f, const struct tc_result *res, int n)
{
	struct tc_deviation *d;
	int nd = tc_deviations(res, n, &d), i, j, k, shown;

	if (nd)
		fprintf(f, "\n%d deviation%s (the failures grouped by the cause their first divergence shows):\n", nd,
			nd == 1 ? "" : "s");
	for (i = 0; i < nd; i++) {
		fprintf(f, "  %4d x %-6s %s", d[i].n, tc_level_name(d[i].level), d[i].summary);
		if (d[i].rfc[0]) {      /* the section, without the quotation after it */
			size_t l = strcspn(d[i].rfc, "(");

			while (l && d[i].rfc[l - 1] == ' ')
				l--;
			fprintf(f, " (%.*s)", (int)l, d[i].rfc);
		}
		if (d[i].failing < d[i].n)
			fprintf(f, " [%d waived]", d[i].n - d[i].failing);
		fprintf(f, "\n                ");
		for (j = 0, shown = 0; j < d[i].n; j++) {
			const char *id = res[d[i].idx[j]].c->id;

			for (k = 0; k < j && strcmp(res[d[i].idx[k]].c->id, id); k++)
				;
			if (k < j)
				continue;       /* the other family of a case shown */
			if (shown == 3) {
				fprintf(f, ", ...");
				break;
			}
			fprintf(f, "%s%s", shown ? ", " : "", id);
			shown++;
		}
		fputc('\n', f);
	}
	tc_deviations_free(d, nd);
}

void tc_text_summary(FILE *f, const struct tc_result *res, int n, const char *dir, double secs,
		     const struct tc_text_opts *o)
{
	struct tc_summary s;

	deviations(f, res, n);
	tc_summarize(res, n, &s);
	fprintf(f, "\n%d cases: %d pass, %d fail", n, s.pass, s.fail);
	if (s.fail) {
		fprintf(f, " (%d MUST, %d SHOULD, %d MAY", s.fail_must, s.fail_should, s.fail_may);
		if (s.fail_linux)
			fprintf(f, ", %d LINUX", s.fail_linux);
		fputc(')', f);
	}
	fprintf(f, ", %d xfail, %d skip, %d inconclusive, %d error", s.xfail, s.skip, s.inconclusive, s.error);
	if (s.notrun)
		fprintf(f, ", %d not run", s.notrun);
	fprintf(f, " in %.2f s\n", secs);
	if (s.waived_pass)
		fprintf(f, "%d waived case%s passed: %s waiver%s may be stale\n", s.waived_pass,
			s.waived_pass == 1 ? "" : "s", s.waived_pass == 1 ? "its" : "their", s.waived_pass == 1 ? "" : "s");
	if (dir)
		fprintf(f, "reports: %s/report.json, %s/junit.xml, %s/pcap/\n", dir, dir, dir);
}

/* tap_text - @s on one line for TAP (no newline, no '#' that would start a directive). */
static void tap_text(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputc(*s == '\n' ? ' ' : *s == '#' ? '_' : *s, f);
}

void tc_tap_case(FILE *f, const struct tc_result *r)
{
	const char *fam = r->family == 6 ? " [ipv6]" : "";

	switch (r->verdict) {
	case TC_V_PASS:
		fprintf(f, "ok - %s%s\n", r->c->id, fam);
		return;
	case TC_V_SKIP:
	case TC_V_INCONCLUSIVE:
	case TC_V_NOTRUN:
		fprintf(f, "ok - %s%s # SKIP %s", r->c->id, fam, r->verdict == TC_V_INCONCLUSIVE ? "inconclusive: " :
			r->verdict == TC_V_NOTRUN ? "not run: " : "");
		tap_text(f, r->reason);
		fputc('\n', f);
		return;
	case TC_V_XFAIL:                /* a known deviation: TAP's expected failure */
		fprintf(f, "not ok - %s%s # TODO waived: ", r->c->id, fam);
		tap_text(f, r->waiver ? r->waiver->reason : "");
		fputc('\n', f);
		return;
	default:
		fprintf(f, "not ok - %s%s\n  ---\n  verdict: %s\n  level: %s\n  reason: \"", r->c->id, fam,
			tc_verdict_name(r->verdict), tc_level_name(r->c->level));
		for (const char *p = r->reason; p && *p; p++) {
			if (*p == '"' || *p == '\\')
				fputc('\\', f);
			if (*p == '\n')
				fputs("\\n", f);
			else
				fputc(*p, f);
		}
		fprintf(f, "\"\n  ...\n");
	}
}
