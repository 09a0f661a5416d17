/* report: writing report.json and report.html case by case. A case's object is made,
 * written to both and freed before the next: a run of any length holds one case's
 * JSON, never either document whole. */
#include "report/html.h"
#include "report/jsonparts.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *print(const cJSON *o)
{
	char *t = cJSON_Print(o);

	if (!t) {
		fprintf(stderr, "tcpconform: out of memory printing JSON\n");
		abort();
	}
	return t;
}

/* put_indented - @text with @tabs tabs after each of its line breaks (cJSON breaks
 * lines only between members: a break inside a string is written \n). */
static void put_indented(FILE *f, const char *text, int tabs)
{
	const char *p;

	while ((p = strchr(text, '\n'))) {
		fwrite(text, 1, (size_t)(p - text + 1), f);
		for (int i = 0; i < tabs; i++)
			fputc('\t', f);
		text = p + 1;
	}
	fputs(text, f);
}

static void flush_html(FILE *h, struct tc_sbuf *b)
{
	fwrite(b->s, 1, b->len, h);
	b->len = 0;
	b->s[0] = '\0';
}

/* stream - the report into @f as cJSON_Print prints the whole document, and its page
 * into @h when not NULL. */
static void stream(FILE *f, FILE *h, const struct tc_run_info *info, const struct tc_result *res, int n,
		   const struct tc_sched_stats *st)
{
	cJSON *root = tc_json_root(info, res, n, st);
	char *head = print(root), *cut = strrchr(head, '[');
	struct tc_sbuf b = { tc_xmalloc(1 << 16), 0, 1 << 16 };

	if (!cut || cut[1] != ']')      /* "cases": [] closes the document */
		abort();
	b.s[0] = '\0';
	fwrite(head, 1, (size_t)(cut - head + 1), f);
	if (h) {
		tc_html_head(&b, root);
		flush_html(h, &b);
	}
	cJSON_Delete(root);
	for (int i = 0; i < n; i++) {
		cJSON *c = tc_json_case(&res[i]);
		char *t = print(c);

		if (i)
			fputs(", ", f);
		put_indented(f, t, 2);  /* an element of "cases": two levels in */
		free(t);
		if (h) {
			tc_html_case(&b, c);
			flush_html(h, &b);
		}
		cJSON_Delete(c);
	}
	fputs(cut + 1, f);
	if (h) {
		tc_html_tail(&b);
		flush_html(h, &b);
	}
	free(b.s);
	free(head);
}

char *tc_report_json(const struct tc_run_info *info, const struct tc_result *res, int n,
		     const struct tc_sched_stats *st)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		abort();
	stream(f, NULL, info, res, n, st);
	if (fclose(f))
		abort();
	return text;
}

/* finish - flush @f to disk and put it in place of @path; 0, or -1 with @err (the
 * temporary file removed). */
static int finish(FILE *f, const char *tmp, const char *path, char *err, size_t errlen)
{
	int bad, e = 0;

	errno = 0;
	bad = ferror(f) || fflush(f) || fsync(fileno(f));
	e = errno;
	bad = fclose(f) || bad;
	if (!e)
		e = errno;
	if (!bad && rename(tmp, path))
		bad = 2, e = errno;
	if (bad) {
		tc_errf(err, errlen, "%s: %s", bad == 2 ? path : tmp, strerror(e ? e : EIO));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int tc_report_write(const char *json_path, const char *html_path, const struct tc_run_info *info,
		    const struct tc_result *res, int n, const struct tc_sched_stats *st, char *err, size_t errlen)
{
	char tj[4096], th[4096];
	FILE *f, *h = NULL;
	int rc;

	snprintf(tj, sizeof(tj), "%s.tmp", json_path);
	f = fopen(tj, "wb");
	if (!f)
		return tc_errf(err, errlen, "%s: %s", tj, strerror(errno));
	if (html_path) {
		snprintf(th, sizeof(th), "%s.tmp", html_path);
		h = fopen(th, "wb");
		if (!h) {
			tc_errf(err, errlen, "%s: %s", th, strerror(errno));
			fclose(f);
			unlink(tj);
			return -1;
		}
	}
	stream(f, h, info, res, n, st);
	fputc('\n', f);
	if (h)
		fputc('\n', h);        /* as tc_write_file_atomic ends a text */
	rc = finish(f, tj, json_path, err, errlen);
	if (h && rc == 0)
		rc = finish(h, th, html_path, err, errlen);
	else if (h) {
		fclose(h);
		unlink(th);
	}
	return rc;
}

int tc_write_file_atomic(const char *path, const char *text, char *err, size_t errlen)
{
	char tmp[4096];
	FILE *f;
	size_t len = strlen(text);

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f)
		return tc_errf(err, errlen, "%s: %s", tmp, strerror(errno));
	fwrite(text, 1, len, f);
	fputc('\n', f);
	return finish(f, tmp, path, err, errlen);
}
