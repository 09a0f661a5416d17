/* report: JUnit XML, one testcase per case. Inconclusive and not-run cases are
 * "skipped" (with the reason): JUnit has no word for them, and they are no failure. */
#include "report/report.h"
#include "util/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buf {
	char *s;
	size_t len, cap;
};

static void bput(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bput(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		b->cap = b->cap * 2 + (size_t)(n > 0 ? n : 64) + 64;
		b->s = tc_xrealloc(b->s, b->cap);
	}
}

/* xml_esc - @s escaped for an attribute or text node (control bytes dropped). */
static void xml_esc(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&': bput(b, "&amp;"); break;
		case '<': bput(b, "&lt;"); break;
		case '>': bput(b, "&gt;"); break;
		case '"': bput(b, "&quot;"); break;
		case '\'': bput(b, "&apos;"); break;
		default:
			if (c < 0x20 && c != '\n' && c != '\t')
				bput(b, "?");
			else
				bput(b, "%c", c);
		}
	}
}

static void one_case(struct buf *b, const struct tc_result *r)
{
	const char *id = r->c->id, *dot = strrchr(id, '.');
	double secs = r->end_us > r->start_us ? (double)(r->end_us - r->start_us) / 1e6 : 0;

	bput(b, "    <testcase classname=\"");
	if (dot)
		bput(b, "%.*s", (int)(dot - id), id);
	else
		xml_esc(b, id);
	bput(b, "\" name=\"");
	xml_esc(b, dot ? dot + 1 : id);
	if (r->family == 6)
		bput(b, " (ipv6)");
	bput(b, "\" file=\"");
	xml_esc(b, r->c->file);
	bput(b, "\" time=\"%.6f\">", secs);
	switch (r->verdict) {
	case TC_V_PASS:
		break;
	case TC_V_FAIL:
		bput(b, "\n      <failure type=\"%s\" message=\"", tc_level_name(r->c->level));
		xml_esc(b, r->reason);
		bput(b, "\">");
		xml_esc(b, r->reason);
		bput(b, "</failure>\n    ");
		break;
	case TC_V_ERROR:
		bput(b, "\n      <error message=\"");
		xml_esc(b, r->reason);
		bput(b, "\"/>\n    ");
		break;
	case TC_V_XFAIL:
		bput(b, "\n      <skipped message=\"xfail: ");
		xml_esc(b, r->waiver ? r->waiver->reason : "");
		bput(b, " (");
		xml_esc(b, r->waiver ? r->waiver->ref : "");
		bput(b, ")\">");
		xml_esc(b, r->reason);
		bput(b, "</skipped>\n    ");
		break;
	default:
		bput(b, "\n      <skipped message=\"%s", r->verdict == TC_V_SKIP ? "" :
		     r->verdict == TC_V_INCONCLUSIVE ? "inconclusive: " : "not run: ");
		xml_esc(b, r->reason ? r->reason : "");
		bput(b, "\"/>\n    ");
	}
	bput(b, "</testcase>\n");
}

char *tc_report_junit(const struct tc_run_info *info, const struct tc_result *res, int n)
{
	struct buf b = { tc_xmalloc(4096), 0, 4096 };
	struct tc_summary s;
	double total = 0;
	int i;

	b.s[0] = '\0';
	tc_summarize(res, n, &s);
	/* the suite's time is the run's wall time: cases run side by side, so the sum of
	 * theirs is larger (it stands in when the wall time is unknown) */
	for (i = 0; i < n; i++)
		if (res[i].end_us > res[i].start_us)
			total += (double)(res[i].end_us - res[i].start_us) / 1e6;
	if (info->wall_s > 0)
		total = info->wall_s;
	bput(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	bput(&b, "<testsuites name=\"tcpconform\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.6f\">\n",
	     n, s.fail, s.error, s.skip + s.inconclusive + s.notrun + s.xfail, total);
	bput(&b, "  <testsuite name=\"tcpconform %s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.6f\" timestamp=\"",
	     info->mode, n, s.fail, s.error, s.skip + s.inconclusive + s.notrun + s.xfail, total);
	xml_esc(&b, info->started);
	bput(&b, "\">\n");
	for (i = 0; i < n; i++)
		one_case(&b, &res[i]);
	bput(&b, "  </testsuite>\n</testsuites>");
	return b.s;
}
