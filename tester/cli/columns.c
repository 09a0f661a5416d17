/* cli: a run of several targets started here (--stack lwip,gvisor; --kernel 6.1
 * --kernel host): one run directory each, the matrix of their verdicts beside them,
 * and between kernels the cases whose verdicts differ, with what the target sent. */
#include "cli.h"
#include "cli_run.h"

#include "report/diff.h"
#include "report/stackmx.h"
#include "util/util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* find_kernels - every --kernel VERSION, found (fetched into the cache when new). */
static int find_kernels(struct run_opts *o)
{
	char err[TC_ERRLEN];

	for (int i = 0; i < o->nstack; i++) {
		if (o->stacks[i] != TC_STACK_KERNEL)
			continue;
		o->kern[i] = tc_xcalloc(1, sizeof(*o->kern[i]));
		if (tc_vm_kernel_find(o->kernels[i], o->kern[i], 1, err, sizeof(err)) < 0) {
			fprintf(stderr, "tcpconform: %s\n", err);
			return -1;
		}
	}
	return 0;
}

/* column_name - a target's name in the matrix and its run directory: the stack's
 * ("lwip"), a kernel's ("linux-6.1.0-57"), or "host" for this machine's kernel
 * beside others. */
static void column_name(const struct run_opts *o, int i, char *buf, size_t len)
{
	int kernels = 0;

	for (int j = 0; j < o->nstack; j++)
		kernels |= o->stacks[j] == TC_STACK_KERNEL;
	if (o->stacks[i] == TC_STACK_KERNEL)
		snprintf(buf, len, "linux-%s", o->kern[i]->name);
	else if (o->stacks[i] == TC_STACK_LINUX && kernels)
		snprintf(buf, len, "host");
	else
		snprintf(buf, len, "%s", tc_stack_info(o->stacks[i])->name);
}

/* linux_col - is column @i a Linux kernel (this machine's, or one in a machine)? */
static int linux_col(const struct run_opts *o, int i)
{
	return o->stacks[i] == TC_STACK_LINUX || o->stacks[i] == TC_STACK_KERNEL;
}

/* kernel_diffs - between consecutive Linux kernels of the run (6.1, then 6.12, then
 * host): the case runs whose verdict differs, each with the first segment from the
 * target that differs, on the terminal; every difference (segments too) in
 * PARENT/diff-A-B.json. */
static int kernel_diffs(const struct run_opts *o, const char *parent, char names[][80])
{
	int prev = -1, rc = 0;

	for (int i = 0; i < o->nstack; i++) {
		char pa[PATH_MAX + 96], pb[PATH_MAX + 96], out[PATH_MAX + 200], err[TC_ERRLEN], *ta, *tb, *json;
		struct tc_diff d;
		size_t n;
		int shown = 0;

		if (!linux_col(o, i))
			continue;
		if (prev < 0) {
			prev = i;
			continue;
		}
		snprintf(pa, sizeof(pa), "%s/%.79s/report.json", parent, names[prev]);
		snprintf(pb, sizeof(pb), "%s/%.79s/report.json", parent, names[i]);
		ta = tc_read_file(pa, &n);
		tb = tc_read_file(pb, &n);
		if (ta && tb && tc_diff_reports(ta, pa, tb, pb, &d, err, sizeof(err)) == 0) {
			printf("\n%s -> %s: the case runs whose verdict differs\n", names[prev], names[i]);
			for (int k = 0; k < d.n; k++) {
				const struct tc_diff_entry *e = &d.e[k];

				if (!strcmp(e->verdict[0], e->verdict[1]))
					continue;
				shown++;
				printf("  %s%s: %s -> %s%s%s\n", e->id, e->family && !strcmp(e->family, "ipv6") ? " [ipv6]" : "",
				       e->verdict[0], e->verdict[1], e->level ? " " : "", e->level ? e->level : "");
				if (e->observed[0])
					printf("      from the target: %s -> %s\n", e->observed[0], e->observed[1]);
				for (int w = 0; w < 2; w++)     /* a waiver that holds on one kernel only */
					if (e->waiver[w] && !strcmp(e->verdict[w], "xfail"))
						printf("      waived on %s (%s); on %s %s\n", names[w ? i : prev], e->waiver[w],
						       names[w ? prev : i], !strcmp(e->verdict[!w], "pass") ?
						       "it passes: the deviation is not there" : !strcmp(e->verdict[!w], "fail") ?
						       "the waiver does not cover its failure (its match, or its kernels)" :
						       "nothing was judged");
			}
			printf("  %d of %d case runs differ in verdict; every difference, segments too: ", shown, d.n);
			snprintf(out, sizeof(out), "%s/diff-%.79s-%.79s.json", parent, names[prev], names[i]);
			json = tc_diff_json(&d);
			if (tc_write_file_atomic(out, json, err, sizeof(err)) < 0) {
				fprintf(stderr, "tcpconform: %s\n", err);
				rc = -1;
			}
			printf("%s\n", out);
			free(json);
			tc_diff_free(&d);
		} else if (ta && tb) {
			fprintf(stderr, "tcpconform: %s\n", err);
		}
		free(ta);
		free(tb);
		prev = i;
	}
	return rc;
}

