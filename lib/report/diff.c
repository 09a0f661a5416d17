/* report: the difference between two runs. */
#include "report/diff.h"

#include "util/util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? tc_xstrdup(s) : NULL;
}

/* parse - the report's root, checked: an object with schema_version 1.x and cases. */
static cJSON *parse(const char *text, const char *name, char *err, size_t errlen)
{
	cJSON *root = cJSON_Parse(text);
	const char *ver;

	if (!root) {
		tc_errf(err, errlen, "%s: not JSON (near byte %ld)", name,
			cJSON_GetErrorPtr() ? (long)(cJSON_GetErrorPtr() - text) : 0L);
		return NULL;
	}
	ver = str(root, "schema_version");
	if (!ver || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root, "cases"))) {
		tc_errf(err, errlen, "%s: not a tcpconform report (no schema_version or cases)", name);
		cJSON_Delete(root);
		return NULL;
	}
	if (strncmp(ver, "1.", 2)) {
		tc_errf(err, errlen, "%s: report format %s; this tcpconform reads 1.x", name, ver);
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

/* seg_text - a segment of a trace in case notation, relative numbers, no window. */
static void seg_text(const cJSON *t, char *buf, size_t len)
{
	const cJSON *rs = cJSON_GetObjectItemCaseSensitive(t, "rel_seq"), *ra = cJSON_GetObjectItemCaseSensitive(t, "rel_ack");
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(t, "len");
	double seq = cJSON_IsNumber(rs) ? rs->valuedouble : 0, n = cJSON_IsNumber(l) ? l->valuedouble : 0;
	const char *fl = str(t, "flags");
	size_t off = (size_t)snprintf(buf, len, "%s %.0f:%.0f(%.0f)", fl ? fl : "?", seq, seq + n, n);

	/* the window is left out: it moves with buffers and timing, and a case that judges
	 * it says so in its verdict */
	if (cJSON_IsNumber(ra) && off < len)
		snprintf(buf + off, len - off, " ack %.0f", ra->valuedouble);
}

/* incoming - the segments from the target in case @c's trace, as text, '\n'-joined. */
static char *incoming(const cJSON *c, int *n)
{
	const cJSON *tr = cJSON_GetObjectItemCaseSensitive(c, "trace"), *t;
	char *out = tc_xstrdup(""), one[200];
	size_t len = 0;

	*n = 0;
	cJSON_ArrayForEach(t, tr) {
		const char *dir = str(t, "dir");

		if (!dir || strcmp(dir, "in"))
			continue;
		seg_text(t, one, sizeof(one));
		out = tc_xrealloc(out, len + strlen(one) + 2);
		len += (size_t)sprintf(out + len, "%s\n", one);
		(*n)++;
	}
	return out;
}

/* line_at - line @i of @s (0-based), or "nothing" past its end, malloc'd. */
static char *line_at(const char *s, int i)
{
	for (; i > 0 && *s; i--)
		s = strchr(s, '\n') + 1;
	if (!*s)
		return tc_xstrdup("nothing");
	return tc_xstrndup(s, (size_t)(strchr(s, '\n') - s));
}

static const cJSON *find(const cJSON *cases, const char *id, const char *fam)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, cases) {
		const char *i = str(c, "id"), *f = str(c, "family");

		if (i && f && !strcmp(i, id) && !strcmp(f, fam))
			return c;
	}
	return NULL;
}

static int failed(const char *v)
{
	return v && !strcmp(v, "fail");
}

/* waiver_of - "FILE:LINE" of the waiver case @c names (malloc'd), or NULL. */
static char *waiver_of(const cJSON *c)
{
	const cJSON *w = c ? cJSON_GetObjectItemCaseSensitive(c, "waiver") : NULL;
	const cJSON *line = w ? cJSON_GetObjectItemCaseSensitive(w, "line") : NULL;
	char buf[600];

	if (!w || !str(w, "file") || !cJSON_IsNumber(line))
		return NULL;
	snprintf(buf, sizeof(buf), "%s:%d", str(w, "file"), line->valueint);
	return tc_xstrdup(buf);
}

