/* cli: tcpconform diff A B: what changed between two runs (run directories or
 * report.json files). Exit 1 when B fails a case that A did not fail (a CI gate), 0
 * otherwise, 2 on bad input. */
#include "cli.h"

#include "report/diff.h"
#include "util/util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* load - the report of @arg: the file itself, or DIR/report.json. NULL (printed). */
static char *load(const char *arg, char *path, size_t plen)
{
	struct stat st;
	char *text;
	size_t n;

	if (stat(arg, &st) < 0) {
		fprintf(stderr, "tcpconform: %s: %s\n", arg, strerror(errno));
		return NULL;
	}
	snprintf(path, plen, S_ISDIR(st.st_mode) ? "%s/report.json" : "%s", arg);
	if (S_ISDIR(st.st_mode) && stat(path, &st) < 0) {
		char mx[PATH_MAX + 16];

		snprintf(mx, sizeof(mx), "%s/matrix.json", arg);
		if (stat(mx, &st) == 0)
			fprintf(stderr, "tcpconform: %s is a run of several stacks: compare two of its stack "
				"directories (%s/lwip, ...)\n", arg, arg);
		else
			fprintf(stderr, "tcpconform: %s has no report.json: give a run directory or a report.json\n", arg);
		return NULL;
	}
	text = tc_read_file(path, &n);
	if (!text)
		fprintf(stderr, "tcpconform: %s: %s\n", path, strerror(errno));
	return text;
}

int cli_diff(int argc, char **argv)
{
	const char *in[2] = { NULL, NULL };
	char path[2][PATH_MAX + 16], err[TC_ERRLEN], *text[2] = { NULL, NULL };
	struct tc_diff d;
	int json = 0, n = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error("unknown option '%s' for diff (see --help)", argv[i]);
		else if (n < 2)
			in[n++] = argv[i];
		else
			return cli_usage_error("diff takes two runs: A B (run directories or report.json files)");
	}
	if (n != 2)
		return cli_usage_error("diff takes two runs: A B (run directories or report.json files)");
	for (int k = 0; k < 2; k++)
		if (!(text[k] = load(in[k], path[k], sizeof(path[k])))) {
			free(text[0]);
			return TC_EXIT_USAGE;
		}
	rc = tc_diff_reports(text[0], path[0], text[1], path[1], &d, err, sizeof(err));
	free(text[0]);
	free(text[1]);
	if (rc < 0) {
		fprintf(stderr, "tcpconform: %s\n", err);
		return TC_EXIT_USAGE;
	}
	if (json) {
		char *j = tc_diff_json(&d);

		printf("%s\n", j);
		free(j);
	} else {
		tc_diff_text(stdout, &d);
	}
	rc = d.regressions ? TC_EXIT_FAIL : TC_EXIT_OK;
	tc_diff_free(&d);
	return rc;
}
