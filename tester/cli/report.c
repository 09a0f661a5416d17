/* cli: tcpconform report RUN-DIR: report.html again from the run's report.json (no
 * root; a run of an older tool is read as long as its report format is 1.x). */
#include "cli.h"

#include "report/html.h"
#include "report/report.h"
#include "util/util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_report(int argc, char **argv)
{
	char path[PATH_MAX + 32], err[TC_ERRLEN], *text, *html;
	const char *ver;
	cJSON *root;
	int rc;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage_error("report takes one run directory: tcpconform report RUN-DIR");
	snprintf(path, sizeof(path), "%s/report.json", argv[1]);
	text = tc_read_file(path, NULL);
	if (!text) {
		fprintf(stderr, "tcpconform: %s: %s\n", path, strerror(errno));
		return TC_EXIT_USAGE;
	}
	root = cJSON_Parse(text);
	ver = root ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "schema_version")) : NULL;
	if (!ver || strncmp(ver, "1.", 2)) {
		fprintf(stderr, "tcpconform: %s: %s\n", path, !root ? "not JSON" : !ver ? "not a tcpconform report"
			: "a report format this tcpconform does not read (it reads 1.x)");
		cJSON_Delete(root);
		free(text);
		return TC_EXIT_USAGE;
	}
	cJSON_Delete(root);
	html = tc_report_html(text, err, sizeof(err));
	free(text);
	if (!html) {
		fprintf(stderr, "tcpconform: %s: %s\n", path, err);
		return TC_EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "%s/report.html", argv[1]);
	rc = tc_write_file_atomic(path, html, err, sizeof(err));
	free(html);
	if (rc < 0) {
		fprintf(stderr, "tcpconform: %s\n", err);
		return TC_EXIT_USAGE;
	}
	printf("%s\n", path);
	return TC_EXIT_OK;
}
