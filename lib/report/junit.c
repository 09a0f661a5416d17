/* report: JUnit XML, one testcase per case. Inconclusive and not-run cases are
 * "skipped" (with the reason): JUnit has no word for them, and they are no failure. */
#include "report/report.h"
#include "util/util.h"

#include <cjson/cJSON.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* xml_esc - @s escaped for an attribute or text node (control bytes dropped). */
static void xml_esc(struct tc_sbuf *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&': tc_sbuf_put(b, "&amp;"); break;
		case '<': tc_sbuf_put(b, "&lt;"); break;
		case '>': tc_sbuf_put(b, "&gt;"); break;
		case '"': tc_sbuf_put(b, "&quot;"); break;
		case '\'': tc_sbuf_put(b, "&apos;"); break;
		default:
			if (c < 0x20 && c != '\n' && c != '\t')
				tc_sbuf_put(b, "?");
			else
				tc_sbuf_put(b, "%c", c);
		}
	}
}

/* One testcase, whichever way it was read: from the results, or from a report.json. */
struct jrow {
	const char *id, *file, *level, *reason, *waiver_reason, *waiver_ref;
	int ipv6;
	double secs;
	enum tc_verdict v;
};

static void one_case(struct tc_sbuf *b, const struct jrow *r)
{
	const char *id = r->id, *dot = strrchr(id, '.');

	tc_sbuf_put(b, "    <testcase classname=\"");
	if (dot)
		tc_sbuf_put(b, "%.*s", (int)(dot - id), id);
	else
		xml_esc(b, id);
	tc_sbuf_put(b, "\" name=\"");
	xml_esc(b, dot ? dot + 1 : id);
	if (r->ipv6)
		tc_sbuf_put(b, " (ipv6)");
	tc_sbuf_put(b, "\" file=\"");
	xml_esc(b, r->file);
	tc_sbuf_put(b, "\" time=\"%.6f\">", r->secs);
	switch (r->v) {
	case TC_V_PASS:
		break;
	case TC_V_FAIL:
		tc_sbuf_put(b, "\n      <failure type=\"%s\" message=\"", r->level);
		xml_esc(b, r->reason);
		tc_sbuf_put(b, "\">");
		xml_esc(b, r->reason);
		tc_sbuf_put(b, "</failure>\n    ");
		break;
	case TC_V_ERROR:
		tc_sbuf_put(b, "\n      <error message=\"");
		xml_esc(b, r->reason);
		tc_sbuf_put(b, "\"/>\n    ");
		break;
	case TC_V_XFAIL:
		tc_sbuf_put(b, "\n      <skipped message=\"xfail: ");
		xml_esc(b, r->waiver_reason ? r->waiver_reason : "");
		tc_sbuf_put(b, " (");
		xml_esc(b, r->waiver_ref ? r->waiver_ref : "");
		tc_sbuf_put(b, ")\">");
		xml_esc(b, r->reason);
		tc_sbuf_put(b, "</skipped>\n    ");
		break;
	default:
		tc_sbuf_put(b, "\n      <skipped message=\"%s", r->v == TC_V_SKIP ? "" :
		     r->v == TC_V_INCONCLUSIVE ? "inconclusive: " : "not run: ");
		xml_esc(b, r->reason ? r->reason : "");
		tc_sbuf_put(b, "\"/>\n    ");
	}
	tc_sbuf_put(b, "</testcase>\n");
}

