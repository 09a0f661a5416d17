/* cli: tcpconform run. Loads and selects the cases, builds the environment, runs
 * them, writes the reports, tears everything down (on errors and signals too). */
#include "cli.h"

#include "case/case.h"
#include "case/matrix.h"
#include "env/netns.h"
#include "io/agentc.h"
#include "io/live.h"
#include "report/report.h"
#include "run/sched.h"
#include "util/util.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* The one piece of state a signal handler may touch. */
static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	stop_flag = sig;
}

struct run_opts {
	int jobs, fam[2];
	const char *cases, *outdir, *agent;
	char *sk[64], *sv[64];
	int nsc;
	uint64_t seed;
	int verbose, quiet, color, strict, no_waivers, no_matrix, matrix;
	const char *waiver_files[16];
	int nwaiver_files;
	char **globs;
	int nglob;
};

struct run {
	struct run_opts o;
	struct tc_caseset set;
	struct tc_case **sel;
	int nsel;
	struct tc_result *res;
	int nres;
	struct tc_run_info info;
	char dir[PATH_MAX];
	struct tc_netns ns;
	struct tc_live *live;
	struct tc_sched_stats stats;
	struct tc_text_opts txt;
	struct tc_waivers waivers;
	int64_t wall_offset_us;         /* wall clock minus monotonic clock */
};

static int parse_num(const char *opt, const char *v, uint64_t max, uint64_t *out)
{
	if (!v || tc_parse_u64(v, max, out) < 0)
		return cli_usage_error("%s needs a number from 1 to %llu", opt, (unsigned long long)max);
	return 0;
}

static int opt_value(int argc, char **argv, int *i, const char **v)
{
	if (*i + 1 >= argc)
		return cli_usage_error("%s needs a value", argv[*i]);
	*v = argv[++*i];
	return 0;
}

static int parse_sysctl(struct run_opts *o, const char *v)
{
	const char *eq = strchr(v, '=');

	if (!eq || eq == v || !eq[1] || strncmp(v, "net.", 4))
		return cli_usage_error("--sysctl needs KEY=VALUE with a net.* key, like net.ipv4.tcp_sack=0 (got '%s')", v);
	if (o->nsc >= 64)
		return cli_usage_error("too many --sysctl options");
	o->sk[o->nsc] = tc_xstrndup(v, (size_t)(eq - v));
	o->sv[o->nsc++] = tc_xstrdup(eq + 1);
	return 0;
}

static int parse_opts(struct run_opts *o, int argc, char **argv)
{
	uint64_t n;
	const char *v = NULL;
	int i;

	o->jobs = 16;
	o->outdir = "reports";
	o->color = isatty(1) && !getenv("NO_COLOR");
	o->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	o->globs = argv + 1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-j") || !strcmp(a, "--jobs") || (!strncmp(a, "-j", 2) && a[2])) {
			v = a[2] && a[1] == 'j' ? a + 2 : NULL;
			if (!v && opt_value(argc, argv, &i, &v))
				return TC_EXIT_USAGE;
			if (tc_parse_u64(v, 256, &n) < 0 || n == 0)
				return cli_usage_error("-j needs a number from 1 to 256 (got '%s')", v);
			o->jobs = (int)n;
		} else if (!strcmp(a, "-4")) {
			o->fam[0] = 1;
		} else if (!strcmp(a, "-6")) {
			o->fam[1] = 1;
		} else if (!strcmp(a, "--cases")) {
			if (opt_value(argc, argv, &i, &o->cases))
				return TC_EXIT_USAGE;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (opt_value(argc, argv, &i, &o->outdir))
				return TC_EXIT_USAGE;
		} else if (!strcmp(a, "--agent")) {
			if (opt_value(argc, argv, &i, &o->agent))
				return TC_EXIT_USAGE;
		} else if (!strcmp(a, "--sysctl")) {
			if (opt_value(argc, argv, &i, &v) || parse_sysctl(o, v))
				return TC_EXIT_USAGE;
		} else if (!strcmp(a, "--seed")) {
			if (opt_value(argc, argv, &i, &v) || parse_num(a, v, UINT64_MAX, &o->seed))
				return TC_EXIT_USAGE;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			o->verbose = 1;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			o->quiet = 1;
		} else if (!strcmp(a, "--no-color")) {
			o->color = 0;
		} else if (!strcmp(a, "--strict")) {
			o->strict = 1;
		} else if (!strcmp(a, "--no-matrix")) {
			o->no_matrix = 1;
		} else if (!strcmp(a, "--matrix")) {
			o->matrix = 1;
		} else if (!strcmp(a, "--no-waivers")) {
			o->no_waivers = 1;
		} else if (!strcmp(a, "--waivers")) {
			if (opt_value(argc, argv, &i, &v))
				return TC_EXIT_USAGE;
			if (o->nwaiver_files >= 16)
				return cli_usage_error("at most 16 --waivers files");
			o->waiver_files[o->nwaiver_files++] = v;
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error("unknown option '%s' for run (see --help)", a);
		} else {
			o->globs[o->nglob++] = argv[i];
		}
	}
	if (!o->fam[0] && !o->fam[1])
		o->fam[0] = 1;
	if (o->no_waivers && o->nwaiver_files)
		return cli_usage_error("--waivers and --no-waivers exclude each other");
	if (o->matrix && o->no_matrix)
		return cli_usage_error("--matrix and --no-matrix exclude each other");
	return 0;
}

