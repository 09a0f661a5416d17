/* case: waiver files. */
#include "case/waiver.h"
#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int section(struct tc_waivers *w, const char *path, int line, char *s, char *err, size_t errlen)
{
	char *end = strchr(s, ']');
	struct tc_waiver *x;

	if (!end || tc_trim(end + 1)[0])
		return tc_errf(err, errlen, "%s:%d:1: a section is [case-id or glob]", path, line);
	*end = '\0';
	s = tc_trim(s + 1);
	if (!*s)
		return tc_errf(err, errlen, "%s:%d:2: an empty section name", path, line);
	tc_grow(&w->v, sizeof(*w->v), w->n, &w->cap);
	x = &w->v[w->n++];
	memset(x, 0, sizeof(*x));
	x->glob = tc_xstrdup(s);
	x->file = tc_xstrdup(path);
	x->line = line;
	return 0;
}

static int keyval(struct tc_waiver *x, const char *path, int line, char *s, char *err, size_t errlen)
{
	char *eq = strchr(s, '='), *k, *v, **dst;

	if (!eq)
		return tc_errf(err, errlen, "%s:%d:1: expected key = value (reason, ref, match, family, service, kernels, varies)", path, line);
	*eq = '\0';
	k = tc_trim(s);
	v = tc_trim(eq + 1);
	if (!strcmp(k, "family")) {
		if (x->family)
			return tc_errf(err, errlen, "%s:%d:1: family given twice", path, line);
		if (strcmp(v, "4") && strcmp(v, "6"))
			return tc_errf(err, errlen, "%s:%d:%d: family is 4 or 6", path, line, (int)(v - s) + 1);
		x->family = v[0] - '0';
		return 0;
	}
	if (!strcmp(k, "service")) {
		static const char *const kinds[] = { "listen", "discard", "echo", "http", "banner" };
		const char *w = v;
		size_t n, i;

		if (x->service)
			return tc_errf(err, errlen, "%s:%d:1: service given twice", path, line);
		for (; *w; w += n + strspn(w + n, " \t")) {        /* blank-separated kinds */
			n = strcspn(w, " \t");
			for (i = 0; i < TC_ARRAY_LEN(kinds) && (strlen(kinds[i]) != n || strncmp(w, kinds[i], n)); i++)
				;
			if (i == TC_ARRAY_LEN(kinds))
				return tc_errf(err, errlen, "%s:%d:%d: service is listen, discard, echo, http or banner "
					       "(one or more)", path, line, (int)(w - s) + 1);
		}
		x->service = tc_xstrdup(v);
		return 0;
	}
	if (!strcmp(k, "kernels")) {
		if (x->kernels)
			return tc_errf(err, errlen, "%s:%d:1: kernels given twice", path, line);
		if (!*v || strspn(v, "0123456789.+ \t") != strlen(v) || strstr(v, "++") || *v == '+' ||
		    strstr(v, " +") || strstr(v, "\t+"))
			return tc_errf(err, errlen, "%s:%d:%d: kernels is one or more Linux versions (6.1 6.12), or a "
				       "version and later (6.5+), blank-separated", path, line, (int)(v - s) + 1);
		x->kernels = tc_xstrdup(v);
		return 0;
	}
	if (!strcmp(k, "varies")) {
		if (x->varies)
			return tc_errf(err, errlen, "%s:%d:1: varies given twice", path, line);
		if (strcmp(v, "yes"))
			return tc_errf(err, errlen, "%s:%d:%d: varies is yes (or absent)", path, line, (int)(v - s) + 1);
		x->varies = 1;
		return 0;
	}
	dst = !strcmp(k, "reason") ? &x->reason : !strcmp(k, "ref") ? &x->ref : !strcmp(k, "match") ? &x->match : NULL;
	if (!dst)
		return tc_errf(err, errlen, "%s:%d:1: unknown key '%s' (reason, ref, match, family, service, kernels, varies)", path, line, k);
	if (*dst)
		return tc_errf(err, errlen, "%s:%d:1: '%s' given twice", path, line, k);
	if (!*v)
		return tc_errf(err, errlen, "%s:%d:%d: '%s' needs a value", path, line, (int)(eq - s) + 2, k);
	*dst = tc_xstrdup(v);
	return 0;
}

