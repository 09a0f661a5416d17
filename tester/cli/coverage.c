/* cli: tcpconform coverage - which cases check each requirement of RFC 9293
 * Appendix B, and why the others cannot be checked on the wire. */
#include "cli.h"

#include "case/case.h"
#include "case/matrix.h"
#include "util/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct req {
	char id[12], section[16], kind[8];
	char *text;
	const struct tc_case **cases;
	int ncases;
	size_t cap;
};

static int load_ids(const char *path, struct req **out, int *n)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	size_t cap = 0;
	int lineno = 0;

	if (!f) {
		fprintf(stderr, "tcpconform: %s: cannot read the list of requirement ids\n", path);
		return -1;
	}
	*n = 0;
	while (fgets(line, sizeof(line), f)) {
		char *id, *sec, *kind, *text, *save = NULL;
		struct req *r;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = '\0';
		id = strtok_r(line, "\t", &save);
		sec = strtok_r(NULL, "\t", &save);
		kind = strtok_r(NULL, "\t", &save);
		text = strtok_r(NULL, "", &save);
		if (!id || !sec || !kind || !text) {
			fprintf(stderr, "%s:%d:1: expected id, section, kind and text separated by tabs\n", path, lineno);
			fclose(f);
			return -1;
		}
		tc_grow(out, sizeof(**out), (size_t)*n, &cap);
		r = &(*out)[(*n)++];
		memset(r, 0, sizeof(*r));
		snprintf(r->id, sizeof(r->id), "%s", id);
		snprintf(r->section, sizeof(r->section), "%s", sec);
		snprintf(r->kind, sizeof(r->kind), "%s", kind);
		r->text = tc_xstrdup(text);
	}
	fclose(f);
	return 0;
}

/* cites - does @c's @rfc name requirement @id of RFC 9293? An id counts wherever it
 * stands in an entry of RFC 9293 ("RFC9293 MUST-58", "RFC9293 3.6.1 (MAY-1: ...)"),
 * also in the entries that follow it up to the next RFC ("...; SHLD-3: ..."), and a
 * range "SHLD-15..17" names each id in it. */
static int cites(const struct tc_case *c, const char *id)
{
	const char *dash = strchr(id, '-');
	size_t pl = dash ? (size_t)(dash - id) : 0;
	unsigned long want = dash ? strtoul(dash + 1, NULL, 10) : 0;
	int i, in9293 = 0;

	if (!dash)
		return 0;
	for (i = 0; i < c->nrfc; i++) {
		const char *p = c->rfc[i];

		while (*p == ' ')
			p++;
		if (!strncmp(p, "RFC", 3))
			in9293 = !strncmp(p, "RFC9293", 7) || !strncmp(p, "RFC 9293", 8);
		if (!in9293)
			continue;
		for (const char *r = p; (r = strchr(r, '-')) != NULL; r++) {  /* each PREFIX-N[..M] */
			const char *start = r;
			unsigned long lo, hi;
			char *end;

			while (start > p && start[-1] >= 'A' && start[-1] <= 'Z')
				start--;
			if ((size_t)(r - start) != pl || strncmp(start, id, pl) || !isdigit((unsigned char)r[1]) ||
			    (start > p && (isalnum((unsigned char)start[-1]) || start[-1] == '-')))
				continue;
			lo = hi = strtoul(r + 1, &end, 10);
			if (end[0] == '.' && end[1] == '.' && isdigit((unsigned char)end[2]))
				hi = strtoul(end + 2, &end, 10);
			if (!isalnum((unsigned char)*end) && want >= lo && want <= hi)
				return 1;
		}
	}
	return 0;
}

int cli_coverage(int argc, char **argv)
{
	struct tc_caseset set = { 0 };
	struct req *reqs = NULL;
	char path[4096];
	const char *dir = NULL;
	int i, n = 0, wire = 0, covered = 0, verbose = 0, check = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--cases") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
			verbose = 1;
		else if (!strcmp(argv[i], "--check"))
			check = 1;
		else
			return cli_usage_error("usage: tcpconform coverage [--cases DIR] [-v] [--check]");
	}
	snprintf(path, sizeof(path), "%s/coverage/rfc9293.ids", cli_cases_dir(dir));
	if (dir && access(path, R_OK) != 0)     /* your own cases, measured against the shipped list */
		snprintf(path, sizeof(path), "%s/coverage/rfc9293.ids", cli_cases_dir(NULL));
	if (load_ids(path, &reqs, &n) < 0)
		return TC_EXIT_USAGE;
	if (cli_load_cases(&set, dir, 1, 0))
		return TC_EXIT_USAGE;
	for (i = 0; i < n; i++)
		for (size_t k = 0; k < set.n; k++)
			if (cites(set.v[k], reqs[i].id)) {
				tc_grow(&reqs[i].cases, sizeof(*reqs[i].cases), (size_t)reqs[i].ncases, &reqs[i].cap);
				reqs[i].cases[reqs[i].ncases++] = set.v[k];
			}
	printf("%-8s %-9s %-6s %5s  %s\n", "id", "section", "kind", "cases", "cases (or why none can be written)");
	for (i = 0; i < n; i++) {
		struct req *r = &reqs[i];
		int w = !strcmp(r->kind, "wire");

		wire += w;
		covered += w && r->ncases;
		printf("%-8s %-9s %-6s %5d  ", r->id, r->section, r->kind, r->ncases);
		if (!w)
			printf("%s\n", r->text);
		else if (!r->ncases)
			printf("NOT COVERED: %s\n", r->text);
		else {
			int k, shown = verbose ? r->ncases : TC_MIN(r->ncases, 3);

			for (k = 0; k < shown; k++)
				printf("%s%s", k ? ", " : "", r->cases[k]->id);
			printf("%s\n", r->ncases > shown ? ", ..." : "");
		}
	}
	printf("\n%d ids: %d observable on the wire, %d of them covered; %d local to the host "
	       "(listed with the reason)\n", n, wire, covered, n - wire);
	for (i = 0; i < n; i++) {
		free(reqs[i].text);
		free(reqs[i].cases);
	}
	free(reqs);
	tc_caseset_free(&set);
	return check && covered < wire ? TC_EXIT_FAIL : TC_EXIT_OK;
}
