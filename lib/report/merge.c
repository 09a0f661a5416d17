/* report: shards merged into one run (tcpconform merge). */
#include "report/merge.h"

#include "util/util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static cJSON *chk(cJSON *v)
{
	if (!v) {
		fprintf(stderr, "tcpconform: out of memory building JSON\n");
		abort();
	}
	return v;
}

/* shard_of - "I/N" of a report, in *i and *n; -1 when it is no shard. */
static int shard_of(const cJSON *root, int *i, int *n)
{
	const char *s = jstr(cJSON_GetObjectItemCaseSensitive(root, "run"), "shard");

	return s && sscanf(s, "%d/%d", i, n) == 2 && *i >= 1 && *i <= *n ? 0 : -1;
}

/* summarize - the summary of @cases, as report.json counts it. */
static cJSON *summarize(const cJSON *cases)
{
	static const char *const keys[] = { "pass", "fail", "skip", "inconclusive", "error", "notrun", "xfail" };
	int cnt[7] = { 0 }, waived_pass = 0, must = 0, should = 0, may = 0, lnx = 0;
	const cJSON *c;
	cJSON *sum = chk(cJSON_CreateObject());

	cJSON_ArrayForEach(c, cases) {
		const char *v = jstr(c, "verdict"), *l = jstr(c, "level");
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(c, "waiver");

		for (int k = 0; v && k < 7; k++)
			cnt[k] += !strcmp(v, keys[k]);
		if (v && !strcmp(v, "fail")) {
			must += same(l, "MUST");
			should += same(l, "SHOULD");
			may += same(l, "MAY");
			lnx += same(l, "LINUX");
		}
		waived_pass += v && !strcmp(v, "pass") && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(w, "unneeded"));
	}
	for (int k = 0; k < 7; k++)
		chk(cJSON_AddNumberToObject(sum, keys[k], cnt[k]));
	chk(cJSON_AddNumberToObject(sum, "waived_pass", waived_pass));
	chk(cJSON_AddNumberToObject(sum, "fail_must", must));
	chk(cJSON_AddNumberToObject(sum, "fail_should", should));
	chk(cJSON_AddNumberToObject(sum, "fail_may", may));
	chk(cJSON_AddNumberToObject(sum, "fail_linux", lnx));
	return sum;
}

/* merge_deviations - one list: the groups of the same summary are one, their counts
 * added and their cases joined. */
static void merge_deviations(cJSON *into, const cJSON *from)
{
	const cJSON *d;

	cJSON_ArrayForEach(d, from) {
		cJSON *m = NULL, *x;

		cJSON_ArrayForEach(x, into)
			if (same(jstr(x, "summary"), jstr(d, "summary")))
				m = x;
		if (!m) {
			cJSON_AddItemToArray(into, chk(cJSON_Duplicate(d, 1)));
			continue;
		}
		for (const char *const *k = (const char *const[]){ "count", "fail", "xfail", NULL }; *k; k++) {
			cJSON *a = cJSON_GetObjectItemCaseSensitive(m, *k);
			const cJSON *b = cJSON_GetObjectItemCaseSensitive(d, *k);

			if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
				cJSON_SetNumberValue(a, a->valuedouble + b->valuedouble);
		}
		{
			cJSON *mc = cJSON_GetObjectItemCaseSensitive(m, "cases");
			const cJSON *id, *have;

			cJSON_ArrayForEach(id, cJSON_GetObjectItemCaseSensitive(d, "cases")) {
				int dup = 0;

				cJSON_ArrayForEach(have, mc)
					dup |= cJSON_IsString(have) && cJSON_IsString(id) && !strcmp(have->valuestring, id->valuestring);
				if (!dup && mc)
					cJSON_AddItemToArray(mc, chk(cJSON_Duplicate(id, 1)));
			}
		}
	}
}