/* load_waivers - the --waivers files, or else the stack's own file next to the cases. */
static int load_waivers(struct run *R)
{
	char err[TC_ERRLEN], def[PATH_MAX];
	int i;

	if (R->o.no_waivers)
		return 0;
	for (i = 0; i < R->o.nwaiver_files; i++)
		if (tc_waivers_load(&R->waivers, R->o.waiver_files[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\n", err);
			return TC_EXIT_USAGE;
		}
	if (R->o.nwaiver_files)
		return 0;
	snprintf(def, sizeof(def), "%s/waivers/linux.waivers", cli_cases_dir(R->o.cases));
	if (access(def, R_OK) == 0 && tc_waivers_load(&R->waivers, def, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return TC_EXIT_USAGE;
	}
	return 0;
}

static void print_error(void *arg, const char *msg)
{
	fprintf(stderr, "%s\n", msg);
}

/* select_cases - load the case files, keep those the globs name. */
static int select_cases(struct run *R)
{
	char err[TC_ERRLEN];
	size_t i;

	if (tc_caseset_load_dir(&R->set, cli_cases_dir(R->o.cases), print_error, NULL, err, sizeof(err)) < 0) {
		if (!R->set.n)
			fprintf(stderr, "tcpconform: %s\n", err);
		return TC_EXIT_USAGE;
	}
	/* the matrix comes with the shipped cases; with --cases DIR only on request */
	if ((R->o.matrix || (!R->o.cases && !R->o.no_matrix)) && tc_matrix_add(&R->set, err, sizeof(err)) < 0) {
		fprintf(stderr, "tcpconform: the generated matrix does not parse: %s\n", err);
		return TC_EXIT_USAGE;
	}
	R->sel = tc_xcalloc(R->set.n, sizeof(*R->sel));
	for (i = 0; i < R->set.n; i++)
		if (tc_case_selected(R->set.v[i], R->o.globs, R->o.nglob))
			R->sel[R->nsel++] = R->set.v[i];
	if (!R->nsel) {
		fprintf(stderr, "tcpconform: no case matches");
		for (i = 0; i < (size_t)R->o.nglob; i++)
			fprintf(stderr, " '%s'", R->o.globs[i]);
		fprintf(stderr, " (tcpconform list shows the ids)\n");
		return TC_EXIT_USAGE;
	}
	return 0;
}

static int mkdir_p(const char *path)
{
	char tmp[PATH_MAX + 32], *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* make_run_dir - OUTPUT/<yyyymmdd-hhmmss>-<pid>/pcap. */
static int make_run_dir(struct run *R)
{
	char stamp[32], pcap[PATH_MAX + 16];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	snprintf(R->dir, sizeof(R->dir), "%s/%s-%d", R->o.outdir, stamp, (int)getpid());
	snprintf(pcap, sizeof(pcap), "%s/pcap", R->dir);
	if (mkdir_p(pcap) < 0) {
		fprintf(stderr, "tcpconform: cannot create %s: %s\n", pcap, strerror(errno));
		return -1;
	}
	return 0;
}

static int write_reports(struct run *R)
{
	char path[PATH_MAX + 32], err[TC_ERRLEN];
	char *json = tc_report_json(&R->info, R->res, R->nres, &R->stats);
	char *xml = NULL;
	int rc;

	snprintf(path, sizeof(path), "%s/report.json", R->dir);
	rc = tc_write_file_atomic(path, json, err, sizeof(err));
	if (rc == 0 && R->info.finished[0]) {
		xml = tc_report_junit(&R->info, R->res, R->nres);
		snprintf(path, sizeof(path), "%s/junit.xml", R->dir);
		rc = tc_write_file_atomic(path, xml, err, sizeof(err));
	}
	if (rc < 0)
		fprintf(stderr, "tcpconform: %s\n", err);
	free(json);
	free(xml);
	return rc;
}

/* point_latest - OUTPUT/latest -> this run, replaced atomically. */
static void point_latest(struct run *R)
{
	char link[PATH_MAX + 16], tmp[PATH_MAX + 32];
	const char *base = strrchr(R->dir, '/');

	base = base ? base + 1 : R->dir;
	snprintf(link, sizeof(link), "%s/latest", R->o.outdir);
	snprintf(tmp, sizeof(tmp), "%s/.latest.%d", R->o.outdir, (int)getpid());
	unlink(tmp);
	if (symlink(base, tmp) < 0 || rename(tmp, link) < 0) {
		fprintf(stderr, "tcpconform: cannot point %s at %s: %s\n", link, base, strerror(errno));
		unlink(tmp);
	}
}

static void on_done(void *arg, struct tc_result *r)
{
	struct run *R = arg;
	char path[PATH_MAX + 300], rel[300], err[TC_ERRLEN];

	if (r->ntrace) {
		snprintf(rel, sizeof(rel), "pcap/%s%s.pcap", r->c->id, r->family == 6 ? ".ipv6" : "");
		snprintf(path, sizeof(path), "%s/%s", R->dir, rel);
		if (tc_pcap_write(path, r, R->wall_offset_us, err, sizeof(err)) == 0)
			r->pcap = tc_xstrdup(rel);
		else
			tc_result_add_note(r, "pcap not written: %s", err);
	}
	tc_result_waive(r, R->o.no_waivers ? NULL : &R->waivers);
	if (!R->o.quiet || (r->verdict != TC_V_PASS && r->verdict != TC_V_SKIP && r->verdict != TC_V_XFAIL))
		tc_text_case(stdout, r, &R->txt);
	fflush(stdout);
}

static void fill_info(struct run *R)
{
	struct utsname u;
	int f;

	R->info.tool_version = TC_VERSION;
	R->info.mode = "netns";
	R->info.stack = "linux";
	R->info.jobs = R->o.jobs;
	R->info.seed = R->o.seed;
	if (!R->info.started[0])
		tc_wall_iso(NULL, R->info.started, sizeof(R->info.started));
	if (uname(&u) == 0)
		snprintf(R->info.kernel, sizeof(R->info.kernel), "%s", u.release);
	R->info.target_addr[0] = R->info.tester_addr[0] = '\0';
	for (f = 0; f < 2; f++) {
		char t[64], u2[64];
		size_t l1 = strlen(R->info.target_addr), l2 = strlen(R->info.tester_addr);

		if (!R->o.fam[f] || !R->ns.tg[f].family)
			continue;
		tc_addr_format(&R->ns.tg[f].target, t, sizeof(t));
		tc_addr_format(&R->ns.tg[f].tester, u2, sizeof(u2));
		snprintf(R->info.target_addr + l1, sizeof(R->info.target_addr) - l1, "%s%s", l1 ? " " : "", t);
		snprintf(R->info.tester_addr + l2, sizeof(R->info.tester_addr) - l2, "%s%s", l2 ? " " : "", u2);
	}
	snprintf(R->info.iface, sizeof(R->info.iface), "%s", R->ns.if_tester);
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* setup - the environment and the live back-end; 0 or -1 (message printed). */
static int setup(struct run *R)
{
	struct tc_netns_cfg cfg = { 0 };
	struct tc_live_cfg lc = { 0 };
	char err[TC_ERRLEN], agent[PATH_MAX];
	ssize_t n;

	if (R->o.agent) {
		snprintf(agent, sizeof(agent), "%s", R->o.agent);
	} else {
		n = readlink("/proc/self/exe", agent, sizeof(agent) - 32);
		agent[n > 0 ? n : 0] = '\0';
		if (strrchr(agent, '/'))
			strcpy(strrchr(agent, '/') + 1, "tcpconform-agent");
	}
	cfg.agent_path = agent;
	cfg.sysctl_keys = R->o.sk;
	cfg.sysctl_vals = R->o.sv;
	cfg.nsysctl = R->o.nsc;
	if (tc_netns_setup(&R->ns, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "tcpconform: cannot set up the network namespaces: %s\n", err);
		return -1;
	}
	/* The snapshot outlives the namespaces: the report is written after teardown. */
	R->info.sysctl_keys = R->ns.sc_keys;
	R->info.sysctl_vals = R->ns.sc_vals;
	R->info.nsysctl = R->ns.nsc;
	R->ns.sc_keys = R->ns.sc_vals = NULL;
	R->ns.nsc = 0;
	lc.iface = R->ns.if_tester;
	lc.tester[0] = R->ns.tg[0].tester;
	lc.target[0] = R->ns.tg[0].target;
	lc.tester[1] = R->ns.tg[1].tester;
	lc.target[1] = R->ns.tg[1].target;
	memcpy(lc.tester_mac, R->ns.tg[0].tester_mac, 6);
	R->live = tc_live_open(&lc, err, sizeof(err));
	if (!R->live) {
		fprintf(stderr, "tcpconform: %s\n", err);
		return -1;
	}
	return 0;
}

static void teardown(struct run *R)
{
	tc_live_close(R->live);
	R->live = NULL;
	tc_netns_teardown(&R->ns);
}

/* run_cases - every selected case, once per family. 0, 1 (stopped), -1 (broken). */
static int run_cases(struct run *R)
{
	struct tc_clock clock = { 0 };
	struct tc_io io = tc_live_io(R->live);
	struct tc_agentc ag = tc_agent_link_ops(R->ns.agent);
	struct tc_sched_opts so = { 0 };
	char err[TC_ERRLEN];
	int f, rc = 0, base = 0;

	so.jobs = R->o.jobs;
	so.seed = R->o.seed;
	so.port_lo = 20000;
	so.port_hi = 59999;
	so.case_limit_us = 120 * 1000000ull;
	so.stop = &stop_flag;
	so.on_done = on_done;
	so.arg = R;
	for (f = 0; f < 2 && rc == 0; f++) {
		struct tc_run_env env = { .tg = &R->ns.tg[f], .io = &io, .agent = &ag, .clock = &clock };

		if (!R->o.fam[f])
			continue;
		so.port_lo = (uint16_t)(20000 + 20000 * f);
		so.port_hi = (uint16_t)(so.port_lo + 19999);
		rc = tc_sched_run(R->sel, R->nsel, R->res + base, &env, &so, &R->stats, err, sizeof(err));
		if (rc < 0)
			fprintf(stderr, "tcpconform: the run broke: %s\n", err);
		base += R->nsel;
	}
	return rc;
}

static int exit_code(struct run *R, int rc)
{
	struct tc_summary s;

	tc_summarize(R->res, R->nres, &s);
	if (stop_flag)
		return TC_EXIT_INTERRUPTED;
	if (rc < 0 || s.error)
		return TC_EXIT_USAGE;
	if (R->o.strict)
		return s.fail ? TC_EXIT_FAIL : TC_EXIT_OK;
	return s.fail_must ? TC_EXIT_FAIL : TC_EXIT_OK;
}

static void free_run(struct run *R)
{
	int i;

	for (i = 0; i < R->nres; i++)
		tc_result_free(&R->res[i]);
	free(R->res);
	free(R->sel);
	tc_caseset_free(&R->set);
	for (i = 0; i < R->o.nsc; i++) {
		free(R->o.sk[i]);
		free(R->o.sv[i]);
	}
	for (i = 0; i < R->info.nsysctl; i++) {
		free(R->info.sysctl_keys[i]);
		free(R->info.sysctl_vals[i]);
	}
	free(R->info.sysctl_keys);
	free(R->info.sysctl_vals);
	tc_waivers_free(&R->waivers);
}

int cli_run(int argc, char **argv)
{
	struct run R;
	uint64_t t0 = tc_now_us(NULL);
	int rc, nfam;

	memset(&R, 0, sizeof(R));
	R.ns.orig_ns = -1;
	rc = parse_opts(&R.o, argc, argv);
	if (rc == 0)
		rc = select_cases(&R);
	if (rc == 0)
		rc = load_waivers(&R);
	if (rc == 0 && geteuid() != 0)
		rc = cli_usage_error("run needs root: it makes network namespaces and sends raw packets");
	if (rc) {
		free_run(&R);
		return rc;
	}
	R.txt.color = R.o.color;
	R.txt.verbose = R.o.verbose;
	nfam = R.o.fam[0] + R.o.fam[1];
	R.res = tc_xcalloc((size_t)(R.nsel * nfam), sizeof(*R.res));
	/* Every selected case is in the report from the start, as "notrun": a run
	 * killed before its end leaves a report that says what it was running. */
	R.nres = R.nsel * nfam;
	for (int i = 0; i < R.nres; i++) {
		tc_result_init(&R.res[i], R.sel[i % R.nsel]);
		R.res[i].family = R.o.fam[0] && i < R.nsel ? 4 : 6;
	}
	install_signals();
	{
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		R.wall_offset_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 - (int64_t)tc_now_us(NULL);
	}
	fill_info(&R);
	if (make_run_dir(&R) < 0 || write_reports(&R) < 0) {
		free_run(&R);
		return TC_EXIT_USAGE;
	}
	if (!stop_flag && setup(&R) == 0 && !stop_flag) {
		fill_info(&R);
		rc = run_cases(&R);
	} else {
		rc = -1;
	}
	teardown(&R);
	R.nres = R.nsel * nfam;         /* cases never reached stay "notrun" */
	R.info.complete = rc == 0 && !stop_flag;
	if (stop_flag)
		R.info.interrupted = stop_flag == SIGINT ? "SIGINT" : stop_flag == SIGTERM ? "SIGTERM" : "SIGHUP";
	else if (rc < 0)
		R.info.interrupted = "environment error";
	tc_wall_iso(NULL, R.info.finished, sizeof(R.info.finished));
	if (write_reports(&R) < 0)
		rc = -2;
	point_latest(&R);
	tc_text_summary(stdout, R.res, R.nres, R.dir, (double)(tc_now_us(NULL) - t0) / 1e6, &R.txt);
	if (!R.info.complete)
		printf("the run is incomplete (%s): the report says \"complete\": false\n", R.info.interrupted);
	rc = rc == -2 ? TC_EXIT_USAGE : exit_code(&R, rc);
	free_run(&R);
	return rc;
}