/* junit - the document of @n rows; @total the suite's time (0: the cases' sum). */
static char *junit(const struct jrow *rows, int n, const char *mode, const char *started, double total)
{
	struct tc_sbuf b = { tc_xmalloc(4096), 0, 4096 };
	int fail = 0, error = 0, skipped = 0, i;
	double sum = 0;

	b.s[0] = '\0';
	for (i = 0; i < n; i++) {
		fail += rows[i].v == TC_V_FAIL;
		error += rows[i].v == TC_V_ERROR;
		skipped += rows[i].v != TC_V_PASS && rows[i].v != TC_V_FAIL && rows[i].v != TC_V_ERROR;
		sum += rows[i].secs;
	}
	/* the suite's time is the run's wall time: cases run side by side, so the sum of
	 * theirs is larger (it stands in when the wall time is unknown) */
	if (total <= 0)
		total = sum;
	tc_sbuf_put(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	tc_sbuf_put(&b, "<testsuites name=\"tcpconform\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.6f\">\n",
	     n, fail, error, skipped, total);
	tc_sbuf_put(&b, "  <testsuite name=\"tcpconform %s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.6f\" timestamp=\"",
	     mode, n, fail, error, skipped, total);
	xml_esc(&b, started);
	tc_sbuf_put(&b, "\">\n");
	for (i = 0; i < n; i++)
		one_case(&b, &rows[i]);
	tc_sbuf_put(&b, "  </testsuite>\n</testsuites>");
	return b.s;
}

char *tc_report_junit(const struct tc_run_info *info, const struct tc_result *res, int n)
{
	struct jrow *rows = tc_xcalloc((size_t)n + 1, sizeof(*rows));
	char *doc;

	for (int i = 0; i < n; i++) {
		const struct tc_result *r = &res[i];

		rows[i] = (struct jrow){ .id = r->c->id, .file = r->c->file, .level = tc_level_name(r->c->level),
					 .reason = r->reason, .ipv6 = r->family == 6, .v = r->verdict,
					 .waiver_reason = r->waiver ? r->waiver->reason : NULL,
					 .waiver_ref = r->waiver ? r->waiver->ref : NULL,
					 .secs = r->end_us > r->start_us ? (double)(r->end_us - r->start_us) / 1e6 : 0 };
	}
	doc = junit(rows, n, info->mode, info->started, info->wall_s);
	free(rows);
	return doc;
}

static enum tc_verdict verdict_of(const char *s)
{
	static const enum tc_verdict all[] = { TC_V_NOTRUN, TC_V_PASS, TC_V_FAIL, TC_V_SKIP, TC_V_INCONCLUSIVE,
					       TC_V_ERROR, TC_V_XFAIL };

	for (size_t i = 0; s && i < TC_ARRAY_LEN(all); i++)
		if (!strcmp(s, tc_verdict_name(all[i])))
			return all[i];
	return TC_V_NOTRUN;
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* iso_secs - "2026-12-07T04:24:57.908Z" as seconds (0 when it is not one). */
static double iso_secs(const char *s)
{
	struct tm tm;
	int ms = 0;

	memset(&tm, 0, sizeof(tm));
	if (!s || sscanf(s, "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
			 &tm.tm_sec, &ms) < 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (double)timegm(&tm) + ms / 1000.0;
}

char *tc_report_junit_json(const char *report)
{
	cJSON *root = cJSON_Parse(report), *cases, *c, *env, *run;
	struct jrow *rows;
	char *doc;
	int n = 0;

	if (!root)
		return NULL;
	cases = cJSON_GetObjectItemCaseSensitive(root, "cases");
	env = cJSON_GetObjectItemCaseSensitive(root, "environment");
	run = cJSON_GetObjectItemCaseSensitive(root, "run");
	rows = tc_xcalloc((size_t)cJSON_GetArraySize(cases) + 1, sizeof(*rows));
	cJSON_ArrayForEach(c, cases) {
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(c, "waiver"), *d = cJSON_GetObjectItemCaseSensitive(c, "duration_us");
		const char *fam = jstr(c, "family");

		rows[n++] = (struct jrow){ .id = jstr(c, "id") ? jstr(c, "id") : "?", .file = jstr(c, "file"),
					   .level = jstr(c, "level") ? jstr(c, "level") : "", .reason = jstr(c, "reason"),
					   .ipv6 = fam && !strcmp(fam, "ipv6"), .v = verdict_of(jstr(c, "verdict")),
					   .waiver_reason = jstr(w, "reason"), .waiver_ref = jstr(w, "ref"),
					   .secs = cJSON_IsNumber(d) ? d->valuedouble / 1e6 : 0 };
	}
	(void)run;
	doc = junit(rows, n, jstr(env, "mode") ? jstr(env, "mode") : "", jstr(root, "started") ? jstr(root, "started") : "",
		    iso_secs(jstr(root, "finished")) - iso_secs(jstr(root, "started")));
	free(rows);
	cJSON_Delete(root);
	return doc;
}
