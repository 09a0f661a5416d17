/* cli: list and cleanup. */
#include "cli.h"
#include "env/vm.h"

#include "case/case.h"
#include "case/matrix.h"
#include "env/netns.h"
#include "env/remote.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


int cli_list(int argc, char **argv)
{
	struct tc_caseset set = { 0 };
	const char *dir = NULL;
	int i, nglob = 0, shown = 0, no_matrix = 0, matrix = 0;
	char **globs = argv + 1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--cases")) {
			if (++i >= argc)
				return cli_usage_error("--cases needs a directory");
			dir = argv[i];
		} else if (!strcmp(argv[i], "--no-matrix")) {
			no_matrix = 1;
		} else if (!strcmp(argv[i], "--matrix")) {
			matrix = 1;
		} else if (argv[i][0] == '-') {
			return cli_usage_error("unknown option '%s' for list (expected --cases DIR, --matrix, --no-matrix)", argv[i]);
		} else {
			globs[nglob++] = argv[i];
		}
	}
	if (!matrix && (no_matrix || dir))
		no_matrix = 1;
	if (cli_load_cases(&set, dir, !no_matrix, 0)) {
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

/* cli_show - the source of a case: its file, or the text the matrix generates. */
int cli_show(int argc, char **argv)
{
	struct tc_caseset set = { 0 };
	const char *dir = NULL, *id = NULL;
	int i, n;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--cases") && i + 1 < argc)
			dir = argv[++i];
		else if (argv[i][0] == '-' || id)
			return cli_usage_error("usage: tcpconform show [--cases DIR] CASE-ID");
		else
			id = argv[i];
	}
	if (!id)
		return cli_usage_error("usage: tcpconform show [--cases DIR] CASE-ID");
	n = tc_matrix_count();
	for (i = 0; i < n; i++) {
		char mid[96], *text = tc_matrix_text(i, mid, sizeof(mid));

		if (!strcmp(mid, id)) {
			fputs(text, stdout);
			free(text);
			return TC_EXIT_OK;
		}
		free(text);
	}
	if (cli_load_cases(&set, dir, 0, 1))
		return TC_EXIT_USAGE;
	for (size_t k = 0; k < set.n; k++) {
		if (strcmp(set.v[k]->id, id))
			continue;
		{
			FILE *f = fopen(set.v[k]->file, "r");
			char line[1024];

			while (f && fgets(line, sizeof(line), f))
				fputs(line, stdout);
			if (f)
				fclose(f);
		}
		tc_caseset_free(&set);
		return TC_EXIT_OK;
	}
	tc_caseset_free(&set);
	fprintf(stderr, "tcpconform: no case has the id '%s' (tcpconform list shows them)\n", id);
	return TC_EXIT_USAGE;
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
	n = tc_vm_cleanup_stale();
	printf("removed %d stale virtual machine folder%s\n", n, n == 1 ? "" : "s");
	n = tc_remote_cleanup_stale(err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "tcpconform: %s\n", err);
		return TC_EXIT_USAGE;
	}
	printf("removed %d stale nftables table%s\n", n, n == 1 ? "" : "s");
	return TC_EXIT_OK;
}