char *tc_merge_reports(char *const *texts, char *const *names, int n, char *err, size_t errlen)
{
	cJSON **r = tc_xcalloc((size_t)n, sizeof(*r)), *out = NULL, *cases, *dev, *fnd;
	int *order = tc_xcalloc(1001, sizeof(*order)), total = 0, complete = 1;      /* N <= 1000 */
	const char *started = NULL, *finished = NULL;
	char *text = NULL;

	for (int k = 0; k < n; k++) {
		int i, m;

		r[k] = cJSON_Parse(texts[k]);
		if (!r[k] || !jstr(r[k], "schema_version") || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(r[k], "cases"))) {
			tc_errf(err, errlen, "%s: not a tcpconform report", names[k]);
			goto out;
		}
		if (shard_of(r[k], &i, &m) < 0 || m > 1000) {
			tc_errf(err, errlen, "%s: not a shard (run with --shard I/N)", names[k]);
			goto out;
		}
		if (!total)
			total = m;
		if (m != total) {
			tc_errf(err, errlen, "%s is shard %d/%d, %s one of %d", names[k], i, m, names[0], total);
			goto out;
		}
		if (!same(jstr(cJSON_GetObjectItemCaseSensitive(r[k], "tool"), "version"),
			  jstr(cJSON_GetObjectItemCaseSensitive(r[0], "tool"), "version"))) {
			tc_errf(err, errlen, "%s was written by tcpconform %s, %s by %s: shards of one version only",
				names[k], jstr(cJSON_GetObjectItemCaseSensitive(r[k], "tool"), "version"), names[0],
				jstr(cJSON_GetObjectItemCaseSensitive(r[0], "tool"), "version"));
			goto out;
		}
		if (!same(jstr(cJSON_GetObjectItemCaseSensitive(r[k], "run"), "selection"),
			  jstr(cJSON_GetObjectItemCaseSensitive(r[0], "run"), "selection"))) {
			tc_errf(err, errlen, "%s and %s are shards of different selections (%s | %s)", names[0], names[k],
				jstr(cJSON_GetObjectItemCaseSensitive(r[0], "run"), "selection"),
				jstr(cJSON_GetObjectItemCaseSensitive(r[k], "run"), "selection"));
			goto out;
		}
		if (i > 1000 || order[i - 1]) {
			tc_errf(err, errlen, "%s: shard %d/%d is given twice", names[k], i, m);
			goto out;
		}
		order[i - 1] = k + 1;
	}
	for (int i = 0; i < total; i++)
		if (!order[i]) {
			tc_errf(err, errlen, "shard %d/%d is missing (%d of %d given)", i + 1, total, n, total);
			goto out;
		}
	out = chk(cJSON_Duplicate(r[order[0] - 1], 1));
	cases = chk(cJSON_CreateArray());
	dev = chk(cJSON_CreateArray());
	fnd = chk(cJSON_CreateArray());
	for (int i = 0; i < total; i++) {
		const cJSON *root = r[order[i] - 1], *c;
		const char *s = jstr(root, "started"), *f = jstr(root, "finished");

		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(root, "cases"))
			cJSON_AddItemToArray(cases, chk(cJSON_Duplicate(c, 1)));
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(root, "findings"))
			cJSON_AddItemToArray(fnd, chk(cJSON_Duplicate(c, 1)));
		merge_deviations(dev, cJSON_GetObjectItemCaseSensitive(root, "deviations"));
		complete &= cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "complete"));
		if (s && (!started || strcmp(s, started) < 0))
			started = s;
		if (f && (!finished || strcmp(f, finished) > 0))
			finished = f;
	}
	cJSON_ReplaceItemInObjectCaseSensitive(out, "summary", summarize(cases));
	cJSON_ReplaceItemInObjectCaseSensitive(out, "cases", cases);
	cJSON_ReplaceItemInObjectCaseSensitive(out, "deviations", dev);
	cJSON_ReplaceItemInObjectCaseSensitive(out, "findings", fnd);
	cJSON_ReplaceItemInObjectCaseSensitive(out, "complete", chk(cJSON_CreateBool(complete)));
	if (started)
		cJSON_ReplaceItemInObjectCaseSensitive(out, "started", chk(cJSON_CreateString(started)));
	if (finished)
		cJSON_ReplaceItemInObjectCaseSensitive(out, "finished", chk(cJSON_CreateString(finished)));
	cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(out, "run"), "shard");
	text = cJSON_Print(out);
	if (!text)
		chk(NULL);
out:
	for (int k = 0; k < n; k++)
		cJSON_Delete(r[k]);
	cJSON_Delete(out);
	free(r);
	free(order);
	return text;
}