/* compare - the entry for case @ca (run A, may be NULL) and @cb (run B, may be NULL),
 * or nothing when they agree. */
static void compare(struct tc_diff *d, const cJSON *ca, const cJSON *cb)
{
	const cJSON *c = cb ? cb : ca;
	const char *va = ca ? str(ca, "verdict") : "absent", *vb = cb ? str(cb, "verdict") : "absent";
	const char *aa = ca ? str(ca, "alternative") : NULL, *ab = cb ? str(cb, "alternative") : NULL;
	struct tc_diff_entry *e;
	int na = 0, nb = 0, i = 0;
	char *sa = ca ? incoming(ca, &na) : tc_xstrdup(""), *sb = cb ? incoming(cb, &nb) : tc_xstrdup("");
	if (va && vb && !strcmp(va, vb) && !strcmp(aa ? aa : "", ab ? ab : "") && !strcmp(sa, sb)) {
		free(sa);
		free(sb);
		return;
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->e = tc_xrealloc(d->e, (size_t)d->cap * sizeof(*d->e));
	}
	e = &d->e[d->n++];
	memset(e, 0, sizeof(*e));
	e->id = dup_or_null(str(c, "id"));
	e->family = dup_or_null(str(c, "family"));
	e->level = dup_or_null(str(c, "level"));
	e->verdict[0] = tc_xstrdup(va ? va : "?");
	e->verdict[1] = tc_xstrdup(vb ? vb : "?");
	e->alternative[0] = dup_or_null(aa && *aa ? aa : NULL);
	e->alternative[1] = dup_or_null(ab && *ab ? ab : NULL);
	e->nseg[0] = na;
	e->nseg[1] = nb;
	if (strcmp(sa, sb)) {                   /* the first segment that differs */
		while (1) {
			char *x = line_at(sa, i), *y = line_at(sb, i);

			if (strcmp(x, y)) {
				e->observed[0] = x;
				e->observed[1] = y;
				break;
			}
			free(x);
			free(y);
			i++;
		}
	}
	e->reason = dup_or_null(cb ? str(cb, "reason") : NULL);
	e->waiver[0] = waiver_of(ca);
	e->waiver[1] = waiver_of(cb);
	e->regression = failed(vb) && !failed(va);
	d->regressions += e->regression;
	free(sa);
	free(sb);
}

static void env_of(const cJSON *root, char **stack, char **version, int *n)
{
	const cJSON *env = cJSON_GetObjectItemCaseSensitive(root, "environment");

	*stack = dup_or_null(str(env, "stack"));
	*version = dup_or_null(str(env, "stack_version"));
	*n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "cases"));
}

int tc_diff_reports(const char *a, const char *na, const char *b, const char *nb, struct tc_diff *d,
		    char *err, size_t errlen)
{
	cJSON *ra, *rb;
	const cJSON *ca, *cb, *c;

	memset(d, 0, sizeof(*d));
	ra = parse(a, na, err, errlen);
	if (!ra)
		return -1;
	rb = parse(b, nb, err, errlen);
	if (!rb) {
		cJSON_Delete(ra);
		return -1;
	}
	ca = cJSON_GetObjectItemCaseSensitive(ra, "cases");
	cb = cJSON_GetObjectItemCaseSensitive(rb, "cases");
	env_of(ra, &d->stack[0], &d->version[0], &d->ncases[0]);
	env_of(rb, &d->stack[1], &d->version[1], &d->ncases[1]);
	cJSON_ArrayForEach(c, cb) {             /* B's cases, in B's order */
		const char *id = str(c, "id"), *fam = str(c, "family");

		if (id && fam)
			compare(d, find(ca, id, fam), c);
	}
	cJSON_ArrayForEach(c, ca) {             /* and those B lacks */
		const char *id = str(c, "id"), *fam = str(c, "family");

		if (id && fam && !find(cb, id, fam))
			compare(d, c, NULL);
	}
	cJSON_Delete(ra);
	cJSON_Delete(rb);
	return 0;
}