int cli_columns(struct run_opts *op)
{
	struct run_opts o = *op;
	struct tc_stackmx mx;
	char parent[PATH_MAX], stamp[32], path[PATH_MAX + 32], err[TC_ERRLEN], names[TC_MAX_COLUMNS][80];
	time_t now = time(NULL);
	struct tm tm;
	int rc = 0, i;

	if (find_kernels(&o) < 0)
		return TC_EXIT_USAGE;
	if (o.nstack <= 1)
		return cli_run_target(&o, o.target ? TC_STACK_LINUX : o.stacks[0], NULL, 0);
	/* several stacks: OUTPUT/<stamp>-<pid>/STACK/ each, and the matrix beside them */
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	snprintf(parent, sizeof(parent), "%s/%s-%d", o.outdir, stamp, (int)getpid());
	tc_stackmx_init(&mx);
	for (i = 0; i < o.nstack; i++) {
		column_name(&o, i, names[i], sizeof(names[i]));
		tc_stackmx_column(&mx, names[i]);
	}
	for (i = 0; i < o.nstack && !cli_stopped(); i++) {
		struct run_opts one = o;

		one.outdir = parent;
		one.run_name = names[i];
		if (o.stacks[i] == TC_STACK_KERNEL)
			printf("== Linux %s, in a virtual machine\n", o.kern[i]->release[0] ? o.kern[i]->release : o.kern[i]->name);
		else
			printf("== %s\n", tc_stack_info(o.stacks[i])->title);
		fflush(stdout);
		rc = cli_worse(rc, cli_run_target(&one, o.stacks[i], &mx, i));
	}
	snprintf(path, sizeof(path), "%s/matrix.json", parent);
	{
		char *json = tc_stackmx_json(&mx);

		if (tc_write_file_atomic(path, json, err, sizeof(err)) < 0) {
			fprintf(stderr, "tcpconform: %s\n", err);
			rc = cli_worse(rc, TC_EXIT_USAGE);
		}
		free(json);
	}
	snprintf(path, sizeof(path), "%s/matrix.html", parent);
	{
		FILE *f = fopen(path, "w");

		if (f) {
			tc_stackmx_html(f, &mx);
			if (fclose(f) != 0)
				f = NULL;
		}
		if (!f) {
			fprintf(stderr, "tcpconform: cannot write %s\n", path);
			rc = cli_worse(rc, TC_EXIT_USAGE);
		}
	}
	printf("\n");
	tc_stackmx_text(stdout, &mx, o.color);
	printf("matrix: %s/matrix.json, %s/matrix.html\n", parent, parent);
	if (kernel_diffs(&o, parent, names) < 0)
		rc = cli_worse(rc, TC_EXIT_USAGE);
	cli_point_latest_at(o.outdir, parent);
	tc_stackmx_free(&mx);
	for (i = 0; i < o.nstack; i++)
		free(o.kern[i]);
	return rc;
}