static int check_last(struct tc_waivers *w, size_t from, char *err, size_t errlen)
{
	size_t i;

	for (i = from; i < w->n; i++)
		if (!w->v[i].reason || !w->v[i].ref)
			return tc_errf(err, errlen, "%s:%d:1: waiver [%s] needs a reason and a ref", w->v[i].file,
				       w->v[i].line, w->v[i].glob);
	return 0;
}

int tc_waivers_load(struct tc_waivers *w, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char buf[1024];
	size_t from = w->n;
	int line = 0, rc = 0;

	if (!f)
		return tc_errf(err, errlen, "%s: %s", path, strerror(errno));
	while (rc == 0 && fgets(buf, sizeof(buf), f)) {
		char *s = tc_trim(buf);

		line++;
		if (!*s || *s == '#')
			continue;
		if (*s == '[')
			rc = section(w, path, line, s, err, errlen);
		else if (w->n == from)
			rc = tc_errf(err, errlen, "%s:%d:1: a key before the first [section]", path, line);
		else
			rc = keyval(&w->v[w->n - 1], path, line, s, err, errlen);
	}
	fclose(f);
	return rc < 0 ? -1 : check_last(w, from, err, errlen);
}

void tc_waivers_free(struct tc_waivers *w)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		free(w->v[i].glob);
		free(w->v[i].reason);
		free(w->v[i].ref);
		free(w->v[i].match);
		free(w->v[i].service);
		free(w->v[i].kernels);
		free(w->v[i].file);
	}
	free(w->v);
	memset(w, 0, sizeof(*w));
}

/* names - does one of the blank-separated globs of @list match @id? */
static int names(const char *list, const char *id)
{
	char one[256];
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, " \t");

		if (n && n < sizeof(one)) {
			memcpy(one, p, n);
			one[n] = '\0';
			if (!fnmatch(one, id, 0))
				return 1;
		}
		p += n;
		p += strspn(p, " \t");
	}
	return 0;
}

/* has_word - is @w one of the blank-separated words of @list? */
static int has_word(const char *list, const char *w)
{
	size_t n = strlen(w);
	const char *p;

	for (p = list; (p = strstr(p, w)); p += n)
		if ((p == list || p[-1] == ' ' || p[-1] == '\t') && (!p[n] || p[n] == ' ' || p[n] == '\t'))
			return 1;
	return 0;
}

/* version_cmp - @a against @b, each "MAJOR.MINOR..." (the first two numbers count). */
static int version_cmp(const char *a, const char *b)
{
	unsigned a1 = 0, a2 = 0, b1 = 0, b2 = 0;

	sscanf(a, "%u.%u", &a1, &a2);
	sscanf(b, "%u.%u", &b1, &b2);
	return a1 != b1 ? (a1 > b1) - (a1 < b1) : (a2 > b2) - (a2 < b2);
}

int tc_kernel_fits(const char *versions, const char *release)
{
	const char *p = versions;

	while (release && *p) {
		size_t n = strcspn(p, " \t");
		char c = release[n];

		if (n > 1 && p[n - 1] == '+') {         /* "6.5+": that version and later */
			if (version_cmp(release, p) >= 0)
				return 1;
		} else if (n && !strncmp(release, p, n) && (c == '\0' || c == '.' || c == '-' || c == '+')) {
			return 1;
		}
		p += n;
		p += strspn(p, " \t");
	}
	return 0;
}

struct tc_waiver *tc_waiver_find(struct tc_waivers *w, const char *id, int family, const char *service,
				 const char *reason)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		struct tc_waiver *x = &w->v[i];

		if (!names(x->glob, id) || (x->family && x->family != family))
			continue;
		if (x->service && (!service || !has_word(x->service, service)))
			continue;
		if (x->kernels && !tc_kernel_fits(x->kernels, w->kernel))
			continue;
		if (reason && x->match && !strstr(reason, x->match))
			continue;
		return x;
	}
	return NULL;
}
