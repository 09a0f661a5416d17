/* cli: tcpconform merge [-o DIR] RUN-DIR...: the shards of one run (--shard I/N, on
 * several machines) as one run directory: report.json, junit.xml and the pcaps. */
#include "cli.h"

#include "report/html.h"
#include "report/merge.h"
#include "report/report.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* copy_pcaps - every file of SHARD/pcap into OUT/pcap. 0 or -1 (printed). */
static int copy_pcaps(const char *shard, const char *out)
{
	char from[PATH_MAX + 300], to[PATH_MAX + 300], dir[PATH_MAX + 16];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	snprintf(dir, sizeof(dir), "%s/pcap", shard);
	d = opendir(dir);
	if (!d)
		return 0;               /* a shard without traces */
	while (rc == 0 && (de = readdir(d))) {
		char *data;
		size_t n;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(from, sizeof(from), "%s/%s", dir, de->d_name);
		snprintf(to, sizeof(to), "%s/pcap/%s", out, de->d_name);
		data = tc_read_file(from, &n);
		f = data ? fopen(to, "wb") : NULL;
		if (!f || fwrite(data, 1, n, f) != n) {
			fprintf(stderr, "tcpconform: cannot copy %s to %s: %s\n", from, to, strerror(errno));
			rc = -1;
		}
		if (f && fclose(f) != 0)
			rc = -1;
		free(data);
	}
	closedir(d);
	return rc;
}

int cli_merge(int argc, char **argv)
{
	const char *outdir = NULL;
	char **texts = tc_xcalloc((size_t)argc, sizeof(*texts)), **names = tc_xcalloc((size_t)argc, sizeof(*names));
	const char **dirs = tc_xcalloc((size_t)argc, sizeof(*dirs));
	char out[PATH_MAX], path[PATH_MAX + 32], err[TC_ERRLEN], *merged = NULL, *xml = NULL;
	int n = 0, rc = TC_EXIT_USAGE;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
			if (++i >= argc) {
				rc = cli_usage_error("%s needs a directory", argv[i - 1]);
				goto done;
			}
			outdir = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			rc = cli_usage_error("unknown option '%s' for merge (see --help)", argv[i]);
			goto done;
		} else {
			snprintf(path, sizeof(path), "%s/report.json", argv[i]);
			dirs[n] = argv[i];
			names[n] = tc_xstrdup(path);
			texts[n] = tc_read_file(path, NULL);
			if (!texts[n]) {
				fprintf(stderr, "tcpconform: %s: %s (merge takes the run directories of the shards)\n", path,
					strerror(errno));
				n++;
				goto done;
			}
			n++;
		}
	}
	if (n < 1) {
		rc = cli_usage_error("merge takes the run directories of a run's shards (--shard I/N)");
		goto done;
	}
	merged = tc_merge_reports(texts, names, n, err, sizeof(err));
	if (!merged) {
		fprintf(stderr, "tcpconform: %s\n", err);
		goto done;
	}
	{       /* OUTPUT/<stamp>-<pid>-merged, as run names its directories */
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
		snprintf(out, sizeof(out), "%s/%s-%d-merged", outdir ? outdir : "reports", stamp, (int)getpid());
	}
	snprintf(path, sizeof(path), "%s/pcap", out);
	if ((mkdir(outdir ? outdir : "reports", 0755) < 0 && errno != EEXIST) || mkdir(out, 0755) < 0 ||
	    mkdir(path, 0755) < 0) {
		fprintf(stderr, "tcpconform: cannot create %s: %s\n", path, strerror(errno));
		goto done;
	}
	xml = tc_report_junit_json(merged);
	snprintf(path, sizeof(path), "%s/report.json", out);
	if (tc_write_file_atomic(path, merged, err, sizeof(err)) < 0 ||
	    (snprintf(path, sizeof(path), "%s/junit.xml", out), tc_write_file_atomic(path, xml ? xml : "", err, sizeof(err))) < 0) {
		fprintf(stderr, "tcpconform: %s\n", err);
		goto done;
	}
	for (int i = 0; i < n; i++)
		if (copy_pcaps(dirs[i], out) < 0)
			goto done;
	{
		char *html = tc_report_html(merged, err, sizeof(err));

		snprintf(path, sizeof(path), "%s/report.html", out);
		if (!html || tc_write_file_atomic(path, html, err, sizeof(err)) < 0) {
			fprintf(stderr, "tcpconform: %s\n", err);
			free(html);
			goto done;
		}
		free(html);
	}
	printf("merged %d shards: %s/report.json, %s/report.html, %s/junit.xml, %s/pcap/\n", n, out, out, out, out);
	rc = TC_EXIT_OK;
done:
	for (int i = 0; i < n; i++) {
		free(texts[i]);
		free(names[i]);
	}
	free(texts);
	free(names);
	free(dirs);
	free(merged);
	free(xml);
	return rc;
}
