/* cli: tcpconform import - packetdrill scripts into case files, whole or not at all, and
 * what kept each of the others out, counted by kind (see case/import.h). */
#include "cli.h"

#include "case/case.h"
#include "case/import.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct kind {
	char name[48];
	int scripts;            /* scripts with at least one reason of this kind */
};

struct imp {
	const char *out;
	int nscripts, whole;
	struct kind *kinds;
	int nkinds;
	size_t cap;
	FILE *list;             /* OUT/IMPORT.txt */
};

/* read_rel - a file a script names relative to itself (its defaults.sh) */
static char *read_rel(const char *script, const char *rel)
{
	char path[4096];
	const char *slash = strrchr(script, '/');

	if (rel[0] == '/')
		return tc_read_file(rel, NULL);
	snprintf(path, sizeof(path), "%.*s%s", slash ? (int)(slash - script + 1) : 0, script, rel);
	return tc_read_file(path, NULL);
}

static void count_kind(struct imp *m, const char *kind)
{
	int i;

	for (i = 0; i < m->nkinds && strcmp(m->kinds[i].name, kind); i++)
		;
	if (i == m->nkinds) {
		tc_grow(&m->kinds, sizeof(*m->kinds), (size_t)m->nkinds, &m->cap);
		memset(&m->kinds[i], 0, sizeof(m->kinds[i]));
		snprintf(m->kinds[i].name, sizeof(m->kinds[i].name), "%s", kind);
		m->nkinds++;
	}
	m->kinds[i].scripts++;
}

/* one - import the script @path under @id: its case file in m->out, or its reasons */
static void one(struct imp *m, const char *path, const char *id)
{
	struct tc_import im;
	char *text = tc_read_file(path, NULL), err[TC_ERRLEN], file[4096];
	int rc;

	m->nscripts++;
	if (!text) {
		fprintf(m->list, "not imported  %s: cannot be read: %s\n", path, strerror(errno));
		count_kind(m, "cannot be read");
		return;
	}
	rc = tc_import_pkt(&im, path, id, text, read_rel);
	free(text);
	snprintf(file, sizeof(file), "%s/%s.tcp", m->out, id + strlen("tcp.import."));
	if (rc == 0) {
		/* what is written must read back as a case: a translation the parser refuses is
		 * the translator's fault, and no file is left for it */
		struct tc_case *c = tc_case_parse(file, im.out.s, im.out.len, err, sizeof(err));
		FILE *f;

		if (!c) {
			fprintf(m->list, "not imported  %s: its translation is not a case: %s\n", path, err);
			count_kind(m, "a translation the parser refuses");
			tc_import_free(&im);
			return;
		}
		tc_case_free(c);
		f = fopen(file, "w");
		if (!f || fwrite(im.out.s, 1, im.out.len, f) != im.out.len || fclose(f) != 0) {
			fprintf(stderr, "tcpconform: %s: %s\n", file, strerror(errno));
			count_kind(m, "cannot be written");
			tc_import_free(&im);
			return;
		}
		m->whole++;
		fprintf(m->list, "imported      %s -> %s\n", path, file);
		tc_import_free(&im);
		return;
	}
	fprintf(m->list, "not imported  %s:", path);
	for (int i = 0; i < im.nwhy; i++) {
		int seen = 0;

		for (int j = 0; j < i; j++)
			seen |= !strcmp(im.why[j].kind, im.why[i].kind);
		if (!seen)
			count_kind(m, im.why[i].kind);
		fprintf(m->list, "%s line %d: %s: %s", i ? ";" : "", im.why[i].line, im.why[i].kind, im.why[i].text);
	}
	fputc('\n', m->list);
	tc_import_free(&im);
}

/* walk - every .pkt file under @dir (in name order), its id from its path under @top */
static void walk(struct imp *m, const char *top, const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		char path[4096], id[200];
		struct stat sb;
		size_t l = strlen(ents[i]->d_name);

		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			walk(m, top, path);
		else if (l > 4 && !strcmp(ents[i]->d_name + l - 4, ".pkt")) {
			/* the id names the script's place under the directory given */
			tc_import_id(path + strlen(top) + (path[strlen(top)] == '/'), id, sizeof(id));
			one(m, path, id);
		}
		free(ents[i]);
	}
	free(ents);
}

int cli_import(int argc, char **argv)
{
	struct imp m = { 0 };
	const char *out = NULL;
	char tmp[] = "/tmp/tcpconform-import.XXXXXX", listpath[4096];
	int i, run = 0, nin = 0, rc = TC_EXIT_OK;
	char **in = tc_xcalloc((size_t)argc + 1, sizeof(*in));

	for (i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--run"))
			run = 1;
		else if (!strcmp(argv[i], "--"))
			break;
		else if (argv[i][0] == '-')
			return free(in), cli_usage_error("import takes FILE.pkt or DIR ..., -o DIR and --run (then -- and "
							 "run's options), not '%s'", argv[i]);
		else
			in[nin++] = argv[i];
	}
	if (!nin)
		return free(in), cli_usage_error("import needs a packetdrill script (FILE.pkt) or a directory of them");
	if (!out && !run)
		return free(in), cli_usage_error("import needs -o DIR, where the case files go (or --run)");
	if (!out && !(out = mkdtemp(tmp)))
		return free(in), cli_usage_error("cannot make a temporary directory: %s", strerror(errno));
	if (mkdir(out, 0755) < 0 && errno != EEXIST)
		return free(in), cli_usage_error("cannot make %s: %s", out, strerror(errno));
	snprintf(listpath, sizeof(listpath), "%s/IMPORT.txt", out);
	m.out = out;
	if (!(m.list = fopen(listpath, "w")))
		return free(in), cli_usage_error("cannot write %s: %s", listpath, strerror(errno));
	for (int k = 0; k < nin; k++) {
		struct stat sb;
		char id[200], top[4096];

		if (stat(in[k], &sb) < 0) {
			fprintf(stderr, "tcpconform: %s: %s\n", in[k], strerror(errno));
			rc = TC_EXIT_USAGE;
			continue;
		}
		snprintf(top, sizeof(top), "%s", in[k]);
		while (strlen(top) > 1 && top[strlen(top) - 1] == '/')
			top[strlen(top) - 1] = '\0';
		if (S_ISDIR(sb.st_mode)) {
			walk(&m, top, top);
		} else {
			tc_import_id(strrchr(top, '/') ? strrchr(top, '/') + 1 : top, id, sizeof(id));
			one(&m, top, id);
		}
	}
	fprintf(m.list, "\n%d scripts: %d imported whole, %d not\n", m.nscripts, m.whole, m.nscripts - m.whole);
	for (i = 0; i < m.nkinds; i++)
		fprintf(m.list, "  %4d kept out by %s\n", m.kinds[i].scripts, m.kinds[i].name);
	fclose(m.list);
	/* the same list on the terminal */
	{
		char *text = tc_read_file(listpath, NULL);

		if (text)
			fputs(text, stdout);
		free(text);
	}
	printf("cases in %s (the list: %s)\n", out, listpath);
	free(m.kinds);
	if (run && m.whole && rc == TC_EXIT_OK) {
		/* tcpconform run --cases OUT [what follows --] */
		char **av = tc_xcalloc((size_t)argc + 4, sizeof(*av));
		int n = 0;

		av[n++] = "run";
		av[n++] = "--cases";
		av[n++] = (char *)out;
		for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
			;
		for (i++; i < argc; i++)
			av[n++] = argv[i];
		fflush(stdout);
		rc = cli_run(n, av);
		free(av);
	}
	free(in);
	return rc;
}