void tc_diff_text(FILE *f, const struct tc_diff *d)
{
	for (int i = 0; i < d->n; i++) {
		const struct tc_diff_entry *e = &d->e[i];

		fprintf(f, "%s%s%s: %s -> %s%s%s\n", e->regression ? "REGRESSION " : "", e->id,
			e->family && !strcmp(e->family, "ipv6") ? " [ipv6]" : "", e->verdict[0], e->verdict[1],
			e->level ? " " : "", e->level ? e->level : "");
		if (strcmp(e->alternative[0] ? e->alternative[0] : "", e->alternative[1] ? e->alternative[1] : ""))
			fprintf(f, "    alternative: %s -> %s\n", e->alternative[0] ? e->alternative[0] : "none",
				e->alternative[1] ? e->alternative[1] : "none");
		if (e->observed[0])
			fprintf(f, "    from the target: %s -> %s\n", e->observed[0], e->observed[1]);
		if (e->regression && e->reason)
			fprintf(f, "    %s\n", e->reason);
	}
	fprintf(f, "%d case run%s differ (%d of A, %d of B), %d regression%s%s%s%s%s\n", d->n, d->n == 1 ? "" : "s",
		d->ncases[0], d->ncases[1], d->regressions, d->regressions == 1 ? "" : "s",
		d->stack[0] && d->stack[1] && strcmp(d->stack[0], d->stack[1]) ? "; stacks " : "",
		d->stack[0] && d->stack[1] && strcmp(d->stack[0], d->stack[1]) ? d->stack[0] : "",
		d->stack[0] && d->stack[1] && strcmp(d->stack[0], d->stack[1]) ? " and " : "",
		d->stack[0] && d->stack[1] && strcmp(d->stack[0], d->stack[1]) ? d->stack[1] : "");
}

static cJSON *chk(cJSON *v)
{
	if (!v) {
		fprintf(stderr, "tcpconform: out of memory building JSON\n");
		abort();
	}
	return v;
}

static void add_pair(cJSON *o, const char *k, char *const v[2])
{
	cJSON *a = chk(cJSON_CreateArray());

	for (int i = 0; i < 2; i++)
		cJSON_AddItemToArray(a, v[i] ? chk(cJSON_CreateString(v[i])) : chk(cJSON_CreateNull()));
	cJSON_AddItemToObject(o, k, a);
}

char *tc_diff_json(const struct tc_diff *d)
{
	cJSON *root = chk(cJSON_CreateObject()), *cases = chk(cJSON_CreateArray());
	char *text;

	add_pair(root, "stacks", d->stack);
	chk(cJSON_AddNumberToObject(root, "regressions", d->regressions));
	for (int i = 0; i < d->n; i++) {
		const struct tc_diff_entry *e = &d->e[i];
		cJSON *o = chk(cJSON_CreateObject());

		chk(cJSON_AddStringToObject(o, "id", e->id ? e->id : ""));
		chk(cJSON_AddStringToObject(o, "family", e->family ? e->family : ""));
		if (e->level)
			chk(cJSON_AddStringToObject(o, "level", e->level));
		add_pair(o, "verdict", e->verdict);
		add_pair(o, "alternative", e->alternative);
		if (e->observed[0])
			add_pair(o, "observed", e->observed);
		chk(cJSON_AddBoolToObject(o, "regression", e->regression));
		if (e->reason)
			chk(cJSON_AddStringToObject(o, "reason", e->reason));
		if (e->waiver[0] || e->waiver[1])
			add_pair(o, "waiver", e->waiver);
		cJSON_AddItemToArray(cases, o);
	}
	cJSON_AddItemToObject(root, "cases", cases);
	text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text)
		chk(NULL);
	return text;
}

void tc_diff_free(struct tc_diff *d)
{
	for (int i = 0; i < d->n; i++) {
		struct tc_diff_entry *e = &d->e[i];

		free(e->id);
		free(e->family);
		free(e->level);
		free(e->reason);
		for (int k = 0; k < 2; k++) {
			free(e->verdict[k]);
			free(e->alternative[k]);
			free(e->observed[k]);
			free(e->waiver[k]);
		}
	}
	for (int k = 0; k < 2; k++) {
		free(d->stack[k]);
		free(d->version[k]);
	}
	free(d->e);
	memset(d, 0, sizeof(*d));
}
