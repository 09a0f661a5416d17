/* cli: list and cleanup. */
#include "cli.h"

#include "case/case.h"
#include "env/netns.h"
#include "util/util.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void print_error(void *arg, const char *msg)
{
	fprintf(stderr, "%s\n", msg);
}

int cli_list(int argc, char **argv)
{
	struct tc_caseset set = { 0 };
	char err[TC_ERRLEN];
	const char *dir = NULL;
	int i, nglob = 0, shown = 0;
	char **globs = argv + 1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--cases")) {
			if (++i >= argc)
				return cli_usage_error("--cases needs a directory");
			dir = argv[i];
		} else if (argv[i][0] == '-') {
			return cli_usage_error("unknown option '%s' for list (expected --cases DIR)", argv[i]);
		} else {
			globs[nglob++] = argv[i];
		}
	}
	if (tc_caseset_load_dir(&set, cli_cases_dir(dir), print_error, NULL, err, sizeof(err)) < 0) {
		if (!set.n)
			fprintf(stderr, "%s\n", err);
		tc_caseset_free(&set);
		return TC_EXIT_USAGE;
	}
	for (size_t k = 0; k < set.n; k++) {
		const struct tc_case *c = set.v[k];

		if (!tc_case_selected(c, globs, nglob))
			continue;
		printf("%-48s %-6s %s\n", c->id, tc_level_name(c->level), c->title);
		shown++;
	}
	tc_caseset_free(&set);
	if (nglob && !shown) {
		fprintf(stderr, "tcpconform: no case matches");
		for (i = 0; i < nglob; i++)
			fprintf(stderr, " '%s'", globs[i]);
		fprintf(stderr, "\n");
		return TC_EXIT_USAGE;
	}
	return TC_EXIT_OK;
}

int cli_cleanup(int argc, char **argv)
{
	char err[TC_ERRLEN];
	int n;

	if (argc > 1)
		return cli_usage_error("cleanup takes no arguments");
	if (geteuid() != 0) {
		fprintf(stderr, "tcpconform: cleanup needs root\n");
		return TC_EXIT_USAGE;
	}
	n = tc_netns_cleanup_stale(err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "tcpconform: %s\n", err);
		return TC_EXIT_USAGE;
	}
	printf("removed %d stale namespace%s\n", n, n == 1 ? "" : "s");
	return TC_EXIT_OK;
}
